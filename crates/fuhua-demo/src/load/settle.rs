//! The settled quarters (SPEC §4 "settlement claim"), made through the use cases
//! once the approved reliefs' ledgers are stored: an official generates each
//! planned quarter's claims (`claims::generate`, which makes nothing twice); every
//! claim of the quarters before the latest ended one is submitted by its carrier's
//! operator (`claims::submit`), approved by an official — reserving its total on the
//! appropriation for the quarter's year — (`claims::decide`) and paid by finance
//! with voucher number and date (`claims::pay`); of the latest ended quarter's
//! claims the first is submitted and waits for an official, the others wait for
//! their operators. A claim on record is taken from where it stands.

use super::steps::Seeding;
use fuhua_service::claims::{
    self, ClaimDecision, ClaimRecord, ClaimState, Initiator, PaymentInput, Quarter,
};
use fuhua_store::repo::claims::{self as repo, ClaimFilter};

use super::steps::{Users, failed};
use crate::DemoError;
use crate::model::DemoDistrict;
use crate::settlement::payment;

const STEP: &str = "settling quarters";

/// What an official writes when approving a demo claim.
const APPROVAL_NOTE: &str = "结算明细与已批准的减免台账一致，同意结算。";

/// Every claim of a quarter holds at most this many (one per carrier and source).
const PER_QUARTER: u64 = 10_000;

pub(super) async fn make(
    system: &Seeding,
    users: &mut Users<'_>,
    district: &DemoDistrict,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<(), DemoError> {
    let plan = &district.cases.settlement;
    let today = district.today;
    let quarters = plan.quarters();
    let total = quarters.len() as u64 * 2;
    let official = users.get(&plan.generated_by).await?;
    for (done, &quarter) in quarters.iter().enumerate() {
        progress(STEP, done as u64, total);
        claims::generate(
            system,
            Initiator::Official(&official),
            quarter,
            today,
            &mut |_| {},
        )
        .await
        .map_err(failed(format!("generating the claims of {quarter}")))?;
    }
    let waiting = plan.waiting_quarter();
    for (done, &quarter) in quarters.iter().enumerate() {
        progress(STEP, (quarters.len() + done) as u64, total);
        let filter = ClaimFilter {
            year: Some(quarter.year()),
            quarter: i32::try_from(quarter.number()).ok(),
            ..ClaimFilter::default()
        };
        let of_quarter = repo::list_claims(system.store(), &filter, PER_QUARTER).await?;
        for (index, claim) in of_quarter.into_iter().enumerate() {
            let target = if Some(quarter) != waiting {
                ClaimState::Paid
            } else if index == 0 {
                ClaimState::Submitted
            } else {
                continue;
            };
            advance(system, users, district, quarter, index, claim, target).await?;
        }
    }
    progress(STEP, total, total);
    Ok(())
}

/// Takes one claim, step by step, as far as `target` (submitted, or paid).
async fn advance(
    system: &Seeding,
    users: &mut Users<'_>,
    district: &DemoDistrict,
    quarter: Quarter,
    index: usize,
    mut claim: ClaimRecord,
    target: ClaimState,
) -> Result<(), DemoError> {
    let plan = &district.cases.settlement;
    let what = format!(
        "the {quarter} {} claim of {}",
        claim.funding_source.as_str(),
        claim.carrier_name
    );
    // At most three moves: submitted, approved, paid.
    for _ in 0..4 {
        match claim.state {
            ClaimState::Generated => {
                let operator = operator_of(district, &claim)?;
                let operator = users.get(operator).await?;
                claims::submit(system, &operator, claim.id, claim.version)
                    .await
                    .map_err(failed(format!("submitting {what}")))?;
            }
            ClaimState::Submitted if target == ClaimState::Paid => {
                let official = users.get(&plan.approved_by).await?;
                let decision = ClaimDecision {
                    approve: true,
                    note: APPROVAL_NOTE.to_owned(),
                };
                claims::decide(system, &official, claim.id, claim.version, &decision)
                    .await
                    .map_err(failed(format!("approving {what}")))?;
            }
            ClaimState::Approved if target == ClaimState::Paid => {
                let finance = users.get(&plan.paid_by).await?;
                let (voucher_no, paid_on) = payment(quarter, index, district.today);
                let input = PaymentInput {
                    voucher_no,
                    paid_on,
                };
                claims::pay(
                    system,
                    &finance,
                    claim.id,
                    claim.version,
                    &input,
                    district.today,
                )
                .await
                .map_err(failed(format!("paying {what}")))?;
            }
            _ => return Ok(()),
        }
        claim = repo::find_claim(system.store(), claim.id)
            .await?
            .ok_or_else(|| DemoError::Missing {
                what: format!("{what}, just moved"),
            })?;
    }
    Ok(())
}

/// The username of the operator of the claim's carrier.
fn operator_of<'a>(district: &'a DemoDistrict, claim: &ClaimRecord) -> Result<&'a str, DemoError> {
    district
        .carriers
        .iter()
        .find(|c| c.name == claim.carrier_name)
        .and_then(|c| district.operator_of(&c.code))
        .ok_or_else(|| DemoError::Missing {
            what: format!("the operator of {}", claim.carrier_name),
        })
}
