#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The catalogue's CSV in the back office: the export, an import's dry run
//! (nothing written, every row's effect or every bad row's error), and its
//! confirmation (all rows in one transaction, stock in the ledger as
//! "import", once).

use sqlx::PgPool;

use crate::common::shop::{count, json, product_id, stock_of};
use crate::common::{spawn_app, TestApp};

async fn export(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    client
        .get(app.url("/admin/catalogue.csv"))
        .send()
        .await
        .expect("GET")
}

/// Uploads `text` for a dry run; returns the import's id (from the redirect).
async fn dry_run(app: &TestApp, admin: &reqwest::Client, text: &str) -> i64 {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("catalogue.csv"),
    );
    let response = admin
        .post(app.url("/admin/catalogue/import"))
        .header("Origin", &app.address)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 303, "the report's page");
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    location
        .strip_prefix("/admin/catalogue/imports/")
        .and_then(|id| id.parse().ok())
        .expect("an import's page")
}

async fn report(app: &TestApp, admin: &reqwest::Client, id: i64) -> serde_json::Value {
    let response = app
        .call_as(admin, "products/admin/import", &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    json(response).await
}

async fn apply(app: &TestApp, admin: &reqwest::Client, id: i64) -> u16 {
    app.call_as(admin, "products/admin/import/apply", &[("id", &id.to_string())])
        .await
        .status()
        .as_u16()
}

/// The header line of a catalogue file.
const HEADER: &str = "sku,product,name,name_en,description,description_en,category,options,options_en,values,values_en,price,stock,max_per_order,max_per_customer,hold_minutes,image";

/// A file of `rows` new books: SKU `{sku}-{n}`, named `{name} {n}`.
fn many_books(sku: &str, name: &str, rows: usize) -> String {
    let mut file = HEADER.to_owned();
    for n in 0..rows {
        file.push_str(&format!("\n{sku}-{n},,{name} {n},,,,livres,,,,,10,1,1,,,"));
    }
    file
}

/// How a background run of import `id` ended (waiting up to a minute).
async fn run_end(app: &TestApp, id: i64) -> String {
    for _ in 0..600 {
        let state: String =
            sqlx::query_scalar("SELECT state FROM catalogue_import_runs WHERE import_id = $1")
                .bind(id)
                .fetch_one(&app.pool)
                .await
                .expect("run");
        if state != "running" {
            return state;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    "still running after a minute".to_owned()
}

fn changes(report: &serde_json::Value, kind: &str) -> usize {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["change"] == kind || row["change"].get(kind).is_some())
        .count()
}

async fn price_of(app: &TestApp, sku: &str) -> i64 {
    sqlx::query_scalar("SELECT price_cents FROM products WHERE sku = $1")
        .bind(sku)
        .fetch_one(&app.pool)
        .await
        .expect("price")
}

#[sqlx::test(migrations = "../migrations")]
async fn the_export_is_for_administrators_and_reads_back_unchanged(pool: PgPool) {
    let app = spawn_app(pool).await;
    let guest = app.new_client();
    assert_eq!(export(&app, &guest).await.status(), 303, "to the login page");
    let customer = app.new_client();
    app.register(&customer, "shopper").await;
    assert_eq!(export(&app, &customer).await.status(), 404);

    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let response = export(&app, &admin).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let text = response.text().await.expect("CSV");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("sku,product,name,name_en,description,description_en,category,options,options_en,values,values_en,price,stock,max_per_order,max_per_customer,hold_minutes,image")
    );
    let rows = app.product_count().await;
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM products WHERE archived_at IS NULL")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert!(all > rows, "variants are rows too");
    let digital = text
        .lines()
        .find(|line| line.starts_with("PS5-DIGITAL,"))
        .expect("the Digital edition");
    assert!(
        digital.starts_with("PS5-DIGITAL,PS5-STANDARD,PlayStation 5,"),
        "{digital}"
    );
    assert!(
        digital.contains(",Digital,Digital,449,99,") || digital.contains(",Digital,Digital,\"449,99\","),
        "{digital}"
    );

    // The file as exported changes nothing.
    let id = dry_run(&app, &admin, &text).await;
    let checked = report(&app, &admin, id).await;
    assert_eq!(checked["errors"], serde_json::json!([]));
    assert_eq!(changes(&checked, "Unchanged") as i64, all);
    assert_eq!(changes(&checked, "Created") + changes(&checked, "Updated"), 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_import_writes_nothing_until_confirmed_then_everything_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let text = export(&app, &admin).await.text().await.expect("CSV");
    let size_l = product_id(&app, "t-shirt-pac-man-l").await;
    assert_eq!(stock_of(&app, size_l).await, 0);
    let mut edited: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with("PS5-DIGITAL,") {
                line.replace("449,99", "399,99")
            } else if line.starts_with("TEE-PACMAN-L,") {
                line.replacen(",0,", ",5,", 1)
            } else {
                line.to_owned()
            }
        })
        .collect();
    edited.push("MUG-1,,Mug WonderMarket,WonderMarket mug,Un mug.,A mug.,jeux-video,Couleur,Colour,Blanc,White,\"12,90\",30,4,,,".into());
    edited.push("MUG-1-NOIR,MUG-1,Mug WonderMarket,WonderMarket mug,Un mug.,A mug.,jeux-video,,,Noir,Black,\"13,90\",7,4,,,".into());
    let id = dry_run(&app, &admin, &edited.join("\n")).await;
    let checked = report(&app, &admin, id).await;
    assert_eq!(checked["errors"], serde_json::json!([]), "{checked}");
    assert_eq!(changes(&checked, "Created"), 2);
    assert_eq!(changes(&checked, "Updated"), 2);
    let updated: Vec<&serde_json::Value> = checked["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["change"].get("Updated").is_some())
        .collect();
    assert_eq!(updated[0]["change"]["Updated"], serde_json::json!(["price"]));
    // The dry run wrote nothing.
    assert_eq!(price_of(&app, "PS5-DIGITAL").await, 44_999);
    assert_eq!(stock_of(&app, size_l).await, 0);
    assert_eq!(count(&app, "products WHERE sku LIKE 'MUG-%'").await, 0);
    let page = app
        .page_as(&admin, &format!("/admin/catalogue/imports/{id}"))
        .await;
    assert!(page.contains("2 à créer, 2 à modifier"), "the report's page");
    assert!(page.contains("Appliquer l&#x27;import") || page.contains("Appliquer l'import"));

    assert_eq!(apply(&app, &admin, id).await, 200);
    assert_eq!(price_of(&app, "PS5-DIGITAL").await, 39_999);
    assert_eq!(stock_of(&app, size_l).await, 5);
    let reason: String = sqlx::query_scalar(
        "SELECT reason FROM stock_movements WHERE product_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(size_l)
    .fetch_one(&app.pool)
    .await
    .expect("ledger");
    assert_eq!(reason, "import");
    assert_eq!(
        count(&app, "audit_log WHERE action = 'catalogue.import'").await,
        1
    );
    let (status, mug) = app.get_html("/p/mug-wondermarket?o1=Noir").await;
    assert_eq!(status, 200);
    assert!(mug.contains("13,90"), "the new variant sells");

    // Once: a second confirmation changes nothing.
    assert_eq!(apply(&app, &admin, id).await, 409);
    assert_eq!(count(&app, "products WHERE sku LIKE 'MUG-%'").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bad_file_is_refused_whole_with_each_rows_reason(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let file = [
        HEADER,
        "OK-1,,Bon produit,,,,livres,,,,,10,1,1,,,",
        "BAD-PRICE,,Prix,,,,livres,,,,,dix euros,1,1,,,",
        "BAD-CAT,,Catégorie,,,,nulle-part,,,,,10,1,1,,,",
        "OK-1,,Doublon,,,,livres,,,,,10,1,1,,,",
        "ORPHAN,NOBODY,Orpheline,,,,livres,,,,,10,1,1,,,",
        "<script>,,X,,,,livres,,,,,10,1,1,,,",
    ]
    .join("\n");
    let id = dry_run(&app, &admin, &file).await;
    let checked = report(&app, &admin, id).await;
    let errors: Vec<(u64, String)> = checked["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().expect("line"),
                e["column"].as_str().expect("column").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [(3, "price".to_owned()), (7, "sku".to_owned())],
        "cells are checked first, each row once"
    );
    // With the cells right, the rows are checked against the shop.
    let file = file.replace("dix euros", "10").replace("<script>", "FINE-7");
    let id = dry_run(&app, &admin, &file).await;
    let checked = report(&app, &admin, id).await;
    let errors: Vec<(u64, String)> = checked["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().expect("line"),
                e["column"].as_str().expect("column").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (4, "category".to_owned()),
            (5, "sku".to_owned()),
            (6, "product".to_owned())
        ]
    );
    let page = app
        .page_as(&admin, &format!("/admin/catalogue/imports/{id}"))
        .await;
    assert!(
        page.contains("aucune catégorie n&#x27;a cette adresse")
            || page.contains("aucune catégorie n'a cette adresse")
    );
    assert!(!page.contains("Appliquer l"), "nothing to apply");
    assert_eq!(apply(&app, &admin, id).await, 409);
    assert_eq!(
        count(&app, "products WHERE sku IN ('OK-1', 'FINE-7')").await,
        0,
        "all or nothing"
    );

    // Not for customers, even with an import's number.
    let customer = app.new_client();
    app.register(&customer, "shopper").await;
    assert_eq!(apply(&app, &customer, id).await, 403);
    let status = app
        .call_as(&customer, "products/admin/import", &[("id", &id.to_string())])
        .await
        .status();
    assert_eq!(status, 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_import_checked_against_an_older_shop_is_refused(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let id = dry_run(
        &app,
        &admin,
        &format!("{HEADER}\nLAMP-1,,Lampe,,,,livres,,,,,10,1,1,,,"),
    )
    .await;
    assert_eq!(changes(&report(&app, &admin, id).await, "Created"), 1);
    // Meanwhile another product took the address.
    crate::common::shop::sql(
        &app,
        "INSERT INTO products (slug, name, category_id, price_cents, stock, image_path)
         SELECT 'lampe', 'Lampe', id, 100, 1, '/x.svg' FROM categories WHERE slug = 'livres'",
    )
    .await;
    assert_eq!(apply(&app, &admin, id).await, 409);
    assert_eq!(count(&app, "products WHERE sku = 'LAMP-1'").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_long_import_runs_in_the_background_and_its_page_shows_how_far_it_got(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let rows = app::products::back_office::catalogue_csv::model::BACKGROUND_ROWS + 200;
    let id = dry_run(&app, &admin, &many_books("LONG", "Produit long", rows)).await;
    assert_eq!(changes(&report(&app, &admin, id).await, "Created"), rows);

    // The answer comes at once: the page tells how far the run got.
    assert_eq!(apply(&app, &admin, id).await, 200);
    let page = app
        .page_as(&admin, &format!("/admin/catalogue/imports/{id}"))
        .await;
    assert!(
        page.contains(r#"data-testid="import-progress""#) || page.contains(r#"data-testid="import-applied""#),
        "{page}"
    );
    if page.contains(r#"data-testid="import-progress""#) {
        assert!(page.contains(r#"http-equiv="refresh""#), "it reloads itself");
        assert!(!page.contains("Appliquer l'import") && !page.contains("Appliquer l&#x27;import"));
        // A second click while it runs starts nothing more.
        assert_eq!(apply(&app, &admin, id).await, 200);
    }
    let state = run_end(&app, id).await;
    assert_eq!(state, "applied");
    assert_eq!(count(&app, "products WHERE sku LIKE 'LONG-%'").await, rows as i64);
    let (done, total): (i32, i32) =
        sqlx::query_as("SELECT done, total FROM catalogue_import_runs WHERE import_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("run");
    assert_eq!((done, total), (rows as i32, rows as i32));
    assert_eq!(
        count(&app, "audit_log WHERE action = 'catalogue.import'").await,
        1
    );
    let page = app
        .page_as(&admin, &format!("/admin/catalogue/imports/{id}"))
        .await;
    assert!(page.contains(r#"data-testid="import-applied""#));
    assert!(!page.contains(r#"http-equiv="refresh""#));
    assert_eq!(apply(&app, &admin, id).await, 409, "once");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_long_import_outdated_meanwhile_writes_nothing_and_says_so(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "boss").await;
    let rows = app::products::back_office::catalogue_csv::model::BACKGROUND_ROWS + 1;
    let id = dry_run(&app, &admin, &many_books("OLD", "Lampe", rows)).await;
    // Meanwhile another product took the first row's address.
    crate::common::shop::sql(
        &app,
        "INSERT INTO products (slug, name, category_id, price_cents, stock, image_path)
         SELECT 'lampe-0', 'Lampe', id, 100, 1, '/x.svg' FROM categories WHERE slug = 'livres'",
    )
    .await;
    assert_eq!(apply(&app, &admin, id).await, 200);
    let state = run_end(&app, id).await;
    assert_eq!(state, "outdated");
    assert_eq!(count(&app, "products WHERE sku LIKE 'OLD-%'").await, 0);
    let page = app
        .page_as(&admin, &format!("/admin/catalogue/imports/{id}"))
        .await;
    assert!(
        page.contains(r#"data-testid="import-outcome""#),
        "the page says so"
    );
}
