-- A limit per customer across orders (a one-per-customer console drop).
-- NULL: no limit beyond the limit per order.
ALTER TABLE products
    ADD COLUMN max_per_customer INTEGER CHECK (max_per_customer BETWEEN 1 AND 100);

-- The shop's products, now with their limit per customer (the product page says it).
CREATE OR REPLACE VIEW listed_products AS
    SELECT id, slug, name, description, category_id, price_cents, stock, image_path, created_at,
           search_name, search_vector, max_per_order, max_per_customer
    FROM products WHERE archived_at IS NULL;

-- The checkout counts what an account, an e-mail address or a shipping
-- address already bought of a product: these find its orders quickly.
CREATE INDEX order_lines_product_idx ON order_lines (product_id, order_id);

-- Who a customer is, for the limit: an e-mail address without its "+tag"
-- and case, and a shipping address reduced to its letters and digits
-- (street, postcode, country), so "12, Rue de la Paix" is "12 rue de la paix".
CREATE FUNCTION customer_email_key(email TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(split_part(split_part(email, '@', 1), '+', 1) || '@' || split_part(email, '@', 2));

CREATE FUNCTION customer_address_key(street TEXT, postcode TEXT, country TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN concat_ws('|', lower(regexp_replace(street, '[^[:alnum:]]', '', 'g')),
                           lower(regexp_replace(postcode, '[^[:alnum:]]', '', 'g')),
                           lower(regexp_replace(country, '[^[:alnum:]]', '', 'g')));
