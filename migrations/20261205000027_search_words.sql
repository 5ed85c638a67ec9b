-- The words products are found by (issue #23): the vocabulary of every
-- product's search document, letters only, three or more. A query that
-- matches nothing is put right word by word against this vocabulary (a
-- few thousand words, trigram-indexed) instead of against every product
-- name: a garbled word had the trigram index recheck thousands of names
-- (50+ ms on 100 000 products), twice (results, then "did you mean").
-- Words are added as products are; a word whose products are gone stays,
-- and leads a corrected query to no result.
CREATE TABLE search_words (word TEXT PRIMARY KEY);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);
CREATE INDEX search_words_prefix_idx ON search_words (word text_pattern_ops);

CREATE FUNCTION search_words_of_new_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- In one order, so that two transactions adding the same words wait
    -- for each other instead of deadlocking.
    INSERT INTO search_words (word)
    SELECT DISTINCT w FROM new_products, unnest(tsvector_to_array(new_products.search_vector)) AS w
    WHERE w ~ '^[a-z]{3,}$'
    ORDER BY w
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION search_words_of_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (word)
    SELECT DISTINCT w FROM unnest(tsvector_to_array(NEW.search_vector)) AS w
    WHERE w ~ '^[a-z]{3,}$'
    ORDER BY w
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER products_search_words_inserted
    AFTER INSERT ON products REFERENCING NEW TABLE AS new_products
    FOR EACH STATEMENT EXECUTE FUNCTION search_words_of_new_products();

-- Stock and price changes leave the search document as it was: no work.
CREATE TRIGGER products_search_words_changed
    AFTER UPDATE ON products
    FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector)
    EXECUTE FUNCTION search_words_of_product();

INSERT INTO search_words (word)
SELECT DISTINCT w FROM products, unnest(tsvector_to_array(search_vector)) AS w
WHERE w ~ '^[a-z]{3,}$'
ON CONFLICT DO NOTHING;
