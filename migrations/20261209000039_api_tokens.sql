-- Personal API tokens and the idempotency keys of API mutations.

-- A token is 256 random bits shown once; only its SHA-256 is kept (a
-- secret of that strength needs no slow hash). `kind` tells a personal
-- token (made on the account page) from a short-lived one exchanged for a
-- login and password at POST /api/v1/auth/token.
CREATE TABLE api_tokens (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL DEFAULT 'personal' CHECK (kind IN ('personal', 'login')),
    name          TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    secret_hash   BYTEA NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    -- The secret's first characters, shown in lists to tell tokens apart.
    prefix        TEXT NOT NULL CHECK (char_length(prefix) <= 12),
    scopes        TEXT[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write', 'admin']),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ NOT NULL CHECK (expires_at > created_at),
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at DESC);

-- An API mutation's Idempotency-Key, per account: the first request's
-- fingerprint and, once answered, its answer, replayed for a retry with
-- the same body; another body under the same key is refused.
CREATE TABLE api_idempotency_keys (
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key           TEXT NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    operation     TEXT NOT NULL,
    request_hash  BYTEA NOT NULL,
    status        SMALLINT,
    response      JSONB,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX api_idempotency_keys_age ON api_idempotency_keys (created_at);
