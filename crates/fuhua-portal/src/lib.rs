#![doc = include_str!("../README.md")]

pub mod api;
pub mod chart;
pub mod csrf;
pub mod export;
pub mod filters;
pub mod format;
pub mod pages;
pub mod server;
pub mod session;
pub mod settings;
pub mod templates;

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use chrono::NaiveDate;
use fuhua_core::ParameterSet;
use fuhua_service::System;
use tokio::net::TcpListener;
use warp::Filter;
use warp::http::header::{HeaderMap, HeaderValue};
use warp::reply::{Reply, Response};

pub use server::ServerLimits;
pub use settings::PortalSettings;
pub use templates::{TemplateError, Templates};

/// Where "today" comes from: the clock in Asia/Shanghai, or a fixed day (tests and
/// benchmarks).
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    Shanghai,
    Fixed(NaiveDate),
}

impl Clock {
    pub fn today(self) -> NaiveDate {
        match self {
            Clock::Shanghai => fuhua_core::dates::shanghai_today(),
            Clock::Fixed(day) => day,
        }
    }
}

/// What every handler shares. Read-only: the web tier keeps no state of its own.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    params: ParameterSet,
    templates: Templates,
    clock: Clock,
    system: Option<System>,
    settings: PortalSettings,
}

impl AppState {
    /// A portal without a database: the public calculator and API only.
    pub fn new(params: ParameterSet, clock: Clock) -> Result<AppState, TemplateError> {
        Ok(AppState(Arc::new(Inner {
            params,
            templates: Templates::load()?,
            clock,
            system: None,
            settings: PortalSettings::default(),
        })))
    }

    /// The full portal over the system of record; parameters come from it.
    pub fn with_system(
        params: ParameterSet,
        clock: Clock,
        system: System,
    ) -> Result<AppState, TemplateError> {
        AppState::with_system_settings(params, clock, system, PortalSettings::default())
    }

    /// The full portal with its settings (`FUHUA_PUBLIC_URL`, proxies, sessions).
    pub fn with_system_settings(
        params: ParameterSet,
        clock: Clock,
        system: System,
        settings: PortalSettings,
    ) -> Result<AppState, TemplateError> {
        Ok(AppState(Arc::new(Inner {
            params,
            templates: Templates::load()?,
            clock,
            system: Some(system),
            settings,
        })))
    }

    pub fn settings(&self) -> &PortalSettings {
        &self.0.settings
    }

    pub fn system(&self) -> Option<&System> {
        self.0.system.as_ref()
    }

    pub fn params(&self) -> &ParameterSet {
        &self.0.params
    }

    pub fn templates(&self) -> &Templates {
        &self.0.templates
    }

    pub fn today(&self) -> NaiveDate {
        self.0.clock.today()
    }
}

/// Headers every response carries.
fn security_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    let pairs = [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=()",
        ),
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    ];
    for (name, value) in pairs {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers
}

/// `GET /healthz`: 200 when the portal and its database answer, 503 otherwise.
async fn healthz(state: AppState) -> Result<Response, Infallible> {
    let Some(system) = state.system() else {
        return Ok(warp::reply::json(&serde_json::json!({"status": "ok"})).into_response());
    };
    Ok(match system.health().await {
        Ok(database) => {
            warp::reply::json(&serde_json::json!({"status": "ok", "database": database}))
                .into_response()
        }
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            warp::reply::with_status(
                warp::reply::json(&serde_json::json!({"status": "unavailable"})),
                warp::http::StatusCode::SERVICE_UNAVAILABLE,
            )
            .into_response()
        }
    })
}

/// Every route of the portal. There is no catch-all `recover`: the API and the
/// pages each end in their own fallback, so every request gets an answer in its own
/// format (JSON under `/api`, an HTML page elsewhere) and nothing is left to warp's
/// defaults.
pub fn routes(state: AppState) -> impl Filter<Extract = (impl Reply,), Error = Infallible> + Clone {
    let transport = settings::transport_headers(state.settings());
    let health = warp::get()
        .and(warp::path!("healthz"))
        .and(filters::with_state(state.clone()))
        .and_then(healthz);
    health
        .or(api::routes(state.clone()))
        .unify()
        .or(pages::routes(state))
        .unify()
        .with(warp::reply::with::headers(security_headers()))
        .with(warp::reply::with::headers(transport))
        .with(warp::log::custom(|info| {
            // Method, path and status only: query strings may hold personal data.
            tracing::info!(method = %info.method(), path = info.path(), status = info.status().as_u16(), "request");
        }))
}

/// Serves the portal on `listener` with the default [`ServerLimits`] until `shutdown`
/// completes; [`server::run`] takes other limits.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    server::run(listener, state, ServerLimits::default(), shutdown).await;
}
