//! How a drop went, for its back-office page and its CSV: the figures
//! (joined, admitted, bought, abandoned holds, failed payments, refusals,
//! time to sell out) and the timeline (the room and the units sold), cut
//! into at most [`MAX_POINTS`] steps whatever the drop's length.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Steps of a timeline: a chart stays readable and light for a drop of
/// ten minutes as for one of a week.
pub const MAX_POINTS: i64 = 120;

/// Why a drop refused a caller, as the report counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// Over a per-caller or per-address limit (`friction`).
    Throttled,
    /// Before the opening, or without a valid admission.
    NotAdmitted,
    /// Over the per-customer limit.
    CustomerLimit,
}

impl Refusal {
    pub const ALL: [Refusal; 3] = [Refusal::Throttled, Refusal::NotAdmitted, Refusal::CustomerLimit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Throttled => "throttled",
            Self::NotAdmitted => "not_admitted",
            Self::CustomerLimit => "customer_limit",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropFigures {
    /// Places taken in the room.
    pub joined: i64,
    pub admitted: i64,
    /// The most people waiting at once (sampled each minute).
    pub peak_waiting: i64,
    /// Paid orders (shipped and delivered ones included) and their units.
    pub orders: i64,
    pub units_sold: i64,
    /// Orders whose payment failed.
    pub failed_payments: i64,
    /// Basket lines whose hold ran out without being bought.
    pub abandoned_holds: i64,
    /// Refusals by reason, in [`Refusal::ALL`]'s order.
    pub refused: [i64; 3],
}

/// One step of the timeline: its start, the room at that time, the units
/// sold in the step and since the opening.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub waiting: i64,
    pub admitted: i64,
    pub sold: i64,
    pub sold_total: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropReport {
    pub id: i64,
    pub name: String,
    pub opens_at: DateTime<Utc>,
    pub sold_out_at: Option<DateTime<Utc>>,
    pub figures: DropFigures,
    /// The length of a step of the timeline, in minutes.
    pub step_minutes: i64,
    pub timeline: Vec<Point>,
}

impl DropReport {
    /// From the opening to the last unit, if it sold out.
    pub fn time_to_sell_out(&self) -> Option<Duration> {
        self.sold_out_at.map(|at| at - self.opens_at)
    }
}

/// A sample of the room (one per minute).
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub waiting: i64,
    pub admitted: i64,
}

/// A paid order's units and when it was placed.
#[derive(Clone, Copy, Debug)]
pub struct Sale {
    pub at: DateTime<Utc>,
    pub units: i64,
}

/// The timeline from `start` to `end`, in steps of whole minutes, at most
/// [`MAX_POINTS`] of them: per step the room's largest sample (the last
/// known one carried over a step without sample) and the units sold.
/// Returns the step's length in minutes and the points.
pub fn timeline(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    samples: &[Sample],
    sales: &[Sale],
) -> (i64, Vec<Point>) {
    let minutes = (end - start).num_minutes().max(0) + 1;
    let step = (minutes + MAX_POINTS - 1) / MAX_POINTS;
    let steps = (minutes + step - 1) / step;
    let index = |at: DateTime<Utc>| -> Option<usize> {
        let minute = (at - start).num_minutes();
        (at >= start && minute / step < steps).then(|| usize::try_from(minute / step).ok())?
    };
    let mut points: Vec<Point> = (0..steps)
        .map(|n| Point {
            at: start + Duration::minutes(n * step),
            waiting: 0,
            admitted: 0,
            sold: 0,
            sold_total: 0,
        })
        .collect();
    let mut sampled = vec![false; points.len()];
    for sample in samples {
        if let Some(i) = index(sample.at) {
            let point = &mut points[i];
            point.waiting = if sampled[i] {
                point.waiting.max(sample.waiting)
            } else {
                sample.waiting
            };
            point.admitted = point.admitted.max(sample.admitted);
            sampled[i] = true;
        }
    }
    let mut before = 0;
    for sale in sales {
        match index(sale.at) {
            Some(i) => points[i].sold += sale.units,
            None if sale.at < start => before += sale.units,
            None => {}
        }
    }
    let mut total = before;
    let (mut waiting, mut admitted) = (0, 0);
    for (point, sampled) in points.iter_mut().zip(sampled) {
        total += point.sold;
        point.sold_total = total;
        if sampled {
            (waiting, admitted) = (point.waiting, point.admitted);
        } else {
            (point.waiting, point.admitted) = (waiting, admitted);
        }
    }
    (step, points)
}

/// The timeline as CSV: one row per step, the shop's local time first.
#[cfg(feature = "ssr")]
pub fn csv(report: &DropReport) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["time", "waiting", "admitted", "units_sold", "units_sold_total"])?;
    for point in &report.timeline {
        writer.write_record([
            crate::i18n::shop_date_time(point.at),
            point.waiting.to_string(),
            point.admitted.to_string(),
            point.sold.to_string(),
            point.sold_total.to_string(),
        ])?;
    }
    writer.into_inner().map_err(|error| error.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, 20, 0, 0)
            .single()
            .expect("time")
            + Duration::minutes(minute)
    }

    fn sample(minute: i64, waiting: i64, admitted: i64) -> Sample {
        Sample {
            at: at(minute),
            waiting,
            admitted,
        }
    }

    fn sale(minute: i64, units: i64) -> Sale {
        Sale {
            at: at(minute),
            units,
        }
    }

    #[test]
    fn a_short_drop_has_a_point_a_minute_and_carries_the_room_over_gaps() {
        let samples = [sample(0, 500, 0), sample(1, 300, 200), sample(3, 0, 500)];
        let sales = [sale(1, 2), sale(1, 1), sale(2, 4)];
        let (step, points) = timeline(at(0), at(3), &samples, &sales);
        assert_eq!(step, 1);
        let rows: Vec<_> = points
            .iter()
            .map(|p| (p.waiting, p.admitted, p.sold, p.sold_total))
            .collect();
        assert_eq!(
            rows,
            vec![(500, 0, 0, 0), (300, 200, 3, 3), (300, 200, 4, 7), (0, 500, 0, 7)]
        );
    }

    #[test]
    fn a_long_drop_is_cut_into_at_most_120_steps_and_keeps_every_unit() {
        // A week, a sale every hour.
        let week = 7 * 24 * 60;
        let sales: Vec<Sale> = (0..=week).step_by(60).map(|minute| sale(minute, 1)).collect();
        let samples: Vec<Sample> = (0..=week)
            .map(|minute| sample(minute, week - minute, minute))
            .collect();
        let (step, points) = timeline(at(0), at(week), &samples, &sales);
        assert!(points.len() as i64 <= MAX_POINTS, "{}", points.len());
        assert_eq!(step, 85, "10 081 minutes in steps of 85");
        assert_eq!(points.last().map(|p| p.sold_total), Some(sales.len() as i64));
        // The largest sample of a step stands for it.
        assert_eq!(points[0].waiting, week);
        assert_eq!(points[0].admitted, 84);
    }

    #[test]
    fn sales_before_the_start_count_in_the_total_and_later_ones_are_left_out() {
        let (_, points) = timeline(at(10), at(12), &[], &[sale(5, 2), sale(11, 1), sale(30, 9)]);
        let totals: Vec<_> = points.iter().map(|p| p.sold_total).collect();
        assert_eq!(totals, vec![2, 3, 3]);
    }

    #[test]
    fn the_csv_has_a_row_per_step_in_the_shops_time() {
        let (step_minutes, timeline) = timeline(at(0), at(1), &[sample(0, 3, 1)], &[sale(1, 2)]);
        let report = DropReport {
            id: 1,
            name: "Console".into(),
            opens_at: at(0),
            sold_out_at: Some(at(1)),
            figures: DropFigures::default(),
            step_minutes,
            timeline,
        };
        let text = String::from_utf8(csv(&report).expect("csv")).expect("utf-8");
        assert_eq!(
            text,
            "time,waiting,admitted,units_sold,units_sold_total\n2026-12-05 21:00,3,1,0,0\n2026-12-05 21:01,3,1,2,2\n"
        );
        assert_eq!(report.time_to_sell_out(), Some(Duration::minutes(1)));
    }
}
