//! One integration-test binary for the whole workspace.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_award;
mod api_errors;
mod api_evaluation;
mod api_strict;
mod api_waiver;
mod auth;
mod authz;
mod browser;
mod browser_access;
mod browser_import;
mod browser_journey;
mod calculator_strict;
mod chrome;
mod demo;
mod docs;
mod hardening;
mod helpers;
mod import_pages;
mod openapi;
mod openapi_limits;
mod pages;
mod raw;
mod relief_cases;
mod store_audit;
mod store_chain;
mod store_payments;
mod store_records;
mod tenant_import;
mod tenant_records;
mod tenant_roll;
mod two_servers;
mod world;
mod world_portal;
