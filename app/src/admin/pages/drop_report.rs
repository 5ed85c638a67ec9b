//! /admin/drops/{id}: how a drop went, during and after it: the figures,
//! two charts (units sold since the opening, people waiting) with the
//! table they draw beside them, and the timeline as CSV.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::AdminGate;
use crate::drops::api::admin_drop_report;
use crate::drops::report::{DropReport, Refusal};
use crate::error::AppError;
use crate::i18n::{shop_time, use_i18n};
use crate::ui::chart::LineChart;
use crate::ui::error::ErrorMessage;
use crate::ui::not_found::NotFound;

#[component]
pub fn AdminDropReportPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().drop.admin_heading.to_owned()>
            <Report />
        </AdminGate>
    }
}

#[component]
fn Report() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let report = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => admin_drop_report(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <ReportView report /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportView(report: DropReport) -> impl IntoView {
    let i18n = use_i18n();
    let words = &i18n.t().drop;
    let locale = i18n.locale();
    let figures = &report.figures;
    let refused = |reason: Refusal| {
        let index = Refusal::ALL.iter().position(|r| *r == reason).unwrap_or(0);
        figures.refused[index]
    };
    let sell_out = report
        .time_to_sell_out()
        .map_or(words.report_not_sold_out.to_owned(), |time| {
            (words.report_duration)(time.num_seconds().max(0))
        });
    let rows: Vec<(&'static str, String, &'static str)> = vec![
        (words.report_joined, figures.joined.to_string(), "joined"),
        (words.admin_admitted, figures.admitted.to_string(), "admitted"),
        (words.report_peak, figures.peak_waiting.to_string(), "peak"),
        (words.report_orders, figures.orders.to_string(), "orders"),
        (words.report_units, figures.units_sold.to_string(), "units"),
        (words.report_failed, figures.failed_payments.to_string(), "failed"),
        (
            words.report_abandoned,
            figures.abandoned_holds.to_string(),
            "abandoned",
        ),
        (
            words.report_throttled,
            refused(Refusal::Throttled).to_string(),
            "throttled",
        ),
        (
            words.report_not_admitted,
            refused(Refusal::NotAdmitted).to_string(),
            "not-admitted",
        ),
        (
            words.report_customer_limit,
            refused(Refusal::CustomerLimit).to_string(),
            "customer-limit",
        ),
        (words.report_sell_out, sell_out, "sell-out"),
    ];
    let time = move |at| shop_time(at, locale);
    let (first, last) = match (report.timeline.first(), report.timeline.last()) {
        (Some(first), Some(last)) => (time(first.at), time(last.at)),
        _ => (String::new(), String::new()),
    };
    let sold: Vec<i64> = report.timeline.iter().map(|point| point.sold_total).collect();
    let waiting: Vec<i64> = report.timeline.iter().map(|point| point.waiting).collect();
    let csv = format!("/admin/drops/{}/report.csv", report.id);
    view! {
        <p><A href="/admin/drops">{words.admin_heading}</A></p>
        <h1>{(words.report_heading)(&report.name)}</h1>
        <section class="panel" aria-labelledby="report-figures">
            <h2 id="report-figures">{words.report_figures}</h2>
            <dl class="figures" data-testid="drop-figures">
                {rows.into_iter().map(|(label, value, key)| view! {
                    <div class="figures__item" data-figure=key>
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
        <section class="panel" aria-labelledby="report-timeline">
            <h2 id="report-timeline">{words.report_timeline}</h2>
            {if report.timeline.is_empty() {
                view! { <p data-testid="drop-timeline-empty">{words.report_empty}</p> }.into_any()
            } else {
                view! {
                    <div class="charts">
                        <LineChart id="sold-chart" title=words.report_sold_chart values=sold first=first.clone() last=last.clone() described_by="timeline-table" testid="sold-chart" />
                        <LineChart id="room-chart" title=words.report_room_chart values=waiting first last described_by="timeline-table" testid="room-chart" />
                    </div>
                    <p><a href=csv download="">{words.report_csv}</a></p>
                    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="report-timeline">
                        <table class="table" id="timeline-table" data-testid="drop-timeline">
                            <caption>{(words.report_step)(report.step_minutes)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{words.report_time}</th>
                                    <th scope="col">{words.report_waiting}</th>
                                    <th scope="col">{words.admin_admitted}</th>
                                    <th scope="col">{words.report_sold_step}</th>
                                    <th scope="col">{words.report_sold_total}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {report.timeline.iter().map(|point| view! {
                                    <tr>
                                        <th scope="row">{time(point.at)}</th>
                                        <td>{point.waiting}</td>
                                        <td>{point.admitted}</td>
                                        <td>{point.sold}</td>
                                        <td>{point.sold_total}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}
