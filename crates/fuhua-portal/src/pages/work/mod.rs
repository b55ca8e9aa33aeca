//! The signed-in portal: each role's dashboard and the pages of the rent-relief
//! journey. Handlers are thin: read the form, call one use case, render or redirect.
//! Every POST answers with a redirect to a GET page on success (the back button
//! never re-posts a decision); a form that fails is shown again with what the user
//! typed and a message at each field.

pub mod dashboard;
pub mod entity;
pub mod extension;
pub mod ledger;
pub mod relief;
mod render;

pub use render::{Work, redirect};
