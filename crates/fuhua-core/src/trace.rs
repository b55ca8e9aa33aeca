//! Every decision explains itself: a list of steps, each naming the SPEC rule, the
//! policy clause it applies and what was found, in Chinese and English.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Text};

/// A passage of the policy (青西新管办发〔2018〕146号), quoted in its own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    /// The clause number as the policy writes it: "七", "二十六".
    pub id: Cow<'static, str>,
    /// The words of the policy this step relies on, quoted as written.
    pub quote: Cow<'static, str>,
}

impl Clause {
    pub const fn new(id: &'static str, quote: &'static str) -> Clause {
        Clause {
            id: Cow::Borrowed(id),
            quote: Cow::Borrowed(quote),
        }
    }

    /// The citation as shown to people: the clause number and the quoted words.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "青西新管办发〔2018〕146号 第（{}）条：“{}”",
                self.id, self.quote
            ),
            Lang::En => format!(
                "Qingxi Xinguanbanfa [2018] No. 146, clause ({}): “{}”",
                roman(&self.id),
                self.quote
            ),
        }
    }
}

/// The policy numbers its clauses in Chinese numerals; English readers get Roman ones.
fn roman(id: &str) -> Cow<'_, str> {
    const NUMERALS: [(&str, &str); 27] = [
        ("一", "I"),
        ("二", "II"),
        ("三", "III"),
        ("四", "IV"),
        ("五", "V"),
        ("六", "VI"),
        ("七", "VII"),
        ("八", "VIII"),
        ("九", "IX"),
        ("十", "X"),
        ("十一", "XI"),
        ("十二", "XII"),
        ("十三", "XIII"),
        ("十四", "XIV"),
        ("十五", "XV"),
        ("十六", "XVI"),
        ("十七", "XVII"),
        ("十八", "XVIII"),
        ("十九", "XIX"),
        ("二十", "XX"),
        ("二十一", "XXI"),
        ("二十二", "XXII"),
        ("二十三", "XXIII"),
        ("二十四", "XXIV"),
        ("二十五", "XXV"),
        ("二十六", "XXVI"),
        ("二十七", "XXVII"),
    ];
    NUMERALS
        .iter()
        .find(|(zh, _)| *zh == id)
        .map_or(Cow::Borrowed(id), |(_, r)| Cow::Borrowed(r))
}

/// One step of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The SPEC rule id, e.g. `R-WAIVER-FULL`.
    pub rule: Cow<'static, str>,
    pub clause: Clause,
    /// What was found, in plain language.
    pub detail: Text,
}

/// The steps of one decision, in the order they were taken.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Trace(Vec<Step>);

impl Trace {
    pub fn new() -> Trace {
        Trace::default()
    }

    /// Records a step.
    pub fn step(
        &mut self,
        rule: &'static str,
        clause: &Clause,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.0.push(Step {
            rule: Cow::Borrowed(rule),
            clause: clause.clone(),
            detail: Text::new(zh, en),
        });
    }

    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends another decision's steps after these.
    pub fn extend(&mut self, other: Trace) {
        self.0.extend(other.0);
    }

    /// True when some step applies `rule`.
    pub fn mentions(&self, rule: &str) -> bool {
        self.0.iter().any(|s| s.rule == rule)
    }
}

impl IntoIterator for Trace {
    type Item = Step;
    type IntoIter = std::vec::IntoIter<Step>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The result of applying a rule, with the reasons (SPEC §3: "each decision carries
/// its trace").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<T> {
    pub value: T,
    pub trace: Trace,
}

impl<T> Decision<T> {
    pub fn new(value: T, trace: Trace) -> Decision<T> {
        Decision { value, trace }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clauses;

    #[test]
    fn a_clause_renders_its_number_and_words() {
        let zh = clauses::FULL_WAIVER.render(Lang::Zh);
        assert!(zh.starts_with("青西新管办发〔2018〕146号 第（七）条：“政府直接投资"));
        let en = clauses::FULL_WAIVER.render(Lang::En);
        assert!(en.contains("clause (VII)"));
        assert!(
            clauses::THIRD_PARTY
                .render(Lang::En)
                .contains("clause (XXVI)")
        );
    }

    #[test]
    fn steps_keep_their_order_and_round_trip_through_json() {
        let mut trace = Trace::new();
        trace.step(
            clauses::rules::WAIVER_FULL,
            &clauses::FULL_WAIVER,
            "甲",
            "a",
        );
        trace.step(
            clauses::rules::WAIVER_EXTEND,
            &clauses::EXTENSION,
            "乙",
            "b",
        );
        let json = serde_json::to_string(&trace).unwrap();
        let back: Trace = serde_json::from_str(&json).unwrap();
        assert_eq!(back, trace);
        assert!(back.mentions("R-WAIVER-EXTEND"));
        assert_eq!(back.steps()[0].detail.get(Lang::En), "a");
    }
}
