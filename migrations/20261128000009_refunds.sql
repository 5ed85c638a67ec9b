-- A cancelled order is refunded through the payment provider.
ALTER TABLE payments
    ADD COLUMN refund_reference TEXT,
    ADD COLUMN refunded_at TIMESTAMPTZ;
