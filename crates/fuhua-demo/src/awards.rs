//! Award cases (SPEC §4 award case) for the ladder (R-AWARD-LADDER) and area
//! (R-AWARD-AREA) programmes, computed by fuhua-awards with the default parameters
//! in force on each case's reference date.
//!
//! 西海岸新区大学生创业孵化基地 was paid its municipal and provincial steps and its
//! national step is approved; 青岛西海岸青年创新创业孵化基地 was paid 4,500,000 on
//! the municipal step (voucher QXCZ-YYYY-0318) and is now owed the provincial step.

use chrono::{Datelike, Days, NaiveDate};
use fuhua_awards::{
    AreaRequest, AwardCaseState, LadderRequest, PaidStep, Programme, area, funding_source, ladder,
};
use fuhua_core::vocab::{AreaKind, Level};
use fuhua_core::{Money, ParameterSet};

use super::accounts::{FINANCE, OFFICIAL_A, OFFICIAL_B};
use super::model::{AwardCase, AwardSubject, DemoCarrier};
use super::places;
use super::{shift, ymd};

/// A move of the case: when and by whom.
type Move = Option<(NaiveDate, &'static str)>;

/// What a case is, before its amounts are computed.
struct Spec {
    subject: AwardSubject,
    level: Option<(Level, String)>,
    area_kind: Option<AreaKind>,
    reference_date: NaiveDate,
    /// The official's amount (municipal step or area award); the cap when absent.
    amount: Option<Money>,
    paid_steps: Vec<PaidStep>,
    state: AwardCaseState,
    computed: (NaiveDate, &'static str),
    reviewed: Move,
    approved: Move,
    paid: Option<(NaiveDate, String)>,
    closed: Option<(NaiveDate, &'static str, &'static str)>,
}

impl Spec {
    fn ladder(carrier: &DemoCarrier, level: Level, paid: &[(Level, Money)]) -> Option<Spec> {
        let record = carrier.accreditations.iter().find(|a| a.level == level)?;
        Some(Spec {
            subject: AwardSubject::Carrier {
                code: carrier.code.clone(),
            },
            level: Some((level, record.certificate_no.clone())),
            area_kind: None,
            reference_date: record.valid_from,
            amount: None,
            paid_steps: paid
                .iter()
                .map(|&(level, amount)| PaidStep { level, amount })
                .collect(),
            state: AwardCaseState::Computed,
            computed: (record.valid_from, OFFICIAL_A),
            reviewed: None,
            approved: None,
            paid: None,
            closed: None,
        })
    }

    fn area(jurisdiction: &str, kind: AreaKind, reference_date: NaiveDate) -> Spec {
        Spec {
            subject: AwardSubject::Area {
                jurisdiction: jurisdiction.to_owned(),
            },
            level: None,
            area_kind: Some(kind),
            reference_date,
            amount: None,
            paid_steps: Vec::new(),
            state: AwardCaseState::Computed,
            computed: (reference_date, OFFICIAL_A),
            reviewed: None,
            approved: None,
            paid: None,
            closed: None,
        }
    }

    /// Moves the case through computed → reviewed → approved → paid, `days` after
    /// the reference date each; `paid` is the voucher's serial.
    fn through(
        mut self,
        state: AwardCaseState,
        days: [i64; 4],
        reviewer: &'static str,
        voucher: u32,
    ) -> Spec {
        let on = |d: i64| shift(self.reference_date, d);
        let approver = if reviewer == OFFICIAL_A {
            OFFICIAL_B
        } else {
            OFFICIAL_A
        };
        self.state = state;
        self.computed = (on(days[0]), OFFICIAL_A);
        let rank = match state {
            AwardCaseState::Computed => 0,
            AwardCaseState::Reviewed => 1,
            AwardCaseState::Approved => 2,
            AwardCaseState::Paid => 3,
            AwardCaseState::Rejected | AwardCaseState::Cancelled => 0,
        };
        if rank >= 1 {
            self.reviewed = Some((on(days[1]), reviewer));
        }
        if rank >= 2 {
            self.approved = Some((on(days[2]), approver));
        }
        if rank >= 3 {
            let paid_on = on(days[3]);
            self.paid = Some((paid_on, format!("QXCZ-{}-{voucher:04}", paid_on.year())));
        }
        self
    }
}

/// Computes a case with fuhua-awards; `None` if the rules refuse it (a bug).
fn compute(spec: Spec) -> Option<AwardCase> {
    // SPEC §3: every rule reads the parameters in force on its reference date —
    // for awards, the accreditation (or creation) date.
    let params = ParameterSet::defaults().at(spec.reference_date);
    let (programme, decision) = match (&spec.level, spec.area_kind) {
        (Some((level, _)), _) => {
            let request = LadderRequest {
                paid_steps: spec.paid_steps.clone(),
                new_level: *level,
                municipal_amount: spec.amount,
            };
            (Programme::Ladder, ladder(&request, &params).ok()?)
        }
        (None, Some(area_kind)) => {
            let request = AreaRequest {
                area_kind,
                amount: spec.amount,
                already_paid: None,
            };
            (Programme::Area, area(&request, &params).ok()?)
        }
        (None, None) => return None,
    };
    let outcome = decision.value;
    Some(AwardCase {
        number: String::new(),
        programme,
        subject: spec.subject,
        new_level: spec.level.as_ref().map(|(level, _)| *level),
        certificate_no: spec.level.map(|(_, cert)| cert),
        area_kind: spec.area_kind,
        reference_date: spec.reference_date,
        state: spec.state,
        steps: outcome.steps,
        total: outcome.total,
        // R-AWARD-LADDER / R-AWARD-AREA: "青岛市按规定给予", "由市财政…给予".
        funding_source: funding_source(programme),
        computed_on: spec.computed.0,
        computed_by: spec.computed.1.to_owned(),
        reviewed_on: spec.reviewed.map(|m| m.0),
        reviewed_by: spec.reviewed.map(|m| m.1.to_owned()),
        approved_on: spec.approved.map(|m| m.0),
        approved_by: spec.approved.map(|m| m.1.to_owned()),
        paid_by: spec.paid.as_ref().map(|_| FINANCE.to_owned()),
        paid_on: spec.paid.as_ref().map(|p| p.0),
        voucher_no: spec.paid.map(|p| p.1),
        closed_on: spec.closed.map(|c| c.0),
        closed_by: spec.closed.map(|c| c.1.to_owned()),
        closed_reason: spec.closed.map(|c| c.2.to_owned()),
    })
}

/// The award cases, numbered QXJB-{year computed}-{serial} in the order computed.
pub fn award_cases(today: NaiveDate, carriers: &[DemoCarrier]) -> Vec<AwardCase> {
    let y = today.year();
    let flagship = carriers.iter().find(|c| c.code == "QXZT001");
    let youth = carriers.iter().find(|c| c.code == "QXZT002");
    let cap = Money::yuan(5_000_000);
    let mut specs = Vec::new();
    use AwardCaseState::{Approved, Paid, Reviewed};

    if let Some(c) = flagship {
        // Clause 七: 市级 … 最高500万元 — paid in full.
        specs.extend(
            Spec::ladder(c, Level::Municipal, &[])
                .map(|s| s.through(Paid, [20, 35, 50, 100], OFFICIAL_A, 127)),
        );
        // Clause 七: 按级次又被认定为省级 … 再给予100万元.
        specs.extend(
            Spec::ladder(c, Level::Provincial, &[(Level::Municipal, cap)])
                .map(|s| s.through(Paid, [18, 30, 44, 90], OFFICIAL_B, 266)),
        );
        // Clause 七: … 国家级 … 再给予200万元 — approved, awaiting payment.
        let paid = [
            (Level::Municipal, cap),
            (Level::Provincial, Money::yuan(1_000_000)),
        ];
        specs.extend(
            Spec::ladder(c, Level::National, &paid)
                .map(|s| s.through(Approved, [30, 90, 125, 0], OFFICIAL_A, 0)),
        );
    }
    if let Some(c) = youth {
        let municipal = Money::yuan(4_500_000);
        if let Some(mut spec) = Spec::ladder(c, Level::Municipal, &[]) {
            // The official set the municipal step below its cap (clause 七: 最高500万元).
            spec.amount = Some(municipal);
            let paid_on = ymd(spec.reference_date.year(), 9, 26);
            let days = (paid_on - spec.reference_date).num_days();
            specs.push(spec.through(Paid, [21, 33, 47, days], OFFICIAL_A, 318));
        }
        // Now provincial: owed 1,000,000, reviewed by A and waiting for B.
        specs.extend(
            Spec::ladder(c, Level::Provincial, &[(Level::Municipal, municipal)])
                .map(|s| s.through(Reviewed, [25, 53, 0, 0], OFFICIAL_A, 0)),
        );
    }

    // R-AWARD-AREA, clause 七: 创业型街道（镇）最高50万元, 创业型区（市）最高100万元.
    specs.push(
        Spec::area(places::XINAN, AreaKind::StreetTown, ymd(y - 2, 12, 15)).through(
            Paid,
            [28, 41, 55, 95],
            OFFICIAL_A,
            86,
        ),
    );
    let mut wangtai = Spec::area(places::WANGTAI, AreaKind::StreetTown, ymd(y - 1, 6, 30));
    wangtai.amount = Some(Money::yuan(450_000));
    specs.push(wangtai.through(Paid, [15, 28, 41, 84], OFFICIAL_B, 241));
    let mut rejected = Spec::area(places::XUEJIADAO, AreaKind::StreetTown, ymd(y - 1, 3, 31))
        .through(Reviewed, [12, 20, 0, 0], OFFICIAL_A, 0);
    rejected.state = AwardCaseState::Rejected;
    rejected.closed = Some((
        ymd(y - 1, 5, 6),
        OFFICIAL_B,
        "创建验收复核未达标（创业带动就业人数未达到创建标准），不予奖补",
    ));
    specs.push(rejected);
    let mut cancelled = Spec::area(places::ZHUHAI, AreaKind::StreetTown, ymd(y - 1, 9, 30))
        .through(AwardCaseState::Computed, [15, 0, 0, 0], OFFICIAL_A, 0);
    cancelled.state = AwardCaseState::Cancelled;
    cancelled.closed = Some((
        ymd(y - 1, 10, 28),
        OFFICIAL_A,
        "街道申请撤回创建验收材料，拟下一年度重新申报，本案取消",
    ));
    specs.push(cancelled);
    let recent = today.checked_sub_days(Days::new(20)).unwrap_or(today);
    specs.push(
        Spec::area(places::DISTRICT, AreaKind::District, recent).through(
            AwardCaseState::Computed,
            [14, 0, 0, 0],
            OFFICIAL_A,
            0,
        ),
    );

    let mut cases: Vec<AwardCase> = specs.into_iter().filter_map(compute).collect();
    cases.sort_by_key(|c| c.computed_on);
    let mut serial = (0, 0);
    for case in &mut cases {
        let year = case.computed_on.year();
        serial = if serial.0 == year {
            (year, serial.1 + 1)
        } else {
            (year, 1)
        };
        case.number = format!("QXJB-{year}-{:03}", serial.1);
    }
    cases
}
