//! SPEC §4 state machines of the rent-waiver cases.

use fuhua_core::vocabulary;
use fuhua_core::workflow::Workflow;

vocabulary! {
    /// A rent-relief application by an entrepreneur.
    ReliefState {
        Draft = "draft", "草稿", "draft";
        Submitted = "submitted", "已提交", "submitted";
        Confirmed = "confirmed", "运营机构已确认", "confirmed by the operator";
        Disputed = "disputed", "运营机构有异议", "disputed by the operator";
        Approved = "approved", "已批准", "approved";
        Rejected = "rejected", "未批准", "rejected";
        Withdrawn = "withdrawn", "已撤回", "withdrawn";
    }
}

impl Workflow for ReliefState {
    /// draft → submitted → confirmed | disputed; disputed → draft;
    /// confirmed → approved | rejected; draft/submitted → withdrawn.
    fn next(self) -> &'static [ReliefState] {
        use ReliefState::*;
        match self {
            Draft => &[Submitted, Withdrawn],
            Submitted => &[Confirmed, Disputed, Withdrawn],
            Disputed => &[Draft],
            Confirmed => &[Approved, Rejected],
            Approved | Rejected | Withdrawn => &[],
        }
    }
}

vocabulary! {
    /// A request to extend the incubation period (R-WAIVER-EXTEND).
    ExtensionState {
        Submitted = "submitted", "已提交", "submitted";
        Approved = "approved", "已批准", "approved";
        Rejected = "rejected", "未批准", "rejected";
    }
}

impl Workflow for ExtensionState {
    /// submitted → approved (months within the caps) | rejected.
    fn next(self) -> &'static [ExtensionState] {
        use ExtensionState::*;
        match self {
            Submitted => &[Approved, Rejected],
            Approved | Rejected => &[],
        }
    }
}

vocabulary! {
    /// An operator's monthly report.
    MonthlyReportState {
        Due = "due", "待填报", "due";
        Submitted = "submitted", "已提交", "submitted";
        Accepted = "accepted", "已接收", "accepted";
        Returned = "returned", "退回", "returned";
    }
}

impl Workflow for MonthlyReportState {
    /// due → submitted (on time or late) → accepted | returned; returned → submitted.
    fn next(self) -> &'static [MonthlyReportState] {
        use MonthlyReportState::*;
        match self {
            Due => &[Submitted],
            Submitted => &[Accepted, Returned],
            Returned => &[Submitted],
            Accepted => &[],
        }
    }
}

vocabulary! {
    /// A settlement claim of one carrier for one quarter and fund source.
    ClaimState {
        Generated = "generated", "已生成", "generated";
        Submitted = "submitted", "已提交", "submitted";
        Approved = "approved", "已批准", "approved";
        Rejected = "rejected", "未批准", "rejected";
        Paid = "paid", "已拨付", "paid";
    }
}

impl Workflow for ClaimState {
    /// generated → submitted → approved | rejected; approved → paid; rejected → generated.
    fn next(self) -> &'static [ClaimState] {
        use ClaimState::*;
        match self {
            Generated => &[Submitted],
            Submitted => &[Approved, Rejected],
            Approved => &[Paid],
            Rejected => &[Generated],
            Paid => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuhua_core::workflow::transition;

    #[test]
    fn relief_applications_follow_spec() {
        use ReliefState::*;
        assert!(transition(Submitted, Disputed).is_ok());
        assert!(transition(Disputed, Draft).is_ok());
        assert!(
            transition(Submitted, Approved).is_err(),
            "the operator must confirm first"
        );
        assert!(transition(Confirmed, Withdrawn).is_err());
    }

    #[test]
    fn claims_are_paid_only_after_approval() {
        use ClaimState::*;
        assert!(transition(Approved, Paid).is_ok());
        assert!(transition(Submitted, Paid).is_err());
        assert!(transition(Rejected, Generated).is_ok());
        assert!(Paid.is_final());
    }

    #[test]
    fn reports_and_extensions_follow_spec() {
        assert!(transition(MonthlyReportState::Returned, MonthlyReportState::Submitted).is_ok());
        assert!(transition(MonthlyReportState::Due, MonthlyReportState::Accepted).is_err());
        assert!(transition(ExtensionState::Approved, ExtensionState::Rejected).is_err());
    }
}
