//! The home page slice through HTTP: SSR content, locales, sorting, errors.

use crate::common::{card_names, spawn_app};
use app::ui::url::encode;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn home_page_server_renders_the_first_24_products(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="fr""#), "French by default");
    assert_eq!(card_names(&html).len(), 24, "one full page of cards");
    assert!(html.contains("PlayStation 5 Slim (PS5) Édition Standard"));
    assert!(html.contains("549,99\u{a0}€"), "French price format");
    assert!(html.contains("Plus que 3 en stock"), "scarce stock is announced");
    assert!(html.contains("<title>WonderMarket"), "a title is rendered");
    assert!(html.contains(r#"/pkg/wondermarket.js"#), "the page hydrates");
    assert!(
        html.contains(r#"rel="next""#),
        "the demo catalogue fills a second page"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn paging_shows_every_product_exactly_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let total = app.product_count().await;
    let mut seen = Vec::new();
    for page in 1.. {
        let (status, html) = app.get_html(&format!("/?sort=name&page={page}")).await;
        assert_eq!(status, 200);
        let names = card_names(&html);
        assert!(names.len() <= 24);
        let is_last = !html.contains(r#"rel="next""#);
        seen.extend(names);
        if is_last {
            break;
        }
    }
    assert_eq!(seen.len() as i64, total, "every product once");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "pages overlap");
}

#[sqlx::test(migrations = "../migrations")]
async fn language_follows_accept_language_then_the_cookie(pool: PgPool) {
    let app = spawn_app(pool).await;
    let english = app
        .page_with(&app.client, "/", ("Accept-Language", "en-GB,en;q=0.9"))
        .await;
    assert!(english.contains(r#"<html lang="en""#));
    assert!(english.contains("€549.99"));
    assert!(english.contains("Only 3 left"));

    let french_cookie = app
        .client
        .get(app.url("/"))
        .header("Accept-Language", "en")
        .header("Cookie", "wm_lang=fr")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(french_cookie.contains(r#"<html lang="fr""#), "the cookie wins");
}

#[sqlx::test(migrations = "../migrations")]
async fn switching_language_sets_the_cookie(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.call("i18n/set-locale", &[("locale", "en")]).await;
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.starts_with("wm_lang=en"), "got {cookie:?}");
    let (_, html) = app.get_html("/").await;
    assert!(
        html.contains(r#"<html lang="en""#),
        "the client's cookie store sends it back"
    );

    let bad = app.call("i18n/set-locale", &[("locale", "klingon")]).await;
    assert_eq!(bad.status(), 400);
}

#[sqlx::test(migrations = "../migrations")]
async fn sorting_by_price_orders_the_cards(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, html) = app.get_html("/?sort=price_asc").await;
    let names = card_names(&html);
    assert_eq!(
        names.first().map(String::as_str),
        Some("L'Étranger — Albert Camus")
    );
    let (_, html) = app.get_html("/?sort=price_desc").await;
    let names = card_names(&html);
    assert_eq!(
        names.first().map(String::as_str),
        Some("Carte graphique NVIDIA GeForce RTX 5090 Founders Edition")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_listing_parameters_are_a_400_with_a_message(pool: PgPool) {
    let app = spawn_app(pool).await;
    for path in ["/?page=0", "/?page=abc", "/?sort=cheapest", "/?page=999999"] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 400, "{path}");
        assert!(html.contains("Saisie invalide"), "{path} explains the problem");
        assert!(card_names(&html).is_empty(), "{path}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_server_function_validates_and_answers_json(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app
        .call("products/list", &[("page", "2"), ("sort", "name")])
        .await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["page"], 2);
    assert_eq!(body["items"].as_array().map(Vec::len), Some(24));
    let total = app.product_count().await;
    assert_eq!(body["has_next"], total > 48);

    let response = app
        .call("products/list", &[("page", "0"), ("sort", "name")])
        .await;
    assert_eq!(response.status(), 400);
    let response = app
        .call("products/list", &[("page", "1"), ("sort", "random")])
        .await;
    assert_eq!(response.status(), 400);
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_paths_get_the_styled_404_page(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, html) = app.get_html("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page introuvable"));
    assert!(html.contains(r#"href="/""#), "a way back home");
}

/// A sentence a crafted link would like the shop to say.
const CRAFTED: &str = "Boutique fermée, appelez le 08 99 12 34 56";

/// The text of every error alert on a page, tags left out.
fn error_alerts(html: &str) -> Vec<String> {
    html.split("<p ")
        .skip(1)
        .filter(|element| {
            element
                .split('>')
                .next()
                .is_some_and(|tag| tag.contains("alert--error"))
        })
        .map(|element| {
            let inner = element.split_once('>').map_or("", |(_, rest)| rest);
            let inner = inner.split("</p>").next().unwrap_or_default();
            let mut text = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text
        })
        .filter(|text| !text.trim().is_empty())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn crafted_listing_parameters_show_only_the_shops_sentences(pool: PgPool) {
    let app = spawn_app(pool).await;
    let crafted = encode(CRAFTED);
    for path in [
        format!("/?sort={crafted}"),
        format!("/?page={crafted}"),
        format!("/search?q=a&category={crafted}"),
        format!("/search?q=a&sort={crafted}"),
        format!("/c/livres?page={crafted}"),
    ] {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, 400, "{path}");
        let alerts = error_alerts(&html);
        assert_eq!(alerts.len(), 1, "{path}: one error, {alerts:?}");
        assert!(
            alerts[0].starts_with("Saisie invalide"),
            "{path} explains the problem: {alerts:?}"
        );
        assert!(
            !alerts[0].contains("08 99") && !alerts[0].contains("Boutique"),
            "{path} repeats the visitor's text: {alerts:?}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_crafted_error_in_a_url_shows_only_the_shops_sentences(pool: PgPool) {
    let app = spawn_app(pool).await;
    let errors = [
        // Not an error the shop knows: the fixed sentence of an unreadable answer.
        // (The first is not even JSON.)
        CRAFTED.to_owned(),
        format!(r#"{{"Conflict":"{CRAFTED}"}}"#),
        format!(r#"{{"Validation":{{"field":"login","message":"{CRAFTED}"}}}}"#),
        format!(r#"{{"Transport":"{CRAFTED}"}}"#),
        // A real shape with text where the shop has none: extra fields are dropped.
        format!(r#"{{"Conflict":{{"SoldOut":{{"product_id":1,"name":"{CRAFTED}"}}}}}}"#),
        format!(r#"{{"Validation":{{"field":"{CRAFTED}","rule":"AlreadyUsed"}}}}"#),
    ];
    let mut shown = Vec::new();
    for error in errors {
        // Leptos carries the error as URL-safe base64 of its JSON.
        use base64::Engine as _;
        let in_url = base64::engine::general_purpose::URL_SAFE.encode(&error);
        let path = format!("/login?__path=%2Fapi%2Fauth%2Flogin&__err={}", encode(&in_url));
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains("08 99"), "{error} is shown: {html}");
        assert!(!html.contains("Boutique ferm"), "{error} is shown");
        let alerts = error_alerts(&html);
        assert_eq!(alerts.len(), 1, "{error}: {alerts:?}");
        shown.push(alerts[0].clone());
    }
    for unknown in &shown[..4] {
        assert_eq!(unknown, "Le serveur ne répond pas. Vérifiez votre connexion.");
    }
    assert_eq!(
        shown[4], "ce produit est épuisé",
        "a known shape keeps its meaning"
    );
    assert_eq!(
        shown[5],
        "Saisie invalide : cette valeur est déjà utilisée, choisissez-en une autre"
    );
}

/// Two findings of axe-core and the Nu HTML checker: the language button's
/// accessible name contains what it shows, and the search combobox is a
/// text input (ARIA in HTML allows no combobox role on type=search).
#[sqlx::test(migrations = "../migrations")]
async fn the_header_controls_name_themselves_as_they_look(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, html) = app.get_html("/").await;
    let at = html
        .find(r#"class="topbar__button""#)
        .expect("the language button");
    let start = html[..at].rfind("<button").expect("its tag");
    let button = html[start..]
        .split("</button>")
        .next()
        .expect("the language button");
    let label = button
        .split(r#"aria-label=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no accessible name: {button}"));
    let visible = button.rsplit('>').next().expect("its text").trim();
    assert_eq!(visible, "EN");
    assert!(label.starts_with(visible), "{label:?} must contain {visible:?}");
    let input = html
        .split(r#"id="search-input""#)
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the search input");
    assert!(
        input.contains(r#"role="combobox""#) && input.contains(r#"type="text""#),
        "{input}"
    );
    assert!(input.contains(r#"inputmode="search""#), "{input}");
}
