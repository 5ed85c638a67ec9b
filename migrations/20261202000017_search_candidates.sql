-- Search ranks a bounded candidate set (see MATCHES in app/src/products/db.rs).
-- The candidates are taken from name matches first, since a word in the name
-- (weight A) outranks one in the category or description: this index finds
-- them without reading the rows whose description alone matches. It indexes
-- the same words as the A part of search_vector.
CREATE INDEX products_name_vector_idx ON products USING gin (to_tsvector('simple'::regconfig, search_name));
