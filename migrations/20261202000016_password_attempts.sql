-- Login throttling that cannot be turned against the owner. Every password
-- check is an attempt; a correct one is marked succeeded. Refused: an
-- address with too many recent failures (whatever the accounts), and an
-- account or address with too many recent successes (a correct password
-- in a loop would keep the hashing slots busy). An account's failures
-- from everywhere never refuse its right password: past a ceiling they
-- alert the back office instead.
ALTER TABLE login_failures RENAME TO password_attempts;
ALTER TABLE password_attempts RENAME COLUMN failed_at TO tried_at;
ALTER TABLE password_attempts ADD COLUMN succeeded BOOLEAN NOT NULL DEFAULT false;
ALTER INDEX login_failures_account_idx RENAME TO password_attempts_account_idx;
ALTER INDEX login_failures_ip_idx RENAME TO password_attempts_ip_idx;
ALTER SEQUENCE login_failures_id_seq RENAME TO password_attempts_id_seq;
