//! A listing's filters: a GET form of checkboxes, one group per option
//! (each value with the number of products choosing it would list), and a
//! price range. The URL carries the filters (shareable, cached like any
//! catalogue page); with JavaScript a ticked box sends the form by itself.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::pricing::euros_input;
use crate::products::components::SubmitOnChange;
use crate::products::model::{ListingFilter, OptionFacet};

#[component]
pub fn FilterForm(
    facets: Vec<OptionFacet>,
    filter: ListingFilter,
    /// The page's path: the form's action and the "clear" link.
    path: String,
    /// The page's other parameters (its sort), kept by the form.
    keep: Vec<(&'static str, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let groups = facets
        .into_iter()
        .enumerate()
        .map(|(group, facet)| {
            let values = facet
                .values
                .into_iter()
                .enumerate()
                .map(|(position, value)| {
                    let checked = filter.has(&facet.name.fr, &value.value.fr);
                    let id = format!("f{group}-{position}");
                    let text = value.value.clone();
                    let count = value.count;
                    view! {
                        <div class="filters__value">
                            <input
                                type="checkbox"
                                id=id.clone()
                                name="f"
                                value=format!("{}:{}", facet.name.fr, value.value.fr)
                                checked=checked
                                disabled=!checked && count == 0
                            />
                            <label for=id>{move || format!("{} ({count})", text.get(i18n.locale()))}</label>
                        </div>
                    }
                })
                .collect_view();
            let name = facet.name.clone();
            view! {
                <fieldset class="filters__option">
                    <legend>{move || name.get(i18n.locale()).to_owned()}</legend>
                    {values}
                </fieldset>
            }
        })
        .collect_view();
    let min = filter.min_cents.map(euros_input).unwrap_or_default();
    let max = filter.max_cents.map(euros_input).unwrap_or_default();
    let clear = (!filter.is_empty()).then(|| path.clone());
    view! {
        <form method="get" action=path class="filters" data-testid="filters">
            <h2 class="filters__heading">{move || i18n.t().filters_heading}</h2>
            {keep
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                .collect_view()}
            <SubmitOnChange>{groups}</SubmitOnChange>
            <fieldset class="filters__price">
                <legend>{move || i18n.t().filter_price}</legend>
                <label for="filter-min">{move || i18n.t().filter_min}</label>
                <input id="filter-min" name="min" inputmode="decimal" size="7" maxlength="12" value=min />
                <label for="filter-max">{move || i18n.t().filter_max}</label>
                <input id="filter-max" name="max" inputmode="decimal" size="7" maxlength="12" value=max />
            </fieldset>
            <button type="submit" class="button button--secondary button--small">
                {move || i18n.t().filter_apply}
            </button>
            {clear.map(|href| view! { <a class="filters__clear" href=href>{move || i18n.t().filter_clear}</a> })}
        </form>
    }
}
