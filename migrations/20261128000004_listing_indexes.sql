-- The home page's "drops" (1 to 5 left, scarcest first) without scanning
-- the catalogue; keep in step with LOW_STOCK_THRESHOLD.
CREATE INDEX products_drops_idx ON products (stock, created_at DESC, id DESC) WHERE stock BETWEEN 1 AND 5;
