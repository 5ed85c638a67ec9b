-- Accounts: customers and administrators, and failed logins for throttling.

CREATE TABLE users (
    id              BIGSERIAL PRIMARY KEY,
    username        TEXT NOT NULL CHECK (username ~ '^[A-Za-z0-9._-]{3,32}$' OR deleted_at IS NOT NULL),
    email           TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash   TEXT NOT NULL,
    first_name      TEXT NOT NULL CHECK (length(first_name) <= 100),
    last_name       TEXT NOT NULL CHECK (length(last_name) <= 100),
    role            TEXT NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
    -- Bumped to end every session of the user (password change, deletion).
    session_epoch   INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at      TIMESTAMPTZ
);

-- Case-insensitive uniqueness: "Alice" and "alice" are one account.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE login_failures (
    id          BIGSERIAL PRIMARY KEY,
    account     TEXT NOT NULL,
    client_ip   TEXT NOT NULL,
    failed_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX login_failures_account_idx ON login_failures (account, failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, failed_at);
