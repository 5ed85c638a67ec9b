//! SQL of invoices and credit notes: written unnumbered with their cause,
//! numbered in one short transaction per kind, read back for the PDF, the
//! order page and the accountant.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};

use super::model::{Buyer, Document, DocumentKind, DocumentLine, DocumentRef, Seller};
use super::report::SalesRow;
use crate::country::Country;
use crate::i18n::Locale;
use crate::ids::{OrderId, UserId};
use crate::pricing::{Breakdown, RateTotal, VatRate};
use crate::state::SellerDetails;

/// An order's goods as the invoice counts them: per line its rate, its
/// TTC after the promo code, and what the code took off; then the delivery
/// cost TTC.
pub async fn order_amounts(
    tx: &mut Transaction<'_, Postgres>,
    order_id: OrderId,
) -> Result<(Vec<(VatRate, i64, i64)>, i64), sqlx::Error> {
    let lines = sqlx::query!(
        "SELECT vat_rate_bp, unit_price_cents * quantity - discount_cents AS \"incl_cents!\", discount_cents
         FROM order_lines WHERE order_id = $1 ORDER BY product_id",
        order_id as OrderId,
    )
    .fetch_all(&mut **tx)
    .await?;
    let delivery = sqlx::query_scalar!(
        "SELECT delivery_cents FROM orders WHERE id = $1",
        order_id as OrderId
    )
    .fetch_one(&mut **tx)
    .await?;
    let lines = lines
        .into_iter()
        .map(|line| {
            (
                VatRate::from_column(line.vat_rate_bp),
                line.incl_cents,
                line.discount_cents,
            )
        })
        .collect();
    Ok((lines, delivery))
}

/// Writes `order`'s document of `kind`, unnumbered; `false` when it has one
/// already (a cause replayed writes nothing twice). `discounts` is what a
/// promo code took off at each rate.
pub async fn insert_document(
    tx: &mut Transaction<'_, Postgres>,
    kind: DocumentKind,
    order_id: OrderId,
    seller: &SellerDetails,
    breakdown: &Breakdown,
    discounts: &[(VatRate, i64)],
) -> Result<bool, sqlx::Error> {
    let Some(id) = sqlx::query_scalar!(
        "INSERT INTO invoices (kind, order_id, seller_name, seller_address, seller_siret, seller_vat,
                               excl_cents, vat_cents, incl_cents)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (kind, order_id) DO NOTHING
         RETURNING id",
        kind.as_str(),
        order_id as OrderId,
        seller.name,
        seller.address,
        seller.siret,
        seller.vat_number,
        breakdown.excl_cents,
        breakdown.vat_cents,
        breakdown.incl_cents,
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(false);
    };
    for row in &breakdown.rates {
        let discount: i64 = discounts
            .iter()
            .filter(|(rate, _)| *rate == row.rate)
            .map(|(_, cents)| cents)
            .sum();
        sqlx::query!(
            "INSERT INTO invoice_rates (invoice_id, vat_rate_bp, excl_cents, vat_cents, incl_cents,
                                        delivery_cents, discount_cents)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            id,
            row.rate.basis_points(),
            row.excl_cents,
            row.vat_cents,
            row.incl_cents,
            row.delivery_cents,
            discount,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(true)
}

/// Writes the credit note of `order`'s invoice, unnumbered, with the
/// invoice's amounts and today's seller; `false` when the order has no
/// invoice (it was never paid) or has its credit note already.
pub async fn insert_credit_note(
    tx: &mut Transaction<'_, Postgres>,
    order_id: OrderId,
    seller: &SellerDetails,
) -> Result<bool, sqlx::Error> {
    let Some(ids) = sqlx::query!(
        "INSERT INTO invoices (kind, order_id, seller_name, seller_address, seller_siret, seller_vat,
                               excl_cents, vat_cents, incl_cents)
         SELECT 'credit_note', order_id, $2, $3, $4, $5, excl_cents, vat_cents, incl_cents
         FROM invoices WHERE kind = 'invoice' AND order_id = $1
         ON CONFLICT (kind, order_id) DO NOTHING
         RETURNING id, (SELECT id FROM invoices WHERE kind = 'invoice' AND order_id = $1) AS \"invoice_id!\"",
        order_id as OrderId,
        seller.name,
        seller.address,
        seller.siret,
        seller.vat_number,
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(false);
    };
    sqlx::query!(
        "INSERT INTO invoice_rates (invoice_id, vat_rate_bp, excl_cents, vat_cents, incl_cents,
                                    delivery_cents, discount_cents)
         SELECT $1, vat_rate_bp, excl_cents, vat_cents, incl_cents, delivery_cents, discount_cents
         FROM invoice_rates WHERE invoice_id = $2",
        ids.id,
        ids.invoice_id,
    )
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Paid orders (shipped or delivered since) without an invoice, oldest
/// first: paid before invoices existed, or by an instance of an older
/// version during a deploy.
pub async fn orders_without_invoice(
    db: impl PgExecutor<'_>,
    limit: i64,
) -> Result<Vec<OrderId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT o.id AS "id: OrderId" FROM orders o
           WHERE o.status IN ('paid', 'shipped', 'delivered')
             AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.kind = 'invoice' AND i.order_id = o.id)
           ORDER BY o.id LIMIT $1"#,
        limit,
    )
    .fetch_all(db)
    .await
}

/// At most this many documents are numbered per transaction, so that the
/// counter's row is never held long.
const NUMBERED_AT_ONCE: i64 = 500;

/// Whether numbering waits for a numbering under way on another
/// connection (`Wait`), or leaves its documents to it (`Skip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    Wait,
    Skip,
}

/// Numbers up to [`NUMBERED_AT_ONCE`] documents of `kind` still waiting,
/// in the order they were written, after the counter's last number; returns
/// how many. A credit note waits for its invoice's number (it states it),
/// and all of a batch share one time, taken once the counter is held, so a
/// later number is never dated earlier. The counter's row is locked first, so numberings (on every
/// instance) run one at a time and the documents' query, a statement of its
/// own, sees every document the one before numbered; the whole rolls back
/// on any failure, counter included, so no number is lost or given twice.
pub async fn number_waiting(pool: &PgPool, kind: DocumentKind, turn: Turn) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let last = match turn {
        Turn::Wait => {
            sqlx::query_scalar!(
                "SELECT last_number FROM document_counters WHERE kind = $1 FOR UPDATE",
                kind.as_str()
            )
            .fetch_optional(&mut *tx)
            .await?
        }
        Turn::Skip => {
            sqlx::query_scalar!(
                "SELECT last_number FROM document_counters WHERE kind = $1 FOR UPDATE SKIP LOCKED",
                kind.as_str()
            )
            .fetch_optional(&mut *tx)
            .await?
        }
    };
    let Some(last) = last else {
        return Ok(0);
    };
    let numbered = sqlx::query!(
        "WITH waiting AS (
             SELECT id, row_number() OVER (ORDER BY id) AS n
             FROM invoices d WHERE kind = $1 AND number IS NULL
               AND (kind = 'invoice' OR EXISTS (SELECT 1 FROM invoices b WHERE b.kind = 'invoice'
                                                AND b.order_id = d.order_id AND b.number IS NOT NULL))
             ORDER BY id LIMIT $3)
         UPDATE invoices i SET number = $2 + w.n, issued_at = statement_timestamp()
         FROM waiting w WHERE i.id = w.id",
        kind.as_str(),
        last,
        NUMBERED_AT_ONCE,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if numbered == 0 {
        // Nothing written: nothing to commit.
        return Ok(0);
    }
    sqlx::query!(
        "UPDATE document_counters SET last_number = last_number + $2 WHERE kind = $1",
        kind.as_str(),
        numbered as i64,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(numbered)
}

/// The documents of an order, invoice first.
pub async fn documents_of(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
) -> Result<Vec<DocumentRef>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT kind, number FROM invoices WHERE order_id = $1 ORDER BY kind DESC",
        order_id as OrderId,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| DocumentRef {
            kind: DocumentKind::from_column(&row.kind),
            number: row.number,
        })
        .collect())
}

/// An order's document of `kind`, as the database has it.
pub enum Found {
    /// No such order, or no such document of it.
    Missing,
    /// Written, not numbered yet; the order's owner.
    Waiting(UserId),
    /// The order's owner, and the document.
    Numbered(UserId, Box<Document>),
}

/// `order`'s document of `kind`, with everything its PDF states.
pub async fn find_document(
    pool: &PgPool,
    order_id: OrderId,
    kind: DocumentKind,
) -> Result<Found, sqlx::Error> {
    let Some(row) = sqlx::query!(
        r#"SELECT i.id, i.number, i.issued_at AS "issued_at: DateTime<Utc>",
                  i.seller_name, i.seller_address, i.seller_siret, i.seller_vat,
                  i.excl_cents, i.vat_cents, i.incl_cents,
                  (SELECT number FROM invoices b WHERE b.kind = 'invoice' AND b.order_id = i.order_id) AS invoice_number,
                  o.user_id AS "user_id: UserId", o.created_at AS "order_date: DateTime<Utc>", o.language,
                  o.ship_name, o.ship_street, o.ship_postcode, o.ship_city, o.ship_country,
                  o.delivery_method_id, o.delivery_name_fr, o.delivery_name_en, o.delivery_cents, o.promo_code
           FROM invoices i JOIN orders o ON o.id = i.order_id
           WHERE i.order_id = $1 AND i.kind = $2"#,
        order_id as OrderId,
        kind.as_str(),
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(Found::Missing);
    };
    let (Some(number), Some(issued_at)) = (row.number, row.issued_at) else {
        return Ok(Found::Waiting(row.user_id));
    };
    let lines = sqlx::query_as!(
        DocumentLine,
        "SELECT product_name AS name, quantity, unit_price_cents AS unit_incl_cents, vat_rate_bp, discount_cents
         FROM order_lines WHERE order_id = $1 ORDER BY product_id",
        order_id as OrderId,
    )
    .fetch_all(pool)
    .await?;
    let rates = sqlx::query!(
        "SELECT vat_rate_bp, excl_cents, vat_cents, incl_cents, delivery_cents
         FROM invoice_rates WHERE invoice_id = $1 ORDER BY vat_rate_bp DESC",
        row.id,
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|rate| RateTotal {
        rate: VatRate::from_column(rate.vat_rate_bp),
        excl_cents: rate.excl_cents,
        vat_cents: rate.vat_cents,
        incl_cents: rate.incl_cents,
        delivery_cents: rate.delivery_cents,
    })
    .collect();
    let locale = Locale::parse(&row.language).unwrap_or_default();
    let document = Document {
        kind,
        number,
        issued_at: issued_at.to_rfc3339(),
        invoice_number: row.invoice_number.filter(|_| kind == DocumentKind::CreditNote),
        order_id: order_id.0,
        order_date: row.order_date.to_rfc3339(),
        locale,
        seller: Seller {
            name: row.seller_name,
            address: row.seller_address.lines().map(str::to_owned).collect(),
            siret: row.seller_siret,
            vat_number: row.seller_vat,
        },
        buyer: Buyer {
            name: row.ship_name,
            street: row.ship_street,
            postcode: row.ship_postcode,
            city: row.ship_city,
            country: Country::parse(&row.ship_country).map_or(row.ship_country.clone(), |country| {
                country.name(locale).to_owned()
            }),
        },
        lines,
        delivery: row.delivery_method_id.map(|_| {
            let name = match locale {
                Locale::Fr => row.delivery_name_fr,
                Locale::En => row.delivery_name_en,
            };
            (name, row.delivery_cents)
        }),
        promo_code: row.promo_code,
        rates,
        excl_cents: row.excl_cents,
        vat_cents: row.vat_cents,
        incl_cents: row.incl_cents,
    };
    Ok(Found::Numbered(row.user_id, Box::new(document)))
}

/// Sales per month (at the shop's clock) and rate, from the numbered
/// documents issued in `[from, to)`: invoices add, credit notes take away.
pub async fn sales(
    db: impl PgExecutor<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SalesRow>, sqlx::Error> {
    sqlx::query_as!(
        SalesRow,
        r#"SELECT to_char(i.issued_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS "month!",
                  r.vat_rate_bp,
                  sum(CASE i.kind WHEN 'invoice' THEN r.excl_cents ELSE -r.excl_cents END)::bigint AS "excl_cents!",
                  sum(CASE i.kind WHEN 'invoice' THEN r.vat_cents ELSE -r.vat_cents END)::bigint AS "vat_cents!",
                  sum(CASE i.kind WHEN 'invoice' THEN r.incl_cents ELSE -r.incl_cents END)::bigint AS "incl_cents!",
                  sum(CASE i.kind WHEN 'invoice' THEN r.delivery_cents ELSE -r.delivery_cents END)::bigint AS "delivery_cents!",
                  sum(CASE i.kind WHEN 'invoice' THEN r.discount_cents ELSE -r.discount_cents END)::bigint AS "discount_cents!",
                  count(*) FILTER (WHERE i.kind = 'invoice') AS "invoices!",
                  count(*) FILTER (WHERE i.kind = 'credit_note') AS "credit_notes!"
           FROM invoices i JOIN invoice_rates r ON r.invoice_id = i.id
           WHERE i.issued_at >= $1 AND i.issued_at < $2
           GROUP BY 1, 2 ORDER BY 1, 2 DESC"#,
        from as DateTime<Utc>,
        to as DateTime<Utc>,
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoices::service;

    /// `count` orders of one book each, by one customer, paid.
    async fn paid_orders(pool: &PgPool, count: i64) -> Vec<OrderId> {
        sqlx::query!(
            "WITH buyer AS (
                 INSERT INTO users (username, email, password_hash, first_name, last_name)
                 VALUES ('ada', 'ada@example.com', 'x', 'Ada', 'Lovelace') RETURNING id),
             category AS (
                 INSERT INTO categories (slug, name_fr, name_en, vat_rate_bp) VALUES ('livres', 'Livres', 'Books', 550)
                 RETURNING id),
             book AS (
                 INSERT INTO products (slug, name, category_id, price_cents, stock, image_path)
                 SELECT 'livre', 'Livre', id, 1990, 100, '/p.svg' FROM category RETURNING id),
             placed AS (
                 INSERT INTO orders (user_id, idempotency_key, total_cents, ship_name, ship_street,
                                     ship_postcode, ship_city, ship_country, card_brand, card_last4, status)
                 SELECT buyer.id, 'invoice-key-' || n, 1990, 'Ada', '1 rue', '75001', 'Paris', 'FR', 'Visa', '4242', 'paid'
                 FROM buyer, generate_series(1, $1::bigint) AS n RETURNING id)
             INSERT INTO order_lines (order_id, product_id, product_name, unit_price_cents, quantity, vat_rate_bp)
             SELECT placed.id, book.id, 'Livre', 1990, 1, 550 FROM placed, book",
            count,
        )
        .execute(pool)
        .await
        .expect("orders");
        sqlx::query_scalar!(r#"SELECT id AS "id: OrderId" FROM orders ORDER BY id"#)
            .fetch_all(pool)
            .await
            .expect("ids")
    }

    async fn issue(pool: &PgPool, order: OrderId) {
        let mut tx = pool.begin().await.expect("tx");
        service::issue_invoice(&mut tx, &SellerDetails::default(), order)
            .await
            .expect("issue");
        tx.commit().await.expect("commit");
    }

    async fn numbers(pool: &PgPool) -> Vec<Option<i64>> {
        sqlx::query_scalar!("SELECT number FROM invoices WHERE kind = 'invoice' ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("numbers")
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_payment_rolled_back_leaves_no_invoice_and_takes_no_number(pool: PgPool) {
        let orders = paid_orders(&pool, 2).await;
        let mut tx = pool.begin().await.expect("tx");
        service::issue_invoice(&mut tx, &SellerDetails::default(), orders[0])
            .await
            .expect("issue");
        drop(tx); // the payment's transaction fails after writing its invoice
        issue(&pool, orders[1]).await;
        assert_eq!(
            number_waiting(&pool, DocumentKind::Invoice, Turn::Wait)
                .await
                .expect("number"),
            1
        );
        assert_eq!(
            numbers(&pool).await,
            vec![Some(1)],
            "the one that stands is number 1"
        );
        // 19,90 € at 5,5 %: HT 1 990 / 1,055 = 1 886,26 → 18,86 €, VAT 1,04 €.
        let totals = sqlx::query!("SELECT excl_cents, vat_cents, incl_cents FROM invoices")
            .fetch_one(&pool)
            .await
            .expect("totals");
        assert_eq!(
            (totals.excl_cents, totals.vat_cents, totals.incl_cents),
            (1886, 104, 1990)
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_numbering_that_fails_midway_leaves_no_gap(pool: PgPool) {
        let orders = paid_orders(&pool, 4).await;
        for order in &orders[..3] {
            issue(&pool, *order).await;
        }
        // A document already holds number 2 (written by hand): numbering
        // the three fails on the second.
        sqlx::query!(
            "INSERT INTO invoices (kind, order_id, number, issued_at, seller_name, seller_address, seller_siret,
                                   seller_vat, excl_cents, vat_cents, incl_cents)
             VALUES ('invoice', $1, 2, now(), 's', 'a', 'x', 'v', 0, 0, 0)",
            orders[3] as OrderId,
        )
        .execute(&pool)
        .await
        .expect("the intruder");
        assert!(number_waiting(&pool, DocumentKind::Invoice, Turn::Wait)
            .await
            .is_err());
        assert_eq!(
            numbers(&pool).await,
            vec![None, None, None, Some(2)],
            "nothing numbered"
        );
        let counter = sqlx::query_scalar!("SELECT last_number FROM document_counters WHERE kind = 'invoice'")
            .fetch_one(&pool)
            .await
            .expect("counter");
        assert_eq!(counter, 0, "the counter did not move");

        sqlx::query!("DELETE FROM invoices WHERE number = 2")
            .execute(&pool)
            .await
            .expect("remove it");
        assert_eq!(
            number_waiting(&pool, DocumentKind::Invoice, Turn::Wait)
                .await
                .expect("number"),
            3
        );
        assert_eq!(numbers(&pool).await, vec![Some(1), Some(2), Some(3)]);
        // A second numbering finds nothing, and a skipping one too.
        assert_eq!(
            number_waiting(&pool, DocumentKind::Invoice, Turn::Skip)
                .await
                .expect("number"),
            0
        );
        issue(&pool, orders[3]).await;
        assert_eq!(
            number_waiting(&pool, DocumentKind::Invoice, Turn::Skip)
                .await
                .expect("number"),
            1
        );
        assert_eq!(numbers(&pool).await.last(), Some(&Some(4)));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_credit_note_waits_for_its_invoice_s_number(pool: PgPool) {
        let orders = paid_orders(&pool, 1).await;
        issue(&pool, orders[0]).await;
        let mut tx = pool.begin().await.expect("tx");
        assert!(insert_credit_note(&mut tx, orders[0], &SellerDetails::default())
            .await
            .expect("credit"));
        tx.commit().await.expect("commit");
        assert_eq!(
            number_waiting(&pool, DocumentKind::CreditNote, Turn::Wait)
                .await
                .expect("number"),
            0,
            "its invoice has no number yet"
        );
        assert_eq!(
            number_waiting(&pool, DocumentKind::Invoice, Turn::Wait)
                .await
                .expect("number"),
            1
        );
        assert_eq!(
            number_waiting(&pool, DocumentKind::CreditNote, Turn::Wait)
                .await
                .expect("number"),
            1
        );
        let dated = sqlx::query_scalar!(
            r#"SELECT (SELECT issued_at FROM invoices WHERE kind = 'invoice')
                      <= (SELECT issued_at FROM invoices WHERE kind = 'credit_note') AS "in_order!""#
        )
        .fetch_one(&pool)
        .await
        .expect("dates");
        assert!(dated, "the credit note is dated after its invoice");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn paid_orders_without_an_invoice_get_one(pool: PgPool) {
        let orders = paid_orders(&pool, 3).await;
        issue(&pool, orders[1]).await;
        let mut state = crate::state::AppState::new(pool.clone(), "http://shop.test", Default::default());
        state.seller = std::sync::Arc::new(SellerDetails::default());
        assert_eq!(
            service::issue_missing(&state).await.expect("issue"),
            2,
            "the two without"
        );
        assert_eq!(service::issue_missing(&state).await.expect("again"), 0);
        assert_eq!(
            number_waiting(&pool, DocumentKind::Invoice, Turn::Wait)
                .await
                .expect("number"),
            3
        );
        assert_eq!(numbers(&pool).await, vec![Some(1), Some(2), Some(3)]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_order_is_invoiced_once_and_credited_once(pool: PgPool) {
        let orders = paid_orders(&pool, 1).await;
        issue(&pool, orders[0]).await;
        issue(&pool, orders[0]).await;
        let mut tx = pool.begin().await.expect("tx");
        let seller = SellerDetails::default();
        assert!(insert_credit_note(&mut tx, orders[0], &seller)
            .await
            .expect("credit"));
        assert!(
            !insert_credit_note(&mut tx, orders[0], &seller)
                .await
                .expect("again"),
            "once"
        );
        tx.commit().await.expect("commit");
        let kinds = sqlx::query_scalar!("SELECT kind FROM invoices ORDER BY kind")
            .fetch_all(&pool)
            .await
            .expect("kinds");
        assert_eq!(kinds, ["credit_note", "invoice"]);
    }
}
