//! `/orders/{id}`: the confirmation after checkout and an order's detail,
//! for its owner or an administrator; anyone else sees the 404 page.

use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::auth::components::use_auth;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ids::OrderId;
use crate::invoices::components::OrderDocuments;
use crate::payment::api::get_order;
use crate::payment::model::{OrderDetail, OrderStatus, Refund};
use crate::ui::{
    error::ErrorMessage, not_found::NotFound, price::DeliveryCost, price::Price, seo::Seo, vat::VatTable,
};

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    let auth = use_auth();
    // Guests are sent to log in before the order is asked for.
    let order = Resource::new(
        move || id.get(),
        move |id| async move {
            match (auth.user.await, id) {
                (Ok(None), _) => Ok(None),
                (_, Some(id)) => get_order(OrderId(id)).await.map(Some),
                (_, None) => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(Some(order)) => view! { <OrderView order /> }.into_any(),
                    Ok(None) => {
                        let back = id.get_untracked().map(|id| format!("%2Forders%2F{id}")).unwrap_or_default();
                        view! { <Redirect path=format!("/login?return_to={back}") /> }.into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderView(order: OrderDetail) -> impl IntoView {
    let i18n = use_i18n();
    let placed = use_query_map().with_untracked(|q| q.get("placed").is_some());
    let summary = order.summary.clone();
    let date = summary.created_at.get(..10).unwrap_or_default().to_owned();
    let address = order.address.clone();
    let country = address.country_name(i18n.locale()).to_owned();
    let breakdown = order.breakdown();
    let delivery = order.delivery.clone();
    let promo = order.promo.clone();
    let documents = order.documents.clone();
    view! {
        <Seo
            title=move || (i18n.t().order_title)(summary.id)
            description=move || (i18n.t().order_title)(summary.id)
            path=format!("/orders/{}", summary.id)
            noindex=true
        />
        <h1>{move || i18n.t().order_number} " " <span data-testid="order-number">{summary.id}</span></h1>
        {match summary.status {
            OrderStatus::AwaitingPayment => Some(view! {
                <p class="alert alert--info" role="status" data-testid="order-payment-pending">
                    {move || i18n.t().order_payment_pending}
                </p>
            }.into_any()),
            OrderStatus::PaymentFailed => Some(view! {
                <p class="alert alert--error" role="status" data-testid="order-payment-failed">
                    {move || i18n.t().order_payment_failed}
                </p>
            }.into_any()),
            _ if placed => Some(view! {
                <p class="alert alert--success" role="status" data-testid="order-confirmed">
                    {move || i18n.t().order_confirmed}
                </p>
            }.into_any()),
            _ => None,
        }}
        <div class="order">
            <section class="panel">
                <dl class="order__facts">
                    <dt>{move || i18n.t().order_status_label}</dt>
                    <dd>
                        <OrderStatusBadge status=summary.status />
                    </dd>
                    <dt>{move || i18n.t().order_placed_on}</dt>
                    <dd>{date}</dd>
                    <dt>{move || i18n.t().order_customer}</dt>
                    <dd>{order.customer.clone()}</dd>
                    <dt>{move || i18n.t().order_paid_with}</dt>
                    <dd>{format!("{} •••• {}", order.card_brand, order.card_last4)}</dd>
                    {order.refund.map(|refund| view! {
                        <dt>{move || i18n.t().order_refund}</dt>
                        <dd><RefundState refund /></dd>
                    })}
                </dl>
                <h2>{move || i18n.t().order_shipping_to}</h2>
                <address>
                    {address.name} <br /> {address.street} <br /> {address.postcode} " " {address.city} <br />
                    {country}
                </address>
            </section>
            <section class="panel">
                <table class="table" data-testid="order-lines">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t().order_items}</th>
                            <th scope="col">{move || i18n.t().unit_price}</th>
                            <th scope="col">{move || i18n.t().quantity}</th>
                            <th scope="col">{move || i18n.t().line_total}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {order
                            .lines
                            .into_iter()
                            .map(|line| {
                                let total = line.total_cents();
                                view! {
                                    <tr>
                                        <td>
                                            <A href=format!("/p/{}", line.product_slug)>{line.product_name}</A>
                                        </td>
                                        <td>
                                            <Price cents=line.unit_price_cents />
                                        </td>
                                        <td>{line.quantity}</td>
                                        <td>
                                            <Price cents=total />
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                    <tfoot>
                        {promo.map(|(code, cents)| view! {
                            <tr data-testid="order-discount">
                                <th scope="row" colspan="3">{move || i18n.t().promo_label} " " {code}</th>
                                <td>"−" <Price cents=cents /></td>
                            </tr>
                        })}
                        {delivery.map(|delivery| {
                            let name = i18n.locale().pick(&delivery.name_fr, &delivery.name_en).to_owned();
                            view! {
                                <tr data-testid="order-delivery">
                                    <th scope="row" colspan="3">
                                        {move || i18n.t().delivery_heading} " — " {name}
                                    </th>
                                    <td><DeliveryCost cents=delivery.cost_cents /></td>
                                </tr>
                            }
                        })}
                        <tr>
                            <th scope="row" colspan="3">
                                {move || i18n.t().order_total}
                            </th>
                            <td data-testid="order-total">
                                <strong>
                                    <Price cents=summary.total_cents />
                                </strong>
                            </td>
                        </tr>
                    </tfoot>
                </table>
                <VatTable breakdown />
                <OrderDocuments order_id=summary.id documents />
                <A href="/account#orders">{move || i18n.t().back_to_orders}</A>
            </section>
        </div>
    }
}

/// Where a cancelled order's money is: on its way back, or back.
#[component]
pub fn RefundState(refund: Refund) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span data-testid="order-refund">
            {move || match refund {
                Refund::Pending => i18n.t().order_refund_pending,
                Refund::Done => i18n.t().order_refund_done,
            }}
        </span>
    }
}

/// An order's status as a coloured label.
#[component]
pub fn OrderStatusBadge(status: OrderStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("status status--{}", status.as_str()) data-testid="order-status">
            {move || i18n.t().status(status)}
        </span>
    }
}
