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
mod browser_journey;
mod calculator_strict;
mod chrome;
mod demo;
mod docs;
mod hardening;
mod helpers;
mod monthly_reports;
mod openapi;
mod openapi_limits;
mod pages;
mod raw;
mod relief_cases;
mod reminders;
mod report_pages;
mod store_audit;
mod store_chain;
mod store_payments;
mod store_records;
mod two_servers;
mod world;
mod world_portal;
