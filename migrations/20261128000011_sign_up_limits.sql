-- Sign-ups per client address in the last hour, to refuse account floods.
-- Only the address (an IPv6 client's /64) and the time: no account is named.
CREATE TABLE sign_ups (
    id             BIGSERIAL PRIMARY KEY,
    client_ip      TEXT NOT NULL,
    signed_up_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX sign_ups_ip_idx ON sign_ups (client_ip, signed_up_at);
