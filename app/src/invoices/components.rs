//! An order's documents as links to their PDF, for the order page and the
//! back office's.

use leptos::prelude::*;

use super::model::DocumentRef;
use crate::i18n::use_i18n;

/// The order's invoice and credit note, each a download (a plain link: the
/// browser saves the PDF, with or without JavaScript).
#[component]
pub fn OrderDocuments(order_id: i64, documents: Vec<DocumentRef>) -> impl IntoView {
    let i18n = use_i18n();
    if documents.is_empty() {
        return None;
    }
    let items = documents
        .into_iter()
        .map(|document| {
            let kind = document.kind;
            let title = move || kind.title(i18n.locale());
            match document.number {
                Some(number) => view! {
                    <li>
                        <a href=kind.path(order_id) rel="external" download data-testid=format!("document-{}", kind.as_str())>
                            {title} " " {kind.number(number)} " (PDF)"
                        </a>
                    </li>
                }
                .into_any(),
                None => view! {
                    <li data-testid=format!("document-{}-waiting", kind.as_str())>
                        {title} " " {move || i18n.t().document_waiting}
                    </li>
                }
                .into_any(),
            }
        })
        .collect_view();
    Some(view! {
        <h2>{move || i18n.t().order_documents}</h2>
        <ul class="documents">{items}</ul>
    })
}
