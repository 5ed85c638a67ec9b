//! One error type for every server function.
//!
//! A refusal is data: a validation error names its field and the rule the
//! value broke, a conflict names its kind and its numbers. The words come
//! later, from the translation layer (`i18n`), by a `match` on these types,
//! so a new reason without a sentence in every language does not compile,
//! and nothing a visitor typed ever becomes part of a message.
//!
//! What crosses to the browser is safe to show: database and internal
//! failures are logged on the server and reach the shopper as a bare
//! `Internal`.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::order_status::OrderStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    NotFound,
    /// Not logged in.
    Unauthorized,
    /// Unknown login and wrong password alike: one answer for both.
    InvalidCredentials,
    Forbidden,
    /// The value of form field `field` broke `rule`.
    Validation {
        field: String,
        rule: Rule,
    },
    Conflict(Conflict),
    /// Too many requests of this kind from this caller or address: try
    /// again in `retry_after` seconds (the response's `Retry-After`).
    TooManyRequests {
        retry_after: u32,
    },
    /// The hourly limit of mail that this client, or this recipient
    /// address, can be sent on a visitor's request.
    TooManyMails,
    Internal,
    /// The request never reached the function (network, encoding). The
    /// text is for the logs; the shopper reads a fixed sentence.
    Transport(String),
}

/// Why a field's value was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// Nothing was chosen where a choice is needed.
    Required,
    /// Text of `min` to `max` characters, without control characters.
    Length {
        min: u32,
        max: u32,
    },
    TooShort {
        min: u32,
    },
    TooLong {
        max: u32,
    },
    /// A whole number from `min` to `max`.
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// A stock change that would take the stock (now `stock`) outside `min..=max`.
    StockOutOfRange {
        stock: i64,
        min: i64,
        max: i64,
    },
    /// A change of zero changes nothing.
    NotZero,
    Format(Format),
    /// Not one of the choices the shop offers (a sort order, a category, a
    /// status, a role).
    UnknownChoice,
    /// Already used by another account, product or category.
    AlreadyUsed,
    /// A password equal to the username or the e-mail address.
    PasswordLikeIdentity,
    /// The password and its confirmation differ.
    PasswordsDiffer,
    /// The current password, asked again before a change, is wrong.
    WrongPassword,
    /// A destructive action whose "I confirm" box was not ticked.
    Unconfirmed,
    /// The form's one-time key is missing or malformed.
    FormExpired,
    /// A mailed link (reset, verification) that is unknown, used or too old.
    LinkExpired,
    EmptyBasket,
    /// A saved address was picked and another one typed: which one?
    TwoAddresses,
    Card(CardRefusal),
    /// The chosen delivery method cannot take this parcel.
    Delivery(DeliveryRefusal),
    /// A promo code that cannot be used on this basket.
    Promo(PromoRefusal),
    /// A value that could not be read at all (a number that is not one).
    Unreadable,
}

/// The shapes a value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    /// Lowercase letters, digits and single hyphens.
    Slug,
    /// 3 to 32 letters, digits, dots, underscores or hyphens.
    Username,
    Email,
    /// Euros such as 12,90.
    Price,
    /// MM/YY.
    CardExpiry,
    SecurityCode {
        digits: u8,
    },
    /// Letters, digits, spaces or hyphens.
    Postcode,
    /// Text without control characters.
    PlainText,
    /// A date and time such as 2026-12-05T20:00.
    DateTime,
    /// Weight bands such as "1000=4,99; 2000=6,99".
    WeightBands,
    /// 3 to 32 letters, digits or hyphens.
    PromoCode,
    /// A month, "2026-12".
    Month,
    /// A range of months: the first not after the last, three years at most.
    MonthRange,
    /// An http or https address with a host and no credentials.
    Url,
    /// An address the shop may send to: not a private or loopback one.
    PublicAddress,
}

/// Why a promo code cannot be used on a basket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PromoRefusal {
    /// No such code (or withdrawn).
    Unknown,
    /// Its window has not begun.
    NotYetValid,
    /// Its window is over.
    Expired,
    /// Every use of it is taken.
    UsedUp,
    /// The basket is under the code's minimum, in cents TTC.
    MinimumNotReached { min_cents: i64 },
    /// None of the basket's goods are ones it applies to.
    NotForTheseProducts,
    /// This customer used it as often as allowed.
    AlreadyUsed,
}

/// Why a delivery method cannot take a parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryRefusal {
    /// It does not deliver to the address's country.
    Country,
    /// The parcel is heavier than it carries.
    Weight,
}

/// Why a card could not pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardRefusal {
    InvalidNumber,
    Expired,
    Declined,
    InsufficientFunds,
    /// The payment did not go through and nothing was charged.
    NotCharged,
}

/// A request that is well formed but clashes with the shop's state.
/// Products are named by id only: the shopper's page already shows names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conflict {
    /// Some lines ask for more than is left.
    NotEnoughStock {
        lines: Vec<Shortage>,
    },
    SoldOut {
        product_id: i64,
    },
    /// A line asks for more than the product's limit per order.
    OverLimit {
        product_id: i64,
        limit: i32,
    },
    /// The product allows `limit` per customer, and this order would pass it
    /// (earlier orders of the account, its e-mail or its address count).
    CustomerLimit {
        product_id: i64,
        limit: i32,
    },
    /// An order cannot move from `from` to `to`.
    StatusChange {
        from: OrderStatus,
        to: OrderStatus,
    },
    /// A category that still holds products cannot be deleted.
    CategoryNotEmpty,
    /// The shop needs at least one administrator.
    LastAdministrator,
    /// Administrators delete their own account from the account page.
    OwnAccount,
    /// A catalogue import was applied already.
    ImportApplied,
    /// The shop changed since the import's dry run: run it again.
    ImportOutdated,
    /// The product belongs to a drop that has not opened yet.
    DropNotOpen {
        drop_id: i64,
    },
    /// The product belongs to a drop with a waiting room, and the caller
    /// holds no admission to it (none, expired, another session's, forged).
    AdmissionRequired {
        drop_id: i64,
    },
    /// The drop's waiting room does not take visitors now.
    RoomClosed,
    /// The drop is for accounts with a verified e-mail address, created
    /// before it was announced.
    DropForVerifiedAccounts,
    /// The address book holds `max` addresses already.
    AddressBookFull {
        max: i64,
    },
    /// The account holds `max` live API tokens already.
    TooManyTokens {
        max: i64,
    },
    /// An API request's `Idempotency-Key` was used before with another
    /// request.
    IdempotencyKeyReused,
    /// The first request with this `Idempotency-Key` is still being answered.
    RequestInProgress,
}

/// One basket line that asks for more than is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortage {
    pub product_id: i64,
    pub left: i32,
}

impl AppError {
    pub fn validation(field: &str, rule: Rule) -> Self {
        Self::Validation {
            field: field.to_owned(),
            rule,
        }
    }

    /// Refused for now: try again in `seconds`.
    pub fn too_many(seconds: u32) -> Self {
        Self::TooManyRequests { retry_after: seconds }
    }

    /// The seconds a refused caller should wait (`Retry-After`), for the
    /// refusals that pass with time: an hour for the mail limits.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            Self::TooManyRequests { retry_after } => Some(*retry_after),
            Self::TooManyMails => Some(3600),
            _ => None,
        }
    }

    /// The field a validation error is about, for showing it next to that field.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The rule broken by field `name`, if this error is about that field.
    pub fn rule_of(&self, name: &str) -> Option<&Rule> {
        match self {
            Self::Validation { field, rule } if field == name => Some(rule),
            _ => None,
        }
    }

    pub fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Validation { .. } => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } | Self::TooManyMails => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Transport(_) => StatusCode::BAD_REQUEST,
        }
    }
}

// `Display` (English, for logs and the command line) lives with the words,
// in `i18n::messages`: this module imports nothing of the translations.
impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The arguments did not parse: that is the caller's bad input.
            ServerFnErrorErr::Args(_) => Self::validation("arguments", Rule::Unreadable),
            other => Self::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        Self::Internal
    }
}

/// A session store failure: logged, answered as a bare `Internal`.
#[cfg(feature = "ssr")]
impl From<tower_sessions::session::Error> for AppError {
    fn from(error: tower_sessions::session::Error) -> Self {
        internal("session store", error)
    }
}

/// Gives the HTTP response the status that matches the error, both when a
/// server function is called over HTTP and when a page calls it during SSR.
///
/// A plain HTML form post (no JavaScript) is the exception: it must stay a
/// redirect back to the form, which carries the error in its URL.
#[cfg(feature = "ssr")]
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    use leptos::prelude::use_context;
    if let Err(error) = &result {
        // A refusal is an answer, not a failure: internal errors were
        // logged where they happened, at ERROR.
        if *error != AppError::Internal {
            tracing::info!(%error, status = error.status_code().as_u16(), "request refused");
        }
        if let (false, Some(response)) = (
            is_plain_form_post(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) {
            response.set_status(error.status_code());
            set_retry_after(&response, error);
        }
    }
    result
}

/// Tells a caller refused for now when to come back (`Retry-After`).
#[cfg(feature = "ssr")]
pub fn set_retry_after(response: &leptos_axum::ResponseOptions, error: &AppError) {
    if let Some(seconds) = error.retry_after() {
        response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
}

/// Whether this request is an HTML form post (what leptos answers with a
/// redirect back to the form), not a script calling a server function.
#[cfg(feature = "ssr")]
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        let accepts_html = parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
        parts.method == http::Method::POST && accepts_html
    })
}

/// Logs an internal failure and answers the generic error: what went wrong
/// stays in the log, never in the response.
#[cfg(feature = "ssr")]
pub fn internal(context: &str, error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "{context}");
    AppError::Internal
}
