-- Variants. A row of `products` is what is sold: it has its own SKU, price,
-- stock, limits and basket hold, and everything that counts stock (the
-- conditional take at checkout, holds, the per-customer limit, the ledger,
-- back-in-stock alerts) already counts it per row. A product with options
-- (Édition: Standard, Digital) is one main row, whose page and URL the shop
-- shows, and one row per other variant pointing at it with `variant_of`;
-- the main row is its first variant. A product without options is a main
-- row alone, exactly as before.

ALTER TABLE products
    ADD COLUMN variant_of BIGINT REFERENCES products (id),
    ADD COLUMN sku TEXT,
    -- On a main row: the options' names, in order (Édition, Couleur).
    ADD COLUMN option_names TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN option_names_en TEXT[] NOT NULL DEFAULT '{}',
    -- On every variant: its value of each option, in the same order.
    ADD COLUMN option_values TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN option_values_en TEXT[] NOT NULL DEFAULT '{}',
    -- Kept by the triggers below on a main row, for listings: the lowest
    -- price of its live variants, whether their prices differ, how many
    -- other live variants it has, and their SKUs and values for search.
    ADD COLUMN from_price_cents BIGINT,
    ADD COLUMN price_varies BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN variant_count INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN variant_terms TEXT NOT NULL DEFAULT '',
    ADD CONSTRAINT products_variant_not_itself CHECK (variant_of <> id),
    ADD CONSTRAINT products_options_sized CHECK (
        cardinality(option_names_en) IN (0, cardinality(option_names))
        AND cardinality(option_values_en) IN (0, cardinality(option_values))
        AND cardinality(option_names) <= 3
    );

-- A SKU: capitals, digits and inner hyphens, at most 64; a row inserted
-- without one gets its slug in capitals (what every product had so far).
ALTER TABLE products ADD CONSTRAINT products_sku_format
    CHECK (sku ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$' AND length(sku) <= 64);

CREATE FUNCTION products_default_sku() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sku := coalesce(NEW.sku, left(upper(NEW.slug), 64));
    RETURN NEW;
END $$;

CREATE TRIGGER products_default_sku
    BEFORE INSERT ON products
    FOR EACH ROW EXECUTE FUNCTION products_default_sku();

UPDATE products SET sku = left(upper(slug), 64);
ALTER TABLE products ALTER COLUMN sku SET NOT NULL;
CREATE UNIQUE INDEX products_sku_key ON products (sku);
CREATE INDEX products_variant_of_idx ON products (variant_of) WHERE variant_of IS NOT NULL;

-- A main row's group fields, from its live variants (itself included).
CREATE FUNCTION products_group_fields() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lowest BIGINT;
    highest BIGINT;
    others INTEGER;
    terms TEXT;
BEGIN
    IF NEW.variant_of IS NOT NULL THEN
        NEW.from_price_cents := NEW.price_cents;
        RETURN NEW;
    END IF;
    SELECT min(v.price_cents), max(v.price_cents), count(*),
           coalesce(string_agg(v.sku || ' ' || array_to_string(v.option_values || v.option_values_en, ' '), ' '), '')
      INTO lowest, highest, others, terms
      FROM products v WHERE v.variant_of = NEW.id AND v.archived_at IS NULL;
    NEW.from_price_cents := LEAST(NEW.price_cents, lowest);
    NEW.price_varies := NEW.price_cents <> coalesce(lowest, NEW.price_cents)
                        OR NEW.price_cents <> coalesce(highest, NEW.price_cents);
    NEW.variant_count := others;
    -- Empty for a product without options whose SKU is its slug: its
    -- search document (and so its ranking) stays what it was.
    NEW.variant_terms := trim(CASE WHEN NEW.sku <> upper(NEW.slug) THEN NEW.sku ELSE '' END
                              || ' ' || array_to_string(NEW.option_values || NEW.option_values_en, ' ')
                              || ' ' || terms);
    RETURN NEW;
END $$;

-- Not on stock: checkout's conditional take must stay one plain update.
CREATE TRIGGER products_group_fields
    BEFORE INSERT OR UPDATE OF price_cents, archived_at, sku, option_values, option_values_en,
                               from_price_cents, variant_of ON products
    FOR EACH ROW EXECUTE FUNCTION products_group_fields();

-- A variant's change refreshes its main row (which then re-runs the
-- trigger above); the main row's own update has no variant_of, so this
-- never recurses.
CREATE FUNCTION products_refresh_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products SET from_price_cents = NULL WHERE id = NEW.variant_of;
    RETURN NULL;
END $$;

CREATE TRIGGER products_refresh_group
    AFTER INSERT OR UPDATE OF price_cents, archived_at, sku, option_values, option_values_en ON products
    FOR EACH ROW WHEN (NEW.variant_of IS NOT NULL)
    EXECUTE FUNCTION products_refresh_group();

-- The search document gains the SKUs and option values of every variant
-- (on the main row, which is what search lists).
CREATE OR REPLACE FUNCTION products_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('simple', wm_fold(NEW.name)), 'A') ||
        setweight(to_tsvector('simple', wm_fold(NEW.variant_terms)), 'A') ||
        setweight(to_tsvector('simple', coalesce((
            SELECT wm_fold(c.name_fr || ' ' || c.name_en) FROM categories c WHERE c.id = NEW.category_id
        ), '')), 'B') ||
        setweight(to_tsvector('simple', wm_fold(NEW.description)), 'C');
    RETURN NEW;
END $$;

DROP TRIGGER products_search_vector ON products;
-- BEFORE triggers fire by name: this one runs after products_group_fields,
-- so it reads the fresh variant_terms.
CREATE TRIGGER products_search_vector
    BEFORE INSERT OR UPDATE OF name, description, category_id, variant_terms, sku,
                               option_values, option_values_en, from_price_cents ON products
    FOR EACH ROW EXECUTE FUNCTION products_search_vector();

UPDATE products SET from_price_cents = NULL;

CREATE INDEX products_from_price_idx ON products (from_price_cents, name, id) WHERE variant_of IS NULL;

-- The listed products gain what variants need, at the end (a view's
-- columns can only be added).
CREATE OR REPLACE VIEW listed_products AS
    SELECT p.id, p.slug, p.name, p.description, p.category_id, p.price_cents,
           GREATEST(p.stock - coalesce(h.held, 0), 0)::INTEGER AS stock,
           p.image_path, p.created_at, p.search_name, p.search_vector, p.max_per_order, p.max_per_customer,
           p.hold_minutes, coalesce(h.held, 0) AS held, p.stock AS stock_on_shelf,
           p.variant_of, p.sku, p.option_values, p.option_values_en,
           p.from_price_cents, p.price_varies, p.variant_count
    FROM products p LEFT JOIN held_units h ON h.product_id = p.id
    WHERE p.archived_at IS NULL;

-- What a variant is called on a basket line, an order line and a mail:
-- the product's name and its option values ("PS5 — Digital").
CREATE FUNCTION variant_name(name TEXT, option_values TEXT[]) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN cardinality(option_values) = 0 THEN name
                ELSE name || ' — ' || array_to_string(option_values, ', ') END;

-- What a product card shows as its stock: the units of all its live
-- variants that can be bought now.
CREATE FUNCTION available_in_group(main_id BIGINT) RETURNS INTEGER
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT coalesce(sum(stock), 0)::INTEGER FROM listed_products
            WHERE id = main_id OR variant_of = main_id);
