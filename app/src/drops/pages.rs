//! The drops' pages: the waiting room (`/drops/{id}`), the home page's
//! cards, and the notice on a drop variant's product page.
//!
//! Everything is rendered on the server and right at every load. Without
//! JavaScript the room refreshes itself (a `<noscript>` refresh the shell
//! writes for `/drops/…`); with it, `public/live.js` counts down to the
//! opening and polls the room's position (`/drops/position`), announcing
//! changes in a polite live region.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::api::{current_drops, drop_room, JoinDrop};
use super::model::{DropCard, DropItem, Phase, Room, RoomState};
use crate::error::AppError;
use crate::i18n::{format_price, shop_time, use_i18n, Locale};
use crate::ui::error::ErrorMessage;
use crate::ui::forms::{use_form_error, FormAlert};
use crate::ui::not_found::NotFound;
use crate::ui::seo::Seo;
use crate::ui::stock::StockBadge;

/// `/drops/{id}`: a drop and the caller's place in its waiting room.
#[component]
pub fn DropRoomPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    let join = ServerAction::<JoinDrop>::new();
    let room = Resource::new(
        move || (id.get(), join.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => drop_room(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <div class="room" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match room.await {
                    Ok(room) => view! { <RoomView room join /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RoomView(room: Room, join: ServerAction<JoinDrop>) -> impl IntoView {
    let i18n = use_i18n();
    let words = &i18n.t().drop;
    let Room { card, state, ticket } = room;
    let title = (words.room_title)(&card.name);
    let path = card.room_path();
    let phase = card.phase(Utc::now());
    let join_error = use_form_error(join);
    let status = state_sentence(i18n.locale(), &state, card.has_room(), phase);
    let can_join =
        state == RoomState::Outside && card.has_room() && matches!(phase, Phase::PreQueue | Phase::Open);
    let admitted = matches!(state, RoomState::Admitted { .. });
    let items = card.items.clone();
    view! {
        <Seo title=title description=(words.opens_on)(&card.opens_local) path noindex=true />
        <section class="room panel" data-testid="drop-room">
            <h1>{card.name.clone()}</h1>
            <Opening card=card.clone() />
            <p
                class="room__status"
                role="status"
                aria-live="polite"
                data-testid="room-status"
                data-state=state_name(&state)
                data-room-ticket=ticket
            >
                {status}
            </p>
            {(!matches!(state, RoomState::Outside | RoomState::SoldOut | RoomState::Expired)).then(|| view! {
                <p class="form__hint">{words.refresh_note}</p>
            })}
            {can_join.then(|| view! {
                <ActionForm action=join attr:class="form">
                    <input type="hidden" name="id" value=card.id />
                    <p class="form__hint">{words.join_hint}</p>
                    <FormAlert error=join_error fields=&[] />
                    <button type="submit" class="button" data-testid="join-room">{words.join_button}</button>
                </ActionForm>
            })}
            <h2>{words.items_heading}</h2>
            <ul class="plain-list room__items">
                {items.into_iter().map(|item| view! { <DropItemRow item linked=admitted || !card.has_room() /> }).collect_view()}
            </ul>
        </section>
    }
}

/// The opening: the time at the shop, and a countdown with JavaScript.
#[component]
fn Opening(card: DropCard) -> impl IntoView {
    let i18n = use_i18n();
    let words = &i18n.t().drop;
    let phase = card.phase(Utc::now());
    view! {
        <p class="drop__opening" data-testid="drop-opening">
            {match phase {
                Phase::Announced | Phase::PreQueue => view! {
                    <time datetime=card.opens_at.to_rfc3339()>{(words.opens_on)(&card.opens_local)}</time>
                    " "
                    <span class="drop__countdown" data-countdown=card.opens_at.to_rfc3339() data-label=words.countdown_label></span>
                }
                .into_any(),
                Phase::Open => view! { <strong>{words.open_now}</strong> }.into_any(),
                Phase::SoldOut => view! { <strong>{words.sold_out}</strong> }.into_any(),
            }}
        </p>
        {(phase == Phase::Announced)
            .then(|| card.room_opens_local.clone())
            .flatten()
            .map(|at| view! { <p class="form__hint">{(words.room_opens_on)(&at)}</p> })}
    }
}

#[component]
fn DropItemRow(item: DropItem, linked: bool) -> impl IntoView {
    let i18n = use_i18n();
    let price = format_price(item.price_cents, i18n.locale());
    let name = item.name.clone();
    view! {
        <li class="room__item">
            {if linked {
                view! { <A href=format!("/p/{}?variant={}", item.slug, item.sku)>{name}</A> }.into_any()
            } else {
                view! { <span>{name}</span> }.into_any()
            }}
            " — " {price} " — "
            <StockBadge stock=item.stock live=item.product_id />
        </li>
    }
}

/// The state's sentence, the same the position endpoint answers with.
pub fn state_sentence(locale: Locale, state: &RoomState, has_room: bool, phase: Phase) -> String {
    let words = &locale.messages().drop;
    match state {
        RoomState::Outside if !has_room => words.no_room.to_owned(),
        RoomState::Outside if phase == Phase::SoldOut => words.room_sold_out.to_owned(),
        RoomState::Outside if phase == Phase::Announced => words.room_closed.to_owned(),
        RoomState::Outside => words.join_hint.to_owned(),
        RoomState::PreQueue => words.pre_queue.to_owned(),
        RoomState::Placing => words.placing.to_owned(),
        RoomState::Waiting { ahead, wait_seconds } => (words.waiting)(*ahead, *wait_seconds),
        RoomState::Admitted { until } => (words.admitted)(&shop_time(*until, locale)),
        RoomState::Expired => words.expired.to_owned(),
        RoomState::SoldOut => words.room_sold_out.to_owned(),
    }
}

/// A state's name, for scripts and tests (`data-state`).
pub fn state_name(state: &RoomState) -> &'static str {
    match state {
        RoomState::Outside => "outside",
        RoomState::PreQueue => "pre_queue",
        RoomState::Placing => "placing",
        RoomState::Waiting { .. } => "waiting",
        RoomState::Admitted { .. } => "admitted",
        RoomState::Expired => "expired",
        RoomState::SoldOut => "sold_out",
    }
}

/// The home page's drops: those to come and those on sale.
#[component]
pub fn DropCards() -> impl IntoView {
    let i18n = use_i18n();
    let drops = Resource::new(|| (), |_| current_drops());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                drops.await.ok().filter(|drops| !drops.is_empty()).map(|drops| view! {
                    <section class="drops" aria-labelledby="upcoming-drops">
                        <h2 id="upcoming-drops">{i18n.t().drop.heading}</h2>
                        <ul class="drops__list">
                            {drops.into_iter().map(|card| view! { <DropCardView card /> }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

#[component]
fn DropCardView(card: DropCard) -> impl IntoView {
    let i18n = use_i18n();
    let words = &i18n.t().drop;
    let link = if card.has_room() {
        words.room_link
    } else {
        words.drop_link
    };
    let items = card.items.clone();
    let (name, path) = (card.name.clone(), card.room_path());
    view! {
        <li class="drop-card panel" data-testid="drop-card">
            <h3><A href=path.clone()>{name}</A></h3>
            <Opening card=card />
            <ul class="plain-list">
                {items.into_iter().map(|item| view! { <DropItemRow item linked=false /> }).collect_view()}
            </ul>
            <A href=path attr:class="button button--secondary">{link}</A>
        </li>
    }
}

/// On a drop variant's product page: which drop sells it, its opening, and
/// the way to its room.
#[component]
pub fn DropNotice(card: DropCard) -> impl IntoView {
    let i18n = use_i18n();
    let words = &i18n.t().drop;
    let link = if card.has_room() {
        words.room_link
    } else {
        words.drop_link
    };
    view! {
        <aside class="drop-notice" data-testid="drop-notice">
            <p><strong>{(words.in_drop)(&card.name)}</strong></p>
            <Opening card=card.clone() />
            <A href=card.room_path() attr:class="button button--secondary">{link}</A>
        </aside>
    }
}
