//! Money in yuan with two decimals (SPEC §2).
//!
//! Every rounding is to 0.01, half away from zero, applied once to each value a
//! row shows; totals are sums of rounded rows. Stored as integer fen.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Rounds to 0.01, half away from zero (SPEC §2: not banker's rounding).
pub fn round2(value: Decimal) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

/// The largest amount Fuhua accepts: one trillion yuan, far above any budget,
/// and small enough that fen always fit in an `i64`.
pub const MAX_YUAN: i64 = 1_000_000_000_000;

/// Why a text or number is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount is empty")]
    Empty,
    #[error("amount is not a number")]
    NotANumber,
    #[error("amount has more than 2 decimals")]
    TooManyDecimals,
    #[error("amount is negative")]
    Negative,
    #[error("amount is larger than 1,000,000,000,000.00 yuan")]
    TooLarge,
}

/// An amount of yuan, always with exactly two decimals.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Whole yuan.
    pub fn yuan(yuan: i64) -> Money {
        Money::round(Decimal::from(yuan))
    }

    /// Rounds any decimal to money (half away from zero).
    pub fn round(value: Decimal) -> Money {
        Money(round2(value))
    }

    /// Accepts a decimal that already has at most two decimals, within ±`MAX_YUAN`.
    pub fn exact(value: Decimal) -> Result<Money, MoneyError> {
        if value.normalize().scale() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        if value.abs() > Decimal::from(MAX_YUAN) {
            return Err(MoneyError::TooLarge);
        }
        Ok(Money::round(value))
    }

    /// Parses a non-negative amount as typed by a person or sent in JSON:
    /// "3000", "3000.5", "3000.50"; at most two decimals.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let money = Money::parse_signed(text)?;
        if money.is_negative() {
            return Err(MoneyError::Negative);
        }
        Ok(money)
    }

    /// Like [`Money::parse`] but allows a leading minus (adjustment rows).
    pub fn parse_signed(text: &str) -> Result<Money, MoneyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        // Plain decimal notation only: no exponents, no thousands separators.
        let body = text.strip_prefix('-').unwrap_or(text);
        let plain = !body.is_empty()
            && body.chars().all(|c| c.is_ascii_digit() || c == '.')
            && body.chars().filter(|&c| c == '.').count() <= 1
            && body.chars().any(|c| c.is_ascii_digit());
        if !plain {
            return Err(MoneyError::NotANumber);
        }
        if let Some((_, frac)) = body.split_once('.')
            && frac.trim_end_matches('0').len() > 2
        {
            return Err(MoneyError::TooManyDecimals);
        }
        let integer_digits = body.split('.').next().unwrap_or_default();
        if integer_digits.trim_start_matches('0').len() > 13 {
            return Err(MoneyError::TooLarge);
        }
        let value = Decimal::from_str(text).map_err(|_| MoneyError::NotANumber)?;
        Money::exact(value)
    }

    /// Integer fen, exact (the database representation).
    pub fn from_fen(fen: i64) -> Money {
        let mut value = Decimal::from(fen);
        // Cannot fail: scale 2 is within rust_decimal's limit of 28.
        let _ = value.set_scale(2);
        Money(value)
    }

    /// Integer fen, exact.
    pub fn to_fen(self) -> i64 {
        let mut value = self.0;
        value.rescale(2);
        // |value| ≤ MAX_YUAN, so the mantissa fits comfortably in an i64.
        i64::try_from(value.mantissa()).unwrap_or(if value.is_sign_negative() {
            i64::MIN
        } else {
            i64::MAX
        })
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn min(self, other: Money) -> Money {
        if self <= other { self } else { other }
    }

    pub fn max(self, other: Money) -> Money {
        if self >= other { self } else { other }
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money::round(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money::round(self.0 - rhs.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = self.0;
        value.rescale(2);
        write!(f, "{value}")
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        Money::parse_signed(s)
    }
}

/// Money travels as a decimal string: "3000.00".
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        let text = String::deserialize(deserializer)?;
        Money::parse_signed(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounding_is_half_away_from_zero_not_bankers() {
        assert_eq!(round2(d("0.125")).to_string(), "0.13");
        assert_eq!(round2(d("0.135")).to_string(), "0.14");
        assert_eq!(round2(d("-0.125")).to_string(), "-0.13");
        assert_eq!(round2(d("1645.1612903")).to_string(), "1645.16");
        assert_eq!(round2(d("7")).to_string(), "7.00");
    }

    #[test]
    fn parses_typed_amounts() {
        assert_eq!(Money::parse("3000").unwrap().to_string(), "3000.00");
        assert_eq!(Money::parse(" 3000.5 ").unwrap().to_string(), "3000.50");
        assert_eq!(Money::parse("3000.500").unwrap().to_string(), "3000.50");
        assert_eq!(Money::parse("0.01").unwrap().to_fen(), 1);
    }

    #[test]
    fn refuses_what_is_not_money() {
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
        assert_eq!(Money::parse("3,000"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("1e3"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("."), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("3000.001"), Err(MoneyError::TooManyDecimals));
        assert_eq!(Money::parse("-1"), Err(MoneyError::Negative));
        assert_eq!(Money::parse("99999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(Money::parse_signed("-12.30").unwrap().to_fen(), -1230);
    }

    #[test]
    fn fen_round_trip_is_exact() {
        for fen in [0, 1, 99, 100, 164_516, -1230, MAX_YUAN * 100] {
            assert_eq!(Money::from_fen(fen).to_fen(), fen);
        }
        assert_eq!(Money::from_fen(164_516).to_string(), "1645.16");
    }

    #[test]
    fn serializes_as_a_two_decimal_string() {
        let json = serde_json::to_string(&Money::yuan(3000)).unwrap();
        assert_eq!(json, "\"3000.00\"");
        let back: Money = serde_json::from_str("\"12.5\"").unwrap();
        assert_eq!(back, Money::parse("12.50").unwrap());
    }
}
