use leptos::prelude::*;

use super::header::Header;
use crate::basket::components::AddToBasketError;
use crate::i18n::use_i18n;
use crate::ui::notice::NoticeToast;

/// Header, main content and footer around every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">
            {move || i18n.t().skip_to_content}
        </a>
        <Header />
        <main id="main" class="page">
            <AddToBasketError />
            {children()}
            <NoticeToast />
        </main>
        <footer class="footer">
            <p>{move || i18n.t().footer_note}</p>
        </footer>
    }
}
