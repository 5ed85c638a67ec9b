-- Filters of a listing by option values and price (issue #23). A product
-- matches when one of its live variants does: priced within the range, and
-- for every option the filter names, taking one of the values chosen for it.

-- The main row's option names, for the filters and their counts.
CREATE OR REPLACE VIEW listed_products AS
    SELECT p.id, p.slug, p.name, p.description, p.category_id, p.price_cents,
           GREATEST(p.stock - coalesce(h.held, 0), 0)::INTEGER AS stock,
           p.image_path, p.created_at, p.search_name, p.search_vector, p.max_per_order, p.max_per_customer,
           p.hold_minutes, coalesce(h.held, 0) AS held, p.stock AS stock_on_shelf,
           p.variant_of, p.sku, p.option_values, p.option_values_en,
           p.from_price_cents, p.price_varies, p.variant_count,
           p.option_names, p.option_names_en
    FROM products p LEFT JOIN held_units h ON h.product_id = p.id
    WHERE p.archived_at IS NULL;

-- Whether a variant (its values `option_values`, its product's options
-- `option_names`, its price) passes a filter: `names` and `vals` pair each
-- chosen value with its option (values of one option are alternatives,
-- options all apply), the range is inclusive and either end may be NULL.
-- The option `skip` is left out: a value's count is what choosing it would
-- give, the other options' choices kept.
CREATE FUNCTION variant_matches(
    option_names TEXT[], option_values TEXT[], price_cents BIGINT,
    names TEXT[], vals TEXT[], min_cents BIGINT, max_cents BIGINT, skip TEXT DEFAULT NULL
) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (min_cents IS NULL OR price_cents >= min_cents)
       AND (max_cents IS NULL OR price_cents <= max_cents)
       AND NOT EXISTS (
           SELECT 1 FROM unnest(names, vals) AS f(name, value)
           WHERE f.name IS DISTINCT FROM skip
           GROUP BY f.name
           HAVING NOT coalesce(bool_or(option_values[array_position(option_names, f.name)] = f.value), false));

-- The filters' reads: the products with options of a category (their counts),
-- and the variants taking a value (a filter on a value few products have
-- reads those, not the whole category).
CREATE INDEX products_option_groups_idx ON products (category_id)
    WHERE variant_of IS NULL AND archived_at IS NULL AND cardinality(option_names) > 0;
CREATE INDEX products_option_values_idx ON products USING gin (option_values);
