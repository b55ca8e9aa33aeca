//! The monthly-report pages (SPEC §4 "monthly report"): the list of carriers'
//! months with filters in the URL (operators their carriers, officials their
//! jurisdiction), the filing form and its upload (a spreadsheet, with its
//! template), the report page with accept / return, and bulk acceptance (preview →
//! confirm → per-item result).

use fuhua_core::{Lang, Problem};
use fuhua_service::ServiceError;
use fuhua_service::relief::PER_PAGE;
use fuhua_service::reports::{
    self, Decision, FiguresForm, ListQuery, MAX_UPLOAD_BYTES, RowStatus, bulk, view::filing,
};
use fuhua_waiver::ReportAction;
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::render::{field, redirect, version, with_keys};
use crate::csrf::Sent;

const FIGURES: [&str; 5] = [
    "tenants",
    "jobs",
    "service_events",
    "financing_raised",
    "exits",
];

fn opt(query: &[(String, String)], name: &str) -> Option<String> {
    let v = field(query, name).trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// `GET /reports?status=&carrier=&month=&late=&page=`: the carriers' months, 25 a
/// page. An unknown filter value is ignored with a notice.
pub async fn list(work: Work, query: Vec<(String, String)>) -> Response {
    let lang = work.lang();
    let mut ignored = Vec::new();
    let status = opt(&query, "status").and_then(|s| {
        s.parse::<RowStatus>()
            .map_err(|_| ignored.push("status"))
            .ok()
    });
    let carrier_id = opt(&query, "carrier")
        .and_then(|s| s.parse::<i64>().map_err(|_| ignored.push("carrier")).ok());
    let month = opt(&query, "month").and_then(|s| {
        reports::parse_month(&s)
            .map_err(|_| ignored.push("month"))
            .ok()
    });
    let late = opt(&query, "late").and_then(|s| match s.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => {
            ignored.push("late");
            None
        }
    });
    let page = opt(&query, "page")
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let q = ListQuery {
        status,
        carrier_id,
        month,
        late,
        page,
    };
    let found = match reports::list(&work.system, &work.session.actor, &q, work.today()).await {
        Ok(found) => found,
        Err(error) => return work.refused(error),
    };
    let pages = found.total.div_ceil(PER_PAGE).max(1);
    let link = |p: u64| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(s) = status {
            pairs.push(("status", s.as_str().into()));
        }
        if let Some(c) = carrier_id {
            pairs.push(("carrier", c.to_string()));
        }
        if let Some(m) = month {
            pairs.push(("month", m.to_string()));
        }
        if let Some(l) = late {
            pairs.push(("late", if l { "1" } else { "0" }.into()));
        }
        pairs.push(("page", p.to_string()));
        format!(
            "/reports?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let official = work.session.actor.has(fuhua_service::Role::Official);
    let operator = work.session.actor.has(fuhua_service::Role::Operator);
    let ctx = json!({
        "rows": found.rows.iter().map(|r| json!({
            "carrier_id": r.carrier_id,
            "carrier": r.carrier_name,
            "month": r.month.to_string(),
            "due_on": r.due_on.to_string(),
            "status": r.status.as_str(),
            "status_label": r.status.label(lang),
            "late": r.late,
            "return_reason": r.return_reason,
            "report_id": r.report_id,
            "acceptable": official && r.status == RowStatus::Submitted,
            "fileable": operator && matches!(r.status, RowStatus::Due | RowStatus::Overdue | RowStatus::Returned),
        })).collect::<Vec<_>>(),
        "total": found.total,
        "page": page,
        "pages": pages,
        "prev": (page > 1).then(|| link(page - 1)),
        "next": (page < pages).then(|| link(page + 1)),
        "f": {
            "status": status.map(|s| s.as_str()).unwrap_or(""),
            "carrier": carrier_id.map(|c| c.to_string()).unwrap_or_default(),
            "month": month.map(|m| m.to_string()).unwrap_or_default(),
            "late": late.map(|l| if l { "1" } else { "0" }).unwrap_or(""),
        },
        "statuses": RowStatus::ALL.iter().map(|s| json!({"code": s.as_str(), "label": s.label(lang)})).collect::<Vec<_>>(),
        "carriers": found.carriers.iter().map(|(id, name)| json!({"code": id.to_string(), "label": name})).collect::<Vec<_>>(),
        "official": official,
        "ignored": ignored,
    });
    work.page("pages/work/report_list.html", StatusCode::OK, ctx)
}

/// `GET /reports/file?carrier=&month=`: the filing form of one carrier's month.
pub async fn file_form(work: Work, query: Vec<(String, String)>) -> Response {
    render_form(work, &query, None, StatusCode::OK).await
}

async fn render_form(
    work: Work,
    query: &[(String, String)],
    problems: Option<(Value, Value, Value)>,
    status: StatusCode,
) -> Response {
    let Some(carrier_id) = field(query, "carrier").trim().parse::<i64>().ok() else {
        return work.refused(ServiceError::NotFound);
    };
    let month = match reports::parse_month(field(query, "month")) {
        Ok(month) => month,
        Err(error) => return work.refused(error),
    };
    let f = match filing(&work.system, &work.session.actor, carrier_id, month).await {
        Ok(f) => f,
        Err(error) => return work.refused(error),
    };
    let lang = work.lang();
    let stored = f
        .report
        .as_ref()
        .map(|r| FiguresForm::of(&reports::Figures::from_json(&r.data)));
    let (errors, error_list, typed) = problems.unwrap_or_else(|| {
        let typed = stored
            .as_ref()
            .and_then(|s| serde_json::to_value(s).ok())
            .unwrap_or_else(|| json!({}));
        (json!({}), json!([]), typed)
    });
    let ctx = json!({
        "carrier_id": f.carrier.id,
        "carrier": f.carrier.name,
        "month": f.month.to_string(),
        "due_on": f.due_on.to_string(),
        "overdue": f.due_on < work.today(),
        "version": f.report.as_ref().map(|r| r.version),
        "report_id": f.report.as_ref().map(|r| r.id),
        "state_label": f.report.as_ref().map(|r| r.state.label(lang)),
        "return_reason": f.report.as_ref().and_then(|r| r.return_reason.clone()),
        "errors": with_keys(errors, &[&FIGURES[..], &["month", "file"]].concat(), Value::Null),
        "error_list": error_list,
        "typed": with_keys(typed, &FIGURES, json!("")),
    });
    work.page("pages/work/report_file.html", status, ctx)
}

/// `POST /reports` (carrier, month, version?, figures): files the report, then
/// shows it; a bad figure brings the form back (400) with what was typed.
pub async fn file(work: Work, form: Vec<(String, String)>) -> Response {
    let Some(carrier_id) = field(&form, "carrier").trim().parse::<i64>().ok() else {
        return work.refused(ServiceError::NotFound);
    };
    let figures = FiguresForm {
        tenants: field(&form, "tenants").to_owned(),
        jobs: field(&form, "jobs").to_owned(),
        service_events: field(&form, "service_events").to_owned(),
        financing_raised: field(&form, "financing_raised").to_owned(),
        exits: field(&form, "exits").to_owned(),
    };
    let result = match reports::parse_month(field(&form, "month")) {
        Ok(month) => {
            reports::file(
                &work.system,
                &work.session.actor,
                carrier_id,
                month,
                &figures,
                version(&form),
                work.today(),
            )
            .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(id) => redirect(&format!("/reports/{id}?done=submit")),
        Err(ServiceError::Invalid(problems)) if !problems.iter().any(|p| p.field == "month") => {
            let (errors, list) = work.problems(&problems);
            let typed = serde_json::to_value(&figures).unwrap_or_else(|_| json!({}));
            render_form(
                work,
                &form,
                Some((errors, list, typed)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(error) => work.refused(error),
    }
}

/// `POST /reports/upload` (multipart: carrier, month, version?, file): files the
/// report with the figures of an uploaded spreadsheet (SPEC §4 "by form or
/// upload"). A file that cannot be read, or bad figures in it, bring the form back
/// (400) with the file's figures and each message at its field, as when typed.
pub async fn upload(work: Work, sent: Sent) -> Response {
    let lang = work.lang();
    let (fields, files) = match sent {
        Sent::TooLarge => {
            let mib = MAX_UPLOAD_BYTES / (1024 * 1024);
            return work.message(
                StatusCode::PAYLOAD_TOO_LARGE,
                lang.pick("文件太大", "The file is too large"),
                &match lang {
                    Lang::Zh => format!("月报表不能超过 {mib} MB。"),
                    Lang::En => format!("A monthly report file may be at most {mib} MB."),
                },
            );
        }
        Sent::Form { fields, files } => (fields, files),
    };
    let Some(carrier_id) = field(&fields, "carrier").trim().parse::<i64>().ok() else {
        return work.refused(ServiceError::NotFound);
    };
    let month = match reports::parse_month(field(&fields, "month")) {
        Ok(month) => month,
        Err(error) => return work.refused(error),
    };
    let file = files
        .into_iter()
        .find(|f| f.field == "file" && !(f.filename.is_empty() && f.bytes.is_empty()));
    let figures = match file {
        None => Err(ServiceError::invalid(Problem::new(
            "file",
            "required",
            "请选择要上传的月报表（XLSX 或 CSV）。",
            "Choose the report's XLSX or CSV file to upload.",
        ))),
        Some(file) => FiguresForm::from_upload(&file.bytes, month),
    };
    let result = match figures {
        Ok(figures) => reports::file(
            &work.system,
            &work.session.actor,
            carrier_id,
            month,
            &figures,
            version(&fields),
            work.today(),
        )
        .await
        .map_err(|e| (e, Some(figures))),
        Err(error) => Err((error, None)),
    };
    match result {
        Ok(id) => redirect(&format!("/reports/{id}?done=submit")),
        Err((ServiceError::Invalid(problems), typed))
            if !problems.iter().any(|p| p.field == "month") =>
        {
            let (errors, list) = work.problems(&problems);
            let typed = typed
                .and_then(|f| serde_json::to_value(&f).ok())
                .unwrap_or_else(|| json!({}));
            render_form(
                work,
                &fields,
                Some((errors, list, typed)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err((error, _)) => work.refused(error),
    }
}

/// `GET /reports/template.xlsx`: the monthly report's template.
pub async fn template(work: Work) -> Response {
    match fuhua_import::monthly::monthly_template_xlsx() {
        Ok(bytes) => crate::export::download(
            bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "monthly-report-template.xlsx",
            "月报模板.xlsx",
        ),
        Err(error) => {
            tracing::error!(%error, "the monthly report template could not be written");
            work.server_error()
        }
    }
}

fn done_text(done: &str, lang: Lang) -> Option<String> {
    let action = done.parse::<ReportAction>().ok()?;
    Some(format!(
        "{}{}",
        lang.pick("已完成：", "Done: "),
        action.label(lang)
    ))
}

/// `GET /reports/{id}`: the report page.
pub async fn show(work: Work, id: i64, query: Vec<(String, String)>) -> Response {
    let done = field(&query, "done").to_owned();
    render_case(
        work,
        id,
        done_text(&done, Lang::Zh).map(|_| done),
        None,
        StatusCode::OK,
    )
    .await
}

async fn render_case(
    work: Work,
    id: i64,
    done: Option<String>,
    problems: Option<(Value, Value, Value)>,
    status: StatusCode,
) -> Response {
    let lang = work.lang();
    let view = match reports::view(&work.system, &work.session.actor, id).await {
        Ok(view) => view,
        Err(error) => return work.refused(error),
    };
    let (errors, error_list, typed) = problems.unwrap_or((json!({}), json!([]), json!({})));
    let ctx = json!({
        "id": view.report.id,
        "version": view.report.version,
        "state": view.report.state.as_str(),
        "state_label": view.report.state.label(lang),
        "carrier_id": view.carrier.id,
        "carrier": view.carrier.name,
        "month": view.month.to_string(),
        "due_on": view.report.due_on.to_string(),
        "late": view.report.late,
        "submitted_at": view.report.submitted_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
        "return_reason": view.report.return_reason,
        "figures": {
            "tenants": view.figures.tenants,
            "jobs": view.figures.jobs,
            "service_events": view.figures.service_events,
            "financing_raised": view.figures.financing_raised.to_string(),
            "exits": view.figures.exits,
        },
        "can_accept": view.can(ReportAction::Accept),
        "can_return": view.can(ReportAction::Return),
        "can_file": view.can(ReportAction::Submit),
        "actions": view.actions.iter().map(|a| json!({
            "label": a.action.label(lang),
            "available": a.available,
            "why_not": a.why_not.as_ref().map(|t| t.get(lang)),
        })).collect::<Vec<_>>(),
        "done": done.as_deref().and_then(|d| done_text(d, lang)),
        "errors": with_keys(errors, &["reason"], Value::Null),
        "error_list": error_list,
        "typed": with_keys(typed, &["reason"], json!("")),
    });
    work.page("pages/work/report_case.html", status, ctx)
}

/// `POST /reports/{id}/decide` (action = accept | return, reason, version).
pub async fn decide(work: Work, id: i64, form: Vec<(String, String)>) -> Response {
    let Some(version) = version(&form) else {
        return work.refused(ServiceError::NotFound);
    };
    let action = field(&form, "action");
    let decision = match action {
        "accept" => Decision::Accept,
        "return" => Decision::Return(field(&form, "reason").to_owned()),
        _ => return work.refused(ServiceError::NotFound),
    };
    match reports::decide(&work.system, &work.session.actor, id, version, &decision).await {
        Ok(()) => redirect(&format!("/reports/{id}?done={action}")),
        Err(ServiceError::Invalid(problems)) => {
            let (errors, list) = work.problems(&problems);
            let typed = json!({"reason": field(&form, "reason")});
            render_case(
                work,
                id,
                None,
                Some((errors, list, typed)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(error) => work.refused(error),
    }
}

fn ids_of(pairs: &[(String, String)]) -> Vec<i64> {
    pairs
        .iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect()
}

/// `GET /reports/bulk?id=…&id=…`: the preview of accepting the selected reports.
pub async fn bulk_preview(work: Work, query: Vec<(String, String)>) -> Response {
    let lang = work.lang();
    let ids = ids_of(&query);
    let items = match bulk::preview_accept(&work.system, &work.session.actor, &ids).await {
        Ok(items) => items,
        Err(error) => return work.refused(error),
    };
    let ctx = json!({
        "items": items.iter().map(|i| json!({
            "id": i.id,
            "version": i.version,
            "carrier": i.carrier_name,
            "month": i.period,
            "blocked": i.blocked.as_ref().map(|t| t.get(lang)),
        })).collect::<Vec<_>>(),
        "acceptable": items.iter().filter(|i| i.blocked.is_none()).count(),
    });
    work.page("pages/work/report_bulk.html", StatusCode::OK, ctx)
}

/// `POST /reports/bulk` (item = "id:version", repeated): accepts each item as done
/// alone, then shows the per-item result.
pub async fn bulk_confirm(work: Work, form: Vec<(String, String)>) -> Response {
    let items: Vec<(i64, i32)> = form
        .iter()
        .filter(|(k, _)| k == "item")
        .filter_map(|(_, v)| {
            let (id, version) = v.split_once(':')?;
            Some((id.trim().parse().ok()?, version.trim().parse().ok()?))
        })
        .collect();
    match bulk::accept_all(&work.system, &work.session.actor, &items).await {
        Ok(results) => {
            let mut pairs: Vec<(&str, String)> = Vec::new();
            for r in &results {
                pairs.push((
                    if r.error.is_none() { "ok" } else { "failed" },
                    r.id.to_string(),
                ));
            }
            redirect(&format!(
                "/reports/bulk/result?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            ))
        }
        Err(error) => work.refused(error),
    }
}

/// `GET /reports/bulk/result?ok=…&failed=…`: each item's outcome, with what a
/// report that was not accepted waits for now.
pub async fn bulk_result(work: Work, query: Vec<(String, String)>) -> Response {
    let lang = work.lang();
    let items: Vec<(i64, bool)> = query
        .iter()
        .filter_map(|(k, v)| {
            let accepted = match k.as_str() {
                "ok" => true,
                "failed" => false,
                _ => return None,
            };
            Some((v.trim().parse().ok()?, accepted))
        })
        .collect();
    let results = match bulk::outcome(&work.system, &work.session.actor, &items).await {
        Ok(results) => results,
        Err(error) => return work.refused(error),
    };
    let ok = results.iter().filter(|r| r.error.is_none()).count();
    let ctx = json!({
        "rows": results.iter().map(|r| json!({
            "id": r.id,
            "found": !r.carrier_name.is_empty(),
            "carrier": r.carrier_name,
            "month": r.period,
            "accepted": r.error.is_none(),
            "why": r.error.as_ref().map(|t| t.get(lang)),
        })).collect::<Vec<_>>(),
        "ok": ok,
        "failed": results.len() - ok,
    });
    work.page("pages/work/report_bulk_result.html", StatusCode::OK, ctx)
}
