//! Mail as the back office sees it.

use serde::{Deserialize, Serialize};

/// Why a mail is written; each kind has its template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailKind {
    PasswordReset,
    EmailVerification,
    OrderPaid,
    OrderShipped,
    OrderCancelled,
    OrderRefunded,
    BackInStock,
    /// A guest's back-in-stock alert waits for this link.
    AlertConfirmation,
    /// Someone signed up with an address that has an account: its owner
    /// hears of it, instead of the visitor learning it.
    SignUpAttempt,
    /// The account's address changed: a note to the old one.
    EmailChanged,
    /// A drop the recipient asked to hear of has opened.
    DropOpened,
}

impl MailKind {
    pub const ALL: [MailKind; 11] = [
        MailKind::PasswordReset,
        MailKind::EmailVerification,
        MailKind::OrderPaid,
        MailKind::OrderShipped,
        MailKind::OrderCancelled,
        MailKind::OrderRefunded,
        MailKind::BackInStock,
        MailKind::AlertConfirmation,
        MailKind::SignUpAttempt,
        MailKind::EmailChanged,
        MailKind::DropOpened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::PasswordReset => "password_reset",
            MailKind::EmailVerification => "email_verification",
            MailKind::OrderPaid => "order_paid",
            MailKind::OrderShipped => "order_shipped",
            MailKind::OrderCancelled => "order_cancelled",
            MailKind::OrderRefunded => "order_refunded",
            MailKind::BackInStock => "back_in_stock",
            MailKind::AlertConfirmation => "alert_confirmation",
            MailKind::SignUpAttempt => "sign_up_attempt",
            MailKind::EmailChanged => "email_changed",
            MailKind::DropOpened => "drop_opened",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// Mails whose link gives access to an account: once delivered to a
    /// real mailbox, the shop keeps no copy of their text.
    pub fn carries_a_secret(self) -> bool {
        matches!(
            self,
            MailKind::PasswordReset
                | MailKind::EmailVerification
                | MailKind::AlertConfirmation
                | MailKind::EmailChanged
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailStatus {
    Pending,
    Sent,
    Failed,
}

impl MailStatus {
    pub const ALL: [MailStatus; 3] = [MailStatus::Pending, MailStatus::Sent, MailStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Pending => "pending",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == value)
    }
}

/// One line of the back office's mail list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSummary {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: Option<String>,
    pub status: MailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// "smtp" or "mailbox" once sent.
    pub delivered_by: Option<String>,
    pub created_at: String,
}

/// One mail with its text, as the local mailbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailDetail {
    pub summary: MailSummary,
    pub text_body: Option<String>,
    /// The shop's own links found in the text, to follow from the mailbox.
    pub links: Vec<String>,
}

/// The back office's mail list: one page, newest first, and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPage {
    pub items: Vec<MailSummary>,
    pub failed: i64,
    pub pending: i64,
    /// Whether mail goes to an SMTP server (else to the local mailbox).
    pub smtp: bool,
}

/// The shop's links in a text: what the local mailbox lets one follow.
pub fn links_in(text: &str, site: &str) -> Vec<String> {
    if site.is_empty() {
        return Vec::new();
    }
    text.split_whitespace()
        .filter(|word| word.starts_with(site))
        .map(|word| word.trim_end_matches(['.', ',', ')', '>']).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_statuses_read_back_what_they_write() {
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
        }
        for status in MailStatus::ALL {
            assert_eq!(MailStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(MailKind::parse("spam"), None);
    }

    #[test]
    fn only_the_shops_links_are_offered() {
        let text = "Bonjour,\nhttps://shop.example/password/reset?token=ab12.\nhttps://evil.example/x\n";
        assert_eq!(
            links_in(text, "https://shop.example"),
            vec!["https://shop.example/password/reset?token=ab12".to_owned()]
        );
        assert!(links_in(text, "").is_empty());
    }
}
