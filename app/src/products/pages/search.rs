use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::listing_params;
use crate::i18n::use_i18n;
use crate::products::api::search_products;
use crate::products::components::{ProductGridSkeleton, ProductListing, SortForm};
use crate::products::model::{ProductSort, SearchResults};
use crate::ui::{error::ErrorMessage, seo::Seo, url::with_query};

#[derive(Clone, PartialEq)]
struct SearchParams {
    q: String,
    category: String,
}

/// `/search?q=&category=&sort=&page=`: ranked results, category facets,
/// and close matches when nothing is found.
#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let terms = Memo::new(move |_| {
        query.with_untracked(|q| SearchParams {
            q: q.get("q").unwrap_or_default().trim().to_owned(),
            category: q.get("category").unwrap_or_default(),
        })
    });
    let listing = Memo::new(move |_| query.with_untracked(|q| listing_params(q, ProductSort::Relevance)));
    let sort = Signal::derive(move || {
        listing
            .get()
            .map(|(sort, _)| sort)
            .unwrap_or(ProductSort::Relevance)
    });
    let results = Resource::new(
        move || (terms.get(), listing.get()),
        |(terms, listing)| async move {
            let (sort, page) = listing?;
            let category = (!terms.category.is_empty()).then_some(terms.category);
            search_products(terms.q, category, sort, page.get()).await
        },
    );
    let heading = move || {
        let q = terms.with(|t| t.q.clone());
        if q.is_empty() {
            i18n.t().home_heading.to_owned()
        } else {
            (i18n.t().search_heading)(&q)
        }
    };

    view! {
        // The router's query map outlives this page; see `Seo`.
        <Seo
            title=move || {
                let q = query.with(|q| q.get_str("q").unwrap_or_default().trim().to_owned());
                (i18n.t().search_title)(&q)
            }
            description=move || i18n.t().search_description.to_owned()
            path="/search"
            noindex=true
        />
        <section class="listing search-page">
            <header class="listing__header">
                <h1>{heading}</h1>
                {move || {
                    let t = terms.get();
                    view! {
                        <SortForm
                            current=sort
                            options=&ProductSort::SEARCH
                            keep=vec![("q", t.q), ("category", t.category)]
                        />
                    }
                }}
            </header>
            <Suspense fallback=ProductGridSkeleton>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(found) => {
                            view! { <Results found terms=terms.get_untracked() sort=sort.get_untracked() /> }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Results(found: SearchResults, terms: SearchParams, sort: ProductSort) -> impl IntoView {
    let i18n = use_i18n();
    let SearchParams { q, category } = terms;
    let searching = !q.is_empty();
    let href = {
        let (q, category) = (q.clone(), category.clone());
        move |page: u32| {
            with_query(
                "/search",
                &[
                    ("q", q.clone()),
                    ("category", category.clone()),
                    ("sort", sort.as_str().to_owned()),
                    ("page", page.to_string()),
                ],
            )
        }
    };
    let facet_href = {
        let q = q.clone();
        move |slug: &str| with_query("/search", &[("q", q.clone()), ("category", slug.to_owned())])
    };
    let SearchResults {
        products,
        total,
        filtered_total: count,
        capped,
        facets,
        did_you_mean,
    } = found;
    let nothing = searching && total == 0;
    view! {
        {searching
            .then(|| {
                view! {
                    <p class="search-page__count" role="status">
                        {move || {
                            if capped {
                                (i18n.t().result_count_over)(count)
                            } else {
                                (i18n.t().result_count)(count)
                            }
                        }}
                    </p>
                }
            })}
        {(!facets.is_empty())
            .then(move || {
                let all_href = facet_href("");
                view! {
                    <nav class="facets" aria-label=move || i18n.t().refine_by_category>
                        <a href=all_href class="facet" aria-current=category.is_empty().then_some("true")>
                            {move || i18n.t().all_categories}
                        </a>
                        {facets
                            .into_iter()
                            .map(|facet| {
                                let current = facet.category.slug == category;
                                let name = facet.category.clone();
                                let count = facet.count;
                                view! {
                                    <a
                                        href=facet_href(&facet.category.slug)
                                        class="facet"
                                        aria-current=current.then_some("true")
                                    >
                                        {move || name.name(i18n.locale()).to_owned()}
                                        " "
                                        <span class="facet__count">"(" {count} ")"</span>
                                    </a>
                                }
                            })
                            .collect_view()}
                    </nav>
                }
            })}
        {nothing
            .then(move || {
                let q = q.clone();
                view! {
                    <div class="empty-state">
                        <p>{move || (i18n.t().no_results)(&q)}</p>
                        {(!did_you_mean.is_empty())
                            .then(move || {
                                view! {
                                    <p>
                                        {move || i18n.t().did_you_mean} " "
                                        {did_you_mean
                                            .into_iter()
                                            .map(|s| {
                                                view! {
                                                    <A href=format!("/p/{}", s.slug) attr:class="did-you-mean">
                                                        {s.name}
                                                    </A>
                                                }
                                            })
                                            .collect_view()}
                                    </p>
                                }
                            })}
                    </div>
                }
            })}
        {(!nothing).then(move || view! { <ProductListing page=products href /> })}
    }
}
