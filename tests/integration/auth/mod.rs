//! Signing in and web safety over HTTP (issue 6 points 2 and 3): login, throttling,
//! sessions, logout, CSRF and Origin checks, registration and link proof, and every
//! README demo account.

mod app;
mod demo_accounts;
mod forms;
mod login;
mod sessions;
