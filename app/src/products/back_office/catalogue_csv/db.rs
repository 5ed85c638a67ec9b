//! SQL of the catalogue's CSV: the export, the dry run's plan (every row
//! checked against the shop), the stored import, and applying it in one
//! transaction whose stock changes reach the ledger as "import".

use std::collections::{HashMap, HashSet};

use sqlx::{PgExecutor, Postgres, Transaction};

use super::model::{
    Change, CsvRow, ImportReport, ImportRun, Problem, RowError, RowOutcome, RunState, LIST_SEPARATOR,
};
use crate::ids::UserId;
use crate::products::back_office::model::price_input;
use crate::products::slug::Slug;

/// Every listed product row as the file's cells, each product's rows
/// together (the product first, then its variants).
pub async fn export_rows(db: impl PgExecutor<'_>) -> Result<Vec<[String; 17]>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT p.sku, coalesce(m.sku, '') AS "product!", p.name, p.name_en, p.description, p.description_en,
                  c.slug AS category, p.option_names, p.option_names_en, p.option_values, p.option_values_en,
                  p.price_cents, p.stock, p.max_per_order, p.max_per_customer, p.hold_minutes, p.image_path
           FROM products p
           JOIN categories c ON c.id = p.category_id
           LEFT JOIN products m ON m.id = p.variant_of
           WHERE p.archived_at IS NULL
           ORDER BY coalesce(p.variant_of, p.id), p.variant_of NULLS FIRST, p.id"#,
    )
    .fetch_all(db)
    .await?;
    let join = |items: &[String]| items.join(&LIST_SEPARATOR.to_string());
    let optional = |value: Option<i32>| value.map(|v| v.to_string()).unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|row| {
            [
                row.sku,
                row.product,
                row.name,
                row.name_en,
                row.description,
                row.description_en,
                row.category,
                join(&row.option_names),
                join(&row.option_names_en),
                join(&row.option_values),
                join(&row.option_values_en),
                price_input(row.price_cents),
                row.stock.to_string(),
                row.max_per_order.to_string(),
                optional(row.max_per_customer),
                optional(row.hold_minutes),
                row.image_path,
            ]
        })
        .collect())
}

/// A product row of the shop as an import compares it.
#[derive(Debug, Clone)]
struct Existing {
    id: i64,
    sku: String,
    slug: String,
    variant_of: Option<i64>,
    product_sku: Option<String>,
    variant_count: i32,
    name: String,
    name_en: String,
    description: String,
    description_en: String,
    category: String,
    option_names: Vec<String>,
    option_names_en: Vec<String>,
    option_values: Vec<String>,
    option_values_en: Vec<String>,
    price_cents: i64,
    stock: i32,
    max_per_order: i32,
    max_per_customer: Option<i32>,
    hold_minutes: Option<i32>,
}

/// What applying a row does, decided by the plan.
#[derive(Debug, Clone)]
pub enum Step {
    /// A new product (`variant_of` empty) or a new variant of the product
    /// with that SKU, at this address.
    Create {
        row: CsvRow,
        slug: String,
    },
    Update {
        row: CsvRow,
        id: i64,
    },
    Nothing,
}

/// Checks every row against the shop and decides what each does: created
/// (by SKU, unknown), updated (known, something differs) or unchanged.
/// Errors are collected for every row; one makes the whole file refused.
pub async fn plan(
    tx: &mut Transaction<'_, Postgres>,
    rows: Vec<CsvRow>,
) -> Result<(Vec<RowOutcome>, Vec<Step>, Vec<RowError>), sqlx::Error> {
    let skus: Vec<String> = rows.iter().map(|row| row.sku.clone()).collect();
    let products: Vec<String> = rows.iter().filter_map(|row| row.product.clone()).collect();
    let existing: HashMap<String, Existing> = sqlx::query_as!(
        Existing,
        r#"SELECT p.id, p.sku, p.slug, p.variant_of, m.sku AS "product_sku?", p.variant_count, p.name, p.name_en,
                  p.description, p.description_en, c.slug AS category, p.option_names, p.option_names_en,
                  p.option_values, p.option_values_en, p.price_cents, p.stock, p.max_per_order,
                  p.max_per_customer, p.hold_minutes
           FROM products p
           JOIN categories c ON c.id = p.category_id
           LEFT JOIN products m ON m.id = p.variant_of
           WHERE p.sku = ANY($1) AND p.archived_at IS NULL"#,
        &[skus.as_slice(), products.as_slice()].concat(),
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|row| (row.sku.clone(), row))
    .collect();
    let categories: HashSet<String> = sqlx::query_scalar!("SELECT slug FROM categories")
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect();

    // The addresses new rows would take, and those already taken.
    let mut wanted: Vec<(usize, String)> = Vec::new();
    let mut file_products: HashMap<String, (String, usize)> = HashMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    let (mut outcomes, mut steps, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for (index, row) in rows.into_iter().enumerate() {
        let error = |column: &str, problem: Problem| RowError {
            line: row.line,
            column: column.to_owned(),
            problem,
        };
        if !seen.insert(row.sku.clone()) {
            errors.push(error("sku", Problem::DuplicateSku));
            steps.push(Step::Nothing);
            continue;
        }
        if !categories.contains(&row.category) {
            errors.push(error("category", Problem::UnknownCategory));
            steps.push(Step::Nothing);
            continue;
        }
        // The options the row's values answer: its own, or its product's.
        let options = match &row.product {
            None => Ok(row.options.len()),
            Some(product) => match (existing.get(product), file_products.get(product)) {
                (Some(main), _) if main.variant_of.is_none() => Ok(main.option_names.len()),
                (Some(_), _) => Err(Problem::NotAProduct),
                (None, Some((_, options))) => Ok(*options),
                (None, None) => Err(Problem::UnknownProduct),
            },
        };
        let options = match options {
            Ok(options) => options,
            Err(problem) => {
                errors.push(error("product", problem));
                steps.push(Step::Nothing);
                continue;
            }
        };
        if row.values.len() != options {
            errors.push(error("values", Problem::ValuesDoNotMatchOptions));
            steps.push(Step::Nothing);
            continue;
        }
        match existing.get(&row.sku) {
            Some(current) => {
                if current.product_sku != row.product {
                    errors.push(error("product", Problem::NotAProduct));
                    steps.push(Step::Nothing);
                    continue;
                }
                if current.variant_of.is_none()
                    && current.variant_count > 0
                    && current.option_names != row.options
                {
                    errors.push(error("options", Problem::OptionsChanged));
                    steps.push(Step::Nothing);
                    continue;
                }
                let changed = changed_columns(current, &row);
                outcomes.push(RowOutcome {
                    line: row.line,
                    sku: row.sku.clone(),
                    change: if changed.is_empty() {
                        Change::Unchanged
                    } else {
                        Change::Updated(changed.clone())
                    },
                });
                steps.push(if changed.is_empty() {
                    Step::Nothing
                } else {
                    Step::Update { id: current.id, row }
                });
            }
            None => {
                let slug = match &row.product {
                    None => Slug::given_or_from_name("", &row.name).map(|s| s.as_str().to_owned()),
                    Some(product) => {
                        let main_slug = existing
                            .get(product)
                            .map(|main| main.slug.clone())
                            .or_else(|| file_products.get(product).map(|(slug, _)| slug.clone()));
                        let suffix = Slug::given_or_from_name("", &row.values.join(" "));
                        main_slug
                            .zip(suffix)
                            .map(|(main, suffix)| format!("{main}-{}", suffix.as_str()))
                    }
                };
                let Some(slug) = slug else {
                    errors.push(error(
                        "name",
                        Problem::Rule(crate::error::Rule::Format(crate::error::Format::Slug)),
                    ));
                    steps.push(Step::Nothing);
                    continue;
                };
                if row.product.is_none() {
                    file_products.insert(row.sku.clone(), (slug.clone(), row.options.len()));
                }
                wanted.push((index, slug.clone()));
                outcomes.push(RowOutcome {
                    line: row.line,
                    sku: row.sku.clone(),
                    change: Change::Created,
                });
                steps.push(Step::Create { row, slug });
            }
        }
    }
    // Addresses: taken in the shop, or twice in the file.
    let slugs: Vec<String> = wanted.iter().map(|(_, slug)| slug.clone()).collect();
    let taken: HashSet<String> =
        sqlx::query_scalar!("SELECT slug FROM products WHERE slug = ANY($1)", &slugs)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
    let mut planned = HashSet::new();
    for (index, slug) in wanted {
        if taken.contains(&slug) || !planned.insert(slug) {
            if let Step::Create { row, .. } = &steps[index] {
                errors.push(RowError {
                    line: row.line,
                    column: "name".to_owned(),
                    problem: Problem::SlugTaken,
                });
            }
        }
    }
    errors.sort_by_key(|error| error.line);
    Ok((outcomes, steps, errors))
}

/// The columns whose value the row changes.
fn changed_columns(current: &Existing, row: &CsvRow) -> Vec<String> {
    let mut changed = Vec::new();
    let mut check = |column: &str, differs: bool| {
        if differs {
            changed.push(column.to_owned());
        }
    };
    check("name", current.name != row.name);
    check("name_en", current.name_en != row.name_en);
    check("description", current.description != row.description);
    check("description_en", current.description_en != row.description_en);
    check("category", current.category != row.category);
    if current.variant_of.is_none() {
        check("options", current.option_names != row.options);
        check(
            "options_en",
            current.option_names_en != english(&row.options_en, &row.options),
        );
    }
    check("values", current.option_values != row.values);
    check(
        "values_en",
        current.option_values_en != english(&row.values_en, &row.values),
    );
    check("price", current.price_cents != row.price_cents);
    check("stock", current.stock != row.stock);
    check("max_per_order", current.max_per_order != row.max_per_order);
    check(
        "max_per_customer",
        current.max_per_customer != row.max_per_customer,
    );
    check("hold_minutes", current.hold_minutes != row.hold_minutes);
    changed
}

/// The English list, the French one where none was given.
fn english(english: &[String], french: &[String]) -> Vec<String> {
    if english.is_empty() {
        french.to_vec()
    } else {
        english.to_vec()
    }
}

/// Applies the plan's steps, in the file's order, inside the caller's
/// transaction (whose stock changes the caller has described as "import").
/// Rows between two progress reports of a background run.
const PROGRESS_EVERY: usize = 250;

/// Writes the plan; a background run (`progress`: the pool and the
/// import) reports how far it got every few hundred rows, outside the
/// transaction so that its page sees it.
pub async fn apply(
    tx: &mut Transaction<'_, Postgres>,
    steps: &[Step],
    progress: Option<(&sqlx::PgPool, i64)>,
) -> Result<(), sqlx::Error> {
    for (index, step) in steps.iter().enumerate() {
        if let Some((pool, id)) = progress.filter(|_| index > 0 && index % PROGRESS_EVERY == 0) {
            run_progress(pool, id, i32::try_from(index).unwrap_or(i32::MAX)).await?;
        }
        match step {
            Step::Nothing => {}
            Step::Update { row, id } => {
                sqlx::query!(
                    "UPDATE products SET name = $2, name_en = $3, description = $4, description_en = $5,
                         category_id = (SELECT id FROM categories WHERE slug = $6),
                         option_names = CASE WHEN variant_of IS NULL THEN $7 ELSE option_names END,
                         option_names_en = CASE WHEN variant_of IS NULL THEN $8 ELSE option_names_en END,
                         option_values = $9, option_values_en = $10, price_cents = $11, stock = $12,
                         max_per_order = $13, max_per_customer = $14, hold_minutes = $15
                     WHERE id = $1",
                    id,
                    row.name,
                    row.name_en,
                    row.description,
                    row.description_en,
                    row.category,
                    &row.options,
                    &english(&row.options_en, &row.options),
                    &row.values,
                    &english(&row.values_en, &row.values),
                    row.price_cents,
                    row.stock,
                    row.max_per_order,
                    row.max_per_customer,
                    row.hold_minutes,
                )
                .execute(&mut **tx)
                .await?;
            }
            Step::Create { row, slug } => {
                sqlx::query!(
                    "INSERT INTO products (slug, sku, name, name_en, description, description_en, category_id,
                                           option_names, option_names_en, option_values, option_values_en,
                                           price_cents, stock, max_per_order, max_per_customer, hold_minutes,
                                           image_path, variant_of)
                     SELECT $1, $2, $3, $4, $5, $6, c.id,
                            CASE WHEN $17::text IS NULL THEN $7::text[] ELSE '{}'::text[] END,
                            CASE WHEN $17::text IS NULL THEN $8::text[] ELSE '{}'::text[] END,
                            $9, $10, $11, $12, $13, $14, $15,
                            coalesce((SELECT image_path FROM products WHERE sku = $17), $16),
                            (SELECT id FROM products WHERE sku = $17)
                     FROM categories c WHERE c.slug = $18",
                    slug,
                    row.sku,
                    row.name,
                    row.name_en,
                    row.description,
                    row.description_en,
                    &row.options,
                    &english(&row.options_en, &row.options),
                    &row.values,
                    &english(&row.values_en, &row.values),
                    row.price_cents,
                    row.stock,
                    row.max_per_order,
                    row.max_per_customer,
                    row.hold_minutes,
                    crate::products::gallery::model::PLACEHOLDER,
                    row.product,
                    row.category,
                )
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}

/// Keeps an uploaded file and its dry run's report; returns the import's id.
pub async fn store_import(
    db: impl PgExecutor<'_>,
    admin: UserId,
    file_name: &str,
    bytes: &[u8],
    report: &ImportReport,
) -> Result<i64, sqlx::Error> {
    let report = serde_json::to_string(report).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    sqlx::query_scalar!(
        "INSERT INTO catalogue_imports (admin_id, file_name, file, report)
         VALUES ($1, $2, $3, $4::text::jsonb) RETURNING id",
        admin as UserId,
        file_name,
        bytes,
        report,
    )
    .fetch_one(db)
    .await
}

/// An import's report (its id set), if it exists.
pub async fn find_import(pool: &sqlx::PgPool, id: i64) -> Result<Option<ImportReport>, sqlx::Error> {
    let Some(row) = sqlx::query!(
        "SELECT report::text AS \"report!\", applied_at IS NOT NULL AS \"applied!\"
         FROM catalogue_imports WHERE id = $1",
        id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let mut report: ImportReport =
        serde_json::from_str(&row.report).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    report.id = id;
    report.applied = row.applied;
    report.run = sqlx::query!(
        "SELECT done, total, state FROM catalogue_import_runs WHERE import_id = $1",
        id
    )
    .fetch_optional(pool)
    .await?
    .map(|run| ImportRun {
        done: run.done,
        total: run.total,
        state: RunState::parse(&run.state),
    });
    Ok(Some(report))
}

/// Marks import `id` as being applied in the background, unless it already
/// is (a second click): `false` then. A run that failed, was outdated or
/// stopped moving for a minute (its instance stopped) may start again.
pub async fn claim_run(db: impl PgExecutor<'_>, id: i64, total: i32) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query_scalar!(
        "INSERT INTO catalogue_import_runs (import_id, total, state) VALUES ($1, $2, 'running')
         ON CONFLICT (import_id) DO UPDATE SET state = 'running', done = 0, total = $2, updated_at = now()
         WHERE catalogue_import_runs.state IN ('outdated', 'failed')
            OR (catalogue_import_runs.state = 'running' AND catalogue_import_runs.updated_at < now() - interval '1 minute')
         RETURNING import_id",
        id,
        total,
    )
    .fetch_optional(db)
    .await?;
    Ok(claimed.is_some())
}

/// How far a background run got; written outside its transaction.
pub async fn run_progress(db: impl PgExecutor<'_>, id: i64, done: i32) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE catalogue_import_runs SET done = $2, updated_at = now() WHERE import_id = $1",
        id,
        done
    )
    .execute(db)
    .await
    .map(drop)
}

/// How a background run ended.
pub async fn finish_run(db: impl PgExecutor<'_>, id: i64, state: RunState) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE catalogue_import_runs SET state = $2, done = CASE WHEN $2 = 'applied' THEN total ELSE done END,
                updated_at = now()
         WHERE import_id = $1",
        id,
        state.as_str()
    )
    .execute(db)
    .await
    .map(drop)
}

/// Takes a stored import to apply it: its file, once (`None` when unknown
/// or already applied). The row stays locked until the transaction ends.
pub async fn take_import(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE catalogue_imports SET applied_at = now() WHERE id = $1 AND applied_at IS NULL RETURNING file",
        id
    )
    .fetch_optional(&mut **tx)
    .await
}
