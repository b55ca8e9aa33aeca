//! Server-rendered pages: minijinja templates from `web/templates` and message
//! catalogues from `web/i18n`, compiled into the binary so that it runs from any
//! directory.

use std::collections::BTreeMap;

use fuhua_core::Lang;
use minijinja::{Environment, UndefinedBehavior, Value};

/// Every template, by name.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "layouts/base.html",
        include_str!("../../../web/templates/layouts/base.html"),
    ),
    (
        "partials/fields.html",
        include_str!("../../../web/templates/partials/fields.html"),
    ),
    (
        "pages/calculator.html",
        include_str!("../../../web/templates/pages/calculator.html"),
    ),
    (
        "pages/message.html",
        include_str!("../../../web/templates/pages/message.html"),
    ),
    (
        "partials/eligibility.html",
        include_str!("../../../web/templates/partials/eligibility.html"),
    ),
    (
        "partials/charts.html",
        include_str!("../../../web/templates/partials/charts.html"),
    ),
    (
        "pages/work/message.html",
        include_str!("../../../web/templates/pages/work/message.html"),
    ),
    (
        "pages/work/dashboard.html",
        include_str!("../../../web/templates/pages/work/dashboard.html"),
    ),
    (
        "pages/work/relief_new.html",
        include_str!("../../../web/templates/pages/work/relief_new.html"),
    ),
    (
        "pages/work/relief_case.html",
        include_str!("../../../web/templates/pages/work/relief_case.html"),
    ),
    (
        "pages/work/relief_list.html",
        include_str!("../../../web/templates/pages/work/relief_list.html"),
    ),
    (
        "pages/work/relief_letter.html",
        include_str!("../../../web/templates/pages/work/relief_letter.html"),
    ),
    (
        "pages/work/ledger.html",
        include_str!("../../../web/templates/pages/work/ledger.html"),
    ),
    (
        "pages/work/carriers.html",
        include_str!("../../../web/templates/pages/work/carriers.html"),
    ),
    (
        "pages/work/carrier.html",
        include_str!("../../../web/templates/pages/work/carrier.html"),
    ),
    (
        "pages/work/tenants.html",
        include_str!("../../../web/templates/pages/work/tenants.html"),
    ),
    (
        "pages/work/move_in.html",
        include_str!("../../../web/templates/pages/work/move_in.html"),
    ),
    (
        "pages/work/stay.html",
        include_str!("../../../web/templates/pages/work/stay.html"),
    ),
    (
        "pages/work/import_form.html",
        include_str!("../../../web/templates/pages/work/import_form.html"),
    ),
    (
        "pages/work/import_report.html",
        include_str!("../../../web/templates/pages/work/import_report.html"),
    ),
    (
        "pages/work/extension_new.html",
        include_str!("../../../web/templates/pages/work/extension_new.html"),
    ),
    (
        "pages/work/extension_list.html",
        include_str!("../../../web/templates/pages/work/extension_list.html"),
    ),
    (
        "pages/work/extension_case.html",
        include_str!("../../../web/templates/pages/work/extension_case.html"),
    ),
    (
        "pages/work/entity_new.html",
        include_str!("../../../web/templates/pages/work/entity_new.html"),
    ),
    (
        "pages/work/claim_list.html",
        include_str!("../../../web/templates/pages/work/claim_list.html"),
    ),
    (
        "pages/work/claim_case.html",
        include_str!("../../../web/templates/pages/work/claim_case.html"),
    ),
    (
        "pages/work/claim_batch.html",
        include_str!("../../../web/templates/pages/work/claim_batch.html"),
    ),
    (
        "pages/work/finance.html",
        include_str!("../../../web/templates/pages/work/finance.html"),
    ),
    (
        "pages/work/report_list.html",
        include_str!("../../../web/templates/pages/work/report_list.html"),
    ),
    (
        "pages/work/report_file.html",
        include_str!("../../../web/templates/pages/work/report_file.html"),
    ),
    (
        "pages/work/report_case.html",
        include_str!("../../../web/templates/pages/work/report_case.html"),
    ),
    (
        "pages/work/report_bulk.html",
        include_str!("../../../web/templates/pages/work/report_bulk.html"),
    ),
    (
        "pages/work/report_bulk_result.html",
        include_str!("../../../web/templates/pages/work/report_bulk_result.html"),
    ),
    (
        "pages/auth/_form.html",
        include_str!("../../../web/templates/pages/auth/_form.html"),
    ),
    (
        "pages/auth/login.html",
        include_str!("../../../web/templates/pages/auth/login.html"),
    ),
    (
        "pages/auth/register.html",
        include_str!("../../../web/templates/pages/auth/register.html"),
    ),
    (
        "pages/auth/password.html",
        include_str!("../../../web/templates/pages/auth/password.html"),
    ),
    (
        "pages/auth/link.html",
        include_str!("../../../web/templates/pages/auth/link.html"),
    ),
    (
        "pages/auth/operator_links.html",
        include_str!("../../../web/templates/pages/auth/operator_links.html"),
    ),
];

/// Message catalogues, one pair per area of the portal (`web/i18n/<area>.<lang>.json`;
/// the calculator's are `zh-CN.json`/`en.json`). Merged at start; a key defined twice
/// is an error.
const CATALOGUES_ZH: &[(&str, &str)] = &[
    ("zh-CN.json", include_str!("../../../web/i18n/zh-CN.json")),
    (
        "auth.zh-CN.json",
        include_str!("../../../web/i18n/auth.zh-CN.json"),
    ),
    (
        "claims.zh-CN.json",
        include_str!("../../../web/i18n/claims.zh-CN.json"),
    ),
    (
        "reports.zh-CN.json",
        include_str!("../../../web/i18n/reports.zh-CN.json"),
    ),
];
const CATALOGUES_EN: &[(&str, &str)] = &[
    ("en.json", include_str!("../../../web/i18n/en.json")),
    (
        "auth.en.json",
        include_str!("../../../web/i18n/auth.en.json"),
    ),
    (
        "claims.en.json",
        include_str!("../../../web/i18n/claims.en.json"),
    ),
    (
        "reports.en.json",
        include_str!("../../../web/i18n/reports.en.json"),
    ),
];

/// The stylesheet served at `/static/site.css`.
pub const SITE_CSS: &str = include_str!("../../../web/static/site.css");

/// A message catalogue: key → text.
pub type Catalogue = BTreeMap<String, String>;

/// Why the templates could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template {name}: {source}")]
    Template {
        name: &'static str,
        #[source]
        source: minijinja::Error,
    },
    #[error("message catalogue {file}: {source}")]
    Catalogue {
        file: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("message catalogue {file}: key {key} is defined in another catalogue too")]
    DuplicateKey { file: &'static str, key: String },
}

/// One catalogue from several files.
fn merge_catalogues(files: &[(&'static str, &'static str)]) -> Result<Catalogue, TemplateError> {
    let mut merged = Catalogue::new();
    for &(file, source) in files {
        let part: Catalogue = serde_json::from_str(source)
            .map_err(|source| TemplateError::Catalogue { file, source })?;
        for (key, text) in part {
            if merged.insert(key.clone(), text).is_some() {
                return Err(TemplateError::DuplicateKey { file, key });
            }
        }
    }
    Ok(merged)
}

/// Compiled templates and catalogues.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    zh: Catalogue,
    en: Catalogue,
}

impl Templates {
    pub fn load() -> Result<Templates, TemplateError> {
        let mut env = Environment::new();
        // A missing variable or message key is a bug, not an empty string.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        crate::format::register(&mut env);
        for &(name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|source| TemplateError::Template { name, source })?;
        }
        let zh = merge_catalogues(CATALOGUES_ZH)?;
        let en = merge_catalogues(CATALOGUES_EN)?;
        Ok(Templates { env, zh, en })
    }

    pub fn catalogue(&self, lang: Lang) -> &Catalogue {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// A message by key (the key itself when missing, which the tests forbid).
    pub fn text<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        self.catalogue(lang).get(key).map_or(key, String::as_str)
    }

    pub fn render(&self, name: &str, context: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys_and_no_empty_text() {
        let t = Templates::load().unwrap();
        let zh: Vec<_> = t.zh.keys().collect();
        let en: Vec<_> = t.en.keys().collect();
        assert_eq!(zh, en);
        assert!(
            t.zh.values()
                .chain(t.en.values())
                .all(|v| !v.trim().is_empty())
        );
    }
}
