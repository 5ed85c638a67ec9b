//! Catalogue CSV benchmark (`make bench`): a 10,000-row file (2,500
//! products in four sizes each) checked by a dry run and imported, then
//! the same file with every price changed checked and imported again (the
//! update path). Reports times; asserts only what the import must do.

use std::time::Instant;

use anyhow::Context;
use app::ids::UserId;
use app::inventory::ledger::{self, StockChange};
use app::products::back_office::catalogue_csv::{db, model};
use sqlx::PgPool;

const PRODUCTS: usize = 2_500;
const SIZES: [&str; 4] = ["S", "M", "L", "XL"];

/// The file: each product's first size is its row, the others its variants.
fn file(price_cents: i64) -> anyhow::Result<Vec<u8>> {
    let rows = (0..PRODUCTS).flat_map(|n| {
        SIZES.iter().enumerate().map(move |(i, size)| {
            let main = format!("BENCH-{n:05}-S");
            let sku = format!("BENCH-{n:05}-{size}");
            let cents = price_cents + i as i64 * 100;
            [
                sku.clone(),
                if i == 0 { String::new() } else { main },
                format!("Sweat banc d'essai {n:05}"),
                format!("Bench sweatshirt {n:05}"),
                "Sweat en coton, coupe droite, imprimé WonderMarket.".to_owned(),
                "Cotton sweatshirt, straight fit, WonderMarket print.".to_owned(),
                "jeux-video".to_owned(),
                if i == 0 {
                    "Taille".to_owned()
                } else {
                    String::new()
                },
                if i == 0 { "Size".to_owned() } else { String::new() },
                (*size).to_owned(),
                (*size).to_owned(),
                format!("{},{:02}", cents / 100, cents % 100),
                "25".to_owned(),
                "3".to_owned(),
                String::new(),
                String::new(),
                String::new(),
            ]
        })
    });
    model::write_file(rows).context("CSV")
}

/// Dry run (read, check against the shop, roll back), then the import.
async fn round(pool: &PgPool, admin: UserId, bytes: &[u8], label: &str) -> anyhow::Result<(usize, usize)> {
    let started = Instant::now();
    let rows = model::read_file(bytes).map_err(|errors| anyhow::anyhow!("refused: {errors:?}"))?;
    let mut tx = pool.begin().await?;
    let (outcomes, _, errors) = db::plan(&mut tx, rows).await?;
    tx.rollback().await?;
    anyhow::ensure!(errors.is_empty(), "refused: {errors:?}");
    let dry_run = started.elapsed();

    let started = Instant::now();
    let rows = model::read_file(bytes).map_err(|errors| anyhow::anyhow!("refused: {errors:?}"))?;
    let mut tx = pool.begin().await?;
    let (_, steps, errors) = db::plan(&mut tx, rows).await?;
    anyhow::ensure!(errors.is_empty(), "refused on import: {errors:?}");
    ledger::describe(&mut tx, StockChange::new("import").by(admin)).await?;
    db::apply(&mut tx, &steps, None).await?;
    tx.commit().await?;
    let import = started.elapsed();
    let created = outcomes
        .iter()
        .filter(|o| matches!(o.change, model::Change::Created))
        .count();
    let updated = outcomes
        .iter()
        .filter(|o| matches!(o.change, model::Change::Updated(_)))
        .count();
    println!(
        "{label:<28} rows={:<6} dry run={:>6.2} s  import={:>6.2} s  (created {created}, updated {updated})",
        outcomes.len(),
        dry_run.as_secs_f64(),
        import.as_secs_f64(),
    );
    Ok((created, updated))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").context("DATABASE_URL")?;
    let pool = PgPool::connect(&url).await?;
    server::database::migrate(&pool).await?;
    server::seed::seed_demo_if_empty(&pool, true).await?;
    sqlx::query("DELETE FROM products WHERE sku LIKE 'BENCH-%'")
        .execute(&pool)
        .await
        .ok();
    let admin: i64 = sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")
        .fetch_one(&pool)
        .await
        .context("the demo administrator")?;
    let admin = UserId(admin);
    let bytes = file(4_990)?;
    println!(
        "catalogue CSV: {} rows, {} KB",
        PRODUCTS * SIZES.len(),
        bytes.len() / 1024
    );
    let (created, _) = round(&pool, admin, &bytes, "new file (creates)").await?;
    anyhow::ensure!(created == PRODUCTS * SIZES.len(), "every row created");
    let (_, updated) = round(&pool, admin, &file(5_490)?, "every price changed").await?;
    anyhow::ensure!(updated == PRODUCTS * SIZES.len(), "every row updated");
    Ok(())
}
