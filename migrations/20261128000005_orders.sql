-- Baskets, orders and payments. Stock is taken by the order transaction
-- with a conditional UPDATE; the CHECK (stock >= 0) on products backs it.

ALTER TABLE products
    ADD COLUMN max_per_order INTEGER NOT NULL DEFAULT 10 CHECK (max_per_order BETWEEN 1 AND 100);

-- A logged-in shopper's basket (a guest's lives in the session).
CREATE TABLE basket_lines (
    user_id           BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id        BIGINT NOT NULL REFERENCES products (id),
    quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    -- The unit price when the line was added, to flag a change since.
    price_seen_cents  BIGINT NOT NULL CHECK (price_seen_cents >= 0),
    added_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, product_id)
);

CREATE TABLE orders (
    id                BIGSERIAL PRIMARY KEY,
    user_id           BIGINT NOT NULL REFERENCES users (id),
    -- The checkout form's key: the same key from the same user is one order.
    idempotency_key   TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 64),
    status            TEXT NOT NULL DEFAULT 'paid' CHECK (status IN ('paid', 'shipped', 'delivered', 'cancelled')),
    total_cents       BIGINT NOT NULL CHECK (total_cents >= 0),
    ship_name         TEXT NOT NULL,
    ship_street       TEXT NOT NULL,
    ship_postcode     TEXT NOT NULL,
    ship_city         TEXT NOT NULL,
    ship_country      TEXT NOT NULL,
    card_brand        TEXT NOT NULL,
    card_last4        TEXT NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (user_id, idempotency_key)
);

CREATE INDEX orders_user_newest_idx ON orders (user_id, created_at DESC, id DESC);

-- Lines snapshot the name and price at the time of the order.
CREATE TABLE order_lines (
    order_id          BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id        BIGINT NOT NULL REFERENCES products (id),
    product_name      TEXT NOT NULL,
    unit_price_cents  BIGINT NOT NULL CHECK (unit_price_cents >= 0),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE payments (
    id                  BIGSERIAL PRIMARY KEY,
    order_id            BIGINT NOT NULL UNIQUE REFERENCES orders (id),
    amount_cents        BIGINT NOT NULL CHECK (amount_cents >= 0),
    provider_reference  TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
