-- The built-in test card processor keeps its own record of charges, as a
-- real provider does on its side: in a schema of its own that the shop's
-- code never reads. The shop asks the processor (by the key it sent) what
-- became of a charge whose answer it lost.
CREATE SCHEMA test_provider;

CREATE TABLE test_provider.charges (
    idempotency_key  TEXT PRIMARY KEY,
    -- 'voided': the shop asked about the key before any charge; a charge
    -- with it is refused from then on.
    outcome          TEXT NOT NULL CHECK (outcome IN ('succeeded', 'declined', 'insufficient_funds', 'voided')),
    amount_cents     BIGINT NOT NULL CHECK (amount_cents >= 0),
    reference        TEXT UNIQUE,
    refund_reference TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
