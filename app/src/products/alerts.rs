//! "Prévenez-moi": a sold-out product takes the addresses of those who
//! want to hear when it is back (a guest types one, a logged-in shopper
//! clicks once). The database mails them, once, when the shelf goes from
//! empty to stocked by any path (see migration 0019); every such mail
//! links to /alerts/unsubscribe, which stops all alerts of the address.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::auth::components::use_auth;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::forms::{use_form_error, FormAlert, FormField};
use crate::ui::seo::Seo;

#[cfg(feature = "ssr")]
mod server {
    pub use crate::auth::{audience, guard, model::Email};
    pub use crate::i18n::Locale;
    pub use crate::mail::tokens;
    pub use crate::ui::notice::{self, Notice};
}

/// Asks to be told when product `product_id` is back; the account's
/// address for a logged-in shopper, else `email`. Asking twice is one
/// subscription. A product on the shelf takes none (it can be bought).
#[server(endpoint = "products/alert")]
pub async fn subscribe_stock_alert(product_id: i64, email: Option<String>) -> Result<(), AppError> {
    use server::*;
    audience::public(|state| async move {
        let user = guard::current_user().await?;
        let email = match &user {
            Some(user) => user.email.clone(),
            None => Email::parse(email.as_deref().unwrap_or_default())?
                .as_str()
                .to_owned(),
        };
        let shelf: Option<i32> =
            sqlx::query_scalar("SELECT stock FROM products WHERE id = $1 AND archived_at IS NULL")
                .bind(product_id)
                .fetch_optional(&state.pool)
                .await?;
        match shelf {
            None => return Err(AppError::NotFound),
            Some(stock) if stock > 0 => return Ok(()),
            Some(_) => {}
        }
        sqlx::query(
            "INSERT INTO stock_alerts (product_id, email, user_id, language, unsubscribe_token)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (product_id, lower(email)) WHERE notified_at IS NULL DO NOTHING",
        )
        .bind(product_id)
        .bind(&email)
        .bind(user.as_ref().map(|user| user.id))
        .bind(Locale::from_request().code())
        .bind(tokens::new_token())
        .execute(&state.pool)
        .await?;
        notice::leave(Notice::AlertSet).await
    })
    .await
}

/// Stops every back-in-stock alert of the address the token was mailed
/// to. An unknown token gets the same answer (nothing to stop).
#[server(endpoint = "products/alert-unsubscribe")]
pub async fn unsubscribe_stock_alerts(token: String) -> Result<(), AppError> {
    use server::*;
    audience::public(|state| async move {
        if tokens::looks_like_token(token.trim()) {
            let stopped = sqlx::query(
                "DELETE FROM stock_alerts WHERE lower(email) =
                   (SELECT lower(email) FROM stock_alerts WHERE unsubscribe_token = $1)",
            )
            .bind(token.trim())
            .execute(&state.pool)
            .await?;
            tracing::info!(alerts = stopped.rows_affected(), "back-in-stock alerts stopped");
        }
        leptos_axum::redirect("/alerts/unsubscribe?done=1");
        Ok(())
    })
    .await
}

/// The "Prévenez-moi" form under a sold-out product.
#[component]
pub fn StockAlertForm(product_id: i64) -> impl IntoView {
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
                                Some(user) => view! { <p>{(i18n.t().alert_text_for)(&user.email)}</p> }.into_any(),
                                None => view! {
                                    <p>{move || i18n.t().alert_text}</p>
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
