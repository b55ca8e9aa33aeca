//! Monthly reports (SPEC §4: "Due by the 10th of the next month, moved to the next
//! working day past weekends") and fund sources with their yearly appropriations
//! (SPEC §3 "Every award draws on a fund source … with a yearly appropriation").

use chrono::{Datelike, NaiveDate};
use fuhua_core::dates::DateRange;
use fuhua_core::vocab::{Founding, FundingSource};
use fuhua_core::{Money, ParameterSet, YearMonth};
use fuhua_waiver::{MonthlyReportState, report_due_date};
use rand::RngExt;

use super::accounts::{OFFICIAL_A, OFFICIAL_B, OFFICIAL_XINAN};
use super::model::{Appropriation, DemoCarrier, DemoStay, FundSource, MonthlyReport};
use super::places;
use super::{STREAM_FIGURES, STREAM_REPORTS, rng_for, shift, ymd};

/// The deadline of `month`'s report (fuhua-waiver's `report_due_date`) with the
/// district parameters `report_due_day` and `holidays` in force when the month's
/// reporting opens (the defaults: the 10th, moved past weekends).
pub fn deadline(params: &ParameterSet, month: YearMonth) -> NaiveDate {
    let p = params.at(month.succ().first_day());
    report_due_date(month, p.report_due_day, &p.calendar())
}

/// Why the one returned report went back to its operator.
pub const RETURN_REASON: &str = "带动就业人数与社保缴纳记录不一致，请核实后重新报送。";

/// The months reported: from January of last year (so that the evaluation period
/// is covered) through last month — always at least the last 12 months.
pub fn report_months(today: NaiveDate) -> Vec<YearMonth> {
    let current = YearMonth::of(today);
    let mut months = Vec::new();
    let mut month = YearMonth::of(ymd(today.year() - 1, 1, 1));
    while month < current {
        months.push(month);
        month = month.succ();
    }
    months
}

/// Tenants, jobs, move-ins and move-outs of a carrier in a month.
fn figures(stays: &[&DemoStay], month: YearMonth) -> (u32, u32, u32, u32) {
    let range = month.range();
    let (mut tenants, mut jobs, mut ins, mut outs) = (0, 0, 0, 0);
    for stay in stays {
        let end = stay.move_out.unwrap_or(NaiveDate::MAX);
        if DateRange::new(stay.move_in, end).is_some_and(|s| s.overlaps(range)) {
            tenants += 1;
            jobs += stay.jobs;
        }
        ins += u32::from(range.contains(stay.move_in));
        outs += u32::from(stay.move_out.is_some_and(|d| range.contains(d)));
    }
    (tenants, jobs, ins, outs)
}

/// Every carrier's monthly reports, in carrier then period order.
pub fn monthly_reports(
    today: NaiveDate,
    carriers: &[DemoCarrier],
    stays: &[DemoStay],
) -> Vec<MonthlyReport> {
    let months = report_months(today);
    let params = ParameterSet::defaults();
    let mut reports = Vec::new();
    for (index, carrier) in carriers.iter().enumerate() {
        let mut rng = rng_for(STREAM_REPORTS, index as u64);
        let own: Vec<&DemoStay> = stays.iter().filter(|s| s.carrier == carrier.code).collect();
        // The suspended base (QXZT013) has not filed its latest overdue report.
        let neglectful = carrier.code == "QXZT013";
        let latest_overdue = months
            .iter()
            .rev()
            .find(|m| deadline(&params, **m) < today)
            .copied();
        for (k, &month) in months.iter().enumerate() {
            let due_on = deadline(&params, month);
            let opens = month.succ().first_day();
            let (tenants, jobs, move_ins, move_outs) = figures(&own, month);
            let (service_events, financing_raised) = service_figures(index, month, tenants);
            let decider = if carrier.jurisdiction == places::XINAN {
                OFFICIAL_XINAN
            } else if k % 2 == 0 {
                OFFICIAL_A
            } else {
                OFFICIAL_B
            };
            let mut report = MonthlyReport {
                carrier: carrier.code.clone(),
                period: month.to_string(),
                due_on,
                state: MonthlyReportState::Due,
                submitted_on: None,
                late: false,
                decided_on: None,
                decided_by: None,
                return_reason: None,
                tenants,
                jobs,
                move_ins,
                move_outs,
                service_events,
                financing_raised,
            };
            let roll = rng.random_range(0..100);
            if due_on >= today {
                // The deadline has not passed: half the operators have filed already.
                if roll < 50 {
                    report.state = MonthlyReportState::Submitted;
                    report.submitted_on = Some(shift(
                        opens,
                        rng.random_range(0..=(today - opens).num_days()),
                    ));
                }
                reports.push(report);
                continue;
            }
            if neglectful && Some(month) == latest_overdue {
                report.late = true;
                reports.push(report);
                continue;
            }
            let late_pct = if neglectful { 40 } else { 12 };
            let submitted = if roll < late_pct {
                shift(due_on, rng.random_range(1..=20)).min(today)
            } else {
                shift(due_on, -rng.random_range(0..=8)).max(opens)
            };
            report.submitted_on = Some(submitted);
            report.late = submitted > due_on;
            let decided = shift(submitted, rng.random_range(1..=7));
            // Officials have not yet got to a third of the latest reports.
            let backlog = Some(month) == latest_overdue && rng.random_range(0..3) == 0;
            if decided > today || backlog {
                report.state = MonthlyReportState::Submitted;
            } else {
                report.state = MonthlyReportState::Accepted;
                report.decided_on = Some(decided);
                report.decided_by = Some(decider.to_owned());
            }
            reports.push(report);
        }
    }
    return_one(&mut reports, carriers);
    reports
}

/// Service events and financing raised of a carrier's month (drawn from a stream of
/// their own, so that they shift no other draw): about one event for every eight
/// tenants, and now and then a round of financing.
fn service_figures(carrier: usize, month: YearMonth, tenants: u32) -> (u32, Money) {
    let key = (carrier as u64) << 20
        | u64::from(month.year().unsigned_abs()) << 4
        | u64::from(month.month());
    let mut rng = rng_for(STREAM_FIGURES, key);
    let events = tenants / 8 + rng.random_range(0..=2);
    let financing = if tenants > 0 && rng.random_range(0..100) < 15 {
        Money::yuan(10_000 * rng.random_range(5..=300))
    } else {
        Money::ZERO
    };
    (events, financing)
}

/// Exactly one report is returned (SPEC §4 "an official accepts or returns it with a
/// reason"): the latest accepted report of the README operator's (启航's) first
/// carrier, so the operator finds it to file again.
fn return_one(reports: &mut [MonthlyReport], carriers: &[DemoCarrier]) {
    let own = carriers
        .iter()
        .find(|c| c.operator == places::QIHANG.code())
        .map(|c| c.code.as_str());
    let Some(report) = reports
        .iter_mut()
        .filter(|r| Some(r.carrier.as_str()) == own && r.state == MonthlyReportState::Accepted)
        .max_by(|a, b| a.period.cmp(&b.period))
    else {
        return;
    };
    report.state = MonthlyReportState::Returned;
    report.return_reason = Some(RETURN_REASON.to_owned());
}

/// The code of a street's own budget.
pub fn street_fund_code(jurisdiction: &str) -> String {
    format!(
        "{}:{jurisdiction}",
        FundingSource::StreetTownBudget.as_str()
    )
}

/// The city's and the district's funds, and a budget for each street or town that
/// created a carrier (clause 七: "由街道(镇)创办的载体(园区),补助资金由街道(镇)自行承担").
pub fn fund_sources(carriers: &[DemoCarrier]) -> Vec<FundSource> {
    let mut sources = vec![
        FundSource {
            code: FundingSource::MunicipalFinance.as_str().to_owned(),
            kind: FundingSource::MunicipalFinance,
            name: "青岛市创业孵化示范基地及创业型区（街道）奖补资金".to_owned(),
            jurisdiction: places::DISTRICT.to_owned(),
        },
        FundSource {
            code: FundingSource::DistrictFinance.as_str().to_owned(),
            kind: FundingSource::DistrictFinance,
            name: "西海岸新区就业补助资金（创业带动就业扶持资金）".to_owned(),
            jurisdiction: places::DISTRICT.to_owned(),
        },
    ];
    let mut streets: Vec<&str> = carriers
        .iter()
        .filter(|c| c.founding == Founding::StreetTown)
        .map(|c| c.jurisdiction.as_str())
        .collect();
    streets.sort_unstable();
    streets.dedup();
    sources.extend(streets.into_iter().map(|street| FundSource {
        code: street_fund_code(street),
        kind: FundingSource::StreetTownBudget,
        name: format!("{}创业载体补助资金", places::street_name(street)),
        jurisdiction: street.to_owned(),
    }));
    sources
}

/// Appropriations of the last four years (this year included): the city's
/// 20,000,000, the district's 8,000,000 and 500,000 for each street or town.
pub fn appropriations(today: NaiveDate, sources: &[FundSource]) -> Vec<Appropriation> {
    let mut all = Vec::new();
    for source in sources {
        for year in today.year() - 3..=today.year() {
            let (amount, document) = match source.kind {
                FundingSource::MunicipalFinance => {
                    (Money::yuan(20_000_000), format!("青财社〔{year}〕15号"))
                }
                FundingSource::DistrictFinance => {
                    (Money::yuan(8_000_000), format!("青西新财预〔{year}〕3号"))
                }
                FundingSource::StreetTownBudget => (
                    Money::yuan(500_000),
                    format!(
                        "{}{year}年度部门预算",
                        places::street_name(&source.jurisdiction)
                    ),
                ),
            };
            all.push(Appropriation {
                fund_source: source.code.clone(),
                year,
                amount,
                document,
            });
        }
    }
    all
}
