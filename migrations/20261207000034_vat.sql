-- VAT. Prices stay entered and shown TTC (VAT included); a rate, in basis
-- points (2000 = 20 %), belongs to each category and may be set apart on a
-- product (NULL: its category's). An order line keeps the rate it was sold
-- at, so that a later change of rate never alters a past order.

ALTER TABLE categories
    ADD COLUMN vat_rate_bp INTEGER NOT NULL DEFAULT 2000 CHECK (vat_rate_bp IN (2000, 1000, 550, 210));

ALTER TABLE products
    ADD COLUMN vat_rate_bp INTEGER CHECK (vat_rate_bp IN (2000, 1000, 550, 210));

ALTER TABLE order_lines
    ADD COLUMN vat_rate_bp INTEGER NOT NULL DEFAULT 2000 CHECK (vat_rate_bp IN (2000, 1000, 550, 210));

-- Books are sold at 5,5 % in France.
UPDATE categories SET vat_rate_bp = 550 WHERE slug = 'livres';

-- The rate a product is sold at now: its own, or its category's.
CREATE FUNCTION product_vat_rate(product BIGINT) RETURNS INTEGER
LANGUAGE sql STABLE AS $$
    SELECT coalesce(p.vat_rate_bp, c.vat_rate_bp)
    FROM products p JOIN categories c ON c.id = p.category_id
    WHERE p.id = product
$$;
