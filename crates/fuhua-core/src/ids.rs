//! National identifiers, built only by parsing (SPEC §2).
//!
//! - Resident ID (居民身份证号), GB 11643-1999: 18 characters, check digit, real
//!   birth date not in the future.
//! - Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters
//!   over "0123456789ABCDEFGHJKLMNPQRTUWXY" with a check character.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

/// GB 11643-1999 weights of the first 17 digits.
const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// GB 11643-1999: (sum mod 11) indexes this string.
const RESIDENT_CHECK: &[u8; 11] = b"10X98765432";

/// GB 32100-2015 alphabet (no I, O, S, V, Z).
pub const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100-2015 weights of the first 17 characters.
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a text is not a valid identifier. Positions are 1-based, as people count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must be 18 characters, got {0}")]
    Length(usize),
    #[error("character {position} is not allowed here")]
    Character { position: usize },
    #[error("the birth date in the number is not a real date")]
    BirthDate,
    #[error("the birth date in the number is in the future")]
    BirthDateInFuture,
    #[error("the check character does not match (expected {expected})")]
    Checksum { expected: char },
}

impl IdError {
    /// A stable machine code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            IdError::Length(_) => "length",
            IdError::Character { .. } => "invalid_character",
            IdError::BirthDate => "invalid_birth_date",
            IdError::BirthDateInFuture => "birth_date_in_future",
            IdError::Checksum { .. } => "checksum",
        }
    }

    /// The message in Chinese and English; never repeats the identifier itself.
    pub fn text(&self) -> crate::Text {
        match self {
            IdError::Length(n) => crate::Text::new(
                format!("应为18位，实际为{n}位"),
                format!("must be 18 characters, got {n}"),
            ),
            IdError::Character { position } => crate::Text::new(
                format!("第{position}位字符不合法"),
                format!("character {position} is not allowed"),
            ),
            IdError::BirthDate => crate::Text::new(
                "号码中的出生日期不是有效日期",
                "the birth date in the number is not a real date",
            ),
            IdError::BirthDateInFuture => crate::Text::new(
                "号码中的出生日期晚于今天",
                "the birth date in the number is in the future",
            ),
            IdError::Checksum { .. } => crate::Text::new(
                "校验位不正确，请核对号码",
                "the check character does not match; please check the number",
            ),
        }
    }
}

/// Normalises what people type or paste: trims, turns full-width digits and letters
/// into ASCII and upper-cases letters (a lowercase x is the check digit X).
pub fn normalise(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The GB 11643-1999 check digit of the first 17 digits.
pub fn resident_check_digit(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17
        .iter()
        .zip(RESIDENT_WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    Some(char::from(RESIDENT_CHECK[(sum % 11) as usize]))
}

/// The GB 32100-2015 check character of the first 17 characters.
pub fn credit_check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(CREDIT_WEIGHTS) {
        let value = CREDIT_ALPHABET.bytes().position(|a| a == *c)? as u32;
        sum += value * w;
    }
    let index = (31 - sum % 31) % 31;
    CREDIT_ALPHABET.chars().nth(index as usize)
}

/// A resident identity card number whose check digit and birth date were verified.
///
/// `Debug` shows it masked so that it never reaches a log in clear.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId(String);

impl ResidentId {
    /// Parses with today's date in Asia/Shanghai as the limit for the birth date.
    pub fn parse(text: &str) -> Result<ResidentId, IdError> {
        ResidentId::parse_as_of(text, crate::dates::shanghai_today())
    }

    /// Parses, refusing birth dates after `today`.
    pub fn parse_as_of(text: &str, today: NaiveDate) -> Result<ResidentId, IdError> {
        let id = normalise(text);
        let chars: Vec<char> = id.chars().collect();
        if chars.len() != 18 {
            return Err(IdError::Length(chars.len()));
        }
        for (i, c) in chars.iter().enumerate() {
            let allowed = c.is_ascii_digit() || (i == 17 && *c == 'X');
            if !allowed {
                return Err(IdError::Character { position: i + 1 });
            }
        }
        let bytes = id.as_bytes();
        let number = |range: std::ops::Range<usize>| -> Option<u32> { id.get(range)?.parse().ok() };
        let birth = match (number(6..10), number(10..12), number(12..14)) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        };
        let birth = birth
            .filter(|b| b.year() >= 1900)
            .ok_or(IdError::BirthDate)?;
        if birth > today {
            return Err(IdError::BirthDateInFuture);
        }
        let expected =
            resident_check_digit(&bytes[..17]).ok_or(IdError::Character { position: 1 })?;
        if char::from(bytes[17]) != expected {
            return Err(IdError::Checksum { expected });
        }
        Ok(ResidentId(id))
    }

    /// The full number, for the person and the deciding official only.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First 4 and last 4 visible (SPEC §2): `3702**********123X`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    pub fn birth_date(&self) -> NaiveDate {
        let part = |r: std::ops::Range<usize>| -> u32 {
            self.0.get(r).and_then(|s| s.parse().ok()).unwrap_or(1)
        };
        NaiveDate::from_ymd_opt(part(6..10) as i32, part(10..12), part(12..14))
            .unwrap_or(NaiveDate::MIN)
    }

    /// The six-digit administrative region code of registration.
    pub fn region(&self) -> &str {
        self.0.get(..6).unwrap_or_default()
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

/// Masks all but the first 4 and last 4 characters of an identifier.
pub fn mask(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let mut out = String::with_capacity(chars.len());
    out.extend(&chars[..4]);
    out.extend(std::iter::repeat_n('*', chars.len() - 8));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// A unified social credit code whose check character was verified.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(text: &str) -> Result<CreditCode, IdError> {
        let code = normalise(text);
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(IdError::Length(chars.len()));
        }
        for (i, c) in chars.iter().enumerate() {
            if !CREDIT_ALPHABET.contains(*c) {
                return Err(IdError::Character { position: i + 1 });
            }
        }
        let bytes = code.as_bytes();
        let expected = credit_check_char(&bytes[..17]).ok_or(IdError::Character { position: 1 })?;
        if char::from(bytes[17]) != expected {
            return Err(IdError::Checksum { expected });
        }
        Ok(CreditCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.0)
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CreditCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    /// The example number of GB 11643-1999 itself.
    const STANDARD_EXAMPLE: &str = "11010519491231002X";

    #[test]
    fn accepts_the_standard_example() {
        let id = ResidentId::parse_as_of(STANDARD_EXAMPLE, today()).unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "ResidentId(1101**********002X)");
    }

    #[test]
    fn normalises_lowercase_x_and_full_width_digits() {
        let typed = "１１０１０５１９４９１２３１００２x";
        let id = ResidentId::parse_as_of(typed, today()).unwrap();
        assert_eq!(id.as_str(), STANDARD_EXAMPLE);
    }

    #[test]
    fn names_what_is_wrong_with_a_resident_id() {
        let p = |s| ResidentId::parse_as_of(s, today());
        assert_eq!(p("1101051949123100"), Err(IdError::Length(16)));
        assert_eq!(
            p("11010519491231002Y"),
            Err(IdError::Character { position: 18 })
        );
        assert_eq!(
            p("1101051949123A002X"),
            Err(IdError::Character { position: 14 })
        );
        assert_eq!(
            p("110105194912310021"),
            Err(IdError::Checksum { expected: 'X' })
        );
        // 2023-02-30 is not a date; the check digit is right for the 17 digits.
        let bad_date = complete_resident("37021120230230123");
        assert_eq!(p(&bad_date), Err(IdError::BirthDate));
        let future = complete_resident("37021120300101123");
        assert_eq!(p(&future), Err(IdError::BirthDateInFuture));
    }

    #[test]
    fn checks_credit_codes() {
        // A synthetic code of a company registered in 370211, completed with its check character.
        let code = complete_credit("91370211MA3C8D6E5");
        assert!(CreditCode::parse(&code).is_ok());
        assert_eq!(
            CreditCode::parse(&code.to_lowercase()).unwrap().as_str(),
            code
        );
        let mut wrong = code.clone().into_bytes();
        wrong[17] = if wrong[17] == b'0' { b'1' } else { b'0' };
        let wrong = String::from_utf8(wrong).unwrap();
        assert!(matches!(
            CreditCode::parse(&wrong),
            Err(IdError::Checksum { .. })
        ));
        assert_eq!(
            CreditCode::parse("91370211MA3C8D6E5I"),
            Err(IdError::Character { position: 18 })
        );
        assert_eq!(CreditCode::parse("913702"), Err(IdError::Length(6)));
    }

    #[test]
    fn gb32100_check_of_a_known_code() {
        // 91110000600037341L is a widely published code; its check character is L.
        assert!(CreditCode::parse("91110000600037341L").is_ok());
        assert_eq!(credit_check_char(b"91110000600037341"), Some('L'));
    }

    fn complete_resident(first17: &str) -> String {
        format!(
            "{first17}{}",
            resident_check_digit(first17.as_bytes()).unwrap()
        )
    }

    fn complete_credit(first17: &str) -> String {
        format!(
            "{first17}{}",
            credit_check_char(first17.as_bytes()).unwrap()
        )
    }

    fn resident_strategy() -> impl Strategy<Value = String> {
        (
            100_000u32..=999_999,
            NaiveDate::from_ymd_opt(1930, 1, 1)
                .unwrap()
                .num_days_from_ce()..=today().num_days_from_ce(),
            0u32..=999,
        )
            .prop_map(|(region, days, seq)| {
                let birth = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
                complete_resident(&format!("{region}{}{seq:03}", birth.format("%Y%m%d")))
            })
    }

    fn credit_strategy() -> impl Strategy<Value = String> {
        proptest::collection::vec(0usize..31, 17).prop_map(|picks| {
            let first17: String = picks
                .into_iter()
                .map(|i| CREDIT_ALPHABET.as_bytes()[i] as char)
                .collect();
            complete_credit(&first17)
        })
    }

    proptest! {
        #[test]
        fn every_generated_resident_id_parses(id in resident_strategy()) {
            prop_assert!(ResidentId::parse_as_of(&id, today()).is_ok());
        }

        #[test]
        fn every_single_character_change_of_a_resident_id_is_rejected(
            id in resident_strategy(), position in 0usize..18, replacement in 0usize..11,
        ) {
            let alphabet = b"0123456789X";
            let mut bytes = id.clone().into_bytes();
            let new = alphabet[replacement];
            prop_assume!(bytes[position] != new);
            bytes[position] = new;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(ResidentId::parse_as_of(&changed, today()).is_err(), "{} accepted", changed);
        }

        #[test]
        fn every_generated_credit_code_parses(code in credit_strategy()) {
            prop_assert!(CreditCode::parse(&code).is_ok());
        }

        #[test]
        fn every_single_character_change_of_a_credit_code_is_rejected(
            code in credit_strategy(), position in 0usize..18, replacement in 0usize..31,
        ) {
            let mut bytes = code.clone().into_bytes();
            let new = CREDIT_ALPHABET.as_bytes()[replacement];
            prop_assume!(bytes[position] != new);
            bytes[position] = new;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(CreditCode::parse(&changed).is_err(), "{} accepted", changed);
        }
    }
}
