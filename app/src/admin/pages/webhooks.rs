//! /admin/webhooks: the endpoints (URL, events, signing key) with a form
//! to add one, and the latest deliveries with their last answer and a
//! button to send one again.

use leptos::prelude::*;

use super::AdminGate;
use crate::i18n::{shop_date_time_of as at, use_i18n};
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert, FormField, IdButton};
use crate::webhooks::api::{load_webhook_board, CreateWebhook, DeleteWebhook, ResendWebhook};
use crate::webhooks::model::{Delivery, Endpoint, EVENTS};

const DELETE_URL: &str = <DeleteWebhook as leptos::server_fn::ServerFn>::PATH;
const RESEND_URL: &str = <ResendWebhook as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn AdminWebhooksPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_webhooks.to_owned()>
            <Webhooks />
        </AdminGate>
    }
}

#[component]
fn Webhooks() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateWebhook>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    let resend = ServerAction::<ResendWebhook>::new();
    let create_error = use_form_error(create);
    let delete_error = use_form_error(delete);
    let resend_error = use_form_error(resend);
    let board = Resource::new(
        move || {
            (
                create.version().get(),
                delete.version().get(),
                resend.version().get(),
            )
        },
        |_| load_webhook_board(),
    );
    view! {
        <h1>{move || i18n.t().admin_webhooks}</h1>
        <p>{move || i18n.t().webhooks_intro}</p>
        <FormAlert error=delete_error fields=&[] />
        <FormAlert error=resend_error fields=&[] />
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(board) => view! {
                        <h2>{move || i18n.t().webhooks_endpoints}</h2>
                        {if board.endpoints.is_empty() {
                            view! { <p class="empty-state">{move || i18n.t().webhooks_none}</p> }.into_any()
                        } else {
                            view! { <EndpointTable endpoints=board.endpoints /> }.into_any()
                        }}
                        <h2>{move || i18n.t().webhooks_deliveries}</h2>
                        {if board.deliveries.is_empty() {
                            view! { <p class="empty-state">{move || i18n.t().webhooks_no_deliveries}</p> }.into_any()
                        } else {
                            view! { <DeliveryTable deliveries=board.deliveries /> }.into_any()
                        }}
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
        <ActionForm action=create attr:class="form panel" attr:novalidate="">
            <h2>{move || i18n.t().webhooks_new}</h2>
            <FormField label=move || i18n.t().webhooks_url name="url" kind="url" error=create_error />
            <fieldset class="field">
                <legend>{move || i18n.t().webhooks_events}</legend>
                {EVENTS
                    .into_iter()
                    .map(|event| {
                        let name = event.replace('.', "_");
                        let id = format!("field-event-{name}");
                        view! {
                            <label class="confirm" for=id.clone()>
                                <input type="checkbox" id=id.clone() name=name value="on" />
                                " "
                                <code>{event}</code>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <FormAlert error=create_error fields=&["url", "events"] />
            <button type="submit" class="button">{move || i18n.t().webhooks_add}</button>
        </ActionForm>
    }
}

#[component]
fn EndpointTable(endpoints: Vec<Endpoint>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table" data-testid="webhook-endpoints">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t().webhooks_url}</th>
                    <th scope="col">{move || i18n.t().webhooks_events}</th>
                    <th scope="col">{move || i18n.t().webhooks_secret}</th>
                    <th scope="col"><span class="visually-hidden">{move || i18n.t().webhooks_delete}</span></th>
                </tr>
            </thead>
            <tbody>
                {endpoints
                    .into_iter()
                    .map(|endpoint| view! {
                        <tr data-testid="webhook-endpoint">
                            <td><code>{endpoint.url}</code></td>
                            <td>{endpoint.events.join(", ")}</td>
                            <td><code>{endpoint.secret}</code></td>
                            <td>
                                <IdButton
                                    action=DELETE_URL
                                    id=endpoint.id
                                    label=move || i18n.t().webhooks_delete
                                    class="button button--danger button--small"
                                />
                            </td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn DeliveryTable(deliveries: Vec<Delivery>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table" data-testid="webhook-deliveries">
            <thead>
                <tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{move || i18n.t().webhooks_events}</th>
                    <th scope="col">{move || i18n.t().webhooks_url}</th>
                    <th scope="col">{move || i18n.t().webhooks_state}</th>
                    <th scope="col">{move || i18n.t().webhooks_last_answer}</th>
                    <th scope="col"><span class="visually-hidden">{move || i18n.t().webhooks_resend}</span></th>
                </tr>
            </thead>
            <tbody>
                {deliveries
                    .into_iter()
                    .map(|delivery| {
                        let answer = match (delivery.last_status, &delivery.last_error) {
                            (Some(status), Some(error)) => format!("{status} {error}"),
                            (Some(status), None) => status.to_string(),
                            (None, Some(error)) => error.clone(),
                            (None, None) => "…".to_owned(),
                        };
                        let when = delivery.last_attempt_at.as_deref().map(at).unwrap_or_default();
                        let pending = delivery.status == "pending";
                        view! {
                            <tr data-testid="webhook-delivery" data-status=delivery.status.clone()>
                                <td>{delivery.id}</td>
                                <td><code>{delivery.event}</code></td>
                                <td><code>{delivery.endpoint_url}</code></td>
                                <td>{format!("{} ({})", delivery.status, delivery.attempts)}</td>
                                <td>{answer} <br /> <span class="muted">{when}</span></td>
                                <td>
                                    {(!pending).then(|| view! {
                                        <IdButton action=RESEND_URL id=delivery.id label=move || i18n.t().webhooks_resend />
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
