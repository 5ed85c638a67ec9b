//! /admin/orders: every order by status, and one order with its status
//! change (cancelling returns the stock).

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_params_map;

use super::{query_param, AdminGate, AdminPager};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ids::OrderId;
use crate::invoices::components::OrderDocuments;
use crate::payment::api::{get_order, list_orders, SetOrderStatus};
use crate::payment::model::{OrderDetail, OrderListItem, OrderStatus};
use crate::payment::pages::{OrderStatusBadge, RefundState};
use crate::ui::forms::{use_form_error, FormAlert};
use crate::ui::{error::ErrorMessage, not_found::NotFound, price::Price};

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_orders.to_owned()>
            <Orders />
        </AdminGate>
    }
}

#[component]
fn Orders() -> impl IntoView {
    let i18n = use_i18n();
    let status = query_param("status");
    let page = query_param("page");
    let orders = Resource::new(
        move || (status.get(), page.get()),
        |(status, page)| list_orders(Some(status), None, page.parse().ok()),
    );
    view! {
        <h1>{move || i18n.t().admin_orders}</h1>
        <Form method="GET" action="" attr:class="admin__search">
            <label for="order-status-filter">{move || i18n.t().order_status_label}</label>
            <select id="order-status-filter" name="status">
                <option value="" selected=move || status.get().is_empty()>{move || i18n.t().admin_all}</option>
                {OrderStatus::ALL
                    .into_iter()
                    .map(|s| view! { <option value=s.as_str() selected=move || status.get() == s.as_str()>{move || i18n.t().status(s)}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button button--secondary">{move || i18n.t().admin_filter}</button>
        </Form>
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(found) if found.orders.is_empty() => view! { <p class="empty-state">{move || i18n.t().admin_no_results}</p> }.into_any(),
                    Ok(found) => {
                        let filter = status.get_untracked();
                        view! {
                            <OrderTable orders=found.orders />
                            <AdminPager page=found.page page_count=found.page_count href=move |n| format!("/admin/orders?status={filter}&page={n}") />
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Orders as a table; also on a user's back-office page.
#[component]
pub fn OrderTable(orders: Vec<OrderListItem>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table panel" data-testid="admin-orders">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t().order_number}</th>
                    <th scope="col">{move || i18n.t().order_placed_on}</th>
                    <th scope="col">{move || i18n.t().order_customer}</th>
                    <th scope="col">{move || i18n.t().order_items}</th>
                    <th scope="col">{move || i18n.t().order_total}</th>
                    <th scope="col">{move || i18n.t().order_status_label}</th>
                </tr>
            </thead>
            <tbody>
                {orders
                    .into_iter()
                    .map(|order| {
                        let id = order.summary.id;
                        view! {
                            <tr>
                                <td><A href=format!("/admin/orders/{id}")>{format!("#{id}")}</A></td>
                                <td>{order.summary.created_at.get(..10).unwrap_or_default().to_owned()}</td>
                                <td>{order.customer}</td>
                                <td>{order.item_count}</td>
                                <td><Price cents=order.summary.total_cents /></td>
                                <td><OrderStatusBadge status=order.summary.status /></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_orders.to_owned()>
            <AdminOrder />
        </AdminGate>
    }
}

#[component]
fn AdminOrder() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    let set_status = ServerAction::<SetOrderStatus>::new();
    let order = Resource::new(
        move || (id.get(), set_status.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_order(OrderId(id)).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(order) => view! { <OrderAdmin order set_status /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrderAdmin(order: OrderDetail, set_status: ServerAction<SetOrderStatus>) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(set_status);
    let summary = order.summary.clone();
    let next = summary.status.next();
    view! {
        <div class="admin__header">
            <h1>{move || i18n.t().order_number} " " {summary.id}</h1>
            <OrderStatusBadge status=summary.status />
        </div>
        <section class="panel">
            <p>{move || i18n.t().order_customer} " : " {order.customer.clone()} " — " <Price cents=summary.total_cents /></p>
            {order.refund.map(|refund| view! {
                <p>{move || i18n.t().order_refund} " : " <RefundState refund /></p>
            })}
            <p>{format!("{}, {}, {} {}, {}", order.address.name, order.address.street, order.address.postcode, order.address.city, order.address.country_name(i18n.locale()))}</p>
            {order.delivery.clone().map(|delivery| view! {
                <p data-testid="order-delivery">
                    {move || i18n.t().delivery_heading} " : " {i18n.locale().pick(&delivery.name_fr, &delivery.name_en).to_owned()}
                    " — " <Price cents=delivery.cost_cents />
                </p>
            })}
            <ul class="plain-list">
                {order
                    .lines
                    .into_iter()
                    .map(|line| view! { <li>{line.quantity} " × " {line.product_name} " — " <Price cents=line.unit_price_cents /></li> })
                    .collect_view()}
            </ul>
            <OrderDocuments order_id=summary.id documents=order.documents.clone() />
            <A href=format!("/orders/{}", summary.id)>{move || i18n.t().order_view}</A>
        </section>
        {(!next.is_empty()).then(|| view! {
            <section class="panel">
                <h2>{move || i18n.t().admin_change_status}</h2>
                <div class="admin__row">
                    {next
                        .iter()
                        .map(|&status| {
                            let danger = status == OrderStatus::Cancelled;
                            view! {
                                <ActionForm action=set_status attr:class="inline-form">
                                    <input type="hidden" name="order_id" value=summary.id />
                                    <input type="hidden" name="status" value=status.as_str() />
                                    {danger.then(|| view! { <super::ConfirmBox id=format!("confirm-cancel-{}", summary.id) /> })}
                                    <button type="submit" class=if danger { "button button--danger" } else { "button" }>
                                        {move || (i18n.t().admin_mark_as)(i18n.t().status(status))}
                                    </button>
                                </ActionForm>
                            }
                        })
                        .collect_view()}
                </div>
                <FormAlert error=error fields=&[] />
            </section>
        })}
    }
}
