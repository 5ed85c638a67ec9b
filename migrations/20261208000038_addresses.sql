-- The address book: a customer's saved addresses, one of them the default
-- the checkout picks first. Orders keep their own copy of the address
-- they were sent to, so deleting one here changes no order.

CREATE TABLE addresses (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    street     TEXT NOT NULL,
    postcode   TEXT NOT NULL,
    city       TEXT NOT NULL,
    country    TEXT NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    is_default BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (user_id, name, street, postcode, city, country)
);
CREATE UNIQUE INDEX addresses_one_default ON addresses (user_id) WHERE is_default;
