use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{filter_keep, filter_request, listing_params};
use crate::i18n::use_i18n;
use crate::products::api::search_products;
use crate::products::components::{ProductGridSkeleton, ProductListing, SortForm};
use crate::products::filter_form::FilterForm;
use crate::products::model::{FilterRequest, ProductSort, SearchResults};
use crate::ui::{error::ErrorMessage, seo::Seo, url::with_query};

#[derive(Clone, PartialEq)]
struct SearchParams {
    q: String,
    category: String,
    filter: FilterRequest,
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
            filter: filter_request(q),
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
            search_products(terms.q, category, sort, page.get(), terms.filter).await
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
                    let mut keep = vec![("q", t.q), ("category", t.category)];
                    keep.extend(filter_keep(&t.filter));
                    view! { <SortForm current=sort options=&ProductSort::SEARCH keep /> }
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
    let SearchParams { q, category, .. } = terms;
    let searching = !q.is_empty();
    let SearchResults {
        products,
        total,
        filtered_total: count,
        capped,
        facets,
        did_you_mean,
        option_facets,
        filter,
    } = found;
    let filter_params = filter.query();
    let href = {
        let (q, category, filter_params) = (q.clone(), category.clone(), filter_params.clone());
        move |page: u32| {
            let mut params = vec![
                ("q", q.clone()),
                ("category", category.clone()),
                ("sort", sort.as_str().to_owned()),
            ];
            params.extend(filter_params.iter().cloned());
            params.push(("page", page.to_string()));
            with_query("/search", &params)
        }
    };
    let facet_href = {
        let (q, filter_params) = (q.clone(), filter_params.clone());
        move |slug: &str| {
            let mut params = vec![("q", q.clone()), ("category", slug.to_owned())];
            params.extend(filter_params.iter().cloned());
            with_query("/search", &params)
        }
    };
    let filtered = !filter.is_empty();
    // Nothing matched the words: "no results" and "did you mean". Something
    // matched, but not the filters: say so.
    let nothing = searching && total == 0 && !filtered;
    let no_match = filtered && products.items.is_empty();
    let filters = (!option_facets.is_empty() || filtered || (searching && total > 0)).then(|| {
        view! {
            <FilterForm
                facets=option_facets
                filter=filter.clone()
                path="/search".to_owned()
                keep=vec![("q", q.clone()), ("category", category.clone()), ("sort", sort.as_str().to_owned())]
            />
        }
    });
    let layout = if filters.is_some() {
        "with-filters"
    } else {
        "without-filters"
    };
    view! {
        <div class=layout>
        {filters}
        <div class="search-page__results">
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
        {no_match
            .then(|| {
                view! {
                    <p class="empty-state" data-testid="no-match">
                        {move || i18n.t().filter_no_match}
                    </p>
                }
            })}
        {(!nothing && !no_match).then(move || view! { <ProductListing page=products href /> })}
        </div>
        </div>
    }
}
