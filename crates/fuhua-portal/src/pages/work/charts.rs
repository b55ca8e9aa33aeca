//! The dashboard's charts and tables (issue: operators run their carriers, point
//! 9): tenants over time, and rent waived by quarter and fund source, drawn as SVG
//! on the server with the same numbers in a table beside each for screen readers;
//! the operator's reports on time per carrier, and the claims in each state.

use fuhua_core::Money;
use fuhua_service::claims::money_text;
use fuhua_service::stats::{self, Figures};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::Work;
use crate::chart::{self, Series};

/// Months of the tenants-over-time chart.
const MONTHS: u32 = 12;
/// Quarters of the waived-rent chart.
const QUARTERS: u32 = 8;
/// Months of the reports-on-time table.
const REPORT_MONTHS: u32 = 12;

fn series(figures: &Figures) -> Vec<Series> {
    figures
        .series
        .iter()
        .map(|(name, values)| Series {
            name: name.clone(),
            values: values.clone(),
        })
        .collect()
}

/// The table beside a chart: a header row of labels, one row per series.
fn table(figures: &Figures, money: bool) -> Value {
    json!({
        "labels": figures.labels,
        "rows": figures.series.iter().map(|(name, values)| json!({
            "name": name,
            "values": values.iter().map(|v| if money {
                Money::from_fen(*v).to_string()
            } else {
                v.to_string()
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The charts for the signed-in operator or official (an empty list for others,
/// or when a figure cannot be read — the dashboard still shows its work).
pub async fn for_dashboard(work: &Work) -> Value {
    let actor = &work.session.actor;
    let lang = work.lang();
    let today = work.today();
    let mut charts = Vec::new();
    match stats::tenants_over_time(&work.system, actor, today, MONTHS).await {
        Ok(figures) if !figures.series.is_empty() => {
            let title = lang.pick("在孵企业数（月末）", "Tenants in incubation (month end)");
            charts.push(json!({
                "id": "tenants",
                "title": title,
                "svg": chart::lines("tenants", title, &figures.labels, &series(&figures)),
                "table": table(&figures, false),
            }));
        }
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "tenant figures could not be read"),
    }
    match stats::waived_by_quarter(&work.system, actor, today, QUARTERS, lang).await {
        Ok(figures) if !figures.series.is_empty() => {
            let title = lang.pick(
                "减免租金（按季度、资金来源，元）",
                "Rent waived (by quarter and fund source, yuan)",
            );
            charts.push(json!({
                "id": "waived",
                "title": title,
                "svg": chart::bars("waived", title, &figures.labels, &series(&figures)),
                "table": table(&figures, true),
            }));
        }
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "waived-rent figures could not be read"),
    }
    json!(charts)
}

/// The operator's reports on time (R-EVAL `on_time_report_rate`) per carrier over
/// the last [`REPORT_MONTHS`] months: due, on time, late or missing, and the rate.
/// `null` for anyone who operates no carrier, or when the figures cannot be read.
pub async fn reports_on_time(work: &Work) -> Value {
    let today = work.today();
    let rows = match stats::reports_on_time(&work.system, &work.session.actor, today, REPORT_MONTHS)
        .await
    {
        Ok(rows) if !rows.is_empty() => rows,
        Ok(_) => return Value::Null,
        Err(error) => {
            tracing::error!(%error, "reports-on-time figures could not be read");
            return Value::Null;
        }
    };
    let since = rows.first().map(|r| r.from.to_string()).unwrap_or_default();
    let until = rows.first().map(|r| r.to.to_string()).unwrap_or_default();
    json!({
        "since": since,
        "until": until,
        "rows": rows.iter().map(|r| json!({
            "carrier_id": r.carrier_id,
            "carrier": r.carrier_name,
            "due": r.rate.due,
            "on_time": r.rate.on_time,
            "late": r.rate.due.saturating_sub(r.rate.on_time),
            "rate": r.rate.rate.map_or_else(
                || "—".to_owned(),
                |rate| format!("{}%", (rate * Decimal::ONE_HUNDRED).round_dp(1).normalize()),
            ),
        })).collect::<Vec<_>>(),
    })
}

/// The claims the actor sees, counted and totalled (yuan) by state (the page links
/// each state to its list), and a line for all of them. `null` for anyone who sees no
/// claims, or when the figures cannot be read.
pub async fn claims_by_state(work: &Work) -> Value {
    let lang = work.lang();
    let states = match stats::claims_by_state(&work.system, &work.session.actor).await {
        Ok(states) if !states.is_empty() => states,
        Ok(_) => return Value::Null,
        Err(error) => {
            tracing::error!(%error, "claim figures could not be read");
            return Value::Null;
        }
    };
    let count: u64 = states.iter().map(|s| s.count).sum();
    let total: Money = states.iter().map(|s| s.total).sum();
    json!({
        "rows": states.iter().map(|s| json!({
            "state": s.state.as_str(),
            "label": s.state.label(lang),
            "count": s.count,
            "total": money_text(s.total),
        })).collect::<Vec<_>>(),
        "count": count,
        "total": money_text(total),
    })
}
