//! SPEC §4 state machines of accreditation applications and records.

use fuhua_core::vocabulary;
use fuhua_core::workflow::Workflow;

vocabulary! {
    /// An application for district or street/town accreditation.
    ApplicationState {
        Draft = "draft", "草稿", "draft";
        Submitted = "submitted", "已提交", "submitted";
        UnderReview = "under_review", "审核中", "under review";
        Approved = "approved", "已认定", "approved";
        Rejected = "rejected", "未通过", "rejected";
        Returned = "returned", "退回修改", "returned";
        Withdrawn = "withdrawn", "已撤回", "withdrawn";
    }
}

impl Workflow for ApplicationState {
    /// draft → submitted → under_review → approved | rejected | returned;
    /// returned → draft; draft/submitted → withdrawn.
    fn next(self) -> &'static [ApplicationState] {
        use ApplicationState::*;
        match self {
            Draft => &[Submitted, Withdrawn],
            Submitted => &[UnderReview, Withdrawn],
            UnderReview => &[Approved, Rejected, Returned],
            Returned => &[Draft],
            Approved | Rejected | Withdrawn => &[],
        }
    }
}

vocabulary! {
    /// An accreditation record (the status of SPEC §2).
    RecordState {
        Active = "active", "有效", "active";
        Suspended = "suspended", "暂停", "suspended";
        Revoked = "revoked", "撤销", "revoked";
        Expired = "expired", "到期", "expired";
    }
}

impl Workflow for RecordState {
    /// active → suspended → active; active/suspended → revoked (valid_until set);
    /// active → expired (after valid_until).
    fn next(self) -> &'static [RecordState] {
        use RecordState::*;
        match self {
            Active => &[Suspended, Revoked, Expired],
            Suspended => &[Active, Revoked],
            Revoked | Expired => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuhua_core::workflow::transition;

    #[test]
    fn applications_move_only_as_spec_allows() {
        use ApplicationState::*;
        assert_eq!(transition(Draft, Submitted), Ok(Submitted));
        assert_eq!(transition(Returned, Draft), Ok(Draft));
        assert!(transition(Draft, Approved).is_err());
        assert!(transition(UnderReview, Withdrawn).is_err());
        assert!(Approved.is_final() && Rejected.is_final() && Withdrawn.is_final());
        let err = transition(Approved, Draft).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a case in state approved cannot move to draft"
        );
    }

    #[test]
    fn records_can_be_reinstated_after_suspension_but_not_after_revocation() {
        use RecordState::*;
        assert!(transition(Suspended, Active).is_ok());
        assert!(transition(Revoked, Active).is_err());
        assert!(transition(Suspended, Expired).is_err());
    }
}
