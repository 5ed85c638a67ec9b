//! The mails' words and layout, in the recipient's language (French by
//! default, English), each with a plain-text and an HTML part. Rendered
//! when sent, from what the outbox row names (an order, a product, a
//! token); the HTML has no remote image and no script.

use serde_json::Value;
use sqlx::PgPool;

use super::model::MailKind;
use super::outbox::{Claimed, Rendered};
use crate::country::Country;
use crate::i18n::{format_price, Locale};
use crate::pricing::{Breakdown, VatRate};

/// Writes `mail` for sending; an error says why it cannot be (the order or
/// product it names is gone, the database failed) and the worker retries.
pub async fn render(pool: &PgPool, site: &str, mail: &Claimed) -> Result<Rendered, String> {
    let words = Words::of(mail.language);
    let text_of = |key: &str| mail.payload.get(key).and_then(Value::as_str).map(str::to_owned);
    let id_of = |key: &str| mail.payload.get(key).and_then(Value::as_i64);
    match mail.kind {
        MailKind::PasswordReset => {
            let token = text_of("token").ok_or("no token in the payload")?;
            let link = format!("{site}/password/reset?token={token}");
            Ok(Letter::new(words.reset_subject)
                .para(words.hello)
                .para(words.reset_intro)
                .link(&link, words.reset_button)
                .para(words.reset_ignore)
                .finish(words, None))
        }
        MailKind::EmailVerification => {
            let token = text_of("token").ok_or("no token in the payload")?;
            let link = format!("{site}/email/verify?token={token}");
            Ok(Letter::new(words.verify_subject)
                .para(words.hello)
                .para(words.verify_intro)
                .link(&link, words.verify_button)
                .para(words.verify_ignore)
                .finish(words, None))
        }
        MailKind::AlertConfirmation => {
            let product_id = id_of("product_id").ok_or("no product in the payload")?;
            let token = text_of("token").ok_or("no token in the payload")?;
            let name = product_name(pool, product_id).await?.0;
            Ok(Letter::new(&(words.alert_confirm_subject)(&name))
                .para(words.hello)
                .para(&(words.alert_confirm_intro)(&name))
                .link(
                    &format!("{site}/alerts/confirm?token={token}"),
                    words.alert_confirm_button,
                )
                .para(words.alert_confirm_ignore)
                .finish(words, None))
        }
        MailKind::SignUpAttempt => Ok(Letter::new(words.sign_up_attempt_subject)
            .para(words.hello)
            .para(words.sign_up_attempt_intro)
            .link(&format!("{site}/login"), words.sign_up_attempt_login)
            .link(&format!("{site}/password/forgot"), words.sign_up_attempt_reset)
            .para(words.sign_up_attempt_ignore)
            .finish(words, None)),
        MailKind::EmailChanged => {
            let token = text_of("token").ok_or("no token in the payload")?;
            Ok(Letter::new(words.email_changed_subject)
                .para(words.hello)
                .para(words.email_changed_intro)
                .para(words.email_changed_secure)
                .link(
                    &format!("{site}/password/reset?token={token}"),
                    words.email_changed_button,
                )
                .link(&format!("{site}/account"), words.email_changed_account)
                .finish(words, None))
        }
        MailKind::OrderPaid | MailKind::OrderShipped | MailKind::OrderCancelled | MailKind::OrderRefunded => {
            let order_id = id_of("order_id").ok_or("no order in the payload")?;
            let order = order_news(pool, order_id, mail.language).await?;
            Ok(order_letter(mail.kind, &order, site, mail.language).finish(words, None))
        }
        MailKind::DropOpened => {
            let drop_id = id_of("drop_id").ok_or("no drop in the payload")?;
            let product_id = id_of("product_id").ok_or("no product in the payload")?;
            let token = text_of("unsubscribe").ok_or("no unsubscribe token in the payload")?;
            let (name, slug) = product_name(pool, product_id).await?;
            let drop = drop_name(pool, drop_id).await?;
            let unsubscribe = format!("{site}/alerts/unsubscribe?token={token}");
            Ok(Letter::new(&(words.drop_subject)(&drop))
                .para(words.hello)
                .para(&(words.drop_intro)(&name))
                .para(words.drop_room)
                .link(&format!("{site}/p/{slug}"), words.drop_button)
                .para(words.back_once)
                .finish(words, Some(unsubscribe)))
        }
        MailKind::BackInStock => {
            let product_id = id_of("product_id").ok_or("no product in the payload")?;
            let token = text_of("unsubscribe").ok_or("no unsubscribe token in the payload")?;
            let (name, slug) = product_name(pool, product_id).await?;
            let unsubscribe = format!("{site}/alerts/unsubscribe?token={token}");
            Ok(Letter::new(&(words.back_subject)(&name))
                .para(words.hello)
                .para(&(words.back_intro)(&name))
                .link(&format!("{site}/p/{slug}"), words.back_button)
                .para(words.back_once)
                .finish(words, Some(unsubscribe)))
        }
    }
}

/// A product's name and slug, for the mails about it.
async fn product_name(pool: &PgPool, product_id: i64) -> Result<(String, String), String> {
    sqlx::query!("SELECT name, slug FROM products WHERE id = $1", product_id)
        .fetch_optional(pool)
        .await
        .map_err(|error| format!("database: {error}"))?
        .map(|row| (row.name, row.slug))
        .ok_or_else(|| format!("product {product_id} not found"))
}

/// A drop's name, for the mail of its opening.
async fn drop_name(pool: &PgPool, drop_id: i64) -> Result<String, String> {
    sqlx::query_scalar!("SELECT name FROM drops WHERE id = $1", drop_id)
        .fetch_optional(pool)
        .await
        .map_err(|error| format!("database: {error}"))?
        .ok_or_else(|| format!("drop {drop_id} not found"))
}

/// What an order's mail tells: the order as it stands when the mail is
/// written. Read here from the orders' tables, not through payment's code,
/// so that mail stays below the concerns that write it (payment imports
/// mail, never the other way round).
struct OrderNews {
    id: i64,
    total_cents: i64,
    ship_name: String,
    ship_street: String,
    ship_postcode: String,
    ship_city: String,
    ship_country: String,
    card_last4: String,
    /// The delivery's name (in the mail's language) and cost, when chosen.
    delivery: Option<(String, i64)>,
    lines: Vec<NewsLine>,
}

struct NewsLine {
    product_name: String,
    quantity: i32,
    unit_price_cents: i64,
    vat_rate_bp: i32,
    discount_cents: i64,
}

async fn order_news(pool: &PgPool, order_id: i64, locale: Locale) -> Result<OrderNews, String> {
    let database = |error: sqlx::Error| format!("database: {error}");
    let order = sqlx::query!(
        "SELECT id, total_cents, ship_name, ship_street, ship_postcode, ship_city, ship_country, card_last4,
                delivery_method_id, delivery_name_fr, delivery_name_en, delivery_cents
         FROM orders WHERE id = $1",
        order_id,
    )
    .fetch_optional(pool)
    .await
    .map_err(database)?
    .ok_or_else(|| format!("order {order_id} not found"))?;
    let lines = sqlx::query_as!(
        NewsLine,
        "SELECT product_name, quantity, unit_price_cents, vat_rate_bp, discount_cents FROM order_lines
         WHERE order_id = $1 ORDER BY product_id",
        order_id,
    )
    .fetch_all(pool)
    .await
    .map_err(database)?;
    Ok(OrderNews {
        id: order.id,
        total_cents: order.total_cents,
        ship_name: order.ship_name,
        ship_street: order.ship_street,
        ship_postcode: order.ship_postcode,
        ship_city: order.ship_city,
        ship_country: Country::parse(&order.ship_country)
            .map_or(order.ship_country, |country| country.name(locale).to_owned()),
        card_last4: order.card_last4,
        delivery: order.delivery_method_id.map(|_| {
            (
                locale
                    .pick(&order.delivery_name_fr, &order.delivery_name_en)
                    .to_owned(),
                order.delivery_cents,
            )
        }),
        lines,
    })
}

fn order_letter(kind: MailKind, order: &OrderNews, site: &str, locale: Locale) -> Letter {
    let words = Words::of(locale);
    let id = order.id;
    let total = format_price(order.total_cents, locale);
    let link = format!("{site}/orders/{id}");
    let letter = match kind {
        MailKind::OrderShipped => Letter::new(&(words.shipped_subject)(id))
            .para(&(words.greeting)(&order.ship_name))
            .para(words.shipped_intro),
        MailKind::OrderCancelled => Letter::new(&(words.cancelled_subject)(id))
            .para(&(words.greeting)(&order.ship_name))
            .para(&(words.cancelled_intro)(&total)),
        MailKind::OrderRefunded => Letter::new(&(words.refunded_subject)(id))
            .para(&(words.greeting)(&order.ship_name))
            .para(&(words.refunded_intro)(&total, &order.card_last4)),
        _ => Letter::new(&(words.paid_subject)(id))
            .para(&(words.greeting)(&order.ship_name))
            .para(words.paid_intro),
    };
    let mut lines: Vec<(String, String)> = order
        .lines
        .iter()
        .map(|line| {
            (
                format!("{} × {}", line.quantity, line.product_name),
                format_price(line.unit_price_cents * i64::from(line.quantity), locale),
            )
        })
        .collect();
    // HT and the VAT at each rate, as on the order's page.
    let breakdown = Breakdown::of(
        order.lines.iter().map(|line| {
            (
                VatRate::from_column(line.vat_rate_bp),
                line.unit_price_cents * i64::from(line.quantity) - line.discount_cents,
            )
        }),
        order.delivery.as_ref().map_or(0, |(_, cents)| *cents),
    );
    let messages = locale.messages();
    let discount: i64 = order.lines.iter().map(|line| line.discount_cents).sum();
    if discount > 0 {
        lines.push((
            messages.promo_label.to_owned(),
            format!("−{}", format_price(discount, locale)),
        ));
    }
    if let Some((name, cents)) = &order.delivery {
        let cost = if *cents == 0 {
            messages.delivery_free.to_owned()
        } else {
            format_price(*cents, locale)
        };
        lines.push((format!("{} — {name}", messages.delivery_heading), cost));
    }
    lines.push((
        messages.total_excl_vat.to_owned(),
        format_price(breakdown.excl_cents, locale),
    ));
    for row in &breakdown.rates {
        lines.push((
            (messages.vat_at)(&(messages.vat_rate)(row.rate.basis_points())),
            format_price(row.vat_cents, locale),
        ));
    }
    let letter = letter
        .table(&lines, (messages.total_incl_vat, &total))
        .heading(words.ship_to)
        .lines(&[
            order.ship_name.as_str(),
            order.ship_street.as_str(),
            &format!("{} {}", order.ship_postcode, order.ship_city),
            order.ship_country.as_str(),
        ])
        .link(&link, words.order_button);
    // The document the change issued: the invoice of a payment, the credit
    // note of a paid order's cancellation (behind the customer's login).
    match kind {
        MailKind::OrderPaid => letter.link(&format!("{site}/orders/{id}/invoice.pdf"), words.invoice_button),
        MailKind::OrderCancelled => letter.link(
            &format!("{site}/orders/{id}/credit-note.pdf"),
            words.credit_note_button,
        ),
        _ => letter,
    }
}

/// A mail being written: each piece goes to both parts.
struct Letter {
    subject: String,
    text: String,
    html: String,
}

impl Letter {
    fn new(subject: &str) -> Self {
        Self {
            subject: subject.to_owned(),
            text: String::new(),
            html: String::new(),
        }
    }

    fn para(mut self, words: &str) -> Self {
        self.text.push_str(words);
        self.text.push_str("\n\n");
        self.html.push_str(&format!("<p>{}</p>\n", escape(words)));
        self
    }

    fn heading(mut self, words: &str) -> Self {
        self.text.push_str(&format!("{words}\n"));
        self.html
            .push_str(&format!("<h2 style=\"font-size:16px\">{}</h2>\n", escape(words)));
        self
    }

    fn lines(mut self, lines: &[&str]) -> Self {
        for line in lines {
            self.text.push_str(line);
            self.text.push('\n');
        }
        self.text.push('\n');
        let escaped: Vec<String> = lines.iter().map(|line| escape(line)).collect();
        self.html.push_str(&format!("<p>{}</p>\n", escaped.join("<br>")));
        self
    }

    fn table(mut self, rows: &[(String, String)], total: (&str, &str)) -> Self {
        self.html
            .push_str("<table role=\"presentation\" style=\"border-collapse:collapse\">\n");
        for (label, amount) in rows {
            self.text.push_str(&format!("{label} — {amount}\n"));
            self.html.push_str(&format!(
                "<tr><td style=\"padding:4px 16px 4px 0\">{}</td><td style=\"text-align:right\">{}</td></tr>\n",
                escape(label),
                escape(amount)
            ));
        }
        self.text.push_str(&format!("{} : {}\n\n", total.0, total.1));
        self.html.push_str(&format!(
            "<tr><th style=\"text-align:left;padding-top:8px\">{}</th><th style=\"text-align:right;padding-top:8px\">{}</th></tr>\n</table>\n",
            escape(total.0),
            escape(total.1)
        ));
        self
    }

    /// A link: the address alone on its line in the text part (so any
    /// mail reader makes it clickable), a button in the HTML part.
    fn link(mut self, href: &str, label: &str) -> Self {
        self.text.push_str(&format!("{label} :\n{href}\n\n"));
        self.html.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 16px;background:#febd69;color:#111;text-decoration:none;border-radius:6px\">{}</a></p>\n",
            escape(href),
            escape(label)
        ));
        self
    }

    fn finish(mut self, words: &Words, unsubscribe: Option<String>) -> Rendered {
        self.text.push_str(words.signature);
        self.text.push('\n');
        self.html
            .push_str(&format!("<p>{}</p>\n", escape(words.signature)));
        if let Some(href) = &unsubscribe {
            self.text
                .push_str(&format!("\n{} :\n{href}\n", words.unsubscribe));
            self.html.push_str(&format!(
                "<p style=\"font-size:12px;color:#555\"><a href=\"{}\">{}</a></p>\n",
                escape(href),
                escape(words.unsubscribe)
            ));
        }
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"font-family:Arial,sans-serif;color:#111;max-width:560px\">\n{}</body></html>\n",
            words.lang,
            escape(&self.subject),
            self.html
        );
        Rendered {
            subject: self.subject,
            text: self.text,
            html,
            unsubscribe,
        }
    }
}

/// Text as it may stand in the mail's HTML, in an element or a quoted
/// attribute (the same escaping crate the pages' titles use).
fn escape(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).into_owned()
}

/// The sentences of the mails, one value per language.
struct Words {
    lang: &'static str,
    hello: &'static str,
    greeting: fn(&str) -> String,
    signature: &'static str,
    unsubscribe: &'static str,
    reset_subject: &'static str,
    reset_intro: &'static str,
    reset_button: &'static str,
    reset_ignore: &'static str,
    verify_subject: &'static str,
    verify_intro: &'static str,
    verify_button: &'static str,
    verify_ignore: &'static str,
    paid_subject: fn(i64) -> String,
    paid_intro: &'static str,
    shipped_subject: fn(i64) -> String,
    shipped_intro: &'static str,
    cancelled_subject: fn(i64) -> String,
    cancelled_intro: fn(&str) -> String,
    refunded_subject: fn(i64) -> String,
    refunded_intro: fn(&str, &str) -> String,
    ship_to: &'static str,
    order_button: &'static str,
    invoice_button: &'static str,
    credit_note_button: &'static str,
    back_subject: fn(&str) -> String,
    back_intro: fn(&str) -> String,
    back_button: &'static str,
    back_once: &'static str,
    drop_subject: fn(&str) -> String,
    drop_intro: fn(&str) -> String,
    drop_room: &'static str,
    drop_button: &'static str,
    alert_confirm_subject: fn(&str) -> String,
    alert_confirm_intro: fn(&str) -> String,
    alert_confirm_button: &'static str,
    alert_confirm_ignore: &'static str,
    sign_up_attempt_subject: &'static str,
    sign_up_attempt_intro: &'static str,
    sign_up_attempt_login: &'static str,
    sign_up_attempt_reset: &'static str,
    sign_up_attempt_ignore: &'static str,
    email_changed_subject: &'static str,
    email_changed_intro: &'static str,
    email_changed_secure: &'static str,
    email_changed_button: &'static str,
    email_changed_account: &'static str,
}

impl Words {
    fn of(locale: Locale) -> &'static Words {
        match locale {
            Locale::Fr => &FR,
            Locale::En => &EN,
        }
    }
}

static FR: Words = Words {
    lang: "fr",
    hello: "Bonjour,",
    greeting: |name| format!("Bonjour {name},"),
    signature: "L'équipe WonderMarket",
    unsubscribe: "Ne plus recevoir d'alertes de disponibilité",
    reset_subject: "Réinitialisez votre mot de passe WonderMarket",
    reset_intro: "Vous avez demandé à changer le mot de passe de votre compte WonderMarket. Ce lien est valable une heure et ne sert qu'une fois.",
    reset_button: "Choisir un nouveau mot de passe",
    reset_ignore: "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
    verify_subject: "Confirmez votre adresse e-mail WonderMarket",
    verify_intro: "Confirmez que cette adresse est bien la vôtre : nous y enverrons vos commandes et vos alertes.",
    verify_button: "Confirmer mon adresse",
    verify_ignore: "Si vous n'avez pas créé de compte WonderMarket, ignorez ce message.",
    paid_subject: |id| format!("Commande n° {id} confirmée"),
    paid_intro: "Merci pour votre commande : le paiement est accepté et nous la préparons.",
    shipped_subject: |id| format!("Votre commande n° {id} est en route"),
    shipped_intro: "Bonne nouvelle : votre commande a été expédiée.",
    cancelled_subject: |id| format!("Commande n° {id} annulée"),
    cancelled_intro: |total| format!("Votre commande a été annulée. Les {total} payés vous seront remboursés sur votre carte."),
    refunded_subject: |id| format!("Commande n° {id} remboursée"),
    refunded_intro: |total, last4| format!("Nous avons remboursé {total} sur votre carte se terminant par {last4}."),
    ship_to: "Livraison à",
    order_button: "Voir la commande",
    invoice_button: "Télécharger la facture (PDF)",
    credit_note_button: "Télécharger l’avoir (PDF)",
    back_subject: |name| format!("{name} est de retour en stock"),
    back_intro: |name| format!("Vous nous avez demandé de vous prévenir : {name} est de nouveau disponible, tant qu'il en reste."),
    back_button: "Voir le produit",
    back_once: "Cette alerte est maintenant terminée : vous ne recevrez pas d'autre message pour ce produit.",
    drop_subject: |drop| format!("{drop} : la vente est ouverte"),
    drop_intro: |name| format!("Vous nous avez demandé de vous prévenir : {name} est en vente depuis un instant, tant qu'il en reste."),
    drop_room: "Une file d'attente équitable accueille les acheteurs : votre place dépend de votre arrivée, pas de la vitesse de votre connexion.",
    drop_button: "Aller à la vente",
    alert_confirm_subject: |name| format!("Confirmez votre alerte pour {name}"),
    alert_confirm_intro: |name| format!("Quelqu'un, sans doute vous, a demandé à être prévenu à cette adresse du retour en stock de {name}. Confirmez pour recevoir ce message, une seule fois."),
    alert_confirm_button: "Confirmer l'alerte",
    alert_confirm_ignore: "Si vous n'avez rien demandé, ignorez ce message : vous ne recevrez rien d'autre.",
    sign_up_attempt_subject: "Tentative d'inscription avec votre adresse WonderMarket",
    sign_up_attempt_intro: "Quelqu'un a voulu créer un compte WonderMarket avec votre adresse, qui a déjà un compte. Aucun compte n'a été créé. Si c'était vous, connectez-vous, ou choisissez un nouveau mot de passe si vous l'avez oublié.",
    sign_up_attempt_login: "Me connecter",
    sign_up_attempt_reset: "Mot de passe oublié",
    sign_up_attempt_ignore: "Si ce n'était pas vous, ignorez ce message : rien n'a changé.",
    email_changed_subject: "L'adresse de votre compte WonderMarket a changé",
    email_changed_intro: "L'adresse e-mail de votre compte WonderMarket vient d'être remplacée : celle-ci ne recevra plus nos messages. Si c'est vous, il n'y a rien à faire.",
    email_changed_secure: "Si ce n'est pas vous, choisissez tout de suite un nouveau mot de passe avec ce lien, valable 24 heures : toutes les sessions de votre compte se terminent. Remettez ensuite votre adresse depuis la page de votre compte.",
    email_changed_button: "Sécuriser mon compte",
    email_changed_account: "Mon compte",
};

static EN: Words = Words {
    lang: "en",
    hello: "Hello,",
    greeting: |name| format!("Hello {name},"),
    signature: "The WonderMarket team",
    unsubscribe: "Stop back-in-stock alerts",
    reset_subject: "Reset your WonderMarket password",
    reset_intro:
        "You asked to change the password of your WonderMarket account. This link works for one hour, once.",
    reset_button: "Choose a new password",
    reset_ignore: "If you did not ask, ignore this message: your password stays the same.",
    verify_subject: "Confirm your WonderMarket e-mail address",
    verify_intro: "Confirm that this address is yours: we send your orders and alerts there.",
    verify_button: "Confirm my address",
    verify_ignore: "If you did not create a WonderMarket account, ignore this message.",
    paid_subject: |id| format!("Order {id} confirmed"),
    paid_intro: "Thank you for your order: the payment went through and we are preparing it.",
    shipped_subject: |id| format!("Your order {id} is on its way"),
    shipped_intro: "Good news: your order has been shipped.",
    cancelled_subject: |id| format!("Order {id} cancelled"),
    cancelled_intro: |total| {
        format!("Your order was cancelled. The {total} you paid will be refunded to your card.")
    },
    refunded_subject: |id| format!("Order {id} refunded"),
    refunded_intro: |total, last4| format!("We refunded {total} to your card ending in {last4}."),
    ship_to: "Shipping to",
    order_button: "View the order",
    invoice_button: "Download the invoice (PDF)",
    credit_note_button: "Download the credit note (PDF)",
    back_subject: |name| format!("{name} is back in stock"),
    back_intro: |name| format!("You asked us to tell you: {name} is available again, while stocks last."),
    back_button: "View the product",
    back_once: "This alert has now ended: you will get no other message about this product.",
    drop_subject: |drop| format!("{drop}: the sale is open"),
    drop_intro: |name| format!("You asked us to tell you: {name} went on sale a moment ago, while stocks last."),
    drop_room: "A fair waiting room welcomes buyers: your place depends on when you arrive, not on how fast your connection is.",
    drop_button: "Go to the sale",
    alert_confirm_subject: |name| format!("Confirm your alert for {name}"),
    alert_confirm_intro: |name| {
        format!("Someone, probably you, asked to be told at this address when {name} is back in stock. Confirm to get that message, once.")
    },
    alert_confirm_button: "Confirm the alert",
    alert_confirm_ignore: "If you did not ask, ignore this message: you will get nothing else.",
    sign_up_attempt_subject: "Someone tried to sign up with your WonderMarket address",
    sign_up_attempt_intro: "Someone tried to create a WonderMarket account with your address, which already has one. No account was created. If it was you, log in, or choose a new password if you forgot it.",
    sign_up_attempt_login: "Log in",
    sign_up_attempt_reset: "Forgot my password",
    sign_up_attempt_ignore: "If it was not you, ignore this message: nothing changed.",
    email_changed_subject: "The address of your WonderMarket account changed",
    email_changed_intro: "The e-mail address of your WonderMarket account was just replaced: this one will no longer get our messages. If you did it, there is nothing to do.",
    email_changed_secure: "If you did not, choose a new password now with this link, valid for 24 hours: every session of your account ends. Then put your address back on your account page.",
    email_changed_button: "Secure my account",
    email_changed_account: "My account",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_it_is_given() {
        let rendered = Letter::new("<b>")
            .para("Tom & \"Jerry\" <script>")
            .finish(&FR, None);
        assert!(rendered
            .html
            .contains("Tom &amp; &quot;Jerry&quot; &lt;script&gt;"));
        assert!(!rendered.html.contains("<script>"));
        assert!(rendered.html.contains("<title>&lt;b&gt;</title>"));
        assert!(rendered.text.contains("Tom & \"Jerry\" <script>"));
    }

    #[test]
    fn links_stand_alone_in_the_text_and_unsubscribe_ends_it() {
        let rendered = Letter::new("s").link("https://shop.example/p/x", "Voir").finish(
            &EN,
            Some("https://shop.example/alerts/unsubscribe?token=t".into()),
        );
        assert!(rendered.text.contains("\nhttps://shop.example/p/x\n"));
        assert!(rendered
            .text
            .trim_end()
            .ends_with("https://shop.example/alerts/unsubscribe?token=t"));
        assert!(rendered.html.contains("href=\"https://shop.example/p/x\""));
        assert!(!rendered.html.contains("<img"));
        assert_eq!(
            rendered.unsubscribe.as_deref(),
            Some("https://shop.example/alerts/unsubscribe?token=t")
        );
    }
}
