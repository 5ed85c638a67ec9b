-- The stock ledger: every change of products.stock, whoever makes it, is a
-- row here, written by a trigger so that no code path can forget it. The
-- stock of a product always equals the sum of its movements.
--
-- Callers say why through transaction-local settings:
--   wm.stock_reason  'checkout', 'cancel', 'creation', 'adjustment: <text>'…
--   wm.actor_id      the user who did it
--   wm.order_id      the order concerned
-- A change without a reason (psql by hand) is recorded as 'unrecorded'.

CREATE TABLE stock_movements (
    id          BIGSERIAL PRIMARY KEY,
    -- No foreign key: the history outlives a deleted product.
    product_id  BIGINT NOT NULL,
    delta       INTEGER NOT NULL CHECK (delta <> 0),
    reason      TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    actor_id    BIGINT REFERENCES users (id),
    -- Deferred: checkout takes stock before its order row is written.
    order_id    BIGINT REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX stock_movements_product_idx ON stock_movements (product_id, id DESC);

CREATE FUNCTION wm_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;

CREATE TRIGGER stock_movements_append_only
    BEFORE UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION wm_refuse_change();

CREATE FUNCTION wm_record_stock_movement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change INTEGER := CASE TG_OP
        WHEN 'INSERT' THEN NEW.stock
        WHEN 'DELETE' THEN -OLD.stock
        ELSE NEW.stock - OLD.stock
    END;
BEGIN
    IF change <> 0 THEN
        INSERT INTO stock_movements (product_id, delta, reason, actor_id, order_id)
        VALUES (
            CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
            change,
            coalesce(nullif(current_setting('wm.stock_reason', true), ''), 'unrecorded'),
            nullif(current_setting('wm.actor_id', true), '')::BIGINT,
            nullif(current_setting('wm.order_id', true), '')::BIGINT
        );
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER products_stock_ledger
    AFTER INSERT OR UPDATE OF stock OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION wm_record_stock_movement();

-- What is in stock today is the opening balance.
INSERT INTO stock_movements (product_id, delta, reason)
SELECT id, stock, 'opening balance' FROM products WHERE stock <> 0;
