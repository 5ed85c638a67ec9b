//! Small SQL helpers shared by the services.

/// An ILIKE pattern matching `query` anywhere, its wildcards escaped.
pub fn contains_pattern(query: &str) -> String {
    format!(
        "%{}%",
        query
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}
