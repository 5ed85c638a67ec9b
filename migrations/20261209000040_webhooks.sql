-- Webhooks: the endpoints an administrator registers, and one delivery per
-- endpoint and event, written by triggers in the transaction of the event's
-- cause (a rolled-back payment sends nothing; a committed one is never
-- lost), sent by the server's webhook worker with retries.

CREATE TABLE webhook_endpoints (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url         TEXT NOT NULL CHECK (char_length(url) BETWEEN 8 AND 2000),
    events      TEXT[] NOT NULL CHECK (cardinality(events) > 0 AND events <@ ARRAY[
                    'order.paid', 'order.shipped', 'order.cancelled', 'order.refunded',
                    'stock.low', 'stock.sold_out', 'stock.back_in_stock',
                    'drop.opened', 'drop.sold_out']),
    -- The key deliveries are signed with (HMAC-SHA256), shown to administrators.
    secret      TEXT NOT NULL CHECK (char_length(secret) >= 32),
    active      BOOLEAN NOT NULL DEFAULT true,
    created_by  BIGINT REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id      BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    payload          JSONB NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    claimed_until    TIMESTAMPTZ,
    last_attempt_at  TIMESTAMPTZ,
    -- The receiver's last answer: its HTTP status, or why there was none.
    last_status      INTEGER,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id DESC);

-- One delivery per active endpoint listening to `event`.
CREATE FUNCTION enqueue_webhook(event TEXT, data JSONB) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO webhook_deliveries (endpoint_id, event, payload)
    SELECT id, event, jsonb_build_object('event', event, 'created_at', now(), 'data', data)
    FROM webhook_endpoints
    WHERE active AND event = ANY (events)
$$;

-- Orders: paid, shipped, cancelled.
CREATE FUNCTION orders_webhooks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IN ('paid', 'shipped', 'cancelled') THEN
        PERFORM enqueue_webhook('order.' || NEW.status, jsonb_build_object(
            'order_id', NEW.id, 'status', NEW.status, 'total_cents', NEW.total_cents,
            'customer_id', NEW.user_id));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_webhooks AFTER UPDATE OF status ON orders
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION orders_webhooks();

-- Refunds: when the provider confirmed one.
CREATE FUNCTION payments_webhooks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM enqueue_webhook('order.refunded', jsonb_build_object(
        'order_id', NEW.order_id, 'amount_cents', NEW.amount_cents));
    RETURN NULL;
END
$$;
CREATE TRIGGER payments_webhooks AFTER UPDATE OF refunded_at ON payments
    FOR EACH ROW WHEN (OLD.refunded_at IS NULL AND NEW.refunded_at IS NOT NULL)
    EXECUTE FUNCTION payments_webhooks();

-- Stock: sold out, back in stock, low (5 units or fewer, from more).
CREATE FUNCTION products_stock_webhooks() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    event TEXT;
BEGIN
    IF NEW.stock = 0 AND OLD.stock > 0 THEN
        event := 'stock.sold_out';
    ELSIF OLD.stock = 0 AND NEW.stock > 0 THEN
        event := 'stock.back_in_stock';
    ELSIF NEW.stock <= 5 AND OLD.stock > 5 THEN
        event := 'stock.low';
    ELSE
        RETURN NULL;
    END IF;
    PERFORM enqueue_webhook(event, jsonb_build_object(
        'product_id', NEW.id, 'sku', NEW.sku, 'slug', NEW.slug, 'stock', NEW.stock));
    RETURN NULL;
END
$$;
CREATE TRIGGER products_stock_webhooks AFTER UPDATE OF stock ON products
    FOR EACH ROW WHEN (OLD.stock IS DISTINCT FROM NEW.stock) EXECUTE FUNCTION products_stock_webhooks();

-- Drops: opened (the first tick after the opening), sold out.
CREATE FUNCTION drops_webhooks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.opened_at IS NULL AND NEW.opened_at IS NOT NULL THEN
        PERFORM enqueue_webhook('drop.opened', jsonb_build_object('drop_id', NEW.id, 'name', NEW.name));
    END IF;
    IF OLD.sold_out_at IS NULL AND NEW.sold_out_at IS NOT NULL THEN
        PERFORM enqueue_webhook('drop.sold_out', jsonb_build_object('drop_id', NEW.id, 'name', NEW.name));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER drops_webhooks AFTER UPDATE OF opened_at, sold_out_at ON drops
    FOR EACH ROW EXECUTE FUNCTION drops_webhooks();
