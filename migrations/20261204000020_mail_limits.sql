-- What a stranger can make the shop write to an address is limited per
-- client address and per recipient, and a stranger's address is confirmed
-- before it gets anything else (issue 21).

-- Every mail a visitor's request asks for (an alert's confirmation, a
-- reset link, a verification link, a sign-up's mail, a change of address),
-- counted in the hour before it, per client address (an IPv6 client's /64)
-- and per recipient (lower case), by app/src/mail/limits.rs. It replaces
-- the reset's own per-address count.
CREATE TABLE mail_requests (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL,
    client_ip     TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    requested_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX mail_requests_client_idx ON mail_requests (client_ip, requested_at);
CREATE INDEX mail_requests_recipient_idx ON mail_requests (recipient, requested_at);

DROP TABLE password_reset_requests;

-- The new kinds of mail: an alert's confirmation link, the note to the
-- owner of an address someone tried to sign up with, and the note to the
-- old address after a change of address.
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN (
    'password_reset', 'email_verification', 'order_paid', 'order_shipped', 'order_cancelled',
    'order_refunded', 'back_in_stock', 'alert_confirmation', 'sign_up_attempt', 'email_changed'));

-- Double opt-in: a guest's alert (or one for an address not yet verified)
-- waits for the link mailed to the address; only confirmed alerts are
-- mailed when the product is back. The link's token is kept as its SHA-256.
-- Alerts of accounts made before this are taken as confirmed; guests'
-- are not (nobody proved those addresses).
ALTER TABLE stock_alerts ADD COLUMN confirmed_at TIMESTAMPTZ;
ALTER TABLE stock_alerts ADD COLUMN confirmation_hash BYTEA UNIQUE;
UPDATE stock_alerts SET confirmed_at = created_at WHERE user_id IS NOT NULL;

CREATE OR REPLACE FUNCTION mail_back_in_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH ended AS (
        UPDATE stock_alerts SET notified_at = now()
         WHERE product_id = NEW.id AND notified_at IS NULL AND confirmed_at IS NOT NULL
        RETURNING email, language, unsubscribe_token
    )
    INSERT INTO mail_outbox (kind, recipient, language, payload)
    SELECT 'back_in_stock', email, language,
           jsonb_build_object('product_id', NEW.id, 'unsubscribe', unsubscribe_token)
      FROM ended;
    RETURN NULL;
END $$;

-- Changes of an account's address, for the per-account limit; kept a
-- day, and dropped with the account's personal data.
CREATE TABLE email_changes (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    old_email   TEXT NOT NULL,
    new_email   TEXT NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX email_changes_user_idx ON email_changes (user_id, changed_at);
