//! The one slug rule, for products and categories alike: what a URL may
//! name and what the back office may save. It is the migrations' CHECK
//! (`^[a-z0-9]+(-[a-z0-9]+)*$`) with a length: 1 to 80 bytes of lowercase
//! ASCII letters and digits, in words joined by single hyphens.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest slug, in bytes (all its characters are ASCII).
pub const MAX_LEN: usize = 80;

/// A slug that follows the rule; the only way to get one is `parse` (or
/// `from_name`, which makes one), so a `Slug` in hand was checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// `None` when `raw` breaks the rule: for a URL, simply nothing there.
    pub fn parse(raw: &str) -> Option<Self> {
        follows_rule(raw).then(|| Self(raw.to_owned()))
    }

    /// The slug an operator typed, or, when they left it blank, one made
    /// from the name ("Écran 27\" Pro" → "ecran-27-pro"). `None` when what
    /// they typed breaks the rule, or the name has no letter or digit.
    pub fn given_or_from_name(given: &str, name: &str) -> Option<Self> {
        match given.trim() {
            "" => Self::parse(&slugify(name)),
            given => Self::parse(given),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = &'static str;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        if follows_rule(&raw) {
            Ok(Self(raw))
        } else {
            Err("not a slug: lowercase letters and digits joined by single hyphens, at most 80")
        }
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

fn follows_rule(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= MAX_LEN
        && raw.split('-').all(|word| {
            !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A slug made from a name: accents folded, every run of other characters
/// one hyphen, cut at a word boundary to fit. Empty when the name has no
/// letter or digit.
fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(MAX_LEN);
    slug.trim_end_matches('-').to_owned()
}

fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' => "a",
        'ç' | 'Ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'í' | 'Î' | 'Ï' => "i",
        'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' => "o",
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => "u",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => "",
    };
    let keep = folded.is_empty().then_some(c);
    folded.chars().chain(keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_is_words_of_lowercase_letters_and_digits_joined_by_single_hyphens() {
        for good in [
            "ps5",
            "ps5-slim",
            "jeux-video",
            "a",
            "gen-100000",
            &"a".repeat(MAX_LEN),
        ] {
            assert!(Slug::parse(good).is_some(), "{good}");
        }
        let too_long = "a".repeat(MAX_LEN + 1);
        for bad in [
            "",
            "PS5",
            "ps5--slim",
            "-ps5",
            "ps5-",
            "a/b",
            "é",
            "a b",
            "a_b",
            "-",
            &too_long,
        ] {
            assert!(Slug::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_blank_slug_is_made_from_the_name_without_accents_or_punctuation() {
        let made = |name| Slug::given_or_from_name("", name).map(String::from);
        assert_eq!(
            made("Écran 27\" Pro — Édition Œuvre").as_deref(),
            Some("ecran-27-pro-edition-oeuvre")
        );
        assert_eq!(made("  PS5!! ").as_deref(), Some("ps5"));
        assert_eq!(made("!!!"), None);
        let long = made(&"mot ".repeat(40)).expect("a slug");
        assert!(long.len() <= MAX_LEN && !long.ends_with('-'), "{long}");
        assert_eq!(
            Slug::given_or_from_name(" ps5-pro ", "Autre")
                .map(String::from)
                .as_deref(),
            Some("ps5-pro")
        );
        assert_eq!(Slug::given_or_from_name("PS5 Pro", "Autre"), None);
    }

    #[test]
    fn a_slug_reads_from_json_only_when_it_follows_the_rule() {
        let slug: Slug = serde_json::from_str("\"ps5-slim\"").expect("a slug");
        assert_eq!(slug.as_str(), "ps5-slim");
        assert!(serde_json::from_str::<Slug>("\"PS5\"").is_err());
    }
}
