-- "Prévenez-moi" before a drop opens (issue #24): a drop's variant takes
-- alerts like a sold-out product (the same table, the same double opt-in
-- and limits); when the drop opens, each confirmed address waiting on any
-- of its variants gets one mail, in the transaction that marks the drop
-- opened (the first tick after the opening), and its alerts end.

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN (
    'password_reset', 'email_verification', 'order_paid', 'order_shipped', 'order_cancelled',
    'order_refunded', 'back_in_stock', 'alert_confirmation', 'sign_up_attempt', 'email_changed',
    'drop_opened'));

CREATE FUNCTION mail_drop_opened() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH ended AS (
        UPDATE stock_alerts a SET notified_at = now()
          FROM drop_variants dv
         WHERE dv.drop_id = NEW.id AND a.product_id = dv.product_id
           AND a.notified_at IS NULL AND a.confirmed_at IS NOT NULL
        RETURNING a.email, a.language, a.unsubscribe_token, a.product_id
    )
    INSERT INTO mail_outbox (kind, recipient, language, payload)
    SELECT DISTINCT ON (lower(email)) 'drop_opened', email, language,
           jsonb_build_object('drop_id', NEW.id, 'product_id', product_id, 'unsubscribe', unsubscribe_token)
      FROM ended
     ORDER BY lower(email), product_id;
    RETURN NULL;
END $$;

CREATE TRIGGER drops_mail_opening
    AFTER UPDATE OF opened_at ON drops
    FOR EACH ROW WHEN (OLD.opened_at IS NULL AND NEW.opened_at IS NOT NULL)
    EXECUTE FUNCTION mail_drop_opened();

-- A drop's variant stocked before its opening is not "back": its alerts
-- wait for the opening.
CREATE OR REPLACE FUNCTION mail_back_in_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM drop_variants dv JOIN drops d ON d.id = dv.drop_id
                WHERE dv.product_id = NEW.id AND d.opened_at IS NULL) THEN
        RETURN NULL;
    END IF;
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
