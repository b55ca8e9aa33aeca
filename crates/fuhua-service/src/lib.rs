//! Fuhua's use cases, shared by the portal and the command line: load, decide with
//! the rule crates, persist through the store, enqueue mail. Owns authorization
//! decisions as the workflows arrive.

pub mod accounts;
pub mod actor;
pub mod auth;
pub mod claims;
pub mod entrepreneur;
pub mod error;
pub mod extension;
pub mod finance;
pub mod inbox;
pub mod relief;
pub mod reminders;
pub mod reports;
pub mod roll;
pub mod scope;
pub mod stats;
pub mod system;
pub mod tenants;

pub use actor::{Grant, Role};
pub use error::{ServiceError, ServiceResult};
pub use fuhua_store::audit::{Broken, Checkpoint, Verification};
/// The name an audit row records (a user or `system:cli`); the acting user of a use
/// case is [`actor::Actor`].
pub use fuhua_store::{Actor, StoreError};
pub use system::{Settings, System, open_store};
