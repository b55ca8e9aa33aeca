//! The dashboard's charts (issue: operators run their carriers, point 9): tenants
//! over time, and rent waived by quarter and fund source, drawn as SVG on the server
//! with the same numbers in a table beside each for screen readers.

use fuhua_core::Money;
use fuhua_service::stats::{self, Figures};
use serde_json::{Value, json};

use super::Work;
use crate::chart::{self, Series};

/// Months of the tenants-over-time chart.
const MONTHS: u32 = 12;
/// Quarters of the waived-rent chart.
const QUARTERS: u32 = 8;

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
