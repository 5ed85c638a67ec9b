-- The catalogue: categories and products.
-- Money is integer euro cents; stock can never go below zero.

CREATE TABLE categories (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name_fr     TEXT NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 80),
    name_en     TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE products (
    id           BIGSERIAL PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description  TEXT NOT NULL DEFAULT '',
    category_id  BIGINT NOT NULL REFERENCES categories (id),
    price_cents  BIGINT NOT NULL CHECK (price_cents >= 0),
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    image_path   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX products_category_idx ON products (category_id);
CREATE INDEX products_newest_idx ON products (created_at DESC, id DESC);
CREATE INDEX products_price_idx ON products (price_cents, name, id);
CREATE INDEX products_name_idx ON products (name, id);
