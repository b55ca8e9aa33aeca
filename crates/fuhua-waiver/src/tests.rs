//! The rent-waiver rules against every example and edge SPEC §3 and §5 name.

use chrono::{Datelike, NaiveDate};
use fuhua_accreditation::{Accreditation, Carrier, OfferReason};
use fuhua_core::params::{ParamKey, ParamValue, ParamVersion};
use fuhua_core::vocab::{
    AccreditationStatus, CarrierKind, FounderGroup, Founding, FundingSource, Level, Regime,
};
use fuhua_core::{DateRange, Money, ParameterSet, Problem};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::{Founder, Reason, Stay, WaiverInput, WaiverResult, calculate, months_remaining};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn gov_base() -> Carrier {
    Carrier {
        kind: CarrierKind::IncubationBase,
        founding: Founding::GovInvested,
        waives_rent: true,
        accreditations: vec![],
    }
}

fn social_base(from: NaiveDate, until: Option<NaiveDate>, status: AccreditationStatus) -> Carrier {
    Carrier {
        kind: CarrierKind::IncubationBase,
        founding: Founding::Social,
        waives_rent: true,
        accreditations: vec![Accreditation {
            level: Level::District,
            valid_from: from,
            valid_until: until,
            status,
        }],
    }
}

fn stay(carrier: Carrier, move_in: NaiveDate, move_out: Option<NaiveDate>, rent: &str) -> Stay {
    Stay {
        carrier,
        move_in,
        move_out,
        monthly_rent: money(rent),
    }
}

fn founder(group: FounderGroup) -> Founder {
    Founder {
        group,
        graduated_on: None,
    }
}

fn graduate(on: NaiveDate) -> Founder {
    Founder {
        group: FounderGroup::Graduate,
        graduated_on: Some(on),
    }
}

fn input(founder: Founder, stays: Vec<Stay>, as_of: NaiveDate) -> WaiverInput {
    WaiverInput {
        founder,
        stays,
        extension_months: 0,
        as_of,
        founder_prior_window: None,
    }
}

fn run(input: &WaiverInput) -> WaiverResult {
    calculate(input, &ParameterSet::defaults()).unwrap().value
}

fn problems(input: &WaiverInput) -> Vec<Problem> {
    calculate(input, &ParameterSet::defaults()).unwrap_err()
}

fn row(result: &WaiverResult, stay: usize, month: &str) -> crate::LedgerRow {
    result
        .months
        .iter()
        .find(|r| r.stay == stay && r.month.to_string() == month)
        .cloned()
        .unwrap_or_else(|| panic!("no row for stay {stay} in {month}"))
}

fn window(result: &WaiverResult) -> (NaiveDate, NaiveDate) {
    let w = result.window.unwrap();
    (w.start, w.end)
}

#[test]
fn the_spec_example_waives_march_2024_in_full() {
    let i = input(
        founder(FounderGroup::Other),
        vec![stay(gov_base(), d(2024, 3, 15), None, "3000.00")],
        d(2024, 12, 31),
    );
    let result = run(&i);
    assert_eq!(window(&result), (d(2024, 3, 15), d(2027, 3, 14)));
    let march = row(&result, 0, "2024-03");
    assert_eq!((march.occupied_days, march.days_in_month), (17, 31));
    assert_eq!(march.rent_due.to_string(), "1645.16");
    assert_eq!(march.waived.to_string(), "1645.16");
    assert_eq!(march.payable.to_string(), "0.00");
    assert_eq!(result.stays[0].regime, Regime::FullWaiver);
    assert_eq!(result.stays[0].rate.to_string(), "1.00");
    assert_eq!(
        result.stays[0].funding_source,
        Some(FundingSource::DistrictFinance)
    );
    assert_eq!(result.months.len(), 10);
    assert_eq!(result.total_waived.to_string(), "28645.16");
}

#[test]
fn windows_end_as_spec_counts_them_at_month_ends_and_leap_days() {
    for (start, end) in [
        (d(2024, 3, 15), d(2027, 3, 14)),
        (d(2024, 1, 31), d(2027, 1, 30)),
        (d(2024, 2, 29), d(2027, 2, 28)),
    ] {
        let result = run(&input(
            founder(FounderGroup::Other),
            vec![stay(gov_base(), start, None, "1000")],
            start,
        ));
        assert_eq!(window(&result), (start, end));
    }
    let mut extended = input(
        founder(FounderGroup::Other),
        vec![stay(gov_base(), d(2024, 2, 29), None, "1000")],
        d(2024, 3, 1),
    );
    extended.extension_months = 6;
    let result = calculate(&extended, &ParameterSet::defaults()).unwrap();
    assert_eq!(window(&result.value), (d(2024, 2, 29), d(2027, 8, 28)));
    assert_eq!(result.value.window.unwrap().months, 42);
    assert!(result.trace.mentions("R-WAIVER-EXTEND"));
}

#[test]
fn a_window_ending_mid_month_waives_only_its_days() {
    let result = run(&input(
        founder(FounderGroup::Other),
        vec![stay(gov_base(), d(2024, 3, 15), None, "3000")],
        d(2027, 4, 30),
    ));
    let march = row(&result, 0, "2027-03");
    assert_eq!((march.occupied_days, march.waived_days), (31, 14));
    assert_eq!(march.rent_due.to_string(), "3000.00");
    assert_eq!(march.waived.to_string(), "1354.84");
    assert_eq!(march.payable.to_string(), "1645.16");
    let april = row(&result, 0, "2027-04");
    assert_eq!(april.waived, Money::ZERO);
    assert_eq!(april.payable.to_string(), "3000.00");
    assert_eq!(result.months_remaining, Some(0));
}

#[test]
fn moving_in_and_out_in_one_month_gives_one_row() {
    let result = run(&input(
        founder(FounderGroup::Other),
        vec![stay(
            gov_base(),
            d(2024, 5, 10),
            Some(d(2024, 5, 20)),
            "3000",
        )],
        d(2026, 1, 1),
    ));
    assert_eq!(result.months.len(), 1);
    let may = row(&result, 0, "2024-05");
    assert_eq!(may.occupied_days, 11);
    assert_eq!(may.rent_due.to_string(), "1064.52");
    assert_eq!(may.waived.to_string(), "1064.52");
}

#[test]
fn two_carriers_share_one_window_and_a_gap_does_not_extend_it() {
    let street = Carrier {
        founding: Founding::StreetTown,
        kind: CarrierKind::HouseholdServiceBase,
        ..gov_base()
    };
    let result = run(&input(
        founder(FounderGroup::Other),
        vec![
            stay(gov_base(), d(2024, 1, 1), Some(d(2024, 6, 30)), "2000"),
            stay(street, d(2025, 1, 1), None, "1000"),
        ],
        d(2027, 2, 28),
    ));
    assert_eq!(window(&result), (d(2024, 1, 1), d(2026, 12, 31)));
    assert_eq!(
        result.stays[1].funding_source,
        Some(FundingSource::StreetTownBudget)
    );
    assert_eq!(row(&result, 1, "2026-12").waived.to_string(), "1000.00");
    assert_eq!(row(&result, 1, "2027-01").waived, Money::ZERO);
    // No rows for the gap.
    assert!(
        !result
            .months
            .iter()
            .any(|r| r.month.year() == 2024 && r.month.month() > 6)
    );
}

#[test]
fn a_stay_beginning_after_the_window_ended_keeps_its_regime_but_waives_nothing() {
    let out = calculate(
        &input(
            founder(FounderGroup::Other),
            vec![
                stay(gov_base(), d(2020, 1, 1), Some(d(2020, 12, 31)), "2000"),
                stay(gov_base(), d(2024, 1, 1), Some(d(2024, 3, 31)), "2000"),
            ],
            d(2025, 1, 1),
        ),
        &ParameterSet::defaults(),
    )
    .unwrap();
    assert_eq!(out.value.stays[1].regime, Regime::FullWaiver);
    assert!(
        out.value
            .months
            .iter()
            .filter(|r| r.stay == 1)
            .all(|r| r.waived.is_zero())
    );
    assert!(
        out.trace
            .steps()
            .iter()
            .any(|s| s.detail.en.contains("began after the window ended"))
    );
}

#[test]
fn a_graduate_exactly_five_years_out_qualifies_and_one_day_later_does_not() {
    let base = social_base(d(2018, 1, 1), None, AccreditationStatus::Active);
    let on_time = run(&input(
        graduate(d(2020, 7, 1)),
        vec![stay(base.clone(), d(2025, 7, 1), None, "1500")],
        d(2025, 8, 1),
    ));
    assert_eq!(on_time.stays[0].regime, Regime::KeyGroupReduction);
    assert_eq!(on_time.stays[0].rate.to_string(), "1.00");
    assert_eq!(
        on_time.stays[0].funding_source,
        Some(FundingSource::DistrictFinance)
    );
    let late = run(&input(
        graduate(d(2020, 7, 1)),
        vec![stay(base, d(2025, 7, 2), None, "1500")],
        d(2025, 8, 1),
    ));
    assert_eq!(late.stays[0].regime, Regime::None);
    assert_eq!(late.stays[0].reasons, vec![Reason::GraduateTooLongAgo]);
    assert_eq!(late.stays[0].rate.to_string(), "0.00");
    assert_eq!(late.stays[0].funding_source, None);
    assert!(late.window.is_none() && late.months_remaining.is_none());
    assert_eq!(late.total_waived, Money::ZERO);
    assert_eq!(
        late.months.len(),
        2,
        "rows exist for every occupied month whatever the regime"
    );
}

#[test]
fn a_leap_day_graduate_is_five_years_out_on_feb_28() {
    let base = social_base(d(2018, 1, 1), None, AccreditationStatus::Active);
    let ok = run(&input(
        graduate(d(2020, 2, 29)),
        vec![stay(base.clone(), d(2025, 2, 28), None, "1")],
        d(2025, 3, 1),
    ));
    assert_eq!(ok.stays[0].regime, Regime::KeyGroupReduction);
    let late = run(&input(
        graduate(d(2020, 2, 29)),
        vec![stay(base, d(2025, 3, 1), None, "1")],
        d(2025, 3, 1),
    ));
    assert_eq!(late.stays[0].regime, Regime::None);
}

#[test]
fn key_group_status_is_kept_across_a_move() {
    let a = social_base(d(2018, 1, 1), None, AccreditationStatus::Active);
    let b = social_base(d(2019, 1, 1), None, AccreditationStatus::Active);
    let result = run(&input(
        graduate(d(2019, 1, 1)),
        vec![
            stay(a, d(2023, 6, 1), Some(d(2024, 12, 31)), "1500"),
            // By 2025-01-01 the founder is more than 5 years out: the status holds.
            stay(b, d(2025, 1, 1), None, "1500"),
        ],
        d(2025, 3, 1),
    ));
    assert_eq!(result.stays[1].regime, Regime::KeyGroupReduction);
    assert_eq!(result.key_group.unwrap().tested_on, d(2023, 6, 1));
    assert_eq!(window(&result), (d(2023, 6, 1), d(2026, 5, 31)));
}

#[test]
fn key_groups_are_tested_on_the_first_qualifying_move_in_even_a_full_waiver_one() {
    // The first qualifying stay is in a government base; by then the graduate is
    // more than 5 years out, so a later social base gives nothing.
    let result = run(&input(
        graduate(d(2015, 6, 30)),
        vec![
            stay(gov_base(), d(2021, 1, 1), Some(d(2021, 12, 31)), "1000"),
            stay(
                social_base(d(2018, 1, 1), None, AccreditationStatus::Active),
                d(2022, 1, 1),
                None,
                "1000",
            ),
        ],
        d(2022, 3, 1),
    ));
    assert_eq!(result.stays[0].regime, Regime::FullWaiver);
    assert_eq!(result.stays[1].regime, Regime::None);
    assert_eq!(result.stays[1].reasons, vec![Reason::GraduateTooLongAgo]);
}

#[test]
fn the_unemployed_and_returning_migrant_workers_are_key_groups_and_others_are_not() {
    let base = || social_base(d(2018, 1, 1), None, AccreditationStatus::Active);
    for group in [
        FounderGroup::Unemployed,
        FounderGroup::ReturningMigrantWorker,
    ] {
        let r = run(&input(
            founder(group),
            vec![stay(base(), d(2024, 1, 1), None, "900")],
            d(2024, 2, 1),
        ));
        assert_eq!(r.stays[0].regime, Regime::KeyGroupReduction);
    }
    let other = run(&input(
        founder(FounderGroup::Other),
        vec![stay(base(), d(2024, 1, 1), None, "900")],
        d(2024, 2, 1),
    ));
    assert_eq!(other.stays[0].reasons, vec![Reason::FounderNotKeyGroup]);
}

#[test]
fn an_accreditation_that_starts_after_move_in_does_not_make_the_stay_eligible_later() {
    let result = run(&input(
        founder(FounderGroup::Unemployed),
        vec![stay(
            social_base(d(2024, 2, 1), None, AccreditationStatus::Active),
            d(2024, 1, 15),
            None,
            "900",
        )],
        d(2024, 6, 1),
    ));
    assert_eq!(result.stays[0].regime, Regime::None);
    assert_eq!(
        result.stays[0].reasons,
        vec![Reason::Carrier(OfferReason::AccreditationNotYetValid)]
    );
    assert_eq!(result.total_waived, Money::ZERO);
}

#[test]
fn the_reduction_stops_when_the_accreditation_ends_mid_stay() {
    let base = social_base(
        d(2020, 1, 1),
        Some(d(2024, 8, 15)),
        AccreditationStatus::Active,
    );
    let result = run(&input(
        founder(FounderGroup::Unemployed),
        vec![stay(base, d(2024, 6, 1), None, "3100")],
        d(2024, 9, 30),
    ));
    assert_eq!(result.stays[0].regime, Regime::KeyGroupReduction);
    let august = row(&result, 0, "2024-08");
    assert_eq!((august.occupied_days, august.waived_days), (31, 15));
    assert_eq!(august.waived.to_string(), "1500.00");
    assert_eq!(august.payable.to_string(), "1600.00");
    assert_eq!(row(&result, 0, "2024-09").waived, Money::ZERO);
    // The window itself still runs: it is the entity's, not the accreditation's.
    assert_eq!(window(&result).1, d(2027, 5, 31));
}

#[test]
fn revoked_suspended_and_expired_accreditations_never_count() {
    for (status, reason) in [
        (
            AccreditationStatus::Revoked,
            OfferReason::AccreditationRevoked,
        ),
        (
            AccreditationStatus::Suspended,
            OfferReason::AccreditationSuspended,
        ),
        (
            AccreditationStatus::Expired,
            OfferReason::AccreditationExpired,
        ),
    ] {
        let r = run(&input(
            founder(FounderGroup::Unemployed),
            vec![stay(
                social_base(d(2020, 1, 1), None, status),
                d(2024, 1, 1),
                None,
                "900",
            )],
            d(2024, 2, 1),
        ));
        assert_eq!(r.stays[0].reasons, vec![Reason::Carrier(reason)]);
    }
}

#[test]
fn a_carrier_that_does_not_waive_rent_gives_no_regime() {
    let carrier = Carrier {
        waives_rent: false,
        ..gov_base()
    };
    let r = run(&input(
        founder(FounderGroup::Graduate),
        vec![stay(carrier, d(2024, 1, 1), None, "900")],
        d(2024, 2, 1),
    )
    .tap(|i| {
        i.founder.graduated_on = Some(d(2023, 7, 1));
    }));
    assert_eq!(r.stays[0].regime, Regime::None);
    assert_eq!(
        r.stays[0].reasons,
        vec![Reason::Carrier(OfferReason::WaivesRentOff)]
    );
    assert_eq!(r.stays[0].reasons[0].code(), "carrier_waiver_switched_off");
}

#[test]
fn none_names_every_reason() {
    let maker = Carrier {
        kind: CarrierKind::MakerSpace,
        ..gov_base()
    };
    let household_social = Carrier {
        kind: CarrierKind::HouseholdServiceBase,
        founding: Founding::Social,
        ..gov_base()
    };
    let r = run(&input(
        founder(FounderGroup::Unemployed),
        vec![
            stay(maker, d(2024, 1, 1), Some(d(2024, 1, 31)), "900"),
            stay(household_social, d(2024, 2, 1), None, "900"),
        ],
        d(2024, 3, 1),
    ));
    let codes: Vec<Vec<&str>> = r
        .stays
        .iter()
        .map(|s| s.reasons.iter().map(|x| x.code()).collect())
        .collect();
    assert_eq!(
        codes,
        vec![
            vec!["carrier_kind_not_covered"],
            vec!["social_carrier_not_incubation_base", "not_accredited"]
        ]
    );
    assert!(r.window.is_none());
}

#[test]
fn overlapping_stays_are_refused_naming_the_later_stay() {
    let p = problems(&input(
        founder(FounderGroup::Other),
        vec![
            stay(gov_base(), d(2024, 6, 1), None, "900"),
            stay(gov_base(), d(2024, 1, 1), Some(d(2024, 6, 1)), "900"),
        ],
        d(2024, 8, 1),
    ));
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].field.as_str(), p[0].code),
        ("stays[0].move_in", "overlapping_stay")
    );
    // Touching is fine: the next stay starts the day after the last occupied day.
    let ok = input(
        founder(FounderGroup::Other),
        vec![
            stay(gov_base(), d(2024, 1, 1), Some(d(2024, 5, 31)), "900"),
            stay(gov_base(), d(2024, 6, 1), None, "900"),
        ],
        d(2024, 8, 1),
    );
    assert!(calculate(&ok, &ParameterSet::defaults()).is_ok());
}

#[test]
fn every_bad_field_is_named_at_once() {
    let mut i = input(
        founder(FounderGroup::Graduate),
        vec![stay(gov_base(), d(2024, 6, 1), Some(d(2024, 5, 1)), "900")],
        d(2024, 8, 1),
    );
    i.extension_months = 25;
    let fields: Vec<(String, &str)> = problems(&i)
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("founder.graduated_on".to_owned(), "required"),
            ("stays[0].move_out".to_owned(), "before_move_in"),
            ("extension_months".to_owned(), "over_cap"),
        ]
    );
    let empty = problems(&input(founder(FounderGroup::Other), vec![], d(2024, 1, 1)));
    assert_eq!(empty[0].field, "stays");
}

#[test]
fn extensions_follow_the_district_switch() {
    let mut set = ParameterSet::defaults();
    set.add(ParamVersion {
        key: ParamKey::ExtensionExtendsWaiver,
        effective_from: d(2018, 12, 21),
        value: ParamValue::Flag(false),
    })
    .unwrap();
    let mut i = input(
        founder(FounderGroup::Other),
        vec![stay(gov_base(), d(2024, 3, 15), None, "1")],
        d(2024, 4, 1),
    );
    i.extension_months = 12;
    let out = calculate(&i, &set).unwrap();
    assert_eq!(window(&out.value), (d(2024, 3, 15), d(2027, 3, 14)));
    assert!(
        out.trace
            .steps()
            .iter()
            .any(|s| s.detail.en.contains("lengthen the incubation period only"))
    );
}

#[test]
fn the_key_group_rate_and_monthly_cap_are_district_parameters() {
    let mut set = ParameterSet::defaults();
    set.add(ParamVersion {
        key: ParamKey::KeygroupReductionRate,
        effective_from: d(2018, 12, 21),
        value: ParamValue::Rate(Decimal::new(50, 2)),
    })
    .unwrap();
    set.add(ParamVersion {
        key: ParamKey::KeygroupReductionCapPerMonth,
        effective_from: d(2018, 12, 21),
        value: ParamValue::OptionalMoney(Some(money("1200"))),
    })
    .unwrap();
    let base = social_base(d(2018, 1, 1), None, AccreditationStatus::Active);
    let i = input(
        founder(FounderGroup::Unemployed),
        vec![stay(base, d(2024, 4, 1), None, "3000")],
        d(2024, 5, 31),
    );
    let r = calculate(&i, &set).unwrap().value;
    assert_eq!(r.stays[0].rate.to_string(), "0.50");
    // 3000 × 0.50 = 1500 capped at 1200.
    assert_eq!(row(&r, 0, "2024-04").waived.to_string(), "1200.00");
    assert_eq!(row(&r, 0, "2024-04").payable.to_string(), "1800.00");
    // The cap never applies to full waivers.
    let full = calculate(
        &input(
            founder(FounderGroup::Other),
            vec![stay(gov_base(), d(2024, 4, 1), None, "3000")],
            d(2024, 4, 30),
        ),
        &set,
    )
    .unwrap()
    .value;
    assert_eq!(full.months[0].waived.to_string(), "3000.00");
}

#[test]
fn parameters_are_read_on_the_window_start() {
    let mut set = ParameterSet::defaults();
    set.add(ParamVersion {
        key: ParamKey::WaiverWindowMonths,
        effective_from: d(2026, 1, 1),
        value: ParamValue::Count(48),
    })
    .unwrap();
    let before = calculate(
        &input(
            founder(FounderGroup::Other),
            vec![stay(gov_base(), d(2025, 12, 31), None, "1")],
            d(2026, 1, 1),
        ),
        &set,
    )
    .unwrap()
    .value;
    assert_eq!(before.window.unwrap().months, 36);
    let after = calculate(
        &input(
            founder(FounderGroup::Other),
            vec![stay(gov_base(), d(2026, 1, 1), None, "1")],
            d(2026, 1, 1),
        ),
        &set,
    )
    .unwrap()
    .value;
    assert_eq!(after.window.unwrap().months, 48);
}

#[test]
fn a_founder_with_an_earlier_window_is_flagged_and_may_share_it() {
    let prior = DateRange::new(d(2022, 1, 1), d(2024, 12, 31)).unwrap();
    let mut i = input(
        founder(FounderGroup::Other),
        vec![stay(gov_base(), d(2024, 6, 1), None, "1")],
        d(2024, 7, 1),
    );
    i.founder_prior_window = Some(prior);
    let own = calculate(&i, &ParameterSet::defaults()).unwrap();
    assert_eq!(window(&own.value).0, d(2024, 6, 1));
    assert!(
        own.trace
            .steps()
            .iter()
            .any(|s| s.detail.en.starts_with("warning: an earlier entity"))
    );
    let mut set = ParameterSet::defaults();
    set.add(ParamVersion {
        key: ParamKey::WindowPerFounder,
        effective_from: d(2018, 12, 21),
        value: ParamValue::Flag(true),
    })
    .unwrap();
    let shared = calculate(&i, &set).unwrap().value;
    assert_eq!(window(&shared), (d(2022, 1, 1), d(2024, 12, 31)));
}

#[test]
fn months_remaining_counts_whole_months_left() {
    assert_eq!(months_remaining(d(2024, 3, 15), d(2027, 3, 14)), 35);
    assert_eq!(months_remaining(d(2024, 3, 14), d(2027, 3, 14)), 36);
    assert_eq!(months_remaining(d(2027, 3, 14), d(2027, 3, 14)), 0);
    assert_eq!(months_remaining(d(2027, 3, 15), d(2027, 3, 14)), 0);
    // Jan 31 + 1 month is Feb 28 (the month has no 31st), still inside the window.
    assert_eq!(months_remaining(d(2027, 1, 31), d(2027, 2, 28)), 1);
    assert_eq!(months_remaining(d(2027, 1, 31), d(2027, 2, 27)), 0);
    assert_eq!(months_remaining(d(2026, 12, 31), d(2027, 2, 28)), 2);
}

#[test]
fn an_open_stay_has_no_rows_before_it_starts() {
    let r = run(&input(
        founder(FounderGroup::Other),
        vec![stay(gov_base(), d(2025, 1, 1), None, "1")],
        d(2024, 12, 31),
    ));
    assert!(r.months.is_empty());
    assert_eq!(r.months_remaining, Some(36));
    // A move-out in the future projects the rows through it.
    let r = run(&input(
        founder(FounderGroup::Other),
        vec![stay(gov_base(), d(2025, 1, 1), Some(d(2025, 3, 31)), "1")],
        d(2024, 12, 31),
    ));
    assert_eq!(r.months.len(), 3);
}

#[test]
fn zero_rent_gives_zero_rows() {
    let r = run(&input(
        founder(FounderGroup::Other),
        vec![stay(gov_base(), d(2024, 1, 1), None, "0")],
        d(2024, 2, 1),
    ));
    assert!(
        r.months
            .iter()
            .all(|m| m.rent_due.is_zero() && m.waived.is_zero())
    );
}

trait Tap: Sized {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}
impl Tap for WaiverInput {}

// ---- properties ----------------------------------------------------------

fn date_strategy() -> impl Strategy<Value = NaiveDate> {
    let lo = d(2019, 1, 1).num_days_from_ce();
    let hi = d(2030, 12, 31).num_days_from_ce();
    (lo..=hi).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
}

fn carrier_strategy() -> impl Strategy<Value = Carrier> {
    (
        prop::sample::select(CarrierKind::ALL.to_vec()),
        prop::sample::select(Founding::ALL.to_vec()),
        any::<bool>(),
        prop::collection::vec(
            (
                date_strategy(),
                prop::option::of(0u32..2000),
                prop::sample::select(AccreditationStatus::ALL.to_vec()),
            ),
            0..3,
        ),
    )
        .prop_map(|(kind, founding, waives, accs)| Carrier {
            kind,
            founding,
            waives_rent: waives,
            accreditations: accs
                .into_iter()
                .map(|(from, len, status)| Accreditation {
                    level: Level::District,
                    valid_from: from,
                    valid_until: len.map(|n| from + chrono::Duration::days(i64::from(n))),
                    status,
                })
                .collect(),
        })
}

prop_compose! {
    fn input_strategy()(
        group in prop::sample::select(FounderGroup::ALL.to_vec()),
        graduated in date_strategy(),
        first in date_strategy(),
        parts in prop::collection::vec((carrier_strategy(), 0u32..400, 1u32..900, prop::option::of(0u32..1), 0i64..1_000_000), 1..4),
        extension in 0u32..=24,
        as_of_offset in 0u32..2000,
    ) -> WaiverInput {
        // Consecutive stays separated by gaps, so they never overlap; the last may stay open.
        let mut stays = Vec::new();
        let mut start = first;
        let count = parts.len();
        for (i, (carrier, gap, length, open, rent_fen)) in parts.into_iter().enumerate() {
            start += chrono::Duration::days(i64::from(gap));
            let end = start + chrono::Duration::days(i64::from(length));
            let move_out = if i + 1 == count && open.is_some() { None } else { Some(end) };
            stays.push(Stay { carrier, move_in: start, move_out, monthly_rent: Money::from_fen(rent_fen) });
            start = end + chrono::Duration::days(1);
        }
        WaiverInput {
            founder: Founder { group, graduated_on: Some(graduated) },
            stays,
            extension_months: extension,
            as_of: first + chrono::Duration::days(i64::from(as_of_offset)),
            founder_prior_window: None,
        }
    }
}

proptest! {
    #[test]
    fn waived_never_exceeds_rent_due(input in input_strategy()) {
        let r = run(&input);
        let mut due = Money::ZERO;
        for row in &r.months {
            prop_assert!(row.waived <= row.rent_due);
            prop_assert!(!row.waived.is_negative());
            prop_assert_eq!(row.payable, row.rent_due - row.waived);
            due = due + row.rent_due;
        }
        prop_assert!(r.total_waived <= due);
    }

    #[test]
    fn no_day_outside_the_window_is_waived(input in input_strategy()) {
        let r = run(&input);
        for row in &r.months {
            match r.window {
                None => prop_assert_eq!(row.waived_days, 0),
                Some(w) => {
                    prop_assert!(row.waived_days <= row.occupied.days_within(w.range()));
                    if row.occupied.days_within(w.range()) == 0 {
                        prop_assert!(row.waived.is_zero());
                    }
                }
            }
        }
    }

    #[test]
    fn the_window_is_exactly_n_months(input in input_strategy()) {
        let r = run(&input);
        if let Some(w) = r.window {
            let n = w.months;
            prop_assert_eq!(n, 36 + input.extension_months);
            let n_months_later = fuhua_core::dates::add_months(w.start, n).unwrap();
            // The day after the window is the same day N months later — or, when that
            // month is too short, the window ends on that month's last day.
            prop_assert!(
                n_months_later == w.end.succ_opt().unwrap()
                    || (n_months_later == w.end && w.start.day() > w.end.day())
            );
            prop_assert!(fuhua_core::dates::add_months(w.start, n - 1).unwrap() <= w.end);
        }
    }

    #[test]
    fn ledger_rows_cover_each_occupied_day_once(input in input_strategy()) {
        let r = run(&input);
        for (i, stay) in input.stays.iter().enumerate() {
            let rows: Vec<_> = r.months.iter().filter(|row| row.stay == i).collect();
            let last = stay.move_out.unwrap_or(input.as_of);
            if last < stay.move_in {
                prop_assert!(rows.is_empty());
                continue;
            }
            let mut next = stay.move_in;
            for row in &rows {
                prop_assert_eq!(row.occupied.start, next);
                prop_assert_eq!(row.occupied_days, row.occupied.days());
                prop_assert!(row.month.range().intersect(row.occupied) == Some(row.occupied));
                next = row.occupied.end.succ_opt().unwrap();
            }
            prop_assert_eq!(next, last.succ_opt().unwrap());
            let total: u32 = rows.iter().map(|row| row.occupied_days).sum();
            prop_assert_eq!(total, DateRange::new(stay.move_in, last).unwrap().days());
        }
    }
}
