//! Creating accounts: by an administrator or the command line
//! ([`register`]), or by a visitor ([`sign_up`]), who is not told whether
//! an address already has one.

use sqlx::PgPool;

use crate::auth::db::{self, NewUser};
use crate::auth::model::{Email, NewPassword, PersonName, Role, User, Username};
use crate::auth::password::hash_sign_up_password;
use crate::error::{AppError, Rule};
use crate::i18n::Locale;
use crate::mail::limits::{self, MailRequest};
use crate::mail::{model::MailKind, outbox};
use crate::state::AppState;

pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: String,
    pub password_confirmation: String,
    pub first_name: String,
    pub last_name: String,
}

/// A sign-up form, checked, with its password hashed.
struct NewAccount {
    username: Username,
    email: Email,
    first_name: PersonName,
    last_name: PersonName,
    password_hash: String,
}

impl NewAccount {
    /// Validates `form` and hashes its password (in a sign-up slot).
    async fn from_form(form: Registration) -> Result<Self, AppError> {
        let username = Username::parse(&form.username)?;
        let email = Email::parse(&form.email)?;
        let first_name = PersonName::parse("first_name", &form.first_name)?;
        let last_name = PersonName::parse("last_name", &form.last_name)?;
        let password = NewPassword::parse(
            "password",
            &form.password,
            &form.password_confirmation,
            username.as_str(),
            email.as_str(),
        )?;
        let password = password.expose().to_owned();
        let password_hash = hash_sign_up_password(password).await?;
        Ok(Self {
            username,
            email,
            first_name,
            last_name,
            password_hash,
        })
    }

    fn row(&self, role: Role) -> NewUser<'_> {
        NewUser {
            username: self.username.as_str(),
            email: self.email.as_str(),
            password_hash: &self.password_hash,
            first_name: self.first_name.as_str(),
            last_name: self.last_name.as_str(),
            role,
        }
    }
}

/// Creates an account with a role (the back office, the command line);
/// a taken username or address is a field error.
#[tracing::instrument(skip_all, fields(username = %form.username))]
pub async fn register(pool: &PgPool, form: Registration, role: Role) -> Result<User, AppError> {
    let account = NewAccount::from_form(form).await?;
    // The account and its verification mail commit together.
    let mut tx = pool.begin().await?;
    let user = db::insert_user(&mut *tx, &account.row(role))
        .await
        .map_err(duplicate_as_field_error)?;
    crate::auth::recovery::service::send_verification(&mut tx, user.id, &user.email, Locale::from_request())
        .await?;
    tx.commit().await?;
    Ok(user)
}

/// What a visitor's sign-up did; the visitor is told the same either way.
#[derive(Debug)]
pub enum SignUp {
    /// A new account, whose address gets a verification link.
    Created(User),
    /// The address has an account already: nothing was created, and the
    /// address's owner gets a note instead of the visitor learning it.
    AddressTaken,
}

/// A visitor signs up. Whether the address already has an account does
/// not change the answer, the work (hashing, counting, one mail written)
/// or the status; the owner of a taken address is mailed instead. Mail to
/// the address is counted in the mail limits; past them the sign-up still
/// works, without its mail (a link can be asked again from the account).
///
/// What this does not hide: a new address's visitor ends up logged in and
/// their username taken, a taken one's not, which the visitor sees on the
/// next page. Hiding that too needs the account to wait for the mailed
/// link (sign-up in two steps).
#[tracing::instrument(skip_all, fields(username = %form.username))]
pub async fn sign_up(state: &AppState, form: Registration, client_ip: &str) -> Result<SignUp, AppError> {
    let account = NewAccount::from_form(form).await?;
    let language = Locale::from_request();
    // A taken username is said: usernames are public (reviews, the back
    // office) and the visitor needs to pick another. It is checked first,
    // so its answer never depends on whether the address is taken.
    if db::username_taken(&state.pool, account.username.as_str()).await? {
        return Err(AppError::validation("username", Rule::AlreadyUsed));
    }
    let mut tx = state.pool.begin().await?;
    let mailable = limits::admit(
        &mut tx,
        MailRequest::SignUp,
        client_ip,
        account.email.as_str(),
        &state.auth.mail_limits,
    )
    .await?;
    let created = db::insert_user_unless_email_taken(&mut *tx, &account.row(Role::Customer))
        .await
        .map_err(duplicate_as_field_error)?;
    let outcome = match created {
        Some(user) => {
            if mailable {
                crate::auth::recovery::service::send_verification(&mut tx, user.id, &user.email, language)
                    .await?;
            }
            SignUp::Created(user)
        }
        None => {
            if mailable {
                let note = serde_json::json!({});
                outbox::enqueue(
                    &mut *tx,
                    MailKind::SignUpAttempt,
                    account.email.as_str(),
                    language,
                    note,
                )
                .await?;
            }
            tracing::info!("sign-up with an address that has an account: its owner is told");
            SignUp::AddressTaken
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// A unique violation on the username or e-mail becomes a field error that
/// says only that the value is taken.
pub fn duplicate_as_field_error(error: sqlx::Error) -> AppError {
    let constraint = error.as_database_error().and_then(|e| e.constraint());
    match constraint {
        Some("users_username_key") => AppError::validation("username", Rule::AlreadyUsed),
        Some("users_email_key") => AppError::validation("email", Rule::AlreadyUsed),
        _ => error.into(),
    }
}
