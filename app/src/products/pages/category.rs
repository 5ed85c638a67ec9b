use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::listing_params;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::products::api::products_by_category;
use crate::products::components::{ProductGridSkeleton, ProductListing, SortForm};
use crate::products::model::ProductSort;
use crate::ui::{error::ErrorMessage, not_found::NotFound, seo::Seo, url::with_query};

/// `/c/{slug}`: one category, paged and sorted like the home page.
#[component]
pub fn CategoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.with_untracked(|p| p.get("slug").unwrap_or_default()));
    let listing_query = Memo::new(move |_| query.with_untracked(|q| listing_params(q, ProductSort::Newest)));
    let sort = Signal::derive(move || listing_query.get().map(|(sort, _)| sort).unwrap_or_default());
    let listing = Resource::new(
        move || (slug.get(), listing_query.get()),
        |(slug, params)| async move {
            let (sort, page) = params?;
            products_by_category(slug, page.get(), sort).await
        },
    );

    view! {
        <Suspense fallback=ProductGridSkeleton>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(found) => {
                        let category = found.category.clone();
                        let path = format!("/c/{}", category.slug);
                        // Closures over owned data: see `Seo`.
                        let name = {
                            let category = category.clone();
                            move || category.name(i18n.locale()).to_owned()
                        };
                        let sort_now = sort.get_untracked();
                        let href = {
                            let path = path.clone();
                            move |page: u32| {
                                with_query(&path, &[("sort", sort_now.as_str().to_owned()), ("page", page.to_string())])
                            }
                        };
                        view! {
                            <Seo
                                title={
                                    let name = name.clone();
                                    move || (i18n.t().category_title)(&name())
                                }
                                description={
                                    let name = name.clone();
                                    move || (i18n.t().category_description)(&name())
                                }
                                path=path
                            />
                            <nav class="breadcrumb" aria-label=move || i18n.t().breadcrumb_label>
                                <A href="/">{move || i18n.t().home_link}</A>
                                <span aria-hidden="true">" › "</span>
                                <span aria-current="page">{name.clone()}</span>
                            </nav>
                            <section class="listing">
                                <header class="listing__header">
                                    <h1>{name}</h1>
                                    <SortForm current=sort options=&ProductSort::LISTING />
                                </header>
                                <ProductListing page=found.products href />
                            </section>
                        }
                            .into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
