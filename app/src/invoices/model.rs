//! What an invoice or a credit note is, as its PDF and the order page show
//! it.

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;
use crate::pricing::RateTotal;

/// The two kinds of document, each numbered in its own sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentKind {
    Invoice,
    /// Takes back an invoice (a paid order cancelled and refunded).
    CreditNote,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 2] = [DocumentKind::Invoice, DocumentKind::CreditNote];

    /// Its name in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::CreditNote => "credit_note",
        }
    }

    pub fn from_column(raw: &str) -> Self {
        if raw == "credit_note" {
            DocumentKind::CreditNote
        } else {
            DocumentKind::Invoice
        }
    }

    /// "FA-000042" (facture) or "AV-000042" (avoir): the number as the
    /// document states it.
    pub fn number(self, number: i64) -> String {
        let prefix = match self {
            DocumentKind::Invoice => "FA",
            DocumentKind::CreditNote => "AV",
        };
        format!("{prefix}-{number:06}")
    }

    /// The path its PDF is downloaded from.
    pub fn path(self, order_id: i64) -> String {
        match self {
            DocumentKind::Invoice => format!("/orders/{order_id}/invoice.pdf"),
            DocumentKind::CreditNote => format!("/orders/{order_id}/credit-note.pdf"),
        }
    }

    /// Its title, "Facture" or "Invoice".
    pub fn title(self, locale: Locale) -> &'static str {
        match self {
            DocumentKind::Invoice => locale.pick("Facture", "Invoice"),
            DocumentKind::CreditNote => locale.pick("Avoir", "Credit note"),
        }
    }
}

/// A document of an order, as the order page links it: `number` is `None`
/// for the few seconds before the numbering reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    pub kind: DocumentKind,
    pub number: Option<i64>,
}

/// The seller as a document states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    pub name: String,
    /// One line each.
    pub address: Vec<String>,
    pub siret: String,
    pub vat_number: String,
}

/// Who is billed: the order's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    /// Its name in the document's language.
    pub country: String,
}

/// One line of goods as sold (TTC, as the shop prices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentLine {
    pub name: String,
    pub quantity: i32,
    pub unit_incl_cents: i64,
    pub vat_rate_bp: i32,
    /// What a promo code took off the line, TTC.
    pub discount_cents: i64,
}

impl DocumentLine {
    pub fn total_incl_cents(&self) -> i64 {
        self.unit_incl_cents * i64::from(self.quantity) - self.discount_cents
    }
}

/// Everything a numbered document states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub kind: DocumentKind,
    pub number: i64,
    /// When it was numbered (RFC 3339).
    pub issued_at: String,
    /// For a credit note: the invoice it takes back.
    pub invoice_number: Option<i64>,
    pub order_id: i64,
    pub order_date: String,
    /// The order's language, the customer's.
    pub locale: Locale,
    pub seller: Seller,
    pub buyer: Buyer,
    pub lines: Vec<DocumentLine>,
    /// The delivery method's name and its cost TTC.
    pub delivery: Option<(String, i64)>,
    pub promo_code: Option<String>,
    /// HT, VAT and TTC per rate, as written when the document was.
    pub rates: Vec<RateTotal>,
    pub excl_cents: i64,
    pub vat_cents: i64,
    pub incl_cents: i64,
}

impl Document {
    /// The file name it downloads as, "facture-FA-000042.pdf".
    pub fn file_name(&self) -> String {
        let word = match self.kind {
            DocumentKind::Invoice => self.locale.pick("facture", "invoice"),
            DocumentKind::CreditNote => self.locale.pick("avoir", "credit-note"),
        };
        format!("{word}-{}.pdf", self.kind.number(self.number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_with_their_kind_and_six_digits() {
        assert_eq!(DocumentKind::Invoice.number(42), "FA-000042");
        assert_eq!(DocumentKind::CreditNote.number(1), "AV-000001");
        assert_eq!(DocumentKind::Invoice.number(1_234_567), "FA-1234567");
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::from_column(kind.as_str()), kind);
        }
    }
}
