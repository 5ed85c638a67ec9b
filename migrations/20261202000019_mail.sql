-- Outbound mail. What causes a mail writes it here in its own transaction,
-- so a mail exists exactly when its cause committed; every instance's
-- worker (server/src/mailer.rs) claims due rows with FOR UPDATE SKIP LOCKED,
-- sends them, and marks them sent, or retries with back-off, or fails.
-- A mail is rendered when it is sent (app/src/mail/templates.rs) from its
-- kind and payload; the rendered text stays for the local mailbox.

CREATE TABLE mail_outbox (
    id               BIGSERIAL PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN (
                         'password_reset', 'email_verification', 'order_paid',
                         'order_shipped', 'order_cancelled', 'order_refunded', 'back_in_stock')),
    recipient        TEXT NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
    language         TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    payload          JSONB NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- A worker that claimed the row owns it until then (then another may).
    claimed_until    TIMESTAMPTZ,
    last_error       TEXT,
    subject          TEXT,
    text_body        TEXT,
    html_body        TEXT,
    -- 'smtp' or 'mailbox' (no SMTP server configured: kept here only).
    delivered_by     TEXT CHECK (delivered_by IN ('smtp', 'mailbox')),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at          TIMESTAMPTZ
);

CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX mail_outbox_newest_idx ON mail_outbox (id DESC);

-- The language an order's mails are written in: the shopper's at checkout.
ALTER TABLE orders ADD COLUMN language TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en'));

-- Password resets: the token is mailed, only its SHA-256 is kept.
CREATE TABLE password_resets (
    token_hash   BYTEA PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id, created_at);

-- Every reset request, known address or not, for the per-address limit
-- (and so an unknown address costs the same work as a known one).
CREATE TABLE password_reset_requests (
    email         TEXT NOT NULL,
    requested_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX password_reset_requests_email_idx ON password_reset_requests (email, requested_at);

-- E-mail verification: the account works before it; the link proves the
-- address. A link is for one address: changing it needs a new link.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMPTZ;

CREATE TABLE email_verifications (
    token_hash   BYTEA PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX email_verifications_user_idx ON email_verifications (user_id, created_at);

-- "Tell me when it is back": one waiting subscription per product and
-- address. It ends (notified_at) when its mail is written; the row stays a
-- while so the mail's unsubscribe link, which stops every alert of the
-- address, still finds it.
CREATE TABLE stock_alerts (
    id                 BIGSERIAL PRIMARY KEY,
    product_id         BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    email              TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    user_id            BIGINT REFERENCES users (id) ON DELETE CASCADE,
    language           TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    unsubscribe_token  TEXT NOT NULL UNIQUE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    notified_at        TIMESTAMPTZ
);
CREATE UNIQUE INDEX stock_alerts_waiting_key ON stock_alerts (product_id, lower(email)) WHERE notified_at IS NULL;
CREATE INDEX stock_alerts_email_idx ON stock_alerts (lower(email));

-- When a product's shelf goes from empty to stocked, by whatever path (the
-- back office, a cancelled order, a manual UPDATE), each waiting subscriber
-- gets one mail and the subscription ends, in the same transaction.
CREATE FUNCTION mail_back_in_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH ended AS (
        UPDATE stock_alerts SET notified_at = now()
         WHERE product_id = NEW.id AND notified_at IS NULL
        RETURNING email, language, unsubscribe_token
    )
    INSERT INTO mail_outbox (kind, recipient, language, payload)
    SELECT 'back_in_stock', email, language,
           jsonb_build_object('product_id', NEW.id, 'unsubscribe', unsubscribe_token)
      FROM ended;
    RETURN NULL;
END $$;

CREATE TRIGGER products_back_in_stock
    AFTER UPDATE OF stock ON products
    FOR EACH ROW WHEN (OLD.stock <= 0 AND NEW.stock > 0)
    EXECUTE FUNCTION mail_back_in_stock();
