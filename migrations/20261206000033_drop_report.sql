-- The drop report (issue #24): what the back office shows of how a drop
-- went. Orders, admissions and holds are read where they are; two things
-- leave no row of their own and are written here.
--
-- The room over time: each minute, the first tick of any instance writes
-- how many wait and how many were admitted so far (one row per minute,
-- from the room's opening until ten minutes after the drop sold out).
CREATE TABLE drop_samples (
    drop_id  BIGINT NOT NULL REFERENCES drops ON DELETE CASCADE,
    at       TIMESTAMPTZ NOT NULL,
    waiting  BIGINT NOT NULL CHECK (waiting >= 0),
    admitted BIGINT NOT NULL CHECK (admitted >= 0),
    PRIMARY KEY (drop_id, at)
);

-- Refusals per minute and reason: counted in each instance's memory (a
-- storm of bots writes no row per request) and added every second.
CREATE TABLE drop_refusals (
    drop_id  BIGINT NOT NULL REFERENCES drops ON DELETE CASCADE,
    reason   TEXT NOT NULL CHECK (reason IN ('throttled', 'not_admitted', 'customer_limit')),
    at       TIMESTAMPTZ NOT NULL,
    refusals BIGINT NOT NULL CHECK (refusals > 0),
    PRIMARY KEY (drop_id, reason, at)
);
