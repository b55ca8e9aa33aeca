//! Rendering signed-in pages and turning use-case errors into pages.

use fuhua_core::{Lang, Problem};
use fuhua_service::{ServiceError, System};
use serde_json::{Map, Value, json};
use warp::http::StatusCode;
use warp::http::header::{CACHE_CONTROL, HeaderValue, LOCATION};
use warp::reply::{Reply, Response};

use crate::AppState;
use crate::pages::{html_page, message_page, switch_url};
use crate::session::Session;

/// What every signed-in page needs: the state, the session and the path (for the
/// language switch).
#[derive(Debug, Clone)]
pub struct Work {
    pub state: AppState,
    pub system: System,
    pub session: Session,
    pub path: String,
}

impl Work {
    pub fn new(state: AppState, system: System, session: Session, path: impl Into<String>) -> Work {
        Work {
            state,
            system,
            session,
            path: path.into(),
        }
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.state.today()
    }

    pub fn lang(&self) -> Lang {
        self.session.lang
    }

    /// Renders `name` with `ctx` (a JSON object) plus the layout's variables.
    pub fn page(&self, name: &str, status: StatusCode, ctx: Value) -> Response {
        let lang = self.lang();
        let t = self.state.templates();
        let mut base = Map::new();
        base.insert("lang".into(), json!(lang.tag()));
        base.insert(
            "other_lang".into(),
            json!(match lang {
                Lang::Zh => "en",
                Lang::En => "zh-CN",
            }),
        );
        base.insert(
            "switch_url".into(),
            json!(switch_url(&self.path, &[], lang)),
        );
        base.insert("csrf".into(), json!(self.session.csrf));
        base.insert("t".into(), json!(t.catalogue(lang)));
        base.insert(
            "session".into(),
            json!({
                "display_name": self.session.actor.display_name,
                "username": self.session.actor.username,
                "csrf": self.session.csrf,
                "roles": self.session.actor.grants.iter().map(|g| g.role.label(lang)).collect::<Vec<_>>(),
            }),
        );
        if let Value::Object(extra) = ctx {
            base.extend(extra);
        }
        let ctx = minijinja::Value::from(minijinja::value::Serde(&base));
        let mut response = html_page(&self.state, name, lang, false, status, ctx);
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    /// The page for a use case's refusal: 404, 403, a conflict page, or a logged 500.
    pub fn refused(&self, error: ServiceError) -> Response {
        let lang = self.lang();
        match error {
            ServiceError::NotFound => message_page(
                &self.state,
                lang,
                StatusCode::NOT_FOUND,
                "not_found_title",
                "not_found_text",
            ),
            ServiceError::Forbidden => self.message(
                StatusCode::FORBIDDEN,
                lang.pick("无权操作", "Not allowed"),
                lang.pick("您的角色不能进行此操作。", "Your role cannot do this."),
            ),
            ServiceError::Conflict { zh, en } => self.message(
                StatusCode::CONFLICT,
                lang.pick("无法完成操作", "Could not be done"),
                lang.pick(&zh, &en),
            ),
            ServiceError::Throttled => self.message(
                StatusCode::TOO_MANY_REQUESTS,
                lang.pick("请稍后再试", "Try again later"),
                lang.pick(
                    "尝试次数过多，请稍后再试。",
                    "Too many attempts; try again later.",
                ),
            ),
            ServiceError::Invalid(problems) => {
                let text = problems
                    .iter()
                    .map(|p| p.message(lang).to_owned())
                    .collect::<Vec<_>>()
                    .join(" ");
                self.message(
                    StatusCode::BAD_REQUEST,
                    lang.pick("输入有误", "Please check your input"),
                    &text,
                )
            }
            ServiceError::Store(error) => {
                tracing::error!(%error, "a use case failed");
                self.server_error()
            }
        }
    }

    /// The generic 500 page (the detail is logged by the caller, never shown).
    pub fn server_error(&self) -> Response {
        let lang = self.lang();
        self.message(
            StatusCode::INTERNAL_SERVER_ERROR,
            lang.pick("服务器出错", "Server error"),
            lang.pick(
                "服务器暂时无法处理您的请求，请稍后再试。",
                "The server could not handle your request. Please try again later.",
            ),
        )
    }

    /// A page with a title, one paragraph and a link back to the dashboard.
    pub fn message(&self, status: StatusCode, title: &str, text: &str) -> Response {
        self.page(
            "pages/work/message.html",
            status,
            json!({"title": title, "text": text}),
        )
    }

    /// Problems as `{field: message}` for the form, and as a list for the summary.
    pub fn problems(&self, problems: &[Problem]) -> (Value, Value) {
        let lang = self.lang();
        let mut by_field = Map::new();
        let mut list = Vec::new();
        for p in problems {
            by_field
                .entry(p.field.clone())
                .or_insert_with(|| json!(p.message(lang)));
            list.push(json!({"field": p.field, "message": p.message(lang)}));
        }
        (Value::Object(by_field), Value::Array(list))
    }
}

/// `obj` with every key of `keys` present (templates run with strict undefined):
/// missing ones are set to `default`.
pub fn with_keys(mut obj: Value, keys: &[&str], default: Value) -> Value {
    if let Value::Object(map) = &mut obj {
        for key in keys {
            map.entry((*key).to_owned())
                .or_insert_with(|| default.clone());
        }
    }
    obj
}

/// 303 See Other to a page of this site.
pub fn redirect(path: &str) -> Response {
    let mut response =
        warp::reply::with_status(warp::reply(), StatusCode::SEE_OTHER).into_response();
    if let Ok(value) = HeaderValue::from_str(path) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// The value of a form field (the first one; trimmed by the caller where needed).
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// A form's `version` field: the case version the page showed (for stale forms).
pub fn version(pairs: &[(String, String)]) -> Option<i32> {
    field(pairs, "version").trim().parse().ok()
}
