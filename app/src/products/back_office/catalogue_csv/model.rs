//! The catalogue as a CSV file: its columns, a row read and checked, and
//! the report of an import's dry run (what each row would change, and why
//! a row is refused), shown before anything is written.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::error::Format;
use crate::error::Rule;
#[cfg(feature = "ssr")]
use crate::pricing::parse_euros;

/// The file's columns, in the order the export writes them. An import reads
/// them by name: any order, every one present.
pub const COLUMNS: [&str; 17] = [
    "sku",
    "product",
    "name",
    "name_en",
    "description",
    "description_en",
    "category",
    "options",
    "options_en",
    "values",
    "values_en",
    "price",
    "stock",
    "max_per_order",
    "max_per_customer",
    "hold_minutes",
    "image",
];

/// Separates option names and values inside one cell: "Couleur|Capacité".
pub const LIST_SEPARATOR: char = '|';

/// Most data rows an import takes.
pub const MAX_ROWS: usize = 50_000;

/// One row of the file once every cell is checked. `product` is the SKU of
/// the product a variant belongs to; empty for a product (or its first variant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    /// The file's line (the header is line 1).
    pub line: u64,
    pub sku: String,
    pub product: Option<String>,
    pub name: String,
    pub name_en: String,
    pub description: String,
    pub description_en: String,
    pub category: String,
    pub options: Vec<String>,
    pub options_en: Vec<String>,
    pub values: Vec<String>,
    pub values_en: Vec<String>,
    pub price_cents: i64,
    pub stock: i32,
    pub max_per_order: i32,
    pub max_per_customer: Option<i32>,
    pub hold_minutes: Option<i32>,
}

/// Why a row (or the file) cannot be imported: where, and which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub problem: Problem,
}

/// What is wrong with a cell, or with the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    /// The cell breaks one of the shop's rules, as a form field would.
    Rule(Rule),
    /// The header lacks this column.
    MissingColumn,
    /// Not a CSV file in UTF-8, or a row of the wrong width.
    Unreadable,
    TooManyRows,
    /// The SKU appears on an earlier line of the file.
    DuplicateSku,
    /// No category has this slug.
    UnknownCategory,
    /// The variant's product is neither in the shop nor earlier in the file.
    UnknownProduct,
    /// A variant of a variant, or a product that names itself.
    NotAProduct,
    /// The variant's values do not match its product's options in number.
    ValuesDoNotMatchOptions,
    /// The options of a product with variants cannot change by import.
    OptionsChanged,
    /// Another product already has the address this row would get.
    SlugTaken,
}

impl Problem {
    /// The reason, in the reader's language.
    pub fn describe(&self, t: &crate::i18n::Messages) -> String {
        let text = match self {
            Self::Rule(rule) => return t.rule(rule),
            Self::MissingColumn => t.import_missing_column,
            Self::Unreadable => t.import_unreadable,
            Self::TooManyRows => t.import_too_many_rows,
            Self::DuplicateSku => t.import_duplicate_sku,
            Self::UnknownCategory => t.import_unknown_category,
            Self::UnknownProduct => t.import_unknown_product,
            Self::NotAProduct => t.import_not_a_product,
            Self::ValuesDoNotMatchOptions => t.import_values_mismatch,
            Self::OptionsChanged => t.import_options_changed,
            Self::SlugTaken => t.import_slug_taken,
        };
        text.to_owned()
    }
}

/// What importing a row does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Created,
    /// The columns that change.
    Updated(Vec<String>),
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    pub line: u64,
    pub sku: String,
    pub change: Change,
}

/// An import as the back office shows it: the dry run's outcome of every
/// row, or the errors that stop it; applied once confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    pub file_name: String,
    pub rows: Vec<RowOutcome>,
    pub errors: Vec<RowError>,
    pub applied: bool,
    /// How a long import's application in the background goes, if it started.
    #[serde(default)]
    pub run: Option<ImportRun>,
}

/// Files of more rows than this are applied in the background, their
/// page showing the progress; smaller ones while the administrator waits.
pub const BACKGROUND_ROWS: usize = 1_000;

/// A long import's application, as its page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRun {
    pub done: i32,
    pub total: i32,
    pub state: RunState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunState {
    Running,
    Applied,
    /// The shop changed since the dry run: nothing was written.
    Outdated,
    /// An internal error: nothing was written; it may be tried again.
    Failed,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Applied => "applied",
            Self::Outdated => "outdated",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "running" => Self::Running,
            "applied" => Self::Applied,
            "outdated" => Self::Outdated,
            _ => Self::Failed,
        }
    }
}

impl ImportReport {
    /// Rows created, updated and unchanged.
    pub fn tally(&self) -> (usize, usize, usize) {
        tally(&self.rows)
    }
}

/// Rows created, updated and unchanged.
pub fn tally(rows: &[RowOutcome]) -> (usize, usize, usize) {
    let count = |wanted: fn(&Change) -> bool| rows.iter().filter(|row| wanted(&row.change)).count();
    (
        count(|c| matches!(c, Change::Created)),
        count(|c| matches!(c, Change::Updated(_))),
        count(|c| matches!(c, Change::Unchanged)),
    )
}

/// Reads the file: every row checked, every error collected (up to a
/// bound), nothing else looked up. The shop's state is checked by the plan.
#[cfg(feature = "ssr")]
pub fn read_file(bytes: &[u8]) -> Result<Vec<CsvRow>, Vec<RowError>> {
    const MAX_ERRORS: usize = 200;
    let file_error = |problem: Problem, column: &str| {
        vec![RowError {
            line: 1,
            column: column.to_owned(),
            problem,
        }]
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|_| file_error(Problem::Unreadable, ""))?
        .clone();
    let mut position = std::collections::HashMap::new();
    for column in COLUMNS {
        let index = header
            .iter()
            .position(|name| name.trim() == column)
            .ok_or_else(|| file_error(Problem::MissingColumn, column))?;
        position.insert(column, index);
    }
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        if rows.len() + errors.len() >= MAX_ROWS {
            return Err(vec![RowError {
                line,
                column: String::new(),
                problem: Problem::TooManyRows,
            }]);
        }
        let record = match record {
            Ok(record) => record,
            Err(_) => {
                errors.push(RowError {
                    line,
                    column: String::new(),
                    problem: Problem::Unreadable,
                });
                continue;
            }
        };
        let cells: std::collections::HashMap<&str, &str> = position
            .iter()
            .map(|(&column, &i)| (column, record.get(i).unwrap_or("").trim()))
            .collect();
        match read_row(line, &cells) {
            Ok(row) => rows.push(row),
            Err(error) => errors.push(error),
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// One row's cells, checked as the product form checks its fields.
#[cfg(feature = "ssr")]
fn read_row(line: u64, cells: &std::collections::HashMap<&str, &str>) -> Result<CsvRow, RowError> {
    let cell = |column: &str| cells.get(column).copied().unwrap_or("");
    let error = |column: &str, rule: Rule| RowError {
        line,
        column: column.to_owned(),
        problem: Problem::Rule(rule),
    };
    let text = |column: &str, min: u32, max: u32| -> Result<String, RowError> {
        let value = cell(column);
        let length = value.chars().count() as u32;
        let multiline = column.starts_with("description");
        let bad_char = value
            .chars()
            .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')));
        if length < min || length > max || bad_char {
            return Err(error(column, Rule::Length { min, max }));
        }
        Ok(value.to_owned())
    };
    let list = |column: &str| -> Result<Vec<String>, RowError> {
        let value = text(column, 0, 300)?;
        if value.is_empty() {
            return Ok(Vec::new());
        }
        let items: Vec<String> = value
            .split(LIST_SEPARATOR)
            .map(|item| item.trim().to_owned())
            .collect();
        if items.len() > 3
            || items
                .iter()
                .any(|item| item.is_empty() || item.chars().count() > 40)
        {
            return Err(error(column, Rule::Format(Format::PlainText)));
        }
        Ok(items)
    };
    let number = |column: &str, min: i64, max: i64| -> Result<i64, RowError> {
        cell(column)
            .parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| error(column, Rule::OutOfRange { min, max }))
    };
    let optional = |column: &str, max: i64| -> Result<Option<i32>, RowError> {
        if cell(column).is_empty() {
            return Ok(None);
        }
        Ok(Some(number(column, 1, max)? as i32))
    };
    let sku = cell("sku");
    if sku.is_empty()
        || sku.len() > 64
        || !sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(error("sku", Rule::Format(Format::PlainText)));
    }
    let product = Some(cell("product").to_owned()).filter(|p| !p.is_empty() && p != sku);
    let row = CsvRow {
        line,
        sku: sku.to_owned(),
        product,
        name: text("name", 1, 200)?,
        name_en: text("name_en", 0, 200)?,
        description: text("description", 0, 5000)?,
        description_en: text("description_en", 0, 5000)?,
        category: text("category", 1, 80)?,
        options: list("options")?,
        options_en: list("options_en")?,
        values: list("values")?,
        values_en: list("values_en")?,
        price_cents: parse_euros(cell("price")).ok_or_else(|| error("price", Rule::Format(Format::Price)))?,
        stock: number("stock", 0, i64::from(crate::inventory::MAX_STOCK))? as i32,
        max_per_order: number("max_per_order", 1, 100)? as i32,
        max_per_customer: optional("max_per_customer", 100)?,
        hold_minutes: optional("hold_minutes", 120)?,
    };
    if row.options.len() != row.values.len() && row.product.is_none() {
        return Err(RowError {
            line,
            column: "values".to_owned(),
            problem: Problem::ValuesDoNotMatchOptions,
        });
    }
    if !row.options_en.is_empty() && row.options_en.len() != row.options.len() {
        return Err(error("options_en", Rule::Format(Format::PlainText)));
    }
    if !row.values_en.is_empty() && row.values_en.len() != row.values.len() {
        return Err(error("values_en", Rule::Format(Format::PlainText)));
    }
    Ok(row)
}

/// Writes rows of cells as CSV (UTF-8, a header first).
#[cfg(feature = "ssr")]
pub fn write_file(rows: impl IntoIterator<Item = [String; 17]>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for row in rows {
        writer.write_record(&row)?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn file(rows: &[&str]) -> Vec<u8> {
        let mut text = COLUMNS.join(",");
        for row in rows {
            text.push('\n');
            text.push_str(row);
        }
        text.into_bytes()
    }

    #[test]
    fn a_written_file_reads_back_row_for_row() {
        let cells = |sku: &str, product: &str, values: &str| {
            [
                sku,
                product,
                "T-shirt, \"rétro\"",
                "Retro T-shirt",
                "Coton bio,\nlavable.",
                "",
                "jeux-video",
                "Taille",
                "Size",
                values,
                values,
                "24,99",
                "12",
                "3",
                "",
                "15",
                "/images/t.svg",
            ]
            .map(str::to_owned)
        };
        let bytes = write_file([cells("TEE-S", "", "S"), cells("TEE-M", "TEE-S", "M")]).expect("written");
        let rows = read_file(&bytes).expect("read");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "T-shirt, \"rétro\"");
        assert_eq!(rows[0].description, "Coton bio,\nlavable.");
        assert_eq!(rows[0].product, None);
        assert_eq!(rows[1].product.as_deref(), Some("TEE-S"));
        assert_eq!(
            (rows[1].price_cents, rows[1].stock, rows[1].hold_minutes),
            (2499, 12, Some(15))
        );
        assert_eq!(rows[1].max_per_customer, None);
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_line_and_column() {
        let good = "A-1,,Nom,,,,livres,,,,,12,3,1,,,";
        let errors = read_file(&file(&[
            good,
            "B 2,,Nom,,,,livres,,,,,12,3,1,,,",
            "C-3,,,,,,livres,,,,,12,3,1,,,",
            "D-4,,Nom,,,,livres,,,,,12.345,3,1,,,",
            "E-5,,Nom,,,,livres,,,,,12,-1,1,,,",
            "F-6,,Nom,,,,livres,,,,,12,3,0,,,",
            "G-7,,Nom,,,,livres,Taille,,,,12,3,1,,,",
            "H-8,,Nom,,,,livres,,,,,12,3",
        ]))
        .expect_err("refused");
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            found,
            [
                (3, "sku"),
                (4, "name"),
                (5, "price"),
                (6, "stock"),
                (7, "max_per_order"),
                (8, "values"),
                (9, "")
            ]
        );
        assert_eq!(errors[6].problem, Problem::Unreadable);
    }

    #[test]
    fn a_file_without_a_column_is_refused_whole() {
        let errors = read_file(b"sku,name\nA,B").expect_err("refused");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].problem, Problem::MissingColumn);
        assert_eq!(errors[0].column, "product");
    }
}
