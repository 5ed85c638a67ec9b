-- The back office: archived products, uploaded images and the audit log.

-- A product that appears in orders is archived rather than deleted: it
-- leaves the shop (every shop query reads `listed_products`) and stays for
-- order history.
ALTER TABLE products ADD COLUMN archived_at TIMESTAMPTZ;

-- A view's columns are fixed when it is created: a migration that adds a
-- column to products the shop reads must CREATE OR REPLACE this view.
CREATE VIEW listed_products AS
    SELECT id, slug, name, description, category_id, price_cents, stock, image_path, created_at,
           search_name, search_vector, max_per_order
    FROM products WHERE archived_at IS NULL;

-- Images uploaded from the back office live in the database, so that every
-- instance of the shop serves them (GET /media/{id}).
CREATE TABLE product_images (
    id            BIGSERIAL PRIMARY KEY,
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    bytes         BYTEA NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 2097152),
    uploaded_by   BIGINT REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- What administrators did to users, products, categories and orders.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    actor_id    BIGINT NOT NULL REFERENCES users (id),
    action      TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 60),
    target      TEXT NOT NULL CHECK (length(target) BETWEEN 1 AND 200),
    detail      TEXT NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_newest_idx ON audit_log (created_at DESC, id DESC);

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION wm_refuse_change();

-- The dashboard's "orders today" and revenue.
CREATE INDEX orders_newest_idx ON orders (created_at DESC, id DESC);
