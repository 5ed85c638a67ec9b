//! The dependency rule, checked on the source text: a shared module
//! (`country`, `error`, `i18n`, `ids`, `order_status`, `paging`, `pricing`, `ui`, `state`, `sql`) imports no concern. Concerns may
//! import the shared modules, never the other way round, so the floors
//! point one way and no import circle can form through them.
//!
//! A grep-level check: it reads the files, not the compiler's view, and
//! looks for paths into a concern (`crate::auth…`, `crate::{…, auth, …}`,
//! `super::super::auth…`) outside comments.

use std::path::{Path, PathBuf};

/// Modules every concern may use; they import no concern.
const SHARED: &[&str] = &[
    "src/country.rs",
    "src/error.rs",
    "src/i18n",
    "src/ids.rs",
    "src/order_status.rs",
    "src/paging.rs",
    "src/pricing",
    "src/ui",
    "src/state.rs",
    "src/ttl_cache.rs",
    "src/sql.rs",
];

/// The concerns, and the page frame that assembles them.
const CONCERNS: &[&str] = &[
    "auth",
    "users",
    "products",
    "basket",
    "payment",
    "mail",
    "admin",
    "operator",
    "inventory",
    "drops",
    "delivery",
    "addresses",
    "promotions",
    "invoices",
    "api_tokens",
    "webhooks",
    "frame",
];

/// Imports of a concern that a shared module still has: (file, path).
/// Each is a known debt of issue 22; pay it, then remove it here (the
/// check fails while an exception is no longer needed).
const KNOWN_DEBTS: &[(&str, &str)] = &[
    // Known debt of issue 22: `AppState` holds the payment provider
    // (`Arc<dyn PaymentGateway>`, whose trait takes payment's `Card`) and
    // `AppState::new` builds the test card processor. Paying it moves the
    // gateway's trait and card types to a leaf, or the default provider
    // out of `state`.
    ("src/state.rs", "crate::payment::gateway"),
];

/// A line of a shared file that names a concern.
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    file: String,
    line: usize,
    path: String,
    text: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "app/{}:{}: imports {}: {}",
            self.file,
            self.line,
            self.path,
            self.text.trim()
        )
    }
}

/// The code of a line, without its comment (`//` at the start or after a
/// space: `https://` in a string stays).
fn code_of(line: &str) -> &str {
    if line.trim_start().starts_with("//") {
        return "";
    }
    match line.find(" //") {
        Some(comment) => &line[..comment],
        None => line,
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `text` starts with the concern `name` as a whole identifier.
fn starts_with_word(text: &str, name: &str) -> bool {
    text.strip_prefix(name)
        .is_some_and(|rest| !rest.starts_with(is_ident_char))
}

/// The concerns that `code` reaches: through `crate::`, `super::super::`
/// (from a file one folder down), or a group `crate::{…}` (which may run
/// over the following lines, given in `rest`).
fn concerns_named(code: &str, rest: &str) -> Vec<String> {
    let mut found = Vec::new();
    for root in ["crate::", "super::super::"] {
        for (at, _) in code.match_indices(root) {
            if at > 0 && code[..at].ends_with(is_ident_char) {
                continue;
            }
            let after = &code[at + root.len()..];
            if let Some(group) = after.strip_prefix('{') {
                // The group, up to its closing brace, possibly on later lines.
                let mut text = group.to_owned();
                text.push('\n');
                text.push_str(rest);
                let group = text.split('}').next().unwrap_or_default();
                for item in group.split(',') {
                    let item = item.trim();
                    for concern in CONCERNS {
                        if starts_with_word(item, concern) {
                            found.push(format!("{root}{concern}"));
                        }
                    }
                }
            } else {
                for concern in CONCERNS {
                    if starts_with_word(after, concern) {
                        // The path as written, up to its end, for the exceptions.
                        let end = after
                            .find(|c: char| !(is_ident_char(c) || c == ':'))
                            .unwrap_or(after.len());
                        found.push(format!("{root}{}", after[..end].trim_end_matches(':')));
                    }
                }
            }
        }
    }
    found
}

/// The violations in one file's text.
fn violations_in(file: &str, source: &str) -> Vec<Violation> {
    let lines: Vec<&str> = source.lines().collect();
    let mut violations = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let code = code_of(line);
        let rest: String = lines[index + 1..]
            .iter()
            .take(20)
            .map(|l| code_of(l))
            .collect::<Vec<_>>()
            .join("\n");
        for path in concerns_named(code, &rest) {
            violations.push(Violation {
                file: file.to_owned(),
                line: index + 1,
                path,
                text: (*line).to_owned(),
            });
        }
    }
    violations
}

fn rust_files(path: &Path, into: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .and_then(|entries| entries.map(|entry| entry.map(|entry| entry.path())).collect())
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        entries.sort();
        for entry in entries {
            rust_files(&entry, into);
        }
    } else if path.extension().is_some_and(|ext| ext == "rs") {
        into.push(path.to_owned());
    }
}

fn is_known_debt(violation: &Violation) -> bool {
    KNOWN_DEBTS
        .iter()
        .any(|(file, path)| violation.file == *file && violation.path.starts_with(path))
}

#[test]
fn shared_modules_import_no_concern() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for shared in SHARED {
        let path = root.join(shared);
        assert!(path.exists(), "{shared} is gone: update SHARED in this test");
        rust_files(&path, &mut files);
    }
    let mut violations = Vec::new();
    for path in &files {
        let source = std::fs::read_to_string(path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let name = path
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        violations.extend(violations_in(&name, &source));
    }
    let (debts, new): (Vec<_>, Vec<_>) = violations.into_iter().partition(is_known_debt);
    let report: Vec<String> = new.iter().map(ToString::to_string).collect();
    assert!(
        report.is_empty(),
        "shared modules must not import a concern (move what both need to a leaf module):\n{}",
        report.join("\n")
    );
    for (file, path) in KNOWN_DEBTS {
        assert!(
            debts
                .iter()
                .any(|debt| debt.file == *file && debt.path.starts_with(path)),
            "{file} no longer imports {path}: remove it from KNOWN_DEBTS"
        );
    }
}

#[test]
fn the_check_sees_every_way_of_naming_a_concern() {
    let named = |source: &str| {
        violations_in("src/ui/x.rs", source)
            .into_iter()
            .map(|violation| (violation.line, violation.path))
            .collect::<Vec<_>>()
    };
    assert_eq!(named("use crate::auth::db;"), [(1, "crate::auth::db".to_owned())]);
    assert_eq!(
        named("    let s = crate::basket::service::x();"),
        [(1, "crate::basket::service::x".to_owned())]
    );
    assert_eq!(
        named("use crate::{\n    error::AppError,\n    payment::model::Card,\n};"),
        [(1, "crate::payment".to_owned())]
    );
    assert_eq!(
        named("use super::super::mail::outbox;"),
        [(1, "super::super::mail::outbox".to_owned())]
    );
    assert!(named("use crate::error::AppError;\nuse crate::i18n::Locale;").is_empty());
    assert!(named("// see crate::auth::guard").is_empty(), "a comment");
    assert!(named("use crate::authors;").is_empty(), "another name");
    assert!(named("let url = \"https://x\"; // crate::auth").is_empty());
}
