-- Guest baskets opened per client address: a script without cookies opens a
-- session and a basket on every request, so new guest baskets are counted per
-- client address over the last hour and refused beyond the configured number.
-- Rows older than the hour they count in are deleted by the hourly clean-up.
CREATE TABLE guest_baskets (
    guest_id   BIGINT PRIMARY KEY,
    client_ip  TEXT NOT NULL,
    opened_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX guest_baskets_client_idx ON guest_baskets (client_ip, opened_at);
CREATE INDEX guest_baskets_opened_idx ON guest_baskets (opened_at);
