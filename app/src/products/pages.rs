//! The products service's pages.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::list_products;
use super::components::{Pagination, ProductGrid, ProductGridSkeleton, SortForm};
use super::model::{PageNumber, ProductSort};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::error::ErrorMessage;

/// `/`: the whole catalogue, paged and sorted through the URL.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = Memo::new(move |_| {
        query.with(|q| {
            let sort = ProductSort::parse(q.get_str("sort"))?;
            let page = PageNumber::parse(q.get_str("page"))?;
            Ok::<_, AppError>((sort, page))
        })
    });
    let sort = Signal::derive(move || params.get().map(|(sort, _)| sort).unwrap_or_default());
    let listing = Resource::new(
        move || params.get(),
        |params| async move {
            let (sort, page) = params?;
            list_products(page.get(), sort).await
        },
    );

    view! {
        <Title text=move || i18n.t().home_title />
        <Meta name="description" content=move || i18n.t().home_description />
        <section class="listing">
            <header class="listing__header">
                <h1>{move || i18n.t().home_heading}</h1>
                <SortForm current=sort />
            </header>
            <Suspense fallback=ProductGridSkeleton>
                {move || Suspend::new(async move {
                    match listing.await {
                        Ok(page) => {
                            let sort = sort.get_untracked();
                            view! {
                                <ProductGrid products=page.items />
                                <Pagination page=page.page has_next=page.has_next sort />
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
