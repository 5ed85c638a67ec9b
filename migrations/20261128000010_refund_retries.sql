-- Refunds are asked of the provider after the cancellation commits; one the
-- provider could not make is retried. The last try orders the retries, so
-- that refunds failing again and again do not hold back newer ones.
ALTER TABLE payments
    ADD COLUMN refund_attempts INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN refund_tried_at TIMESTAMPTZ;
