//! /admin/reports/sales: the accountant's report. Sales per month and VAT
//! rate (HT, VAT, TTC, delivery, discounts) from the invoices less the
//! credit notes, a chart of each month's TTC, and the same as CSV. The
//! range is a GET form (works without JavaScript).

use leptos::prelude::*;
use leptos_router::components::Form;

use super::{query_param, AdminGate};
use crate::i18n::{format_price, use_i18n};
use crate::invoices::api::admin_sales;
use crate::invoices::report::SalesReport;
use crate::ui::chart::BarChart;
use crate::ui::error::ErrorMessage;
use crate::ui::price::Price;
use crate::ui::url::with_query;

#[component]
pub fn AdminSalesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().sales_title.to_owned()>
            <Sales />
        </AdminGate>
    }
}

#[component]
fn Sales() -> impl IntoView {
    let i18n = use_i18n();
    let from = query_param("from");
    let to = query_param("to");
    let report = Resource::new(
        move || (from.get(), to.get()),
        |(from, to)| admin_sales(Some(from), Some(to)),
    );
    view! {
        <h1>{move || i18n.t().sales_title}</h1>
        <p>{move || i18n.t().sales_intro}</p>
        <Transition fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <RangeForm from=report.from.clone() to=report.to.clone() /> <ReportView report /> }.into_any(),
                    // A refused range: the form again, with what was typed and why.
                    Err(error) => view! { <RangeForm from=from.get_untracked() to=to.get_untracked() /> <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The months shown, as a GET form.
#[component]
fn RangeForm(from: String, to: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Form method="GET" action="" attr:class="admin__search">
            <label for="sales-from">{move || i18n.t().sales_from}</label>
            <input id="sales-from" type="month" name="from" value=from required />
            <label for="sales-to">{move || i18n.t().sales_to}</label>
            <input id="sales-to" type="month" name="to" value=to required />
            <button type="submit" class="button button--secondary">{move || i18n.t().sales_show}</button>
        </Form>
    }
}

#[component]
fn ReportView(report: SalesReport) -> impl IntoView {
    let i18n = use_i18n();
    let words = i18n.t();
    let locale = i18n.locale();
    let csv = with_query(
        "/admin/reports/sales.csv",
        &[("from", report.from.clone()), ("to", report.to.clone())],
    );
    let values: Vec<i64> = report.months.iter().map(|month| month.incl_cents).collect();
    let top = values.iter().copied().max().unwrap_or(0).max(0);
    let labels: Vec<String> = report
        .months
        .iter()
        .map(|month| month.month.get(5..).unwrap_or_default().to_owned())
        .collect();
    let rows = report
        .rows
        .into_iter()
        .map(|row| {
            view! {
                <tr data-month=row.month.clone() data-vat-rate=row.vat_rate_bp>
                    <th scope="row">{row.month.clone()}</th>
                    <td>{(words.vat_rate)(row.vat_rate_bp)}</td>
                    <td><Price cents=row.excl_cents /></td>
                    <td><Price cents=row.vat_cents /></td>
                    <td><Price cents=row.incl_cents /></td>
                    <td><Price cents=row.delivery_cents /></td>
                    <td><Price cents=row.discount_cents /></td>
                    <td>{format!("{} / {}", row.invoices, row.credit_notes)}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = report
        .months
        .iter()
        .all(|month| month.incl_cents == 0 && month.discount_cents == 0);
    view! {
        // Not a landmark of its own: the table's scrolling region is, under
        // the same heading.
        <section class="panel">
            <h2 id="sales-heading">{format!("{} → {}", report.from, report.to)}</h2>
            <BarChart id="sales-chart" title=words.sales_chart values labels top_label=format_price(top, locale) described_by="sales-table" testid="sales-chart" />
            <p><a href=csv download="" data-testid="sales-csv">{words.sales_csv}</a></p>
            {empty.then(|| view! { <p class="empty-state" data-testid="sales-empty">{words.sales_empty}</p> })}
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="sales-heading">
                <table class="table" id="sales-table" data-testid="sales-table">
                    <thead>
                        <tr>
                            <th scope="col">{words.sales_month}</th>
                            <th scope="col">{words.sales_rate}</th>
                            <th scope="col">{words.total_excl_vat}</th>
                            <th scope="col">{words.admin_vat_rate}</th>
                            <th scope="col">{words.total_incl_vat}</th>
                            <th scope="col">{words.sales_delivery}</th>
                            <th scope="col">{words.sales_discounts}</th>
                            <th scope="col">{words.sales_documents}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
