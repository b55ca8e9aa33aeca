//! Tests of the crate: templates, headers, and delivery over real SMTP to the
//! loopback test server on every configured database.

mod delivery;
mod headers;
mod settings;
mod templates;

use std::path::Path;

use fuhua_core::lang::Lang;
use fuhua_store::outbox::{self, Mail};
use fuhua_store::{Actor, Store};

use crate::emails::{Email, outbox_mail};
use crate::settings::MailSettings;

pub(crate) const PUBLIC: &str = "https://fuhua.example.cn";

/// Settings that deliver to `smtp_url`, or to files under `dir` when `None`.
pub(crate) fn settings(smtp_url: Option<&str>, dir: &Path) -> MailSettings {
    MailSettings::new(smtp_url, None, Some(PUBLIC), dir).expect("test settings are valid")
}

/// Enqueues mails in one committed change, returning their ids.
pub(crate) async fn enqueue(store: &Store, mails: &[Mail]) -> Vec<i64> {
    let w = store.write(&Actor::cli()).await.expect("begin");
    let mut ids = Vec::new();
    for mail in mails {
        ids.push(outbox::enqueue(&w, mail).await.expect("enqueue"));
    }
    w.commit().await.expect("commit");
    ids
}

/// The sample of `E` to `to` in `lang`.
pub(crate) fn sample<E: Email>(to: &str, lang: Lang) -> Mail {
    outbox_mail(to, lang, &E::sample()).expect("samples serialise")
}

/// `href="…"` as the HTML templates write it (minijinja escapes `/` too).
pub(crate) fn href(url: &str) -> String {
    format!("href=\"{}\"", url.replace('/', "&#x2f;"))
}
