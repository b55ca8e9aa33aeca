//! "My ledger": a stay's monthly rows (SPEC §3 "Monthly ledger"), as a page and as
//! CSV (UTF-8 with a BOM) and XLSX downloads.

use fuhua_service::entrepreneur;
use serde_json::json;
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::relief::eligibility_json;
use crate::export::{self, Cell};

/// Which form of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Page,
    Csv,
    Xlsx,
}

const HEADERS_ZH: [&str; 6] = [
    "月份",
    "入驻天数",
    "当月天数",
    "应缴租金（元）",
    "减免金额（元）",
    "实缴租金（元）",
];
const HEADERS_EN: [&str; 6] = [
    "Month",
    "Occupied days",
    "Days in month",
    "Rent due (yuan)",
    "Waived (yuan)",
    "Payable (yuan)",
];

/// `GET /stays/{id}/ledger`, `.csv`, `.xlsx`.
pub async fn show(work: Work, stay_id: i64, format: Format) -> Response {
    let lang = work.lang();
    let (entity, carrier, eligibility) =
        match entrepreneur::stay_ledger(&work.system, &work.session.actor, stay_id, work.today())
            .await
        {
            Ok(found) => found,
            Err(error) => return work.refused(error),
        };
    let rows: Vec<Vec<Cell>> = eligibility
        .ledger
        .iter()
        .map(|l| {
            vec![
                Cell::Text(l.month.clone()),
                Cell::Int(i64::from(l.occupied_days)),
                Cell::Int(i64::from(l.days_in_month)),
                Cell::Money(l.rent_due.to_string()),
                Cell::Money(l.waived.to_string()),
                Cell::Money(l.payable.to_string()),
            ]
        })
        .collect();
    let headers: &[&str] = match lang {
        fuhua_core::Lang::Zh => &HEADERS_ZH,
        fuhua_core::Lang::En => &HEADERS_EN,
    };
    let base = format!("ledger-{stay_id}");
    let name = format!("{}-租金减免台账", entity.name);
    match format {
        Format::Page => {
            let ctx = json!({
                "stay_id": stay_id,
                "entity": entity.name,
                "carrier": carrier,
                "e": eligibility_json(&eligibility, lang),
            });
            work.page("pages/work/ledger.html", StatusCode::OK, ctx)
        }
        Format::Csv | Format::Xlsx => {
            let kind = if format == Format::Csv {
                export::Kind::Csv
            } else {
                export::Kind::Xlsx
            };
            let sheet = lang.pick("台账", "Ledger");
            match export::spreadsheet(kind, sheet, headers, &rows, &base, &name) {
                Ok(response) => response,
                Err(error) => {
                    tracing::error!(%error, "ledger spreadsheet could not be written");
                    work.server_error()
                }
            }
        }
    }
}
