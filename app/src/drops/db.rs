//! SQL of drops and their rooms (migration 0029).
//!
//! The room's state lives in the drop's row and is written only under that
//! row's lock (`lock_due`): whichever instance holds it places the newly
//! arrived and admits the next batch; the others skip it.

use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{AdminDrop, Audience, DropCard, DropItem, QueuePlace, RoomFigures};
use crate::ids::{DropId, ProductId, UserId};

/// A drop being created; times in the shop's zone (Europe/Paris).
pub struct NewDrop<'a> {
    pub name: &'a str,
    pub opens_local: NaiveDateTime,
    /// Minutes before the opening the room takes its pre-queue; `None`:
    /// no room.
    pub room_minutes: Option<i32>,
    pub admit_per_tick: i32,
    pub tick_seconds: i32,
    pub admission_minutes: i32,
    pub audience: Audience,
}

pub async fn insert_drop(
    tx: &mut Transaction<'_, Postgres>,
    drop: &NewDrop<'_>,
) -> Result<DropId, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO drops (name, opens_at, room_opens_at, admit_per_tick, tick_seconds, admission_minutes, audience)
           SELECT $1, o.at, o.at - make_interval(mins => $3), $4, $5, $6, $7
           FROM (SELECT $2::text::timestamp AT TIME ZONE 'Europe/Paris' AS at) o
           RETURNING id AS "id: DropId""#,
        drop.name,
        drop.opens_local.format("%Y-%m-%d %H:%M:%S").to_string(),
        drop.room_minutes,
        drop.admit_per_tick,
        drop.tick_seconds,
        drop.admission_minutes,
        drop.audience as Audience,
    )
    .fetch_one(&mut **tx)
    .await
}

/// The ids of the products of `skus` (variants), in the order given; an
/// unknown or archived SKU is missing from the answer.
pub async fn products_of_skus(
    db: impl PgExecutor<'_>,
    skus: &[String],
) -> Result<Vec<(String, ProductId)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT sku AS "sku!", id AS "id: ProductId" FROM products
           WHERE sku = ANY($1) AND archived_at IS NULL"#,
        skus,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|row| (row.sku, row.id)).collect())
}

/// Adds the variants to the drop; `false` when one is in a drop already.
pub async fn insert_variants(
    tx: &mut Transaction<'_, Postgres>,
    drop: DropId,
    products: &[ProductId],
) -> Result<bool, sqlx::Error> {
    let ids: Vec<i64> = products.iter().map(|id| id.0).collect();
    let inserted = sqlx::query!(
        "INSERT INTO drop_variants (drop_id, product_id) SELECT $1, unnest($2::BIGINT[])
         ON CONFLICT (product_id) DO NOTHING",
        drop as DropId,
        &ids,
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(usize::try_from(inserted).is_ok_and(|inserted| inserted == ids.len()))
}

/// Sets the variants' per-customer limit and basket hold (the stock's own
/// columns, which the basket and checkout already enforce).
pub async fn set_variant_rules(
    tx: &mut Transaction<'_, Postgres>,
    drop: DropId,
    max_per_customer: Option<i32>,
    hold_minutes: Option<i32>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE products SET max_per_customer = $2, hold_minutes = $3
         WHERE id IN (SELECT product_id FROM drop_variants WHERE drop_id = $1)",
        drop as DropId,
        max_per_customer,
        hold_minutes,
    )
    .execute(&mut **tx)
    .await
    .map(drop_result)
}

fn drop_result<T>(_: T) {}

struct CardRow {
    id: i64,
    name: String,
    opens_at: DateTime<Utc>,
    opens_local: String,
    room_opens_at: Option<DateTime<Utc>>,
    room_opens_local: Option<String>,
    sold_out: bool,
    items: serde_json::Value,
}

impl CardRow {
    fn card(self) -> DropCard {
        DropCard {
            id: self.id,
            name: self.name,
            opens_at: self.opens_at,
            opens_local: self.opens_local,
            room_opens_at: self.room_opens_at,
            room_opens_local: self.room_opens_local,
            sold_out: self.sold_out,
            items: serde_json::from_value::<Vec<DropItem>>(self.items).unwrap_or_default(),
        }
    }
}

/// The drops the home page shows: those to come and those on sale, not
/// those sold out more than a day ago.
pub async fn current_drops(db: impl PgExecutor<'_>) -> Result<Vec<DropCard>, sqlx::Error> {
    let rows = sqlx::query_as!(
        CardRow,
        r#"SELECT id AS "id!", name AS "name!", opens_at AS "opens_at!: DateTime<Utc>", opens_local AS "opens_local!",
                  room_opens_at AS "room_opens_at: DateTime<Utc>", room_opens_local, sold_out AS "sold_out!", items AS "items!: serde_json::Value"
           FROM drop_cards
           WHERE sold_out_at IS NULL OR sold_out_at > now() - interval '1 day'
           ORDER BY opens_at, id
           LIMIT 12"#,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(CardRow::card).collect())
}

/// One drop's card.
pub async fn find_drop(db: impl PgExecutor<'_>, drop: DropId) -> Result<Option<DropCard>, sqlx::Error> {
    let row = sqlx::query_as!(
        CardRow,
        r#"SELECT id AS "id!", name AS "name!", opens_at AS "opens_at!: DateTime<Utc>", opens_local AS "opens_local!",
                  room_opens_at AS "room_opens_at: DateTime<Utc>", room_opens_local, sold_out AS "sold_out!", items AS "items!: serde_json::Value"
           FROM drop_cards WHERE id = $1"#,
        drop as DropId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(CardRow::card))
}

/// The drop a product is sold in, if any, with its card.
pub async fn drop_of_product(
    db: impl PgExecutor<'_>,
    product: ProductId,
) -> Result<Option<DropId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT drop_id AS "drop_id: DropId" FROM drop_variants WHERE product_id = $1"#,
        product as ProductId,
    )
    .fetch_optional(db)
    .await
}

/// Whether product `product` is sold by a drop that has not opened yet
/// (its "Prévenez-moi" mails at the opening: migration 0032).
pub async fn sold_by_upcoming_drop(db: impl PgExecutor<'_>, product: ProductId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM drop_variants dv JOIN drops d ON d.id = dv.drop_id
                          WHERE dv.product_id = $1 AND d.opened_at IS NULL) AS "upcoming!""#,
        product as ProductId,
    )
    .fetch_one(db)
    .await
}

/// What the basket and the checkout must know of the drops of some products.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub drop_id: DropId,
    pub opens_at: DateTime<Utc>,
    pub has_room: bool,
}

pub async fn gates(db: impl PgExecutor<'_>, products: &[ProductId]) -> Result<Vec<Gate>, sqlx::Error> {
    let ids: Vec<i64> = products.iter().map(|id| id.0).collect();
    sqlx::query_as!(
        Gate,
        r#"SELECT DISTINCT d.id AS "drop_id: DropId", d.opens_at AS "opens_at: DateTime<Utc>", d.room_opens_at IS NOT NULL AS "has_room!"
           FROM drop_variants dv JOIN drops d ON d.id = dv.drop_id
           WHERE dv.product_id = ANY($1)"#,
        &ids,
    )
    .fetch_all(db)
    .await
}

/// What joining the room came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// A new place (or the one this session or account had).
    In,
    /// The room is not open (no room, too early, or sold out).
    Closed,
    /// The drop is for verified accounts created before its announcement.
    NotEligible,
    /// This client address has joined too many times.
    TooMany,
    /// Unknown drop.
    Unknown,
}

/// Takes a place for the session `visitor` (and account `user`): one per
/// session and one per account, and at most `per_client` per client
/// address. Joining again is no error and changes nothing.
pub async fn join(
    db: impl PgExecutor<'_>,
    drop: DropId,
    visitor: &str,
    user: Option<UserId>,
    client: &str,
    per_client: i64,
) -> Result<Joined, sqlx::Error> {
    let row = sqlx::query!(
        r#"WITH d AS (
               SELECT id, room_opens_at IS NOT NULL AND room_opens_at <= now() AND sold_out_at IS NULL AS "open",
                      CASE audience
                          WHEN 'anyone' THEN true
                          WHEN 'accounts' THEN $3::BIGINT IS NOT NULL
                          ELSE EXISTS (SELECT 1 FROM users u
                                       WHERE u.id = $3 AND u.email_verified_at IS NOT NULL
                                         AND u.created_at < drops.announced_at AND u.deleted_at IS NULL)
                      END AS eligible,
                      (SELECT count(*) FROM drop_queue q WHERE q.drop_id = drops.id AND q.client = $4) < $5 AS within
               FROM drops WHERE id = $1),
           mine AS (
               SELECT 1 FROM drop_queue q WHERE q.drop_id = $1 AND (q.visitor = $2 OR q.user_id = $3)),
           ins AS (
               INSERT INTO drop_queue (drop_id, visitor, user_id, client)
               SELECT $1, $2, $3, $4 FROM d
               WHERE d.open AND d.eligible AND d.within AND NOT EXISTS (SELECT 1 FROM mine)
               ON CONFLICT DO NOTHING
               RETURNING 1)
           SELECT d.open AS "open!", d.eligible AS "eligible!", d.within AS "within!",
                  EXISTS (SELECT 1 FROM mine) OR EXISTS (SELECT 1 FROM ins) AS "in_room!"
           FROM d"#,
        drop as DropId,
        visitor,
        user as Option<UserId>,
        client,
        per_client,
    )
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => Joined::Unknown,
        Some(row) if row.in_room => Joined::In,
        Some(row) if !row.open => Joined::Closed,
        Some(row) if !row.eligible => Joined::NotEligible,
        Some(row) if !row.within => Joined::TooMany,
        // Lost a race with a join of the same session or account.
        Some(_) => Joined::In,
    })
}

/// The room's figures and the caller's place: the drop's row and the
/// queue's, by their keys.
#[derive(Debug, Clone)]
pub struct Standing {
    pub drop_id: DropId,
    pub figures: RoomFigures,
    pub queue_id: Option<i64>,
    pub place: Option<QueuePlace>,
}

/// The columns both readings of a standing select.
struct StandingRow {
    drop_id: DropId,
    opens_at: DateTime<Utc>,
    admitted_through: i64,
    admit_per_tick: i32,
    tick_seconds: i32,
    admission_minutes: i32,
    sold_out: bool,
    queue_id: Option<i64>,
    place: Option<i64>,
    admitted_at: Option<DateTime<Utc>>,
}

impl StandingRow {
    fn standing(self) -> Standing {
        Standing {
            drop_id: self.drop_id,
            figures: RoomFigures {
                opens_at: self.opens_at,
                admitted_through: self.admitted_through,
                admit_per_tick: self.admit_per_tick,
                tick_seconds: self.tick_seconds,
                admission_minutes: self.admission_minutes,
                sold_out: self.sold_out,
            },
            queue_id: self.queue_id,
            place: self.queue_id.map(|_| QueuePlace {
                place: self.place,
                admitted_at: self.admitted_at,
            }),
        }
    }
}

pub async fn standing(
    db: impl PgExecutor<'_>,
    drop: DropId,
    visitor: Option<&str>,
    user: Option<UserId>,
) -> Result<Option<Standing>, sqlx::Error> {
    let row = sqlx::query_as!(
        StandingRow,
        r#"SELECT d.id AS "drop_id: DropId", d.opens_at AS "opens_at: DateTime<Utc>", d.admitted_through, d.admit_per_tick, d.tick_seconds,
                  d.admission_minutes, d.sold_out_at IS NOT NULL AS "sold_out!",
                  q.id AS "queue_id?", q.place, q.admitted_at AS "admitted_at: DateTime<Utc>"
           FROM drops d
           LEFT JOIN drop_queue q ON q.drop_id = d.id AND (q.visitor = $2 OR q.user_id = $3)
           WHERE d.id = $1
           ORDER BY q.id LIMIT 1"#,
        drop as DropId,
        visitor,
        user as Option<UserId>,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(StandingRow::standing))
}

/// The standing of a ticket's queue row: one query, by key.
pub async fn standing_of_ticket(
    db: impl PgExecutor<'_>,
    queue_id: i64,
) -> Result<Option<Standing>, sqlx::Error> {
    let row = sqlx::query_as!(
        StandingRow,
        r#"SELECT d.id AS "drop_id: DropId", d.opens_at AS "opens_at: DateTime<Utc>", d.admitted_through, d.admit_per_tick, d.tick_seconds,
                  d.admission_minutes, d.sold_out_at IS NOT NULL AS "sold_out!",
                  q.id AS "queue_id?", q.place, q.admitted_at AS "admitted_at: DateTime<Utc>"
           FROM drop_queue q JOIN drops d ON d.id = q.drop_id
           WHERE q.id = $1"#,
        queue_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(StandingRow::standing))
}

/// A room whose turn it is, locked for this transaction.
#[derive(Debug, Clone, Copy)]
pub struct DueRoom {
    pub id: DropId,
    pub opens_at: DateTime<Utc>,
    pub opened: bool,
    pub has_room: bool,
    pub last_place: i64,
    pub admitted_through: i64,
    pub admit_per_tick: i32,
    /// The pace's interval has passed: the next batch may be admitted.
    pub admit_due: bool,
    pub sold_out: bool,
}

/// Locks the next open drop (after `after`) that no other instance is
/// working on; drops opened more than a week ago are left alone.
pub async fn lock_due(
    tx: &mut Transaction<'_, Postgres>,
    after: DropId,
) -> Result<Option<DueRoom>, sqlx::Error> {
    sqlx::query_as!(
        DueRoom,
        r#"SELECT id AS "id: DropId", opens_at AS "opens_at: DateTime<Utc>", opened_at IS NOT NULL AS "opened!",
                  room_opens_at IS NOT NULL AS "has_room!", last_place, admitted_through, admit_per_tick,
                  coalesce(next_tick_at, opens_at) <= now() AS "admit_due!",
                  sold_out_at IS NOT NULL AS "sold_out!"
           FROM drops
           WHERE id > $1 AND opens_at <= now() AND opens_at > now() - interval '7 days'
           ORDER BY id LIMIT 1
           FOR UPDATE SKIP LOCKED"#,
        after as DropId,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Gives places to those who joined since the last tick. At the first tick
/// after the opening (the drop not yet marked opened) that is the whole
/// pre-queue, shuffled; afterwards, later arrivals in arrival order. The
/// new last place.
pub async fn place_arrivals(tx: &mut Transaction<'_, Postgres>, room: &DueRoom) -> Result<i64, sqlx::Error> {
    let placed = sqlx::query_scalar!(
        r#"WITH d AS (SELECT opened_at FROM drops WHERE id = $1),
           batch AS (
               SELECT q.id, row_number() OVER (
                          ORDER BY CASE WHEN d.opened_at IS NULL THEN random() END, q.id) AS n
               FROM drop_queue q, d WHERE q.drop_id = $1 AND q.place IS NULL),
           placed AS (
               UPDATE drop_queue q SET place = $2 + b.n FROM batch b WHERE q.id = b.id RETURNING 1)
           SELECT count(*) AS "placed!" FROM placed"#,
        room.id as DropId,
        room.last_place,
    )
    .fetch_one(&mut **tx)
    .await?;
    let last_place = room.last_place + placed;
    sqlx::query!(
        "UPDATE drops SET last_place = $2, opened_at = coalesce(opened_at, now()) WHERE id = $1",
        room.id as DropId,
        last_place,
    )
    .execute(&mut **tx)
    .await?;
    Ok(last_place)
}

/// What can still be bought in a drop: units on sale now, units held in
/// baskets, and whether a payment for one of its variants is in flight.
#[derive(Debug, Clone, Copy)]
pub struct DropStock {
    pub available: i64,
    pub held: i64,
    pub paying: bool,
}

pub async fn drop_stock(db: impl PgExecutor<'_>, drop: DropId) -> Result<DropStock, sqlx::Error> {
    sqlx::query_as!(
        DropStock,
        r#"SELECT coalesce(sum(l.stock), 0)::BIGINT AS "available!", coalesce(sum(l.held), 0)::BIGINT AS "held!",
                  EXISTS (SELECT 1 FROM order_lines ol JOIN orders o ON o.id = ol.order_id
                          JOIN drop_variants v ON v.product_id = ol.product_id
                          WHERE v.drop_id = $1 AND o.status = 'awaiting_payment') AS "paying!"
           FROM drop_variants dv JOIN listed_products l ON l.id = dv.product_id
           WHERE dv.drop_id = $1"#,
        drop as DropId,
    )
    .fetch_one(db)
    .await
}

/// Admits the places after the watermark up to `through`, and sets when
/// the next batch may come.
pub async fn admit_through(
    tx: &mut Transaction<'_, Postgres>,
    room: &DueRoom,
    through: i64,
) -> Result<u64, sqlx::Error> {
    let admitted = sqlx::query!(
        "UPDATE drop_queue SET admitted_at = now()
         WHERE drop_id = $1 AND place > $2 AND place <= $3 AND admitted_at IS NULL",
        room.id as DropId,
        room.admitted_through,
        through,
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    sqlx::query!(
        "UPDATE drops SET admitted_through = $2, sold_out_at = NULL,
                          next_tick_at = now() + make_interval(secs => tick_seconds)
         WHERE id = $1",
        room.id as DropId,
        through,
    )
    .execute(&mut **tx)
    .await?;
    Ok(admitted)
}

/// Marks the drop sold out (or back on sale when `sold_out` is false).
pub async fn set_sold_out(
    tx: &mut Transaction<'_, Postgres>,
    drop: DropId,
    sold_out: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE drops SET sold_out_at = CASE WHEN $2 THEN coalesce(sold_out_at, now()) END,
                          next_tick_at = now() + make_interval(secs => tick_seconds)
         WHERE id = $1",
        drop as DropId,
        sold_out,
    )
    .execute(&mut **tx)
    .await
    .map(drop_result)
}

/// Every drop, newest opening first, for the back office.
pub async fn admin_drops(db: impl PgExecutor<'_>) -> Result<Vec<AdminDrop>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.id AS "id!", c.name AS "name!", c.opens_at AS "opens_at!: DateTime<Utc>", c.opens_local AS "opens_local!",
                  c.room_opens_at AS "room_opens_at: DateTime<Utc>", c.room_opens_local, c.sold_out AS "sold_out!", c.items AS "items!: serde_json::Value",
                  d.audience AS "audience: Audience", d.admit_per_tick, d.tick_seconds, d.admission_minutes,
                  (SELECT count(*) FROM drop_queue q WHERE q.drop_id = d.id) AS "in_room!",
                  (SELECT count(*) FROM drop_queue q WHERE q.drop_id = d.id AND q.admitted_at IS NOT NULL) AS "admitted!"
           FROM drop_cards c JOIN drops d ON d.id = c.id ORDER BY d.opens_at DESC, d.id DESC LIMIT 100"#,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AdminDrop {
            card: CardRow {
                id: row.id,
                name: row.name,
                opens_at: row.opens_at,
                opens_local: row.opens_local,
                room_opens_at: row.room_opens_at,
                room_opens_local: row.room_opens_local,
                sold_out: row.sold_out,
                items: row.items,
            }
            .card(),
            audience: row.audience,
            admit_per_tick: row.admit_per_tick,
            tick_seconds: row.tick_seconds,
            admission_minutes: row.admission_minutes,
            in_room: row.in_room,
            admitted: row.admitted,
        })
        .collect())
}

/// The key that signs admissions, the same on every instance.
pub async fn admission_key(db: impl PgExecutor<'_>) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query_scalar!("SELECT secret FROM shop_secrets WHERE name = 'admission'")
        .fetch_one(db)
        .await
}
