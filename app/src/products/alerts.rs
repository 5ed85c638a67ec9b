//! "Prévenez-moi": a sold-out product takes the addresses of those who
//! want to hear when it is back (a guest types one, a logged-in shopper
//! clicks once), and so does a drop's variant before the drop opens
//! (mailed at the opening: migration 0032). A typed address, or an account's not yet verified, is
//! confirmed first: it gets one link, and nothing else until the link is
//! followed; these requests count in the mail limits per client and per
//! address (`mail::limits`). The database mails confirmed alerts, once,
//! when the shelf goes from empty to stocked by any path (migrations 0019,
//! 0020); every such mail links to /alerts/unsubscribe, which stops all
//! alerts of the address.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::auth::components::use_auth;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::forms::{use_form_error, FormAlert, FormField};
use crate::ui::seo::Seo;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::auth::{audience, guard, model::Email};
    pub use crate::drops::db as drops;
    pub use crate::error::Rule;
    pub use crate::i18n::Locale;
    pub use crate::inventory::db as inventory;
    pub use crate::mail::limits::{self, MailRequest};
    pub use crate::mail::{model::MailKind, outbox, tokens};
    pub use crate::ui::notice::{self, Notice};
}

/// Asks to be told when product `product_id` is back, or when the drop
/// selling it opens; the account's address for a logged-in shopper, else
/// `email`. Asking twice is one subscription. A product on the shelf
/// takes none (it can be bought), unless its drop has not opened.
/// Only a verified account's own address is subscribed at once; any other
/// gets a confirmation link (again, while it has not confirmed), within
/// the hourly mail limits of the client and of the address.
#[server(endpoint = "products/alert")]
pub async fn subscribe_stock_alert(product_id: i64, email: Option<String>) -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let user = guard::current_user().await?;
        let (email, proved) = match &user {
            Some(user) => (user.email.clone(), user.email_verified),
            None => (
                Email::parse(email.as_deref().unwrap_or_default())?
                    .as_str()
                    .to_owned(),
                false,
            ),
        };
        let product = crate::ids::ProductId(product_id);
        let upcoming = drops::sold_by_upcoming_drop(&state.pool, product).await?;
        match inventory::shelf_stock(&state.pool, product).await? {
            None => return Err(AppError::NotFound),
            Some(stock) if stock > 0 && !upcoming => return Ok(()),
            Some(_) => {}
        }
        let mut tx = state.pool.begin().await?;
        if !proved {
            let client_ip = guard::client_ip(&state).await;
            let request = MailRequest::AlertConfirmation;
            if !limits::admit(&mut tx, request, &client_ip, &email, &state.auth.mail_limits).await? {
                return Err(AppError::TooManyMails);
            }
        }
        let token = tokens::new_token();
        // A waiting alert of this address for this product is the same
        // one: confirmed now if the address is proved, else given a new
        // link while it is still unconfirmed.
        let unconfirmed = sqlx::query_scalar!(
            r#"INSERT INTO stock_alerts
                    (product_id, email, user_id, language, unsubscribe_token, confirmed_at, confirmation_hash)
             VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END, CASE WHEN NOT $6 THEN $7::bytea END)
             ON CONFLICT (product_id, lower(email)) WHERE notified_at IS NULL DO UPDATE
                SET confirmed_at = coalesce(stock_alerts.confirmed_at, EXCLUDED.confirmed_at),
                    confirmation_hash = CASE WHEN stock_alerts.confirmed_at IS NULL AND NOT $6
                                             THEN EXCLUDED.confirmation_hash END
             RETURNING confirmed_at IS NULL AS "unconfirmed!""#,
            product_id,
            &email,
            user.as_ref().map(|user| user.id.0),
            Locale::from_request().code(),
            tokens::new_token(),
            proved,
            tokens::digest(&token),
        )
        .fetch_one(&mut *tx)
        .await?;
        if unconfirmed {
            let payload = serde_json::json!({ "product_id": product_id, "token": token });
            outbox::enqueue(
                &mut *tx,
                MailKind::AlertConfirmation,
                &email,
                Locale::from_request(),
                payload,
            )
            .await?;
        }
        tx.commit().await?;
        // Whether the address had confirmed already is not said to whoever typed it.
        notice::leave(match (proved, upcoming) {
            (true, true) => Notice::DropAlertSet,
            (true, false) => Notice::AlertSet,
            (false, _) => Notice::AlertPending,
        })
        .await
    })
    .await
}

/// Confirms the alert the mailed link is for (a button on the link's page:
/// opening a link changes nothing). A link works a week, once.
#[server(endpoint = "products/alert-confirm")]
pub async fn confirm_stock_alert(token: String) -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move {
        let token = token.trim();
        let expired = || AppError::validation("token", Rule::LinkExpired);
        if !tokens::looks_like_token(token) {
            return Err(expired());
        }
        let confirmed = sqlx::query_scalar!(
            "UPDATE stock_alerts SET confirmed_at = now(), confirmation_hash = NULL
              WHERE confirmation_hash = $1 AND confirmed_at IS NULL AND notified_at IS NULL
                AND created_at > now() - interval '7 days'
             RETURNING product_id",
            tokens::digest(token),
        )
        .fetch_optional(&state.pool)
        .await?;
        let product_id = confirmed.ok_or_else(expired)?;
        tracing::info!(product_id, "back-in-stock alert confirmed");
        leptos_axum::redirect("/alerts/confirm?done=1");
        Ok(())
    })
    .await
}

/// Stops every back-in-stock alert of the address the token was mailed
/// to. An unknown token gets the same answer (nothing to stop).
#[server(endpoint = "products/alert-unsubscribe")]
pub async fn unsubscribe_stock_alerts(token: String) -> Result<(), AppError> {
    use ssr::*;
    audience::public(|state| async move {
        if tokens::looks_like_token(token.trim()) {
            let stopped = sqlx::query!(
                "DELETE FROM stock_alerts WHERE lower(email) =
                   (SELECT lower(email) FROM stock_alerts WHERE unsubscribe_token = $1)",
                token.trim(),
            )
            .execute(&state.pool)
            .await?;
            tracing::info!(alerts = stopped.rows_affected(), "back-in-stock alerts stopped");
        }
        leptos_axum::redirect("/alerts/unsubscribe?done=1");
        Ok(())
    })
    .await
}

/// The "Prévenez-moi" form under a sold-out product, or (`upcoming`) a
/// drop's variant before the opening.
#[component]
pub fn StockAlertForm(product_id: i64, #[prop(optional)] upcoming: bool) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let subscribe = ServerAction::<SubscribeStockAlert>::new();
    let error = use_form_error(subscribe);
    view! {
        // Its form differs for a logged-in shopper: `data-personal` tells
        // the page cache that the page is more than its header's corner.
        <section class="stock-alert panel" data-testid="stock-alert" data-personal="">
            <h2>{move || i18n.t().alert_heading}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = auth.user.await.ok().flatten();
                    view! {
                        <ActionForm action=subscribe attr:class="form" attr:novalidate="">
                            <input type="hidden" name="product_id" value=product_id />
                            {match user {
                                Some(user) => {
                                    let text = if upcoming { i18n.t().drop_alert_text_for } else { i18n.t().alert_text_for };
                                    view! { <p>{text(&user.email)}</p> }.into_any()
                                }
                                None => view! {
                                    <p>{move || if upcoming { i18n.t().drop_alert_text } else { i18n.t().alert_text }}</p>
                                    <FormField
                                        label=move || i18n.t().email_label
                                        name="email"
                                        kind="email"
                                        autocomplete="email"
                                        maxlength=254
                                        error
                                    />
                                }
                                .into_any(),
                            }}
                            <FormAlert error fields=&["email"] />
                            <button type="submit" class="button button--secondary">
                                {move || i18n.t().alert_button}
                            </button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}

/// /alerts/confirm?token=…: the confirmation mail's link; its button
/// confirms the alert.
#[component]
pub fn ConfirmAlertPage() -> impl IntoView {
    let i18n = use_i18n();
    let confirm = ServerAction::<ConfirmStockAlert>::new();
    let error = use_form_error(confirm);
    let (token, done) =
        use_query_map().with_untracked(|q| (q.get("token").unwrap_or_default(), q.get("done").is_some()));
    view! {
        <Seo
            title=move || i18n.t().alert_confirm_title.to_owned()
            description=move || i18n.t().alert_confirm_text.to_owned()
            path="/alerts/confirm"
            noindex=true
        />
        <section class="form-card">
            <h1>{move || i18n.t().alert_confirm_title}</h1>
            {if done {
                view! { <p class="alert alert--success" role="status" data-testid="alert-confirmed">{move || i18n.t().alert_confirmed}</p> }.into_any()
            } else {
                view! {
                    <p>{move || i18n.t().alert_confirm_text}</p>
                    <ActionForm action=confirm attr:class="form">
                        <input type="hidden" name="token" value=token />
                        <FormAlert error fields=&[] />
                        <button type="submit" class="button">{move || i18n.t().alert_confirm_button}</button>
                    </ActionForm>
                }
                .into_any()
            }}
        </section>
    }
}

/// /alerts/unsubscribe?token=…: the mail's link; its button stops the alerts.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let i18n = use_i18n();
    let unsubscribe = ServerAction::<UnsubscribeStockAlerts>::new();
    let (token, done) =
        use_query_map().with_untracked(|q| (q.get("token").unwrap_or_default(), q.get("done").is_some()));
    view! {
        <Seo
            title=move || i18n.t().unsubscribe_title.to_owned()
            description=move || i18n.t().unsubscribe_text.to_owned()
            path="/alerts/unsubscribe"
            noindex=true
        />
        <section class="form-card">
            <h1>{move || i18n.t().unsubscribe_title}</h1>
            {if done {
                view! { <p class="alert alert--success" role="status" data-testid="unsubscribed">{move || i18n.t().unsubscribed}</p> }.into_any()
            } else {
                view! {
                    <p>{move || i18n.t().unsubscribe_text}</p>
                    <ActionForm action=unsubscribe attr:class="form">
                        <input type="hidden" name="token" value=token />
                        <button type="submit" class="button">{move || i18n.t().unsubscribe_button}</button>
                    </ActionForm>
                }
                .into_any()
            }}
        </section>
    }
}
