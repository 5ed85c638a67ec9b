-- A guest's basket: its lines live here, keyed by a random number that only
-- the guest's session knows (the session stores the key, not the lines), so
-- that two requests of the same guest change the basket atomically, as an
-- account's basket does. Lines left behind by guests who never came back
-- are removed after 30 days.

CREATE TABLE guest_basket_lines (
    guest_id          BIGINT NOT NULL,
    product_id        BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    price_seen_cents  BIGINT NOT NULL CHECK (price_seen_cents >= 0),
    added_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (guest_id, product_id)
);

CREATE INDEX guest_basket_lines_added_idx ON guest_basket_lines (added_at);

-- Deleting a product nobody ordered also takes it out of account baskets.
ALTER TABLE basket_lines DROP CONSTRAINT basket_lines_product_id_fkey;
ALTER TABLE basket_lines
    ADD CONSTRAINT basket_lines_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE;
