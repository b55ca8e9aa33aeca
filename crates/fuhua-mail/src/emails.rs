//! The emails Fuhua sends, one typed context per email. A use case builds one of
//! these and enqueues it with [`outbox_mail`] in the transaction of the change it
//! reports (SPEC §6), so a field name can never drift from its template.
//!
//! `url` fields are site paths such as `/relief/12`; the renderer prefixes them with
//! the public base URL (`FUHUA_PUBLIC_URL`). Dates are passed already formatted
//! (`2026-03-01`), empty when not known.

use fuhua_core::lang::Lang;
use fuhua_store::outbox::Mail;
use serde::Serialize;

use crate::error::MailError;

/// One email: its template folder under `web/templates/email/` and a sample
/// context for previews and tests.
pub trait Email: Serialize {
    /// The template folder, e.g. `relief_submitted`.
    const TEMPLATE: &'static str;
    /// A plausible context (demo names), used to check that the templates render.
    fn sample() -> Self;
}

/// The outbox row for `email` to `to_address` in `lang`, ready for
/// `fuhua_store::outbox::enqueue`. The address is checked when the mail is sent: an
/// unusable one marks the row `failed` instead of blocking the change it reports.
pub fn outbox_mail<E: Email>(to_address: &str, lang: Lang, email: &E) -> Result<Mail, MailError> {
    let context = serde_json::to_value(email).map_err(|e| MailError::Render {
        template: E::TEMPLATE.to_owned(),
        lang: lang.tag(),
        reason: e.to_string(),
    })?;
    Ok(Mail {
        to_address: to_address.trim().to_owned(),
        template: E::TEMPLATE.to_owned(),
        lang: lang.tag().to_owned(),
        context,
    })
}

/// To the carrier's operator: an entrepreneur submitted a rent-relief application
/// on one of its carriers; the stay facts wait for confirmation (SPEC §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReliefSubmitted {
    pub recipient_name: String,
    pub entity_name: String,
    pub carrier_name: String,
    /// Who submitted, as shown to the operator.
    pub applicant_name: String,
    pub application_id: i64,
    pub url: String,
}

impl Email for ReliefSubmitted {
    const TEMPLATE: &'static str = "relief_submitted";
    fn sample() -> Self {
        ReliefSubmitted {
            recipient_name: "王静".into(),
            entity_name: "青岛蓝海智能科技有限公司".into(),
            carrier_name: "西海岸新区创新创业孵化基地".into(),
            applicant_name: "李明".into(),
            application_id: 12,
            url: "/relief/12".into(),
        }
    }
}

/// To the entrepreneur: the operator confirmed the stay; the application goes to
/// the official.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReliefConfirmed {
    pub recipient_name: String,
    pub entity_name: String,
    pub carrier_name: String,
    pub application_id: i64,
    pub url: String,
}

impl Email for ReliefConfirmed {
    const TEMPLATE: &'static str = "relief_confirmed";
    fn sample() -> Self {
        ReliefConfirmed {
            recipient_name: "李明".into(),
            entity_name: "青岛蓝海智能科技有限公司".into(),
            carrier_name: "西海岸新区创新创业孵化基地".into(),
            application_id: 12,
            url: "/relief/12".into(),
        }
    }
}

/// To the entrepreneur: the operator disputed the stay facts; the application is
/// back in draft with the operator's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReliefDisputed {
    pub recipient_name: String,
    pub entity_name: String,
    pub carrier_name: String,
    pub application_id: i64,
    pub reason: String,
    pub url: String,
}

impl Email for ReliefDisputed {
    const TEMPLATE: &'static str = "relief_disputed";
    fn sample() -> Self {
        ReliefDisputed {
            recipient_name: "李明".into(),
            entity_name: "青岛蓝海智能科技有限公司".into(),
            carrier_name: "西海岸新区创新创业孵化基地".into(),
            application_id: 12,
            reason: "入驻面积应为 120 平方米，与租赁合同不一致。".into(),
            url: "/relief/12".into(),
        }
    }
}

/// To the entrepreneur and the operator: an official approved or rejected the
/// application. `regime_label`, `window_start`, `window_end` and
/// `months_remaining` describe the relief when approved; `reason_label` (the reason
/// code's label) and `reason_text` may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReliefDecided {
    pub recipient_name: String,
    pub entity_name: String,
    pub carrier_name: String,
    pub application_id: i64,
    pub approved: bool,
    pub reason_label: String,
    pub reason_text: String,
    pub regime_label: String,
    pub window_start: String,
    pub window_end: String,
    pub months_remaining: String,
    pub url: String,
}

impl Email for ReliefDecided {
    const TEMPLATE: &'static str = "relief_decided";
    fn sample() -> Self {
        ReliefDecided {
            recipient_name: "李明".into(),
            entity_name: "青岛蓝海智能科技有限公司".into(),
            carrier_name: "西海岸新区创新创业孵化基地".into(),
            application_id: 12,
            approved: true,
            reason_label: String::new(),
            reason_text: "材料齐全，符合减免条件。".into(),
            regime_label: "三年全额免租".into(),
            window_start: "2026-03-01".into(),
            window_end: "2029-02-28".into(),
            months_remaining: "33".into(),
            url: "/relief/12".into(),
        }
    }
}

/// To the operator: an extension of the relief window was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionRequested {
    pub recipient_name: String,
    pub entity_name: String,
    pub months: i64,
    pub reason: String,
    pub url: String,
}

impl Email for ExtensionRequested {
    const TEMPLATE: &'static str = "extension_requested";
    fn sample() -> Self {
        ExtensionRequested {
            recipient_name: "王静".into(),
            entity_name: "青岛蓝海智能科技有限公司".into(),
            months: 6,
            reason: "研发周期延长，产品尚未量产。".into(),
            url: "/extensions/3".into(),
        }
    }
}

/// To the entrepreneur and the operator: an official decided an extension request
/// (R-WAIVER-EXTEND). `window_end` is the new end when approved, else empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionDecided {
    pub recipient_name: String,
    pub entity_name: String,
    pub months: i64,
    pub approved: bool,
    pub reason_text: String,
    pub window_end: String,
    pub url: String,
}

impl Email for ExtensionDecided {
    const TEMPLATE: &'static str = "extension_decided";
    fn sample() -> Self {
        ExtensionDecided {
            recipient_name: "李明".into(),
            entity_name: "青岛蓝海智能科技有限公司".into(),
            months: 6,
            approved: true,
            reason_text: "延期月数在上限之内，予以批准。".into(),
            window_end: "2029-08-31".into(),
            url: "/extensions/3".into(),
        }
    }
}

/// To the email on record of a person: the one-time code that proves a new
/// account belongs to that person (issue 6, signing in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountLinkCode {
    pub recipient_name: String,
    pub code: String,
    /// How long the code is valid, in minutes.
    pub minutes: i64,
}

impl Email for AccountLinkCode {
    const TEMPLATE: &'static str = "account_link_code";
    fn sample() -> Self {
        AccountLinkCode {
            recipient_name: "李明".into(),
            code: "482913".into(),
            minutes: 30,
        }
    }
}

/// To the user: the password of the account was changed (and other sessions
/// ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PasswordChanged {
    pub recipient_name: String,
    pub url: String,
}

impl Email for PasswordChanged {
    const TEMPLATE: &'static str = "password_changed";
    fn sample() -> Self {
        PasswordChanged {
            recipient_name: "李明".into(),
            url: "/login".into(),
        }
    }
}

/// To the carrier's operator: a quarter's settlement claim was generated from the
/// ledgers of approved reliefs (SPEC §4); `rows` and `adjustments` count its ledger
/// rows and its adjustment rows (late changes to claimed quarters). `total` is the
/// amount in yuan as people read it (`12,345.67`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimGenerated {
    pub recipient_name: String,
    pub carrier_name: String,
    pub quarter_label: String,
    pub funding_source_label: String,
    pub total: String,
    pub rows: i64,
    pub adjustments: i64,
    pub claim_id: i64,
    pub url: String,
}

impl Email for ClaimGenerated {
    const TEMPLATE: &'static str = "claim_generated";
    fn sample() -> Self {
        ClaimGenerated {
            recipient_name: "王静".into(),
            carrier_name: "西海岸新区创新创业孵化基地".into(),
            quarter_label: "2025年第4季度".into(),
            funding_source_label: "区财政（就业补助资金）".into(),
            total: "27,000.00".into(),
            rows: 9,
            adjustments: 1,
            claim_id: 7,
            url: "/claims/7".into(),
        }
    }
}

/// To the officials of the carrier's jurisdiction: the operator submitted a
/// settlement claim for decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimSubmitted {
    pub recipient_name: String,
    pub carrier_name: String,
    pub quarter_label: String,
    pub funding_source_label: String,
    pub total: String,
    pub claim_id: i64,
    pub url: String,
}

impl Email for ClaimSubmitted {
    const TEMPLATE: &'static str = "claim_submitted";
    fn sample() -> Self {
        ClaimSubmitted {
            recipient_name: "赵敏".into(),
            carrier_name: "西海岸新区创新创业孵化基地".into(),
            quarter_label: "2025年第4季度".into(),
            funding_source_label: "区财政（就业补助资金）".into(),
            total: "27,000.00".into(),
            claim_id: 7,
            url: "/claims/7".into(),
        }
    }
}

/// To the operator: an official approved or rejected the claim; `note` is the
/// official's note (the reason of a rejection), possibly empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimDecided {
    pub recipient_name: String,
    pub carrier_name: String,
    pub quarter_label: String,
    pub funding_source_label: String,
    pub total: String,
    pub claim_id: i64,
    pub approved: bool,
    pub note: String,
    pub url: String,
}

impl Email for ClaimDecided {
    const TEMPLATE: &'static str = "claim_decided";
    fn sample() -> Self {
        ClaimDecided {
            recipient_name: "王静".into(),
            carrier_name: "西海岸新区创新创业孵化基地".into(),
            quarter_label: "2025年第4季度".into(),
            funding_source_label: "区财政（就业补助资金）".into(),
            total: "27,000.00".into(),
            claim_id: 7,
            approved: false,
            note: "第 11 月台账与入驻合同不一致，请核对。".into(),
            url: "/claims/7".into(),
        }
    }
}

/// To the operator: finance paid the claim; `paid_on` is `2026-01-20`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimPaid {
    pub recipient_name: String,
    pub carrier_name: String,
    pub quarter_label: String,
    pub funding_source_label: String,
    pub total: String,
    pub claim_id: i64,
    pub voucher_no: String,
    pub paid_on: String,
    pub url: String,
}

impl Email for ClaimPaid {
    const TEMPLATE: &'static str = "claim_paid";
    fn sample() -> Self {
        ClaimPaid {
            recipient_name: "王静".into(),
            carrier_name: "西海岸新区创新创业孵化基地".into(),
            quarter_label: "2025年第4季度".into(),
            funding_source_label: "区财政（就业补助资金）".into(),
            total: "27,000.00".into(),
            claim_id: 7,
            voucher_no: "记-2026-0120-003".into(),
            paid_on: "2026-01-20".into(),
            url: "/claims/7".into(),
        }
    }
}

/// To the carrier's operator: an official returned a monthly report with a reason;
/// it waits to be corrected and filed again (SPEC §4 "monthly report").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportReturned {
    pub recipient_name: String,
    pub carrier_name: String,
    /// "YYYY-MM".
    pub period: String,
    pub report_id: i64,
    pub reason: String,
    pub url: String,
}

impl Email for ReportReturned {
    const TEMPLATE: &'static str = "report_returned";
    fn sample() -> Self {
        ReportReturned {
            recipient_name: "王静".into(),
            carrier_name: "西海岸新区大学生创业孵化基地".into(),
            period: "2026-10".into(),
            report_id: 31,
            reason: "带动就业人数与社保缴纳记录不一致，请核实后重新报送".into(),
            url: "/reports/31".into(),
        }
    }
}

/// To the carrier's operator: an official accepted a monthly report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportAccepted {
    pub recipient_name: String,
    pub carrier_name: String,
    /// "YYYY-MM".
    pub period: String,
    pub report_id: i64,
    pub url: String,
}

impl Email for ReportAccepted {
    const TEMPLATE: &'static str = "report_accepted";
    fn sample() -> Self {
        ReportAccepted {
            recipient_name: "王静".into(),
            carrier_name: "西海岸新区大学生创业孵化基地".into(),
            period: "2026-10".into(),
            report_id: 31,
            url: "/reports/31".into(),
        }
    }
}

/// Reminder to the entrepreneur and the operator: a rent-waiver window ends in 90
/// or 30 days (`days_left`; dates formatted `2027-03-14`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderWindowEnding {
    pub recipient_name: String,
    pub entity_name: String,
    pub carrier_name: String,
    pub window_end: String,
    pub days_left: i64,
    pub url: String,
}

impl Email for ReminderWindowEnding {
    const TEMPLATE: &'static str = "reminder_window_ending";
    fn sample() -> Self {
        ReminderWindowEnding {
            recipient_name: "李明".into(),
            entity_name: "青岛蓝海智能科技有限公司".into(),
            carrier_name: "西海岸新区创新创业孵化基地".into(),
            window_end: "2027-03-14".into(),
            days_left: 30,
            url: "/relief/12".into(),
        }
    }
}

/// Reminder to the operator: a monthly report is due in `working_days` working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderReportDue {
    pub recipient_name: String,
    pub carrier_name: String,
    pub period: String,
    pub due_on: String,
    pub working_days: u32,
    pub url: String,
}

impl Email for ReminderReportDue {
    const TEMPLATE: &'static str = "reminder_report_due";
    fn sample() -> Self {
        ReminderReportDue {
            recipient_name: "王静".into(),
            carrier_name: "西海岸新区大学生创业孵化基地".into(),
            period: "2026-10".into(),
            due_on: "2026-11-10".into(),
            working_days: 3,
            url: "/reports/file?carrier=3&month=2026-10".into(),
        }
    }
}

/// Reminder to the operator: a monthly report is past its deadline, not filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderReportOverdue {
    pub recipient_name: String,
    pub carrier_name: String,
    pub period: String,
    pub due_on: String,
    pub url: String,
}

impl Email for ReminderReportOverdue {
    const TEMPLATE: &'static str = "reminder_report_overdue";
    fn sample() -> Self {
        ReminderReportOverdue {
            recipient_name: "王静".into(),
            carrier_name: "西海岸新区大学生创业孵化基地".into(),
            period: "2026-10".into(),
            due_on: "2026-11-10".into(),
            url: "/reports/file?carrier=3&month=2026-10".into(),
        }
    }
}

/// Reminder to the operator: a generated settlement claim waits for submission
/// (`amount` in yuan, formatted "12345.67").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderClaimWaiting {
    pub recipient_name: String,
    pub carrier_name: String,
    /// "2025Q4".
    pub quarter: String,
    pub amount: String,
    pub url: String,
}

impl Email for ReminderClaimWaiting {
    const TEMPLATE: &'static str = "reminder_claim_waiting";
    fn sample() -> Self {
        ReminderClaimWaiting {
            recipient_name: "王静".into(),
            carrier_name: "西海岸新区大学生创业孵化基地".into(),
            quarter: "2025Q4".into(),
            amount: "18250.00".into(),
            url: "/dashboard".into(),
        }
    }
}
