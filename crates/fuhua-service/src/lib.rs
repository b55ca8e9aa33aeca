//! Fuhua's use cases, shared by the portal and the command line: load, decide with
//! the rule crates, persist through the store, enqueue mail. Owns authorization
//! decisions as the workflows arrive.

pub mod accounts;
pub mod demo;
pub mod system;

pub use fuhua_store::audit::{Broken, Verification};
pub use fuhua_store::{Actor, StoreError};
pub use system::{Settings, System};
