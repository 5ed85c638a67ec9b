//! An uploaded photo resized into the gallery's widths, on the server:
//! decoded within limits (a small file may describe a huge picture), laid
//! on white (JPEG has no transparency), each width encoded as JPEG.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};

use app::products::gallery::db::Rendition;
use app::products::gallery::model::{MIN_PHOTO_WIDTH, PHOTO_WIDTHS};

/// Longest side a photo may have, in pixels.
const MAX_SIDE: u32 = 10_000;
/// Memory one decoding may take.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// JPEG quality of the renditions: no visible loss on a product photo.
const QUALITY: u8 = 82;
/// Changes when the renditions of the same upload would change, so their
/// URLs (cached for a year) change too.
const PIPELINE: &[u8] = b"renditions v1: 160/320/640/1280 jpeg q82 catmull-rom";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    /// Not a picture the decoder reads, or larger than the limits.
    Unreadable,
    /// Narrower than a sharp card needs.
    TooSmall,
}

impl PhotoError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unreadable => "unreadable",
            Self::TooSmall => "small",
        }
    }
}

/// An upload ready to store: its hash and its renditions, narrowest first.
pub struct Prepared {
    pub hash: String,
    pub renditions: Vec<Rendition>,
}

/// Decodes, checks and resizes an upload. Takes a while for a large photo:
/// call it off the async threads.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, PhotoError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::Unreadable)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| PhotoError::Unreadable)?;
    if image.width() < MIN_PHOTO_WIDTH {
        return Err(PhotoError::TooSmall);
    }
    let flat = on_white(&image);
    let mut renditions = Vec::with_capacity(PHOTO_WIDTHS.len());
    for width in PHOTO_WIDTHS.into_iter().filter(|&width| width <= flat.width()) {
        let height = scaled_height(flat.width(), flat.height(), width);
        let resized = image::imageops::resize(&flat, width, height, FilterType::CatmullRom);
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
            .encode_image(&resized)
            .map_err(|_| PhotoError::Unreadable)?;
        renditions.push(Rendition {
            width,
            height,
            bytes: jpeg,
        });
    }
    Ok(Prepared {
        hash: content_hash(bytes),
        renditions,
    })
}

/// The first 32 hex digits of the SHA-256 of the pipeline and the upload.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::new()
        .chain_update(PIPELINE)
        .chain_update(bytes)
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    let scaled = (u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

/// The picture's colours laid on white.
fn on_white(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a)) + 127) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbaImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbaImage::from_fn(width, height, |x, _| image::Rgba([(x % 256) as u8, 40, 90, 128]));
        let mut bytes = Vec::new();
        picture
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .expect("encode");
        bytes
    }

    #[test]
    fn a_photo_is_resized_to_every_width_it_covers_keeping_its_shape() {
        let prepared = prepare(&png(1000, 750)).expect("prepared");
        let sizes: Vec<(u32, u32)> = prepared.renditions.iter().map(|r| (r.width, r.height)).collect();
        assert_eq!(
            sizes,
            [(160, 120), (320, 240), (640, 480)],
            "no 1280 from a 1000-pixel upload"
        );
        for rendition in &prepared.renditions {
            let decoded = image::load_from_memory(&rendition.bytes).expect("a JPEG");
            assert_eq!(
                (decoded.width(), decoded.height()),
                (rendition.width, rendition.height)
            );
        }
        assert_eq!(prepared.hash.len(), 32);
        assert_eq!(
            prepared.hash,
            content_hash(&png(1000, 750)),
            "same bytes, same name"
        );
        assert_ne!(prepared.hash, content_hash(&png(1000, 751)));
    }

    #[test]
    fn narrow_or_unreadable_uploads_are_refused() {
        assert_eq!(prepare(&png(639, 639)).err(), Some(PhotoError::TooSmall));
        assert_eq!(
            prepare(b"\x89PNG\r\n\x1a\nnot really").err(),
            Some(PhotoError::Unreadable)
        );
        assert_eq!(prepare(b"").err(), Some(PhotoError::Unreadable));
    }

    #[test]
    fn a_picture_claiming_to_be_huge_is_refused_before_it_is_decoded() {
        // A valid PNG header announcing 50 000 × 50 000 pixels.
        let mut header = png(1, 1);
        header[16..20].copy_from_slice(&50_000_u32.to_be_bytes());
        header[20..24].copy_from_slice(&50_000_u32.to_be_bytes());
        assert_eq!(prepare(&header).err(), Some(PhotoError::Unreadable));
    }

    #[test]
    fn transparency_becomes_white() {
        let clear = DynamicImage::ImageRgba8(RgbaImage::from_pixel(2, 2, image::Rgba([0, 0, 0, 0])));
        assert_eq!(on_white(&clear).get_pixel(0, 0).0, [255, 255, 255]);
        let half = DynamicImage::ImageRgba8(RgbaImage::from_pixel(2, 2, image::Rgba([0, 0, 0, 128])));
        assert_eq!(on_white(&half).get_pixel(0, 0).0, [127, 127, 127]);
    }
}
