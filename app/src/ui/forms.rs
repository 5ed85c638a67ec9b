//! Form pieces shared by every concern: fields with their error next to
//! them, and the error of the last submission.

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;
use crate::i18n::use_i18n;

/// The error of the last submission of `action`. Every form is a plain
/// form post whose next page the server renders (with JavaScript too, see
/// `public/navigation.js`): leptos puts the error in the URL of the
/// redirect back to the form (`?__path=…&__err=…`). The action only names
/// the server function, so that a form reads the error of its own: the
/// error comes from the URL, not from the action's value.
pub fn use_form_error<S>(_action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    use_url_error::<S>()
}

/// The error a plain form post of server function `S` brought back in the
/// URL. Anyone can send such a link: it decodes into the same typed value
/// (or, if it does not decode, a transport error), and only the shop's own
/// sentences describe it.
pub fn use_url_error<S>() -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + 'static,
{
    let query = use_query_map();
    Signal::derive(move || {
        query.with(|q| {
            if q.get_str("__path") != Some(S::PATH) {
                return None;
            }
            q.get_str("__err").map(ServerFnUrlError::<AppError>::decode_err)
        })
    })
}

#[component]
pub fn FormField(
    #[prop(into)] label: TextProp,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: MaybeProp<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] minlength: Option<u32>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(default = true)] required: bool,
    /// The input's id when two forms of a page have a field of this name.
    #[prop(optional)]
    id: Option<&'static str>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = id.map_or_else(|| format!("field-{name}"), str::to_owned);
    let error_id = format!("{id}-error");
    let message = move || {
        error.with(|e| {
            e.as_ref()
                .and_then(|e| e.rule_of(name))
                .map(|rule| i18n.t().rule(rule))
        })
    };
    view! {
        <div class="field">
            <label for=id.clone()>{move || label.get()}</label>
            <input
                id=id
                name=name
                type=kind
                value=move || value.get()
                autocomplete=autocomplete
                minlength=minlength
                maxlength=maxlength
                required=required
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <p class="field__error" id=error_id role="alert">
                {message}
            </p>
        </div>
    }
}

/// A button that posts one thing's `id` to the server function at
/// `action` (revoke this token, send this delivery again): a plain form,
/// as `ActionForm` renders one, that works without JavaScript.
#[component]
pub fn IdButton(
    action: &'static str,
    id: i64,
    #[prop(into)] label: TextProp,
    #[prop(default = "button button--secondary button--small")] class: &'static str,
) -> impl IntoView {
    view! {
        <form method="post" action=action class="inline-form">
            <input type="hidden" name="id" value=id />
            <button type="submit" class=class>{move || label.get()}</button>
        </form>
    }
}

/// The e-mail address field of a shopper's own forms (sign-up, password
/// reset, profile, "tell me when it is back"): one label, one length.
#[component]
pub fn EmailField(
    #[prop(optional, into)] value: MaybeProp<String>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <FormField
            label=move || i18n.t().email_label
            name="email"
            kind="email"
            value
            autocomplete="email"
            maxlength=254
            error
        />
    }
}

/// The frame of a page that is one small form (log in, sign up, password
/// reset, confirmations): a card with the page's heading over `children`.
#[component]
pub fn FormCard(#[prop(into)] heading: TextProp, children: Children) -> impl IntoView {
    view! {
        <section class="form-card">
            <h1>{move || heading.get()}</h1>
            {children()}
        </section>
    }
}

/// Errors that are not about one field (wrong login, too many attempts…).
#[component]
pub fn FormAlert(error: Signal<Option<AppError>>, fields: &'static [&'static str]) -> impl IntoView {
    let i18n = use_i18n();
    let message = move || {
        error.with(|e| {
            e.as_ref()
                .filter(|e| e.field().is_none_or(|field| !fields.contains(&field)))
                .map(|e| i18n.t().error(e))
        })
    };
    view! {
        <p class="alert alert--error" role="alert" hidden=move || message().is_none()>
            {message}
        </p>
    }
}

/// A `<textarea>` holding `text`: the one way to write one.
///
/// tachys 0.2.19 writes a textarea's children as they are, unescaped (its
/// `ESCAPE_CHILDREN` is false, as for `<script>` and `<style>`), so
/// `</textarea><script>` in a product's description would become live
/// markup on the page that edits it. On the server the text is escaped here;
/// the browser decodes the entities of a textarea's content, so it shows
/// and posts the same text.
#[component]
pub fn TextArea(id: &'static str, name: &'static str, rows: u32, text: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = html_escape::encode_text(&text).into_owned();
    view! { <textarea id=id name=name rows=rows>{text}</textarea> }
}
