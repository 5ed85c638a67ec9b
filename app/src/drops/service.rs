//! Drop rules: joining the room, where a visitor stands, the admission
//! that lets them buy, the gate the basket and the checkout pass through,
//! and the tick that places and admits (run every second on every
//! instance; one at a time per drop).

use chrono::Utc;
use tower_sessions::Session;

use super::admission::{self, AdmissionCookie};
use super::db::{self, Joined};
use super::friction::{self, Act, Caller};
use super::model::{Room, RoomState};
use super::report::{self, DropReport, Refusal};
use super::report_db;
use crate::error::{AppError, Conflict};
use crate::ids::{DropId, ProductId, UserId};
use crate::state::AppState;

/// The session's key in the rooms it joins (64 hex characters).
const VISITOR_KEY: &str = "drop_visitor";

/// Places one client address may take in one drop's room: a household
/// behind one address gets a few, a script on one machine does not get
/// thousands.
pub const JOINS_PER_CLIENT: i64 = 10;

/// The key that signs admissions and tickets, read once per instance.
pub async fn signing_key(state: &AppState) -> Result<&[u8], AppError> {
    let key = state
        .admission_key
        .get_or_try_init(|| db::admission_key(&state.pool))
        .await?;
    Ok(key.as_slice())
}

async fn visitor(session: &Session) -> Result<Option<String>, AppError> {
    Ok(session.get::<String>(VISITOR_KEY).await?)
}

async fn visitor_or_new(session: &Session) -> Result<String, AppError> {
    if let Some(visitor) = visitor(session).await? {
        return Ok(visitor);
    }
    let visitor = crate::mail::tokens::new_token();
    session.insert(VISITOR_KEY, &visitor).await?;
    Ok(visitor)
}

/// Takes a place in the drop's room for this session and account.
pub async fn join(
    state: &AppState,
    drop: DropId,
    session: &Session,
    user: Option<UserId>,
    client: &str,
) -> Result<(), AppError> {
    let visitor = visitor_or_new(session).await?;
    match db::join(&state.pool, drop, &visitor, user, client, JOINS_PER_CLIENT).await? {
        Joined::In => Ok(()),
        Joined::Unknown => Err(AppError::NotFound),
        Joined::Closed => Err(AppError::Conflict(Conflict::RoomClosed)),
        Joined::NotEligible if user.is_none() => Err(AppError::Unauthorized),
        Joined::NotEligible => Err(AppError::Conflict(Conflict::DropForVerifiedAccounts)),
        Joined::TooMany => {
            tracing::info!(drop_id = drop.0, client, "room joins throttled");
            Err(AppError::too_many(600))
        }
    }
}

/// The drop and where the caller stands in its room. An admitted caller
/// gets the admission cookie (this page is theirs alone, never cached).
/// A poll: so many a minute per caller and per address (`friction`).
pub async fn room(
    state: &AppState,
    drop: DropId,
    session: &Session,
    user: Option<UserId>,
    client: &str,
) -> Result<Room, AppError> {
    let visitor = visitor(session).await?;
    friction::check(state, Act::Poll, &callers(visitor.as_deref(), user), client)
        .inspect_err(|_| note_refusal(state, drop, Refusal::Throttled))?;
    let card = db::find_drop(&state.pool, drop)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = db::standing(&state.pool, drop, visitor.as_deref(), user)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let room_state = standing.figures.state_of(standing.place, now);
    let key = signing_key(state).await?;
    if let (RoomState::Admitted { until }, Some(visitor)) = (&room_state, &visitor) {
        let token = admission::sign(key, drop, *until, visitor, user);
        set_admission_cookie(&token, (*until - now).num_seconds())?;
    }
    Ok(Room {
        card,
        state: room_state,
        ticket: standing.queue_id.map(|id| admission::ticket(key, id)),
    })
}

fn set_admission_cookie(token: &str, max_age: i64) -> Result<(), AppError> {
    use http::{header::SET_COOKIE, HeaderValue};
    let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return Ok(());
    };
    let cookie = format!(
        "{}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax",
        admission::COOKIE,
        max_age.max(0)
    );
    let value =
        HeaderValue::from_str(&cookie).map_err(|error| crate::error::internal("admission cookie", error))?;
    response.append_header(SET_COOKIE, value);
    Ok(())
}

/// The caller as the limits count them: the session's key in the rooms
/// and the account, each apart.
fn callers(visitor: Option<&str>, user: Option<UserId>) -> Vec<Caller<'_>> {
    visitor
        .map(Caller::Visitor)
        .into_iter()
        .chain(user.map(Caller::Account))
        .collect()
}

/// Where a ticket's holder stands: one query, no session; a poll from
/// `client`, limited like the room's page.
pub async fn position(state: &AppState, ticket: &str, client: &str) -> Result<RoomState, AppError> {
    let place = read_ticket(state, ticket).await?;
    friction::check(state, Act::Poll, &[Caller::Place(place)], client)?;
    let standing = standing_at(state, place).await?;
    Ok(standing.figures.state_of(standing.place, Utc::now()))
}

/// The room and the place a signed ticket names: one query by key (what a
/// live page reads when it connects, and again when its place changes).
pub async fn standing_of_ticket(state: &AppState, ticket: &str) -> Result<db::Standing, AppError> {
    standing_at(state, read_ticket(state, ticket).await?).await
}

/// The queue entry a ticket names, if the shop signed it.
async fn read_ticket(state: &AppState, ticket: &str) -> Result<i64, AppError> {
    let key = signing_key(state).await?;
    admission::read_ticket(key, ticket).ok_or(AppError::NotFound)
}

async fn standing_at(state: &AppState, queue_id: i64) -> Result<db::Standing, AppError> {
    db::standing_of_ticket(&state.pool, queue_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Refuses the products of a drop that has not opened, and those of a
/// drop with a room to a caller without a valid admission (this session,
/// this account, not run out, signed by the shop). Every `act` on a drop's
/// variants counts in the caller's and the address's limits first,
/// admitted or not (`friction`).
pub async fn gate(
    state: &AppState,
    db: impl sqlx::PgExecutor<'_>,
    act: Act,
    products: &[ProductId],
    user: Option<UserId>,
) -> Result<(), AppError> {
    let gates = db::gates(db, products).await?;
    if gates.is_empty() {
        return Ok(());
    }
    // An API call has no session: its caller is known by the account, and
    // holds no admission (the waiting room is not skipped by the API).
    let (visitor, known_as) = if crate::auth::guard::is_api_call() {
        (None, None)
    } else {
        let session = crate::auth::guard::session().await?;
        let visitor = visitor(&session).await?;
        // A guest who never joined a room is known by their session, if any.
        let known_as = visitor.clone().or_else(|| session.id().map(|id| id.to_string()));
        (visitor, known_as)
    };
    let client = crate::auth::guard::client_ip(state).await;
    if let Err(error) = friction::check(state, act, &callers(known_as.as_deref(), user), &client) {
        for gate in &gates {
            note_refusal(state, gate.drop_id, Refusal::Throttled);
        }
        return Err(error);
    }
    let now = Utc::now();
    let token = admission_cookie();
    for gate in gates {
        if now < gate.opens_at {
            note_refusal(state, gate.drop_id, Refusal::NotAdmitted);
            return Err(AppError::Conflict(Conflict::DropNotOpen {
                drop_id: gate.drop_id.0,
            }));
        }
        if !gate.has_room {
            continue;
        }
        let key = signing_key(state).await?;
        let admitted = match (&token, &visitor) {
            (Some(token), Some(visitor)) => admission::admits(key, token, gate.drop_id, visitor, user, now),
            _ => false,
        };
        if !admitted {
            note_refusal(state, gate.drop_id, Refusal::NotAdmitted);
            return Err(AppError::Conflict(Conflict::AdmissionRequired {
                drop_id: gate.drop_id.0,
            }));
        }
    }
    Ok(())
}

/// Counts a refusal for the drop's report (in memory; the tick writes it).
pub fn note_refusal(state: &AppState, drop: DropId, reason: Refusal) {
    state.drop_refusals.add((drop.0, reason.as_str()));
}

/// Counts a refusal at the per-customer limit of `product`, if a drop
/// sells it (one indexed read: such refusals are a customer's, not a
/// storm's; the throttles come first).
pub async fn note_limit_refusal(state: &AppState, product: ProductId) {
    match db::drop_of_product(&state.pool, product).await {
        Ok(Some(drop)) => note_refusal(state, drop, Refusal::CustomerLimit),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "drop of a refused product"),
    }
}

/// How drop `drop` went, for the back office.
pub async fn report(state: &AppState, drop: DropId) -> Result<DropReport, AppError> {
    let rows = report_db::report(&state.pool, drop)
        .await?
        .ok_or(AppError::NotFound)?;
    let samples = report_db::samples(&state.pool, drop).await?;
    let sales = report_db::sales(&state.pool, drop).await?;
    let now = Utc::now();
    let end = match rows.sold_out_at {
        Some(sold_out) => sold_out.min(now).max(rows.starts_at),
        None => now.max(rows.starts_at),
    };
    let end = samples.last().map_or(end, |last| end.max(last.at));
    let (step_minutes, timeline) = if now < rows.starts_at {
        (1, Vec::new())
    } else {
        report::timeline(rows.starts_at, end, &samples, &sales)
    };
    Ok(DropReport {
        id: drop.0,
        name: rows.name,
        opens_at: rows.opens_at,
        sold_out_at: rows.sold_out_at,
        figures: rows.figures,
        step_minutes,
        timeline,
    })
}

/// Writes the report's bookkeeping: this minute's room samples and the
/// refusals this instance counted (kept for the next tick if the write
/// fails).
async fn write_report_figures(state: &AppState) -> Result<(), AppError> {
    report_db::sample_rooms(&state.pool).await?;
    let counted = state.drop_refusals.take();
    if !counted.is_empty() {
        if let Err(error) = report_db::add_refusals(&state.pool, &counted).await {
            state.drop_refusals.restore(counted);
            return Err(error.into());
        }
    }
    Ok(())
}

/// The request's admission cookie, as the server's first layer read it.
fn admission_cookie() -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<AdmissionCookie>()
            .map(|cookie| cookie.0.clone())
    })
}

/// One tick of every open drop this instance can lock: places those who
/// arrived (the pre-queue shuffled at the first tick after the opening),
/// admits the next batch when the pace allows and something is left, and
/// marks a drop sold out when nothing is left nor may come back. Returns
/// how many visitors it admitted.
pub async fn run_rooms(state: &AppState) -> Result<u64, AppError> {
    // The report's bookkeeping never holds the rooms back.
    if let Err(error) = write_report_figures(state).await {
        tracing::warn!(%error, "drop report: samples or refusals not written this tick");
    }
    let mut after = DropId(0);
    let mut admitted = 0;
    loop {
        let mut tx = state.pool.begin().await?;
        let Some(room) = db::lock_due(&mut tx, after).await? else {
            break;
        };
        after = room.id;
        let last_place = db::place_arrivals(&mut tx, &room).await?;
        if room.admit_due {
            let stock = db::drop_stock(&mut *tx, room.id).await?;
            if stock.available > 0 {
                if room.has_room {
                    let through = (room.admitted_through + i64::from(room.admit_per_tick)).min(last_place);
                    admitted += db::admit_through(&mut tx, &room, through).await?;
                } else if room.sold_out {
                    db::set_sold_out(&mut tx, room.id, false).await?;
                }
            } else if stock.held == 0 && !stock.paying && !room.sold_out {
                db::set_sold_out(&mut tx, room.id, true).await?;
                tracing::info!(drop_id = room.id.0, "drop sold out");
            }
        }
        tx.commit().await?;
    }
    Ok(admitted)
}
