//! `POST /api/v1/calc/rent-waiver` — request and answer exactly as SPEC §5.

use chrono::NaiveDate;
use fuhua_accreditation::{Accreditation, Carrier};
use fuhua_core::vocab::{AccreditationStatus, FounderGroup, FundingSource, Regime};
use fuhua_core::{Lang, Money, ParameterSet, Problem, round2};
use fuhua_waiver::{Founder, Stay, WaiverInput, WaiverResult};
use serde::Serialize;
use serde_json::Value;

use super::reader::{Reader, join};
use super::{StepOut, trace_out};

/// The most stays one request may carry.
pub const MAX_STAYS: usize = 20;
const MAX_ACCREDITATIONS: usize = 20;

/// Reads a request into the rule crate's input, naming every bad field.
pub fn parse(
    body: &Value,
    today: NaiveDate,
    params: &ParameterSet,
) -> Result<WaiverInput, Vec<Problem>> {
    let mut r = Reader::new();
    let Some(root) = r.object(body, "", &["as_of", "founder", "stays", "extension_months"]) else {
        return Err(r.into_problems());
    };
    let as_of = Reader::optional(root, "as_of").and_then(|v| r.date(v, "as_of"));
    let founder = r
        .required(root, "", "founder")
        .and_then(|v| founder(&mut r, v));
    // Any whole number is read; the rules refuse one over the cap in force, naming it.
    let extension_months = Reader::optional(root, "extension_months")
        .and_then(|v| r.whole(v, "extension_months"))
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    let mut stays: Vec<(usize, Stay)> = Vec::new();
    if let Some(items) = r
        .required(root, "", "stays")
        .and_then(|v| r.array(v, "stays", MAX_STAYS))
    {
        for (i, item) in items.iter().enumerate() {
            if let Some(stay) = stay(&mut r, item, &format!("stays[{i}]")) {
                stays.push((i, stay));
            }
        }
    }
    let clean_extension = extension_months.unwrap_or(0);
    let input = WaiverInput {
        founder: founder.clone().unwrap_or(Founder {
            group: FounderGroup::Other,
            graduated_on: None,
        }),
        stays: stays.iter().map(|(_, s)| s.clone()).collect(),
        extension_months: clean_extension,
        as_of: as_of.unwrap_or(today),
        founder_prior_window: None,
    };
    // The rule crate's own checks (overlaps, order of dates, graduates, caps) on
    // the stays that read cleanly, with their indices mapped back to the request.
    let positions: Vec<usize> = stays.iter().map(|(i, _)| *i).collect();
    let read_all_stays = r.is_ok();
    for mut problem in fuhua_waiver::validate(&input, params) {
        if problem.field == "stays" && !read_all_stays {
            continue;
        }
        if problem.field == "founder.graduated_on" && founder.is_none() {
            continue;
        }
        problem.field = renumber(&problem.field, &positions);
        problem.message.zh = renumber(&problem.message.zh, &positions);
        problem.message.en = renumber(&problem.message.en, &positions);
        r.push(problem);
    }
    if r.is_ok() {
        Ok(input)
    } else {
        Err(r.into_problems())
    }
}

/// Rewrites `stays[k]` to `stays[positions[k]]` in a path or message.
fn renumber(text: &str, positions: &[usize]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("stays[") {
        let (before, after) = rest.split_at(at + "stays[".len());
        out.push_str(before);
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        let mapped = digits
            .parse::<usize>()
            .ok()
            .and_then(|k| positions.get(k))
            .map_or(digits.clone(), ToString::to_string);
        out.push_str(&mapped);
        rest = &after[digits.len()..];
    }
    out.push_str(rest);
    out
}

fn founder(r: &mut Reader, value: &Value) -> Option<Founder> {
    let map = r.object(value, "founder", &["group", "graduated_on"])?;
    let group = r
        .required(map, "founder", "group")
        .and_then(|v| r.choice::<FounderGroup>(v, "founder.group"));
    let graduated_on = match Reader::optional(map, "graduated_on") {
        Some(v) => Some(r.date(v, "founder.graduated_on")?),
        None => None,
    };
    Some(Founder {
        group: group?,
        graduated_on,
    })
}

fn stay(r: &mut Reader, value: &Value, path: &str) -> Option<Stay> {
    let map = r.object(
        value,
        path,
        &["carrier", "move_in", "move_out", "monthly_rent"],
    )?;
    let carrier = r
        .required(map, path, "carrier")
        .and_then(|v| carrier(r, v, &join(path, "carrier")));
    let move_in = r
        .required(map, path, "move_in")
        .and_then(|v| r.date(v, &join(path, "move_in")));
    let move_out = Reader::optional(map, "move_out").map(|v| r.date(v, &join(path, "move_out")));
    let rent = r
        .required(map, path, "monthly_rent")
        .and_then(|v| r.money(v, &join(path, "monthly_rent")));
    let move_out = match move_out {
        Some(parsed) => Some(parsed?),
        None => None,
    };
    Some(Stay {
        carrier: carrier?,
        move_in: move_in?,
        move_out,
        monthly_rent: rent?,
    })
}

fn carrier(r: &mut Reader, value: &Value, path: &str) -> Option<Carrier> {
    let map = r.object(
        value,
        path,
        &["kind", "founding", "accreditations", "waives_rent"],
    )?;
    let kind = r
        .required(map, path, "kind")
        .and_then(|v| r.choice(v, &join(path, "kind")));
    let founding = r
        .required(map, path, "founding")
        .and_then(|v| r.choice(v, &join(path, "founding")));
    let waives_rent = match Reader::optional(map, "waives_rent") {
        Some(v) => r.boolean(v, &join(path, "waives_rent")),
        None => Some(true),
    };
    let list_path = join(path, "accreditations");
    let mut accreditations = Some(Vec::new());
    if let Some(items) = Reader::optional(map, "accreditations")
        .and_then(|v| r.array(v, &list_path, MAX_ACCREDITATIONS))
    {
        for (i, item) in items.iter().enumerate() {
            let parsed = accreditation(r, item, &format!("{list_path}[{i}]"));
            match (parsed, accreditations.as_mut()) {
                (Some(a), Some(list)) => list.push(a),
                _ => accreditations = None,
            }
        }
    }
    Some(Carrier {
        kind: kind?,
        founding: founding?,
        waives_rent: waives_rent?,
        accreditations: accreditations?,
    })
}

fn accreditation(r: &mut Reader, value: &Value, path: &str) -> Option<Accreditation> {
    let map = r.object(
        value,
        path,
        &["level", "valid_from", "valid_until", "status"],
    )?;
    let level = r
        .required(map, path, "level")
        .and_then(|v| r.choice(v, &join(path, "level")));
    let valid_from = r
        .required(map, path, "valid_from")
        .and_then(|v| r.date(v, &join(path, "valid_from")));
    let valid_until =
        Reader::optional(map, "valid_until").map(|v| r.date(v, &join(path, "valid_until")));
    let status = match Reader::optional(map, "status") {
        Some(v) => r.choice(v, &join(path, "status")),
        None => Some(AccreditationStatus::Active),
    };
    let valid_until = match valid_until {
        Some(parsed) => Some(parsed?),
        None => None,
    };
    if let (Some(from), Some(until)) = (valid_from, valid_until)
        && until < from
    {
        let field = join(path, "valid_until");
        r.push(Problem::new(
            field.clone(),
            "before_valid_from",
            format!("{field} 早于认定生效日期 {from}"),
            format!("{field} is before valid_from {from}"),
        ));
        return None;
    }
    Some(Accreditation {
        level: level?,
        valid_from: valid_from?,
        valid_until,
        status: status?,
    })
}

#[derive(Debug, Serialize)]
pub struct WindowOut {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Serialize)]
pub struct StayOut {
    pub regime: Regime,
    pub rate: String,
    pub funding_source: Option<FundingSource>,
    pub reasons: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct MonthOut {
    pub month: String,
    pub stay: usize,
    pub occupied_days: u32,
    pub days_in_month: u32,
    pub rent_due: Money,
    pub waived: Money,
    pub payable: Money,
}

/// The answer of SPEC §5.
#[derive(Debug, Serialize)]
pub struct Answer {
    pub window: Option<WindowOut>,
    pub stays: Vec<StayOut>,
    pub months: Vec<MonthOut>,
    pub total_waived: Money,
    pub months_remaining: Option<u32>,
    pub trace: Vec<StepOut>,
}

pub fn answer(result: &WaiverResult, trace: &fuhua_core::Trace, lang: Lang) -> Answer {
    Answer {
        window: result.window.map(|w| WindowOut {
            start: w.start,
            end: w.end,
        }),
        stays: result
            .stays
            .iter()
            .map(|s| StayOut {
                regime: s.regime,
                rate: round2(s.rate).to_string(),
                funding_source: s.funding_source,
                reasons: s.reasons.iter().map(|r| r.code()).collect(),
            })
            .collect(),
        months: result
            .months
            .iter()
            .map(|m| MonthOut {
                month: m.month.to_string(),
                stay: m.stay,
                occupied_days: m.occupied_days,
                days_in_month: m.days_in_month,
                rent_due: m.rent_due,
                waived: m.waived,
                payable: m.payable,
            })
            .collect(),
        total_waived: result.total_waived,
        months_remaining: result.months_remaining,
        trace: trace_out(trace, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn fields(body: Value) -> Vec<(String, &'static str)> {
        parse(&body, today(), &ParameterSet::defaults())
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    }

    #[test]
    fn every_bad_field_is_named_including_rule_checks_on_the_good_stays() {
        let got = fields(json!({
            "founder": {"group": "graduate"},
            "stays": [
                {"carrier": {"kind": "castle", "founding": "social"}, "move_in": "2025-02-30", "monthly_rent": "1.234"},
                {"carrier": {"kind": "incubation_base", "founding": "gov_invested"}, "move_in": "2024-05-01", "move_out": "2024-04-01", "monthly_rent": 100},
            ],
            "extension_months": 30,
            "colour": "red"
        }));
        assert_eq!(
            got,
            vec![
                ("colour".to_owned(), "unknown_field"),
                ("stays[0].carrier.kind".to_owned(), "unknown_value"),
                ("stays[0].move_in".to_owned(), "invalid_date"),
                ("stays[0].monthly_rent".to_owned(), "too_many_decimals"),
                ("founder.graduated_on".to_owned(), "required"),
                ("stays[1].move_out".to_owned(), "before_move_in"),
                ("extension_months".to_owned(), "over_cap"),
            ]
        );
    }

    #[test]
    fn overlaps_are_reported_with_request_indices() {
        let stay = |move_in: &str, move_out: Option<&str>| json!({"carrier": {"kind": "incubation_base", "founding": "gov_invested"}, "move_in": move_in, "move_out": move_out, "monthly_rent": "1"});
        let problems = parse(
            &json!({
                "founder": {"group": "other"},
                "stays": [
                    {"carrier": {"kind": "incubation_base"}, "move_in": "2024-01-01", "monthly_rent": "1"},
                    stay("2024-01-01", Some("2024-06-30")),
                    stay("2024-06-01", None),
                ]
            }),
            today(),
            &ParameterSet::defaults(),
        )
        .unwrap_err();
        let got: Vec<_> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.code))
            .collect();
        assert_eq!(
            got,
            vec![
                ("stays[0].carrier.founding", "required"),
                ("stays[2].move_in", "overlapping_stay")
            ]
        );
        assert!(
            problems[1]
                .message
                .en
                .contains("stays[2] overlaps stays[1]"),
            "{}",
            problems[1].message.en
        );
    }

    #[test]
    fn renumbering_maps_every_stay_reference() {
        assert_eq!(
            renumber("stays[0] overlaps stays[1]", &[2, 5]),
            "stays[2] overlaps stays[5]"
        );
        assert_eq!(renumber("no stays here", &[2]), "no stays here");
    }
}
