#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The address book: saved on the account page, one default, picked at
//! checkout or typed and saved there; an order keeps its own copy; bad
//! input and other people's addresses change nothing.

use sqlx::PgPool;

use crate::common::shop::{add, checkout_form, json, product_id, CARD_OK};
use crate::common::{spawn_app, TestApp};

fn address_form<'a>(name: &'a str, street: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("ship_name", name),
        ("ship_street", street),
        ("ship_postcode", "69001"),
        ("ship_city", "Lyon"),
        ("ship_country", "FR"),
    ]
}

/// The book as the database has it: (name, street, default), default first.
async fn book_of(app: &TestApp, user: i64) -> Vec<(String, String, bool)> {
    sqlx::query_as(
        "SELECT name, street, is_default FROM addresses WHERE user_id = $1 ORDER BY is_default DESC, id",
    )
    .bind(user)
    .fetch_all(&app.pool)
    .await
    .expect("book")
}

async fn address_id(app: &TestApp, user: i64, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM addresses WHERE user_id = $1 AND name = $2")
        .bind(user)
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .expect("address id")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customer_keeps_addresses_with_one_default(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    let ada = app.register(&client, "ada").await;
    let page = app.page_as(&client, "/account").await;
    assert!(
        page.contains(r#"data-testid="addresses-empty""#),
        "an empty book says so"
    );

    // The first address is the default; a later one becomes it when asked.
    let home = app
        .call_as(
            &client,
            "addresses/add",
            &address_form("Maison", "1 rue Mercière"),
        )
        .await;
    assert_eq!(home.status(), 200);
    let mut form = address_form("Bureau", "2 quai Rambaud");
    form.push(("make_default", "on"));
    assert_eq!(app.call_as(&client, "addresses/add", &form).await.status(), 200);
    // The same address again is the same entry.
    assert_eq!(
        app.call_as(
            &client,
            "addresses/add",
            &address_form("Maison", "1 rue Mercière")
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        book_of(&app, ada).await,
        [
            ("Bureau".into(), "2 quai Rambaud".into(), true),
            ("Maison".into(), "1 rue Mercière".into(), false)
        ]
    );
    let page = app.page_as(&client, "/account").await;
    assert_eq!(page.matches(r#"data-testid="saved-address""#).count(), 2);

    let home = address_id(&app, ada, "Maison").await;
    let office = address_id(&app, ada, "Bureau").await;
    let response = app
        .call_as(&client, "addresses/set-default", &[("id", &home.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        book_of(&app, ada).await[0],
        ("Maison".into(), "1 rue Mercière".into(), true)
    );
    // Deleting the default passes it to the oldest left.
    assert_eq!(
        app.call_as(&client, "addresses/delete", &[("id", &home.to_string())])
            .await
            .status(),
        200
    );
    assert_eq!(
        book_of(&app, ada).await,
        [("Bureau".into(), "2 quai Rambaud".into(), true)]
    );

    // Bad input: refused with its field named, nothing saved.
    let long_name = "x".repeat(101);
    let bad: [(&str, Vec<(&str, &str)>); 6] = [
        ("ship_name", address_form("", "3 rue")),
        ("ship_name", address_form(&long_name, "3 rue")),
        ("ship_street", address_form("Ada", "3 rue\u{0}")),
        (
            "ship_postcode",
            vec![
                ("ship_name", "A"),
                ("ship_street", "s"),
                ("ship_postcode", "69<b>"),
                ("ship_city", "Lyon"),
                ("ship_country", "FR"),
            ],
        ),
        (
            "ship_country",
            vec![
                ("ship_name", "A"),
                ("ship_street", "s"),
                ("ship_postcode", "69001"),
                ("ship_city", "Lyon"),
                ("ship_country", "Atlantis"),
            ],
        ),
        (
            "ship_city",
            vec![
                ("ship_name", "A"),
                ("ship_street", "s"),
                ("ship_postcode", "69001"),
                ("ship_country", "FR"),
            ],
        ),
    ];
    for (field, form) in bad {
        let response = app.call_as(&client, "addresses/add", &form).await;
        assert_eq!(response.status(), 400, "{field}: {form:?}");
        let body = response.text().await.expect("body");
        assert!(
            body.contains(field) || field == "ship_city",
            "{field} named: {body}"
        );
    }
    for id in ["abc", "", "1 OR 1=1", "1.5"] {
        let response = app.call_as(&client, "addresses/delete", &[("id", id)]).await;
        assert_eq!(response.status(), 400, "id {id:?}");
    }
    assert_eq!(book_of(&app, ada).await.len(), 1, "nothing changed");

    // Markup is text on the page.
    let form = address_form("<script>alert(1)</script>", "<img src=x onerror=alert(1)>");
    assert_eq!(app.call_as(&client, "addresses/add", &form).await.status(), 200);
    let page = app.page_as(&client, "/account").await;
    assert!(
        !page.contains("<script>alert(1)") && !page.contains("<img src=x"),
        "escaped"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    // Someone else's address: not theirs to know about.
    let eve = app.new_client();
    app.register(&eve, "eve").await;
    for endpoint in ["addresses/delete", "addresses/set-default"] {
        let response = app.call_as(&eve, endpoint, &[("id", &office.to_string())]).await;
        assert_eq!(response.status(), 404, "{endpoint}");
    }
    assert_eq!(book_of(&app, ada).await.len(), 2);

    // A book is bounded.
    for n in 0..18 {
        let street = format!("{n} rue du Plafond");
        let response = app
            .call_as(&client, "addresses/add", &address_form("Ada", &street))
            .await;
        assert_eq!(response.status(), 200, "address {n}");
    }
    let response = app
        .call_as(&client, "addresses/add", &address_form("Ada", "99 rue de Trop"))
        .await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.expect("body").contains("AddressBookFull"));
    assert_eq!(book_of(&app, ada).await.len(), 20);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_checkout_picks_a_saved_address_or_saves_the_one_typed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let client = app.new_client();
    let ada = app.register(&client, "ada").await;
    let book = product_id(&app, "le-petit-prince").await;
    let mut form = address_form("Ada Maison", "1 rue Mercière");
    form.push(("make_default", "on"));
    assert_eq!(app.call_as(&client, "addresses/add", &form).await.status(), 200);
    let saved = address_id(&app, ada, "Ada Maison").await;

    // The checkout page offers it, picked.
    assert_eq!(add(&app, &client, book, 1).await.status(), 200);
    let page = app.page_as(&client, "/checkout").await;
    assert!(page.contains(r#"data-testid="saved-addresses""#));
    assert!(page.contains(&format!(r#"value="{saved}""#)));

    // Someone else's address number is refused, and nothing is ordered.
    let eve = app.new_client();
    let eve_id = app.register(&eve, "eve").await;
    assert_eq!(add(&app, &eve, book, 1).await.status(), 200);
    // As a browser sends it: the typed fields blank.
    let mut form: Vec<(&str, String)> = checkout_form("eve-order", CARD_OK, "")
        .iter()
        .map(|(name, value)| {
            let blank = name.starts_with("ship_") && *name != "ship_country";
            (*name, if blank { String::new() } else { (*value).to_owned() })
        })
        .collect();
    form.push(("saved_address", saved.to_string()));
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let response = app.call_as(&eve, "payment/checkout", &borrowed).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.expect("body").contains("saved_address"));
    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM orders WHERE user_id = $1")
        .bind(eve_id)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(orders, 0);

    // A saved address picked and another typed: which? Refused, nothing ordered.
    let mut both = checkout_form("ada-both-1", CARD_OK, "9 rue Ailleurs").to_vec();
    let saved_text = saved.to_string();
    both.push(("saved_address", &saved_text));
    let response = app.call_as(&client, "payment/checkout", &both).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.expect("body").contains("TwoAddresses"));
    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM orders WHERE user_id = $1")
        .bind(ada)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(orders, 0);

    // Ada's own: the order goes there, the typed fields left blank.
    let mut form = form.clone();
    form.iter_mut().for_each(|(name, value)| {
        if *name == "idempotency_key" {
            *value = "ada-saved-1".into();
        }
    });
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let response = app.call_as(&client, "payment/checkout", &borrowed).await;
    assert_eq!(response.status(), 200);
    let order = json(response).await["id"].as_i64().expect("order");
    let shipped: (String, String, String) =
        sqlx::query_as("SELECT ship_name, ship_street, ship_city FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(&app.pool)
            .await
            .expect("order");
    assert_eq!(
        shipped,
        ("Ada Maison".into(), "1 rue Mercière".into(), "Lyon".into())
    );
    // The order keeps its copy when the book changes.
    assert_eq!(
        app.call_as(&client, "addresses/delete", &[("id", &saved.to_string())])
            .await
            .status(),
        200
    );
    let still: String = sqlx::query_scalar("SELECT ship_street FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(&app.pool)
        .await
        .expect("order");
    assert_eq!(still, "1 rue Mercière");

    // A new address typed, "save this address" ticked: in the book after.
    assert_eq!(add(&app, &client, book, 1).await.status(), 200);
    let mut form: Vec<(&str, &str)> = checkout_form("ada-typed-1", CARD_OK, "8 rue Neuve").to_vec();
    form.push(("save_address", "on"));
    let response = app.call_as(&client, "payment/checkout", &form).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        book_of(&app, ada).await,
        [("Ada Lovelace".into(), "8 rue Neuve".into(), true)],
        "saved, and the default of an empty book"
    );
}
