-- Delivery methods. A method has a name in both languages, a price TTC
-- (standard VAT, split across the goods' rates on the order), an optional
-- amount of goods from which it is free, a delivery estimate in days, the
-- countries it serves (ISO 3166 codes) and, optionally, weight bands that
-- price it by the parcel's weight instead (a parcel heavier than the last
-- band cannot go by it). An order keeps the method's name and cost.

CREATE TABLE delivery_methods (
    id              BIGSERIAL PRIMARY KEY,
    name_fr         TEXT NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 80),
    name_en         TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    price_cents     BIGINT NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000),
    free_from_cents BIGINT CHECK (free_from_cents BETWEEN 0 AND 100000000),
    days_min        INTEGER NOT NULL CHECK (days_min BETWEEN 0 AND 90),
    days_max        INTEGER NOT NULL CHECK (days_max BETWEEN days_min AND 90),
    countries       TEXT[] NOT NULL CHECK (cardinality(countries) > 0),
    active          BOOLEAN NOT NULL DEFAULT true,
    position        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE delivery_weight_bands (
    method_id   BIGINT NOT NULL REFERENCES delivery_methods(id) ON DELETE CASCADE,
    up_to_grams INTEGER NOT NULL CHECK (up_to_grams BETWEEN 1 AND 1000000),
    price_cents BIGINT NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000),
    PRIMARY KEY (method_id, up_to_grams)
);

-- A product's shipping weight; a typical small parcel until it is set.
ALTER TABLE products
    ADD COLUMN weight_grams INTEGER NOT NULL DEFAULT 500 CHECK (weight_grams BETWEEN 0 AND 1000000);

CREATE OR REPLACE VIEW listed_products AS
    SELECT p.id, p.slug, p.name, p.description, p.category_id, p.price_cents,
           GREATEST(p.stock - coalesce(h.held, 0), 0)::INTEGER AS stock,
           p.image_path, p.created_at, p.search_name, p.search_vector, p.max_per_order, p.max_per_customer,
           p.hold_minutes, coalesce(h.held, 0) AS held, p.stock AS stock_on_shelf,
           p.variant_of, p.sku, p.option_values, p.option_values_en,
           p.from_price_cents, p.price_varies, p.variant_count,
           p.option_names, p.option_names_en,
           p.name_en, p.description_en, p.weight_grams
    FROM products p LEFT JOIN held_units h ON h.product_id = p.id
    WHERE p.archived_at IS NULL;

ALTER TABLE orders
    ADD COLUMN delivery_method_id BIGINT REFERENCES delivery_methods(id),
    ADD COLUMN delivery_name_fr TEXT NOT NULL DEFAULT '',
    ADD COLUMN delivery_name_en TEXT NOT NULL DEFAULT '',
    ADD COLUMN delivery_cents BIGINT NOT NULL DEFAULT 0 CHECK (delivery_cents >= 0);

-- The country of an address is now an ISO code, as the checkout's list
-- gives it; the orders written before keep their key for per-customer
-- limits through the same code.
UPDATE orders SET ship_country = 'FR' WHERE lower(trim(ship_country)) = 'france';

INSERT INTO delivery_methods (name_fr, name_en, price_cents, free_from_cents, days_min, days_max, countries, position)
VALUES ('Colissimo domicile', 'Colissimo home delivery', 499, 4900, 2, 3, '{FR,MC,BE,LU}', 1),
       ('Point relais', 'Pick-up point', 349, 3500, 3, 5, '{FR,BE}', 2),
       ('Chronopost express', 'Chronopost express', 1290, NULL, 1, 1, '{FR}', 3);

INSERT INTO delivery_weight_bands (method_id, up_to_grams, price_cents)
SELECT id, band.up_to, band.price
FROM delivery_methods
CROSS JOIN (VALUES (1000, 499), (2000, 699), (5000, 999), (30000, 1599)) AS band(up_to, price)
WHERE name_fr = 'Colissimo domicile';
