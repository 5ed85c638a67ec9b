-- A long catalogue import (issue #23) is applied in the background; its
-- page shows how far it got, reading this row. No foreign key: the row is
-- written beside the import's own transaction, which keeps the import's
-- row locked until it commits.
CREATE TABLE catalogue_import_runs (
    import_id  BIGINT PRIMARY KEY,
    total      INTEGER NOT NULL CHECK (total >= 0),
    done       INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
    state      TEXT NOT NULL CHECK (state IN ('running', 'applied', 'outdated', 'failed')),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
