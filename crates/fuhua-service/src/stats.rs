//! Figures for the operator's and the official's dashboards (issue: operators run
//! their carriers, point 9): tenants over time (per carrier for an operator, per
//! street/town for an official), rent waived by quarter and fund source, reports
//! on time per carrier, and the settlement claims in each state, over the carriers
//! the actor may see.

use chrono::NaiveDate;
use fuhua_core::dates::YearMonth;
use fuhua_core::vocab::FundingSource;
use fuhua_core::{Lang, Money};
use fuhua_store::repo::claims::{self as claims_repo, ClaimFilter};
use fuhua_store::repo::reference;
use fuhua_store::repo::stats::{self, GroupBy};
use fuhua_waiver::{ClaimState, OnTimeRate};

use crate::System;
use crate::actor::{Actor, Role};
use crate::error::ServiceResult;
use crate::roll::visible_carriers;

/// A chart's data: the labels of its x axis and its named series (one value per
/// label; counts, or fen for money).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    pub labels: Vec<String>,
    pub series: Vec<(String, Vec<i64>)>,
}

/// The last `months` month ends up to `today` (the current month counts as of
/// `today`), oldest first, with their "YYYY-MM" labels.
fn month_ends(today: NaiveDate, months: u32) -> Vec<(String, NaiveDate)> {
    let mut out = Vec::new();
    let mut month = YearMonth::of(today);
    for _ in 0..months {
        let end = month.last_day().min(today);
        out.push((format!("{:04}-{:02}", month.year(), month.month()), end));
        month = match YearMonth::new(
            if month.month() == 1 {
                month.year() - 1
            } else {
                month.year()
            },
            if month.month() == 1 {
                12
            } else {
                month.month() - 1
            },
        ) {
            Some(previous) => previous,
            None => break,
        };
    }
    out.reverse();
    out
}

/// Tenants in incubation at each month end of the last `months` months: per carrier
/// for an operator, per street/town for an official. Empty for anyone else.
pub async fn tenants_over_time(
    system: &System,
    actor: &Actor,
    today: NaiveDate,
    months: u32,
) -> ServiceResult<Figures> {
    let Ok(carriers) = visible_carriers(system, actor).await else {
        return Ok(Figures::default());
    };
    let ids: Vec<i64> = carriers.iter().map(|c| c.id).collect();
    let ends = month_ends(today, months);
    let days: Vec<NaiveDate> = ends.iter().map(|(_, d)| *d).collect();
    let official = !actor.official_jurisdictions().is_empty();
    let group = if official {
        GroupBy::Jurisdiction
    } else {
        GroupBy::Carrier
    };
    let rows = stats::tenants_on(system.store(), &ids, &days, group).await?;
    let names: Vec<(i64, String)> = if official {
        reference::list_jurisdictions(system.store())
            .await?
            .into_iter()
            .map(|j| (j.id, j.name))
            .collect()
    } else {
        carriers.iter().map(|c| (c.id, c.name.clone())).collect()
    };
    let series = rows
        .into_iter()
        .map(|(id, counts)| {
            let name = names
                .iter()
                .find(|(n, _)| *n == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| id.to_string());
            let values = counts
                .into_iter()
                .map(|n| i64::try_from(n).unwrap_or(i64::MAX))
                .collect();
            (name, values)
        })
        .collect();
    Ok(Figures {
        labels: ends.into_iter().map(|(label, _)| label).collect(),
        series,
    })
}

/// Rent waived (fen) in each of the last `quarters` quarters up to `today`, per
/// fund source (SPEC §3 funding of waivers), over the actor's carriers.
pub async fn waived_by_quarter(
    system: &System,
    actor: &Actor,
    today: NaiveDate,
    quarters: u32,
    lang: Lang,
) -> ServiceResult<Figures> {
    let Ok(carriers) = visible_carriers(system, actor).await else {
        return Ok(Figures::default());
    };
    let ids: Vec<i64> = carriers.iter().map(|c| c.id).collect();
    let this = YearMonth::of(today);
    let index = |year: i32, quarter: u32| year * 4 + i32::try_from(quarter).unwrap_or(1) - 1;
    let last = index(this.year(), this.quarter());
    let first = last - i32::try_from(quarters).unwrap_or(1) + 1;
    let labels: Vec<String> = (first..=last)
        .map(|q| format!("{}Q{}", q.div_euclid(4), q.rem_euclid(4) + 1))
        .collect();
    let from = format!(
        "{:04}-{:02}",
        first.div_euclid(4),
        first.rem_euclid(4) * 3 + 1
    );
    let rows = stats::waived_by_month(system.store(), &ids, &from).await?;
    let mut series: Vec<(String, Vec<i64>)> = FundingSource::ALL
        .iter()
        .map(|s| (s.label(lang).to_owned(), vec![0; labels.len()]))
        .collect();
    for (month, source, waived) in rows {
        let (Some(year), Some(m)) = (
            month.get(0..4).and_then(|y| y.parse::<i32>().ok()),
            month.get(5..7).and_then(|m| m.parse::<u32>().ok()),
        ) else {
            continue;
        };
        let Ok(slot) = usize::try_from(index(year, m.div_ceil(3)) - first) else {
            continue;
        };
        let Some(at) = source
            .as_deref()
            .and_then(|s| s.parse::<FundingSource>().ok())
            .and_then(|s| FundingSource::ALL.iter().position(|x| *x == s))
        else {
            continue;
        };
        if let Some(value) = series.get_mut(at).and_then(|(_, v)| v.get_mut(slot)) {
            *value += waived.to_fen();
        }
    }
    series.retain(|(_, values)| values.iter().any(|v| *v != 0));
    Ok(Figures { labels, series })
}

/// The month before `month` (itself at the start of the calendar).
fn month_before(month: YearMonth) -> YearMonth {
    month.first_day().pred_opt().map_or(month, YearMonth::of)
}

/// One carrier's monthly reports over a period (R-EVAL `on_time_report_rate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnTime {
    pub carrier_id: i64,
    pub carrier_name: String,
    /// Months `from..=to` whose report was due by today, and how many of those were
    /// first filed by the deadline; the rate is `None` when none was due.
    pub rate: OnTimeRate,
    pub from: YearMonth,
    pub to: YearMonth,
}

/// The on-time rate of each carrier the operator runs (issue point 9 "reports on
/// time") over the last `months` months before today's, from the reports on record
/// (`reports::on_time_rate_of`). Empty for anyone who operates no carrier.
pub async fn reports_on_time(
    system: &System,
    actor: &Actor,
    today: NaiveDate,
    months: u32,
) -> ServiceResult<Vec<OnTime>> {
    if !actor.has(Role::Operator) {
        return Ok(Vec::new());
    }
    let to = month_before(YearMonth::of(today));
    let mut from = to;
    for _ in 1..months.max(1) {
        from = month_before(from);
    }
    let mut rows = Vec::new();
    for org in actor.operated_organisations() {
        for carrier in
            fuhua_store::repo::carriers::list_carriers_by_operator(system.store(), org).await?
        {
            let rate = crate::reports::view::on_time_rate_of(system, carrier.id, from, to, today)
                .await?
                .value;
            rows.push(OnTime {
                carrier_id: carrier.id,
                carrier_name: carrier.name,
                rate,
                from,
                to,
            });
        }
    }
    rows.sort_by(|a, b| a.carrier_name.cmp(&b.carrier_name));
    Ok(rows)
}

/// The settlement claims in one state: how many, and their total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsInState {
    pub state: ClaimState,
    pub count: u64,
    pub total: Money,
}

/// Most claims one dashboard adds up: one per carrier, quarter and fund source, so
/// a district of a thousand carriers over twenty years stays below it.
const CLAIMS_COUNTED: u64 = 250_000;

/// The settlement claims the actor sees (an operator its carriers', an official or
/// finance user its jurisdiction's), counted and totalled by state in the order of
/// the workflow; every state is listed, with 0 when none is in it. Empty for anyone
/// who sees no claims.
pub async fn claims_by_state(system: &System, actor: &Actor) -> ServiceResult<Vec<ClaimsInState>> {
    let Some(filter) = crate::claims::scoped(system, actor, &ClaimFilter::default()).await? else {
        return Ok(Vec::new());
    };
    let claims = claims_repo::list_claims(system.store(), &filter, CLAIMS_COUNTED).await?;
    Ok(ClaimState::ALL
        .iter()
        .map(|&state| {
            let of_state = claims.iter().filter(|c| c.state == state);
            ClaimsInState {
                state,
                count: of_state.clone().count() as u64,
                total: of_state.map(|c| c.total).sum(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ends_run_oldest_first_across_a_year_and_stop_at_today() {
        let today = NaiveDate::from_ymd_opt(2026, 2, 10).unwrap();
        let ends = month_ends(today, 3);
        assert_eq!(
            ends,
            vec![
                (
                    "2025-12".into(),
                    NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
                ),
                (
                    "2026-01".into(),
                    NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()
                ),
                ("2026-02".into(), today),
            ]
        );
    }
}
