//! The docs officials read stay true to the code.

use fuhua_core::params::{Origin, ParamKey};

#[test]
fn policy_md_lists_every_parameter_with_its_origin() {
    let policy =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/POLICY.md")).unwrap();
    for key in ParamKey::ALL {
        let row = policy
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", key.as_str())))
            .unwrap_or_else(|| panic!("docs/POLICY.md has no row for {}", key.as_str()));
        let origin = match key.info().origin {
            Origin::Policy => "| policy |",
            Origin::District => "| district |",
        };
        assert!(
            row.contains(origin),
            "{} should be marked {origin}: {row}",
            key.as_str()
        );
    }
}

#[test]
fn policy_md_names_every_rule() {
    let policy =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/POLICY.md")).unwrap();
    for rule in [
        "R-WAIVER-FULL",
        "R-WAIVER-KEYGROUP",
        "R-WAIVER-EXTEND",
        "R-AWARD-LADDER",
        "R-AWARD-AREA",
        "R-AWARD-OPERATING",
        "R-AWARD-KEYGROUP",
        "R-EVAL",
    ] {
        assert!(policy.contains(&format!("| {rule} |")), "{rule}");
    }
}
