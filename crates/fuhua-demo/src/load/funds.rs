//! The fund sources and their yearly appropriations (SPEC §3 fund sources), created
//! by the district's finance user through `finance::add_fund_source` and
//! `finance::add_appropriation`: the same checks, scope and audit rows as from the
//! finance pages. A source or an appropriation on record already is left alone.

use super::steps::Seeding;
use fuhua_core::vocab::FundingSource;
use fuhua_service::finance::{self, FundSourceInput};
use fuhua_store::repo::reference;

use super::steps::{Users, failed};
use crate::DemoError;
use crate::accounts::FINANCE;
use crate::model::DemoDistrict;

const STEP: &str = "funds";

pub(super) async fn make(
    system: &Seeding,
    users: &mut Users<'_>,
    district: &DemoDistrict,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<(), DemoError> {
    let store = system.store();
    let finance_user = users.get(FINANCE).await?;
    let sources = &district.fund_sources;
    let total = (sources.len() + district.appropriations.len()) as u64;
    let mut done = 0;
    for source in sources {
        progress(STEP, done, total);
        done += 1;
        if reference::find_fund_source_by_key(store, &source.code)
            .await?
            .is_some()
        {
            continue;
        }
        let jurisdiction_id = match source.kind {
            FundingSource::StreetTownBudget => Some(
                reference::find_jurisdiction_by_code(store, &source.jurisdiction)
                    .await?
                    .ok_or_else(|| DemoError::Missing {
                        what: format!("the street or town {}", source.jurisdiction),
                    })?
                    .id,
            ),
            _ => None,
        };
        let input = FundSourceInput {
            kind: source.kind,
            name: source.name.clone(),
            jurisdiction_id,
        };
        finance::add_fund_source(system, &finance_user, &input)
            .await
            .map_err(failed(format!("creating the fund source {}", source.code)))?;
    }
    for a in &district.appropriations {
        progress(STEP, done, total);
        done += 1;
        let source = reference::find_fund_source_by_key(store, &a.fund_source)
            .await?
            .ok_or_else(|| DemoError::Missing {
                what: format!("the fund source {}", a.fund_source),
            })?;
        if reference::find_appropriation(store, source.id, a.year)
            .await?
            .is_some()
        {
            continue;
        }
        finance::add_appropriation(system, &finance_user, source.id, a.year, a.amount)
            .await
            .map_err(failed(format!(
                "recording the {} appropriation of {}",
                a.year, a.fund_source
            )))?;
    }
    progress(STEP, total, total);
    Ok(())
}
