-- Holds for drops: a product with hold_minutes keeps the units a shopper
-- puts in a basket for that long. A line holds its whole quantity while
-- held_until is in the future; an expired hold counts for nobody, swept or
-- not, because every reader compares it with now().
ALTER TABLE products
    ADD COLUMN hold_minutes INTEGER CHECK (hold_minutes BETWEEN 1 AND 120);

ALTER TABLE basket_lines ADD COLUMN held_until TIMESTAMPTZ;
ALTER TABLE guest_basket_lines ADD COLUMN held_until TIMESTAMPTZ;
CREATE INDEX basket_lines_held_idx ON basket_lines (product_id, held_until)
    WHERE held_until IS NOT NULL;
CREATE INDEX guest_basket_lines_held_idx ON guest_basket_lines (product_id, held_until)
    WHERE held_until IS NOT NULL;

-- Units held in baskets right now, per product.
CREATE VIEW held_units AS
    SELECT product_id, sum(quantity)::INTEGER AS held
    FROM (SELECT product_id, quantity FROM basket_lines WHERE held_until > now()
          UNION ALL
          SELECT product_id, quantity FROM guest_basket_lines WHERE held_until > now()) AS holds
    GROUP BY product_id;

-- The shop's products with the stock that can be bought now: what is on
-- the shelf less what baskets hold (held_units), and both figures apart
-- for the back office.
CREATE OR REPLACE VIEW listed_products AS
    SELECT p.id, p.slug, p.name, p.description, p.category_id, p.price_cents,
           (p.stock - coalesce(h.held, 0))::INTEGER AS stock,
           p.image_path, p.created_at, p.search_name, p.search_vector, p.max_per_order, p.max_per_customer,
           p.hold_minutes, coalesce(h.held, 0) AS held, p.stock AS stock_on_shelf
    FROM products p LEFT JOIN held_units h ON h.product_id = p.id
    WHERE p.archived_at IS NULL;
