//! The figures of a monthly report and the form they are typed in.

use fuhua_core::{Money, Problem, YearMonth};
use fuhua_import::FileError;
use fuhua_import::monthly::{MonthlySheet, read_monthly};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{ServiceError, ServiceResult};

/// The figures of one carrier's month: entities in the carrier, jobs they provide
/// (带动就业人数), service events held (trainings, mentoring, financing
/// matchmaking), financing raised by tenants (yuan, stored as fen) and exits (出孵).
/// These feed the evaluation's indicators (SPEC §3 R-EVAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Figures {
    pub tenants: u32,
    pub jobs: u32,
    pub service_events: u32,
    pub financing_raised: Money,
    pub exits: u32,
}

/// Counts above this are typing errors, not a month of one carrier.
const MAX_COUNT: u32 = 100_000;

impl Figures {
    /// The stored form: counts and `financing_raised_fen` (integer fen).
    pub fn to_json(&self) -> Value {
        json!({
            "tenants": self.tenants,
            "jobs": self.jobs,
            "service_events": self.service_events,
            "financing_raised_fen": self.financing_raised.to_fen(),
            "exits": self.exits,
        })
    }

    /// Reads stored figures; a missing figure is 0 (reports recorded before a
    /// figure existed; `move_outs` stands for exits there).
    pub fn from_json(data: &Value) -> Figures {
        let count = |key: &str| {
            data.get(key)
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        Figures {
            tenants: count("tenants").unwrap_or(0),
            jobs: count("jobs").unwrap_or(0),
            service_events: count("service_events").unwrap_or(0),
            financing_raised: Money::from_fen(
                data.get("financing_raised_fen")
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
            ),
            exits: count("exits").or_else(|| count("move_outs")).unwrap_or(0),
        }
    }
}

/// The figures as typed in the filing form (kept as typed, so a form with errors
/// comes back with what the user wrote).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiguresForm {
    #[serde(default)]
    pub tenants: String,
    #[serde(default)]
    pub jobs: String,
    #[serde(default)]
    pub service_events: String,
    #[serde(default)]
    pub financing_raised: String,
    #[serde(default)]
    pub exits: String,
}

impl FiguresForm {
    /// The form filled with stored figures (to file a returned report again).
    pub fn of(figures: &Figures) -> FiguresForm {
        FiguresForm {
            tenants: figures.tenants.to_string(),
            jobs: figures.jobs.to_string(),
            service_events: figures.service_events.to_string(),
            financing_raised: figures.financing_raised.to_string(),
            exits: figures.exits.to_string(),
        }
    }

    /// Reads every field, naming each bad one (`Invalid` with all problems).
    pub fn parse(&self) -> ServiceResult<Figures> {
        let mut problems = Vec::new();
        let mut count = |field: &'static str, text: &str| -> u32 {
            match text.trim().parse::<u32>() {
                Ok(n) if n <= MAX_COUNT => n,
                Ok(_) => {
                    problems.push(Problem::new(
                        field,
                        "too_large",
                        format!("不能超过 {MAX_COUNT}。"),
                        format!("At most {MAX_COUNT}."),
                    ));
                    0
                }
                Err(_) if text.trim().is_empty() => {
                    problems.push(Problem::new(
                        field,
                        "required",
                        "请填写此项（没有请填 0）。",
                        "This field is required (write 0 for none).",
                    ));
                    0
                }
                Err(_) => {
                    problems.push(Problem::new(
                        field,
                        "not_a_count",
                        "请填写不小于 0 的整数。",
                        "Write a whole number, 0 or more.",
                    ));
                    0
                }
            }
        };
        let tenants = count("tenants", &self.tenants);
        let jobs = count("jobs", &self.jobs);
        let service_events = count("service_events", &self.service_events);
        let exits = count("exits", &self.exits);
        let financing_raised = match Money::parse(&self.financing_raised) {
            Ok(money) => money,
            Err(_) if self.financing_raised.trim().is_empty() => {
                problems.push(Problem::new(
                    "financing_raised",
                    "required",
                    "请填写此项（没有请填 0）。",
                    "This field is required (write 0 for none).",
                ));
                Money::ZERO
            }
            Err(_) => {
                problems.push(Problem::new(
                    "financing_raised",
                    "not_money",
                    "请填写金额（元），最多两位小数，如 150000 或 150000.50。",
                    "Write an amount in yuan with at most 2 decimals, e.g. 150000 or 150000.50.",
                ));
                Money::ZERO
            }
        };
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
        Ok(Figures {
            tenants,
            jobs,
            service_events,
            financing_raised,
            exits,
        })
    }
}

/// The largest monthly-report file read (a month's figures fit in a few KiB).
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;

fn file_problem(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> ServiceError {
    ServiceError::invalid(Problem::new("file", code, zh, en))
}

impl FiguresForm {
    /// The figures of an uploaded monthly report for `month` (SPEC §4 "by form or
    /// upload"), as typed in the file; the filing then checks them as it checks the
    /// form. Errors (`Invalid`, field `file`): a file over [`MAX_UPLOAD_BYTES`], one
    /// the reader refuses (its message), or a month column naming another month.
    pub fn from_upload(bytes: &[u8], month: YearMonth) -> ServiceResult<FiguresForm> {
        if bytes.len() > MAX_UPLOAD_BYTES {
            let text = FileError::TooBig {
                limit: MAX_UPLOAD_BYTES,
            }
            .text();
            return Err(file_problem("too_big", text.zh, text.en));
        }
        let sheet: MonthlySheet = read_monthly(bytes).map_err(|e| {
            let text = e.text();
            file_problem(e.code(), text.zh, text.en)
        })?;
        if let Some(written) = &sheet.month {
            let same = crate::reports::parse_month(written).is_ok_and(|m| m == month);
            if !same {
                return Err(file_problem(
                    "other_month",
                    format!("表中“报告月份”为 {written}，与所报月份 {month} 不一致。"),
                    format!("The file's month is {written}, not the month filed, {month}."),
                ));
            }
        }
        let value = |field: &str| {
            sheet
                .values
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        Ok(FiguresForm {
            tenants: value("tenants"),
            jobs: value("jobs"),
            service_events: value("service_events"),
            financing_raised: value("financing_raised"),
            exits: value("exits"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(tenants: &str, money: &str) -> FiguresForm {
        FiguresForm {
            tenants: tenants.into(),
            jobs: "12".into(),
            service_events: "3".into(),
            financing_raised: money.into(),
            exits: "0".into(),
        }
    }

    #[test]
    fn yuan_are_stored_as_fen_and_read_back() {
        let figures = form("8", "150000.50").parse().unwrap();
        let json = figures.to_json();
        assert_eq!(json["financing_raised_fen"], 15_000_050);
        assert_eq!(Figures::from_json(&json), figures);
    }

    #[test]
    fn an_upload_gives_the_typed_figures_and_refuses_another_month() {
        let month = YearMonth::new(2026, 10).unwrap();
        let csv = "报告月份,在孵企业数,带动就业人数,服务活动次数,在孵企业融资额（元）,出孵企业数\n2026-10,8,12,3,150000.50,0\n";
        let form = FiguresForm::from_upload(csv.as_bytes(), month).unwrap();
        assert_eq!(form, super::tests::form("8", "150000.50"));
        let Err(ServiceError::Invalid(problems)) =
            FiguresForm::from_upload(csv.replace("2026-10", "2026-09").as_bytes(), month)
        else {
            panic!("accepted another month");
        };
        assert_eq!(
            (problems[0].field.as_str(), problems[0].code),
            ("file", "other_month")
        );
        let Err(ServiceError::Invalid(problems)) = FiguresForm::from_upload(b"%PDF-1.7", month)
        else {
            panic!("accepted a PDF");
        };
        assert_eq!(problems[0].field, "file");
        let big = vec![b'1'; MAX_UPLOAD_BYTES + 1];
        let Err(ServiceError::Invalid(problems)) = FiguresForm::from_upload(&big, month) else {
            panic!("accepted a large file");
        };
        assert_eq!(problems[0].code, "too_big");
    }

    #[test]
    fn every_bad_field_is_named() {
        let Err(ServiceError::Invalid(problems)) = form("-1", "1.234").parse() else {
            panic!("accepted");
        };
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["tenants", "financing_raised"]);
    }
}
