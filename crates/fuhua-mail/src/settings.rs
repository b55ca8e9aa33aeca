//! The mail settings: where mail goes (`FUHUA_SMTP_URL`, or `.eml` files under the
//! data directory), who it is from (`FUHUA_MAIL_FROM`) and the portal's public base
//! URL for links (`FUHUA_PUBLIC_URL`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;

use crate::error::MailError;

/// The sender when `FUHUA_MAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "孵化 Fuhua <noreply@fuhua.local>";
/// The portal's base URL when `FUHUA_PUBLIC_URL` is not set (the default bind).
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";
/// The folder under the data directory that receives `.eml` files without SMTP.
pub const MAIL_DIR: &str = "mail";

/// An SMTP server URL as lettre reads it: `smtp://host:25` (plain, for a local
/// relay), `smtp://user:password@host:587?tls=required` (STARTTLS) or
/// `smtps://user:password@host:465` (TLS from the start). The password is never
/// shown: `Debug` and [`SmtpUrl::redacted`] replace it.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    /// Checks the scheme and that a host is named.
    pub fn parse(url: &str) -> Result<SmtpUrl, MailError> {
        let invalid = |reason: String| MailError::Config {
            setting: "FUHUA_SMTP_URL",
            reason,
        };
        let parsed = url::Url::parse(url.trim())
            .map_err(|e| invalid(format!("not a URL ({e}); expected smtp://host:port")))?;
        if !matches!(parsed.scheme(), "smtp" | "smtps") {
            return Err(invalid(format!(
                "the scheme must be smtp or smtps, not {}",
                parsed.scheme()
            )));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid("names no host".into()));
        }
        Ok(SmtpUrl(url.trim().to_owned()))
    }

    /// The URL with its password replaced by `***`, fit for logs.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut parsed) if parsed.password().is_some() => {
                // Only fails for URLs that cannot have a password, which this has.
                let _ = parsed.set_password(Some("***"));
                parsed.to_string()
            }
            Ok(parsed) => parsed.to_string(),
            Err(_) => "<unparsable>".into(),
        }
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({})", self.redacted())
    }
}

/// Where delivered mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Through an SMTP server.
    Smtp(SmtpUrl),
    /// As `.eml` files in this directory (`<data dir>/mail/` by default).
    Files(PathBuf),
}

/// Everything the sender needs to know. `Debug` shows no secret.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub delivery: Delivery,
    /// The `From:` of every mail.
    pub from: Mailbox,
    /// The portal's base URL without a trailing slash, e.g. `https://fuhua.example.cn`.
    pub public_url: String,
    /// How long the sender loop waits between passes.
    pub interval: Duration,
    /// How many mails one claim takes.
    pub batch: u64,
    /// How long a claimed mail stays leased to this sender; another sender may take
    /// it after that (a crashed sender's mail is not lost).
    pub lease: Duration,
    /// The SMTP network timeout (per command).
    pub smtp_timeout: Duration,
}

impl MailSettings {
    /// From the values of `FUHUA_SMTP_URL`, `FUHUA_MAIL_FROM` and `FUHUA_PUBLIC_URL`
    /// (each `None` or blank for its default) and the data directory.
    ///
    /// Errors name the setting: an SMTP URL that is not `smtp://` or `smtps://`, a
    /// sender that is not `Name <address>` or an address, a public URL that is not
    /// `http(s)://host[/path]`.
    pub fn new(
        smtp_url: Option<&str>,
        from: Option<&str>,
        public_url: Option<&str>,
        data_dir: &Path,
    ) -> Result<MailSettings, MailError> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let delivery = match given(smtp_url) {
            Some(url) => Delivery::Smtp(SmtpUrl::parse(url)?),
            None => Delivery::Files(data_dir.join(MAIL_DIR)),
        };
        let from_text = given(from).unwrap_or(DEFAULT_FROM);
        let from = from_text
            .parse::<Mailbox>()
            .ok()
            .filter(|_| !from_text.chars().any(char::is_control))
            .ok_or_else(|| MailError::Config {
                setting: "FUHUA_MAIL_FROM",
                reason: "expected an address, or a name and an address like 孵化 Fuhua <noreply@example.cn>".into(),
            })?;
        let public_url = parse_public_url(given(public_url).unwrap_or(DEFAULT_PUBLIC_URL))?;
        Ok(MailSettings {
            delivery,
            from,
            public_url,
            interval: Duration::from_secs(5),
            batch: 20,
            lease: Duration::from_secs(10 * 60),
            smtp_timeout: Duration::from_secs(30),
        })
    }

    /// From the environment (`FUHUA_SMTP_URL`, `FUHUA_MAIL_FROM`,
    /// `FUHUA_PUBLIC_URL`), as `fuhua serve` and `fuhua mail send` read them.
    pub fn from_env(data_dir: &Path) -> Result<MailSettings, MailError> {
        let var = |name: &str| std::env::var(name).ok();
        MailSettings::new(
            var("FUHUA_SMTP_URL").as_deref(),
            var("FUHUA_MAIL_FROM").as_deref(),
            var("FUHUA_PUBLIC_URL").as_deref(),
            data_dir,
        )
    }
}

/// An `http(s)://host[:port][/path]` URL without query or fragment, returned without
/// its trailing slash.
fn parse_public_url(text: &str) -> Result<String, MailError> {
    let invalid = |reason: &str| MailError::Config {
        setting: "FUHUA_PUBLIC_URL",
        reason: format!("{reason}; expected a base URL like https://fuhua.example.cn"),
    };
    let parsed = url::Url::parse(text).map_err(|_| invalid("not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("names no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || !parsed.username().is_empty() {
        return Err(invalid("has a query, a fragment or credentials"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}
