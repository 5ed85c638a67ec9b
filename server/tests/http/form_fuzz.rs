#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! The newer forms fuzzed: every field of the delivery, promo code, sales
//! report and address book forms filled with hostile values in many
//! combinations. No answer is a server error, and a refused form changes
//! nothing (the tables it could write read the same before and after).

use sqlx::PgPool;

use crate::common::{spawn_app, TestApp};

const VALUES: &[&str] = &[
    "",
    " ",
    "0",
    "-1",
    "1",
    "2,5",
    "12.90",
    "1e9",
    "99999999999999999999",
    "NaN",
    "<script>alert(1)</script>",
    "\u{0}",
    "'; DROP TABLE promo_codes; --",
    "é",
    "FR",
    "FR,XX",
    "1000=4,99",
    "1000=4,99; 500=1",
    "2026-12-31T23:59",
    "2020-13-45T99:99",
    "2026-12",
    "percent",
    "amount",
    "free_delivery",
    "yes",
    "on",
];

/// A fingerprint of every row of `tables`.
async fn fingerprint(app: &TestApp, tables: &[&str]) -> Vec<Option<String>> {
    let mut prints = Vec::new();
    for table in tables {
        let print: Option<String> = sqlx::query_scalar(&format!(
            "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t"
        ))
        .fetch_one(&app.pool)
        .await
        .expect("fingerprint");
        prints.push(print);
    }
    prints
}

/// A small deterministic generator (the same values on every run).
struct Dice(u64);

impl Dice {
    fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        values[(self.0 >> 33) as usize % values.len()]
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn hostile_values_in_the_newer_forms_never_fail_the_server_or_half_write(pool: PgPool) {
    let app = spawn_app(pool).await;
    let admin = app.new_client();
    app.admin(&admin, "grace").await;
    let customer = app.new_client();
    app.register(&customer, "ada").await;
    let forms: [(&reqwest::Client, &str, &[&str], &[&str]); 5] = [
        (
            &admin,
            "delivery/admin/save-method",
            &[
                "id",
                "name_fr",
                "name_en",
                "price",
                "free_from",
                "days_min",
                "days_max",
                "countries",
                "bands",
                "active",
            ],
            &["delivery_methods", "delivery_weight_bands", "audit_log"],
        ),
        (
            &admin,
            "promotions/admin/create",
            &[
                "code",
                "kind",
                "value",
                "min_basket",
                "starts_at",
                "ends_at",
                "max_uses",
                "max_per_customer",
                "categories",
                "products",
                "includes_drops",
            ],
            &["promo_codes", "promo_code_slots", "audit_log"],
        ),
        (
            &admin,
            "promotions/admin/set-active",
            &["id", "active"],
            &["promo_codes", "audit_log"],
        ),
        (&admin, "invoices/admin/sales", &["from", "to"], &["invoices"]),
        (
            &customer,
            "addresses/add",
            &[
                "ship_name",
                "ship_street",
                "ship_postcode",
                "ship_city",
                "ship_country",
                "make_default",
            ],
            &["addresses"],
        ),
    ];
    let mut dice = Dice(42);
    let mut refused = 0;
    for (client, endpoint, fields, tables) in forms {
        for round in 0..60 {
            // Each field present or not, with a value from the list.
            let mut form: Vec<(&str, &str)> = Vec::new();
            for field in fields {
                let dropped = round % 7 == 3 && dice.pick(&["keep", "drop"]) == "drop";
                if !dropped {
                    form.push((field, dice.pick(VALUES)));
                }
            }
            let before = fingerprint(&app, tables).await;
            let response = app.call_as(client, endpoint, &form).await;
            let status = response.status().as_u16();
            assert!(
                status < 500,
                "{endpoint} {form:?}: {status} {}",
                response.text().await.unwrap_or_default()
            );
            if status >= 400 {
                refused += 1;
                assert_eq!(
                    fingerprint(&app, tables).await,
                    before,
                    "{endpoint} refused {form:?} but wrote"
                );
            }
        }
    }
    assert!(refused > 100, "most hostile forms are refused ({refused})");
}
