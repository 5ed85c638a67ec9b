//! The demo catalogue: what a new shop shows on its first start.

mod generated;
mod photos;

pub use generated::seed_generated;
pub use photos::seed_demo_photos;

use anyhow::Context;
use app::inventory::ledger::{self, StockChange};
use app::products::slug::Slug;
use serde::Deserialize;
use sqlx::PgPool;

const DEMO_CATALOGUE: &str = include_str!("demo_catalogue.json");

#[derive(Deserialize)]
struct Catalogue {
    categories: Vec<Category>,
    products: Vec<Product>,
}

#[derive(Deserialize)]
struct Category {
    slug: String,
    name_fr: String,
    name_en: String,
    /// Its VAT rate in basis points (20 % unless said).
    #[serde(default = "standard_vat")]
    vat_rate_bp: i32,
    /// The shipping weight of its products (500 g unless said).
    weight_grams: Option<i32>,
}

fn standard_vat() -> i32 {
    app::pricing::VatRate::Standard.basis_points()
}

/// A product; with options, it is also its first variant (`sku`, `values`),
/// and `variants` are the others.
#[derive(Deserialize)]
struct Product {
    slug: String,
    category: String,
    name: String,
    description: String,
    /// English texts; absent, English pages show the French ones.
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description_en: String,
    price_cents: i64,
    stock: i32,
    sku: Option<String>,
    #[serde(default)]
    options: Vec<Text>,
    #[serde(default)]
    values: Vec<Text>,
    /// The picture's name in `public/images/products/`, when not the slug.
    image: Option<String>,
    #[serde(default)]
    variants: Vec<Variant>,
}

#[derive(Deserialize)]
struct Variant {
    sku: String,
    values: Vec<Text>,
    price_cents: i64,
    stock: i32,
    image: Option<String>,
}

/// A text in French and English.
#[derive(Deserialize)]
struct Text {
    fr: String,
    en: String,
}

fn french(texts: &[Text]) -> Vec<String> {
    texts.iter().map(|text| text.fr.clone()).collect()
}

fn english(texts: &[Text]) -> Vec<String> {
    texts.iter().map(|text| text.en.clone()).collect()
}

fn picture(name: Option<&str>, slug: &str) -> String {
    format!("/images/products/{}.svg", name.unwrap_or(slug))
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub categories: u64,
    pub products: u64,
}

/// Seeds the demo catalogue only into a shop that has no category yet, so
/// a restart never brings back what an operator removed. The documented
/// demo administrator comes only with `with_admin` (the private embedded
/// database of `make run`), never on a database other people may reach.
pub async fn seed_demo_if_empty(pool: &PgPool, with_admin: bool) -> anyhow::Result<Option<SeedReport>> {
    let has_catalogue: bool = sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM categories) AS "exists!""#)
        .fetch_one(pool)
        .await?;
    if has_catalogue {
        return Ok(None);
    }
    let report = seed_demo(pool).await?;
    seed_demo_photos(pool).await?;
    if with_admin {
        seed_demo_admin(pool).await?;
    }
    Ok(Some(report))
}

/// The demo shop's administrator (documented in the README); only created
/// together with the demo catalogue.
pub const DEMO_ADMIN_USERNAME: &str = "admin";
pub const DEMO_ADMIN_PASSWORD: &str = "wondermarket-admin";

async fn seed_demo_admin(pool: &PgPool) -> anyhow::Result<()> {
    use app::auth::{model::Role, service};
    let form = service::Registration {
        username: DEMO_ADMIN_USERNAME.into(),
        email: "admin@wondermarket.example".into(),
        password: DEMO_ADMIN_PASSWORD.into(),
        password_confirmation: DEMO_ADMIN_PASSWORD.into(),
        first_name: "Admin".into(),
        last_name: "WonderMarket".into(),
    };
    match service::register(pool, form, Role::Admin).await {
        Ok(_) | Err(app::error::AppError::Validation { .. }) => Ok(()),
        Err(error) => Err(anyhow::anyhow!(
            "could not create the demo administrator: {error}"
        )),
    }
}

/// Inserts the demo categories and products; ones already present (by
/// slug) are left untouched. Product images live in
/// `public/images/products/<slug>.svg`.
pub async fn seed_demo(pool: &PgPool) -> anyhow::Result<SeedReport> {
    let catalogue: Catalogue =
        serde_json::from_str(DEMO_CATALOGUE).context("demo catalogue is not valid JSON")?;
    let mut tx = pool.begin().await?;
    ledger::describe(&mut tx, StockChange::new("seed")).await?;
    let mut report = SeedReport::default();
    for (position, category) in (0_i32..).zip(&catalogue.categories) {
        report.categories += sqlx::query!(
            "INSERT INTO categories (slug, name_fr, name_en, position, vat_rate_bp) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (slug) DO NOTHING",
            category.slug,
            category.name_fr,
            category.name_en,
            position,
            category.vat_rate_bp,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    // The first product of the file is the newest, so "newest" reads as the file does.
    for (age_hours, product) in (0_i32..).zip(&catalogue.products) {
        let inserted = sqlx::query_scalar!(
            "INSERT INTO products (slug, name, description, category_id, price_cents, stock, image_path, created_at,
                                   sku, option_names, option_names_en, option_values, option_values_en,
                                   name_en, description_en)
             SELECT $1, $2, $3, c.id, $5, $6, $7, now() - make_interval(hours => $8), $9, $10, $11, $12, $13,
                    $14, $15
             FROM categories c WHERE c.slug = $4
             ON CONFLICT (slug) DO NOTHING
             RETURNING id",
            product.slug,
            product.name,
            product.description,
            product.category,
            product.price_cents,
            product.stock,
            picture(product.image.as_deref(), &product.slug),
            age_hours,
            product.sku,
            &french(&product.options),
            &english(&product.options),
            &french(&product.values),
            &english(&product.values),
            product.name_en,
            product.description_en,
        )
        .fetch_optional(&mut *tx)
        .await
        .with_context(|| format!("could not seed product {}", product.slug))?;
        let Some(product_id) = inserted else {
            continue;
        };
        report.products += 1;
        for variant in &product.variants {
            // The product's slug and the values: playstation-5-digital.
            let suffix = Slug::given_or_from_name("", &french(&variant.values).join(" "))
                .with_context(|| format!("no slug for the variant {}", variant.sku))?;
            sqlx::query!(
                "INSERT INTO products (slug, name, description, category_id, price_cents, stock, image_path,
                                       created_at, sku, option_values, option_values_en, variant_of,
                                       name_en, description_en)
                 SELECT slug || '-' || $1, name, description, category_id, $2, $3, $4, created_at, $5, $6, $7, id,
                        name_en, description_en
                 FROM products WHERE id = $8",
                suffix.as_str(),
                variant.price_cents,
                variant.stock,
                picture(variant.image.as_deref(), &product.slug),
                variant.sku,
                &french(&variant.values),
                &english(&variant.values),
                product_id,
            )
            .execute(&mut *tx)
            .await
            .with_context(|| format!("could not seed variant {}", variant.sku))?;
        }
    }
    // Each category's weight goes to its products still at the default.
    for category in &catalogue.categories {
        let Some(weight_grams) = category.weight_grams else {
            continue;
        };
        sqlx::query!(
            "UPDATE products p SET weight_grams = $2 FROM categories c
             WHERE c.id = p.category_id AND c.slug = $1 AND p.weight_grams = 500",
            category.slug,
            weight_grams,
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalogue_is_rich_enough_for_a_real_shop() {
        let catalogue: Catalogue = serde_json::from_str(DEMO_CATALOGUE).expect("valid JSON");
        assert!(catalogue.categories.len() >= 6);
        assert!(catalogue.products.len() >= 40);
        let stock_of = |slug: &str| {
            catalogue
                .products
                .iter()
                .find(|p| p.slug == slug)
                .map(|p| p.stock)
        };
        assert_eq!(stock_of("playstation-5-slim"), Some(3));
        assert_eq!(stock_of("playstation-4-pro"), Some(1));
        assert!(catalogue.products.iter().any(|p| p.stock == 0));
        for product in &catalogue.products {
            assert!(
                catalogue.categories.iter().any(|c| c.slug == product.category),
                "{} has an unknown category",
                product.slug
            );
            let images = std::iter::once(picture(product.image.as_deref(), &product.slug)).chain(
                product
                    .variants
                    .iter()
                    .map(|variant| picture(variant.image.as_deref(), &product.slug)),
            );
            for image in images {
                let file = format!("{}/../public{image}", env!("CARGO_MANIFEST_DIR"));
                assert!(std::path::Path::new(&file).is_file(), "missing image {file}");
            }
            for variant in &product.variants {
                assert_eq!(variant.values.len(), product.options.len(), "{}", variant.sku);
            }
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn seeding_twice_changes_nothing_the_second_time(pool: PgPool) {
        let first = seed_demo_if_empty(&pool, false).await.expect("seed");
        assert!(matches!(first, Some(SeedReport { products, .. }) if products >= 40));
        let admins: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM users"#)
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(admins, 0, "no demo administrator unless asked");
        assert_eq!(seed_demo_if_empty(&pool, true).await.expect("second"), None);
        let again = seed_demo(&pool).await.expect("reseed");
        assert_eq!(again, SeedReport::default());
    }
}
