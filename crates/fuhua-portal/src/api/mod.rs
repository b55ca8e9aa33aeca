//! The JSON API under `/api/v1` (SPEC §5). The calculation endpoints are pure: no
//! login, no database writes.

pub mod award;
pub mod evaluation;
pub mod openapi;
pub mod reader;
pub mod strict;
pub mod waiver;

use bytes::Bytes;
use fuhua_core::{Lang, Problem, Trace};
use serde::Serialize;
use serde_json::Value;
use warp::http::StatusCode;
use warp::http::header::{CONTENT_LANGUAGE, HeaderValue};
use warp::reply::{Reply, Response};
use warp::{Filter, Rejection};

use crate::AppState;
use crate::filters::{BodyError, accept_language, json_body, with_state};

pub use openapi::OPENAPI;

/// The largest request body the calculators accept (64 KiB).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The API's endpoints and the methods each accepts (for 404 versus 405).
const ENDPOINTS: [(&str, &str); 4] = [
    ("/api/v1/calc/rent-waiver", "POST"),
    ("/api/v1/calc/award", "POST"),
    ("/api/v1/calc/evaluation", "POST"),
    ("/api/v1/openapi.json", "GET"),
];

/// A step of a trace as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StepOut {
    pub rule: String,
    pub clause: String,
    pub detail: String,
}

pub fn trace_out(trace: &Trace, lang: Lang) -> Vec<StepOut> {
    trace
        .steps()
        .iter()
        .map(|s| StepOut {
            rule: s.rule.to_string(),
            clause: s.clause.render(lang),
            detail: s.detail.get(lang).to_owned(),
        })
        .collect()
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    field: &'a str,
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct ErrorsOut<'a> {
    errors: Vec<ErrorOut<'a>>,
}

fn errors_out(problems: &[Problem], lang: Lang) -> ErrorsOut<'_> {
    ErrorsOut {
        errors: problems
            .iter()
            .map(|p| ErrorOut {
                field: &p.field,
                code: p.code,
                message: p.message(lang),
            })
            .collect(),
    }
}

/// `{"errors":[{field, code, message}]}` in the asked language, as bytes (for
/// answers written below the routes, see [`crate::server`]).
pub fn problems_json(problems: &[Problem], lang: Lang) -> Vec<u8> {
    serde_json::to_vec(&errors_out(problems, lang)).unwrap_or_default()
}

/// `{"errors":[{field, code, message}]}` in the asked language.
pub fn problems_response(problems: &[Problem], lang: Lang, status: StatusCode) -> Response {
    with_language(
        warp::reply::with_status(warp::reply::json(&errors_out(problems, lang)), status)
            .into_response(),
        lang,
    )
}

pub fn json_response<T: Serialize>(value: &T, lang: Lang) -> Response {
    with_language(warp::reply::json(value).into_response(), lang)
}

fn with_language(mut response: Response, lang: Lang) -> Response {
    response
        .headers_mut()
        .insert(CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag()));
    response
}

/// Parses the body as JSON: a body that is not JSON by its `Content-Type` is a 415,
/// an oversized one a 413, one that did not arrive in time a 408, anything that is
/// not JSON a 400 `malformed_json`, and a key given twice a 400 `duplicate_key` at
/// its path.
fn read_json(body: &Result<Bytes, BodyError>) -> Result<Value, (StatusCode, Vec<Problem>)> {
    let refuse = |status: StatusCode, problem: Problem| Err((status, vec![problem]));
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            let problem = Problem::new(
                "body",
                "too_large",
                format!("请求体超过{}KB上限", BODY_LIMIT / 1024),
                format!(
                    "the body is larger than the limit of {} KB",
                    BODY_LIMIT / 1024
                ),
            );
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, problem);
        }
        Err(BodyError::Unreadable) => {
            let problem = Problem::new(
                "body",
                "unreadable",
                "无法读取请求体",
                "the body could not be read",
            );
            return refuse(StatusCode::BAD_REQUEST, problem);
        }
        Err(BodyError::TimedOut(after)) => {
            let problem = Problem::new(
                "body",
                "timeout",
                format!("请求体未在{}秒内传完", after.as_secs()),
                format!("the body did not arrive within {} s", after.as_secs()),
            );
            return refuse(StatusCode::REQUEST_TIMEOUT, problem);
        }
        Err(BodyError::UnsupportedMediaType(given)) => {
            let (zh, en) = match given {
                Some(given) => {
                    let given: String = given.chars().take(100).collect();
                    (format!("收到的是“{given}”"), format!("got “{given}”"))
                }
                None => (
                    "请求没有 Content-Type".to_owned(),
                    "none was sent".to_owned(),
                ),
            };
            let problem = Problem::new(
                "headers.content-type",
                "unsupported_media_type",
                format!(
                    "请求体应为 JSON：Content-Type 应为 application/json（可带 charset=utf-8），{zh}"
                ),
                format!(
                    "the body must be JSON: Content-Type must be application/json (optionally with charset=utf-8); {en}"
                ),
            );
            return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, problem);
        }
    };
    let parsed = strict::parse(bytes).map_err(|e| {
        let problem = Problem::new(
            "body",
            "malformed_json",
            format!(
                "请求体不是有效的 JSON（第{}行第{}列）",
                e.line(),
                e.column()
            ),
            format!(
                "the body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        );
        (StatusCode::BAD_REQUEST, vec![problem])
    })?;
    if !parsed.duplicates.is_empty() {
        let problems = parsed
            .duplicates
            .into_iter()
            .map(|field| {
                Problem::new(
                    field.clone(),
                    "duplicate_key",
                    format!("字段 {field} 出现了不止一次；每个字段只能给一次"),
                    format!("{field} appears more than once; give each field once"),
                )
            })
            .collect();
        return Err((StatusCode::BAD_REQUEST, problems));
    }
    Ok(parsed.value)
}

/// Reads the body, computes, and answers 200 with the result or 400/413 with the
/// problems, in the asked language.
fn answer<T: Serialize>(
    lang: Lang,
    body: &Result<Bytes, BodyError>,
    compute: impl FnOnce(&Value) -> Result<T, Vec<Problem>>,
) -> Response {
    match read_json(body) {
        Err((status, problems)) => problems_response(&problems, lang, status),
        Ok(value) => match compute(&value) {
            Ok(result) => json_response(&result, lang),
            Err(problems) => problems_response(&problems, lang, StatusCode::BAD_REQUEST),
        },
    }
}

fn calc_rent_waiver(lang: Lang, body: Result<Bytes, BodyError>, state: AppState) -> Response {
    answer(lang, &body, |value| {
        let params = state.params();
        let input = waiver::parse(value, state.today(), params)?;
        let decision = fuhua_waiver::calculate(&input, params)?;
        Ok(waiver::answer(&decision.value, &decision.trace, lang))
    })
}

fn calc_award(lang: Lang, body: Result<Bytes, BodyError>, state: AppState) -> Response {
    answer(lang, &body, |value| {
        award::calculate(value, state.params(), state.today()).map(|a| a.render(lang))
    })
}

fn calc_evaluation(lang: Lang, body: Result<Bytes, BodyError>, state: AppState) -> Response {
    answer(lang, &body, |value| {
        evaluation::calculate(value, state.params(), state.today()).map(|a| a.render(lang))
    })
}

/// Answers what no endpoint matched: 405 with `Allow` for a known path, else 404.
fn fallback(lang: Lang, method: warp::http::Method, path: warp::path::FullPath) -> Response {
    let path = path.as_str().trim_end_matches('/');
    if let Some((_, allowed)) = ENDPOINTS.iter().find(|(p, _)| *p == path) {
        let problem = Problem::new(
            "method",
            "method_not_allowed",
            format!("{path} 不支持 {method} 请求，请使用 {allowed}"),
            format!("{path} does not accept {method}; use {allowed}"),
        );
        let mut response = problems_response(&[problem], lang, StatusCode::METHOD_NOT_ALLOWED);
        response
            .headers_mut()
            .insert("allow", HeaderValue::from_static(allowed));
        return response;
    }
    let problem = Problem::new(
        "path",
        "not_found",
        format!("没有这个接口：{path}；接口说明见 /api/v1/openapi.json"),
        format!("no such endpoint: {path}; see /api/v1/openapi.json"),
    );
    problems_response(&[problem], lang, StatusCode::NOT_FOUND)
}

/// `/api/v1/...` — every answer, including errors, is JSON.
pub fn routes(state: AppState) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let post = |name: &'static str| {
        warp::post()
            .and(warp::path("v1"))
            .and(warp::path("calc"))
            .and(warp::path(name))
            .and(warp::path::end())
            .and(accept_language())
            .and(json_body(BODY_LIMIT))
    };
    let rent_waiver = post("rent-waiver")
        .and(with_state(state.clone()))
        .map(calc_rent_waiver);
    let award = post("award").and(with_state(state.clone())).map(calc_award);
    let evaluation = post("evaluation")
        .and(with_state(state.clone()))
        .map(calc_evaluation);
    let spec = warp::get()
        .and(warp::path!("v1" / "openapi.json"))
        .and(with_state(state))
        .map(|state: AppState| openapi::response(&state));
    let rest = accept_language()
        .and(warp::method())
        .and(warp::path::full())
        .map(fallback);
    warp::path("api").and(
        rent_waiver
            .or(award)
            .unify()
            .or(evaluation)
            .unify()
            .or(spec)
            .unify()
            .or(rest)
            .unify(),
    )
}
