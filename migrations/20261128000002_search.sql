-- Search: PostgreSQL full text (weighted, accent-insensitive) plus trigrams
-- for typos and prefixes. Both extensions are "trusted": a database owner
-- may create them without being superuser.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is only STABLE (it reads a dictionary); indexes need IMMUTABLE.
-- Naming the dictionary explicitly makes the wrapper safe to mark so.
CREATE FUNCTION wm_fold(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, input));

ALTER TABLE products
    ADD COLUMN search_name text GENERATED ALWAYS AS (wm_fold(name)) STORED,
    ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''::tsvector;

-- The vector weighs the name (A) over the category (B) and description (C);
-- the category's names come from another table, hence a trigger.
CREATE FUNCTION products_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('simple', wm_fold(NEW.name)), 'A') ||
        setweight(to_tsvector('simple', coalesce((
            SELECT wm_fold(c.name_fr || ' ' || c.name_en) FROM categories c WHERE c.id = NEW.category_id
        ), '')), 'B') ||
        setweight(to_tsvector('simple', wm_fold(NEW.description)), 'C');
    RETURN NEW;
END $$;

CREATE TRIGGER products_search_vector
    BEFORE INSERT OR UPDATE OF name, description, category_id ON products
    FOR EACH ROW EXECUTE FUNCTION products_search_vector();

-- Renaming a category re-indexes its products.
CREATE FUNCTION categories_reindex_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products SET category_id = category_id WHERE category_id = NEW.id;
    RETURN NEW;
END $$;

CREATE TRIGGER categories_reindex_products
    AFTER UPDATE OF name_fr, name_en ON categories
    FOR EACH ROW EXECUTE FUNCTION categories_reindex_products();

UPDATE products SET name = name;

CREATE INDEX products_search_vector_idx ON products USING gin (search_vector);
CREATE INDEX products_search_name_trgm_idx ON products USING gin (search_name gin_trgm_ops);
CREATE INDEX products_category_newest_idx ON products (category_id, created_at DESC, id DESC);
