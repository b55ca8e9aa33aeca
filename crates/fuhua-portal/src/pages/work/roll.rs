//! My carriers and the tenant roll (issue: operators run their carriers): the
//! carriers an operator runs or an official oversees, one carrier's details,
//! accreditation history and occupancy, and the roll with search, filters and
//! sorting in the URL, keyset pages, and CSV/XLSX exports that follow the filters.

use fuhua_core::Lang;
use fuhua_core::vocab::FounderGroup;
use fuhua_service::roll::{self, RollCursor, RollQuery, RollRow, RollSort, RollStatus};
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::render::field;
use crate::export::{self, Cell};

/// `GET /carriers`: the carriers I run or oversee, with occupancy.
pub async fn carriers(work: Work) -> Response {
    let lang = work.lang();
    let found = match roll::visible_carriers(&work.system, &work.session.actor).await {
        Ok(found) => found,
        Err(error) => return work.refused(error),
    };
    let ids: Vec<i64> = found.iter().map(|c| c.id).collect();
    let occupied = match roll::occupancy(&work.system, &ids, work.today()).await {
        Ok(occupied) => occupied,
        Err(error) => return work.refused(error),
    };
    let rows: Vec<Value> = found
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "kind": c.kind.label(lang),
                "workstations": c.workstations,
                "occupied": occupied.get(&c.id).copied().unwrap_or(0),
            })
        })
        .collect();
    work.page(
        "pages/work/carriers.html",
        StatusCode::OK,
        json!({ "rows": rows }),
    )
}

/// `GET /carriers/{id}`: details, accreditation history and occupancy.
pub async fn carrier(work: Work, id: i64) -> Response {
    let lang = work.lang();
    let view = match roll::carrier(&work.system, &work.session.actor, id, work.today()).await {
        Ok(view) => view,
        Err(error) => return work.refused(error),
    };
    let c = &view.carrier;
    let accreditations: Vec<Value> = view
        .accreditations
        .iter()
        .map(|a| {
            json!({
                "level": a.level.label(lang),
                "body": a.accrediting_body,
                "certificate": a.certificate_no,
                "valid_from": a.valid_from.to_string(),
                "valid_until": a.valid_until.map(|d| d.to_string()),
                "status": a.status.label(lang),
            })
        })
        .collect();
    let ctx = json!({
        "id": c.id,
        "name": c.name,
        "kind": c.kind.label(lang),
        "founding": c.founding.label(lang),
        "operation": c.operation.label(lang),
        "jurisdiction": view.jurisdiction,
        "address": c.address,
        "floor_area": format!("{:.2}", rust_decimal::Decimal::new(c.floor_area_centi, 2)),
        "workstations": c.workstations,
        "occupied": view.occupied,
        "waives_rent": c.waives_rent,
        "accreditations": accreditations,
    });
    work.page("pages/work/carrier.html", StatusCode::OK, ctx)
}

/// What a roll URL asked for, and the parameters it could not read.
struct Asked {
    query: RollQuery,
    ignored: Vec<&'static str>,
}

fn status_code(status: RollStatus) -> &'static str {
    match status {
        RollStatus::All => "",
        RollStatus::InIncubation => "active",
        RollStatus::MovedOut => "moved_out",
        RollStatus::WindowEnding => "window_ending",
    }
}

fn sort_code(sort: RollSort) -> &'static str {
    match sort {
        RollSort::MoveIn => "",
        RollSort::Name => "name",
        RollSort::WindowEnd => "window_end",
    }
}

/// A cursor as it travels in the URL: `value~id`.
fn cursor_text(cursor: &RollCursor) -> String {
    match cursor {
        RollCursor::MoveIn(date, id) | RollCursor::WindowEnd(date, id) => format!("{date}~{id}"),
        RollCursor::Name(name, entity, id) => format!("{name}~{entity}~{id}"),
    }
}

fn parse_cursor(sort: RollSort, text: &str) -> Option<RollCursor> {
    let (value, id) = text.rsplit_once('~')?;
    let id: i64 = id.parse().ok()?;
    match sort {
        RollSort::MoveIn => Some(RollCursor::MoveIn(value.parse().ok()?, id)),
        RollSort::WindowEnd => Some(RollCursor::WindowEnd(value.parse().ok()?, id)),
        RollSort::Name => {
            let (name, entity) = value.rsplit_once('~')?;
            Some(RollCursor::Name(name.to_owned(), entity.parse().ok()?, id))
        }
    }
}

fn read_query(query: &[(String, String)]) -> Asked {
    let mut ignored = Vec::new();
    let parse = |name: &str| -> Option<String> {
        let v = field(query, name).trim();
        (!v.is_empty()).then(|| v.to_owned())
    };
    let status = match parse("status").as_deref() {
        None => RollStatus::All,
        Some("active") => RollStatus::InIncubation,
        Some("moved_out") => RollStatus::MovedOut,
        Some("window_ending") => RollStatus::WindowEnding,
        Some(_) => {
            ignored.push("status");
            RollStatus::All
        }
    };
    let sort = match parse("sort").as_deref() {
        None => RollSort::MoveIn,
        Some("name") => RollSort::Name,
        Some("window_end") => RollSort::WindowEnd,
        Some(_) => {
            ignored.push("sort");
            RollSort::MoveIn
        }
    };
    let carrier_id =
        parse("carrier").and_then(|s| s.parse::<i64>().map_err(|_| ignored.push("carrier")).ok());
    let founder_group = parse("group").and_then(|s| {
        s.parse::<FounderGroup>()
            .map_err(|_| ignored.push("group"))
            .ok()
    });
    let after = parse("after").and_then(|s| {
        parse_cursor(sort, &s)
            .ok_or(())
            .map_err(|()| ignored.push("after"))
            .ok()
    });
    let search = parse("q").map(|q| q.chars().take(100).collect());
    Asked {
        query: RollQuery {
            search,
            carrier_id,
            founder_group,
            status,
            sort,
            after,
        },
        ignored,
    }
}

/// The URL of the roll (or its export at `path`) with `query`'s filters.
fn link(path: &str, query: &RollQuery, after: Option<&RollCursor>) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(q) = &query.search {
        pairs.push(("q", q.clone()));
    }
    if let Some(c) = query.carrier_id {
        pairs.push(("carrier", c.to_string()));
    }
    if let Some(g) = query.founder_group {
        pairs.push(("group", g.as_str().into()));
    }
    if query.status != RollStatus::All {
        pairs.push(("status", status_code(query.status).into()));
    }
    if query.sort != RollSort::MoveIn {
        pairs.push(("sort", sort_code(query.sort).into()));
    }
    if let Some(cursor) = after {
        pairs.push(("after", cursor_text(cursor)));
    }
    let encoded = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if encoded.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{encoded}")
    }
}

fn row_json(r: &RollRow, lang: Lang) -> Value {
    json!({
        "stay_id": r.stay_id,
        "carrier_id": r.carrier_id,
        "carrier": r.carrier_name,
        "entity": r.entity_name,
        "credit_code": r.credit_code,
        "founder": r.founder_name,
        "group": r.founder_group.label(lang),
        "move_in": r.move_in.to_string(),
        "move_out": r.move_out.map(|d| d.to_string()),
        "rent": r.monthly_rent.to_string(),
        "jobs": r.jobs,
        "window_end": r.window_end.map(|d| d.to_string()),
    })
}

/// `GET /tenants`: the roll of my carriers (or my jurisdiction's).
pub async fn tenants(work: Work, query: Vec<(String, String)>) -> Response {
    let lang = work.lang();
    let asked = read_query(&query);
    let q = &asked.query;
    let page = match roll::roll(&work.system, &work.session.actor, q, work.today()).await {
        Ok(page) => page,
        Err(error) => return work.refused(error),
    };
    let carriers = match roll::visible_carriers(&work.system, &work.session.actor).await {
        Ok(found) => found,
        Err(error) => return work.refused(error),
    };
    let ctx = json!({
        "rows": page.rows.iter().map(|r| row_json(r, lang)).collect::<Vec<_>>(),
        "next": page.next.as_ref().map(|c| link("/tenants", q, Some(c))),
        "first": q.after.is_some().then(|| link("/tenants", q, None)),
        "csv": link("/tenants.csv", q, None),
        "xlsx": link("/tenants.xlsx", q, None),
        "f": {
            "q": q.search.clone().unwrap_or_default(),
            "carrier": q.carrier_id.map(|c| c.to_string()).unwrap_or_default(),
            "group": q.founder_group.map(|g| g.as_str()).unwrap_or(""),
            "status": status_code(q.status),
            "sort": sort_code(q.sort),
        },
        "carriers": carriers.iter().map(|c| json!({"code": c.id.to_string(), "label": c.name})).collect::<Vec<_>>(),
        "groups": FounderGroup::ALL.iter().map(|g| json!({"code": g.as_str(), "label": g.label(lang)})).collect::<Vec<_>>(),
        "ignored": asked.ignored,
        // After an import (its confirmation redirects here): how many were written.
        "imported": field(&query, "imported").trim().parse::<u32>().ok(),
    });
    work.page("pages/work/tenants.html", StatusCode::OK, ctx)
}

const HEADERS_ZH: [&str; 10] = [
    "企业名称",
    "统一社会信用代码",
    "负责人姓名",
    "人员类别",
    "载体",
    "入驻日期",
    "退出日期",
    "月租金（元）",
    "带动就业人数",
    "减免期截止",
];
const HEADERS_EN: [&str; 10] = [
    "Entity",
    "Credit code",
    "Founder",
    "Founder group",
    "Carrier",
    "Move-in",
    "Move-out",
    "Monthly rent (yuan)",
    "Jobs",
    "Window end",
];

/// `GET /tenants.csv`, `/tenants.xlsx`: the roll as the filters select it (from
/// the first row; no personal identifier in it).
pub async fn export(work: Work, query: Vec<(String, String)>, kind: export::Kind) -> Response {
    let lang = work.lang();
    let mut asked = read_query(&query);
    asked.query.after = None;
    let rows = match roll::export(
        &work.system,
        &work.session.actor,
        &asked.query,
        work.today(),
    )
    .await
    {
        Ok(rows) => rows,
        Err(error) => return work.refused(error),
    };
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.entity_name.clone()),
                Cell::Text(r.credit_code.clone()),
                Cell::Text(r.founder_name.clone()),
                Cell::Text(r.founder_group.label(lang).to_owned()),
                Cell::Text(r.carrier_name.clone()),
                Cell::Text(r.move_in.to_string()),
                Cell::Text(r.move_out.map(|d| d.to_string()).unwrap_or_default()),
                Cell::Money(r.monthly_rent.to_string()),
                Cell::Int(i64::from(r.jobs)),
                Cell::Text(r.window_end.map(|d| d.to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    let headers: &[&str] = match lang {
        Lang::Zh => &HEADERS_ZH,
        Lang::En => &HEADERS_EN,
    };
    let name = format!(
        "{}-{}",
        lang.pick("在孵企业名册", "tenant-roll"),
        work.today()
    );
    let sheet = lang.pick("名册", "Roll");
    match export::spreadsheet(kind, sheet, headers, &cells, "tenant-roll", &name) {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "tenant roll spreadsheet could not be written");
            work.server_error()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_roll_url_reads_back_into_the_same_query() {
        let asked = read_query(&pairs(&[
            ("q", "青岛"),
            ("carrier", "7"),
            ("group", "graduate"),
            ("status", "window_ending"),
            ("sort", "name"),
            ("after", "青岛海~3~12"),
        ]));
        assert!(asked.ignored.is_empty());
        let q = asked.query;
        assert_eq!(q.after, Some(RollCursor::Name("青岛海".into(), 3, 12)));
        let url = link("/tenants", &q, q.after.as_ref());
        let back: Vec<(String, String)> =
            serde_urlencoded::from_str(url.trim_start_matches("/tenants?")).unwrap();
        assert_eq!(read_query(&back).query, q);
    }

    #[test]
    fn unreadable_filters_are_named_and_ignored() {
        let asked = read_query(&pairs(&[
            ("status", "gone"),
            ("sort", "rent"),
            ("carrier", "x"),
            ("after", "2024-13-01~1"),
        ]));
        assert_eq!(asked.ignored, vec!["status", "sort", "carrier", "after"]);
        assert_eq!(asked.query, RollQuery::default());
    }
}
