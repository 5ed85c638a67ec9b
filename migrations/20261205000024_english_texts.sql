-- A product's name and description in English (issue #23). Empty means
-- "not written": English pages show the French text.
ALTER TABLE products
    ADD COLUMN name_en TEXT NOT NULL DEFAULT '' CHECK (length(name_en) <= 200),
    ADD COLUMN description_en TEXT NOT NULL DEFAULT '';

-- Found in either language: the English name weighs as the French one,
-- the English description as the French one.
CREATE OR REPLACE FUNCTION products_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('simple', wm_fold(NEW.name || ' ' || NEW.name_en)), 'A') ||
        setweight(to_tsvector('simple', wm_fold(NEW.variant_terms)), 'A') ||
        setweight(to_tsvector('simple', coalesce((
            SELECT wm_fold(c.name_fr || ' ' || c.name_en) FROM categories c WHERE c.id = NEW.category_id
        ), '')), 'B') ||
        setweight(to_tsvector('simple', wm_fold(NEW.description || ' ' || NEW.description_en)), 'C');
    RETURN NEW;
END $$;

DROP TRIGGER products_search_vector ON products;
CREATE TRIGGER products_search_vector
    BEFORE INSERT OR UPDATE OF name, name_en, description, description_en, category_id, variant_terms, sku,
                               option_values, option_values_en, from_price_cents ON products
    FOR EACH ROW EXECUTE FUNCTION products_search_vector();

CREATE OR REPLACE VIEW listed_products AS
    SELECT p.id, p.slug, p.name, p.description, p.category_id, p.price_cents,
           GREATEST(p.stock - coalesce(h.held, 0), 0)::INTEGER AS stock,
           p.image_path, p.created_at, p.search_name, p.search_vector, p.max_per_order, p.max_per_customer,
           p.hold_minutes, coalesce(h.held, 0) AS held, p.stock AS stock_on_shelf,
           p.variant_of, p.sku, p.option_values, p.option_values_en,
           p.from_price_cents, p.price_varies, p.variant_count,
           p.option_names, p.option_names_en,
           p.name_en, p.description_en
    FROM products p LEFT JOIN held_units h ON h.product_id = p.id
    WHERE p.archived_at IS NULL;
