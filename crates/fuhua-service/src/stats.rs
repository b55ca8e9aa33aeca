//! Figures for the operator's and the official's dashboards (issue: operators run
//! their carriers, point 9): tenants over time (per carrier for an operator, per
//! street/town for an official) and rent waived by quarter and fund source, over
//! the carriers the actor may see.

use chrono::NaiveDate;
use fuhua_core::Lang;
use fuhua_core::dates::YearMonth;
use fuhua_core::vocab::FundingSource;
use fuhua_store::repo::reference;
use fuhua_store::repo::stats::{self, GroupBy};

use crate::System;
use crate::actor::Actor;
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
