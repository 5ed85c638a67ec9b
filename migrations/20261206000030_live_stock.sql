-- Live stock and live rooms: every instance listens (one connection each,
-- server/src/live) and fans the news out to its open pages over
-- Server-Sent Events, so a sale on one instance reaches pages served by
-- another. Notifications are sent at commit, never for a rolled-back
-- change; identical ones of one transaction are sent once.
--
-- wm_stock: the id of a product whose units others can buy may have
-- changed (its shelf stock, or a basket hold on it). The listener reads
-- what can be bought once per instance, for a batch of ids.
-- wm_room: a drop's room moved (places drawn, admissions, sold out); the
-- payload carries the figures a page needs, so no instance reads them.

CREATE FUNCTION announce_stock_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'products' THEN
        PERFORM pg_notify('wm_stock', NEW.id::text);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('wm_stock', OLD.product_id::text);
    ELSE
        PERFORM pg_notify('wm_stock', NEW.product_id::text);
        IF TG_OP = 'UPDATE' AND OLD.product_id <> NEW.product_id THEN
            PERFORM pg_notify('wm_stock', OLD.product_id::text);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER products_announce_stock
    AFTER UPDATE OF stock, archived_at ON products
    FOR EACH ROW WHEN (OLD.stock IS DISTINCT FROM NEW.stock OR OLD.archived_at IS DISTINCT FROM NEW.archived_at)
    EXECUTE FUNCTION announce_stock_change();

CREATE TRIGGER basket_hold_placed_announce_stock
    AFTER INSERT ON basket_lines
    FOR EACH ROW WHEN (NEW.held_until IS NOT NULL)
    EXECUTE FUNCTION announce_stock_change();

CREATE TRIGGER basket_hold_changed_announce_stock
    AFTER UPDATE OF held_until, quantity ON basket_lines
    FOR EACH ROW WHEN (OLD.held_until IS DISTINCT FROM NEW.held_until
                       OR (NEW.held_until IS NOT NULL AND OLD.quantity <> NEW.quantity))
    EXECUTE FUNCTION announce_stock_change();

CREATE TRIGGER basket_hold_dropped_announce_stock
    AFTER DELETE ON basket_lines
    FOR EACH ROW WHEN (OLD.held_until IS NOT NULL)
    EXECUTE FUNCTION announce_stock_change();

CREATE FUNCTION announce_room_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('wm_room', json_build_object(
        'drop', NEW.id,
        'opens_at', floor(extract(epoch FROM NEW.opens_at) * 1000)::bigint,
        'admitted_through', NEW.admitted_through,
        'last_place', NEW.last_place,
        'admit_per_tick', NEW.admit_per_tick,
        'tick_seconds', NEW.tick_seconds,
        'admission_minutes', NEW.admission_minutes,
        'opened', NEW.opened_at IS NOT NULL,
        'sold_out', NEW.sold_out_at IS NOT NULL)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER drops_announce_room
    AFTER UPDATE ON drops
    FOR EACH ROW WHEN (OLD.admitted_through IS DISTINCT FROM NEW.admitted_through
                       OR OLD.last_place IS DISTINCT FROM NEW.last_place
                       OR OLD.opened_at IS DISTINCT FROM NEW.opened_at
                       OR OLD.sold_out_at IS DISTINCT FROM NEW.sold_out_at
                       OR OLD.opens_at IS DISTINCT FROM NEW.opens_at)
    EXECUTE FUNCTION announce_room_change();

-- A hold that runs out writes nothing: each instance looks, every few
-- seconds, for the holds that ended since it last looked.
CREATE INDEX basket_lines_hold_ends_idx ON basket_lines (held_until) WHERE held_until IS NOT NULL;
