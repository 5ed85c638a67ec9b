//! What a drop is and where a visitor stands in its room: the values the
//! pages, the back office and the position endpoint share, and the rules
//! that turn the room's numbers into a visitor's state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Rule};

/// Who may join a drop's waiting room.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "drop_audience", rename_all = "lowercase")
)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Guests too.
    #[default]
    Anyone,
    /// Logged-in accounts.
    Accounts,
    /// Accounts with a verified e-mail address, created before the drop
    /// was announced (a farm of new accounts cannot join).
    Verified,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Anyone, Audience::Accounts, Audience::Verified];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anyone => "anyone",
            Self::Accounts => "accounts",
            Self::Verified => "verified",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|audience| audience.as_str() == raw)
    }
}

/// Where a drop is in its life, at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Announced; its room (if any) is not open yet.
    Announced,
    /// The room takes its pre-queue; the sale has not opened.
    PreQueue,
    /// On sale.
    Open,
    /// Nothing left to buy: no stock, no hold, no payment in flight.
    SoldOut,
}

/// A variant a drop sells, as its card shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropItem {
    pub product_id: i64,
    pub name: String,
    pub slug: String,
    pub sku: String,
    pub price_cents: i64,
    /// Units that can be bought now (shelf less holds).
    pub stock: i32,
}

/// A drop as the shop shows it: its card on the home page, the head of
/// its room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropCard {
    pub id: i64,
    pub name: String,
    pub opens_at: DateTime<Utc>,
    /// The opening in the shop's time zone (Europe/Paris), "2026-12-05 20:00".
    pub opens_local: String,
    pub room_opens_at: Option<DateTime<Utc>>,
    pub room_opens_local: Option<String>,
    pub sold_out: bool,
    pub items: Vec<DropItem>,
}

impl DropCard {
    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        phase(now, self.opens_at, self.room_opens_at, self.sold_out)
    }

    pub fn has_room(&self) -> bool {
        self.room_opens_at.is_some()
    }

    pub fn room_path(&self) -> String {
        room_path(self.id)
    }
}

pub fn room_path(drop_id: i64) -> String {
    format!("/drops/{drop_id}")
}

pub fn phase(
    now: DateTime<Utc>,
    opens_at: DateTime<Utc>,
    room_opens_at: Option<DateTime<Utc>>,
    sold_out: bool,
) -> Phase {
    if sold_out {
        Phase::SoldOut
    } else if now >= opens_at {
        Phase::Open
    } else if room_opens_at.is_some_and(|room| now >= room) {
        Phase::PreQueue
    } else {
        Phase::Announced
    }
}

/// Where one visitor stands in a drop's room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RoomState {
    /// Not in the room.
    Outside,
    /// In the pre-queue: places are drawn at the opening.
    PreQueue,
    /// Joined after the opening: placed within a second or two.
    Placing,
    /// `ahead` visitors before this one; about `wait_seconds` to wait.
    Waiting { ahead: i64, wait_seconds: i64 },
    /// May add and check out the drop's variants until `until`.
    Admitted { until: DateTime<Utc> },
    /// Was admitted, and the admission ran out.
    Expired,
    /// Nothing left: everyone still waiting is told at once.
    SoldOut,
}

/// A drop's waiting room as one visitor sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub card: DropCard,
    pub state: RoomState,
    /// What the page polls its position with (`/drops/position?ticket=`);
    /// none outside the room.
    pub ticket: Option<String>,
}

/// The room's numbers, as the drop's row holds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoomFigures {
    pub opens_at: DateTime<Utc>,
    pub admitted_through: i64,
    pub admit_per_tick: i32,
    pub tick_seconds: i32,
    pub admission_minutes: i32,
    pub sold_out: bool,
}

/// One visitor's row in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueuePlace {
    pub place: Option<i64>,
    pub admitted_at: Option<DateTime<Utc>>,
}

impl RoomFigures {
    /// The state of a visitor at `place` (or outside, `None`) at `now`.
    pub fn state_of(&self, place: Option<QueuePlace>, now: DateTime<Utc>) -> RoomState {
        let Some(place) = place else {
            return RoomState::Outside;
        };
        if let Some(admitted_at) = place.admitted_at {
            let until = admitted_at + chrono::Duration::minutes(i64::from(self.admission_minutes));
            return if now < until {
                RoomState::Admitted { until }
            } else {
                RoomState::Expired
            };
        }
        if self.sold_out {
            return RoomState::SoldOut;
        }
        match place.place {
            None if now < self.opens_at => RoomState::PreQueue,
            None => RoomState::Placing,
            Some(place) => {
                // Admitted rows carry their time; one without it, at or
                // under the watermark, is being admitted this instant.
                let ahead = (place - self.admitted_through - 1).max(0);
                RoomState::Waiting {
                    ahead,
                    wait_seconds: self.wait_seconds(ahead),
                }
            }
        }
    }

    /// A rough wait for a visitor with `ahead` before them, at the pace.
    pub fn wait_seconds(&self, ahead: i64) -> i64 {
        let per_tick = i64::from(self.admit_per_tick.max(1));
        (ahead / per_tick + 1) * i64::from(self.tick_seconds)
    }
}

/// A drop in the back office's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminDrop {
    pub card: DropCard,
    pub audience: Audience,
    pub admit_per_tick: i32,
    pub tick_seconds: i32,
    pub admission_minutes: i32,
    pub in_room: i64,
    pub admitted: i64,
}

/// Longest a drop's name may be.
pub const MAX_NAME: usize = 120;
/// Most variants one drop sells.
pub const MAX_VARIANTS: usize = 50;

/// The waiting room's page asks for a fresh state this often without
/// JavaScript (a meta refresh) and with it (a poll of the position).
pub const REFRESH_SECONDS: u32 = 5;

/// The opening an operator typed: `2026-12-05T20:00` (what a
/// `datetime-local` field sends) or `2026-12-05 20:00`, in the shop's zone.
pub fn parse_opening(raw: &str) -> Result<chrono::NaiveDateTime, AppError> {
    crate::operator::forms::parse_shop_time("opens_at", raw)
}

/// The SKUs an operator listed (one per line, or separated by commas or
/// spaces), upper-cased, each once, at most [`MAX_VARIANTS`].
pub fn parse_skus(raw: &str) -> Result<Vec<String>, AppError> {
    let mut skus: Vec<String> = Vec::new();
    for sku in raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|sku| !sku.is_empty())
    {
        let sku = sku.to_uppercase();
        if !skus.contains(&sku) {
            skus.push(sku);
        }
    }
    if skus.is_empty() {
        return Err(AppError::validation("skus", Rule::Required));
    }
    if skus.len() > MAX_VARIANTS {
        return Err(AppError::validation(
            "skus",
            Rule::OutOfRange {
                min: 1,
                max: MAX_VARIANTS as i64,
            },
        ));
    }
    Ok(skus)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Format;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, 20, minute, 0)
            .single()
            .expect("a time")
    }

    fn room() -> RoomFigures {
        RoomFigures {
            opens_at: at(10),
            admitted_through: 100,
            admit_per_tick: 50,
            tick_seconds: 10,
            admission_minutes: 15,
            sold_out: false,
        }
    }

    #[test]
    fn a_drop_goes_from_announced_to_sold_out() {
        assert_eq!(phase(at(0), at(10), Some(at(5)), false), Phase::Announced);
        assert_eq!(phase(at(5), at(10), Some(at(5)), false), Phase::PreQueue);
        assert_eq!(
            phase(at(7), at(10), None, false),
            Phase::Announced,
            "no room, no pre-queue"
        );
        assert_eq!(phase(at(10), at(10), Some(at(5)), false), Phase::Open);
        assert_eq!(phase(at(11), at(10), Some(at(5)), true), Phase::SoldOut);
    }

    #[test]
    fn a_visitor_waits_then_is_admitted_until_the_admission_runs_out() {
        let room = room();
        assert_eq!(room.state_of(None, at(12)), RoomState::Outside);
        let unplaced = QueuePlace {
            place: None,
            admitted_at: None,
        };
        assert_eq!(room.state_of(Some(unplaced), at(9)), RoomState::PreQueue);
        assert_eq!(room.state_of(Some(unplaced), at(11)), RoomState::Placing);
        let placed = QueuePlace {
            place: Some(251),
            admitted_at: None,
        };
        assert_eq!(
            room.state_of(Some(placed), at(12)),
            RoomState::Waiting {
                ahead: 150,
                wait_seconds: 40
            },
            "150 ahead at 50 every 10 s: the fourth batch"
        );
        let admitted = QueuePlace {
            place: Some(12),
            admitted_at: Some(at(11)),
        };
        assert_eq!(
            room.state_of(Some(admitted), at(20)),
            RoomState::Admitted { until: at(26) }
        );
        assert_eq!(room.state_of(Some(admitted), at(26)), RoomState::Expired);
    }

    #[test]
    fn a_sold_out_room_tells_everyone_waiting_but_keeps_admissions() {
        let room = RoomFigures {
            sold_out: true,
            ..room()
        };
        let waiting = QueuePlace {
            place: Some(900),
            admitted_at: None,
        };
        assert_eq!(room.state_of(Some(waiting), at(30)), RoomState::SoldOut);
        let admitted = QueuePlace {
            place: Some(3),
            admitted_at: Some(at(25)),
        };
        assert!(matches!(
            room.state_of(Some(admitted), at(30)),
            RoomState::Admitted { .. }
        ));
    }

    #[test]
    fn an_operator_types_an_opening_and_skus() {
        let opening = parse_opening(" 2026-12-05T20:00 ").expect("a datetime-local value");
        assert_eq!(opening.to_string(), "2026-12-05 20:00:00");
        assert_eq!(parse_opening("2026-12-05 20:00").expect("with a space"), opening);
        for bad in ["", "tomorrow", "2026-13-05T20:00", "2026-12-05", "<b>"] {
            assert_eq!(
                parse_opening(bad),
                Err(AppError::validation("opens_at", Rule::Format(Format::DateTime))),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_skus("ps6-blk, ps6-wht\nPS6-BLK").expect("two SKUs"),
            vec!["PS6-BLK".to_owned(), "PS6-WHT".to_owned()]
        );
        assert_eq!(
            parse_skus(" , "),
            Err(AppError::validation("skus", Rule::Required))
        );
        let many = (0..=MAX_VARIANTS)
            .map(|n| format!("S{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(parse_skus(&many).is_err());
    }

    #[test]
    fn audiences_read_back_from_their_names() {
        for audience in Audience::ALL {
            assert_eq!(Audience::parse(audience.as_str()), Some(audience));
        }
        assert_eq!(Audience::parse("Anyone"), None);
    }
}
