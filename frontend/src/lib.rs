//! The browser entry point. Pages are server components: only the islands
//! (the search box's suggestions, the sort menu, the hold countdown) are
//! hydrated, each by its own exported function that the islands loader
//! calls; `public/navigation.js` turns links and forms into in-place page
//! swaps.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Calling into `app` also keeps its islands' exported hydration
    // functions in the bundle: the linker drops a crate nothing calls.
    app::start_islands();
}
