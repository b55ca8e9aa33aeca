//! Fuhua's integration tests live in `integration/`: one test binary; each test
//! starts its own server on port 0 (see `integration/helpers.rs`).
