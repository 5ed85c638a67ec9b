-- Drops (issue #24): a set of variants that go on sale at a set time,
-- optionally through a waiting room.
--
-- The room is a queue in this database, so every instance agrees on it and
-- a restart loses no place. Visitors who join before the opening form the
-- pre-queue; at the opening it is shuffled (arriving first gives no
-- advantage), later arrivals are placed after it in arrival order. Places
-- are dense (1, 2, 3…) and given in batches by whichever instance holds
-- the drop's row (`drops.last_place`); admission moves a watermark
-- (`drops.admitted_through`) over them, so a visitor's position is one
-- subtraction: `place - admitted_through`, read with one indexed query.

CREATE TYPE drop_audience AS ENUM ('anyone', 'accounts', 'verified');

CREATE TABLE drops (
    id                 BIGSERIAL PRIMARY KEY,
    name               TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    opens_at           TIMESTAMPTZ NOT NULL,
    -- When visitors may join the pre-queue; NULL: no waiting room.
    room_opens_at      TIMESTAMPTZ CHECK (room_opens_at <= opens_at),
    -- The pace: so many admitted every so many seconds.
    admit_per_tick     INTEGER NOT NULL DEFAULT 50 CHECK (admit_per_tick BETWEEN 1 AND 10000),
    tick_seconds       INTEGER NOT NULL DEFAULT 10 CHECK (tick_seconds BETWEEN 1 AND 3600),
    -- How long an admission lets its holder add and check out.
    admission_minutes  INTEGER NOT NULL DEFAULT 15 CHECK (admission_minutes BETWEEN 1 AND 240),
    audience           drop_audience NOT NULL DEFAULT 'anyone',
    -- Accounts created after this cannot join a drop for verified accounts.
    announced_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The room's state, written by the instance holding the row's lock.
    last_place         BIGINT NOT NULL DEFAULT 0 CHECK (last_place >= 0),
    admitted_through   BIGINT NOT NULL DEFAULT 0 CHECK (admitted_through BETWEEN 0 AND last_place),
    next_tick_at       TIMESTAMPTZ,
    -- Set by the first tick after the opening: the pre-queue was shuffled.
    opened_at          TIMESTAMPTZ,
    -- Nothing left to buy: no stock, no hold, no payment in flight.
    sold_out_at        TIMESTAMPTZ
);

CREATE INDEX drops_opens_idx ON drops (opens_at);

-- The variants a drop sells; a variant belongs to one drop at most.
CREATE TABLE drop_variants (
    drop_id    BIGINT NOT NULL REFERENCES drops ON DELETE CASCADE,
    product_id BIGINT NOT NULL UNIQUE REFERENCES products,
    PRIMARY KEY (drop_id, product_id)
);

-- One place per session (`visitor`, a random key the session keeps) and
-- one per account.
CREATE TABLE drop_queue (
    id          BIGSERIAL PRIMARY KEY,
    drop_id     BIGINT NOT NULL REFERENCES drops ON DELETE CASCADE,
    visitor     TEXT NOT NULL CHECK (visitor ~ '^[0-9a-f]{64}$'),
    user_id     BIGINT REFERENCES users ON DELETE CASCADE,
    client      TEXT NOT NULL,
    joined_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    -- Given in batches: NULL until the next tick places it.
    place       BIGINT CHECK (place > 0),
    admitted_at TIMESTAMPTZ,
    UNIQUE (drop_id, visitor),
    UNIQUE (drop_id, user_id),
    UNIQUE (drop_id, place)
);

CREATE INDEX drop_queue_unplaced_idx ON drop_queue (drop_id, id) WHERE place IS NULL;
-- Joins counted per client address (bot friction).
CREATE INDEX drop_queue_client_idx ON drop_queue (drop_id, client);

-- Secrets the instances share (the key that signs admissions), made once.
CREATE TABLE shop_secrets (
    name   TEXT PRIMARY KEY,
    secret BYTEA NOT NULL CHECK (octet_length(secret) >= 32)
);
INSERT INTO shop_secrets (name, secret)
    VALUES ('admission', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

-- Catalogue pages show a drop's opening and whether it sold out: a change
-- of those announces a catalogue change (the room's own bookkeeping, every
-- second, does not).
CREATE TRIGGER drops_announce_change
    AFTER INSERT OR DELETE ON drops
    FOR EACH STATEMENT EXECUTE FUNCTION announce_catalogue_change();

CREATE TRIGGER drops_announce_opening
    AFTER UPDATE ON drops
    FOR EACH ROW WHEN (OLD.opened_at IS DISTINCT FROM NEW.opened_at
                       OR OLD.sold_out_at IS DISTINCT FROM NEW.sold_out_at
                       OR OLD.opens_at IS DISTINCT FROM NEW.opens_at
                       OR OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION announce_catalogue_change();

CREATE TRIGGER drop_variants_announce_change
    AFTER INSERT OR DELETE ON drop_variants
    FOR EACH STATEMENT EXECUTE FUNCTION announce_catalogue_change();

-- A drop as the shop shows it: its opening in the shop's time zone and
-- its variants with the stock that can be bought now.
CREATE VIEW drop_cards AS
    SELECT d.id, d.name, d.opens_at,
           to_char(d.opens_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI') AS opens_local,
           d.room_opens_at,
           to_char(d.room_opens_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI') AS room_opens_local,
           d.sold_out_at IS NOT NULL AS sold_out,
           coalesce((SELECT jsonb_agg(jsonb_build_object(
                         'product_id', l.id, 'name', variant_name(l.name, p.option_values),
                         'slug', l.slug, 'sku', p.sku, 'price_cents', l.price_cents, 'stock', l.stock)
                       ORDER BY l.id)
                     FROM drop_variants dv JOIN listed_products l ON l.id = dv.product_id
                     JOIN products p ON p.id = l.id
                     WHERE dv.drop_id = d.id), '[]'::jsonb) AS items,
           d.sold_out_at
    FROM drops d;
