//! One integration-test binary for the whole workspace.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_award;
mod api_errors;
mod api_evaluation;
mod api_waiver;
mod auth;
mod browser;
mod demo;
mod docs;
mod helpers;
mod openapi;
mod pages;
mod store_chain;
mod store_payments;
mod store_records;
