-- Promo codes. A code takes a percentage or an amount off the goods it
-- applies to (all, or those of some categories or products; a drop's
-- variants only when it says so), or makes delivery free; it may need a
-- minimum basket, hold for a window, and be limited in uses, in all and
-- per customer (account, e-mail, shipping address).

CREATE TABLE promo_codes (
    id               BIGSERIAL PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{2,31}$'),
    kind             TEXT NOT NULL CHECK (kind IN ('percent', 'amount', 'free_delivery')),
    -- Percent: 1 to 100; amount: cents; free delivery: 0.
    value            BIGINT NOT NULL CHECK (value >= 0),
    min_basket_cents BIGINT CHECK (min_basket_cents >= 0),
    starts_at        TIMESTAMPTZ,
    ends_at          TIMESTAMPTZ CHECK (ends_at > starts_at),
    max_uses         INTEGER CHECK (max_uses BETWEEN 1 AND 100000000),
    max_per_customer INTEGER CHECK (max_per_customer BETWEEN 1 AND 1000),
    category_ids     BIGINT[] NOT NULL DEFAULT '{}',
    product_ids      BIGINT[] NOT NULL DEFAULT '{}',
    includes_drops   BOOLEAN NOT NULL DEFAULT false,
    active           BOOLEAN NOT NULL DEFAULT true,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (CASE kind WHEN 'percent' THEN value BETWEEN 1 AND 100
                     WHEN 'amount' THEN value BETWEEN 1 AND 100000000
                     ELSE value = 0 END)
);

-- The uses left of a limited code, spread over up to 16 rows: concurrent
-- checkouts each take a use from a row no other holds (SKIP LOCKED), so
-- the code is not one hot row, and no row goes below zero.
CREATE TABLE promo_code_slots (
    code_id   BIGINT NOT NULL REFERENCES promo_codes(id) ON DELETE CASCADE,
    slot      SMALLINT NOT NULL,
    uses_left INTEGER NOT NULL CHECK (uses_left >= 0),
    PRIMARY KEY (code_id, slot)
);

-- One use per order: what it took off, who used it (to count the uses per
-- customer) and the slot it came from (to give it back when the payment
-- fails or the order is cancelled before shipping).
CREATE TABLE promo_uses (
    order_id       BIGINT PRIMARY KEY REFERENCES orders(id),
    code_id        BIGINT NOT NULL REFERENCES promo_codes(id),
    slot           SMALLINT,
    user_id        BIGINT NOT NULL REFERENCES users(id),
    email_key      TEXT NOT NULL,
    address_key    TEXT NOT NULL,
    discount_cents BIGINT NOT NULL CHECK (discount_cents >= 0),
    given_back_at  TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX promo_uses_account_idx ON promo_uses (code_id, user_id) WHERE given_back_at IS NULL;
CREATE INDEX promo_uses_email_idx ON promo_uses (code_id, email_key) WHERE given_back_at IS NULL;
CREATE INDEX promo_uses_address_idx ON promo_uses (code_id, address_key) WHERE given_back_at IS NULL;

ALTER TABLE orders
    ADD COLUMN promo_code TEXT,
    -- Taken off the goods (TTC); a free-delivery code shows in a zero delivery.
    ADD COLUMN discount_cents BIGINT NOT NULL DEFAULT 0 CHECK (discount_cents >= 0);

-- What the code took off each line (TTC): the invoice states each line's
-- discount, and the VAT of each rate follows from it.
ALTER TABLE order_lines
    ADD COLUMN discount_cents BIGINT NOT NULL DEFAULT 0 CHECK (discount_cents >= 0);
