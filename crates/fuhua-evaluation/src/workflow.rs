//! SPEC §4 evaluation round: open → self_reporting → verifying → scored → published.
//! An official opens it (period, scheme) and publishes it; operators self-report;
//! evaluators verify (clause 二十六: third-party 实地核实).

use fuhua_core::vocabulary;
use fuhua_core::workflow::Workflow;

vocabulary! {
    /// The state of an evaluation round.
    RoundState {
        Open = "open", "已开启", "open";
        SelfReporting = "self_reporting", "自评填报中", "self-reporting";
        Verifying = "verifying", "第三方核实中", "verifying";
        Scored = "scored", "已评分", "scored";
        Published = "published", "已公布", "published";
    }
}

impl Workflow for RoundState {
    /// open → self_reporting → verifying → scored → published.
    fn next(self) -> &'static [RoundState] {
        use RoundState::*;
        match self {
            Open => &[SelfReporting],
            SelfReporting => &[Verifying],
            Verifying => &[Scored],
            Scored => &[Published],
            Published => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuhua_core::workflow::transition;

    #[test]
    fn a_round_moves_forward_one_stage_at_a_time() {
        use RoundState::*;
        assert_eq!(transition(Open, SelfReporting), Ok(SelfReporting));
        assert_eq!(transition(SelfReporting, Verifying), Ok(Verifying));
        assert_eq!(transition(Verifying, Scored), Ok(Scored));
        assert_eq!(transition(Scored, Published), Ok(Published));
        assert!(Published.is_final());
    }

    #[test]
    fn a_round_cannot_skip_verification_or_go_back() {
        use RoundState::*;
        assert!(transition(SelfReporting, Scored).is_err());
        assert!(transition(Open, Published).is_err());
        assert!(transition(Scored, Verifying).is_err());
        assert!(transition(Published, Open).is_err());
    }
}
