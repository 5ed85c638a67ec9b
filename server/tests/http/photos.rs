#![allow(clippy::expect_used)] // test helpers: a failed set-up should stop the test
//! Product galleries: the upload checked and resized, renditions served
//! with a content hash, photos tied to option values, reordered, retitled
//! and deleted from the back office, and the demo's drawn photos.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use sqlx::PgPool;

use crate::common::shop::{count, product_id};
use crate::common::{spawn_app, TestApp};

/// A PNG of `width` × `height` pixels in one colour.
fn png(width: u32, height: u32, colour: [u8; 3]) -> Vec<u8> {
    let mut bytes = Vec::new();
    RgbImage::from_pixel(width, height, Rgb(colour))
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .expect("encode");
    bytes
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    product: i64,
    bytes: Vec<u8>,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().part(
        "image",
        reqwest::multipart::Part::bytes(bytes).file_name("photo.png"),
    );
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    client
        .post(app.url(&format!("/admin/products/{product}/photos")))
        .header("Origin", &app.address)
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

async fn admin(app: &TestApp) -> reqwest::Client {
    let client = app.new_client();
    app.admin(&client, "boss").await;
    client
}

/// (id, hash) of a product's photos in the gallery's order.
async fn photos(app: &TestApp, product: i64) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT id, hash FROM product_photos WHERE product_id = $1 ORDER BY position, id")
        .bind(product)
        .fetch_all(&app.pool)
        .await
        .expect("photos")
}

async fn image_path(app: &TestApp, product: i64) -> String {
    sqlx::query_scalar("SELECT image_path FROM products WHERE id = $1")
        .bind(product)
        .fetch_one(&app.pool)
        .await
        .expect("path")
}

#[sqlx::test(migrations = "../migrations")]
async fn an_upload_is_checked_resized_and_served_under_its_content_hash(pool: PgPool) {
    let app = spawn_app(pool).await;
    let boss = admin(&app).await;
    let book = product_id(&app, "le-petit-prince").await;
    let photo = || png(1400, 1050, [200, 40, 40]);

    let customer = app.new_client();
    app.register(&customer, "ada").await;
    assert_eq!(upload(&app, &customer, book, photo(), &[]).await.status(), 403);
    assert_eq!(
        upload(&app, &app.new_client(), book, photo(), &[]).await.status(),
        401
    );
    let foreign = app
        .new_client()
        .post(app.url(&format!("/admin/products/{book}/photos")))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .expect("POST");
    assert_eq!(foreign.status(), 403);
    let refused = |bytes: Vec<u8>, fields: Vec<(&'static str, String)>| {
        let (app, boss) = (&app, &boss);
        async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            let response = upload(app, boss, book, bytes, &fields).await;
            (response.status().as_u16(), response.text().await.expect("body"))
        }
    };
    assert_eq!(
        refused(b"<svg onload=alert(1)></svg>".to_vec(), vec![]).await,
        (415, "type".to_owned()),
        "the bytes decide, not the name"
    );
    assert_eq!(refused(vec![0x89_u8; 3 * 1024 * 1024], vec![]).await.0, 413);
    assert_eq!(
        refused(png(639, 900, [0, 0, 0]), vec![]).await,
        (415, "small".to_owned())
    );
    assert_eq!(
        refused(b"\x89PNG\r\n\x1a\n\0\0\0\0broken".to_vec(), vec![]).await,
        (415, "unreadable".to_owned())
    );
    assert_eq!(
        refused(photo(), vec![("alt", "a".repeat(201))]).await,
        (400, "alt".to_owned())
    );
    assert_eq!(
        refused(photo(), vec![("values[0]", "Noir".to_owned())]).await,
        (400, "values".to_owned()),
        "a book has no colour"
    );
    assert_eq!(count(&app, "product_photos").await, 0, "refusals store nothing");

    let added = upload(
        &app,
        &boss,
        book,
        photo(),
        &[("alt", "Couverture <b>rouge</b>"), ("alt_en", "Red cover")],
    )
    .await;
    assert_eq!(added.status(), 201);
    let [(_, hash)] = photos(&app, book).await.try_into().expect("one photo");
    assert_eq!(
        image_path(&app, book).await,
        format!("/media/photos/{hash}-320.jpg"),
        "the card shows it"
    );

    for (width, height) in [(160, 120), (320, 240), (640, 480), (1280, 960)] {
        let response = app.get(&format!("/media/photos/{hash}-{width}.jpg")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        let decoded = image::load_from_memory(&response.bytes().await.expect("bytes")).expect("a JPEG");
        assert_eq!((decoded.width(), decoded.height()), (width, height));
    }
    assert_eq!(
        app.get(&format!("/media/photos/{hash}-1920.jpg")).await.status(),
        404
    );
    assert_eq!(
        app.get(&format!("/media/photos/{}-640.jpg", "0".repeat(32)))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get("/media/photos/..%2F..%2Fetc%2Fpasswd").await.status(),
        404
    );

    let (status, page) = app.get_html("/p/le-petit-prince").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(r#"src="/media/photos/{hash}-640.jpg""#)),
        "{page}"
    );
    assert!(page.contains(&format!("/media/photos/{hash}-1280.jpg 1280w")));
    assert!(page.contains(r#"width="640" height="480""#), "no layout shift");
    assert!(page.contains(r#"fetchpriority="high""#));
    assert!(
        page.contains("Couverture &lt;b&gt;rouge&lt;/b&gt;"),
        "the alt text, escaped"
    );
    assert!(!page.contains("<b>rouge</b>"));
    assert!(
        page.contains(&format!("/media/photos/{hash}-1280.jpg")),
        "shared and in structured data"
    );
    let (_, listing) = app.get_html("/c/livres").await;
    assert!(
        listing.contains(&format!(
            "/media/photos/{hash}-320.jpg 320w, /media/photos/{hash}-640.jpg 640w"
        )),
        "the card offers two widths"
    );
    let english = app
        .page_with(&app.client, "/p/le-petit-prince", ("Cookie", "wm_lang=en"))
        .await;
    assert!(english.contains(r#"alt="Red cover""#), "the English alt text");
}

#[sqlx::test(migrations = "../migrations")]
async fn photos_tied_to_a_colour_show_for_that_colour_first(pool: PgPool) {
    let app = spawn_app(pool).await;
    let boss = admin(&app).await;
    let flip = product_id(&app, "samsung-galaxy-z-flip7").await;
    let blue_variant: i64 = sqlx::query_scalar("SELECT id FROM products WHERE sku = 'ZFLIP7-BLEU-256'")
        .fetch_one(&app.pool)
        .await
        .expect("variant");
    let shared = upload(
        &app,
        &boss,
        flip,
        png(800, 800, [90, 90, 90]),
        &[("alt", "La boîte")],
    )
    .await;
    assert_eq!(shared.status(), 201);
    // Uploaded from a variant's page: the photo is the product's.
    let blue = upload(
        &app,
        &boss,
        blue_variant,
        png(800, 800, [0, 0, 200]),
        &[("alt", "Le Flip7 bleu"), ("values[2]", "Bleu")],
    )
    .await;
    assert_eq!(blue.status(), 201);
    assert_eq!(photos(&app, flip).await.len(), 2);
    assert!(
        photos(&app, blue_variant).await.is_empty(),
        "a variant has no gallery of its own"
    );

    let alts = |html: &str| -> Vec<String> {
        html.split(r#"data-testid="gallery-photo""#)
            .skip(1)
            .filter_map(|slide| slide.split(r#"alt=""#).nth(1))
            .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
            .collect()
    };
    let (_, blue_page) = app.get_html("/p/samsung-galaxy-z-flip7?o1=Bleu&o2=256+Go").await;
    assert_eq!(alts(&blue_page), ["Le Flip7 bleu", "La boîte"]);
    let (_, black_page) = app.get_html("/p/samsung-galaxy-z-flip7?o1=Noir&o2=256+Go").await;
    assert_eq!(alts(&black_page), ["La boîte"]);
    let (_, missing) = app.get_html("/p/samsung-galaxy-z-flip7?o1=Rouge&o2=512+Go").await;
    assert_eq!(
        alts(&missing),
        ["La boîte"],
        "a combination not sold still shows its photos"
    );

    // The basket line of the blue variant shows the blue photo.
    let (blue_hash,): (String,) =
        sqlx::query_as("SELECT hash FROM product_photos WHERE alt = 'Le Flip7 bleu'")
            .fetch_one(&app.pool)
            .await
            .expect("hash");
    assert_eq!(
        image_path(&app, blue_variant).await,
        format!("/media/photos/{blue_hash}-320.jpg")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_back_office_retitles_reorders_and_deletes_photos(pool: PgPool) {
    let app = spawn_app(pool).await;
    let boss = admin(&app).await;
    let flip = product_id(&app, "samsung-galaxy-z-flip7").await;
    for (alt, colour) in [
        ("Un", [10, 10, 10]),
        ("Deux", [20, 20, 20]),
        ("Trois", [30, 30, 30]),
    ] {
        assert_eq!(
            upload(&app, &boss, flip, png(700, 700, colour), &[("alt", alt)])
                .await
                .status(),
            201
        );
    }
    let order = photos(&app, flip).await;
    let ids: Vec<String> = order.iter().map(|(id, _)| id.to_string()).collect();
    let alts_in_order = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT alt FROM product_photos WHERE product_id = $1 ORDER BY position, id",
        )
        .bind(flip)
        .fetch_all(&app.pool)
        .await
        .expect("alts")
    };

    // Retitle: both languages, tied to values sent as ticked boxes.
    let saved = app
        .call_as(
            &boss,
            "products/admin/photos/update",
            &[
                ("id", &ids[1]),
                ("alt", "Deux, de dos"),
                ("alt_en", "Two, back"),
                ("values[0]", "Noir"),
                ("values[3]", "512 Go"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 200);
    let (alt_en, values): (String, Vec<String>) =
        sqlx::query_as("SELECT alt_en, option_values FROM product_photos WHERE id = $1")
            .bind(order[1].0)
            .fetch_one(&app.pool)
            .await
            .expect("photo");
    assert_eq!(
        (alt_en.as_str(), values),
        ("Two, back", vec!["Noir".to_owned(), "512 Go".to_owned()])
    );
    for bad in [
        vec![("id", ids[1].as_str()), ("alt", "x"), ("values[0]", "Violet")],
        vec![("id", ids[1].as_str()), ("alt", "ligne\nsur deux")],
    ] {
        assert_eq!(
            app.call_as(&boss, "products/admin/photos/update", &bad)
                .await
                .status(),
            400
        );
    }
    assert_eq!(
        app.call_as(
            &boss,
            "products/admin/photos/update",
            &[("id", "999999"), ("alt", "x")]
        )
        .await
        .status(),
        404
    );

    // Reorder: the third moves before the second, then first; moving the
    // first earlier changes nothing.
    for _ in 0..3 {
        let moved = app
            .call_as(
                &boss,
                "products/admin/photos/move",
                &[("id", &ids[2]), ("earlier", "true")],
            )
            .await;
        assert_eq!(moved.status(), 200);
    }
    assert_eq!(alts_in_order().await, ["Trois", "Un", "Deux, de dos"]);
    assert_eq!(
        image_path(&app, flip).await,
        format!("/media/photos/{}-320.jpg", order[2].1),
        "the card follows the first photo"
    );
    let moved = app
        .call_as(
            &boss,
            "products/admin/photos/move",
            &[("id", &ids[0]), ("earlier", "false")],
        )
        .await;
    assert_eq!(moved.status(), 200);
    assert_eq!(alts_in_order().await, ["Trois", "Deux, de dos", "Un"]);

    // Delete: confirmed only; its renditions go with it.
    let unconfirmed = app
        .call_as(&boss, "products/admin/photos/delete", &[("id", &ids[2])])
        .await;
    assert_eq!(unconfirmed.status(), 400);
    assert_eq!(photos(&app, flip).await.len(), 3);
    for id in &ids {
        let deleted = app
            .call_as(
                &boss,
                "products/admin/photos/delete",
                &[("id", id), ("confirm", "yes")],
            )
            .await;
        assert_eq!(deleted.status(), 200);
    }
    assert_eq!(count(&app, "photo_renditions").await, 0);
    assert_eq!(
        app.get(&format!("/media/photos/{}-320.jpg", order[0].1))
            .await
            .status(),
        404
    );
    assert_eq!(
        image_path(&app, flip).await,
        "/images/products/placeholder.svg",
        "no photo left: the placeholder"
    );

    // Every change is in the audit log.
    let logged: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'product.photo'")
        .fetch_one(&app.pool)
        .await
        .expect("audit");
    assert_eq!(logged, 3 + 1 + 3 + 1 + 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_gallery_holds_twelve_photos_at_most(pool: PgPool) {
    let app = spawn_app(pool).await;
    let boss = admin(&app).await;
    let book = product_id(&app, "le-petit-prince").await;
    for shade in 0..12_u8 {
        assert_eq!(
            upload(&app, &boss, book, png(640, 640, [shade, 0, 0]), &[])
                .await
                .status(),
            201
        );
    }
    let thirteenth = upload(&app, &boss, book, png(640, 640, [99, 0, 0]), &[]).await;
    assert_eq!(thirteenth.status(), 409);
    assert_eq!(photos(&app, book).await.len(), 12);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_demo_draws_photos_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let added = server::seed::seed_demo_photos(&app.pool).await.expect("photos");
    assert_eq!(added, 10);
    assert_eq!(server::seed::seed_demo_photos(&app.pool).await.expect("again"), 0);
    let (_, red) = app.get_html("/p/samsung-galaxy-z-flip7?o1=Rouge&o2=256+Go").await;
    assert_eq!(
        red.matches(r#"data-testid="gallery-photo""#).count(),
        2,
        "the red phone, open and folded"
    );
    assert!(red.contains("Galaxy Z Flip7 rouge, ouvert, de face"));
    assert!(!red.contains("Galaxy Z Flip7 noir"));
    let (_, digital) = app.get_html("/p/playstation-5?variant=PS5-DIGITAL").await;
    assert!(digital.contains("PlayStation 5 édition Digital"));
    assert!(!digital.contains("PlayStation 5 édition Standard"));
    assert!(
        digital.contains("DualSense"),
        "the controller shows for every edition"
    );
}
