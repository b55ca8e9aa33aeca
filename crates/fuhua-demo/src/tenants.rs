//! 300 tenants with their principal founders and stays (SPEC §2 tenant, §7).
//!
//! Identities (names, resident IDs, credit codes, phones, which carriers) come from
//! per-entity random streams that do not depend on `today`, so natural keys stay the
//! same from one day to the next; dates come from separate streams relative to
//! `today`: first move-ins are spread evenly from today − 4 years to today − 1
//! month, so that waiver windows (36 months, R-WAIVER window) are running, ending
//! soon and over.

use std::collections::BTreeSet;

use chrono::{Datelike, Months, NaiveDate};
use fuhua_core::Money;
use fuhua_core::dates::days_in_month;
use fuhua_core::vocab::FounderGroup;
use rand::RngExt;
use rand::rngs::StdRng;

use super::carriers::{Planned, UnitStyle};
use super::ids;
use super::model::{DemoStay, Entity, EntityKind, Founder, Gender};
use super::names::{self, Industry};
use super::{STREAM_DATES, STREAM_IDENTITY, pick_weighted, rng_for, shift, ymd};

/// How many entities the demo has.
pub const ENTITY_COUNT: usize = 300;

/// The demo entrepreneur's entity (fixed, so that `demo_accounts` can name it).
pub const ENTREPRENEUR_ENTITY_BODY: &str = "MA3R7TKB2";

/// Where the demo entrepreneur's company started (西海岸新区青年创业孵化基地, run by 启航).
pub const ENTREPRENEUR_FIRST_CARRIER: &str = "QXZT005";

/// Where it is now (西海岸新区大学生创业孵化基地, the flagship, run by 启航).
pub const ENTREPRENEUR_CARRIER: &str = "QXZT001";

/// The entities and their stays.
#[derive(Debug, Clone)]
pub struct Tenants {
    pub entities: Vec<Entity>,
    pub stays: Vec<DemoStay>,
}

/// Everything drawn from an entity's identity stream.
struct Identity {
    carriers: [usize; 3],
    entity: Entity,
}

/// Keeps identifiers unique across the district.
struct Taken {
    residents: BTreeSet<String>,
    credit_codes: BTreeSet<String>,
    phones: BTreeSet<String>,
    names: BTreeSet<String>,
}

/// Per-carrier unit counters, so that labels are unique within a carrier.
struct Units(Vec<u32>);

impl Units {
    fn next(&mut self, carrier: usize, style: UnitStyle) -> String {
        let n = self.0.get(carrier).copied().unwrap_or(0);
        if let Some(slot) = self.0.get_mut(carrier) {
            *slot += 1;
        }
        match style {
            UnitStyle::Rooms => {
                let building = ["A", "B", "C"][(n % 3) as usize];
                format!("{building}座{}{:02}室", 2 + (n / 3) % 8, 1 + n / 24)
            }
            UnitStyle::Desks => {
                let zone = ["A", "B", "C", "D"][(n % 4) as usize];
                format!("工位{zone}-{:02}", 1 + n / 4)
            }
            UnitStyle::Shops => format!("{}号商铺", n + 1),
        }
    }
}

/// Draws the entities and stays for `today`.
pub fn tenants(today: NaiveDate, planned: &[Planned], org_codes: &[String]) -> Tenants {
    let mut taken = Taken {
        residents: BTreeSet::new(),
        credit_codes: org_codes.iter().cloned().collect(),
        phones: BTreeSet::new(),
        names: BTreeSet::new(),
    };
    let mut units = Units(vec![0; planned.len()]);
    let mut entities = Vec::with_capacity(ENTITY_COUNT);
    let mut stays = Vec::new();

    let (entity, own) = entrepreneur(today, planned, &mut taken, &mut units);
    entities.push(entity);
    stays.extend(own);

    let weights: Vec<u32> = planned.iter().map(|p| p.profile.weight).collect();
    for index in 1..ENTITY_COUNT {
        let mut id_rng = rng_for(STREAM_IDENTITY, index as u64);
        let Some(identity) = identity(&mut id_rng, planned, &weights, &mut taken) else {
            tracing::warn!(index, "demo: ran out of unique identifiers for an entity");
            continue;
        };
        let mut rng = rng_for(STREAM_DATES, index as u64);
        let (entity, entity_stays) = dated(&mut rng, today, index, identity, planned, &mut units);
        entities.push(entity);
        stays.extend(entity_stays);
    }
    Tenants { entities, stays }
}

/// 陈晓雨 and her e-commerce company, both of whose stays are with 启航: she started
/// in 西海岸新区青年创业孵化基地 (QXZT005) a little over a year ago and moved into the
/// flagship base (QXZT001) three months ago. A graduate of three years before her
/// first move-in, in government bases: her full-waiver window is running.
fn entrepreneur(
    today: NaiveDate,
    planned: &[Planned],
    taken: &mut Taken,
    units: &mut Units,
) -> (Entity, Vec<DemoStay>) {
    let birth = ymd(1998, 5, 12);
    let resident_id = ids::resident_id(birth, 26, false).unwrap_or_default();
    let credit_code = ids::credit_code("91", ENTREPRENEUR_ENTITY_BODY).unwrap_or_default();
    let phone = "13806421357".to_owned();
    let name = "青岛启明星电子商务有限公司".to_owned();
    taken.residents.insert(resident_id.clone());
    taken.credit_codes.insert(credit_code.clone());
    taken.phones.insert(phone.clone());
    taken.names.insert(name.clone());

    let first_in = shift(ymd(today.year() - 1, today.month(), 1), -61);
    let moved_in = today
        .checked_sub_months(Months::new(3))
        .map_or(today, |d| ymd(d.year(), d.month(), 1));
    let entity = Entity {
        credit_code: credit_code.clone(),
        name,
        kind: EntityKind::Enterprise,
        industry: names::ECOMMERCE.label.to_owned(),
        registered_on: shift(first_in, -45),
        founder: Founder {
            resident_id,
            name: "陈晓雨".to_owned(),
            gender: Gender::Female,
            birth_date: birth,
            phone,
            group: FounderGroup::Graduate,
            graduated_on: Some(ymd(first_in.year() - 2, 6, 30)),
            school: Some("青岛理工大学".to_owned()),
            unemployment_registered_on: None,
        },
    };
    let mut stays = Vec::new();
    let youth = planned
        .iter()
        .position(|p| p.carrier.code == ENTREPRENEUR_FIRST_CARRIER);
    if let Some(index) = youth {
        stays.push(DemoStay {
            entity: credit_code.clone(),
            carrier: ENTREPRENEUR_FIRST_CARRIER.to_owned(),
            move_in: first_in,
            // She moved straight over: the last day here is the day before.
            move_out: Some(shift(moved_in, -1)),
            monthly_rent: Money::yuan(1_980),
            area_centi_m2: 4_800,
            unit: units.next(index, UnitStyle::Rooms),
            workstations: 4,
            jobs: 4,
        });
    }
    let flagship = planned
        .iter()
        .position(|p| p.carrier.code == ENTREPRENEUR_CARRIER)
        .unwrap_or(0);
    stays.push(DemoStay {
        entity: credit_code,
        carrier: ENTREPRENEUR_CARRIER.to_owned(),
        move_in: if youth.is_some() { moved_in } else { first_in },
        move_out: None,
        monthly_rent: Money::yuan(2_860),
        area_centi_m2: 6_850,
        unit: units.next(flagship, UnitStyle::Rooms),
        workstations: 6,
        jobs: 7,
    });
    (entity, stays)
}

/// Draws who the entity and its founder are; nothing here depends on `today`.
fn identity(
    rng: &mut StdRng,
    planned: &[Planned],
    weights: &[u32],
    taken: &mut Taken,
) -> Option<Identity> {
    let first = pick_weighted(rng, weights);
    let mut carriers = [first; 3];
    for k in 1..3 {
        let mut next = rng.random_range(0..planned.len() - 1);
        if next >= carriers[k - 1] {
            next += 1;
        }
        carriers[k] = next;
    }
    let profile = planned.get(first)?.profile;
    let group = [
        FounderGroup::Graduate,
        FounderGroup::Unemployed,
        FounderGroup::ReturningMigrantWorker,
        FounderGroup::Other,
    ][pick_weighted(rng, &profile.groups)];
    let kind = if rng.random_range(0..100) < profile.enterprise_pct {
        EntityKind::Enterprise
    } else {
        EntityKind::IndividualBusiness
    };
    let industry: Industry = profile.industries[rng.random_range(0..profile.industries.len())];
    let care = [
        names::HOUSEKEEPING.label,
        names::ELDERLY.label,
        names::MATERNITY.label,
    ];
    let male_pct = if care.contains(&industry.label) {
        20
    } else {
        60
    };
    let male = rng.random_range(0..100) < male_pct;
    // SPEC §7: birth years 1975–2003, by what is plausible for the group.
    let (from, to) = match group {
        FounderGroup::Graduate => (1988, 2002),
        FounderGroup::Unemployed => (1975, 1998),
        FounderGroup::ReturningMigrantWorker => (1975, 1996),
        FounderGroup::Other => (1975, 2003),
    };
    let year = rng.random_range(from..=to);
    let month = rng.random_range(1..=12u32);
    let birth = ymd(
        year,
        month,
        rng.random_range(1..=days_in_month(year, month)),
    );
    let resident_id = ids::unique_resident_id(rng, birth, male, &mut taken.residents)?;
    let person = names::person_name(rng, year, male);
    let phone = ids::unique_mobile(rng, &mut taken.phones);
    let mut name = String::new();
    for _ in 0..50 {
        let trade = names::trade_name(rng);
        name = match kind {
            EntityKind::Enterprise => names::enterprise_name(&trade, industry),
            EntityKind::IndividualBusiness => names::shop_name(&trade, industry),
        };
        if taken.names.insert(name.clone()) {
            break;
        }
    }
    let prefix = match kind {
        EntityKind::Enterprise => "91",
        EntityKind::IndividualBusiness => "92",
    };
    let credit_code = ids::unique_credit_code(rng, prefix, &mut taken.credit_codes)?;
    let school = (group == FounderGroup::Graduate)
        .then(|| names::SCHOOLS[rng.random_range(0..names::SCHOOLS.len())].to_owned());
    Some(Identity {
        carriers,
        entity: Entity {
            credit_code,
            name,
            kind,
            industry: industry.label.to_owned(),
            registered_on: birth,
            founder: Founder {
                resident_id,
                name: person,
                gender: if male { Gender::Male } else { Gender::Female },
                birth_date: birth,
                phone,
                group,
                graduated_on: None,
                school,
                unemployment_registered_on: None,
            },
        },
    })
}

/// Dates the entity's life: registration, graduation or unemployment, and stays.
fn dated(
    rng: &mut StdRng,
    today: NaiveDate,
    index: usize,
    identity: Identity,
    planned: &[Planned],
    units: &mut Units,
) -> (Entity, Vec<DemoStay>) {
    let Identity {
        carriers,
        mut entity,
    } = identity;
    let spans = stay_spans(rng, today, index);
    let first_in = spans.first().map_or(today, |s| s.0);

    entity.registered_on = shift(
        first_in,
        -match entity.kind {
            EntityKind::Enterprise => rng.random_range(10..=540),
            EntityKind::IndividualBusiness => rng.random_range(3..=120),
        },
    );
    let founder = &mut entity.founder;
    match founder.group {
        FounderGroup::Graduate => {
            founder.graduated_on = Some(graduation(rng, today, founder.birth_date));
        }
        FounderGroup::Unemployed => {
            founder.unemployment_registered_on =
                Some(shift(entity.registered_on, -rng.random_range(30..=400)));
        }
        FounderGroup::ReturningMigrantWorker | FounderGroup::Other => {}
    }

    let stays = spans
        .iter()
        .zip(carriers)
        .filter_map(|(&(move_in, move_out), carrier)| {
            let plan = planned.get(carrier)?;
            Some(stay(
                rng,
                &entity.credit_code,
                carrier,
                plan,
                move_in,
                move_out,
                units,
            ))
        })
        .collect();
    (entity, stays)
}

/// The graduation day: at 22 to 24, in late June or on 1 July, never after
/// `today`. Whether that is within 5 years of the first move-in (the key-group test
/// of R-WAIVER-KEYGROUP, "毕业未超过5年") follows from the dates.
fn graduation(rng: &mut StdRng, today: NaiveDate, birth: NaiveDate) -> NaiveDate {
    let year = birth.year() + rng.random_range(22..=24);
    let (month, day) = [(6, 20), (6, 25), (6, 30), (7, 1)][rng.random_range(0..4)];
    let mut graduated = ymd(year, month, day);
    while graduated >= today {
        graduated = ymd(graduated.year() - 1, month, day);
    }
    graduated
}

/// The (move_in, move_out) of the entity's stays, oldest first, never overlapping:
/// each move-in is strictly after the previous move-out (SPEC §3: stays of one
/// entity must not overlap; move_out is the last occupied day).
fn stay_spans(
    rng: &mut StdRng,
    today: NaiveDate,
    index: usize,
) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    let earliest = today.checked_sub_months(Months::new(48));
    let span = earliest.map_or(1461, |e| (today - e).num_days());
    let latest_in = shift(today, -30);
    // Spread first move-ins evenly over the four years; 7919 is prime, so
    // index ↦ slot is a permutation of 0..300 and neighbours are far apart.
    let slot = (index * 7919 % ENTITY_COUNT) as i64;
    let offset =
        (30 + slot * (span - 30) / ENTITY_COUNT as i64 + rng.random_range(0..=4)).min(span);
    let mut move_in = shift(today, -offset);
    let age = offset;
    let (move_pct, exit_pct) = match age {
        a if a > 3 * 365 => (28, 40),
        a if a > 365 => (25, 22),
        _ => (8, 10),
    };
    let roll = rng.random_range(0..100);
    let moves = if roll >= move_pct {
        0
    } else if rng.random_range(0..4) == 0 {
        2
    } else {
        1
    };
    let exits = (move_pct..move_pct + exit_pct).contains(&roll);

    let mut spans = Vec::new();
    for _ in 0..moves {
        let room = (latest_in - move_in).num_days();
        if room < 62 {
            break;
        }
        let days = rng.random_range(60..=(room - 2).min(900));
        let move_out = shift(move_in, days - 1);
        let gap = rng.random_range(1..=(latest_in - move_out).num_days().min(90));
        spans.push((move_in, Some(move_out)));
        move_in = shift(move_out, gap);
    }
    let leaves = exits || (!spans.is_empty() && rng.random_range(0..10) < 3);
    let room = (shift(today, -1) - move_in).num_days();
    let move_out =
        (leaves && room >= 30).then(|| shift(move_in, rng.random_range(29..=room.min(1000))));
    spans.push((move_in, move_out));
    spans
}

/// One stay's rent, area, unit and jobs.
fn stay(
    rng: &mut StdRng,
    entity: &str,
    carrier: usize,
    plan: &Planned,
    move_in: NaiveDate,
    move_out: Option<NaiveDate>,
    units: &mut Units,
) -> DemoStay {
    let profile = &plan.profile;
    let (area_centi_m2, rent_fen, workstations) = match profile.units {
        UnitStyle::Desks => {
            let desks = [1, 1, 1, 2, 2, 3, 4, 6][rng.random_range(0..8)];
            // 500–1,200 yuan a desk, in steps of 50 yuan.
            let per_desk = 50_000 + 5_000 * rng.random_range(0..=14i64);
            (600 * desks, per_desk * desks, desks as u32)
        }
        UnitStyle::Rooms | UnitStyle::Shops => {
            let (low, high) = profile.area_m2;
            let area = rng.random_range(low * 100..=high * 100);
            let price = rng.random_range(profile.rent_fen_per_m2.0..=profile.rent_fen_per_m2.1);
            // Whole tens of yuan, as landlords quote them.
            let rent = area * price / 100 / 1_000 * 1_000;
            // About 12 m² a workstation.
            (area, rent, (area / 1_200).max(1) as u32)
        }
    };
    // SPEC §7: rents between 500 and 8,000 yuan a month.
    let monthly_rent = Money::from_fen(rent_fen.clamp(50_000, 800_000));
    let jobs = if rng.random_range(0..100) < 85 {
        rng.random_range(0..=8)
    } else {
        rng.random_range(9..=30)
    };
    DemoStay {
        entity: entity.to_owned(),
        carrier: plan.carrier.code.clone(),
        move_in,
        move_out,
        monthly_rent,
        area_centi_m2,
        unit: units.next(carrier, profile.units),
        workstations,
        jobs,
    }
}
