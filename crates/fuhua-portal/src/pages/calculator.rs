//! `GET /` — the public rent-waiver calculator (SPEC §5). The form submits with GET,
//! so a result is a link that can be shared. It reads the form into the same JSON the
//! API takes and runs the same reader and rules, so both always agree.

use std::collections::BTreeMap;

use fuhua_core::vocab::{AccreditationStatus, CarrierKind, FounderGroup, Founding, Level};
use fuhua_core::{Lang, Problem};
use fuhua_waiver::WaiverResult;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;
use serde_json::{Map, Value, json};
use warp::http::StatusCode;
use warp::reply::Response;

use crate::AppState;
use crate::api::waiver;
use crate::pages::{html_page, switch_url};

/// How many stays the page offers.
pub const STAYS: usize = 3;

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
}

impl CalcForm {
    fn from_query(pairs: &[(String, String)]) -> CalcForm {
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
        CalcForm {
            group: or(get("group"), FounderGroup::Graduate.as_str()),
            graduated_on: get("graduated_on"),
            as_of: get("as_of"),
            extension_months: get("extension_months"),
            project: !get("project").is_empty(),
            stays: (0..STAYS)
                .map(|k| {
                    let field = |name: &str| get(&format!("s{k}_{name}"));
                    let mut stay = StayForm {
                        kind: or(field("kind"), CarrierKind::IncubationBase.as_str()),
                        founding: or(field("founding"), Founding::GovInvested.as_str()),
                        waives_rent: or(field("waives_rent"), "yes"),
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
                .collect(),
        }
    }

    /// The stays that take part: the first always, the others when filled in.
    fn used_stays(&self) -> Vec<usize> {
        (0..self.stays.len())
            .filter(|&k| k == 0 || !self.stays[k].is_blank())
            .collect()
    }

    /// The API request this form stands for, and problems found before the API reader
    /// (a count typed as text).
    fn to_request(&self, used: &[usize]) -> (Value, Vec<Problem>) {
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
            match self.extension_months.parse::<u32>() {
                Ok(n) => {
                    root.insert("extension_months".into(), json!(n));
                }
                Err(_) => problems.push(Problem::new(
                    "extension_months",
                    "not_whole_number",
                    "extension_months 应为不小于0的整数",
                    "extension_months must be a whole number, 0 or more",
                )),
            }
        }
        let stays = used
            .iter()
            .map(|&k| {
                let s = &self.stays[k];
                let mut carrier = Map::new();
                carrier.insert("kind".into(), Value::String(s.kind.clone()));
                carrier.insert("founding".into(), Value::String(s.founding.clone()));
                carrier.insert("waives_rent".into(), Value::Bool(s.waives_rent != "no"));
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

/// A problem placed next to its input, in the page's words.
#[derive(Debug, Serialize)]
struct PageProblem {
    input: String,
    message: String,
}

/// Maps an API field path to the form input, and a message to the page's words.
fn place(problem: &Problem, used: &[usize], state: &AppState, lang: Lang) -> PageProblem {
    let t = |key: &str| state.templates().text(lang, key).to_owned();
    let (input, label) = match problem.field.as_str() {
        "founder.group" => ("group".to_owned(), t("field_group")),
        "founder.graduated_on" => ("graduated_on".to_owned(), t("field_graduated_on")),
        "as_of" => ("as_of".to_owned(), t("field_as_of")),
        "extension_months" => ("extension_months".to_owned(), t("field_extension_months")),
        path => match stay_field(path) {
            Some((j, leaf)) => {
                let k = used.get(j).copied().unwrap_or(0);
                let (name, key) = match leaf {
                    "move_out" => ("move_out", "field_move_out"),
                    "monthly_rent" => ("rent", "field_rent"),
                    "carrier.kind" => ("kind", "field_kind"),
                    "carrier.founding" => ("founding", "field_founding"),
                    "carrier.waives_rent" => ("waives_rent", "field_waives_rent"),
                    l if l.ends_with(".level") => ("level", "field_level"),
                    l if l.ends_with(".valid_from") => ("valid_from", "field_valid_from"),
                    l if l.ends_with(".valid_until") => ("valid_until", "field_valid_until"),
                    l if l.ends_with(".status") => ("status", "field_status"),
                    _ => ("move_in", "field_move_in"),
                };
                (format!("s{k}_{name}"), t(key))
            }
            None => ("s0_move_in".to_owned(), t("field_move_in")),
        },
    };
    let mut message = problem.message(lang).replace(&problem.field, &label);
    // Other stays named in the message ("stays[0]") become "第1段入驻" / "Stay 1".
    for (j, k) in used.iter().enumerate() {
        let name = t("stay_n").replace("{n}", &(k + 1).to_string());
        message = message.replace(&format!("stays[{j}]"), &name);
    }
    PageProblem { input, message }
}

/// `stays[2].carrier.kind` → (2, "carrier.kind").
fn stay_field(path: &str) -> Option<(usize, &str)> {
    let rest = path.strip_prefix("stays[")?;
    let (index, rest) = rest.split_once(']')?;
    let leaf = rest.strip_prefix('.').unwrap_or(rest);
    Some((index.parse().ok()?, leaf))
}

#[derive(Debug, Serialize)]
struct Option_ {
    code: &'static str,
    label: &'static str,
}

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T, Lang) -> &'static str,
    lang: Lang,
) -> Vec<Option_> {
    all.iter()
        .map(|v| Option_ {
            code: code(*v),
            label: label(*v, lang),
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct WindowView {
    start: String,
    end: String,
    months: u32,
}

#[derive(Debug, Serialize)]
struct StayView {
    number: usize,
    carrier: String,
    regime: &'static str,
    regime_label: &'static str,
    rate: String,
    funding_source: Option<&'static str>,
    reasons: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct RowView {
    month: String,
    stay: usize,
    occupied_days: u32,
    days_in_month: u32,
    rent_due: String,
    waived: String,
    payable: String,
    projected: bool,
}

#[derive(Debug, Serialize)]
struct StepView {
    rule: String,
    detail: String,
    clause: String,
}

#[derive(Debug, Serialize)]
struct ResultView {
    window: Option<WindowView>,
    months_remaining: Option<u32>,
    as_of: String,
    total_waived: String,
    stays: Vec<StayView>,
    rows: Vec<RowView>,
    projected_to: Option<String>,
    trace: Vec<StepView>,
}

fn result_view(
    result: &WaiverResult,
    ledger: &WaiverResult,
    trace: &fuhua_core::Trace,
    used: &[usize],
    input: &fuhua_waiver::WaiverInput,
    lang: Lang,
) -> ResultView {
    ResultView {
        window: result.window.map(|w| WindowView {
            start: w.start.to_string(),
            end: w.end.to_string(),
            months: w.months,
        }),
        months_remaining: result.months_remaining,
        as_of: result.as_of.to_string(),
        total_waived: ledger.total_waived.to_string(),
        stays: result
            .stays
            .iter()
            .enumerate()
            .map(|(j, s)| {
                let carrier = &input.stays[j].carrier;
                StayView {
                    number: used.get(j).copied().unwrap_or(j) + 1,
                    carrier: format!(
                        "{} · {}",
                        carrier.kind.label(lang),
                        carrier.founding.label(lang)
                    ),
                    regime: s.regime.as_str(),
                    regime_label: s.regime.label(lang),
                    rate: fuhua_core::round2(s.rate).to_string(),
                    funding_source: s.funding_source.map(|f| f.label(lang)),
                    reasons: s.reasons.iter().map(|r| r.describe(lang)).collect(),
                }
            })
            .collect(),
        rows: ledger
            .months
            .iter()
            .map(|m| RowView {
                month: m.month.to_string(),
                stay: used.get(m.stay).copied().unwrap_or(m.stay) + 1,
                occupied_days: m.occupied_days,
                days_in_month: m.days_in_month,
                rent_due: m.rent_due.to_string(),
                waived: m.waived.to_string(),
                payable: m.payable.to_string(),
                projected: m.occupied.start > result.as_of,
            })
            .collect(),
        projected_to: (ledger.as_of != result.as_of).then(|| ledger.as_of.to_string()),
        trace: trace
            .steps()
            .iter()
            .map(|s| StepView {
                rule: s.rule.to_string(),
                detail: s.detail.get(lang).to_owned(),
                clause: s.clause.render(lang),
            })
            .collect(),
    }
}

/// Runs the calculation for a submitted form.
fn compute(form: &CalcForm, state: &AppState, lang: Lang) -> Result<ResultView, Vec<PageProblem>> {
    let used = form.used_stays();
    let (request, mut problems) = form.to_request(&used);
    let params = state.params();
    let input = match waiver::parse(&request, state.today(), params) {
        Ok(input) if problems.is_empty() => input,
        Ok(_) => {
            return Err(problems
                .iter()
                .map(|p| place(p, &used, state, lang))
                .collect());
        }
        Err(found) => {
            problems.extend(found);
            return Err(problems
                .iter()
                .map(|p| place(p, &used, state, lang))
                .collect());
        }
    };
    let decision = fuhua_waiver::calculate(&input, params).map_err(|ps| {
        ps.iter()
            .map(|p| place(p, &used, state, lang))
            .collect::<Vec<_>>()
    })?;
    // Projection: the same entity, with open stays running to the window's end.
    let projected = match decision.value.window {
        Some(w) if form.project && w.end > input.as_of => {
            let mut until_end = input.clone();
            until_end.as_of = w.end;
            fuhua_waiver::calculate(&until_end, params)
                .ok()
                .map(|d| d.value)
        }
        _ => None,
    };
    let ledger = projected.as_ref().unwrap_or(&decision.value);
    Ok(result_view(
        &decision.value,
        ledger,
        &decision.trace,
        &used,
        &input,
        lang,
    ))
}

pub fn page(lang: Lang, remember: bool, query: Vec<(String, String)>, state: AppState) -> Response {
    let mut form = CalcForm::from_query(&query);
    let submitted = query.iter().any(|(k, _)| k == "calc");
    let (result, problems) = if submitted {
        match compute(&form, &state, lang) {
            Ok(view) => (Some(view), Vec::new()),
            Err(problems) => (None, problems),
        }
    } else {
        (None, Vec::new())
    };
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    for p in &problems {
        errors
            .entry(p.input.clone())
            .or_insert_with(|| p.message.clone());
        if let Some(k) = p
            .input
            .strip_prefix('s')
            .and_then(|r| r.split('_').next())
            .and_then(|k| k.parse::<usize>().ok())
            && let Some(stay) = form.stays.get_mut(k)
        {
            stay.open = true;
        }
    }
    // Every input name the template may ask for, so a missing one is never undefined.
    let mut names = vec!["group", "graduated_on", "as_of", "extension_months"]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    for k in 0..STAYS {
        for f in [
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
        ] {
            names.push(format!("s{k}_{f}"));
        }
    }
    let errors: BTreeMap<String, Option<String>> = names
        .into_iter()
        .map(|n| (n.clone(), errors.get(&n).cloned()))
        .collect();

    let t = state.templates().catalogue(lang);
    let mut levels = vec![Option_ {
        code: "",
        label: match lang {
            Lang::Zh => "未认定",
            Lang::En => "Not accredited",
        },
    }];
    levels.extend(options(Level::ALL, Level::as_str, Level::label, lang));
    let yes_no = vec![
        Option_ {
            code: "yes",
            label: lang.pick("是", "Yes"),
        },
        Option_ {
            code: "no",
            label: lang.pick("否", "No"),
        },
    ];
    let lang_param = query
        .iter()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.clone())
        .filter(|v| Lang::from_code(v).is_some());
    let share_url = format!(
        "/?{}",
        serde_urlencoded::to_string(
            query
                .iter()
                .filter(|(k, _)| k != "lang")
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    );
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let ctx = context! {
        lang => lang.tag(),
        other_lang => match lang { Lang::Zh => "en", Lang::En => "zh-CN" },
        switch_url => switch_url("/", &query, lang),
        lang_param => lang_param,
        t => Serde(t),
        form => Serde(form),
        errors => Serde(errors),
        problems => Serde(problems),
        result => Serde(result),
        share_url => share_url,
        options => context! {
            groups => Serde(options(FounderGroup::ALL, FounderGroup::as_str, FounderGroup::label, lang)),
            kinds => Serde(options(CarrierKind::ALL, CarrierKind::as_str, CarrierKind::label, lang)),
            foundings => Serde(options(Founding::ALL, Founding::as_str, Founding::label, lang)),
            levels => Serde(levels),
            statuses => Serde(options(AccreditationStatus::ALL, AccreditationStatus::as_str, AccreditationStatus::label, lang)),
            yes_no => Serde(yes_no),
        },
    };
    html_page(&state, "pages/calculator.html", lang, remember, status, ctx)
}
