-- Holds for drops: a product with hold_minutes keeps the units a logged-in
-- shopper puts in a basket for that long (guests hold nothing: a script
-- opening sessions could otherwise hold a whole drop). A line holds its whole quantity while
-- held_until is in the future; an expired hold counts for nobody, swept or
-- not, because every reader compares it with now().
ALTER TABLE products
    ADD COLUMN hold_minutes INTEGER CHECK (hold_minutes BETWEEN 1 AND 120);

ALTER TABLE basket_lines ADD COLUMN held_until TIMESTAMPTZ;
-- Always NULL (guests hold nothing); there so that one statement serves
-- both kinds of basket.
ALTER TABLE guest_basket_lines ADD COLUMN held_until TIMESTAMPTZ CHECK (held_until IS NULL);
CREATE INDEX basket_lines_held_idx ON basket_lines (product_id, held_until)
    WHERE held_until IS NOT NULL;
-- The hold a line had when checkout took its units, given back to the
-- basket if the payment fails while it still runs.
ALTER TABLE order_lines ADD COLUMN held_until TIMESTAMPTZ;


-- Units held in baskets right now, per product.
CREATE VIEW held_units AS
    SELECT product_id, sum(quantity)::INTEGER AS held
    FROM basket_lines WHERE held_until > now()
    GROUP BY product_id;

-- The shop's products with the stock that can be bought now: what is on
-- the shelf less what baskets hold (held_units; never below 0, should an
-- operator count fewer units than are held), and both figures apart for
-- the back office.
CREATE OR REPLACE VIEW listed_products AS
    SELECT p.id, p.slug, p.name, p.description, p.category_id, p.price_cents,
           GREATEST(p.stock - coalesce(h.held, 0), 0)::INTEGER AS stock,
           p.image_path, p.created_at, p.search_name, p.search_vector, p.max_per_order, p.max_per_customer,
           p.hold_minutes, coalesce(h.held, 0) AS held, p.stock AS stock_on_shelf
    FROM products p LEFT JOIN held_units h ON h.product_id = p.id
    WHERE p.archived_at IS NULL;
