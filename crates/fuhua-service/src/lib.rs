//! Fuhua's use cases: load, decide with the rule crates, persist, enqueue mail.

pub mod demo;
