//! The users service's server functions: one's own profile (login needed)
//! and the administrators' tools (admin role needed).

use leptos::prelude::*;

use super::model::UserPage;
use crate::auth::model::User;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::db;
    pub use crate::auth::recovery::service::{send_change_notice, send_verification};
    pub use crate::auth::{
        audience, db as auth_db,
        guard::{client_ip, session},
        model::{Email, NewPassword, PersonName, Role},
        password::hash_password,
        service::{self, duplicate_as_field_error, Registration},
    };
    pub use crate::i18n::Locale;
    pub use crate::ids::UserId;
    pub use crate::mail::limits::{self as mail_limits, MailRequest};
    pub use crate::operator::{audit, forms::require_confirmation};
    pub use crate::paging::PageNumber;
    pub use crate::ui::notice::{self, Notice};
}

#[server(endpoint = "users/profile")]
pub async fn get_profile() -> Result<User, AppError> {
    use ssr::*;
    audience::customer(|_, user| async move { Ok(user) }).await
}

/// Changes one's names and e-mail (validated again, e-mail kept unique).
/// A new address needs the current password (a borrowed session cannot
/// move the account), is limited per account and per hour, gets a
/// verification link, and the old address a note with a way back.
#[server(endpoint = "users/update-profile")]
pub async fn update_profile(
    first_name: String,
    last_name: String,
    email: String,
    current_password: Option<String>,
) -> Result<User, AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        let first_name = PersonName::parse("first_name", &first_name)?;
        let last_name = PersonName::parse("last_name", &last_name)?;
        let email = Email::parse(&email)?;
        let moves = !email.as_str().eq_ignore_ascii_case(&user.email);
        let client_ip = client_ip(&state).await;
        if moves {
            let password = current_password.unwrap_or_default();
            service::confirm_password(&state, user.id, &password, &client_ip).await?;
        }
        let mut tx = state.pool.begin().await?;
        if moves {
            let limits = &state.auth.mail_limits;
            if db::lock_email_changes(&mut tx, user.id).await? >= limits.email_changes {
                return Err(AppError::too_many(3600));
            }
            let request = MailRequest::EmailChange;
            if !mail_limits::admit(&mut tx, request, &client_ip, email.as_str(), limits).await? {
                return Err(AppError::TooManyMails);
            }
        }
        let updated = db::update_profile(
            &mut *tx,
            user.id,
            email.as_str(),
            first_name.as_str(),
            last_name.as_str(),
        )
        .await
        .map_err(duplicate_as_field_error)?
        .ok_or(AppError::Unauthorized)?;
        // A new address is proved by a link sent to it; the old one is told.
        if moves {
            let language = Locale::from_request();
            db::record_email_change(&mut *tx, user.id, &user.email, &updated.email).await?;
            send_verification(&mut tx, user.id, &updated.email, language).await?;
            send_change_notice(&mut tx, user.id, &user.email, language).await?;
            tracing::info!(user_id = user.id.0, "e-mail address changed; the old one is told");
        }
        tx.commit().await?;
        notice::leave(if moves {
            Notice::EmailChanged
        } else {
            Notice::ProfileSaved
        })
        .await?;
        Ok(updated)
    })
    .await
}

/// Changes one's password after checking the current one; every other
/// session of the account ends, this one carries on.
#[server(endpoint = "users/change-password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirmation: String,
) -> Result<(), AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        service::confirm_password(&state, user.id, &current_password, &client_ip(&state).await).await?;
        let password = NewPassword::parse(
            "password",
            &password,
            &password_confirmation,
            &user.username,
            &user.email,
        )?;
        let hash = hash_password(password.expose().to_owned()).await?;
        let epoch = auth_db::replace_password(&state.pool, user.id, &hash).await?;
        service::renew_session_epoch(&session().await?, epoch).await?;
        notice::leave(Notice::PasswordChanged).await
    })
    .await
}

/// Deletes one's account after checking the password: personal data is
/// erased, orders stay (anonymous) for the shop's accounts.
#[server(endpoint = "users/delete-account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    use ssr::*;
    audience::customer(|state, user| async move {
        service::confirm_password(&state, user.id, &password, &client_ip(&state).await).await?;
        let mut tx = state.pool.begin().await?;
        if user.is_admin() && db::lock_admins(&mut tx).await?.len() <= 1 {
            return Err(AppError::Conflict(crate::error::Conflict::LastAdministrator));
        }
        db::anonymise_user(&mut *tx, user.id).await?;
        tx.commit().await?;
        service::end_session(&session().await?).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Back office: live users, newest first, searched by name or e-mail.
#[server(endpoint = "users/list")]
pub async fn list_users(query: String, page: u32) -> Result<UserPage, AppError> {
    use ssr::*;
    audience::admin(|state, _| async move {
        let page = PageNumber::new(page)?;
        let query = crate::operator::forms::parse_admin_query(&query)?;
        Ok(db::list_users(&state.pool, query, page).await?)
    })
    .await
}

#[server(endpoint = "users/get")]
pub async fn get_user(id: i64) -> Result<User, AppError> {
    use ssr::*;
    let id = UserId(id);
    audience::admin(|state, _| async move {
        auth_db::find_user(&state.pool, id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// Back office: creates an account with a role, with the same rules as
/// registration.
#[server(endpoint = "users/create")]
pub async fn create_user(
    username: String,
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    role: String,
) -> Result<User, AppError> {
    use ssr::*;
    audience::admin(|state, admin| async move {
        let role = Role::parse(&role)?;
        let form = Registration {
            username,
            email,
            password_confirmation: password.clone(),
            password,
            first_name,
            last_name,
        };
        let user = service::register(&state.pool, form, role).await?;
        audit::record(
            &state.pool,
            admin.id,
            "user.create",
            &format!("user {}", user.id),
            &user.username,
        )
        .await?;
        leptos_axum::redirect("/admin/users?created=1");
        Ok(user)
    })
    .await
}

/// Back office: deletes (anonymises) another account; there is always one
/// administrator left.
#[server(endpoint = "users/delete")]
pub async fn delete_user(id: i64, confirm: Option<String>) -> Result<(), AppError> {
    use ssr::*;
    let id = UserId(id);
    audience::admin(|state, admin| async move {
        require_confirmation(confirm.as_deref())?;
        if admin.id == id {
            return Err(AppError::Conflict(crate::error::Conflict::OwnAccount));
        }
        let mut tx = state.pool.begin().await?;
        let admins = db::lock_admins(&mut tx).await?;
        // Checked under the lock: the caller may have lost the role meanwhile,
        // and at least one other administrator must remain.
        if !admins.contains(&admin.id) {
            return Err(AppError::Forbidden);
        }
        if admins.iter().all(|&other| other == id) {
            return Err(AppError::Conflict(crate::error::Conflict::LastAdministrator));
        }
        if !db::anonymise_user(&mut *tx, id).await? {
            return Err(AppError::NotFound);
        }
        audit::record(&mut *tx, admin.id, "user.delete", &format!("user {id}"), "").await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin/users?deleted=1");
        Ok(())
    })
    .await
}

/// Back office: makes a user admin or customer; the last administrator
/// keeps the role. The user's sessions end (privileges changed).
#[server(endpoint = "users/set-role")]
pub async fn set_role(id: i64, role: String) -> Result<User, AppError> {
    use ssr::*;
    let id = UserId(id);
    audience::admin(|state, admin| async move {
        let role = Role::parse(&role)?;
        let mut tx = state.pool.begin().await?;
        let admins = db::lock_admins(&mut tx).await?;
        if !admins.contains(&admin.id) {
            return Err(AppError::Forbidden);
        }
        if role == Role::Customer && admins == [id] {
            return Err(AppError::Conflict(crate::error::Conflict::LastAdministrator));
        }
        let user = db::set_role(&mut *tx, id, role)
            .await?
            .ok_or(AppError::NotFound)?;
        audit::record(
            &mut *tx,
            admin.id,
            "user.role",
            &format!("user {id}"),
            role.as_str(),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    })
    .await
}
