use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{filter_request, listing_params};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::products::api::products_by_category;
use crate::products::components::{ProductGridSkeleton, ProductListing, SortForm};
use crate::products::filter_form::FilterForm;
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
    let filter_query = Memo::new(move |_| query.with_untracked(filter_request));
    let sort = Signal::derive(move || listing_query.get().map(|(sort, _)| sort).unwrap_or_default());
    let listing = Resource::new(
        move || (slug.get(), listing_query.get(), filter_query.get()),
        |(slug, params, filter)| async move {
            let (sort, page) = params?;
            products_by_category(slug, page.get(), sort, filter).await
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
                        let filter_params = found.filter.query();
                        let href = {
                            let path = path.clone();
                            let filter_params = filter_params.clone();
                            move |page: u32| {
                                let mut params = vec![("sort", sort_now.as_str().to_owned())];
                                params.extend(filter_params.iter().cloned());
                                params.push(("page", page.to_string()));
                                with_query(&path, &params)
                            }
                        };
                        let no_match = !found.filter.is_empty() && found.products.items.is_empty();
                        let filters = view! {
                            <FilterForm
                                facets=found.facets.clone()
                                filter=found.filter.clone()
                                path=path.clone()
                                keep=vec![("sort", sort_now.as_str().to_owned())]
                            />
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
                            <div class="with-filters">
                                {filters}
                                <section class="listing">
                                    <header class="listing__header">
                                        <h1>{name}</h1>
                                        <SortForm current=sort options=&ProductSort::LISTING keep=filter_params />
                                    </header>
                                    {if no_match {
                                        view! {
                                            <p class="empty-state" data-testid="no-match">
                                                {move || i18n.t().filter_no_match}
                                            </p>
                                        }
                                            .into_any()
                                    } else {
                                        view! { <ProductListing page=found.products href /> }.into_any()
                                    }}
                                </section>
                            </div>
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
