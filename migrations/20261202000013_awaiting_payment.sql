-- Reserve → charge → confirm. The checkout takes the units and writes the
-- order as 'awaiting_payment' in one short transaction; the card is charged
-- after the commit; the order then becomes 'paid', or its units go back on
-- the shelf and it ends 'payment_failed'. An order still awaiting payment
-- at expires_at is settled by whichever instance sweeps first: it asks the
-- provider about the order's key (charged → paid, else released).
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('awaiting_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'payment_failed'));

ALTER TABLE orders
    ADD COLUMN expires_at TIMESTAMPTZ,
    -- A sweeper that claimed the order to settle it, until then.
    ADD COLUMN settling_until TIMESTAMPTZ,
    ADD CONSTRAINT orders_awaiting_expire CHECK (status <> 'awaiting_payment' OR expires_at IS NOT NULL);

-- A failed attempt frees its checkout key: the shopper may try again with
-- another card from the same form.
ALTER TABLE orders DROP CONSTRAINT orders_user_id_idempotency_key_key;
CREATE UNIQUE INDEX orders_checkout_key_idx ON orders (user_id, idempotency_key)
    WHERE status <> 'payment_failed';

CREATE INDEX orders_awaiting_payment_idx ON orders (expires_at) WHERE status = 'awaiting_payment';
