#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! A category filtered by option values and price: GET parameters that
//! narrow the cards, counts per value that say what a choice would list,
//! and bad parameters refused with 400.

use sqlx::PgPool;

use crate::common::shop::sql;
use crate::common::{card_names, spawn_app, TestApp};

/// The phones category gains a second product with a colour: the Fairphone
/// in black (the product's row) and white.
async fn two_phones_with_colours(app: &TestApp) {
    sql(
        app,
        "UPDATE products SET option_names = '{Couleur}', option_names_en = '{Colour}',
                             option_values = '{Noir}', option_values_en = '{Black}'
         WHERE slug = 'fairphone-6'",
    )
    .await;
    sql(
        app,
        "INSERT INTO products (slug, name, description, category_id, price_cents, stock, image_path, sku,
                               option_values, option_values_en, variant_of)
         SELECT 'fairphone-6-blanc', name, description, category_id, 61900, 4, image_path, 'FAIRPHONE-6-BLANC',
                '{Blanc}', '{White}', id
         FROM products WHERE slug = 'fairphone-6'",
    )
    .await;
}

/// The label of a value's checkbox, count included: "Noir (2)".
fn has_value(html: &str, label: &str) -> bool {
    html.contains(&format!(">{label}</label>"))
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

#[sqlx::test(migrations = "../migrations")]
async fn option_values_narrow_a_category_and_count_what_each_would_list(pool: PgPool) {
    let app = spawn_app(pool).await;
    two_phones_with_colours(&app).await;

    let (status, html) = app.get_html("/c/telephonie").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-testid="filters""#));
    for label in [
        "Noir (2)",
        "Bleu (1)",
        "Rouge (1)",
        "Blanc (1)",
        "256 Go (1)",
        "512 Go (1)",
    ] {
        assert!(has_value(&html, label), "{label}");
    }
    assert_eq!(card_names(&html).len(), 6, "every phone");

    // One colour: the phones that come in it.
    let (status, html) = app.get_html("/c/telephonie?f=Couleur%3ABlanc").await;
    assert_eq!(status, 200);
    assert_eq!(card_names(&html), ["Fairphone 6"]);
    // Its own option's counts are what another choice would add.
    assert!(has_value(&html, "Noir (2)") && has_value(&html, "Bleu (1)"));
    assert!(
        html.contains(r#"value="Couleur:Blanc" checked"#),
        "the choice is kept"
    );

    // Two values of one option: either.
    let (_, html) = app.get_html("/c/telephonie?f=Couleur:Blanc&f=Couleur:Bleu").await;
    assert_eq!(
        sorted(card_names(&html)),
        ["Fairphone 6", "Samsung Galaxy Z Flip7"]
    );

    // Two options: one variant must have both. Red comes in 256 Go only.
    let (_, html) = app.get_html("/c/telephonie?f=Capacit%C3%A9:512+Go").await;
    assert_eq!(card_names(&html), ["Samsung Galaxy Z Flip7"]);
    assert!(has_value(&html, "Noir (1)") && has_value(&html, "Bleu (1)"));
    assert!(has_value(&html, "Rouge (0)") && has_value(&html, "Blanc (0)"));
    let (status, html) = app
        .get_html("/c/telephonie?f=Couleur:Rouge&f=Capacit%C3%A9:512+Go")
        .await;
    assert_eq!(status, 200);
    assert!(card_names(&html).is_empty());
    assert!(html.contains(r#"data-testid="no-match""#));
    assert!(html.contains("Effacer les filtres"));

    // A value no product has lists nothing; it is no error.
    let (status, html) = app.get_html("/c/telephonie?f=Couleur:Violet").await;
    assert_eq!(status, 200);
    assert!(card_names(&html).is_empty());

    // Pages and the sort keep the filter.
    let (_, html) = app.get_html("/c/telephonie?f=Couleur:Noir&sort=price_asc").await;
    assert_eq!(card_names(&html), ["Fairphone 6", "Samsung Galaxy Z Flip7"]);
    assert!(
        html.contains(r#"<input type="hidden" name="f" value="Couleur:Noir">"#),
        "the sort form keeps it"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_price_range_is_matched_by_one_variant(pool: PgPool) {
    let app = spawn_app(pool).await;
    two_phones_with_colours(&app).await;

    // The Z Flip7 costs 1 199 € or 1 319 €; the white Fairphone 619 €.
    let (_, html) = app.get_html("/c/telephonie?min=1300&max=1400").await;
    assert_eq!(
        sorted(card_names(&html)),
        ["Apple iPhone 17 Pro 256 Go", "Samsung Galaxy Z Flip7"]
    );
    let (_, html) = app.get_html("/c/telephonie?min=610&max=620").await;
    assert_eq!(card_names(&html), ["Fairphone 6"]);
    // Backwards is the same range; cents are read.
    let (_, html) = app.get_html("/c/telephonie?min=620&max=610").await;
    assert_eq!(card_names(&html), ["Fairphone 6"]);
    let (_, html) = app.get_html("/c/telephonie?max=44,99").await;
    assert_eq!(card_names(&html), ["Chargeur Anker Nano 65 W USB-C"]);
    // The range narrows the counts too: only the white Fairphone is in it.
    let (_, html) = app.get_html("/c/telephonie?min=610&max=620").await;
    assert!(has_value(&html, "Blanc (1)") && has_value(&html, "Noir (0)"));
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_filters_are_refused_with_400(pool: PgPool) {
    let app = spawn_app(pool).await;
    let many = (0..21)
        .map(|i| format!("f=Couleur:{i}"))
        .collect::<Vec<_>>()
        .join("&");
    for query in [
        "f=Couleur".to_owned(),
        "f=:Noir".to_owned(),
        "f=Couleur:%00".to_owned(),
        format!("f=Couleur:{}", "x".repeat(200)),
        many,
        "min=-5".to_owned(),
        "max=abc".to_owned(),
        "max=1,234".to_owned(),
        "min=<script>".to_owned(),
    ] {
        let (status, html) = app.get_html(&format!("/c/telephonie?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert!(html.contains(r#"role="alert""#), "{query}: a message");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_search_is_filtered_like_a_category(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, html) = app.get_html("/search?q=samsung").await;
    assert_eq!(
        sorted(card_names(&html)),
        [
            "SSD Samsung 990 PRO 2 To NVMe",
            "Samsung Galaxy S25 Ultra 512 Go",
            "Samsung Galaxy Z Flip7"
        ]
    );
    assert!(has_value(&html, "Bleu (1)"), "the matches' options are counted");

    let (status, html) = app.get_html("/search?q=samsung&f=Couleur:Bleu").await;
    assert_eq!(status, 200);
    assert_eq!(card_names(&html), ["Samsung Galaxy Z Flip7"]);
    assert!(html.contains("1 résultat"), "the count follows the filter");
    // The filter, not the words, found nothing: no "did you mean".
    let (_, html) = app.get_html("/search?q=samsung&f=Couleur:Violet").await;
    assert!(html.contains(r#"data-testid="no-match""#));
    assert!(!html.contains("Vouliez-vous dire"));
    // Without words the filter narrows the whole catalogue.
    let (_, html) = app.get_html("/search?q=&f=Taille:XXL").await;
    assert_eq!(card_names(&html), ["T-shirt Pac-Man rétro"]);
    let (status, _) = app.get_html("/search?q=samsung&min=abc").await;
    assert_eq!(status, 400);
}
