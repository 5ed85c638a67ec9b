//! A large, deterministic catalogue for benchmarks and scale tests:
//! `server seed --products 100000`. Names are combinations of real-sounding
//! brands, product kinds, models and variants, so searches behave as they
//! would on a real shop.

use app::inventory::ledger::{self, StockChange};
use sqlx::PgPool;

/// Inserts `count` generated products (slugs `gen-1` … `gen-<count>`), one
/// in ten in three colours (two variant rows more); products already there
/// are kept. Returns how many products were inserted.
pub async fn seed_generated(pool: &PgPool, count: u32) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    ledger::describe(&mut tx, StockChange::new("seed")).await?;
    // Each product picks its kind, brand, model and variant from fixed lists
    // with different strides, so that the combinations spread evenly and
    // the same count always gives the same catalogue.
    let inserted = sqlx::query!(
        r#"
        WITH kinds(i, kind, category, base_cents) AS (VALUES
            (0, 'Console portable', 'consoles', 19900), (1, 'Manette sans fil', 'consoles', 5990),
            (2, 'Jeu d''aventure', 'jeux-video', 4990), (3, 'Jeu de course', 'jeux-video', 3990),
            (4, 'Jeu de rôle', 'jeux-video', 5990), (5, 'Roman policier', 'livres', 890),
            (6, 'Bande dessinée', 'livres', 1290), (7, 'Livre de cuisine', 'livres', 2490),
            (8, 'Ordinateur portable', 'informatique', 89900), (9, 'Écran PC', 'informatique', 21900),
            (10, 'Clavier mécanique', 'informatique', 8990), (11, 'Souris gaming', 'informatique', 4990),
            (12, 'Casque audio', 'audio', 12900), (13, 'Enceinte Bluetooth', 'audio', 7990),
            (14, 'Écouteurs sans fil', 'audio', 9990), (15, 'Aspirateur robot', 'maison', 29900),
            (16, 'Cafetière expresso', 'maison', 14900), (17, 'Lampe connectée', 'maison', 3990),
            (18, 'Téléviseur LED', 'maison', 49900), (19, 'Smartphone', 'telephonie', 39900),
            (20, 'Coque de protection', 'telephonie', 1990), (21, 'Chargeur rapide', 'telephonie', 2490)
        ),
        brands(i, brand) AS (SELECT i - 1, brand FROM unnest(ARRAY[
            'Sony', 'Nintendo', 'Microsoft', 'Samsung', 'Logitech', 'Philips', 'Asus', 'Lenovo',
            'Dell', 'Bose', 'JBL', 'Xiaomi', 'Razer', 'Corsair', 'Anker', 'Moulinex', 'SEB',
            'Gallimard', 'Hachette', 'Dupuis', 'Ubisoft', 'Bandai', 'Sennheiser', 'Acer', 'HP'
        ]) WITH ORDINALITY AS b(brand, i)),
        variants(i, variant) AS (SELECT i - 1, variant FROM unnest(ARRAY[
            'Noir', 'Blanc', 'Bleu nuit', 'Rouge', 'Édition limitée', 'Pro', 'Lite', 'Max',
            'Édition collector', 'Gris sidéral', 'Vert sauge', 'Reconditionné', 'Plus', 'Mini'
        ]) WITH ORDINALITY AS v(variant, i))
        INSERT INTO products (slug, name, description, category_id, price_cents, stock, image_path, created_at)
        SELECT 'gen-' || n,
               b.brand || ' ' || k.kind || ' ' || upper(substr(md5(n::text), 1, 2)) || (100 + n % 900) || ' ' || v.variant,
               k.kind || ' ' || b.brand || ', finition ' || lower(v.variant) || '. Garantie deux ans, livraison rapide.',
               c.id,
               k.base_cents + (n * 7919) % (k.base_cents / 2 + 1),
               CASE WHEN n % 23 = 0 THEN 0 WHEN n % 11 = 0 THEN 1 + n % 5 ELSE 6 + n % 200 END,
               '/images/products/generic-' || k.category || '.svg',
               now() - make_interval(mins => n)
        FROM generate_series(1, $1::int) AS n
        JOIN kinds k ON k.i = n % 22
        JOIN brands b ON b.i = (n * 7) % 25
        JOIN variants v ON v.i = (n * 13) % 14
        JOIN categories c ON c.slug = k.category
        ON CONFLICT (slug) DO NOTHING
        "#,
        i32::try_from(count).unwrap_or(i32::MAX),
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // Every tenth product sells in three colours: its row is the black one,
    // two variants (white, blue; the blue one dearer) are rows beside it.
    sqlx::query!(
        "UPDATE products SET option_names = '{Couleur}', option_names_en = '{Colour}',
                             option_values = '{Noir}', option_values_en = '{Black}'
         WHERE slug ~ '^gen-[0-9]*0$' AND variant_of IS NULL AND cardinality(option_names) = 0"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO products (slug, name, description, category_id, price_cents, stock, image_path, created_at,
                               option_values, option_values_en, variant_of)
         SELECT p.slug || '-' || c.suffix, p.name, p.description, p.category_id, p.price_cents + c.extra,
                p.stock, p.image_path, p.created_at, ARRAY[c.fr], ARRAY[c.en], p.id
         FROM products p
         CROSS JOIN (VALUES ('blanc', 'Blanc', 'White', 0), ('bleu', 'Bleu', 'Blue', 500)) AS c(suffix, fr, en, extra)
         WHERE p.slug LIKE 'gen-%' AND p.variant_of IS NULL AND p.option_names = '{Couleur}'
         ON CONFLICT (slug) DO NOTHING"
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query!("ANALYZE products").execute(pool).await?;
    Ok(inserted)
}
