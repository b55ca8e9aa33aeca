//! Why loading the demo failed.

use fuhua_service::ServiceError;
use fuhua_store::StoreError;

/// A failed [`crate::load()`].
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The district could not be written (nothing of it was), or the database holds
    /// other data (`StoreError::Invalid`, nothing written either).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The district was written, but what its people do (rent-relief cases, funds,
    /// monthly reports, settlement claims) could not all be made through the use
    /// cases. The district stays loaded; `step` names the case and the action,
    /// `source` what the use case answered.
    #[error(
        "the demo district was loaded, but making its cases through the use cases failed at {step}: {}",
        describe(.source)
    )]
    Cases {
        step: String,
        #[source]
        source: ServiceError,
    },
    /// The district is loaded, but a record or account a planned case needs is not
    /// (a district loaded on another day than the cases are planned for).
    #[error(
        "the demo district is loaded, but its cases cannot be made: {what} is not on record (was the district loaded on another day?); load the demo into an empty database to have them"
    )]
    Missing { what: String },
}

/// A use case's answer in words (a field list alone says too little here).
fn describe(error: &ServiceError) -> String {
    match error {
        ServiceError::Invalid(problems) => problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message.en))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
