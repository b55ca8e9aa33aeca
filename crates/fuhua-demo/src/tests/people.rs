//! Who is in the district: identities, carriers, tenants, stays, founders, users.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months};
use fuhua_core::vocab::{
    AccreditationStatus, CarrierKind, FounderGroup, Founding, Level, Operation, Regime,
};
use fuhua_core::{CreditCode, Money, ParameterSet, ResidentId};
use fuhua_waiver::{Founder as RuleFounder, calculate, key_group_test};

use super::{days, plans};
use crate::*;

#[test]
fn two_plans_for_the_same_day_are_equal() {
    for today in days() {
        assert_eq!(plan(today), plan(today));
    }
}

#[test]
fn identities_are_the_same_whatever_the_day() {
    let keys = |p: &DemoDistrict| {
        let entities: Vec<_> = p
            .entities
            .iter()
            .map(|e| (e.credit_code.clone(), e.founder.resident_id.clone()))
            .collect();
        let carriers: Vec<_> = p.carriers.iter().map(|c| c.code.clone()).collect();
        (entities, carriers, p.users.clone())
    };
    let all = plans();
    assert_eq!(keys(&all[0]), keys(&all[1]));
    assert_eq!(keys(&all[0]), keys(&all[2]));
    assert_eq!(all[0].users, demo_accounts());
}

#[test]
fn every_resident_id_and_credit_code_parses_and_all_are_unique() {
    for plan in plans() {
        let mut residents = BTreeSet::new();
        let mut phones = BTreeSet::new();
        for entity in &plan.entities {
            let founder = &entity.founder;
            let id = ResidentId::parse_as_of(&founder.resident_id, plan.today).unwrap();
            assert_eq!(id.region(), "370211");
            assert_eq!(id.birth_date(), founder.birth_date);
            let sequence_digit = founder.resident_id.as_bytes()[16] - b'0';
            assert_eq!(sequence_digit % 2 == 1, founder.gender == Gender::Male);
            assert!(residents.insert(founder.resident_id.clone()));

            let phone = &founder.phone;
            assert_eq!(phone.len(), 11);
            assert!(phone.bytes().all(|b| b.is_ascii_digit()));
            assert!(["13", "15", "18"].contains(&&phone[..2]), "{phone}");
            assert!(phones.insert(phone.clone()));
        }
        let mut codes = BTreeSet::new();
        let organisations = plan.organisations.iter().map(|o| &o.credit_code);
        for code in plan
            .entities
            .iter()
            .map(|e| &e.credit_code)
            .chain(organisations)
        {
            let parsed = CreditCode::parse(code).unwrap();
            assert_eq!(parsed.as_str(), code);
            assert_eq!(&code[2..8], "370211");
            assert!(codes.insert(code.clone()), "{code} twice");
        }
        for entity in &plan.entities {
            let prefix = match entity.kind {
                EntityKind::Enterprise => "91",
                EntityKind::IndividualBusiness => "92",
            };
            assert!(entity.credit_code.starts_with(prefix));
        }
        let names: BTreeSet<_> = plan.entities.iter().map(|e| &e.name).collect();
        assert_eq!(names.len(), plan.entities.len());
    }
}

#[test]
fn the_district_has_300_entities_and_its_streets_and_towns() {
    let plan = plan(days()[0]);
    assert_eq!(plan.entities.len(), 300);
    assert_eq!(ENTITY_COUNT, 300);
    let names: BTreeSet<&str> = plan.jurisdictions.iter().map(|j| j.name.as_str()).collect();
    for street in [
        "长江路街道",
        "辛安街道",
        "隐珠街道",
        "珠海街道",
        "薛家岛街道",
        "王台镇",
    ] {
        assert!(names.contains(street), "{street}");
    }
    assert_eq!(plan.jurisdictions[0].code, "370211");
    assert_eq!(plan.jurisdictions[0].name, "黄岛区（西海岸新区）");
    for body in [
        "青岛市人力资源和社会保障局",
        "山东省人力资源和社会保障厅",
        "人力资源和社会保障部",
        "西海岸新区人力资源和社会保障局",
    ] {
        assert!(plan.accrediting_bodies.iter().any(|b| b == body), "{body}");
    }
    let evaluator = plan
        .organisations
        .iter()
        .find(|o| o.kind == OrganisationKind::Evaluator)
        .unwrap();
    assert_eq!(evaluator.name, "青岛正衡绩效评估咨询有限公司");
}

#[test]
fn at_least_12_carriers_cover_every_kind_founding_and_level() {
    for plan in plans() {
        let carriers = &plan.carriers;
        assert!(carriers.len() >= 12);
        let kinds: BTreeSet<_> = carriers.iter().map(|c| c.kind).collect();
        let foundings: BTreeSet<_> = carriers.iter().map(|c| c.founding).collect();
        let levels: BTreeSet<_> = carriers
            .iter()
            .flat_map(|c| c.accreditations.iter().map(|a| a.level))
            .collect();
        assert_eq!(kinds.len(), CarrierKind::ALL.len());
        assert_eq!(foundings.len(), Founding::ALL.len());
        assert_eq!(levels.len(), Level::ALL.len());

        let jurisdictions: BTreeSet<_> = plan.jurisdictions.iter().map(|j| &j.code).collect();
        let organisations: BTreeSet<_> =
            plan.organisations.iter().map(|o| &o.credit_code).collect();
        let mut certificates = BTreeSet::new();
        for c in carriers {
            assert!(jurisdictions.contains(&c.jurisdiction), "{}", c.code);
            assert!(organisations.contains(&c.operator), "{}", c.code);
            assert_eq!(c.operation == Operation::Entrusted, c.contract.is_some());
            if let Some(contract) = &c.contract {
                assert!(contract.start < contract.end);
            }
            assert!(c.floor_area_centi_m2 > 0 && c.workstations > 0);
            for a in &c.accreditations {
                assert!(certificates.insert(a.certificate_no.clone()));
                assert!(a.valid_from <= plan.today && a.valid_from >= c.opened_on);
                assert!(a.valid_until.is_none_or(|u| u >= a.valid_from));
                assert!(plan.accrediting_bodies.contains(&a.accrediting_body));
            }
        }
        let switched_off: Vec<_> = carriers.iter().filter(|c| !c.waives_rent).collect();
        assert_eq!(switched_off.len(), 1);
        assert!(switched_off[0].founding.is_government());

        let statuses: Vec<_> = carriers
            .iter()
            .flat_map(|c| c.accreditations.iter().map(|a| a.status))
            .collect();
        assert!(statuses.contains(&AccreditationStatus::Suspended));
        assert!(statuses.contains(&AccreditationStatus::Revoked));

        // One carrier climbed district → municipal → provincial → national.
        let climbed = carriers.iter().any(|c| {
            let levels: Vec<_> = c.accreditations.iter().map(|a| a.level).collect();
            let ordered = c
                .accreditations
                .windows(2)
                .all(|w| w[0].valid_from < w[1].valid_from);
            ordered
                && levels
                    == [
                        Level::District,
                        Level::Municipal,
                        Level::Provincial,
                        Level::National,
                    ]
        });
        assert!(climbed);
        let flagship = plan.carrier("QXZT001").unwrap();
        assert_eq!(flagship.level_on(plan.today), Some(Level::National));
        assert_eq!(flagship.name, "西海岸新区大学生创业孵化基地");
    }
}

#[test]
fn no_entity_has_overlapping_stays() {
    for plan in plans() {
        let mut by_entity: BTreeMap<&str, Vec<&DemoStay>> = BTreeMap::new();
        for stay in &plan.stays {
            by_entity.entry(&stay.entity).or_default().push(stay);
        }
        assert_eq!(by_entity.len(), plan.entities.len());
        let mut moved = 0;
        for stays in by_entity.values() {
            for pair in stays.windows(2) {
                // move_out is the last occupied day; the next move-in is strictly after.
                let out = pair[0].move_out.unwrap();
                assert!(pair[1].move_in > out);
                assert_ne!(pair[0].carrier, pair[1].carrier);
                moved += 1;
            }
            for stay in stays.iter().rev().skip(1) {
                assert!(stay.move_out.is_some());
            }
        }
        assert!(moved >= 20, "only {moved} moves");
    }
}

#[test]
fn stays_fall_in_the_last_four_years_with_rents_between_500_and_8000() {
    for plan in plans() {
        let today = plan.today;
        let earliest = today.checked_sub_months(Months::new(48)).unwrap();
        let latest = today.checked_sub_months(Months::new(1)).unwrap();
        let (mut open, mut exited) = (0, 0);
        let mut units = BTreeSet::new();
        for stay in &plan.stays {
            assert!(
                stay.move_in >= earliest && stay.move_in <= latest,
                "{stay:?}"
            );
            match stay.move_out {
                Some(out) => {
                    assert!(out >= stay.move_in && out < today);
                    exited += 1;
                }
                None => open += 1,
            }
            assert!(stay.monthly_rent >= Money::yuan(500));
            assert!(stay.monthly_rent <= Money::yuan(8_000));
            assert!(stay.jobs <= 30);
            assert!(stay.area_centi_m2 > 0 && stay.workstations > 0);
            let carrier = plan.carrier(&stay.carrier).unwrap();
            assert!(stay.move_in >= carrier.opened_on);
            assert!(units.insert((stay.carrier.clone(), stay.unit.clone())));
            let entity = plan.entity(&stay.entity).unwrap();
            assert!(entity.registered_on <= stay.move_in);
        }
        assert!(open >= 100 && exited >= 50, "open {open}, exited {exited}");
    }
}

#[test]
fn founders_are_born_between_1975_and_2003() {
    for plan in plans() {
        for entity in &plan.entities {
            let year = entity.founder.birth_date.year();
            assert!((1975..=2003).contains(&year), "{year}");
        }
    }
}

#[test]
fn every_founder_group_is_present_with_the_dates_it_needs() {
    let params = ParameterSet::defaults();
    for plan in plans() {
        let groups: BTreeSet<_> = plan.entities.iter().map(|e| e.founder.group).collect();
        assert_eq!(groups.len(), FounderGroup::ALL.len());
        let (mut recent, mut older) = (0, 0);
        for entity in &plan.entities {
            let founder = &entity.founder;
            let first_in = plan.stays_of(&entity.credit_code).next().unwrap().move_in;
            match founder.group {
                FounderGroup::Graduate => {
                    let graduated = founder.graduated_on.unwrap();
                    assert!(graduated < plan.today && graduated > founder.birth_date);
                    assert!(founder.school.is_some());
                    // R-WAIVER-KEYGROUP: 毕业未超过5年, tested on the first move-in.
                    let rule = RuleFounder {
                        group: founder.group,
                        graduated_on: Some(graduated),
                    };
                    if key_group_test(&rule, first_in, &params).value.in_key_group {
                        recent += 1;
                    } else {
                        older += 1;
                    }
                }
                FounderGroup::Unemployed => {
                    let registered = founder.unemployment_registered_on.unwrap();
                    assert!(registered < entity.registered_on);
                }
                FounderGroup::ReturningMigrantWorker | FounderGroup::Other => {
                    assert!(founder.graduated_on.is_none());
                    assert!(founder.unemployment_registered_on.is_none());
                }
            }
        }
        assert!(
            recent >= 10 && older >= 10,
            "recent {recent}, older {older}"
        );
    }
}

#[test]
fn the_stays_give_all_three_regimes_and_windows_running_ending_soon_and_over() {
    let params = ParameterSet::defaults();
    for plan in plans() {
        let today = plan.today;
        let soon = today.checked_add_months(Months::new(6)).unwrap();
        let mut regimes = BTreeSet::new();
        let (mut over, mut ending, mut running) = (0, 0, 0);
        for entity in &plan.entities {
            let input = plan.waiver_input(&entity.credit_code, today).unwrap();
            let result = calculate(&input, &params).unwrap().value;
            regimes.extend(result.stays.iter().map(|s| s.regime));
            match result.window {
                Some(w) if w.end < today => over += 1,
                Some(w) if w.end <= soon => ending += 1,
                Some(_) => running += 1,
                None => {}
            }
        }
        assert_eq!(regimes.len(), Regime::ALL.len(), "{regimes:?}");
        assert!(
            over >= 5 && ending >= 5 && running >= 5,
            "{over} {ending} {running}"
        );

        // The demo entrepreneur moved from 启航's youth base to its flagship; her
        // full-waiver window, from the first move-in, is running.
        let entrepreneur = &plan.entities[0];
        assert_eq!(
            Scope::Entity(entrepreneur.credit_code.clone()),
            plan.users[0].scope
        );
        let stays: Vec<&DemoStay> = plan.stays_of(&entrepreneur.credit_code).collect();
        let carriers: Vec<&str> = stays.iter().map(|s| s.carrier.as_str()).collect();
        assert_eq!(carriers, ["QXZT005", "QXZT001"]);
        assert_eq!(stays[0].move_out, stays[1].move_in.pred_opt());
        assert!(stays[1].move_out.is_none());
        let input = plan.waiver_input(&entrepreneur.credit_code, today).unwrap();
        let result = calculate(&input, &params).unwrap().value;
        assert!(result.stays.iter().all(|s| s.regime == Regime::FullWaiver));
        assert_eq!(result.window.unwrap().start, stays[0].move_in);
        assert!(result.months_remaining.unwrap() >= 12);
    }
}

#[test]
fn there_is_one_user_per_role_plus_two_more_officials() {
    let plan = plan(days()[0]);
    let users = demo_accounts();
    for role in Role::ALL {
        let count = users.iter().filter(|u| u.role == role).count();
        let expected = if role == Role::Official { 3 } else { 1 };
        assert_eq!(count, expected, "{role:?}");
    }
    let usernames: BTreeSet<_> = users.iter().map(|u| &u.username).collect();
    assert_eq!(usernames.len(), users.len());
    let jurisdictions: BTreeSet<_> = plan.jurisdictions.iter().map(|j| j.code.as_str()).collect();
    let organisations: BTreeSet<_> = plan
        .organisations
        .iter()
        .map(|o| o.credit_code.as_str())
        .collect();
    for user in &users {
        assert!(user.email.ends_with("@example.org"));
        assert!(user.password.starts_with("demo-"));
        match &user.scope {
            Scope::Jurisdiction(code) => assert!(jurisdictions.contains(code.as_str())),
            Scope::Organisation(code) => assert!(organisations.contains(code.as_str())),
            Scope::Entity(code) => assert!(plan.entity(code).is_some()),
        }
    }
    let street = users
        .iter()
        .find(|u| u.username == "official.xinan")
        .unwrap();
    assert_eq!(street.scope, Scope::Jurisdiction("370211002".to_owned()));
    let operator = users.iter().find(|u| u.role == Role::Operator).unwrap();
    assert!(
        plan.carriers
            .iter()
            .any(|c| c.operator == operator.scope.code())
    );
}
