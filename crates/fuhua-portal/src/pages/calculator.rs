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
use warp::http::StatusCode;
use warp::reply::Response;

use crate::AppState;
use crate::api::waiver;
use crate::pages::{html_page, switch_url};

mod form;

pub use form::{CalcForm, StayForm};
use form::{input_names, label_key};

/// How many stays the page offers.
pub const STAYS: usize = 3;

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

/// A problem the form itself found, at its input, with the input's label.
fn refused_view(input: &str, problem: &Problem, state: &AppState, lang: Lang) -> PageProblem {
    let key = label_key(input);
    let label = state.templates().text(lang, &key);
    let separator = lang.pick("：", ": ");
    PageProblem {
        input: input.to_owned(),
        message: format!("{label}{separator}{}", problem.message(lang)),
    }
}

/// Runs the calculation for a submitted form.
fn compute(form: &CalcForm, state: &AppState, lang: Lang) -> Result<ResultView, Vec<PageProblem>> {
    let used = form.used_stays();
    let (request, mut problems) = form.to_request(&used);
    let params = state.params();
    let parsed = waiver::parse(&request, state.today(), params);
    if parsed.is_err() || !problems.is_empty() || !form.refused.is_empty() {
        if let Err(found) = parsed {
            problems.extend(found);
        }
        // The form's own refusals first: they say why a value was not taken.
        let mut shown: Vec<PageProblem> = form
            .refused
            .iter()
            .map(|(input, p)| refused_view(input, p, state, lang))
            .collect();
        shown.extend(problems.iter().map(|p| place(p, &used, state, lang)));
        return Err(shown);
    }
    let Ok(input) = parsed else {
        return Err(Vec::new());
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
    let names = input_names();
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
