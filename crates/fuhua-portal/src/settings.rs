//! The portal's own settings, from the environment (README “Configuration”):
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `FUHUA_PUBLIC_URL` | `http://127.0.0.1:8080` | the address people use; `https://…` turns on `Secure` `__Host-` cookies and HSTS, and its origin is what forms must come from |
//! | `FUHUA_TRUSTED_PROXIES` | (none) | comma-separated IP addresses of reverse proxies whose `X-Forwarded-For` is believed |
//! | `FUHUA_SESSION_IDLE_MINUTES` | `30` | a session unused this long ends |
//! | `FUHUA_SESSION_ABSOLUTE_HOURS` | `12` | a session ends this long after login |

use std::net::IpAddr;

use fuhua_service::auth::SessionPolicy;
use warp::http::header::{HeaderMap, HeaderValue};

/// The portal's settings. Built by [`PortalSettings::from_env`] or
/// [`PortalSettings::parse`]; [`Default`] is the development setup (plain HTTP on
/// 127.0.0.1:8080, no proxies, 30 minutes idle, 12 hours absolute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSettings {
    /// `scheme://host[:port]` without a trailing slash.
    pub public_origin: String,
    /// Whether the public address is https (Secure cookies, `__Host-` prefix, HSTS).
    pub https: bool,
    /// Peers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<IpAddr>,
    pub session: SessionPolicy,
}

impl Default for PortalSettings {
    fn default() -> PortalSettings {
        PortalSettings {
            public_origin: "http://127.0.0.1:8080".to_owned(),
            https: false,
            trusted_proxies: Vec::new(),
            session: SessionPolicy::default(),
        }
    }
}

/// A setting that could not be read; the message names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct SettingError {
    pub variable: &'static str,
    pub message: String,
}

fn error(variable: &'static str, message: impl Into<String>) -> SettingError {
    SettingError {
        variable,
        message: message.into(),
    }
}

/// The origin (`scheme://host[:port]`, lowercase scheme and host) of an absolute
/// http(s) URL, or `None`.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    // The default port is the same origin as no port.
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host.to_owned(),
        _ => authority,
    };
    Some(format!("{scheme}://{authority}"))
}

fn positive(
    variable: &'static str,
    value: Option<&str>,
    default: i64,
) -> Result<i64, SettingError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => Ok(n),
            _ => Err(error(
                variable,
                format!("“{text}” is not a whole number from 1 to 100000"),
            )),
        },
    }
}

impl PortalSettings {
    /// Reads the four variables from the process environment.
    pub fn from_env() -> Result<PortalSettings, SettingError> {
        PortalSettings::parse(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `get` (a variable's value, if set).
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<PortalSettings, SettingError> {
        let defaults = PortalSettings::default();
        let public_origin = match get("FUHUA_PUBLIC_URL").filter(|v| !v.trim().is_empty()) {
            None => defaults.public_origin,
            Some(url) => origin_of(&url).ok_or_else(|| {
                error(
                    "FUHUA_PUBLIC_URL",
                    format!("“{url}” is not an http:// or https:// address such as https://fuhua.example.gov.cn"),
                )
            })?,
        };
        let trusted_proxies = get("FUHUA_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpAddr>().map_err(|_| {
                    error(
                        "FUHUA_TRUSTED_PROXIES",
                        format!("“{p}” is not an IP address"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let idle = positive(
            "FUHUA_SESSION_IDLE_MINUTES",
            get("FUHUA_SESSION_IDLE_MINUTES").as_deref(),
            30,
        )?;
        let absolute = positive(
            "FUHUA_SESSION_ABSOLUTE_HOURS",
            get("FUHUA_SESSION_ABSOLUTE_HOURS").as_deref(),
            12,
        )?;
        Ok(PortalSettings {
            https: public_origin.starts_with("https://"),
            public_origin,
            trusted_proxies,
            session: SessionPolicy {
                idle: chrono::Duration::minutes(idle),
                absolute: chrono::Duration::hours(absolute),
            },
        })
    }

    /// The session cookie's name: `__Host-fuhua_session` over https (the browser
    /// then insists on Secure, Path=/ and no Domain), else `fuhua_session`.
    pub fn session_cookie(&self) -> &'static str {
        if self.https {
            "__Host-fuhua_session"
        } else {
            "fuhua_session"
        }
    }
}

/// Headers that depend on the transport: `Strict-Transport-Security` when the public
/// address is https (browsers then refuse plain HTTP to this host for a year).
pub fn transport_headers(settings: &PortalSettings) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if settings.https {
        headers.insert(
            "strict-transport-security",
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Result<PortalSettings, SettingError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        PortalSettings::parse(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn nothing_set_is_the_development_setup() {
        let s = from(&[]).unwrap();
        assert_eq!(s, PortalSettings::default());
        assert_eq!(s.session_cookie(), "fuhua_session");
        assert_eq!(s.session.idle, chrono::Duration::minutes(30));
        assert_eq!(s.session.absolute, chrono::Duration::hours(12));
    }

    #[test]
    fn https_public_urls_switch_to_secure_host_cookies() {
        let s = from(&[
            (
                "FUHUA_PUBLIC_URL",
                "HTTPS://Fuhua.Example.gov.cn:443/portal/",
            ),
            ("FUHUA_TRUSTED_PROXIES", "10.0.0.1, ::1"),
            ("FUHUA_SESSION_IDLE_MINUTES", "15"),
            ("FUHUA_SESSION_ABSOLUTE_HOURS", "8"),
        ])
        .unwrap();
        assert_eq!(s.public_origin, "https://fuhua.example.gov.cn");
        assert!(s.https);
        assert_eq!(s.session_cookie(), "__Host-fuhua_session");
        assert_eq!(s.trusted_proxies.len(), 2);
        assert_eq!(s.session.idle, chrono::Duration::minutes(15));
        assert_eq!(s.session.absolute, chrono::Duration::hours(8));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("FUHUA_PUBLIC_URL", "fuhua.example.gov.cn"),
            ("FUHUA_PUBLIC_URL", "ftp://x.cn"),
            ("FUHUA_TRUSTED_PROXIES", "10.0.0.1, proxy.local"),
            ("FUHUA_SESSION_IDLE_MINUTES", "0"),
            ("FUHUA_SESSION_ABSOLUTE_HOURS", "twelve"),
        ] {
            let e = from(&[(name, value)]).unwrap_err();
            assert_eq!(e.variable, name);
        }
    }

    #[test]
    fn origins_ignore_paths_and_default_ports() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/x?y").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("http://a.cn:80").as_deref(), Some("http://a.cn"));
        assert_eq!(origin_of("https://user@a.cn"), None);
        assert_eq!(origin_of("null"), None);
    }
}
