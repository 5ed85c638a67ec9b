//! An invoice or a credit note as a PDF, drawn on the server with
//! `pdf-writer`: A4, the two standard Helvetica fonts (every reader has
//! them, nothing embedded) in WinAnsi encoding, so French text and the euro
//! sign read back as text. As many pages as its lines need.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use super::model::{Document, DocumentKind};
use crate::i18n::{format_price, shop_date_time, Locale};

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = 545.0;
/// Below this, a line of goods goes to a new page.
const BOTTOM: f32 = 90.0;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// The document's PDF.
pub fn render(document: &Document) -> Vec<u8> {
    let mut sheet = Sheet::new();
    let locale = document.locale;
    let pick = |fr, en| locale.pick(fr, en);
    let words = locale.messages();
    let price = |cents| format_price(cents, locale);

    // The seller, top left; the document's title and number, top right.
    sheet.text(LEFT, 790.0, 14.0, BOLD, &document.seller.name);
    let mut y = 774.0;
    for line in &document.seller.address {
        sheet.text(LEFT, y, 9.0, REGULAR, line);
        y -= 12.0;
    }
    sheet.text(
        LEFT,
        y,
        9.0,
        REGULAR,
        &format!("SIRET : {}", document.seller.siret),
    );
    sheet.text(
        LEFT,
        y - 12.0,
        9.0,
        REGULAR,
        &format!(
            "{} : {}",
            pick("N° TVA intracommunautaire", "VAT number"),
            document.seller.vat_number
        ),
    );
    let title = document.kind.title(locale).to_uppercase();
    sheet.text_right(RIGHT, 790.0, 18.0, BOLD, &title);
    let number = document.kind.number(document.number);
    sheet.text_right(
        RIGHT,
        770.0,
        11.0,
        BOLD,
        &format!("{} {number}", pick("N°", "No.")),
    );
    sheet.text_right(
        RIGHT,
        756.0,
        9.0,
        REGULAR,
        &format!("{} : {}", pick("Date", "Date"), date(&document.issued_at, locale)),
    );
    sheet.text_right(
        RIGHT,
        744.0,
        9.0,
        REGULAR,
        &format!(
            "{} {} {} {}",
            pick("Commande n°", "Order no."),
            document.order_id,
            pick("du", "of"),
            date(&document.order_date, locale)
        ),
    );
    if let Some(invoice) = document.invoice_number {
        sheet.text_right(
            RIGHT,
            732.0,
            9.0,
            REGULAR,
            &format!(
                "{} {}",
                pick("Annule la facture", "Cancels invoice"),
                DocumentKind::Invoice.number(invoice)
            ),
        );
    }

    // Who is billed.
    let buyer = &document.buyer;
    sheet.text(320.0, 700.0, 9.0, BOLD, pick("Facturé à", "Billed to"));
    let mut y = 686.0;
    for line in [
        buyer.name.clone(),
        buyer.street.clone(),
        format!("{} {}", buyer.postcode, buyer.city),
        buyer.country.clone(),
    ] {
        sheet.text(320.0, y, 9.0, REGULAR, &line);
        y -= 12.0;
    }

    // The goods, then delivery.
    let mut y = 620.0;
    let header = |sheet: &mut Sheet, y: f32| {
        sheet.text(LEFT, y, 8.5, BOLD, pick("Désignation", "Description"));
        sheet.text_right(320.0, y, 8.5, BOLD, pick("Qté", "Qty"));
        sheet.text_right(390.0, y, 8.5, BOLD, pick("PU TTC", "Unit incl. VAT"));
        sheet.text_right(440.0, y, 8.5, BOLD, pick("TVA", "VAT"));
        sheet.text_right(495.0, y, 8.5, BOLD, pick("Remise", "Discount"));
        sheet.text_right(RIGHT, y, 8.5, BOLD, pick("Total TTC", "Total incl. VAT"));
        sheet.rule(y - 4.0);
    };
    header(&mut sheet, y);
    y -= 18.0;
    for line in &document.lines {
        if y < BOTTOM {
            sheet.new_page();
            y = PAGE_HEIGHT - 60.0;
            header(&mut sheet, y);
            y -= 18.0;
        }
        sheet.text(LEFT, y, 9.0, REGULAR, &fit(&line.name, 255.0, 9.0));
        sheet.text_right(320.0, y, 9.0, REGULAR, &line.quantity.to_string());
        sheet.text_right(390.0, y, 9.0, REGULAR, &price(line.unit_incl_cents));
        sheet.text_right(440.0, y, 9.0, REGULAR, &(words.vat_rate)(line.vat_rate_bp));
        let discount = if line.discount_cents > 0 {
            price(-line.discount_cents)
        } else {
            String::new()
        };
        sheet.text_right(495.0, y, 9.0, REGULAR, &discount);
        sheet.text_right(RIGHT, y, 9.0, REGULAR, &price(line.total_incl_cents()));
        y -= 14.0;
    }
    if let Some((name, cents)) = &document.delivery {
        sheet.text(
            LEFT,
            y,
            9.0,
            REGULAR,
            &fit(&format!("{} : {name}", pick("Livraison", "Delivery")), 255.0, 9.0),
        );
        sheet.text_right(320.0, y, 9.0, REGULAR, "1");
        sheet.text_right(390.0, y, 9.0, REGULAR, &price(*cents));
        sheet.text_right(RIGHT, y, 9.0, REGULAR, &price(*cents));
        y -= 14.0;
    }
    if let Some(code) = &document.promo_code {
        sheet.text(
            LEFT,
            y,
            8.0,
            REGULAR,
            &format!("{} : {code}", pick("Code promo", "Promo code")),
        );
        y -= 14.0;
    }
    sheet.rule(y + 6.0);

    // VAT per rate, then the totals.
    if y < BOTTOM + 60.0 + 14.0 * document.rates.len() as f32 {
        sheet.new_page();
        y = PAGE_HEIGHT - 60.0;
    }
    y -= 16.0;
    sheet.text(300.0, y, 8.5, BOLD, pick("Taux", "Rate"));
    sheet.text_right(400.0, y, 8.5, BOLD, pick("Base HT", "Excl. VAT"));
    sheet.text_right(470.0, y, 8.5, BOLD, pick("TVA", "VAT"));
    sheet.text_right(RIGHT, y, 8.5, BOLD, pick("TTC", "Incl. VAT"));
    for rate in &document.rates {
        y -= 13.0;
        sheet.text(
            300.0,
            y,
            9.0,
            REGULAR,
            &(words.vat_at)(&(words.vat_rate)(rate.rate.basis_points())),
        );
        sheet.text_right(400.0, y, 9.0, REGULAR, &price(rate.excl_cents));
        sheet.text_right(470.0, y, 9.0, REGULAR, &price(rate.vat_cents));
        sheet.text_right(RIGHT, y, 9.0, REGULAR, &price(rate.incl_cents));
    }
    y -= 22.0;
    for (label, cents, font) in [
        (words.total_excl_vat, document.excl_cents, REGULAR),
        (pick("Total TVA", "Total VAT"), document.vat_cents, REGULAR),
        (words.total_incl_vat, document.incl_cents, BOLD),
    ] {
        sheet.text(380.0, y, 10.0, font, label);
        sheet.text_right(RIGHT, y, 10.0, font, &price(cents));
        y -= 15.0;
    }

    let closing = match document.kind {
        DocumentKind::Invoice => pick(
            "Facture acquittée : payée par carte à la commande. Prix en euros, TVA française.",
            "Paid by card when ordered. Prices in euros, French VAT.",
        ),
        DocumentKind::CreditNote => pick(
            "Avoir : la commande est annulée et son paiement remboursé sur la carte utilisée.",
            "Credit note: the order is cancelled and its payment refunded to the card used.",
        ),
    };
    sheet.text(LEFT, 60.0, 8.0, REGULAR, closing);
    sheet.finish()
}

/// `at` (RFC 3339) as a date at the shop's clock: 05/12/2026 or 2026-12-05.
fn date(at: &str, locale: Locale) -> String {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(at) else {
        return at.to_owned();
    };
    let day = shop_date_time(at.with_timezone(&chrono::Utc));
    let day = day.get(..10).unwrap_or(&day);
    match (locale, day.split('-').collect::<Vec<_>>().as_slice()) {
        (Locale::Fr, [year, month, dom]) => format!("{dom}/{month}/{year}"),
        _ => day.to_owned(),
    }
}

/// `text` cut to `width` points at `size`, with an ellipsis when cut.
fn fit(text: &str, width: f32, size: f32) -> String {
    if text_width(text, size) <= width {
        return text.to_owned();
    }
    let mut cut = String::new();
    for c in text.chars() {
        cut.push(c);
        if text_width(&cut, size) > width - text_width("…", size) {
            cut.pop();
            break;
        }
    }
    cut.push('…');
    cut
}

/// The width of `text` in Helvetica at `size` points (the bold face is
/// close enough for the figures that are right-aligned).
fn text_width(text: &str, size: f32) -> f32 {
    let units: u32 = text.chars().map(glyph_width).sum();
    units as f32 * size / 1000.0
}

/// Helvetica's advance widths (its AFM), in thousandths of the size.
fn glyph_width(c: char) -> u32 {
    const ASCII: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' ' to '/'
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // digits
        278, 278, 584, 584, 584, 556, 1015, // ':' to '@'
        667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611,
        722, 667, 944, 667, 667, 611, // 'A' to 'Z'
        278, 278, 278, 469, 556, 333, // '[' to '`'
        556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278,
        556, 500, 722, 500, 500, 500, // 'a' to 'z'
        334, 260, 334, 584, // '{' to '~'
    ];
    match c {
        ' '..='~' => u32::from(ASCII[c as usize - 32]),
        '\u{a0}' | '\u{202f}' => 278,
        '…' => 1000,
        _ => 556,
    }
}

/// `text` in WinAnsi encoding, the standard fonts' (Latin-1 with the euro
/// sign, typographic quotes and dashes); a character it lacks becomes "?".
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '\u{202f}' | '\u{2009}' => 0xa0,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            'œ' => 0x9c,
            'Œ' => 0x8c,
            _ => b'?',
        })
        .collect()
}

/// Pages being drawn.
struct Sheet {
    done: Vec<Content>,
    page: Content,
}

impl Sheet {
    fn new() -> Self {
        Self {
            done: Vec::new(),
            page: Content::new(),
        }
    }

    fn new_page(&mut self) {
        let page = std::mem::replace(&mut self.page, Content::new());
        self.done.push(page);
    }

    fn text(&mut self, x: f32, y: f32, size: f32, font: Name<'static>, text: &str) {
        let bytes = win_ansi(text);
        self.page
            .begin_text()
            .set_font(font, size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, font: Name<'static>, text: &str) {
        self.text(right - text_width(text, size), y, size, font, text);
    }

    /// A thin line across the page at `y`.
    fn rule(&mut self, y: f32) {
        self.page
            .set_line_width(0.5)
            .move_to(LEFT, y)
            .line_to(RIGHT, y)
            .stroke();
    }

    fn finish(mut self) -> Vec<u8> {
        self.new_page();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let first = 5;
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        let page_ids: Vec<Ref> = (0..self.done.len())
            .map(|n| Ref::new(first + 2 * n as i32))
            .collect();
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(page_ids.len() as i32);
        for (page_id, content) in page_ids.iter().zip(self.done) {
            let content_id = Ref::new(page_id.get() + 1);
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
            page.parent(tree);
            page.contents(content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(REGULAR, regular);
            fonts.pair(BOLD, bold);
            fonts.finish();
            resources.finish();
            page.finish();
            pdf.stream(content_id, &content.finish());
        }
        for (id, name) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
            pdf.type1_font(id)
                .base_font(Name(name.as_bytes()))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        pdf.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_and_the_euro_sign_are_encoded_for_the_standard_fonts() {
        assert_eq!(win_ansi("Qté 12,50\u{a0}€"), b"Qt\xe9 12,50\xa0\x80");
        assert_eq!(win_ansi("1\u{202f}299 œ…"), b"1\xa0299 \x9c\x85");
        assert_eq!(win_ansi("漢"), b"?");
    }

    #[test]
    fn long_names_are_cut_to_their_column() {
        assert_eq!(fit("Livre", 100.0, 9.0), "Livre");
        let long = "Une très longue désignation de produit ".repeat(5);
        let cut = fit(&long, 100.0, 9.0);
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 9.0) <= 100.0);
        // Digits are 556 units: "10" at 10 pt is 11,12 pt wide.
        assert!((text_width("10", 10.0) - 11.12).abs() < 0.001);
    }

    #[test]
    fn dates_are_written_the_locale_s_way_at_the_shop_s_clock() {
        // 23:30 UTC on 31 December is 00:30 on 1 January in Paris.
        assert_eq!(date("2026-12-31T23:30:00+00:00", Locale::Fr), "01/01/2027");
        assert_eq!(date("2026-12-05T10:00:00+00:00", Locale::En), "2026-12-05");
    }
}
