//! The calculator's form: read from the query string, one value per input, and
//! turned into the API's request.

use fuhua_core::Problem;
use fuhua_core::vocab::{AccreditationStatus, CarrierKind, FounderGroup, Founding};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::STAYS;

#[derive(Debug, Clone, Default, Serialize)]
pub struct StayForm {
    pub kind: String,
    pub founding: String,
    pub waives_rent: String,
    pub level: String,
    pub valid_from: String,
    pub valid_until: String,
    pub status: String,
    pub move_in: String,
    pub move_out: String,
    pub rent: String,
    /// Shown expanded (filled in, or with an error).
    pub open: bool,
}

impl StayForm {
    fn is_blank(&self) -> bool {
        [
            &self.move_in,
            &self.move_out,
            &self.rent,
            &self.valid_from,
            &self.valid_until,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CalcForm {
    pub group: String,
    pub graduated_on: String,
    pub as_of: String,
    pub extension_months: String,
    pub project: bool,
    pub stays: Vec<StayForm>,
    /// What the query says that the form cannot take: an input given twice, a yes/no
    /// that is neither (input name → problem).
    #[serde(skip)]
    pub refused: Vec<(String, Problem)>,
}

/// The inputs of the form, each of which takes one value.
pub(super) fn input_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "group",
        "graduated_on",
        "as_of",
        "extension_months",
        "project",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for k in 0..STAYS {
        for f in STAY_INPUTS {
            names.push(format!("s{k}_{f}"));
        }
    }
    names
}

/// The inputs of one stay, after its `s{k}_` prefix.
const STAY_INPUTS: [&str; 10] = [
    "kind",
    "founding",
    "waives_rent",
    "level",
    "valid_from",
    "valid_until",
    "status",
    "move_in",
    "move_out",
    "rent",
];

/// The label key of an input (`s1_move_in` → `field_move_in`).
pub(super) fn label_key(input: &str) -> String {
    let leaf = match input.split_once('_') {
        Some((stay, leaf)) if stay.len() > 1 && stay[1..].bytes().all(|b| b.is_ascii_digit()) => {
            leaf
        }
        _ => input,
    };
    format!("field_{leaf}")
}

fn given_twice(input: &str) -> Problem {
    Problem::new(
        input,
        "repeated",
        "这一项在链接里出现了不止一次，请只填一个值",
        "this field appears more than once in the link; give one value",
    )
}

fn not_yes_or_no(input: &str, value: &str) -> Problem {
    let shown: String = value.chars().take(40).collect();
    Problem::new(
        input,
        "unknown_value",
        format!("“{shown}”不是有效的选项，请选择“是”或“否”"),
        format!("“{shown}” is not a choice; choose Yes or No"),
    )
}

impl CalcForm {
    pub(super) fn from_query(pairs: &[(String, String)]) -> CalcForm {
        let mut refused: Vec<(String, Problem)> = Vec::new();
        for name in input_names() {
            if pairs.iter().filter(|(k, _)| *k == name).count() > 1 {
                refused.push((name.clone(), given_twice(&name)));
            }
        }
        let get = |key: &str| -> String {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        let or = |value: String, default: &str| {
            if value.is_empty() {
                default.to_owned()
            } else {
                value
            }
        };
        let project = get("project");
        if !matches!(project.as_str(), "" | "1") {
            refused.push(("project".to_owned(), not_yes_or_no("project", &project)));
        }
        let stays = (0..STAYS)
            .map(|k| {
                let field = |name: &str| get(&format!("s{k}_{name}"));
                let waives_rent = or(field("waives_rent"), "yes");
                if !matches!(waives_rent.as_str(), "yes" | "no") {
                    let input = format!("s{k}_waives_rent");
                    let problem = not_yes_or_no(&input, &waives_rent);
                    refused.push((input, problem));
                }
                let mut stay = StayForm {
                    kind: or(field("kind"), CarrierKind::IncubationBase.as_str()),
                    founding: or(field("founding"), Founding::GovInvested.as_str()),
                    waives_rent,
                    level: field("level"),
                    valid_from: field("valid_from"),
                    valid_until: field("valid_until"),
                    status: or(field("status"), AccreditationStatus::Active.as_str()),
                    move_in: field("move_in"),
                    move_out: field("move_out"),
                    rent: field("rent"),
                    open: false,
                };
                stay.open = !stay.is_blank();
                stay
            })
            .collect();
        CalcForm {
            group: or(get("group"), FounderGroup::Graduate.as_str()),
            graduated_on: get("graduated_on"),
            as_of: get("as_of"),
            extension_months: get("extension_months"),
            project: project == "1",
            stays,
            refused,
        }
    }

    /// The stays that take part: the first always, the others when filled in.
    pub(super) fn used_stays(&self) -> Vec<usize> {
        (0..self.stays.len())
            .filter(|&k| k == 0 || !self.stays[k].is_blank())
            .collect()
    }

    /// The API request this form stands for, and problems found before the API reader
    /// (a count typed as text).
    pub(super) fn to_request(&self, used: &[usize]) -> (Value, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut root = Map::new();
        let text = |s: &str| (!s.is_empty()).then(|| Value::String(s.to_owned()));
        if let Some(v) = text(&self.as_of) {
            root.insert("as_of".into(), v);
        }
        let mut founder = Map::new();
        founder.insert("group".into(), Value::String(self.group.clone()));
        if let Some(v) = text(&self.graduated_on) {
            founder.insert("graduated_on".into(), v);
        }
        root.insert("founder".into(), Value::Object(founder));
        if !self.extension_months.is_empty() {
            if self.extension_months.bytes().all(|b| b.is_ascii_digit()) {
                // Too many digits for a number is still a number over the cap, which
                // the rules name.
                let n = self.extension_months.parse::<u64>().unwrap_or(u64::MAX);
                root.insert("extension_months".into(), json!(n));
            } else {
                problems.push(Problem::new(
                    "extension_months",
                    "not_whole_number",
                    "extension_months 应为不小于0的整数",
                    "extension_months must be a whole number, 0 or more",
                ));
            }
        }
        let stays = used
            .iter()
            .map(|&k| {
                let s = &self.stays[k];
                let mut carrier = Map::new();
                carrier.insert("kind".into(), Value::String(s.kind.clone()));
                carrier.insert("founding".into(), Value::String(s.founding.clone()));
                carrier.insert("waives_rent".into(), Value::Bool(s.waives_rent == "yes"));
                let mut accreditations = Vec::new();
                if !s.level.is_empty() {
                    let mut a = Map::new();
                    a.insert("level".into(), Value::String(s.level.clone()));
                    if let Some(v) = text(&s.valid_from) {
                        a.insert("valid_from".into(), v);
                    }
                    if let Some(v) = text(&s.valid_until) {
                        a.insert("valid_until".into(), v);
                    }
                    a.insert("status".into(), Value::String(s.status.clone()));
                    accreditations.push(Value::Object(a));
                }
                carrier.insert("accreditations".into(), Value::Array(accreditations));
                let mut stay = Map::new();
                stay.insert("carrier".into(), Value::Object(carrier));
                if let Some(v) = text(&s.move_in) {
                    stay.insert("move_in".into(), v);
                }
                if let Some(v) = text(&s.move_out) {
                    stay.insert("move_out".into(), v);
                }
                if let Some(v) = text(&s.rent) {
                    stay.insert("monthly_rent".into(), v);
                }
                Value::Object(stay)
            })
            .collect();
        root.insert("stays".into(), Value::Array(stays));
        (Value::Object(root), problems)
    }
}
