//! R-WAIVER on recorded facts: what the rules say about one stay of an entity, from
//! its founder, all its stays (with their carriers and accreditations), its approved
//! extensions and the windows its founder already had. The same computation serves
//! the entrepreneur's preview, the official's review and the stored ledger.

use chrono::NaiveDate;
use fuhua_accreditation::{Accreditation, Carrier as RuleCarrier};
use fuhua_core::vocab::{FundingSource, Regime};
use fuhua_core::{DateRange, Decision, Money, ParameterSet, Text, Trace};
use fuhua_store::repo::carriers::{self, AccreditationRecord, Carrier};
use fuhua_store::repo::people::{self, Person};
use fuhua_store::repo::relief as relief_repo;
use fuhua_store::repo::tenants::{self, Entity, Stay};
use fuhua_waiver::{Founder, WaiverInput, WaiverResult};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::System;
use crate::error::{ServiceError, ServiceResult};

/// One stay with its carrier as recorded.
#[derive(Debug, Clone)]
pub struct RecordedStay {
    pub stay: Stay,
    pub carrier: Carrier,
    pub rule_carrier: RuleCarrier,
}

/// Everything the rent rules need about one entity, as recorded.
#[derive(Debug, Clone)]
pub struct Facts {
    pub entity: Entity,
    pub founder: Person,
    /// Oldest first.
    pub stays: Vec<RecordedStay>,
    pub extension_months: u32,
    /// The earliest window another entity of the same founder had (SPEC §3: the
    /// founder-window warning, and `window_per_founder`).
    pub prior_window: Option<DateRange>,
}

async fn rule_carrier(system: &System, carrier: &Carrier) -> ServiceResult<RuleCarrier> {
    let records = carriers::list_accreditation_records(system.store(), carrier.id).await?;
    Ok(rule_carrier_of(carrier, records))
}

/// The rent rules' view of a carrier on record (R-ACCRED, R-WAIVER-REGIME, clause
/// 七): its kind, founding and waiver, with every accreditation record.
pub fn rule_carrier_of(carrier: &Carrier, records: Vec<AccreditationRecord>) -> RuleCarrier {
    RuleCarrier {
        kind: carrier.kind,
        founding: carrier.founding,
        waives_rent: carrier.waives_rent,
        accreditations: records
            .into_iter()
            .map(|r| Accreditation {
                level: r.level,
                valid_from: r.valid_from,
                valid_until: r.valid_until,
                status: r.status,
            })
            .collect(),
    }
}

async fn stays_of(system: &System, entity_id: i64) -> ServiceResult<Vec<RecordedStay>> {
    let mut out = Vec::new();
    for stay in tenants::stays_of_entity(system.store(), entity_id).await? {
        let carrier = carriers::find_carrier(system.store(), stay.carrier_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let rule_carrier = rule_carrier(system, &carrier).await?;
        out.push(RecordedStay {
            stay,
            carrier,
            rule_carrier,
        });
    }
    Ok(out)
}

fn input(
    founder: &Person,
    stays: &[RecordedStay],
    extension_months: u32,
    as_of: NaiveDate,
    prior: Option<DateRange>,
) -> WaiverInput {
    WaiverInput {
        founder: Founder {
            group: founder.founder_group,
            graduated_on: founder.graduated_on,
        },
        stays: stays
            .iter()
            .map(|s| fuhua_waiver::Stay {
                carrier: s.rule_carrier.clone(),
                move_in: s.stay.move_in,
                move_out: s.stay.move_out,
                monthly_rent: s.stay.monthly_rent,
            })
            .collect(),
        extension_months,
        as_of,
        founder_prior_window: prior,
    }
}

/// Loads the facts of an entity. `as_of` bounds the founder's other windows: only
/// windows that started before this entity's first stay count as "already had".
pub async fn load(
    system: &System,
    entity_id: i64,
    params: &ParameterSet,
    as_of: NaiveDate,
) -> ServiceResult<Facts> {
    let entity = tenants::find_entity(system.store(), entity_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let founder = people::find_person(system.store(), entity.founder_person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let stays = stays_of(system, entity.id).await?;
    let extension_months =
        u32::try_from(relief_repo::approved_extension_months(system.store(), entity.id).await?)
            .unwrap_or(0);
    let first_move_in = stays.iter().map(|s| s.stay.move_in).min();
    let mut prior: Option<DateRange> = None;
    for other in tenants::entities_of_founder(system.store(), founder.id).await? {
        if other.id == entity.id {
            continue;
        }
        let other_stays = stays_of(system, other.id).await?;
        let months =
            u32::try_from(relief_repo::approved_extension_months(system.store(), other.id).await?)
                .unwrap_or(0);
        let Ok(decision) =
            fuhua_waiver::calculate(&input(&founder, &other_stays, months, as_of, None), params)
        else {
            continue;
        };
        let Some(window) = decision.value.window else {
            continue;
        };
        if first_move_in.is_some_and(|first| window.start >= first) {
            continue;
        }
        if prior.is_none_or(|p| window.start < p.start) {
            prior = Some(window.range());
        }
    }
    Ok(Facts {
        entity,
        founder,
        stays,
        extension_months,
        prior_window: prior,
    })
}

/// Applies R-WAIVER to the facts as of `as_of`.
pub fn compute(
    facts: &Facts,
    params: &ParameterSet,
    as_of: NaiveDate,
) -> ServiceResult<Decision<WaiverResult>> {
    let input = input(
        &facts.founder,
        &facts.stays,
        facts.extension_months,
        as_of,
        facts.prior_window,
    );
    fuhua_waiver::calculate(&input, params).map_err(ServiceError::Invalid)
}

/// One month of a stay's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    /// "YYYY-MM".
    pub month: String,
    pub occupied_days: u32,
    pub days_in_month: u32,
    pub rent_due: Money,
    pub waived: Money,
    pub payable: Money,
}

/// What the rules say about one stay: shown before submitting, to the deciding
/// official, and stored with the application when it is submitted and decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub stay_id: i64,
    pub as_of: NaiveDate,
    pub regime: Regime,
    /// 1.00 full waiver, the district's key-group rate, 0.00 none.
    pub rate: Decimal,
    pub funding_source: Option<FundingSource>,
    /// Why the stay has no regime (empty otherwise).
    pub reasons: Vec<Text>,
    pub window: Option<DateRange>,
    /// The window's length in months (with extensions).
    pub window_months: Option<u32>,
    /// Whole months left in the window on `as_of` (SPEC §5).
    pub months_remaining: Option<u32>,
    /// The sum of this stay's waived rent through `as_of` (yuan).
    pub total_waived: Money,
    pub ledger: Vec<LedgerLine>,
    pub trace: Trace,
    /// A window another entity of the same founder already had (SPEC §3 warning).
    pub prior_window: Option<DateRange>,
}

/// The eligibility of the stay `stay_id` of the facts' entity.
pub fn of_stay(
    facts: &Facts,
    decision: &Decision<WaiverResult>,
    stay_id: i64,
) -> ServiceResult<Eligibility> {
    let index = facts
        .stays
        .iter()
        .position(|s| s.stay.id == stay_id)
        .ok_or(ServiceError::NotFound)?;
    let result = &decision.value;
    let outcome = result.stays.get(index).ok_or(ServiceError::NotFound)?;
    let ledger: Vec<LedgerLine> = result
        .months
        .iter()
        .filter(|row| row.stay == index)
        .map(|row| LedgerLine {
            month: row.month.to_string(),
            occupied_days: row.occupied_days,
            days_in_month: row.days_in_month,
            rent_due: row.rent_due,
            waived: row.waived,
            payable: row.payable,
        })
        .collect();
    let total_waived = ledger.iter().fold(Money::default(), |sum, line| {
        Money::round(sum.amount() + line.waived.amount())
    });
    Ok(Eligibility {
        stay_id,
        as_of: result.as_of,
        regime: outcome.regime,
        rate: outcome.rate,
        funding_source: outcome.funding_source,
        reasons: outcome
            .reasons
            .iter()
            .map(|r| {
                Text::new(
                    r.describe(fuhua_core::Lang::Zh),
                    r.describe(fuhua_core::Lang::En),
                )
            })
            .collect(),
        window: result.window.map(|w| w.range()),
        window_months: result.window.map(|w| w.months),
        months_remaining: result.months_remaining,
        total_waived,
        ledger,
        trace: decision.trace.clone(),
        prior_window: facts.prior_window,
    })
}
