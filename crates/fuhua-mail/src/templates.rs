//! The email templates, compiled into the binary from `web/templates/email/`: one
//! folder per email with a subject, a plain-text body and an HTML body in each
//! language, extending the shared layouts in `_layout/` (which end every mail with
//! the platform's name and a link to the portal). Rendering is strict: a field the
//! template uses but the context lacks is an error, never an empty string; HTML
//! bodies are auto-escaped.

use fuhua_core::lang::Lang;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior};
use serde_json::Value;

use crate::emails::{
    AccountLinkCode, ClaimDecided, ClaimGenerated, ClaimPaid, ClaimSubmitted, Email,
    ExtensionDecided, ExtensionRequested, PasswordChanged, ReliefConfirmed, ReliefDecided,
    ReliefDisputed, ReliefSubmitted,
};
use crate::emails::{
    ReminderClaimWaiting, ReminderReportDue, ReminderReportOverdue, ReminderWindowEnding,
    ReportAccepted, ReportReturned,
};
use crate::error::MailError;

/// The files of one email folder, in the order of [`FILES`].
const FILE_COUNT: usize = 6;

/// The files every email folder holds.
pub const FILES: [&str; FILE_COUNT] = [
    "subject.zh-CN.txt",
    "subject.en.txt",
    "body.zh-CN.txt",
    "body.en.txt",
    "body.zh-CN.html",
    "body.en.html",
];

/// One registered email: its folder name, its sources and a sample context.
#[derive(Debug, Clone, Copy)]
pub struct Registered {
    pub name: &'static str,
    sources: [&'static str; FILE_COUNT],
    sample: fn() -> Value,
}

impl Registered {
    /// A plausible context for this email (for previews and tests).
    pub fn sample(&self) -> Value {
        (self.sample)()
    }
}

const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

fn sample_of<E: Email>() -> Value {
    serde_json::to_value(E::sample()).unwrap_or(Value::Null)
}

macro_rules! source {
    ($name:literal, $file:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../web/templates/email/",
            $name,
            "/",
            $file
        ))
    };
}

macro_rules! email {
    ($ty:ty, $name:literal) => {{
        const { assert!(same_name(<$ty as Email>::TEMPLATE, $name)) };
        Registered {
            name: $name,
            sources: [
                source!($name, "subject.zh-CN.txt"),
                source!($name, "subject.en.txt"),
                source!($name, "body.zh-CN.txt"),
                source!($name, "body.en.txt"),
                source!($name, "body.zh-CN.html"),
                source!($name, "body.en.html"),
            ],
            sample: sample_of::<$ty>,
        }
    }};
}

/// Every email Fuhua sends. A new email is a folder under `web/templates/email/`, a
/// context type in [`crate::emails`] and one line here.
pub static EMAILS: &[Registered] = &[
    email!(ReliefSubmitted, "relief_submitted"),
    email!(ReliefConfirmed, "relief_confirmed"),
    email!(ReliefDisputed, "relief_disputed"),
    email!(ReliefDecided, "relief_decided"),
    email!(ExtensionRequested, "extension_requested"),
    email!(ExtensionDecided, "extension_decided"),
    email!(AccountLinkCode, "account_link_code"),
    email!(PasswordChanged, "password_changed"),
    email!(ClaimGenerated, "claim_generated"),
    email!(ClaimSubmitted, "claim_submitted"),
    email!(ClaimDecided, "claim_decided"),
    email!(ClaimPaid, "claim_paid"),
    email!(ReportReturned, "report_returned"),
    email!(ReportAccepted, "report_accepted"),
    email!(ReminderWindowEnding, "reminder_window_ending"),
    email!(ReminderReportDue, "reminder_report_due"),
    email!(ReminderReportOverdue, "reminder_report_overdue"),
    email!(ReminderClaimWaiting, "reminder_claim_waiting"),
];

/// The shared layouts the bodies extend.
const LAYOUTS: [(&str, &str); 4] = [
    (
        "_layout/base.zh-CN.txt",
        source!("_layout", "base.zh-CN.txt"),
    ),
    ("_layout/base.en.txt", source!("_layout", "base.en.txt")),
    (
        "_layout/base.zh-CN.html",
        source!("_layout", "base.zh-CN.html"),
    ),
    ("_layout/base.en.html", source!("_layout", "base.en.html")),
];

/// A rendered email: the subject (one line, not yet cleaned for a header) and the
/// two bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The compiled templates and the public base URL that makes `url` absolute.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    public_url: String,
}

impl Templates {
    /// Compiles every registered email. `public_url` is the portal's base URL
    /// without a trailing slash (see `MailSettings`).
    pub fn new(public_url: &str) -> Result<Templates, MailError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| MailError::Render {
                template: "-".into(),
                lang: "-",
                reason: e.to_string(),
            })?;
        env.set_syntax(syntax);
        let broken = |name: &str, e: minijinja::Error| MailError::Render {
            template: name.to_owned(),
            lang: "-",
            reason: e.to_string(),
        };
        for (name, source) in LAYOUTS {
            env.add_template_owned(name.to_owned(), source)
                .map_err(|e| broken(name, e))?;
        }
        for email in EMAILS {
            for (file, source) in FILES.iter().zip(email.sources) {
                env.add_template_owned(format!("{}/{file}", email.name), source)
                    .map_err(|e| broken(email.name, e))?;
            }
        }
        Ok(Templates {
            env,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Renders email `name` in `lang` from its outbox context (a JSON object).
    ///
    /// Errors: [`MailError::UnknownTemplate`] for a name not in [`EMAILS`];
    /// [`MailError::Render`] for a context that is not an object, lacks a field the
    /// template uses, or has a `url` that is not a path on this site.
    pub fn render(&self, name: &str, lang: Lang, context: &Value) -> Result<Rendered, MailError> {
        let email = find(name).ok_or_else(|| MailError::UnknownTemplate(name.to_owned()))?;
        let failed = |reason: String| MailError::Render {
            template: email.name.to_owned(),
            lang: lang.tag(),
            reason,
        };
        let Value::Object(fields) = context else {
            return Err(failed("the context is not a JSON object".into()));
        };
        let mut fields = fields.clone();
        if let Some(url) = fields.get("url") {
            let path = url
                .as_str()
                .filter(|p| is_site_path(p))
                .ok_or_else(|| failed("url must be a path on this site, like /relief/12".into()))?;
            let absolute = format!("{}{path}", self.public_url);
            fields.insert("url".into(), Value::String(absolute));
        }
        fields.insert(
            "portal_url".into(),
            Value::String(format!("{}/", self.public_url)),
        );
        let tag = lang.tag();
        let render = |file: String, fields: &serde_json::Map<String, Value>| {
            self.env
                .get_template(&format!("{}/{file}", email.name))
                .and_then(|t| t.render(minijinja::Value::from(Serde(fields))))
                .map_err(|e| failed(e.to_string()))
        };
        let subject = render(format!("subject.{tag}.txt"), &fields)?
            .trim()
            .to_owned();
        fields.insert("subject".into(), Value::String(subject.clone()));
        let text = render(format!("body.{tag}.txt"), &fields)?;
        let html = render(format!("body.{tag}.html"), &fields)?;
        Ok(Rendered {
            subject,
            text,
            html,
        })
    }
}

/// The registered email called `name`.
pub fn find(name: &str) -> Option<&'static Registered> {
    EMAILS.iter().find(|e| e.name == name)
}

/// A path on this site: starts with one `/`, no scheme or host, no backslash,
/// whitespace or control characters.
fn is_site_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
}
