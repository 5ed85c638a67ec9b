-- A product's gallery (issue #23): ordered photos, each with its alt
-- text in French and English, optionally tied to option values (the black
-- phone's photos are tied to "Noir": its page shows them for the black
-- variants). An upload is resized on the server into a few widths; each
-- rendition is served at /media/photos/{hash}-{width}.jpg, where the hash
-- names the uploaded bytes, so the URL changes with the content and is
-- cached for a year.
CREATE TABLE product_photos (
    id            BIGSERIAL PRIMARY KEY,
    -- The product, never one of its variants: a gallery is the product's.
    product_id    BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    hash          TEXT NOT NULL CHECK (hash ~ '^[0-9a-f]{32}$'),
    alt           TEXT NOT NULL DEFAULT '' CHECK (length(alt) <= 200),
    alt_en        TEXT NOT NULL DEFAULT '' CHECK (length(alt_en) <= 200),
    -- French option values the photo shows; empty: every variant.
    option_values TEXT[] NOT NULL DEFAULT '{}',
    uploaded_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX product_photos_product_idx ON product_photos (product_id, position, id);
CREATE INDEX product_photos_hash_idx ON product_photos (hash);

CREATE TABLE photo_renditions (
    photo_id BIGINT NOT NULL REFERENCES product_photos (id) ON DELETE CASCADE,
    width    INTEGER NOT NULL CHECK (width > 0),
    height   INTEGER NOT NULL CHECK (height > 0),
    bytes    BYTEA NOT NULL,
    PRIMARY KEY (photo_id, width)
);

-- A gallery change is a catalogue change: cached pages show the photos.
CREATE TRIGGER product_photos_announce_change
    AFTER INSERT OR UPDATE OR DELETE ON product_photos
    FOR EACH STATEMENT EXECUTE FUNCTION announce_catalogue_change();
