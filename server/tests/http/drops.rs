#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Drops and their waiting room: a fair shuffle of the pre-queue, one
//! admission per place even with two instances ticking, the room kept
//! through a restart, and the admission enforced on the real endpoints.

use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};
use sqlx::PgPool;

use crate::common::shop::{add, checkout, count, set_stock, sql, CARD_OK};
use crate::common::{spawn_app, spawn_app_without_seed, TestApp};
use app::drops::{admission, db as drops_db, service};
use app::ids::{DropId, UserId};
use app::state::{AppState, AuthSettings};

/// A drop of the demo console (`playstation-5-slim`), its room open and
/// its sale opening in an hour, straight in the database.
pub(crate) async fn console_drop(pool: &PgPool, admit_per_tick: i32) -> (DropId, i64) {
    sqlx::query("DELETE FROM drop_variants")
        .execute(pool)
        .await
        .expect("clean");
    let ps5: i64 = sqlx::query_scalar("SELECT id FROM products WHERE slug = 'playstation-5-slim'")
        .fetch_one(pool)
        .await
        .expect("the console");
    let drop: i64 = sqlx::query_scalar(
        "INSERT INTO drops (name, opens_at, room_opens_at, admit_per_tick, tick_seconds)
         VALUES ('Console', now() + interval '1 hour', now() - interval '1 minute', $1, 1) RETURNING id",
    )
    .bind(admit_per_tick)
    .fetch_one(pool)
    .await
    .expect("a drop");
    sqlx::query("INSERT INTO drop_variants (drop_id, product_id) VALUES ($1, $2)")
        .bind(drop)
        .bind(ps5)
        .execute(pool)
        .await
        .expect("its variant");
    (DropId(drop), ps5)
}

/// The drop opened a second ago (its pre-queue is shuffled at the next tick).
pub(crate) async fn open_now(pool: &PgPool, drop: DropId) {
    sqlx::query(
        "UPDATE drops SET opens_at = now() - interval '1 second', room_opens_at = now() - interval '1 hour'
         WHERE id = $1",
    )
    .bind(drop.0)
    .execute(pool)
    .await
    .expect("open");
}

fn visitor(n: usize) -> String {
    format!("{n:064x}")
}

fn state_of(pool: &PgPool) -> AppState {
    AppState::new(pool.clone(), "https://shop.example", AuthSettings::default())
}

/// Spearman's rank correlation of two rankings of the same items.
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let mean = (n + 1.0) / 2.0;
    let (mut cov, mut var_a, mut var_b) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        cov += (x - mean) * (y - mean);
        var_a += (x - mean).powi(2);
        var_b += (y - mean).powi(2);
    }
    cov / (var_a * var_b).sqrt()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_pre_queue_is_shuffled_and_late_arrivals_come_after_it(pool: PgPool) {
    server::seed::seed_demo(&pool).await.expect("seed");
    let (drop, ps5) = console_drop(&pool, 2000).await;
    set_stock_in(&pool, ps5, 10).await;
    // 1,000 visitors join the pre-queue in a known order, each from an
    // address of their own.
    for n in 0..1000 {
        let joined = drops_db::join(
            &pool,
            drop,
            &visitor(n),
            None,
            &format!("10.0.{}.{}", n / 250, n % 250),
            10,
        )
        .await
        .expect("join");
        assert_eq!(joined, drops_db::Joined::In);
    }
    // Joining again is the same place.
    drops_db::join(&pool, drop, &visitor(7), None, "10.9.9.9", 10)
        .await
        .expect("again");
    assert_eq!(queue_len(&pool, drop).await, 1000);
    open_now(&pool, drop).await;
    let state = state_of(&pool);
    service::run_rooms(&state).await.expect("the first tick");
    // 100 arrive after the opening, in a known order.
    for n in 1000..1100 {
        drops_db::join(
            &pool,
            drop,
            &visitor(n),
            None,
            &format!("10.1.{}.{}", n / 250, n % 250),
            10,
        )
        .await
        .expect("join late");
    }
    sqlx::query("UPDATE drops SET next_tick_at = now() WHERE id = $1")
        .bind(drop.0)
        .execute(&pool)
        .await
        .expect("the next tick is due");
    service::run_rooms(&state).await.expect("the second tick");

    let rows: Vec<(i64, Option<i64>, bool)> = sqlx::query_as(
        "SELECT id, place, admitted_at IS NOT NULL FROM drop_queue WHERE drop_id = $1 ORDER BY id",
    )
    .bind(drop.0)
    .fetch_all(&pool)
    .await
    .expect("the queue");
    assert_eq!(rows.len(), 1100);
    assert!(
        rows.iter()
            .all(|(_, place, admitted)| place.is_some() && *admitted),
        "everyone placed and admitted"
    );
    let places: Vec<i64> = rows.iter().filter_map(|(_, place, _)| *place).collect();
    let mut distinct = places.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct,
        (1..=1100).collect::<Vec<_>>(),
        "each place once: nobody admitted twice"
    );
    let early: Vec<f64> = places[..1000].iter().map(|&place| place as f64).collect();
    let arrival: Vec<f64> = (1..=1000).map(f64::from).collect();
    let rho = spearman(&arrival, &early);
    assert!(
        rho.abs() < 0.1,
        "arrival and admission are unrelated: rho = {rho}"
    );
    let late = &places[1000..];
    assert!(
        late.iter().all(|&place| place > 1000),
        "late arrivals after the whole pre-queue"
    );
    assert!(
        late.windows(2).all(|pair| pair[0] < pair[1]),
        "late arrivals in arrival order"
    );
}

async fn set_stock_in(pool: &PgPool, product: i64, stock: i32) {
    sqlx::query("UPDATE products SET stock = $2 WHERE id = $1")
        .bind(product)
        .bind(stock)
        .execute(pool)
        .await
        .expect("stock");
}

async fn queue_len(pool: &PgPool, drop: DropId) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM drop_queue WHERE drop_id = $1")
        .bind(drop.0)
        .fetch_one(pool)
        .await
        .expect("count")
}

#[sqlx::test(migrations = "../migrations")]
async fn two_instances_admit_from_one_queue_without_admitting_anyone_twice(pool: PgPool) {
    server::seed::seed_demo(&pool).await.expect("seed");
    let (drop, ps5) = console_drop(&pool, 7).await;
    set_stock_in(&pool, ps5, 10).await;
    for n in 0..300 {
        drops_db::join(
            &pool,
            drop,
            &visitor(n),
            None,
            &format!("10.2.{}.{}", n / 250, n % 250),
            10,
        )
        .await
        .expect("join");
    }
    open_now(&pool, drop).await;
    // Two instances, each with its own pool, tick as fast as they can for
    // three seconds: the pace (7 a second) holds, whoever ticks.
    let connect = (*pool.connect_options()).clone();
    let mut instances = Vec::new();
    for _ in 0..2 {
        let own = sqlx::postgres::PgPoolOptions::new()
            .max_connections(3)
            .connect_with(connect.clone())
            .await
            .expect("an instance's pool");
        instances.push(state_of(&own));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    let tick = |state: AppState| async move {
        let mut admitted = 0;
        while tokio::time::Instant::now() < deadline {
            admitted += service::run_rooms(&state).await.expect("tick");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        admitted
    };
    let (a, b) = tokio::join!(tick(instances[0].clone()), tick(instances[1].clone()));
    let admitted: i64 =
        sqlx::query_scalar("SELECT count(*) FROM drop_queue WHERE drop_id = $1 AND admitted_at IS NOT NULL")
            .bind(drop.0)
            .fetch_one(&pool)
            .await
            .expect("admitted");
    assert_eq!(
        i64::try_from(a + b).expect("small"),
        admitted,
        "each admission counted by one instance"
    );
    let through: i64 = sqlx::query_scalar("SELECT admitted_through FROM drops WHERE id = $1")
        .bind(drop.0)
        .fetch_one(&pool)
        .await
        .expect("watermark");
    assert_eq!(through, admitted, "the watermark is the admitted count");
    assert!(
        (7..=4 * 7).contains(&admitted),
        "at the pace of 7 a second for 3 s: {admitted}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sold_out_drop_tells_the_whole_room_at_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (drop, ps5) = console_drop(&app.pool, 1).await;
    set_stock(&app, ps5, 0).await;
    let client = app.new_client();
    assert_eq!(
        app.call_as(&client, "drops/join", &[("id", &drop.0.to_string())])
            .await
            .status(),
        200
    );
    let page = app.page_as(&client, &format!("/drops/{}", drop.0)).await;
    assert!(page.contains(r#"data-state="pre_queue""#), "{page}");
    open_now(&app.pool, drop).await;
    let page = wait_for_state(&app, &client, drop, "sold_out").await;
    assert!(page.contains("Épuisé"), "the room says it in words");
    // Nobody joins a sold-out room.
    let late = app.new_client();
    assert_eq!(
        app.call_as(&late, "drops/join", &[("id", &drop.0.to_string())])
            .await
            .status(),
        409
    );
    assert_eq!(queue_len(&app.pool, drop).await, 1);
}

/// The room's page for `client` once it shows `state` (the server ticks
/// every second).
pub(crate) async fn wait_for_state(
    app: &TestApp,
    client: &reqwest::Client,
    drop: DropId,
    state: &str,
) -> String {
    let marker = format!(r#"data-state="{state}""#);
    for _ in 0..100 {
        let page = app.page_as(client, &format!("/drops/{}", drop.0)).await;
        if page.contains(&marker) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("the room never showed {state}");
}

/// A browser whose cookies the test can read and write.
fn browser() -> (reqwest::Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    (client, jar)
}

fn cookie(app: &TestApp, jar: &Jar, name: &str) -> Option<String> {
    let url = app.address.parse().expect("url");
    let header = jar.cookies(&url)?;
    header
        .to_str()
        .ok()?
        .split("; ")
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
}

fn give_cookie(app: &TestApp, jar: &Jar, name: &str, value: &str) {
    let url = app.address.parse().expect("url");
    jar.add_cookie_str(&format!("{name}={value}; Path=/"), &url);
}

#[sqlx::test(migrations = "../migrations")]
async fn adding_and_checking_out_a_drop_variant_needs_its_own_valid_admission(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (drop, ps5) = console_drop(&app.pool, 1).await;
    set_stock(&app, ps5, 5).await;
    let (ada, ada_jar) = browser();
    let ada_id = app.register(&ada, "ada").await;
    let (bob, bob_jar) = browser();
    app.register(&bob, "bob").await;

    // Before the opening: refused, nothing in the basket.
    let early = add(&app, &ada, ps5, 1).await;
    assert_eq!(early.status(), 409);
    assert!(early.text().await.expect("body").contains("DropNotOpen"));
    assert_eq!(count(&app, "basket_lines").await, 0);

    assert_eq!(
        app.call_as(&ada, "drops/join", &[("id", &drop.0.to_string())])
            .await
            .status(),
        200
    );
    open_now(&app.pool, drop).await;
    wait_for_state(&app, &ada, drop, "admitted").await;
    let token = cookie(&app, &ada_jar, admission::COOKIE).expect("the room gave Ada her admission");

    // Bob: no admission; then Ada's token in his session; then a forged one.
    let refused = add(&app, &bob, ps5, 1).await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.expect("body").contains("AdmissionRequired"));
    give_cookie(&app, &bob_jar, admission::COOKIE, &token);
    assert_eq!(
        add(&app, &bob, ps5, 1).await.status(),
        409,
        "another session's admission"
    );
    let forged = format!(
        "{}.{}.{}",
        drop.0,
        chrono::Utc::now().timestamp() + 3600,
        "0".repeat(64)
    );
    give_cookie(&app, &bob_jar, admission::COOKIE, &forged);
    assert_eq!(add(&app, &bob, ps5, 1).await.status(), 409, "a forged admission");
    // Ada's account logged in from another browser: another session.
    let (other, other_jar) = browser();
    assert_eq!(
        app.login(&other, "ada", crate::common::PASSWORD).await.status(),
        200
    );
    give_cookie(&app, &other_jar, admission::COOKIE, &token);
    assert_eq!(
        add(&app, &other, ps5, 1).await.status(),
        409,
        "the same account in another session"
    );
    assert_eq!(
        count(&app, "basket_lines").await,
        0,
        "nothing added by any refusal"
    );

    // An admission signed by the shop for Ada's session but run out.
    let key: Vec<u8> = sqlx::query_scalar("SELECT secret FROM shop_secrets WHERE name = 'admission'")
        .fetch_one(&app.pool)
        .await
        .expect("key");
    let ada_visitor: String = sqlx::query_scalar("SELECT visitor FROM drop_queue WHERE user_id = $1")
        .bind(ada_id)
        .fetch_one(&app.pool)
        .await
        .expect("Ada's place");
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let expired = admission::sign(&key, drop, past, &ada_visitor, Some(UserId(ada_id)));
    give_cookie(&app, &ada_jar, admission::COOKIE, &expired);
    assert_eq!(
        add(&app, &ada, ps5, 1).await.status(),
        409,
        "an expired admission"
    );
    assert_eq!(count(&app, "basket_lines").await, 0);

    // Her own, valid admission: she adds and pays.
    give_cookie(&app, &ada_jar, admission::COOKIE, &token);
    assert_eq!(add(&app, &ada, ps5, 1).await.status(), 200);
    // Checking out needs it too: without it, refused, nothing taken.
    give_cookie(&app, &ada_jar, admission::COOKIE, &expired);
    let unpaid = checkout(&app, &ada, "ada-drop-1", CARD_OK).await;
    assert_eq!(unpaid.status(), 409);
    assert_eq!(count(&app, "orders").await, 0);
    give_cookie(&app, &ada_jar, admission::COOKIE, &token);
    assert_eq!(checkout(&app, &ada, "ada-drop-2", CARD_OK).await.status(), 200);
    assert_eq!(count(&app, "orders").await, 1);
    // A drop variant's page says which drop sells it.
    let page = app.page_as(&ada, "/p/playstation-5-slim").await;
    assert!(
        page.contains(r#"data-testid="drop-notice""#),
        "the product page names its drop"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_room_keeps_every_place_through_a_restart(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (drop, _) = console_drop(&app.pool, 1).await;
    let visitors: Vec<reqwest::Client> = (0..5).map(|_| app.new_client()).collect();
    for client in &visitors {
        assert_eq!(
            app.call_as(client, "drops/join", &[("id", &drop.0.to_string())])
                .await
                .status(),
            200
        );
    }
    let address = app.address.clone();
    std::mem::drop(app);
    // Another instance (a restart) serves the same room: the same places.
    let restarted = spawn_app_without_seed(pool).await;
    assert_eq!(queue_len(&restarted.pool, drop).await, 5);
    let mut cookie_jar_urls = 0;
    for client in &visitors {
        // The clients keep their cookies; the new server has another port.
        let page = client
            .get(restarted.url(&format!("/drops/{}", drop.0)))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        if page.contains(r#"data-state="pre_queue""#) {
            cookie_jar_urls += 1;
        }
    }
    // Cookies are per host, not per port: each visitor is still in the room.
    assert_eq!(
        cookie_jar_urls, 5,
        "every visitor still in the pre-queue after the restart ({address})"
    );
}

/// Joins the room of `drop` and reads the signed ticket its page carries.
pub(crate) async fn join_for_ticket(app: &TestApp, client: &reqwest::Client, drop: DropId) -> String {
    app.call_as(client, "drops/join", &[("id", &drop.0.to_string())])
        .await;
    let page = app.page_as(client, &format!("/drops/{}", drop.0)).await;
    page.split(r#"data-room-ticket=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page carries its ticket")
        .to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_poll_of_the_position_needs_a_signed_ticket(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (drop, _) = console_drop(&app.pool, 1).await;
    let client = app.new_client();
    let ticket = join_for_ticket(&app, &client, drop).await;
    let stranger = reqwest::Client::new();
    let answer = stranger
        .get(app.url(&format!("/drops/position?ticket={ticket}")))
        .send()
        .await
        .expect("poll");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["cache-control"], "no-store");
    let position: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(position["state"], "pre_queue");
    let (id, _) = ticket.split_once('.').expect("id.signature");
    for forged in [
        format!("{id}.{}", "0".repeat(32)),
        id.to_owned(),
        "x".to_owned(),
        String::new(),
    ] {
        let answer = stranger
            .get(app.url(&format!("/drops/position?ticket={forged}")))
            .send()
            .await
            .expect("poll");
        assert_eq!(answer.status(), 404, "{forged:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn who_may_join_is_the_drops_audience_and_a_client_gets_few_places(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (drop, _) = console_drop(&app.pool, 1).await;
    let id = drop.0.to_string();
    sql(
        &app,
        &format!("UPDATE drops SET audience = 'accounts' WHERE id = {id}"),
    )
    .await;
    let guest = app.new_client();
    assert_eq!(
        app.call_as(&guest, "drops/join", &[("id", &id)]).await.status(),
        401,
        "a guest logs in first"
    );

    // Verified accounts created before the announcement only.
    sql(
        &app,
        &format!("UPDATE drops SET audience = 'verified' WHERE id = {id}"),
    )
    .await;
    let newcomer = app.new_client();
    let newcomer_id = app.register(&newcomer, "newcomer").await;
    let answer = app.call_as(&newcomer, "drops/join", &[("id", &id)]).await;
    assert_eq!(answer.status(), 409);
    assert!(answer
        .text()
        .await
        .expect("body")
        .contains("DropForVerifiedAccounts"));
    sql(
        &app,
        &format!("UPDATE users SET email_verified_at = now() WHERE id = {newcomer_id}"),
    )
    .await;
    assert_eq!(
        app.call_as(&newcomer, "drops/join", &[("id", &id)])
            .await
            .status(),
        409,
        "verified, but created after the announcement"
    );
    sql(
        &app,
        &format!("UPDATE drops SET announced_at = now() WHERE id = {id}"),
    )
    .await;
    assert_eq!(
        app.call_as(&newcomer, "drops/join", &[("id", &id)])
            .await
            .status(),
        200
    );
    assert_eq!(queue_len(&app.pool, drop).await, 1);

    // Anyone: but one address gets ten places, not a thousand.
    sql(
        &app,
        &format!("UPDATE drops SET audience = 'anyone' WHERE id = {id}"),
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            app.call_as(&app.new_client(), "drops/join", &[("id", &id)])
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(
        statuses.iter().filter(|&&status| status == 200).count(),
        9,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&status| status == 429).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(queue_len(&app.pool, drop).await, 10);
    // An unknown drop, a room not open yet.
    assert_eq!(
        app.call_as(&guest, "drops/join", &[("id", "999999")])
            .await
            .status(),
        404
    );
    sql(
        &app,
        &format!("UPDATE drops SET room_opens_at = now() + interval '10 minutes' WHERE id = {id}"),
    )
    .await;
    assert_eq!(
        app.call_as(&app.new_client(), "drops/join", &[("id", &id)])
            .await
            .status(),
        409
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_home_page_and_the_back_office_list_the_drops(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (drop, _) = console_drop(&app.pool, 1).await;
    let (_, home) = app.get_html("/").await;
    assert!(
        home.contains(r#"data-testid="drop-card""#),
        "the home page shows the drop"
    );
    assert!(home.contains(&format!(r#"href="/drops/{}""#, drop.0)));
    let (status, room) = app.get_html(&format!("/drops/{}", drop.0)).await;
    assert_eq!(status, 200);
    assert!(
        room.contains(r#"<noscript><meta http-equiv="refresh""#),
        "the room refreshes itself without JavaScript"
    );
    assert_eq!(app.get_html("/drops/999999").await.0, 404);
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let page = app.page_as(&admin, "/admin/drops").await;
    assert!(page.contains(r#"data-testid="admin-drops""#) && page.contains("Console"));
    // A drop whose SKU is unknown, or already in a drop, is refused.
    for (skus, rule) in [
        ("NO-SUCH-SKU", "UnknownChoice"),
        ("PLAYSTATION-5-SLIM", "AlreadyUsed"),
    ] {
        let answer = app
            .call_as(
                &admin,
                "drops/admin/create",
                &[
                    ("name", "Encore"),
                    ("opens_at", "2030-01-01T20:00"),
                    ("skus", skus),
                ],
            )
            .await;
        assert_eq!(answer.status(), 400, "{skus}");
        assert!(answer.text().await.expect("body").contains(rule), "{skus}");
    }
    assert_eq!(count(&app, "drops").await, 1, "nothing created by a refusal");
}
