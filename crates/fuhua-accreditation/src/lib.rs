#![doc = include_str!("../README.md")]

mod carrier;
mod workflow;

pub use carrier::{Accreditation, Carrier, CarrierOffer, NotCounting, OfferReason};
pub use fuhua_core::vocab::{
    AccreditationStatus, CarrierKind, Founding, FundingSource, Level, Operation,
};
pub use workflow::{ApplicationState, RecordState};
