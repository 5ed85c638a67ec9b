//! Live pages: stock and waiting rooms pushed to open pages as they change.
//!
//! PostgreSQL announces every change at commit (migration `live_stock`):
//! `wm_stock` names a product whose buyable units may have moved,
//! `wm_room` carries a drop room's new figures, `wm_catalogue` tells the
//! page cache to forget. Each instance holds ONE listening connection
//! ([`follow`]); it reads what can be bought once per batch of products and
//! broadcasts the news in memory. Every open page holds a Server-Sent
//! Events stream (`GET /live`, [`stream`]) that filters the broadcast for
//! what it shows and words it in the visitor's language: no database
//! connection per page, no query per event (a room's visitor is read again,
//! by key, only when their place is drawn or their turn comes).
//!
//! Without JavaScript nothing depends on this: every page is right when it
//! loads, and the room refreshes itself.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::drops::model::{QueuePlace, RoomFigures};
use app::i18n::Locale;
use app::ids::{DropId, ProductId};
use app::state::AppState;
use app::ui::stock::StockLevel;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgNotification};
use tokio::sync::{broadcast, OwnedSemaphorePermit, Semaphore};

use crate::page_cache::PageCache;
use crate::rooms::Position;
use crate::state::ServerState;

/// The channels the one listener of an instance follows.
const STOCK: &str = "wm_stock";
const ROOM: &str = "wm_room";
/// Products a page may follow on one stream.
pub const MAX_PRODUCTS: usize = 50;
/// News waiting for the slowest stream; a stream further behind skips
/// ahead (the next news of a product is right again).
const BACKLOG: usize = 4_096;
/// How long the listener gathers product ids before reading their stock.
const GATHER: Duration = Duration::from_millis(50);
/// How often the listener looks for basket holds that ran out.
const HOLDS_SWEEP: Duration = Duration::from_secs(2);
/// A comment line this often keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(20);

/// What changed, as every stream of this instance hears it.
#[derive(Clone, Debug)]
pub enum News {
    Stock { product: ProductId, buyable: i32 },
    Room(RoomNews),
}

/// A room's figures, as `wm_room` carries them.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct RoomNews {
    pub drop: DropId,
    opens_at: i64,
    admitted_through: i64,
    last_place: i64,
    admit_per_tick: i32,
    tick_seconds: i32,
    admission_minutes: i32,
    opened: bool,
    sold_out: bool,
}

impl RoomNews {
    fn figures(&self) -> RoomFigures {
        RoomFigures {
            opens_at: DateTime::from_timestamp_millis(self.opens_at).unwrap_or_default(),
            admitted_through: self.admitted_through,
            admit_per_tick: self.admit_per_tick,
            tick_seconds: self.tick_seconds,
            admission_minutes: self.admission_minutes,
            sold_out: self.sold_out,
        }
    }
}

/// The instance's broadcast, and the bound on its open streams.
pub struct Live {
    news: broadcast::Sender<News>,
    streams: Arc<Semaphore>,
}

impl Live {
    pub fn new(max_streams: usize) -> Self {
        Self {
            news: broadcast::channel(BACKLOG).0,
            streams: Arc::new(Semaphore::new(max_streams)),
        }
    }

    fn publish(&self, news: News) {
        // No stream open: nobody to tell.
        let _ = self.news.send(news);
    }

    /// Streams open on this instance now.
    pub fn open_streams(&self) -> usize {
        self.news.receiver_count()
    }
}

/// The one listener of an instance: forwards catalogue changes to the page
/// cache, reads the stock of announced products in batches, passes room
/// figures on, and looks for holds that ran out. Remade after a lost
/// connection (the page cache is cleared: announcements may be missed).
pub async fn follow(state: AppState, live: Arc<Live>, cache: Option<Arc<PageCache>>) {
    let clear = || {
        if let Some(cache) = &cache {
            cache.clear();
        }
    };
    loop {
        match listen(&state).await {
            Ok(mut listener) => {
                clear();
                let mut pending: HashSet<ProductId> = HashSet::new();
                let mut flush_at: Option<tokio::time::Instant> = None;
                let mut sweep = tokio::time::interval(HOLDS_SWEEP);
                let mut swept = Instant::now();
                loop {
                    let gathered = async {
                        match flush_at {
                            Some(at) => tokio::time::sleep_until(at).await,
                            None => std::future::pending().await,
                        }
                    };
                    tokio::select! {
                        received = listener.try_recv() => match received {
                            Ok(Some(notification)) => {
                                if let Some(product) = heard(&notification, &live, &clear) {
                                    pending.insert(product);
                                    flush_at.get_or_insert_with(|| tokio::time::Instant::now() + GATHER);
                                }
                            }
                            // The connection was lost and is being remade.
                            Ok(None) => clear(),
                            Err(error) => {
                                tracing::warn!(%error, "live: lost the change announcements");
                                break;
                            }
                        },
                        () = gathered => {
                            flush_at = None;
                            let products: Vec<ProductId> = pending.drain().collect();
                            publish_stock(&state, &live, &products).await;
                        }
                        _ = sweep.tick() => {
                            // Overlapping windows: a hold seen twice is news twice, none is missed.
                            let window = swept.elapsed() + Duration::from_millis(500);
                            swept = Instant::now();
                            match app::inventory::db::holds_ended(&state.pool, window.as_secs_f64()).await {
                                Ok(products) if !products.is_empty() => {
                                    publish_stock(&state, &live, &products).await;
                                }
                                Ok(_) => {}
                                Err(error) => tracing::warn!(%error, "live: cannot read ended holds"),
                            }
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "live: cannot listen for changes"),
        }
        clear();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn listen(state: &AppState) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(&state.pool).await?;
    listener
        .listen_all([crate::page_cache::CHANNEL, STOCK, ROOM])
        .await?;
    Ok(listener)
}

/// Acts on one announcement; a product whose stock must be read is returned.
fn heard(notification: &PgNotification, live: &Live, clear: &impl Fn()) -> Option<ProductId> {
    match notification.channel() {
        STOCK => notification.payload().parse().ok().map(ProductId),
        ROOM => {
            match serde_json::from_str::<RoomNews>(notification.payload()) {
                Ok(room) => live.publish(News::Room(room)),
                Err(error) => tracing::warn!(%error, "live: unreadable room announcement"),
            }
            None
        }
        _ => {
            clear();
            None
        }
    }
}

async fn publish_stock(state: &AppState, live: &Live, products: &[ProductId]) {
    if products.is_empty() || live.open_streams() == 0 {
        return;
    }
    match app::inventory::db::buyable(&state.pool, products).await {
        Ok(stock) => {
            for (product, buyable) in stock {
                live.publish(News::Stock { product, buyable });
            }
        }
        Err(error) => tracing::warn!(%error, "live: cannot read stock"),
    }
}

/// `/live`, with the instance's broadcast (the router's state does not
/// carry it: the state is read by modules this one reads).
pub fn routes(live: Arc<Live>) -> Router<ServerState> {
    Router::new().route("/live", get(stream)).layer(Extension(live))
}

/// What a page follows: products (`p=3,17`) and its room (`ticket=`).
#[derive(Deserialize)]
struct Watch {
    #[serde(default)]
    p: String,
    ticket: Option<String>,
}

#[derive(Serialize)]
struct StockEvent<'a> {
    id: i64,
    level: &'static str,
    text: &'a str,
}

/// A room's visitor, as their stream knows them.
struct RoomVisitor {
    drop: DropId,
    ticket: String,
    place: Option<QueuePlace>,
    last: Option<Position>,
}

/// One page's stream.
struct Follower {
    news: broadcast::Receiver<News>,
    products: HashSet<ProductId>,
    room: Option<RoomVisitor>,
    locale: Locale,
    app: AppState,
    /// Said once per stream: the last stock words sent for each product.
    said: HashMap<ProductId, StockLevel>,
    /// The stream's place under the instance's bound.
    _permit: OwnedSemaphorePermit,
    /// The room's position, to send before anything else.
    first: Option<Event>,
}

async fn stream(
    State(state): State<ServerState>,
    Extension(live): Extension<Arc<Live>>,
    locale: Option<Extension<Locale>>,
    Query(watch): Query<Watch>,
) -> Response {
    let locale = locale.map(|Extension(locale)| locale).unwrap_or_default();
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    let Some(products) = products_of(&watch.p) else {
        return (
            StatusCode::BAD_REQUEST,
            no_store,
            format!("p: up to {MAX_PRODUCTS} product numbers, separated by commas"),
        )
            .into_response();
    };
    let Ok(permit) = live.streams.clone().try_acquire_owned() else {
        metrics::counter!("wm_live_streams_refused_total").increment(1);
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "10"), (header::CACHE_CONTROL, "no-store")],
            "too many live pages on this server; the page stays right when reloaded",
        )
            .into_response();
    };
    // Subscribed before the room is read: nothing said after the read is missed.
    let news = live.news.subscribe();
    let mut room = None;
    let mut first = None;
    if let Some(ticket) = watch.ticket.filter(|ticket| !ticket.is_empty()) {
        match app::drops::service::standing_of_ticket(&state.app, &ticket).await {
            Ok(standing) => {
                let position = Position::of(locale, &standing.figures.state_of(standing.place, Utc::now()));
                first = room_event(&position);
                room = Some(RoomVisitor {
                    drop: standing.drop_id,
                    ticket,
                    place: standing.place,
                    last: Some(position),
                });
            }
            Err(app::error::AppError::NotFound) => {
                return (StatusCode::NOT_FOUND, no_store, "no such place in a waiting room").into_response();
            }
            Err(error) => {
                tracing::error!(%error, "live: cannot read a room's place");
                return (StatusCode::INTERNAL_SERVER_ERROR, no_store).into_response();
            }
        }
    }
    let follower = Follower {
        news,
        products,
        room,
        locale,
        app: state.app.clone(),
        said: HashMap::new(),
        _permit: permit,
        first,
    };
    let events = futures::stream::unfold(follower, |mut follower| async move {
        let event = follower.next_event().await?;
        Some((Ok::<_, Infallible>(event), follower))
    });
    (
        no_store,
        Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)),
    )
        .into_response()
}

/// `3,17,17` → {3, 17}; `None` for anything else or too many.
fn products_of(list: &str) -> Option<HashSet<ProductId>> {
    let mut products = HashSet::new();
    for part in list.split(',').filter(|part| !part.is_empty()) {
        let id: i64 = part.parse().ok().filter(|id| *id > 0)?;
        products.insert(ProductId(id));
        if products.len() > MAX_PRODUCTS {
            return None;
        }
    }
    Some(products)
}

fn room_event(position: &Position) -> Option<Event> {
    Event::default().event("room").json_data(position).ok()
}

impl Follower {
    /// The next event this page needs; `None` ends the stream.
    async fn next_event(&mut self) -> Option<Event> {
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        loop {
            let news = match self.news.recv().await {
                Ok(news) => news,
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    metrics::counter!("wm_live_skipped_total").increment(skipped);
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            let event = match news {
                News::Stock { product, buyable } => self.stock(product, buyable),
                News::Room(room) => self.room(&room).await,
            };
            if event.is_some() {
                return event;
            }
        }
    }

    fn stock(&mut self, product: ProductId, buyable: i32) -> Option<Event> {
        if !self.products.contains(&product) {
            return None;
        }
        let level = StockLevel::of(buyable);
        if self.said.insert(product, level) == Some(level) {
            return None;
        }
        let text = level.words(self.locale.messages());
        Event::default()
            .event("stock")
            .json_data(StockEvent {
                id: product.0,
                level: level.name(),
                text: &text,
            })
            .ok()
    }

    async fn room(&mut self, news: &RoomNews) -> Option<Event> {
        let visitor = self.room.as_mut().filter(|visitor| visitor.drop == news.drop)?;
        let figures = news.figures();
        // A place just drawn, or a turn just come: read the visitor's row again.
        let stale = match visitor.place {
            Some(QueuePlace { place: None, .. }) => news.opened || news.last_place > 0,
            Some(QueuePlace {
                place: Some(place),
                admitted_at: None,
            }) => place <= news.admitted_through,
            _ => false,
        };
        let mut figures = figures;
        if stale {
            match app::drops::service::standing_of_ticket(&self.app, &visitor.ticket).await {
                Ok(standing) => {
                    visitor.place = standing.place;
                    figures = standing.figures;
                }
                Err(error) => tracing::warn!(%error, "live: cannot read a room's place again"),
            }
        }
        let position = Position::of(self.locale, &figures.state_of(visitor.place, Utc::now()));
        if visitor.last.as_ref() == Some(&position) {
            return None;
        }
        let event = room_event(&position);
        visitor.last = Some(position);
        event
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_follows_a_bounded_list_of_products() {
        let some = products_of("3,17,17").expect("a list");
        assert_eq!(some.len(), 2);
        assert!(some.contains(&ProductId(17)));
        assert_eq!(products_of("").map(|set| set.len()), Some(0));
        assert!(products_of("3,x").is_none());
        assert!(products_of("-4").is_none());
        assert!(products_of("0").is_none());
        let many: Vec<String> = (1..=51).map(|id| id.to_string()).collect();
        assert!(products_of(&many.join(",")).is_none());
        let enough: Vec<String> = (1..=50).map(|id| id.to_string()).collect();
        assert_eq!(products_of(&enough.join(",")).map(|set| set.len()), Some(50));
    }

    #[test]
    fn a_room_announcement_reads_as_its_figures() {
        let news: RoomNews = serde_json::from_str(
            r#"{"drop":4,"opens_at":1764957600000,"admitted_through":20,"last_place":300,
                "admit_per_tick":10,"tick_seconds":5,"admission_minutes":15,"opened":true,"sold_out":false}"#,
        )
        .expect("the trigger's payload");
        let figures = news.figures();
        assert_eq!(news.drop, DropId(4));
        assert_eq!(figures.admitted_through, 20);
        assert_eq!(figures.opens_at.timestamp(), 1_764_957_600);
        assert!(!figures.sold_out);
    }
}
