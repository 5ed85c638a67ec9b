//! Checkout in three steps, so that no lock is held and no connection is
//! kept while the payment provider thinks:
//! 1. **reserve**: one short transaction takes the units with conditional
//!    updates and writes the order as awaiting payment;
//! 2. **charge** the card, with no transaction open;
//! 3. **settle**: the order becomes paid, or its units go back on sale.
//!
//! When the provider's answer is lost (a time-out, a crash of this
//! process), the order is settled by asking the provider about its key;
//! an order nobody settled is swept after its payment window by whichever
//! instance claims it first.

use tracing::Instrument;

use crate::basket::db::{self as basket_db, BasketKey};
use crate::delivery::db as delivery_db;
use crate::delivery::model::{Country, NotOffered};
use crate::drops::friction::Act;
use crate::error::{internal, AppError, CardRefusal, Conflict, DeliveryRefusal, Rule, Shortage};
use crate::ids::{OrderId, ProductId, UserId};
use crate::inventory::db::{self as inventory, CustomerAddress};
use crate::inventory::ledger::{self, StockChange};
use crate::invoices::model::DocumentKind;
use crate::invoices::service as invoices;
use crate::mail::{model::MailKind, outbox};
use crate::payment::db::{self, NewOrder};
use crate::payment::gateway::{PaymentError, PaymentReceipt};
use crate::payment::model::{Card, CheckoutKey, OrderStatus, OrderSummary, ShippingAddress};
use crate::pricing::VatRate;
use crate::promotions::db as promo_db;
use crate::promotions::service::{self as promo, Goods};
use crate::state::AppState;

pub struct CheckoutRequest<'a> {
    pub user_id: UserId,
    pub key: &'a CheckoutKey,
    pub address: ShippingAddress,
    pub card: Card,
    /// The delivery method picked (its cost is read here, not sent).
    pub delivery_method_id: i64,
    /// The promo code typed, if any (checked and used here).
    pub promo_code: Option<String>,
}

/// Places the basket's order and pays for it. The same key returns the
/// same order; a second checkout of the account while one is being paid
/// returns that one.
#[tracing::instrument(skip_all, fields(user_id = request.user_id.0))]
pub async fn checkout(state: &AppState, request: CheckoutRequest<'_>) -> Result<OrderSummary, AppError> {
    let order = match reserve(state, &request).await {
        Ok(Reservation::Existing(order)) => {
            count_outcome("repeat");
            return Ok(order);
        }
        Ok(Reservation::New(order)) => order,
        Err(error) => {
            count_refusal(&error);
            if let AppError::Conflict(Conflict::CustomerLimit { product_id, .. }) = &error {
                crate::drops::service::note_limit_refusal(state, ProductId(*product_id)).await;
            }
            return Err(error);
        }
    };
    // Charged and settled in a task of its own: a shopper who closes the
    // tab (the request is dropped) does not leave a charge unconfirmed.
    let paying = tokio::spawn(pay(state.clone(), order, request.card, request.user_id).in_current_span());
    let paid = paying
        .await
        .map_err(|error| internal("the payment task stopped", error))?;
    match &paid {
        Ok(order) if order.status == OrderStatus::Paid => count_outcome("paid"),
        Ok(_) => count_outcome("payment_pending"),
        Err(error) => count_refusal(error),
    }
    paid
}

/// Counts a checkout's outcome for the operator's metrics.
fn count_outcome(outcome: &'static str) {
    metrics::counter!("wm_checkout_outcomes_total", "outcome" => outcome).increment(1);
}

fn count_refusal(error: &AppError) {
    let outcome = match error {
        AppError::Conflict(Conflict::NotEnoughStock { .. } | Conflict::SoldOut { .. }) => {
            metrics::counter!("wm_sold_out_total").increment(1);
            "sold_out"
        }
        AppError::Conflict(Conflict::CustomerLimit { .. }) => "customer_limit",
        AppError::Conflict(Conflict::OverLimit { .. }) => "over_limit",
        AppError::Validation {
            rule: Rule::Card(CardRefusal::NotCharged),
            ..
        } => "not_charged",
        AppError::Validation {
            rule: Rule::Card(_), ..
        } => "card_refused",
        AppError::Validation {
            rule: Rule::EmptyBasket,
            ..
        } => "empty_basket",
        AppError::Internal => "error",
        _ => "other",
    };
    count_outcome(outcome);
}

/// Steps 2 and 3 for a reserved order.
async fn pay(
    state: AppState,
    order: OrderSummary,
    card: Card,
    user_id: UserId,
) -> Result<OrderSummary, AppError> {
    let state = &state;
    let order_id = OrderId(order.id);
    let key = provider_key(user_id, order_id);
    let charged = tokio::time::timeout(
        state.checkout.charge_timeout,
        state.payments.charge(order.total_cents, &card, &key),
    )
    .await
    .unwrap_or(Err(PaymentError::AnswerLost));
    match charged {
        Ok(receipt) => confirm(state, order_id, &receipt).await,
        Err(PaymentError::AnswerLost) => {
            tracing::warn!(
                order_id = order_id.0,
                "the charge's answer was lost; asking the provider"
            );
            match settle(state, order_id, user_id).await? {
                Settled::Paid(order) => Ok(order),
                Settled::Released => Err(card_refusal(CardRefusal::NotCharged)),
                // The provider cannot tell now: the order keeps its units
                // and its page says the payment is being checked.
                Settled::Unknown => Ok(order),
            }
        }
        Err(refused) => {
            release(state, order_id, "payment refused").await?;
            tracing::info!(order_id = order_id.0, reason = %refused, "payment refused; units released");
            Err(card_refusal(match refused {
                PaymentError::Declined => CardRefusal::Declined,
                PaymentError::InsufficientFunds => CardRefusal::InsufficientFunds,
                PaymentError::Unavailable | PaymentError::AnswerLost => CardRefusal::NotCharged,
            }))
        }
    }
}

fn card_refusal(refusal: CardRefusal) -> AppError {
    AppError::validation("card_number", Rule::Card(refusal))
}

enum Reservation {
    /// The checkout already happened (same key) or is under way (another
    /// tab): its order is the answer.
    Existing(OrderSummary),
    /// Units taken and the order written, awaiting payment.
    New(OrderSummary),
}

/// Step 1, one short transaction: takes the basket's units and writes the
/// order as awaiting payment, or changes nothing.
async fn reserve(state: &AppState, request: &CheckoutRequest<'_>) -> Result<Reservation, AppError> {
    let mut tx = state.pool.begin().await?;
    // One checkout per account at a time, whatever the key: a second tab
    // waits here, then finds the order (its own key, or one being paid).
    db::lock_checkout(&mut tx, request.user_id).await?;
    if let Some(order) = db::find_order_by_key(&mut *tx, request.user_id, request.key.as_str()).await? {
        return Ok(Reservation::Existing(order));
    }
    if let Some(order) = db::find_awaiting_order(&mut *tx, request.user_id).await? {
        return Ok(Reservation::Existing(order));
    }

    // Lines come in product order, so concurrent checkouts lock products in
    // the same order and cannot deadlock.
    let lines = basket_db::find_lines(&mut *tx, BasketKey::Account(request.user_id)).await?;
    if lines.is_empty() {
        return Err(AppError::validation("basket", Rule::EmptyBasket));
    }
    // A drop's variants only once it opened, and through its room with an
    // admission of this session and account.
    let products: Vec<ProductId> = lines.iter().map(|line| ProductId(line.product_id)).collect();
    crate::drops::service::gate(state, &mut *tx, Act::Checkout, &products, Some(request.user_id)).await?;
    if let Some(line) = lines.iter().find(|line| line.quantity > line.max_per_order) {
        return Err(AppError::Conflict(Conflict::OverLimit {
            product_id: line.product_id,
            limit: line.max_per_order,
        }));
    }
    let country = Country::parse_field("ship_country", &request.address.country)?;
    let method = delivery_db::find_active_method(&mut *tx, request.delivery_method_id)
        .await?
        .ok_or_else(|| AppError::validation("delivery_method", Rule::UnknownChoice))?;
    let order_id = db::next_order_id(&mut tx).await?;
    ledger::describe(
        &mut tx,
        StockChange::new("checkout")
            .by(request.user_id)
            .for_order(order_id),
    )
    .await?;
    let customer = CustomerAddress {
        street: &request.address.street,
        postcode: &request.address.postcode,
        country: &request.address.country,
    };
    let mut taken = Vec::with_capacity(lines.len());
    let mut short = Vec::new();
    for line in &lines {
        match inventory::take_stock(
            &mut tx,
            ProductId(line.product_id),
            line.quantity,
            request.user_id,
        )
        .await?
        {
            Some(took) => {
                if let Some(limit) = took.max_per_customer {
                    let bought = inventory::bought_by_customer(
                        &mut tx,
                        ProductId(line.product_id),
                        request.user_id,
                        customer,
                    )
                    .await?;
                    if bought + i64::from(line.quantity) > i64::from(limit) {
                        return Err(AppError::Conflict(Conflict::CustomerLimit {
                            product_id: line.product_id,
                            limit,
                        }));
                    }
                }
                taken.push((line.product_id, took, line.quantity));
            }
            None => short.push(Shortage {
                product_id: line.product_id,
                left: line.stock.min(line.quantity - 1).max(0),
            }),
        }
    }
    if !short.is_empty() {
        // Dropping the transaction rolls back whatever was taken.
        return Err(AppError::Conflict(Conflict::NotEnoughStock { lines: short }));
    }
    let goods: Vec<Goods> = taken
        .iter()
        .map(|(product_id, took, quantity)| Goods {
            product_id: *product_id,
            vat_rate: VatRate::from_column(took.vat_rate_bp),
            total_cents: took.price_cents * i64::from(*quantity),
        })
        .collect();
    let goods_cents: i64 = goods.iter().map(|line| line.total_cents).sum();
    let promo_customer = promo::Customer {
        user_id: request.user_id,
        street: &request.address.street,
        postcode: &request.address.postcode,
        country: &request.address.country,
    };
    let promo = match request.promo_code.as_deref() {
        Some(raw) => Some(promo::take(&mut tx, raw, &goods, &promo_customer).await?),
        None => None,
    };
    let discount_cents = promo.as_ref().map_or(0, |used| used.discount.goods_cents);
    let weight_grams: i64 = taken
        .iter()
        .map(|(_, took, qty)| i64::from(took.weight_grams) * i64::from(*qty))
        .sum();
    // The free-delivery threshold reads the goods after the discount.
    let delivery_price = method
        .cost(country, goods_cents - discount_cents, weight_grams)
        .map_err(|refusal| {
            AppError::validation(
                "delivery_method",
                Rule::Delivery(match refusal {
                    NotOffered::Country => DeliveryRefusal::Country,
                    NotOffered::Weight => DeliveryRefusal::Weight,
                }),
            )
        })?;
    let free_delivery = promo.as_ref().is_some_and(|used| used.discount.free_delivery);
    let delivery_cents = if free_delivery { 0 } else { delivery_price };
    let order = db::insert_order(
        &mut tx,
        &NewOrder {
            id: order_id,
            user_id: request.user_id,
            key: request.key.as_str(),
            total_cents: goods_cents - discount_cents + delivery_cents,
            promo_code: promo.as_ref().map(|used| used.code.as_str()),
            discount_cents,
            address: &request.address,
            delivery: &method,
            delivery_cents,
            card_brand: request.card.number.brand().as_str(),
            card_last4: request.card.number.last4(),
            payment_window: state.checkout.payment_window,
            language: crate::i18n::Locale::from_request(),
        },
    )
    .await?;
    for (at, (product_id, took, quantity)) in taken.iter().enumerate() {
        let line_discount = promo
            .as_ref()
            .and_then(|used| used.discount.per_line.get(at).copied())
            .unwrap_or(0);
        db::insert_order_line(
            &mut tx,
            order_id,
            ProductId(*product_id),
            took,
            *quantity,
            line_discount,
        )
        .await?;
    }
    if let Some(used) = &promo {
        let waived = if free_delivery {
            delivery_price
        } else {
            discount_cents
        };
        promo::record(&mut tx, order_id, used, &promo_customer, waived).await?;
    }
    tx.commit().await?;
    Ok(Reservation::New(order))
}

/// Step 3 after a charge: the order becomes paid, once, and leaves the
/// basket.
async fn confirm(
    state: &AppState,
    order_id: OrderId,
    receipt: &PaymentReceipt,
) -> Result<OrderSummary, AppError> {
    let mut tx = state.pool.begin().await?;
    let (status, total_cents, user_id) = db::lock_order(&mut tx, order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match status {
        OrderStatus::AwaitingPayment => {
            db::update_status(&mut tx, order_id, OrderStatus::Paid).await?;
            db::insert_payment(&mut tx, order_id, total_cents, &receipt.reference).await?;
            basket_db::clear_ordered(&mut *tx, user_id, order_id).await?;
            outbox::enqueue_order_mail(&mut *tx, order_id.0, MailKind::OrderPaid).await?;
            // Written with the payment, numbered once it is committed.
            invoices::issue_invoice(&mut tx, &state.seller, order_id).await?;
            tx.commit().await?;
            invoices::number_soon(state, DocumentKind::Invoice).await;
            tracing::info!(order_id = order_id.0, total_cents, "order paid");
            metrics::counter!("wm_orders_paid_total").increment(1);
            metrics::counter!("wm_revenue_cents_total").increment(total_cents.unsigned_abs());
        }
        OrderStatus::PaymentFailed => {
            // Cannot happen while the provider voids a key before the
            // order is released; if it ever does, the money goes back.
            drop(tx);
            tracing::error!(
                order_id = order_id.0,
                "a charge arrived for a released order; refunding it"
            );
            let key = format!("refund-released-order-{order_id}");
            if let Err(error) = state.payments.refund(&receipt.reference, total_cents, &key).await {
                tracing::error!(order_id = order_id.0, %error, "could not refund the charge of a released order");
            }
            return Err(card_refusal(CardRefusal::NotCharged));
        }
        // Settled already (by a sweeper that asked the provider).
        _ => drop(tx),
    }
    Ok(db::order_summary(&state.pool, order_id).await?)
}

/// Step 3 without a charge: the order's units go back on sale, or back to
/// the buyer's basket hold while it runs.
async fn release(state: &AppState, order_id: OrderId, reason: &str) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    let Some((OrderStatus::AwaitingPayment, _, _)) = db::lock_order(&mut tx, order_id).await? else {
        return Ok(());
    };
    db::update_status(&mut tx, order_id, OrderStatus::PaymentFailed).await?;
    ledger::describe(&mut tx, StockChange::new(reason).for_order(order_id)).await?;
    inventory::return_stock(&mut tx, order_id).await?;
    inventory::restore_holds(&mut tx, order_id).await?;
    // Its promo code's use goes back to the code.
    promo_db::give_back(&mut tx, order_id).await?;
    tx.commit().await?;
    Ok(())
}

enum Settled {
    Paid(OrderSummary),
    Released,
    /// The provider did not answer; the order still awaits payment.
    Unknown,
}

/// Settles an order whose charge's answer was lost by asking the provider
/// about its key: charged → paid, not charged → released (the provider
/// voids the key first, so a charge still on its way is refused).
async fn settle(state: &AppState, order_id: OrderId, user_id: UserId) -> Result<Settled, AppError> {
    let key = provider_key(user_id, order_id);
    let found = tokio::time::timeout(state.checkout.charge_timeout, state.payments.find_or_void(&key))
        .await
        .unwrap_or(Err(PaymentError::AnswerLost));
    match found {
        Ok(Some(receipt)) => Ok(Settled::Paid(confirm(state, order_id, &receipt).await?)),
        Ok(None) => {
            release(state, order_id, "payment not made").await?;
            Ok(Settled::Released)
        }
        Err(error) => {
            tracing::warn!(order_id = order_id.0, %error, "the provider could not say; the order waits");
            Ok(Settled::Unknown)
        }
    }
}

/// Settles up to 50 orders still awaiting payment after their window (an
/// instance crashed mid-checkout, or the provider never answered); returns
/// how many were settled. Every instance runs it; each order is claimed by
/// one at a time, for longer than asking the provider may take.
pub async fn settle_expired_orders(state: &AppState) -> Result<usize, AppError> {
    let lease = state.checkout.charge_timeout + std::time::Duration::from_secs(30);
    let mut settled = 0;
    for _ in 0..50 {
        let Some((order_id, user_id)) = db::claim_expired_order(&state.pool, lease).await? else {
            break;
        };
        match settle(state, order_id, user_id).await {
            Ok(Settled::Paid(_)) => {
                settled += 1;
                tracing::info!(order_id = order_id.0, "expired order found charged: paid");
            }
            Ok(Settled::Released) => {
                settled += 1;
                tracing::info!(order_id = order_id.0, "expired order not charged: units released");
            }
            Ok(Settled::Unknown) => {}
            Err(error) => tracing::error!(order_id = order_id.0, %error, "could not settle an expired order"),
        }
    }
    Ok(settled)
}

/// The idempotency key the provider sees: made by the shop from the account
/// and its checkout attempt (the order number), never the client's value,
/// so two customers never share a charge, a retry of one attempt always
/// names the same one, and a new attempt after a refusal is a new charge.
fn provider_key(user_id: UserId, order_id: OrderId) -> String {
    format!("wm-checkout-{user_id}-{order_id}")
}
