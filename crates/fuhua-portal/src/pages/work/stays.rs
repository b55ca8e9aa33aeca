//! Keeping the tenant roll by hand (issue: operators run their carriers, point 1):
//! record a move-in into a carrier, and on a stay's page record its move-out, a
//! rent change and the jobs it provides. Each form posts, then redirects to the
//! stay's page; a form with problems comes back with what was typed.

use fuhua_core::vocab::FounderGroup;
use fuhua_service::ServiceError;
use fuhua_service::roll;
use fuhua_service::tenants::form::{self, MoveInForm};
use fuhua_service::tenants::{self, Acting};
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::render::{field, redirect, version, with_keys};

const MOVE_IN_FIELDS: [&str; 14] = [
    "entity_name",
    "credit_code",
    "registered_on",
    "founder_name",
    "resident_id",
    "group",
    "graduated_on",
    "unemployed_on",
    "move_in",
    "move_out",
    "monthly_rent",
    "area",
    "unit",
    "jobs",
];

fn move_in_page(
    work: &Work,
    carrier_id: i64,
    carrier_name: &str,
    typed: Value,
    problems: Option<(Value, Value)>,
    status: StatusCode,
) -> Response {
    let lang = work.lang();
    let (errors, list) = problems.unwrap_or((json!({}), json!([])));
    let errors = with_keys(errors, &MOVE_IN_FIELDS, Value::Null);
    let typed = with_keys(typed, &MOVE_IN_FIELDS, json!(""));
    let groups: Vec<Value> = FounderGroup::ALL
        .iter()
        .map(|g| json!({"code": g.as_str(), "label": g.label(lang)}))
        .collect();
    work.page(
        "pages/work/move_in.html",
        status,
        json!({
            "carrier_id": carrier_id,
            "carrier": carrier_name,
            "typed": typed,
            "errors": errors,
            "error_list": list,
            "groups": groups,
        }),
    )
}

/// `GET /carriers/{id}/tenants/new`: the move-in form.
pub async fn new(work: Work, carrier_id: i64) -> Response {
    let acting = Acting::User(&work.session.actor);
    match tenants::carrier_for(&work.system, acting, carrier_id).await {
        Ok(carrier) => move_in_page(
            &work,
            carrier_id,
            &carrier.name,
            json!({"group": "graduate"}),
            None,
            StatusCode::OK,
        ),
        Err(error) => work.refused(error),
    }
}

/// `POST /carriers/{id}/tenants`: records the move-in, then shows the stay.
pub async fn create(work: Work, carrier_id: i64, pairs: Vec<(String, String)>) -> Response {
    let acting = Acting::User(&work.session.actor);
    let carrier = match tenants::carrier_for(&work.system, acting, carrier_id).await {
        Ok(carrier) => carrier,
        Err(error) => return work.refused(error),
    };
    let f = |name: &str| field(&pairs, name).to_owned();
    let typed_form = MoveInForm {
        entity_name: f("entity_name"),
        credit_code: f("credit_code"),
        registered_on: f("registered_on"),
        founder_name: f("founder_name"),
        resident_id: f("resident_id"),
        group: f("group"),
        graduated_on: f("graduated_on"),
        unemployed_on: f("unemployed_on"),
        move_in: f("move_in"),
        move_out: f("move_out"),
        monthly_rent: f("monthly_rent"),
        area: f("area"),
        unit: f("unit"),
        jobs: f("jobs"),
    };
    let typed: Value = MOVE_IN_FIELDS
        .iter()
        .map(|name| ((*name).to_owned(), json!(field(&pairs, name))))
        .collect::<serde_json::Map<_, _>>()
        .into();
    let outcome = match typed_form.read(work.today()) {
        Ok(row) => tenants::move_in(&work.system, acting, carrier_id, &row).await,
        Err(problems) => Err(ServiceError::Invalid(problems)),
    };
    match outcome {
        Ok(recorded) => redirect(&format!("/stays/{}?done=move_in", recorded.stay.id)),
        Err(ServiceError::Invalid(problems)) => {
            let problems = work.problems(&problems);
            move_in_page(
                &work,
                carrier_id,
                &carrier.name,
                typed,
                Some(problems),
                StatusCode::BAD_REQUEST,
            )
        }
        Err(error) => work.refused(error),
    }
}

async fn stay_page(
    work: &Work,
    stay_id: i64,
    typed: Value,
    problems: Option<(Value, Value)>,
    status: StatusCode,
    done: Option<&str>,
) -> Response {
    let lang = work.lang();
    let view = match roll::stay(&work.system, &work.session.actor, stay_id).await {
        Ok(view) => view,
        Err(error) => return work.refused(error),
    };
    // The stored ledger of an approved relief, adjustment rows marked (SPEC §4).
    let ledger =
        match tenants::ledger(&work.system, Acting::User(&work.session.actor), stay_id).await {
            Ok(rows) => rows,
            Err(error) => return work.refused(error),
        };
    let ledger: Vec<Value> = ledger
        .iter()
        .map(|r| {
            json!({
                "month": r.month,
                "adjustment": r.adjustment,
                "days": r.occupied_days,
                "rent_due": r.rent_due.to_string(),
                "waived": r.waived.to_string(),
                "payable": r.payable.to_string(),
                "claim_id": r.claim_id,
            })
        })
        .collect();
    let (errors, list) = problems.unwrap_or((json!({}), json!([])));
    let errors = with_keys(
        errors,
        &["move_out", "monthly_rent", "jobs", "stay"],
        Value::Null,
    );
    let s = &view.stay;
    let typed = with_keys(typed, &["move_out", "monthly_rent", "jobs"], json!(""));
    let done = done.map(|d| match d {
        "move_in" => lang.pick("入驻已登记。", "The move-in is recorded."),
        "move_out" => lang.pick("退出日期已保存。", "The move-out is saved."),
        "rent" => lang.pick("月租金已更改。", "The rent is changed."),
        _ => lang.pick("带动就业人数已保存。", "The jobs are saved."),
    });
    work.page(
        "pages/work/stay.html",
        status,
        json!({
            "id": s.id,
            "version": s.version,
            "carrier_id": view.carrier.id,
            "carrier": view.carrier.name,
            "entity": view.entity.name,
            "credit_code": view.entity.credit_code,
            "founder": view.founder_name,
            "founder_id": view.founder_id_masked,
            "group": view.founder_group.label(lang),
            "move_in": s.move_in.to_string(),
            "move_out": s.move_out.map(|d| d.to_string()),
            "rent": s.monthly_rent.to_string(),
            "jobs": s.jobs,
            "unit": s.unit,
            "typed": typed,
            "errors": errors,
            "error_list": list,
            "done": done,
            "ledger": ledger,
        }),
    )
}

/// `GET /stays/{id}`: the stay with its change forms.
pub async fn show(work: Work, stay_id: i64, query: Vec<(String, String)>) -> Response {
    let done = field(&query, "done").to_owned();
    let done = (!done.is_empty()).then_some(done);
    stay_page(
        &work,
        stay_id,
        json!({}),
        None,
        StatusCode::OK,
        done.as_deref(),
    )
    .await
}

/// Which change a stay form posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    MoveOut,
    Rent,
    Jobs,
}

/// `POST /stays/{id}/move-out`, `/stays/{id}/rent`, `/stays/{id}/jobs`.
pub async fn change(
    work: Work,
    stay_id: i64,
    what: Change,
    pairs: Vec<(String, String)>,
) -> Response {
    let acting = Acting::User(&work.session.actor);
    // Scope first: a stay outside the actor's carriers is not found, whatever the form.
    if let Err(error) = roll::stay(&work.system, &work.session.actor, stay_id).await {
        return work.refused(error);
    }
    let Some(read_version) = version(&pairs) else {
        return work.refused(ServiceError::conflict(
            "表单已过期，请刷新页面后再操作。",
            "The form is out of date; reload the page and try again.",
        ));
    };
    let mut problems = Vec::new();
    let (name, done) = match what {
        Change::MoveOut => ("move_out", "move_out"),
        Change::Rent => ("monthly_rent", "rent"),
        Change::Jobs => ("jobs", "jobs"),
    };
    let typed_value = field(&pairs, name).to_owned();
    let outcome = match what {
        Change::MoveOut => {
            // An empty date takes a recorded move-out back.
            let day = form::date("move_out", &typed_value, false, &mut problems);
            if problems.is_empty() {
                tenants::move_out(&work.system, acting, stay_id, read_version, day).await
            } else {
                Err(ServiceError::Invalid(problems))
            }
        }
        Change::Rent => match form::money("monthly_rent", &typed_value, &mut problems) {
            Some(rent) => {
                tenants::change_rent(&work.system, acting, stay_id, read_version, rent).await
            }
            None => Err(ServiceError::Invalid(problems)),
        },
        Change::Jobs => {
            let jobs = form::count("jobs", &typed_value, 100_000, &mut problems);
            if problems.is_empty() {
                tenants::set_jobs(&work.system, acting, stay_id, read_version, jobs).await
            } else {
                Err(ServiceError::Invalid(problems))
            }
        }
    };
    match outcome {
        Ok(_) => redirect(&format!("/stays/{stay_id}?done={done}")),
        Err(ServiceError::Invalid(problems)) => {
            let problems = work.problems(&problems);
            stay_page(
                &work,
                stay_id,
                json!({ name: typed_value }),
                Some(problems),
                StatusCode::BAD_REQUEST,
                None,
            )
            .await
        }
        Err(error) => work.refused(error),
    }
}
