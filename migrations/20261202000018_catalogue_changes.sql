-- Every instance keeps catalogue pages in memory for visitors without a
-- session (server/src/page_cache.rs) and drops them when this channel
-- announces a change to what those pages show: products (their stock,
-- prices, names), categories, and basket holds (which lower the stock
-- others can buy). Whatever path made the change: the back office, a
-- checkout, a cancelled order, a manual SQL statement.
-- A notification is sent at commit, and one per transaction at most.

CREATE FUNCTION announce_catalogue_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('wm_catalogue', '');
    RETURN NULL;
END $$;

CREATE TRIGGER products_announce_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION announce_catalogue_change();

CREATE TRIGGER categories_announce_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION announce_catalogue_change();

-- Only lines that hold units matter; most basket changes hold none.
CREATE TRIGGER basket_hold_placed
    AFTER INSERT ON basket_lines
    FOR EACH ROW WHEN (NEW.held_until IS NOT NULL)
    EXECUTE FUNCTION announce_catalogue_change();

CREATE TRIGGER basket_hold_changed
    AFTER UPDATE OF held_until ON basket_lines
    FOR EACH ROW WHEN (OLD.held_until IS DISTINCT FROM NEW.held_until)
    EXECUTE FUNCTION announce_catalogue_change();

CREATE TRIGGER basket_hold_dropped
    AFTER DELETE ON basket_lines
    FOR EACH ROW WHEN (OLD.held_until IS NOT NULL)
    EXECUTE FUNCTION announce_catalogue_change();
