//! A larger district for benchmarks (`fuhua demo --tenants N`): N more tenants
//! spread over the demo's carriers, with move-ins over the last four years, some
//! moved out and half with an approved waiver window on record, its monthly ledger
//! stored through last month as an approval stores it (R-WAIVER, clause 七), so that
//! settling a quarter has a district's worth of rows to read. Founders are
//! registered in 胶州市 (370281), so that their synthetic resident IDs never meet
//! the demo's own (370211); credit codes take the "MB" series for the same reason.
//! Written in batches of [`BATCH`] tenants, each batch one audited transaction.

use chrono::{Days, NaiveDate};
use fuhua_accreditation::Carrier as RuleCarrier;
use fuhua_core::ids::CREDIT_ALPHABET;
use fuhua_core::vocab::FounderGroup;
use fuhua_core::{CreditCode, Money, ParameterSet, ResidentId, YearMonth};
use fuhua_service::relief::eligibility::rule_carrier_of;
use fuhua_store::repo::people::{self, NewPerson};
use fuhua_store::repo::tenants::{self, EntityKind, NewEntity, NewLedgerRow, NewStay};
use fuhua_store::repo::{carriers, reference, roll};
use fuhua_store::{Actor, Store, StoreError, Write};
use fuhua_waiver::{Founder, Stay, WaiverInput, calculate};

use crate::ids::{complete_credit, complete_resident};

/// Tenants written per transaction.
pub const BATCH: u64 = 5_000;

/// Surnames and given names the bulk founders are named from.
const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: [&str; 16] = [
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
];
const TRADES: [&str; 10] = [
    "海川", "启明", "蓝湾", "云帆", "新创", "汇智", "远航", "星港", "融通", "德润",
];

/// The `n`-th bulk founder's resident ID: born between 1975 and 2003, 500 a day,
/// distinct for every `n` below 5,000,000. `None` only if a date overflows.
pub fn resident(n: u64) -> Option<ResidentId> {
    let birth =
        NaiveDate::from_ymd_opt(1975, 1, 1)?.checked_add_days(Days::new(n / 500 * 37 % 10_500))?;
    let seq = n % 500;
    let text = complete_resident(&format!(
        "370281{}{:02}{}",
        birth.format("%Y%m%d"),
        seq % 100,
        seq / 100 * 2 + n % 2
    ))?;
    ResidentId::parse(&text).ok()
}

/// The `n`-th bulk entity's credit code: 91370211MB + 7 characters of `n` in base 31,
/// distinct for every `n` below 31⁷.
pub fn credit(n: u64) -> Option<CreditCode> {
    let alphabet = CREDIT_ALPHABET.as_bytes();
    let mut body = String::new();
    let mut rest = n;
    for _ in 0..7 {
        body.insert(
            0,
            char::from(*alphabet.get(usize::try_from(rest % 31).ok()?)?),
        );
        rest /= 31;
    }
    CreditCode::parse(&complete_credit(&format!("91370211MB{body}"))?).ok()
}

fn pick<'a>(list: &[&'a str], n: u64) -> &'a str {
    list.get(usize::try_from(n % list.len() as u64).unwrap_or(0))
        .copied()
        .unwrap_or("")
}

/// Adds `count` tenants (founder, entity, stay) to the carriers on record, as
/// `actor`, reporting progress as (done, total). Returns how many were written.
///
/// Errors: a store error of a batch (the batches before it stay written), or
/// `StoreError::Invalid` when no carrier is on record or `count` needs more distinct
/// identifiers than this generator has (over 5,000,000).
pub async fn add_tenants(
    store: &Store,
    actor: &Actor,
    count: u64,
    today: NaiveDate,
    progress: &dyn Fn(u64, u64),
) -> Result<u64, StoreError> {
    let carriers = carriers::list_carriers(store).await?;
    if carriers.is_empty() {
        return Err(StoreError::Invalid(
            "no carrier is on record; load the demo first".into(),
        ));
    }
    if count > 5_000_000 {
        return Err(StoreError::Invalid("at most 5,000,000 bulk tenants".into()));
    }
    let mut rules = Vec::with_capacity(carriers.len());
    for carrier in &carriers {
        rules.push(rule_carrier(store, carrier).await?);
    }
    let params = reference::load_parameters(store).await?;
    // Ledgers run through the last complete month.
    let through = YearMonth::of(today).first_day().pred_opt().unwrap_or(today);
    let start = u64::try_from(fuhua_store::repo::count(store, "people").await?).unwrap_or(0);
    let mut done = 0;
    while done < count {
        let w = store.write(actor).await?;
        let end = (done + BATCH).min(count);
        for i in done..end {
            let n = start + i;
            let (Some(resident_id), Some(credit_code)) = (resident(n), credit(n)) else {
                return Err(StoreError::Invalid(format!(
                    "no identifier for bulk tenant {n}"
                )));
            };
            let group = match n % 4 {
                0 => FounderGroup::Graduate,
                1 => FounderGroup::Unemployed,
                2 => FounderGroup::ReturningMigrantWorker,
                _ => FounderGroup::Other,
            };
            let move_in = today
                .checked_sub_days(Days::new(n * 7919 % 1460 + 1))
                .unwrap_or(today);
            let person = people::add_person(
                &w,
                &NewPerson {
                    name: format!(
                        "{}{}{}",
                        pick(&SURNAMES, n),
                        pick(&GIVEN, n / 12),
                        pick(&GIVEN, n / 192)
                    ),
                    resident_id,
                    phone: None,
                    founder_group: group,
                    graduated_on: (group == FounderGroup::Graduate)
                        .then(|| move_in.checked_sub_days(Days::new(400)))
                        .flatten(),
                    unemployed_on: (group == FounderGroup::Unemployed)
                        .then(|| move_in.checked_sub_days(Days::new(90)))
                        .flatten(),
                },
            )
            .await?;
            let entity = tenants::add_entity(
                &w,
                &NewEntity {
                    name: format!("青岛{}{}科技有限公司", pick(&TRADES, n), n),
                    kind: EntityKind::Enterprise,
                    credit_code,
                    registered_on: move_in.checked_sub_days(Days::new(30)).unwrap_or(move_in),
                    founder_person_id: person.id,
                },
            )
            .await?;
            let index = usize::try_from(n % carriers.len() as u64).unwrap_or(0);
            let (Some(carrier), Some(rule)) = (carriers.get(index), rules.get(index)) else {
                return Err(StoreError::Invalid(format!(
                    "no carrier for bulk tenant {n}"
                )));
            };
            let move_out = move_in
                .checked_add_days(Days::new(200))
                .filter(|out| n % 4 == 3 && *out < today);
            let stay = tenants::add_stay(
                &w,
                &NewStay {
                    entity_id: entity.id,
                    carrier_id: carrier.id,
                    move_in,
                    move_out,
                    monthly_rent: Money::yuan(500 + i64::try_from(n * 37 % 7500).unwrap_or(0)),
                    area_centi: Some(2_000 + i64::try_from(n % 80).unwrap_or(0) * 100),
                    unit: Some(format!("{}-{}", n % 9 + 1, n % 300 + 100)),
                    jobs: i32::try_from(n % 5 + 1).unwrap_or(1),
                },
            )
            .await?;
            if n % 2 == 0 && move_out.is_none() {
                let founder = Founder {
                    group,
                    graduated_on: person.graduated_on,
                };
                store_waiver(&w, &params, founder, rule, &stay, through).await?;
            }
        }
        w.commit().await?;
        done = end;
        progress(done, count);
    }
    Ok(done)
}

/// The rent rules' view of a carrier on record, with its accreditations.
async fn rule_carrier(
    store: &Store,
    carrier: &carriers::Carrier,
) -> Result<RuleCarrier, StoreError> {
    let records = carriers::list_accreditation_records(store, carrier.id).await?;
    Ok(rule_carrier_of(carrier, records))
}

/// An approved waiver on `stay` as the approval records it (R-WAIVER-*, clause 七):
/// the window's end on the stay and the monthly ledger through `through`. A stay
/// the rules give no regime gets neither.
async fn store_waiver(
    w: &Write,
    params: &ParameterSet,
    founder: Founder,
    carrier: &RuleCarrier,
    stay: &tenants::Stay,
    through: NaiveDate,
) -> Result<(), StoreError> {
    let input = WaiverInput {
        founder,
        stays: vec![Stay {
            carrier: carrier.clone(),
            move_in: stay.move_in,
            move_out: stay.move_out,
            monthly_rent: stay.monthly_rent,
        }],
        extension_months: 0,
        as_of: through.max(stay.move_in),
        founder_prior_window: None,
    };
    let Ok(decision) = calculate(&input, params) else {
        return Ok(());
    };
    let result = decision.value;
    let (Some(window), Some(outcome)) = (result.window, result.stays.first()) else {
        return Ok(());
    };
    roll::set_window_end(w, stay.id, Some(window.end)).await?;
    let rows: Vec<NewLedgerRow> = result
        .months
        .iter()
        .filter(|line| line.month.first_day() <= through)
        .map(|line| NewLedgerRow {
            stay_id: stay.id,
            month: line.month.to_string(),
            adjustment: false,
            regime: outcome.regime,
            funding_source: outcome.funding_source,
            occupied_days: i32::try_from(line.occupied_days).unwrap_or(0),
            days_in_month: i32::try_from(line.days_in_month).unwrap_or(0),
            rent_due: line.rent_due,
            waived: line.waived,
            payable: line.payable,
            relief_application_id: None,
        })
        .collect();
    tenants::add_ledger_rows(w, &rows).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn bulk_identifiers_are_valid_and_distinct() {
        let mut ids = HashSet::new();
        let mut codes = HashSet::new();
        for n in (0..200_000).step_by(7) {
            let id = resident(n).unwrap();
            assert!(id.as_str().starts_with("370281"));
            assert!(ids.insert(id.as_str().to_owned()), "resident {n}");
            assert!(
                codes.insert(credit(n).unwrap().as_str().to_owned()),
                "credit {n}"
            );
        }
    }
}
