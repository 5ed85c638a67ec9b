//! The browser entry point: hydrates the server-rendered page. Back-office
//! pages stay as the server rendered them (plain forms; their code is not
//! in this bundle).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let path = leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_default();
    if app::admin::is_back_office(&path) {
        return;
    }
    leptos::mount::hydrate_body(app::App);
    // Lets tests (and curious operators) see that hydration finished.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
