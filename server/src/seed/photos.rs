//! The demo catalogue's photos, drawn here (nothing is downloaded) and
//! put through the same resizing as an upload: the Galaxy Z Flip7 in each
//! of its colours, open and folded, tied to its colour; the PlayStation 5
//! in each edition and with its controller; the Pac-Man T-shirt.

use std::io::Cursor;

use anyhow::Context;
use image::{ImageFormat, Rgb, RgbImage};
use sqlx::PgPool;

use app::products::gallery::db as gallery;

/// Side of a drawn photo, in pixels (resized to 160, 320 and 640).
const SIDE: u32 = 960;

type Colour = [u8; 3];

const WHITE: Colour = [250, 250, 250];
const INK: Colour = [24, 26, 32];
const SCREEN: Colour = [30, 58, 96];

/// One drawn photo: what it shows, in both languages, tied to values.
struct Shot {
    slug: &'static str,
    alt: String,
    alt_en: String,
    values: Vec<&'static str>,
    draw: Box<dyn Fn(&mut Canvas)>,
}

/// Adds the demo photos to the demo products that have none; returns
/// how many it added.
pub async fn seed_demo_photos(pool: &PgPool) -> anyhow::Result<u64> {
    let mut added = 0;
    for shot in shots() {
        let Some(product_id) = sqlx::query_scalar!(
            "SELECT id FROM products WHERE slug = $1 AND variant_of IS NULL",
            shot.slug
        )
        .fetch_optional(pool)
        .await?
        else {
            continue;
        };
        let mut canvas = Canvas::new();
        (shot.draw)(&mut canvas);
        let png = canvas.png()?;
        let prepared = tokio::task::spawn_blocking(move || crate::media::prepare(&png))
            .await?
            .map_err(|error| anyhow::anyhow!("demo photo of {}: {error:?}", shot.slug))?;
        let mut tx = pool.begin().await?;
        gallery::lock_gallery(&mut tx, product_id).await?;
        let exists: bool = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM product_photos WHERE product_id = $1 AND hash = $2) AS "exists!""#,
            product_id,
            prepared.hash
        )
        .fetch_one(&mut *tx)
        .await?;
        if !exists {
            let values: Vec<String> = shot.values.iter().map(|v| (*v).to_owned()).collect();
            gallery::insert_photo(
                &mut tx,
                product_id,
                &prepared.hash,
                (&shot.alt, &shot.alt_en),
                &values,
                &prepared.renditions,
                None,
            )
            .await
            .with_context(|| format!("could not add a photo to {}", shot.slug))?;
            added += 1;
        }
        tx.commit().await?;
    }
    Ok(added)
}

fn shots() -> Vec<Shot> {
    let mut shots = Vec::new();
    let flips: [(&str, &str, &str, Colour); 3] = [
        ("Noir", "noir", "black", [36, 36, 40]),
        ("Bleu", "bleu", "blue", [38, 84, 160]),
        ("Rouge", "rouge", "red", [178, 34, 48]),
    ];
    for (value, fr, en, colour) in flips {
        shots.push(Shot {
            slug: "samsung-galaxy-z-flip7",
            alt: format!("Galaxy Z Flip7 {fr}, ouvert, de face"),
            alt_en: format!("Galaxy Z Flip7 in {en}, open, from the front"),
            values: vec![value],
            draw: Box::new(move |c| {
                c.backdrop([236, 240, 246]);
                c.rounded(330, 90, 630, 870, 48, colour);
                c.rounded(350, 110, 610, 850, 32, SCREEN);
                c.rect(350, 478, 610, 482, colour);
                c.circle(480, 140, 10, INK);
            }),
        });
        shots.push(Shot {
            slug: "samsung-galaxy-z-flip7",
            alt: format!("Galaxy Z Flip7 {fr}, plié, de dos"),
            alt_en: format!("Galaxy Z Flip7 in {en}, folded, from the back"),
            values: vec![value],
            draw: Box::new(move |c| {
                c.backdrop([240, 236, 232]);
                c.rounded(300, 280, 660, 680, 56, colour);
                c.rounded(330, 310, 630, 520, 36, SCREEN);
                c.circle(390, 370, 34, INK);
                c.circle(480, 370, 34, INK);
            }),
        });
    }
    for (value, fr, en, disc) in [
        (
            "Standard",
            "Standard, avec son lecteur",
            "Standard, with its disc drive",
            true,
        ),
        (
            "Digital",
            "Digital, sans lecteur",
            "Digital, without a disc drive",
            false,
        ),
    ] {
        shots.push(Shot {
            slug: "playstation-5",
            alt: format!("PlayStation 5 édition {fr}, debout"),
            alt_en: format!("PlayStation 5 {en} edition, standing"),
            values: vec![value],
            draw: Box::new(move |c| {
                c.backdrop([226, 232, 244]);
                c.rounded(300, 100, 450, 860, 60, WHITE);
                c.rounded(510, 100, 660, 860, 60, WHITE);
                c.rounded(450, 130, 510, 830, 10, INK);
                if disc {
                    c.rect(310, 620, 440, 630, [190, 196, 206]);
                }
                c.circle(480, 170, 8, [60, 120, 220]);
            }),
        });
    }
    shots.push(Shot {
        slug: "playstation-5",
        alt: "La manette DualSense de la PlayStation 5".to_owned(),
        alt_en: "The PlayStation 5 DualSense controller".to_owned(),
        values: Vec::new(),
        draw: Box::new(|c| {
            c.backdrop([232, 228, 244]);
            c.rounded(200, 360, 760, 620, 120, WHITE);
            c.rounded(390, 380, 570, 480, 20, INK);
            c.circle(330, 470, 44, INK);
            c.circle(630, 470, 44, INK);
            c.circle(410, 560, 36, [200, 204, 212]);
            c.circle(550, 560, 36, [200, 204, 212]);
        }),
    });
    shots.push(Shot {
        slug: "t-shirt-pac-man",
        alt: "T-shirt bleu nuit imprimé Pac-Man, de face".to_owned(),
        alt_en: "Navy T-shirt with a Pac-Man print, from the front".to_owned(),
        values: Vec::new(),
        draw: Box::new(|c| {
            let navy = [28, 36, 80];
            c.backdrop([244, 242, 236]);
            c.rounded(300, 220, 660, 840, 24, navy);
            c.rounded(170, 220, 360, 420, 24, navy);
            c.rounded(600, 220, 790, 420, 24, navy);
            c.circle(480, 220, 70, [244, 242, 236]);
            c.pac_man(480, 520, 120, [255, 214, 0]);
        }),
    });
    shots
}

/// A square picture drawn with a few shapes.
struct Canvas(RgbImage);

impl Canvas {
    fn new() -> Self {
        Self(RgbImage::new(SIDE, SIDE))
    }

    /// A soft vertical gradient from `top` to a little darker.
    fn backdrop(&mut self, top: Colour) {
        for (_, y, pixel) in self.0.enumerate_pixels_mut() {
            let shade = (y * 24 / SIDE) as u8;
            *pixel = Rgb(top.map(|c| c.saturating_sub(shade)));
        }
    }

    fn paint(&mut self, inside: impl Fn(i64, i64) -> bool, colour: Colour) {
        for (x, y, pixel) in self.0.enumerate_pixels_mut() {
            if inside(i64::from(x), i64::from(y)) {
                *pixel = Rgb(colour);
            }
        }
    }

    fn rect(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, colour: Colour) {
        self.paint(|x, y| (x0..x1).contains(&x) && (y0..y1).contains(&y), colour);
    }

    fn rounded(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, radius: i64, colour: Colour) {
        self.paint(
            |x, y| {
                if !((x0..x1).contains(&x) && (y0..y1).contains(&y)) {
                    return false;
                }
                let dx = (x0 + radius - x).max(x - (x1 - 1 - radius)).max(0);
                let dy = (y0 + radius - y).max(y - (y1 - 1 - radius)).max(0);
                dx * dx + dy * dy <= radius * radius
            },
            colour,
        );
    }

    fn circle(&mut self, cx: i64, cy: i64, radius: i64, colour: Colour) {
        self.paint(
            |x, y| (x - cx).pow(2) + (y - cy).pow(2) <= radius * radius,
            colour,
        );
    }

    /// A disc with a mouth open to the right.
    fn pac_man(&mut self, cx: i64, cy: i64, radius: i64, colour: Colour) {
        self.paint(
            |x, y| {
                let (dx, dy) = (x - cx, y - cy);
                dx * dx + dy * dy <= radius * radius && !(dx > 0 && dy.abs() * 10 < dx * 7)
            },
            colour,
        );
    }

    fn png(&self) -> anyhow::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.0.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)?;
        Ok(bytes)
    }
}
