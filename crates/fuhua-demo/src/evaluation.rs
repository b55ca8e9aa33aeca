//! Last year's evaluation round (R-EVAL, clauses 七 and 二十六), published, scored
//! by fuhua-evaluation under `qx-default`.
//!
//! R-EVAL: "Indicators the platform already knows (occupancy, tenants, jobs, key
//! groups, exits, reporting timeliness) are computed from recorded data, not typed
//! in; the operator's self-report and the evaluator's verification fill the rest" —
//! so those six come from the demo's stays and reports, and only service events,
//! financing and satisfaction differ between self-report and verification.
//! 西海岸新区电子商务创业孵化基地 over-reported them by more than 10 %.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use fuhua_core::ParameterSet;
use fuhua_evaluation::{Inputs, RoundState, Scheme, evaluate, flag_difference, ratio};
use fuhua_waiver::{Founder, key_group_test};
use rand::RngExt;
use rust_decimal::Decimal;

use super::accounts::{EVALUATOR, OFFICIAL_A};
use super::model::{
    DemoCarrier, DemoStay, Entity, EvaluationEntry, EvaluationRound, MonthlyReport,
};
use super::places;
use super::{STREAM_EVAL, rng_for, shift, ymd};

/// How well a carrier did on the typed indicators: service events, financing
/// raised (in 10,000 yuan) and satisfaction, each as an inclusive range.
type Typed = ((i64, i64), (i64, i64), (i64, i64));

/// The carriers evaluated: the government-created and entrusted ones that an
/// operating subsidy (R-AWARD-OPERATING) depends on, and one socially-run base.
const EVALUATED: [(&str, Typed); 7] = [
    ("QXZT001", ((16, 24), (420, 650), (88, 96))),
    ("QXZT002", ((12, 20), (250, 500), (85, 94))),
    ("QXZT003", ((8, 14), (20, 80), (80, 90))),
    ("QXZT005", ((10, 16), (100, 300), (80, 90))),
    ("QXZT006", ((4, 8), (0, 30), (68, 78))),
    ("QXZT007", ((8, 12), (80, 200), (76, 86))),
    ("QXZT008", ((6, 12), (30, 120), (78, 88))),
];

/// The carrier whose self-report the evaluator corrected by more than 10 %.
const OVERSTATED: &str = "QXZT007";

/// What the data of the period says about a carrier.
struct Recorded {
    occupancy_rate: Decimal,
    tenants: u32,
    jobs_created: u32,
    key_group_share: Decimal,
    graduated_tenants: u32,
    on_time_report_rate: Decimal,
}

/// A rate of recorded counts as R-EVAL takes it (fuhua-evaluation's exact ratio, 0
/// over nothing); more workstations occupied than the carrier lists is read as full.
fn rate(numerator: u32, denominator: u32) -> Decimal {
    ratio(Decimal::from(numerator), Decimal::from(denominator)).min(Decimal::ONE)
}

/// R-WAIVER-KEYGROUP (fuhua-waiver's key-group test with the parameters in force),
/// taken on the entity's first move-in: whether its founder counts as a key group.
fn in_key_group(entity: &Entity, first_move_in: NaiveDate, params: &ParameterSet) -> bool {
    let founder = Founder {
        group: entity.founder.group,
        graduated_on: entity.founder.graduated_on,
    };
    key_group_test(&founder, first_move_in, params)
        .value
        .in_key_group
}

fn recorded(
    carrier: &DemoCarrier,
    stays: &[DemoStay],
    key_group: &BTreeSet<&str>,
    reports: &[MonthlyReport],
    period: (NaiveDate, NaiveDate),
) -> Recorded {
    let (start, end) = period;
    let during: Vec<&DemoStay> = stays
        .iter()
        .filter(|s| s.carrier == carrier.code)
        .filter(|s| s.move_in <= end && s.move_out.is_none_or(|out| out >= start))
        .collect();
    let tenants: BTreeSet<&str> = during.iter().map(|s| s.entity.as_str()).collect();
    let key_group_tenants = tenants.iter().filter(|e| key_group.contains(*e)).count();
    let occupied: u32 = during
        .iter()
        .filter(|s| s.move_out.is_none_or(|out| out >= end))
        .map(|s| s.workstations)
        .sum();
    let year = format!("{}-", start.year());
    let due: Vec<&MonthlyReport> = reports
        .iter()
        .filter(|r| r.carrier == carrier.code && r.period.starts_with(&year))
        .collect();
    let on_time = due
        .iter()
        .filter(|r| r.submitted_on.is_some() && !r.late)
        .count();
    Recorded {
        occupancy_rate: rate(occupied, carrier.workstations),
        tenants: tenants.len() as u32,
        jobs_created: during.iter().map(|s| s.jobs).sum(),
        key_group_share: rate(key_group_tenants as u32, tenants.len() as u32),
        graduated_tenants: during
            .iter()
            .filter(|s| s.move_out.is_some_and(|out| out <= end))
            .count() as u32,
        on_time_report_rate: rate(on_time as u32, due.len() as u32),
    }
}

fn inputs(recorded: &Recorded, typed: [Decimal; 3], violations: u32) -> Inputs {
    let values = [
        ("occupancy_rate", recorded.occupancy_rate),
        ("tenants", Decimal::from(recorded.tenants)),
        ("jobs_created", Decimal::from(recorded.jobs_created)),
        ("key_group_share", recorded.key_group_share),
        (
            "graduated_tenants",
            Decimal::from(recorded.graduated_tenants),
        ),
        ("service_events", typed[0]),
        ("financing_raised", typed[1]),
        ("satisfaction", typed[2]),
        ("on_time_report_rate", recorded.on_time_report_rate),
    ];
    Inputs {
        values: values
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
        violations,
        false_reporting: false,
    }
}

/// The published round for last calendar year.
pub fn evaluation_round(
    today: NaiveDate,
    carriers: &[DemoCarrier],
    entities: &[Entity],
    stays: &[DemoStay],
    reports: &[MonthlyReport],
) -> EvaluationRound {
    let year = today.year() - 1;
    let period = (ymd(year, 1, 1), ymd(year, 12, 31));
    let published_on = ymd(today.year(), 3, 20).min(shift(today, -1));
    let opened_on = ymd(today.year(), 1, 8).min(shift(published_on, -40));
    let all_params = ParameterSet::defaults();
    // R-EVAL: the parameters in force at the end of the evaluation period.
    let params = all_params.at(period.1);
    let scheme = Scheme::qx_default();
    // Key-group status is tested once, on each entity's first move-in (stays are
    // ordered by entity, then move-in), and kept across moves (SPEC §3).
    let mut first_in: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for stay in stays {
        first_in.entry(stay.entity.as_str()).or_insert(stay.move_in);
    }
    let key_group: BTreeSet<&str> = entities
        .iter()
        .filter(|e| {
            first_in
                .get(e.credit_code.as_str())
                .is_some_and(|day| in_key_group(e, *day, &all_params))
        })
        .map(|e| e.credit_code.as_str())
        .collect();

    let mut entries = Vec::new();
    for (index, (code, typed)) in EVALUATED.iter().enumerate() {
        let Some(carrier) = carriers.iter().find(|c| c.code == *code) else {
            continue;
        };
        let mut rng = rng_for(STREAM_EVAL, index as u64);
        let facts = recorded(carrier, stays, &key_group, reports, period);
        let (events, financing, satisfaction) = *typed;
        let events = rng.random_range(events.0..=events.1);
        let financing = 10_000 * rng.random_range(financing.0..=financing.1);
        let satisfaction = rng.random_range(satisfaction.0..=satisfaction.1);
        let verified = [
            Decimal::from(events),
            Decimal::from(financing),
            Decimal::from(satisfaction),
        ];
        let reported = if *code == OVERSTATED {
            // Self-reported events and financing well above what the evaluator found.
            [
                Decimal::from(events * 8 / 5),
                Decimal::from(financing * 5 / 2 + 1_000_000),
                Decimal::from(satisfaction + 3),
            ]
        } else {
            // Operators round up a little, within the 10 % tolerance.
            [
                Decimal::from(events),
                Decimal::from(financing + financing / 20),
                Decimal::from(satisfaction),
            ]
        };
        let violations = u32::from(*code == OVERSTATED);
        let self_reported = inputs(&facts, reported, 0);
        let verified = inputs(&facts, verified, violations);
        let flagged = self_reported
            .values
            .iter()
            .filter(|(key, value)| {
                verified.values.get(*key).is_some_and(|checked| {
                    flag_difference(**value, *checked, params.eval_flag_tolerance)
                })
            })
            .map(|(key, _)| key.clone())
            .collect();
        // R-EVAL: the verified value counts when there is one.
        let Ok(decision) = evaluate(&scheme, &verified, &params) else {
            tracing::warn!(carrier = code, "demo: the evaluation inputs were refused");
            continue;
        };
        let outcome = decision.value;
        entries.push(EvaluationEntry {
            carrier: carrier.code.clone(),
            verified_by: EVALUATOR.to_owned(),
            self_reported_on: shift(opened_on, 14),
            verified_on: shift(opened_on, 30),
            self_reported,
            verified,
            flagged,
            score: outcome.score,
            grade: outcome.grade,
            coefficient: outcome.coefficient,
            items: outcome.items,
        });
    }

    EvaluationRound {
        key: format!("PG-{year}"),
        name: format!("{year}年度创业载体运营绩效评估"),
        period_start: period.0,
        period_end: period.1,
        scheme: scheme.key.clone(),
        scheme_version: scheme.version,
        state: RoundState::Published,
        opened_on,
        opened_by: OFFICIAL_A.to_owned(),
        published_on,
        evaluator: places::ZHENGHENG.code(),
        entries,
    }
}
