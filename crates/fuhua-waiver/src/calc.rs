//! R-WAIVER: regimes, the key-group test, the window and the monthly ledger
//! (clause 七).

use chrono::NaiveDate;
use fuhua_accreditation::{Carrier, CarrierOffer, OfferReason};
use fuhua_core::clauses::{self, rules};
use fuhua_core::dates::{add_months, period_last_day};
use fuhua_core::vocab::{FounderGroup, FundingSource, Regime};
use fuhua_core::{DateRange, Decision, Lang, Money, ParameterSet, Problem, Trace, YearMonth};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::keygroup::{founder_reason, key_group_test};

/// The principal founder (legal representative) of the entering entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Founder {
    pub group: FounderGroup,
    pub graduated_on: Option<NaiveDate>,
}

/// One stay (入驻) of the entity in a carrier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stay {
    pub carrier: Carrier,
    pub move_in: NaiveDate,
    /// The last occupied day, inclusive; `None` while the entity is still there.
    pub move_out: Option<NaiveDate>,
    pub monthly_rent: Money,
}

/// Everything the rent-waiver rules need about one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverInput {
    pub founder: Founder,
    /// In the order the caller knows them; results keep this order.
    pub stays: Vec<Stay>,
    /// Total months of approved extensions (R-WAIVER-EXTEND).
    pub extension_months: u32,
    /// Ledger rows of open stays run through this day.
    pub as_of: NaiveDate,
    /// The window an earlier entity of the same founder had, if any.
    pub founder_prior_window: Option<DateRange>,
}

/// Why a stay gets no regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    Carrier(OfferReason),
    /// The founder's group is not among the district's key groups.
    FounderNotKeyGroup,
    /// A graduate more than `graduate_years` years out at the key-group test.
    GraduateTooLongAgo,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Carrier(reason) => reason.code(),
            Reason::FounderNotKeyGroup => "founder_not_key_group",
            Reason::GraduateTooLongAgo => "graduated_too_long_ago",
        }
    }

    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            Reason::Carrier(reason) => reason.describe(lang),
            Reason::FounderNotKeyGroup => lang.pick(
                "创业者不属于重点群体（高校毕业生、城乡失业人员、返乡农民工等）",
                "the founder is not in a key group (graduates, the unemployed, returning migrant workers …)",
            ),
            Reason::GraduateTooLongAgo => lang.pick(
                "高校毕业生毕业已超过规定年限",
                "the graduate graduated longer ago than the policy allows",
            ),
        }
    }
}

/// The regime of one stay, in the request's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayOutcome {
    pub regime: Regime,
    /// 1.00 for a full waiver, the district's rate for key groups, 0.00 for none.
    pub rate: Decimal,
    pub funding_source: Option<FundingSource>,
    pub reasons: Vec<Reason>,
}

/// The waiver window, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// N: the policy's months plus extension months that lengthen the waiver.
    pub months: u32,
}

impl Window {
    pub fn range(self) -> DateRange {
        DateRange {
            start: self.start,
            end: self.end,
        }
    }
}

/// The outcome of the key-group test (taken once, SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyGroupTest {
    pub tested_on: NaiveDate,
    pub in_key_group: bool,
}

/// One row of the monthly ledger: one stay, one calendar month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// 0-based index into the input's stays.
    pub stay: usize,
    pub month: YearMonth,
    /// The occupied days of this month.
    pub occupied: DateRange,
    pub occupied_days: u32,
    pub days_in_month: u32,
    pub waived_days: u32,
    pub rent_due: Money,
    pub waived: Money,
    pub payable: Money,
}

/// The full answer for one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverResult {
    pub window: Option<Window>,
    pub stays: Vec<StayOutcome>,
    pub months: Vec<LedgerRow>,
    pub total_waived: Money,
    pub months_remaining: Option<u32>,
    pub key_group: Option<KeyGroupTest>,
    pub as_of: NaiveDate,
}

/// Checks the input; every problem names its field as in the JSON API, and its
/// message names stays by their field path (`stays[1]`) too.
pub fn validate(input: &WaiverInput, params: &ParameterSet) -> Vec<Problem> {
    let mut problems = Vec::new();
    if input.founder.group == FounderGroup::Graduate && input.founder.graduated_on.is_none() {
        problems.push(Problem::new(
            "founder.graduated_on",
            "required",
            "创业者为高校毕业生时必须填写毕业日期",
            "graduated_on is required when the founder is a graduate",
        ));
    }
    if input.stays.is_empty() {
        problems.push(Problem::new(
            "stays",
            "required",
            "至少需要一段入驻记录",
            "at least one stay is required",
        ));
    }
    for (i, stay) in input.stays.iter().enumerate() {
        if let Some(out) = stay.move_out
            && out < stay.move_in
        {
            problems.push(Problem::new(
                format!("stays[{i}].move_out"),
                "before_move_in",
                format!(
                    "stays[{i}].move_out 退出日期 {out} 早于入驻日期 {}",
                    stay.move_in
                ),
                format!(
                    "stays[{i}].move_out {out} is before move_in {}",
                    stay.move_in
                ),
            ));
        }
    }
    // Stays of one entity must not overlap (SPEC §3); an open stay runs on.
    let span = |s: &Stay| DateRange::new(s.move_in, s.move_out.unwrap_or(NaiveDate::MAX));
    for (j, later) in input.stays.iter().enumerate() {
        let Some(later_span) = span(later) else {
            continue;
        };
        let clash = input.stays.iter().enumerate().find(|(i, earlier)| {
            *i != j
                && (earlier.move_in, *i) < (later.move_in, j)
                && span(earlier).is_some_and(|e| e.overlaps(later_span))
        });
        if let Some((i, _)) = clash {
            problems.push(Problem::new(
                format!("stays[{j}].move_in"),
                "overlapping_stay",
                format!("stays[{j}] 与 stays[{i}] 的入驻时间重叠，同一实体的入驻不能重叠"),
                format!("stays[{j}] overlaps stays[{i}]; stays of one entity must not overlap"),
            ));
        }
    }
    // R-WAIVER-EXTEND: all extensions together ≤ extension_total_max_months, as in
    // force on the first move-in.
    let first = input
        .stays
        .iter()
        .map(|s| s.move_in)
        .min()
        .unwrap_or(input.as_of);
    let cap = params.at(first).extension_total_max_months;
    if input.extension_months > cap {
        problems.push(Problem::new(
            "extension_months",
            "over_cap",
            format!("延长月数合计不能超过{cap}个月"),
            format!("extension months may not exceed {cap} in all"),
        ));
    }
    problems
}

/// Applies R-WAIVER-FULL, R-WAIVER-KEYGROUP, the window, R-WAIVER-EXTEND and the
/// ledger to one entity.
pub fn calculate(
    input: &WaiverInput,
    params: &ParameterSet,
) -> Result<Decision<WaiverResult>, Vec<Problem>> {
    let problems = validate(input, params);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut trace = Trace::new();

    // What each carrier offers on its stay's move-in (fuhua-accreditation).
    let offers: Vec<Decision<CarrierOffer>> = input
        .stays
        .iter()
        .map(|s| s.carrier.offer_on(s.move_in))
        .collect();

    // R-WAIVER-KEYGROUP — clause 七: key-group membership is tested once, on the
    // first move-in among stays whose carrier qualifies, so a move never loses it.
    // The test only matters (and is only shown) when some stay is in a key-group carrier.
    let needs_key_group = offers
        .iter()
        .any(|o| o.value == CarrierOffer::KeyGroupReduction);
    let key_group = input
        .stays
        .iter()
        .zip(&offers)
        .filter(|(_, offer)| needs_key_group && offer.value.qualifies())
        .map(|(stay, _)| stay.move_in)
        .min()
        .map(|tested_on| {
            let test = key_group_test(&input.founder, tested_on, params);
            trace.extend(test.trace);
            test.value
        });

    let mut stays: Vec<StayOutcome> = Vec::with_capacity(input.stays.len());
    for (i, (stay, offer)) in input.stays.iter().zip(offers).enumerate() {
        let number = i + 1;
        trace.step(
            rules::WAIVER_LEDGER,
            &clauses::WINDOW,
            format!(
                "第{number}段入驻：{}，{}，{}入驻",
                stay.carrier.kind.label(Lang::Zh),
                stay.carrier.founding.label(Lang::Zh),
                stay.move_in
            ),
            format!(
                "stay {number}: {}, {}, moved in {}",
                stay.carrier.kind.label(Lang::En),
                stay.carrier.founding.label(Lang::En),
                stay.move_in
            ),
        );
        trace.extend(offer.trace);
        let outcome = match offer.value {
            CarrierOffer::FullWaiver { funding_source } => StayOutcome {
                regime: Regime::FullWaiver,
                rate: Decimal::new(100, 2),
                funding_source: Some(funding_source),
                reasons: vec![],
            },
            CarrierOffer::KeyGroupReduction => match key_group {
                Some(test) if test.in_key_group => StayOutcome {
                    regime: Regime::KeyGroupReduction,
                    // The rate is set once the window's reference date is known.
                    rate: Decimal::ZERO,
                    funding_source: Some(FundingSource::DistrictFinance),
                    reasons: vec![],
                },
                _ => {
                    let reason = founder_reason(&input.founder, key_group, params);
                    trace.step(
                        rules::WAIVER_NONE,
                        &clauses::KEY_GROUP,
                        reason.describe(Lang::Zh),
                        reason.describe(Lang::En),
                    );
                    none(vec![reason])
                }
            },
            CarrierOffer::Nothing { reasons } => {
                none(reasons.into_iter().map(Reason::Carrier).collect())
            }
        };
        stays.push(outcome);
    }

    // Window — starts on the first move-in of a stay with a regime, lasts N months.
    let window_start = input
        .stays
        .iter()
        .zip(&stays)
        .filter(|(_, o)| o.regime != Regime::None)
        .map(|(s, _)| s.move_in)
        .min();
    let mut window = None;
    let mut keygroup_cap = None;
    if let Some(start) = window_start {
        // SPEC §3: a waiver reads the parameters in force on its window's start.
        let p = params.at(start);
        let extension = if p.extension_extends_waiver {
            input.extension_months
        } else {
            0
        };
        let months = p.waiver_window_months + extension;
        let mut start = start;
        if let Some(prior) = input.founder_prior_window {
            trace.step(
                rules::WAIVER_WINDOW,
                &clauses::WINDOW,
                format!(
                    "提示：该创业者名下实体此前已有减免期 {} 至 {}",
                    prior.start, prior.end
                ),
                format!(
                    "warning: an earlier entity of this founder already had a window, {} to {}",
                    prior.start, prior.end
                ),
            );
            if p.window_per_founder {
                // District parameter window_per_founder: later entities share the first window.
                start = prior.start;
                trace.step(
                    rules::WAIVER_WINDOW,
                    &clauses::WINDOW,
                    "区参数“同一创业者共用减免期”已开启：沿用此前减免期的起始日",
                    "the district shares one window per founder: the earlier window's start applies",
                );
            }
        }
        let end = period_last_day(start, months).unwrap_or(NaiveDate::MAX);
        trace.step(
            rules::WAIVER_WINDOW,
            &clauses::WINDOW,
            format!(
                "减免期自首次入驻享受政策的载体之日 {start} 起算，共{months}个月（政策“3年内”为{}个月），至 {end} 止；更换载体不重新起算，中间空档不顺延",
                p.waiver_window_months
            ),
            format!(
                "the window starts on the first move-in with a regime, {start}, and lasts {months} months (the policy's “3年内” is {}), ending {end}; moving does not restart it and gaps do not extend it",
                p.waiver_window_months
            ),
        );
        if input.extension_months > 0 {
            // R-WAIVER-EXTEND — clause 七: 对确有需要的创业企业,可适当延长孵化周期.
            let (zh, en) = if p.extension_extends_waiver {
                (
                    format!(
                        "已批准延长孵化期{}个月，减免期相应延长",
                        input.extension_months
                    ),
                    format!(
                        "{} approved extension months also lengthen the waiver window",
                        input.extension_months
                    ),
                )
            } else {
                (
                    format!(
                        "已批准延长孵化期{}个月，但区参数规定延长孵化期不延长减免期",
                        input.extension_months
                    ),
                    format!(
                        "{} approved extension months lengthen the incubation period only: the district does not extend the waiver",
                        input.extension_months
                    ),
                )
            };
            trace.step(rules::WAIVER_EXTEND, &clauses::EXTENSION, zh, en);
        }
        for outcome in stays
            .iter_mut()
            .filter(|o| o.regime == Regime::KeyGroupReduction)
        {
            outcome.rate = p.keygroup_reduction_rate;
        }
        if stays.iter().any(|o| o.regime == Regime::KeyGroupReduction) {
            let cap_text = p
                .keygroup_reduction_cap_per_month
                .map(|c| {
                    (
                        format!("，每月最多减免{c}元"),
                        format!(", at most {c} yuan a month"),
                    )
                })
                .unwrap_or_default();
            trace.step(
                rules::WAIVER_KEYGROUP,
                &clauses::KEY_GROUP_FUNDING,
                format!(
                    "重点群体减免比例为{}（政策未规定比例，此为区参数）{}；仅在载体认定有效的日子减免；资金来源：区财政",
                    p.keygroup_reduction_rate, cap_text.0
                ),
                format!(
                    "the key-group rate is {} (the policy gives none; this is the district's parameter){}; only days on which the carrier's accreditation counts are reduced; paid by district finance",
                    p.keygroup_reduction_rate, cap_text.1
                ),
            );
        }
        keygroup_cap = p.keygroup_reduction_cap_per_month;
        window = Some(Window { start, end, months });
    } else {
        trace.step(
            rules::WAIVER_NONE,
            &clauses::WINDOW,
            "没有一段入驻享受租金减免，因此没有减免期",
            "no stay has a regime, so there is no window",
        );
    }

    // Monthly ledger — one row per stay per calendar month with occupancy.
    let mut months = Vec::new();
    for (i, (stay, outcome)) in input.stays.iter().zip(&stays).enumerate() {
        let first_row = months.len();
        let last_day = stay.move_out.unwrap_or(input.as_of);
        let Some(occupied) = DateRange::new(stay.move_in, last_day) else {
            continue;
        };
        let window_range = window.map(Window::range);
        let cap = (outcome.regime == Regime::KeyGroupReduction)
            .then_some(keygroup_cap)
            .flatten();
        for (month, part) in occupied.months() {
            let waived_days = match (outcome.regime, window_range) {
                (Regime::FullWaiver, Some(w)) => part.days_within(w),
                // Key groups: only days on which an accreditation of the carrier counts.
                (Regime::KeyGroupReduction, Some(w)) => part
                    .intersect(w)
                    .map(|p| {
                        stay.carrier
                            .accredited_within(p)
                            .into_iter()
                            .map(DateRange::days)
                            .sum()
                    })
                    .unwrap_or(0),
                _ => 0,
            };
            months.push(ledger_row(
                i,
                month,
                part,
                waived_days,
                stay.monthly_rent,
                outcome.rate,
                cap,
            ));
        }
        let rows = &months[first_row..];
        let due: Money = rows.iter().map(|r| r.rent_due).sum();
        let waived: Money = rows.iter().map(|r| r.waived).sum();
        let number = i + 1;
        trace.step(
            rules::WAIVER_LEDGER,
            &clauses::WINDOW,
            format!(
                "第{number}段入驻台账：{} 至 {}，共{}个月，应缴租金{due}元，减免{waived}元",
                occupied.start,
                occupied.end,
                rows.len()
            ),
            format!(
                "stay {number} ledger: {} to {}, {} months, rent due {due} yuan, waived {waived} yuan",
                occupied.start,
                occupied.end,
                rows.len()
            ),
        );
        if let Some(w) = window
            && outcome.regime != Regime::None
            && occupied.start > w.end
        {
            trace.step(
                rules::WAIVER_WINDOW,
                &clauses::WINDOW,
                format!(
                    "第{number}段入驻开始时减免期（至 {}）已结束，不再减免",
                    w.end
                ),
                format!(
                    "stay {number} began after the window ended on {}: nothing is waived",
                    w.end
                ),
            );
        }
    }
    let total_waived = months.iter().map(|r| r.waived).sum();
    let months_remaining = window.map(|w| months_remaining(input.as_of, w.end));
    Ok(Decision::new(
        WaiverResult {
            window,
            stays,
            months,
            total_waived,
            months_remaining,
            key_group,
            as_of: input.as_of,
        },
        trace,
    ))
}

fn none(reasons: Vec<Reason>) -> StayOutcome {
    StayOutcome {
        regime: Regime::None,
        rate: Decimal::new(0, 2),
        funding_source: None,
        reasons,
    }
}

/// One ledger row (R-WAIVER ledger):
/// rent_due = rent × occupied/days; waived = min(rent_due, rent × waived_days/days × rate, cap);
/// payable = rent_due − waived; each money value rounded once, half away from zero.
fn ledger_row(
    stay: usize,
    month: YearMonth,
    occupied: DateRange,
    waived_days: u32,
    rent: Money,
    rate: Decimal,
    cap: Option<Money>,
) -> LedgerRow {
    let days = Decimal::from(month.days());
    let occupied_days = occupied.days();
    let rent_due = Money::round(rent.amount() * Decimal::from(occupied_days) / days);
    let mut waived =
        Money::round(rent.amount() * Decimal::from(waived_days) * rate / days).min(rent_due);
    if let Some(cap) = cap {
        waived = waived.min(cap);
    }
    LedgerRow {
        stay,
        month,
        occupied,
        occupied_days,
        days_in_month: month.days(),
        waived_days,
        rent_due,
        waived,
        payable: rent_due - waived,
    }
}

/// The largest n with as_of + n months ≤ the window's end (0 after the window).
pub fn months_remaining(as_of: NaiveDate, end: NaiveDate) -> u32 {
    if as_of > end {
        return 0;
    }
    let span = |d: NaiveDate| {
        i64::from(chrono::Datelike::year(&d)) * 12 + i64::from(chrono::Datelike::month0(&d))
    };
    let mut n = u32::try_from(span(end) - span(as_of)).unwrap_or(0);
    while n > 0 && add_months(as_of, n).is_none_or(|d| d > end) {
        n -= 1;
    }
    n
}
