//! Tests of the dated parameters.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn defaults_are_specs_numbers() {
    let p = ParameterSet::defaults().at(d(2025, 1, 1));
    assert_eq!(p.waiver_window_months, 36);
    assert_eq!(p.graduate_years, 5);
    assert_eq!(
        (p.extension_max_months, p.extension_total_max_months),
        (12, 24)
    );
    assert_eq!(p.keygroup_reduction_rate.to_string(), "1.00");
    assert_eq!(p.ladder_municipal_cap.to_string(), "5000000.00");
    assert_eq!(p.ladder_provincial_step.to_string(), "1000000.00");
    assert_eq!(p.ladder_national_step.to_string(), "2000000.00");
    assert_eq!(p.area_cap_district.to_string(), "1000000.00");
    assert_eq!(p.area_cap_street_town.to_string(), "500000.00");
    assert_eq!(p.evaluation_scheme, "qx-default");
    assert_eq!(p.ladder_mode, LadderMode::Steps);
    assert_eq!(
        p.grade_coefficients.of(Grade::Excellent).to_string(),
        "1.20"
    );
    assert_eq!(p.grade_coefficients.of(Grade::Pass).to_string(), "0.80");
    assert_eq!(p.key_groups.len(), 3);
    assert!(p.extension_extends_waiver && !p.window_per_founder);
    assert_eq!(p.base_operating_subsidy, Money::ZERO);
}

#[test]
fn a_later_version_applies_from_its_date_and_never_before() {
    let mut set = ParameterSet::defaults();
    set.add(ParamVersion {
        key: ParamKey::WaiverWindowMonths,
        effective_from: d(2026, 1, 1),
        value: ParamValue::Count(48),
    })
    .unwrap();
    assert_eq!(set.at(d(2025, 12, 31)).waiver_window_months, 36);
    assert_eq!(set.at(d(2026, 1, 1)).waiver_window_months, 48);
    assert_eq!(set.at(d(2030, 1, 1)).waiver_window_months, 48);
    // Before the policy existed the first values apply.
    assert_eq!(set.at(d(2010, 1, 1)).waiver_window_months, 36);
    assert_eq!(set.at(d(2026, 1, 1)).reference_date, d(2026, 1, 1));
}

#[test]
fn versions_are_checked() {
    let mut set = ParameterSet::defaults();
    let bad_kind = ParamVersion {
        key: ParamKey::WaiverWindowMonths,
        effective_from: d(2026, 1, 1),
        value: ParamValue::Flag(true),
    };
    assert!(matches!(
        set.add(bad_kind),
        Err(ParamError::WrongKind { .. })
    ));
    let bad_rate = ParamVersion {
        key: ParamKey::KeygroupReductionRate,
        effective_from: d(2026, 1, 1),
        value: ParamValue::Rate(Decimal::new(15, 1)),
    };
    assert!(matches!(
        set.add(bad_rate),
        Err(ParamError::OutOfRange { .. })
    ));
    let no_groups = ParamVersion {
        key: ParamKey::KeyGroups,
        effective_from: d(2026, 1, 1),
        value: ParamValue::Groups(vec![]),
    };
    assert!(matches!(
        set.add(no_groups),
        Err(ParamError::NoGroups { .. })
    ));
    assert_eq!(set, ParameterSet::defaults());
}

#[test]
fn every_parameter_says_where_its_number_comes_from() {
    let policy: Vec<_> = ParamKey::ALL
        .iter()
        .filter(|k| k.info().origin == Origin::Policy)
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        policy,
        [
            "waiver_window_months",
            "graduate_years",
            "ladder_municipal_cap",
            "ladder_provincial_step",
            "ladder_national_step",
            "area_cap_district",
            "area_cap_street_town"
        ]
    );
    for key in ParamKey::ALL {
        assert!(!key.info().reason.zh.is_empty());
        assert_eq!(ParamKey::parse(key.as_str()), Some(*key));
        assert!(key.check(&key.default_value()).is_ok(), "{key:?}");
    }
}

#[test]
fn versions_round_trip_through_json() {
    let version = ParamVersion {
        key: ParamKey::KeyGroups,
        effective_from: d(2026, 1, 1),
        value: ParamValue::Groups(vec![FounderGroup::Graduate]),
    };
    let json = serde_json::to_string(&version).unwrap();
    assert!(json.contains("\"key_groups\""));
    let back: ParamVersion = serde_json::from_str(&json).unwrap();
    assert_eq!(back, version);
}

#[test]
fn the_state_councils_calendars_apply_from_2024() {
    let set = ParameterSet::defaults();
    let before = set.at(d(2023, 12, 31));
    assert!(before.holidays.is_empty() && before.workdays.is_empty());
    let p = set.at(d(2024, 10, 1));
    assert!(p.holidays.contains(&d(2024, 10, 1)));
    assert!(p.workdays.contains(&d(2024, 10, 12)));
    assert!(
        p.calendar().is_working_day(d(2026, 10, 10)),
        "a make-up Saturday"
    );
    assert!(
        !p.calendar().is_working_day(d(2026, 2, 16)),
        "the Spring Festival"
    );
}
