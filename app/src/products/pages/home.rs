use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::listing_params;
use crate::drops::pages::DropCards;
use crate::i18n::use_i18n;
use crate::products::api::{list_drops, list_products};
use crate::products::components::{ProductGrid, ProductGridSkeleton, ProductListing, SortForm};
use crate::products::model::ProductSort;
use crate::ui::{error::ErrorMessage, seo::Seo, url::with_query};

/// `/`: the scarce "drops" first, then the whole catalogue, paged and
/// sorted through the URL.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = Memo::new(move |_| query.with_untracked(|q| listing_params(q, ProductSort::Newest)));
    let sort = Signal::derive(move || params.get().map(|(sort, _)| sort).unwrap_or_default());
    let listing = Resource::new(
        move || params.get(),
        |params| async move {
            let (sort, page) = params?;
            list_products(page.get(), sort).await
        },
    );
    let drops = Resource::new(|| (), |_| list_drops());

    view! {
        <Seo
            title=move || i18n.t().home_title.to_owned()
            description=move || i18n.t().home_description.to_owned()
            path="/"
        />
        <DropCards />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                drops
                    .await
                    .ok()
                    .filter(|drops| !drops.is_empty())
                    .map(|drops| {
                        view! {
                            <section class="hero" aria-labelledby="drops-heading">
                                <h2 id="drops-heading">{move || i18n.t().drops_heading}</h2>
                                <p>{move || i18n.t().drops_text}</p>
                                <ProductGrid products=drops />
                            </section>
                        }
                    })
            })}
        </Suspense>
        <section class="listing">
            <header class="listing__header">
                <h1>{move || i18n.t().home_heading}</h1>
                <SortForm current=sort options=&ProductSort::LISTING />
            </header>
            <Suspense fallback=ProductGridSkeleton>
                {move || Suspend::new(async move {
                    match listing.await {
                        Ok(page) => {
                            let sort = sort.get_untracked();
                            let href = move |page: u32| {
                                with_query("/", &[("sort", sort.as_str().to_owned()), ("page", page.to_string())])
                            };
                            view! { <ProductListing page href /> }.into_any()
                        }
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
