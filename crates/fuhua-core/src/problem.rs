//! A problem with an input, naming the field it concerns, so that every path (JSON
//! API, forms, imports, command line) can show it next to what the user typed.

use serde::Serialize;

use crate::lang::{Lang, Text};

/// One thing wrong with an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The field's path in the JSON request: `stays[1].move_out`, `municipal_amount`.
    pub field: String,
    /// A stable machine code: `before_move_in`, `over_cap`, `required` …
    pub code: &'static str,
    pub message: Text,
}

impl Problem {
    pub fn new(
        field: impl Into<String>,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Problem {
        Problem {
            field: field.into(),
            code,
            message: Text::new(zh, en),
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }
}
