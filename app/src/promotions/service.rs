//! A code checked against a basket: shown on the basket and checkout pages
//! (nothing taken), then used by the checkout's transaction (a use taken,
//! or the checkout refused with the reason).

use sqlx::{Postgres, Transaction};

use super::db::{self, NewUse};
use super::model::{normalize_code, AppliedCode, Discount, PromoCode, PromoLine};
use crate::error::{AppError, PromoRefusal, Rule};
use crate::ids::{OrderId, UserId};
use crate::pricing::VatRate;
use crate::state::AppState;

/// A basket line as it is offered to a code: product, rate, total TTC.
#[derive(Debug, Clone, Copy)]
pub struct Goods {
    pub product_id: i64,
    pub vat_rate: VatRate,
    pub total_cents: i64,
}

fn refused(refusal: PromoRefusal) -> AppError {
    AppError::validation("promo_code", Rule::Promo(refusal))
}

/// The code written `raw` and what it takes off `goods` now, or why not.
async fn evaluate(
    db: &mut sqlx::PgConnection,
    raw: &str,
    goods: &[Goods],
) -> Result<(PromoCode, Discount), AppError> {
    let text = normalize_code("promo_code", raw)?;
    let code = db::find_code(&mut *db, &text)
        .await?
        .ok_or_else(|| refused(PromoRefusal::Unknown))?;
    let ids: Vec<i64> = goods.iter().map(|line| line.product_id).collect();
    let products = db::products(&mut *db, &ids).await?;
    let lines: Vec<PromoLine> = goods
        .iter()
        .map(|line| {
            let (variant_of, category_id, in_drop) = products
                .iter()
                .find(|(id, ..)| *id == line.product_id)
                .map_or((None, 0, false), |(_, variant_of, category, in_drop)| {
                    (*variant_of, *category, *in_drop)
                });
            PromoLine {
                product_id: line.product_id,
                variant_of,
                category_id,
                in_drop,
                vat_rate: line.vat_rate,
                total_cents: line.total_cents,
            }
        })
        .collect();
    let discount = code
        .discount(&lines, chrono::Utc::now().timestamp_millis())
        .map_err(refused)?;
    Ok((code, discount))
}

/// What the code would take off the caller's basket now (nothing is
/// taken): for the basket and checkout pages. Refused when it is unknown,
/// not valid now, used up, or not for these goods or this much.
pub async fn preview(
    state: &AppState,
    raw: &str,
    goods: &[Goods],
    user_id: Option<UserId>,
) -> Result<AppliedCode, AppError> {
    let mut conn = state.pool.acquire().await?;
    let (code, discount) = evaluate(&mut conn, raw, goods).await?;
    if code.max_uses.is_some() && db::uses_left(&mut *conn, code.id).await? == Some(0) {
        return Err(refused(PromoRefusal::UsedUp));
    }
    if let (Some(max), Some(user_id)) = (code.max_per_customer, user_id) {
        let used: i64 = sqlx::query_scalar!(
            r#"SELECT count(*) AS "used!" FROM promo_uses
               WHERE code_id = $1 AND user_id = $2 AND given_back_at IS NULL"#,
            code.id,
            user_id as UserId,
        )
        .fetch_one(&mut *conn)
        .await?;
        if used >= i64::from(max) {
            return Err(refused(PromoRefusal::AlreadyUsed));
        }
    }
    Ok(AppliedCode {
        code: code.code,
        discount,
    })
}

/// Where an order goes, as a code's per-customer count reads it.
pub struct Customer<'a> {
    pub user_id: UserId,
    pub street: &'a str,
    pub postcode: &'a str,
    pub country: &'a str,
}

/// A code the checkout took a use of.
pub struct UsedCode {
    pub code_id: i64,
    pub code: String,
    pub discount: Discount,
    slot: Option<i16>,
}

/// Inside the checkout's transaction (after its stock is taken): checks
/// the code against the goods taken, the customer's uses and the uses
/// left, and takes one; or refuses the checkout, changing nothing.
pub async fn take(
    tx: &mut Transaction<'_, Postgres>,
    raw: &str,
    goods: &[Goods],
    customer: &Customer<'_>,
) -> Result<UsedCode, AppError> {
    let (code, discount) = evaluate(tx, raw, goods).await?;
    if let Some(max) = code.max_per_customer {
        db::lock_customer(tx, code.id, customer.street, customer.postcode, customer.country).await?;
        let used = db::customer_uses(
            tx,
            code.id,
            customer.user_id,
            customer.street,
            customer.postcode,
            customer.country,
        )
        .await?;
        if used >= i64::from(max) {
            return Err(refused(PromoRefusal::AlreadyUsed));
        }
    }
    let slot = match code.max_uses {
        Some(_) => Some(
            db::take_use(tx, code.id)
                .await?
                .ok_or_else(|| refused(PromoRefusal::UsedUp))?,
        ),
        None => None,
    };
    Ok(UsedCode {
        code_id: code.id,
        code: code.code,
        discount,
        slot,
    })
}

/// Records the use on the order, once it is written.
pub async fn record(
    tx: &mut Transaction<'_, Postgres>,
    order_id: OrderId,
    used: &UsedCode,
    customer: &Customer<'_>,
    discount_cents: i64,
) -> Result<(), sqlx::Error> {
    db::record_use(
        tx,
        &NewUse {
            order_id,
            code_id: used.code_id,
            slot: used.slot,
            user_id: customer.user_id,
            street: customer.street,
            postcode: customer.postcode,
            country: customer.country,
            discount_cents,
        },
    )
    .await
}
