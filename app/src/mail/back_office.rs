//! The back office's mail server functions (administrators): the list, one
//! mail's text (the local mailbox), and resending a failed mail.

use leptos::prelude::*;

use super::model::{MailDetail, MailPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::{model::MailStatus, outbox};
    pub use crate::auth::audience;
    pub use crate::operator::audit;
}

/// How many mails the list shows.
pub const MAILS_PER_PAGE: i64 = 100;

/// The newest mails, of one status when given ("pending", "sent", "failed").
#[server(endpoint = "mail/admin/list")]
pub async fn list_mail(status: Option<String>) -> Result<MailPage, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move {
        let status = match status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(
                MailStatus::parse(raw)
                    .ok_or_else(|| AppError::validation("status", crate::error::Rule::UnknownChoice))?,
            ),
        };
        let mut page = outbox::list(&state.pool, status, MAILS_PER_PAGE).await?;
        page.smtp = state.mail.smtp;
        Ok(page)
    })
    .await
}

/// One mail with its text and the shop's links in it.
#[server(endpoint = "mail/admin/get")]
pub async fn get_mail(id: i64) -> Result<MailDetail, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move {
        outbox::find(&state.pool, id, &state.public_url)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// Sends a failed mail again (its attempts start afresh).
#[server(endpoint = "mail/admin/resend")]
pub async fn resend_mail(id: i64) -> Result<(), AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let mut tx = state.pool.begin().await?;
        if !outbox::resend(&mut *tx, id).await? {
            return Err(AppError::NotFound);
        }
        audit::record(&mut *tx, admin.id, "mail.resend", &format!("mail {id}"), "").await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/admin/mail?resent={id}"));
        Ok(())
    })
    .await
}
