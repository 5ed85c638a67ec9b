//! A line chart drawn on the server as SVG: readable without JavaScript,
//! light (one polyline), and named for screen readers, which read the
//! table the page puts beside it (`described_by`).

use leptos::prelude::*;

const WIDTH: i64 = 640;
const HEIGHT: i64 = 220;
/// Room for the axis labels.
const LEFT: i64 = 48;
const BOTTOM: i64 = 24;
const TOP: i64 = 12;
const RIGHT: i64 = 12;

/// The polyline's points for `values` in the plot area, the largest value
/// at the top (a flat zero line when all are zero).
pub fn polyline(values: &[i64]) -> String {
    let top = values.iter().copied().max().unwrap_or(0).max(1);
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let last = i64::try_from(values.len())
        .unwrap_or(i64::MAX)
        .saturating_sub(1)
        .max(1);
    values
        .iter()
        .zip(0_i64..)
        .map(|(value, n)| {
            let x = LEFT + n * plot_w / last;
            let y = TOP + plot_h - value.clamp(&0, &top) * plot_h / top;
            format!("{x},{y}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `values` over time, labelled `first` and `last` on the time axis; the
/// table with id `described_by` holds the same figures. `id` names the
/// chart in the page.
#[component]
pub fn LineChart(
    id: &'static str,
    title: &'static str,
    values: Vec<i64>,
    first: String,
    last: String,
    described_by: &'static str,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let top = values.iter().copied().max().unwrap_or(0);
    let points = polyline(&values);
    let title_id = format!("{id}-title");
    let axis_y = HEIGHT - BOTTOM;
    view! {
        <figure class="chart" id=id data-testid=testid>
            <svg
                class="chart__svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby=format!("{id}-title")
                aria-describedby=described_by
            >
                <title id=title_id>{title}</title>
                <line class="chart__axis" x1=LEFT y1=TOP x2=LEFT y2=axis_y />
                <line class="chart__axis" x1=LEFT y1=axis_y x2=WIDTH - RIGHT y2=axis_y />
                <text class="chart__label" x=LEFT - 6 y=TOP + 10 text-anchor="end">{top}</text>
                <text class="chart__label" x=LEFT - 6 y=axis_y text-anchor="end">"0"</text>
                <text class="chart__label" x=LEFT y=HEIGHT - 6>{first}</text>
                <text class="chart__label" x=WIDTH - RIGHT y=HEIGHT - 6 text-anchor="end">{last}</text>
                <polyline class="chart__line" points=points fill="none" />
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

/// Each bar's `(x, y, height)` in the plot area for `values` (negative
/// ones drawn as zero), the largest reaching the top, a gap between bars.
pub fn bars(values: &[i64]) -> Vec<(i64, i64, i64)> {
    let top = values.iter().copied().max().unwrap_or(0).max(1);
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let count = i64::try_from(values.len()).unwrap_or(i64::MAX).max(1);
    let slot = plot_w / count;
    values
        .iter()
        .zip(0_i64..)
        .map(|(value, n)| {
            let height = value.clamp(&0, &top) * plot_h / top;
            (LEFT + n * slot + slot / 8, TOP + plot_h - height, height)
        })
        .collect()
}

/// `values` as bars, one per `labels` entry (a month: its label under its
/// bar); the table with id `described_by` holds the same figures, and
/// `top_label` names the largest value.
#[component]
pub fn BarChart(
    id: &'static str,
    title: &'static str,
    values: Vec<i64>,
    labels: Vec<String>,
    top_label: String,
    described_by: &'static str,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let count = i64::try_from(values.len()).unwrap_or(i64::MAX).max(1);
    let slot = (WIDTH - LEFT - RIGHT) / count;
    let width = (slot - slot / 4).max(1);
    let axis_y = HEIGHT - BOTTOM;
    let title_id = format!("{id}-title");
    let drawn = bars(&values)
        .into_iter()
        .zip(labels)
        .map(|((x, y, height), label)| {
            view! {
                <rect class="chart__bar" x=x y=y width=width height=height />
                <text class="chart__label" x=x + width / 2 y=HEIGHT - 6 text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" id=id data-testid=testid>
            <svg
                class="chart__svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby=format!("{id}-title")
                aria-describedby=described_by
            >
                <title id=title_id>{title}</title>
                <line class="chart__axis" x1=LEFT y1=TOP x2=LEFT y2=axis_y />
                <line class="chart__axis" x1=LEFT y1=axis_y x2=WIDTH - RIGHT y2=axis_y />
                <text class="chart__label" x=LEFT - 6 y=TOP + 10 text-anchor="end">{top_label}</text>
                <text class="chart__label" x=LEFT - 6 y=axis_y text-anchor="end">"0"</text>
                {drawn}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_bar_reaches_the_top_and_negatives_stay_on_the_axis() {
        // Plot 580 × 184 from (48, 12): two slots of 290, a 36 gap before each bar.
        assert_eq!(bars(&[10, 5]), vec![(84, 12, 184), (374, 104, 92)]);
        assert_eq!(bars(&[-3, 0]), vec![(84, 196, 0), (374, 196, 0)]);
        assert!(bars(&[]).is_empty());
    }

    #[test]
    fn the_line_spans_the_plot_with_the_largest_value_on_top() {
        assert_eq!(polyline(&[0, 5, 10]), "48,196 338,104 628,12");
        assert_eq!(
            polyline(&[0, 0]),
            "48,196 628,196",
            "all zero: flat at the bottom"
        );
        assert_eq!(polyline(&[3]), "48,12", "one point");
        assert_eq!(polyline(&[]), "");
    }
}
