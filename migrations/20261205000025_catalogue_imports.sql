-- A catalogue CSV uploaded in the back office: the file as sent and its dry
-- run's report, kept until an administrator confirms it (issue #23). The
-- confirmation applies this very file, once.
CREATE TABLE catalogue_imports (
    id          BIGSERIAL PRIMARY KEY,
    admin_id    BIGINT NOT NULL REFERENCES users (id),
    file_name   TEXT NOT NULL CHECK (length(file_name) <= 200),
    file        BYTEA NOT NULL,
    report      JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_at  TIMESTAMPTZ
);
