//! /admin/drops: every drop with its room's figures, and the form that
//! schedules a new one.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;

use super::{query_param, AdminGate};
use crate::drops::api::{admin_drops, CreateDrop};
use crate::drops::model::{AdminDrop, Audience, Phase};
use crate::i18n::use_i18n;
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert, FormField};

#[component]
pub fn AdminDropsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().drop.admin_heading.to_owned()>
            <Drops />
        </AdminGate>
    }
}

#[component]
fn Drops() -> impl IntoView {
    let i18n = use_i18n();
    let words = &i18n.t().drop;
    let create = ServerAction::<CreateDrop>::new();
    let create_error = use_form_error(create);
    let created = query_param("created");
    let drops = Resource::new(move || create.version().get(), |_| admin_drops());
    view! {
        <h1>{words.admin_heading}</h1>
        {move || (!created.get().is_empty()).then(|| view! {
            <p class="alert alert--success" role="status">{words.admin_created}</p>
        })}
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match drops.await {
                    Ok(drops) if drops.is_empty() => view! { <p data-testid="admin-drops-empty">{words.admin_none}</p> }.into_any(),
                    Ok(drops) => view! { <DropTable drops /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
        <ActionForm action=create attr:class="form panel" attr:novalidate="">
            <h2>{words.admin_new}</h2>
            <FormField label=words.admin_name name="name" maxlength=120 error=create_error />
            <FormField label=words.admin_opens name="opens_at" kind="datetime-local" error=create_error />
            <div class="field">
                <label for="field-skus">{words.admin_skus}</label>
                <textarea id="field-skus" name="skus" rows="3" required aria-describedby="field-skus-hint"></textarea>
                <p class="form__hint" id="field-skus-hint">{words.admin_skus_hint}</p>
            </div>
            <FormField label=words.admin_room_minutes name="room_minutes" kind="number" required=false error=create_error />
            <FormField label=words.admin_pace name="admit_per_tick" kind="number" value="50".to_owned() required=false error=create_error />
            <FormField label=words.admin_tick name="tick_seconds" kind="number" value="10".to_owned() required=false error=create_error />
            <FormField label=words.admin_admission name="admission_minutes" kind="number" value="15".to_owned() required=false error=create_error />
            <FormField label=words.admin_limit name="max_per_customer" kind="number" required=false error=create_error />
            <FormField label=words.admin_hold name="hold_minutes" kind="number" required=false error=create_error />
            <div class="field">
                <label for="field-audience">{words.admin_audience}</label>
                <select id="field-audience" name="audience">
                    {Audience::ALL.into_iter().map(|audience| view! {
                        <option value=audience.as_str()>{audience_words(audience)}</option>
                    }).collect_view()}
                </select>
            </div>
            <FormAlert error=create_error fields=&["name", "opens_at", "room_minutes", "admit_per_tick", "tick_seconds", "admission_minutes", "max_per_customer", "hold_minutes"] />
            <button type="submit" class="button">{move || i18n.t().admin_create}</button>
        </ActionForm>
    }
}

fn audience_words(audience: Audience) -> &'static str {
    let words = &use_i18n().t().drop;
    match audience {
        Audience::Anyone => words.admin_audience_anyone,
        Audience::Accounts => words.admin_audience_accounts,
        Audience::Verified => words.admin_audience_verified,
    }
}

#[component]
fn DropTable(drops: Vec<AdminDrop>) -> impl IntoView {
    let i18n = use_i18n();
    let words = &i18n.t().drop;
    let now = Utc::now();
    view! {
        <table class="table" data-testid="admin-drops">
            <thead>
                <tr>
                    <th scope="col">{words.admin_name}</th>
                    <th scope="col">{words.admin_opens}</th>
                    <th scope="col">{words.admin_phase}</th>
                    <th scope="col">{words.admin_variants}</th>
                    <th scope="col">{words.admin_audience}</th>
                    <th scope="col">{words.admin_in_room}</th>
                    <th scope="col">{words.admin_admitted}</th>
                    <th scope="col">{words.report_link}</th>
                </tr>
            </thead>
            <tbody>
                {drops.into_iter().map(|drop| {
                    let phase = match drop.card.phase(now) {
                        Phase::Announced | Phase::PreQueue => words.countdown_label,
                        Phase::Open => words.open_now,
                        Phase::SoldOut => words.sold_out,
                    };
                    let skus = drop.card.items.iter().map(|item| item.sku.clone()).collect::<Vec<_>>().join(", ");
                    view! {
                        <tr>
                            <td><A href=drop.card.room_path()>{drop.card.name.clone()}</A></td>
                            <td>{drop.card.opens_local.clone()}</td>
                            <td>{phase}</td>
                            <td>{skus}</td>
                            <td>{audience_words(drop.audience)}</td>
                            <td>{drop.in_room}</td>
                            <td>{drop.admitted}</td>
                            <td><A href=format!("/admin/drops/{}", drop.card.id)>{words.report_link}</A></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
