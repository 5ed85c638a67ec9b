//! Photos and the URLs of their renditions.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Format, Rule};
use crate::i18n::Locale;

/// Widths every photo is resized to (those not wider than the upload):
/// a thumbnail, a card, a phone's product page, a large screen's.
pub const PHOTO_WIDTHS: [u32; 4] = [THUMB_WIDTH, CARD_WIDTH, 640, 1280];
/// The thumbnails under a product's photo.
pub const THUMB_WIDTH: u32 = 160;
/// A card's photo (and a product's `image_path` once it has photos).
pub const CARD_WIDTH: u32 = 320;
/// Narrowest upload accepted: a card on a sharp screen shows 640 pixels.
pub const MIN_PHOTO_WIDTH: u32 = 640;
/// Most photos one product shows.
pub const MAX_PHOTOS: usize = 12;
/// Longest alt text, in characters.
pub const MAX_ALT_CHARS: usize = 200;
/// What the product page's photo is as wide as, for the browser to pick a
/// rendition before it has laid the page out.
pub const PRODUCT_PHOTO_SIZES: &str = "(min-width: 900px) 560px, 100vw";

/// One photo of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub id: i64,
    /// Names the uploaded bytes: the renditions' URLs change with them.
    pub hash: String,
    pub alt: String,
    pub alt_en: String,
    /// French option values the photo shows; empty: every variant.
    pub values: Vec<String>,
    /// (width, height) of each rendition, narrowest first.
    pub sizes: Vec<(u32, u32)>,
}

impl Photo {
    pub fn alt(&self, locale: Locale) -> &str {
        locale.pick(&self.alt, &self.alt_en)
    }

    /// Whether the photo shows the variant with these values.
    pub fn shows(&self, chosen: &[String]) -> bool {
        self.values.iter().all(|value| chosen.contains(value))
    }

    /// The rendition a browser without `srcset` gets, with its size: the
    /// 640-pixel one (every photo has it).
    pub fn fallback(&self) -> (String, u32, u32) {
        let (width, height) = self
            .sizes
            .iter()
            .copied()
            .find(|&(width, _)| width >= MIN_PHOTO_WIDTH)
            .or_else(|| self.sizes.last().copied())
            .unwrap_or((MIN_PHOTO_WIDTH, MIN_PHOTO_WIDTH));
        (photo_url(&self.hash, width), width, height)
    }

    /// The widest rendition, for sharing and structured data.
    pub fn largest(&self) -> String {
        let width = self.sizes.last().map_or(MIN_PHOTO_WIDTH, |&(width, _)| width);
        photo_url(&self.hash, width)
    }

    pub fn srcset(&self) -> String {
        self.sizes
            .iter()
            .map(|&(width, _)| format!("{} {width}w", photo_url(&self.hash, width)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The photos a variant's page shows: those tied to its values first,
/// then those of every variant, each group in the gallery's order.
pub fn photos_for(photos: Vec<Photo>, chosen: &[String]) -> Vec<Photo> {
    let (mut tied, untied): (Vec<Photo>, Vec<Photo>) = photos
        .into_iter()
        .filter(|photo| photo.shows(chosen))
        .partition(|photo| !photo.values.is_empty());
    tied.extend(untied);
    tied
}

/// Where photos' renditions are served.
pub const PHOTO_PREFIX: &str = "/media/photos/";
/// What a product without a picture shows.
pub const PLACEHOLDER: &str = "/images/products/placeholder.svg";

/// Where a rendition is served: `/media/photos/{hash}-{width}.jpg`.
pub fn photo_url(hash: &str, width: u32) -> String {
    format!("{PHOTO_PREFIX}{hash}-{width}.jpg")
}

/// The hash and width a rendition's file name carries; `None` for any
/// other name.
pub fn parse_photo_file(file: &str) -> Option<(&str, u32)> {
    let (hash, width) = file.strip_suffix(".jpg")?.split_once('-')?;
    let width: u32 = width.parse().ok()?;
    (is_photo_hash(hash) && PHOTO_WIDTHS.contains(&width)).then_some((hash, width))
}

pub fn is_photo_hash(hash: &str) -> bool {
    hash.len() == 32
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The `srcset` of a card's image: a photo's card rendition (what a
/// product's `image_path` names once it has photos) and its 640-pixel one,
/// which every photo has. `None` for a drawn (SVG) image.
pub fn card_srcset(image_path: &str) -> Option<String> {
    let file = image_path.strip_prefix(PHOTO_PREFIX)?;
    let (hash, width) = parse_photo_file(file)?;
    (width == CARD_WIDTH).then(|| {
        format!(
            "{image_path} {CARD_WIDTH}w, {} {MIN_PHOTO_WIDTH}w",
            photo_url(hash, MIN_PHOTO_WIDTH)
        )
    })
}

/// An alt text as typed: trimmed, at most 200 characters, no control character.
pub fn parse_alt(field: &'static str, raw: &str) -> Result<String, AppError> {
    let alt = raw.trim();
    if alt.chars().count() > MAX_ALT_CHARS {
        return Err(AppError::validation(
            field,
            Rule::TooLong {
                max: MAX_ALT_CHARS as u32,
            },
        ));
    }
    if alt.chars().any(char::is_control) {
        return Err(AppError::validation(field, Rule::Format(Format::PlainText)));
    }
    Ok(alt.to_owned())
}

/// A product's gallery as the back office edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryEditing {
    /// The product the gallery belongs to (a variant's product).
    pub product_id: i64,
    pub photos: Vec<Photo>,
    /// Every option value of the product's variants, in French: what a
    /// photo may be tied to.
    pub values: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "0123456789abcdef0123456789abcdef";

    fn photo(values: &[&str]) -> Photo {
        Photo {
            id: 1,
            hash: HASH.to_owned(),
            alt: "Téléphone noir".to_owned(),
            alt_en: String::new(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            sizes: vec![(160, 120), (320, 240), (640, 480), (1280, 960)],
        }
    }

    #[test]
    fn rendition_names_carry_a_content_hash_and_a_known_width() {
        assert_eq!(parse_photo_file(&format!("{HASH}-640.jpg")), Some((HASH, 640)));
        assert_eq!(parse_photo_file(&format!("{HASH}-641.jpg")), None);
        assert_eq!(parse_photo_file(&format!("{HASH}-640.png")), None);
        assert_eq!(parse_photo_file("../../etc/passwd-640.jpg"), None);
        assert_eq!(
            parse_photo_file(&format!("{}-640.jpg", HASH.to_uppercase())),
            None
        );
        assert_eq!(parse_photo_file("-640.jpg"), None);
    }

    #[test]
    fn a_photo_offers_its_widths_and_falls_back_to_640_pixels() {
        let photo = photo(&[]);
        assert_eq!(
            photo.srcset(),
            format!(
                "/media/photos/{HASH}-160.jpg 160w, /media/photos/{HASH}-320.jpg 320w, \
                 /media/photos/{HASH}-640.jpg 640w, /media/photos/{HASH}-1280.jpg 1280w"
            )
        );
        assert_eq!(
            photo.fallback(),
            (format!("/media/photos/{HASH}-640.jpg"), 640, 480)
        );
        assert_eq!(photo.largest(), format!("/media/photos/{HASH}-1280.jpg"));
    }

    #[test]
    fn cards_get_a_srcset_for_photos_only() {
        assert_eq!(
            card_srcset(&format!("/media/photos/{HASH}-320.jpg")),
            Some(format!(
                "/media/photos/{HASH}-320.jpg 320w, /media/photos/{HASH}-640.jpg 640w"
            ))
        );
        assert_eq!(card_srcset("/images/products/ps5.svg"), None);
        assert_eq!(card_srcset("/media/12"), None);
    }

    #[test]
    fn a_variant_shows_its_own_photos_first_then_the_shared_ones() {
        let shared = Photo { id: 1, ..photo(&[]) };
        let black = Photo {
            id: 2,
            ..photo(&["Noir"])
        };
        let blue = Photo {
            id: 3,
            ..photo(&["Bleu"])
        };
        let black_256 = Photo {
            id: 4,
            ..photo(&["Noir", "256 Go"])
        };
        let all = vec![shared, black, blue, black_256];
        let ids = |chosen: &[&str]| {
            let chosen: Vec<String> = chosen.iter().map(|v| (*v).to_owned()).collect();
            photos_for(all.clone(), &chosen)
                .iter()
                .map(|p| p.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&["Noir", "128 Go"]), [2, 1]);
        assert_eq!(ids(&["Noir", "256 Go"]), [2, 4, 1]);
        assert_eq!(ids(&["Bleu", "256 Go"]), [3, 1]);
        assert_eq!(ids(&[]), [1]);
    }

    #[test]
    fn alt_texts_are_plain_and_short() {
        assert_eq!(
            parse_alt("alt", "  Vue de dos ").ok(),
            Some("Vue de dos".to_owned())
        );
        assert!(parse_alt("alt", &"a".repeat(201)).is_err());
        assert!(parse_alt("alt", "a\u{0}b").is_err());
        assert_eq!(
            parse_alt("alt", "<script>").ok(),
            Some("<script>".to_owned()),
            "escaped where shown, kept as typed"
        );
    }
}
