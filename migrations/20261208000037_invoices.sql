-- Invoices and credit notes. French law asks for one unbroken sequence of
-- numbers: no gap, no duplicate, whatever the number of instances.
--
-- A document is written without a number in the transaction of its cause
-- (an order paid, a paid order cancelled), so a cause that rolls back
-- leaves nothing, and no payment waits on a shared counter. Numbers are
-- then given in one short transaction that holds the counter's row: it
-- numbers every document still waiting, in the order they were written,
-- and moves the counter by as many. A numbering that fails rolls back
-- whole, counter included: a gap cannot form.

CREATE TABLE document_counters (
    kind        TEXT PRIMARY KEY CHECK (kind IN ('invoice', 'credit_note')),
    last_number BIGINT NOT NULL DEFAULT 0 CHECK (last_number >= 0)
);
INSERT INTO document_counters (kind) VALUES ('invoice'), ('credit_note');

CREATE TABLE invoices (
    id             BIGSERIAL PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    order_id       BIGINT NOT NULL REFERENCES orders (id),
    -- Given by the numbering; NULL until then (seconds, usually).
    number         BIGINT,
    issued_at      TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The seller as the invoice states it, kept as it was when written.
    seller_name    TEXT NOT NULL,
    seller_address TEXT NOT NULL,
    seller_siret   TEXT NOT NULL,
    seller_vat     TEXT NOT NULL,
    -- Totals, positive for both kinds (a credit note takes them back).
    excl_cents     BIGINT NOT NULL,
    vat_cents      BIGINT NOT NULL,
    incl_cents     BIGINT NOT NULL,
    UNIQUE (kind, order_id),
    UNIQUE (kind, number),
    CHECK ((number IS NULL) = (issued_at IS NULL))
);
CREATE INDEX invoices_to_number ON invoices (kind, id) WHERE number IS NULL;
CREATE INDEX invoices_by_issue ON invoices (issued_at);

-- Each rate's part of a document: HT, VAT, TTC, and of that TTC what was
-- delivery and what a promo code took off (the accountant's columns).
CREATE TABLE invoice_rates (
    invoice_id     BIGINT NOT NULL REFERENCES invoices (id),
    vat_rate_bp    INTEGER NOT NULL CHECK (vat_rate_bp IN (2000, 1000, 550, 210)),
    excl_cents     BIGINT NOT NULL,
    vat_cents      BIGINT NOT NULL,
    incl_cents     BIGINT NOT NULL,
    delivery_cents BIGINT NOT NULL,
    discount_cents BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, vat_rate_bp)
);
