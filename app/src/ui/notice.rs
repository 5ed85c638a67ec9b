//! One-time notices after a form post ("Added to your basket.", "Saved."):
//! the server function that succeeded leaves one in the session and the
//! next page the server renders shows it once. Every form is a plain form
//! post whose next page comes from the server, with JavaScript too (see
//! `public/navigation.js`), so this is the one path for both.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::error::AppError;
use crate::i18n::use_i18n;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// The shopper asked for `requested` units; `added` fitted and the
    /// line now holds `in_basket`.
    /// `per_customer`: the per-customer limit, when it is why fewer fitted.
    Added {
        requested: i32,
        added: i32,
        in_basket: i32,
        per_customer: Option<i32>,
    },
    /// A basket line was set to less than asked: what is allowed.
    QuantityCapped {
        in_basket: i32,
        per_customer: Option<i32>,
    },
    ProfileSaved,
    PasswordChanged,
    /// A new password was set with a reset link: log in with it.
    PasswordReset,
    /// A verification link is on its way.
    VerificationSent,
    /// The shopper will be told when the product is back.
    AlertSet,
    /// The shopper will be told when the drop selling the product opens.
    DropAlertSet,
    /// A typed address must confirm the alert with the link mailed to it.
    AlertPending,
    /// A sign-up answered: a message went to the address given.
    SignUpMailed,
    /// The address changed: the new one has a link, the old one a note.
    EmailChanged,
}

#[cfg(feature = "ssr")]
const NOTICE_KEY: &str = "notice";

/// Leaves `notice` for the next page, only for a plain form post: a script
/// calling the server function reads its answer instead, and would
/// otherwise find a stale notice on its next page.
#[cfg(feature = "ssr")]
pub async fn leave(notice: Notice) -> Result<(), AppError> {
    if !crate::error::is_plain_form_post() {
        return Ok(());
    }
    let session = session().await?;
    Ok(session.insert(NOTICE_KEY, notice).await?)
}

/// Whether a notice waits in `session` for the next page.
#[cfg(feature = "ssr")]
pub async fn pending(session: &tower_sessions::Session) -> bool {
    matches!(session.get::<Notice>(NOTICE_KEY).await, Ok(Some(_)))
}

#[cfg(feature = "ssr")]
async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|error| crate::error::internal("no session on the request", error))
}

/// The notice left for this page, once: reading it removes it. A plain
/// read first, because `remove` marks the session changed even when there
/// is nothing to remove, and most pages have none.
async fn take() -> Option<Notice> {
    #[cfg(feature = "ssr")]
    {
        let session = session().await.ok()?;
        session.get::<Notice>(NOTICE_KEY).await.ok().flatten()?;
        session.remove::<Notice>(NOTICE_KEY).await.ok().flatten()
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// The notice, as a toast at the bottom of the window (the page may be
/// scrolled to the product card whose button was pressed).
#[component]
pub fn NoticeToast() -> impl IntoView {
    let i18n = use_i18n();
    let notice = OnceResource::new(take());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                notice
                    .await
                    .map(|notice| {
                        let t = i18n.t();
                        let text = match notice {
                            Notice::Added { requested, added, .. } if added == requested => {
                                t.added_to_basket.to_owned()
                            }
                            Notice::Added { in_basket, per_customer: Some(limit), .. }
                            | Notice::QuantityCapped { in_basket, per_customer: Some(limit) } => {
                                (t.customer_capped)(limit, in_basket)
                            }
                            Notice::Added { in_basket, .. } => (t.in_basket)(in_basket),
                            Notice::QuantityCapped { in_basket, .. } => (t.quantity_capped)(in_basket),
                            Notice::ProfileSaved => t.saved.to_owned(),
                            Notice::PasswordChanged => t.password_changed.to_owned(),
                            Notice::PasswordReset => t.password_reset_done.to_owned(),
                            Notice::VerificationSent => t.verification_sent.to_owned(),
                            Notice::AlertSet => t.alert_set.to_owned(),
                            Notice::DropAlertSet => t.drop_alert_set.to_owned(),
                            Notice::AlertPending => t.alert_pending.to_owned(),
                            Notice::SignUpMailed => t.sign_up_mailed.to_owned(),
                            Notice::EmailChanged => t.email_changed.to_owned(),
                        };
                        view! {
                            <p class="toast" role="status" data-testid="notice">
                                {text}
                            </p>
                        }
                    })
            })}
        </Suspense>
    }
}
