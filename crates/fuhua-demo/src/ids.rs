//! Synthetic identifiers that pass their checksums (SPEC §2, §7): resident IDs of
//! region 370211, unified social credit codes of the district, mobile numbers.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use fuhua_core::ids::{CREDIT_ALPHABET, credit_check_char, resident_check_digit};
use rand::RngExt;
use rand::rngs::StdRng;

/// The district's administrative region code (黄岛区).
pub const REGION: &str = "370211";

/// Mobile prefixes the demo uses (13x, 15x, 18x).
const MOBILE_PREFIXES: [&str; 27] = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188",
    "189",
];

/// Completes 17 characters with the GB 32100-2015 check character. `None` when a
/// character is outside the alphabet or the length is wrong.
pub fn complete_credit(first17: &str) -> Option<String> {
    let check = credit_check_char(first17.as_bytes())?;
    Some(format!("{first17}{check}"))
}

/// Completes 17 digits with the GB 11643-1999 check digit.
pub fn complete_resident(first17: &str) -> Option<String> {
    let check = resident_check_digit(first17.as_bytes())?;
    Some(format!("{first17}{check}"))
}

/// A resident ID registered in 370211 for someone born on `birth`; the sequence's
/// last digit is odd for men and even for women (GB 11643-1999).
pub fn resident_id(birth: NaiveDate, sequence: u32, male: bool) -> Option<String> {
    let order = sequence % 100;
    let last = (sequence / 100) % 5 * 2 + u32::from(male);
    complete_resident(&format!(
        "{REGION}{}{order:02}{last}",
        birth.format("%Y%m%d")
    ))
}

/// A fresh resident ID for `birth`, unique within `taken`.
pub fn unique_resident_id(
    rng: &mut StdRng,
    birth: NaiveDate,
    male: bool,
    taken: &mut BTreeSet<String>,
) -> Option<String> {
    // Bounded: 500 sequences per birth date and gender, far more than 300 people need.
    for _ in 0..500 {
        let id = resident_id(birth, rng.random_range(0..500), male)?;
        if taken.insert(id.clone()) {
            return Some(id);
        }
    }
    None
}

/// A credit code of the district: `prefix` is "91" (enterprise), "92" (individual
/// business) or "12" (public institution); the body is 9 characters of the alphabet.
pub fn credit_code(prefix: &str, body: &str) -> Option<String> {
    complete_credit(&format!("{prefix}{REGION}{body}"))
}

/// A fresh credit code "{prefix}370211MA…" (the MA form of codes issued since 2015),
/// unique within `taken`.
pub fn unique_credit_code(
    rng: &mut StdRng,
    prefix: &str,
    taken: &mut BTreeSet<String>,
) -> Option<String> {
    let alphabet = CREDIT_ALPHABET.as_bytes();
    for _ in 0..100 {
        let mut body = String::from("MA");
        // The first character after MA is a region digit in real codes.
        body.push(char::from(b'0' + rng.random_range(1..10u8)));
        for _ in 0..6 {
            body.push(char::from(alphabet[rng.random_range(0..alphabet.len())]));
        }
        let code = credit_code(prefix, &body)?;
        if taken.insert(code.clone()) {
            return Some(code);
        }
    }
    None
}

/// A fresh 11-digit mobile number, unique within `taken`.
pub fn unique_mobile(rng: &mut StdRng, taken: &mut BTreeSet<String>) -> String {
    loop {
        let prefix = MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())];
        let number = format!("{prefix}{:08}", rng.random_range(0..100_000_000u32));
        if taken.insert(number.clone()) {
            return number;
        }
    }
}
