//! Registering an entity (entrepreneur; credit code per GB 32100).

use fuhua_service::ServiceError;
use fuhua_service::entrepreneur::{self, EntityForm};
use serde_json::{Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use super::Work;
use super::render::{field, redirect, with_keys};

fn form_page(
    work: &Work,
    typed: Value,
    problems: Option<(Value, Value)>,
    status: StatusCode,
) -> Response {
    let (errors, list) = problems.unwrap_or((json!({}), json!([])));
    let errors = with_keys(
        errors,
        &["name", "credit_code", "kind", "registered_on"],
        Value::Null,
    );
    work.page(
        "pages/work/entity_new.html",
        status,
        json!({"typed": typed, "errors": errors, "error_list": list}),
    )
}

/// `GET /entities/new`.
pub async fn new(work: Work) -> Response {
    if !work.session.actor.has(fuhua_service::Role::Entrepreneur) {
        return work.refused(ServiceError::Forbidden);
    }
    let typed = json!({"name": "", "credit_code": "", "kind": "enterprise", "registered_on": ""});
    form_page(&work, typed, None, StatusCode::OK)
}

/// `POST /entities` (name, credit_code, kind, registered_on).
pub async fn create(work: Work, form: Vec<(String, String)>) -> Response {
    let entity = EntityForm {
        name: field(&form, "name").to_owned(),
        credit_code: field(&form, "credit_code").to_owned(),
        kind: field(&form, "kind").to_owned(),
        registered_on: field(&form, "registered_on").to_owned(),
    };
    match entrepreneur::register_entity(&work.system, &work.session.actor, &entity, work.today())
        .await
    {
        Ok(_) => redirect("/dashboard?done=entity"),
        Err(ServiceError::Invalid(problems)) => {
            let typed = json!({
                "name": entity.name, "credit_code": entity.credit_code,
                "kind": entity.kind, "registered_on": entity.registered_on,
            });
            let problems = work.problems(&problems);
            form_page(&work, typed, Some(problems), StatusCode::BAD_REQUEST)
        }
        Err(error) => work.refused(error),
    }
}
