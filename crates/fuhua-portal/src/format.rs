//! Money and dates as people read them, in their language: ¥1,645.16 and
//! 2024年3月15日 / 15 Mar 2024. Registered as template filters `yuan` and `day`, and
//! the function `tr(zh, en)` that picks the page's language.

use chrono::NaiveDate;
use fuhua_core::Lang;
use minijinja::State;

/// "1645.16" (or "-12.5") → "¥1,645.16"; anything that is not a number is shown as is.
pub fn yuan(amount: &str) -> String {
    let text = amount.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return text.to_owned();
    }
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let cents = format!("{fraction:0<2}");
    format!(
        "{}¥{grouped}.{}",
        if negative { "-" } else { "" },
        &cents[..2.min(cents.len())]
    )
}

/// "2024-03-15" → "2024年3月15日" (zh) or "15 Mar 2024" (en); other text as is.
pub fn day(date: &str, lang: Lang) -> String {
    let Ok(d) = NaiveDate::parse_from_str(date.get(..10).unwrap_or(date), "%Y-%m-%d") else {
        return date.to_owned();
    };
    match lang {
        Lang::Zh => d.format("%Y年%-m月%-d日").to_string(),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

fn page_lang(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_code))
        .unwrap_or_default()
}

/// Registers `yuan`, `day` and `tr` on a template environment.
pub fn register(env: &mut minijinja::Environment<'static>) {
    env.add_filter("yuan", |value: minijinja::Value| yuan(&value.to_string()));
    env.add_filter("day", |state: &State, value: minijinja::Value| {
        day(&value.to_string(), page_lang(state))
    });
    env.add_function(
        "tr",
        |state: &State, zh: String, en: String| match page_lang(state) {
            Lang::Zh => zh,
            Lang::En => en,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_with_the_yuan_sign_and_two_decimals() {
        assert_eq!(yuan("1645.16"), "¥1,645.16");
        assert_eq!(yuan("5000000"), "¥5,000,000.00");
        assert_eq!(yuan("-12.5"), "-¥12.50");
        assert_eq!(yuan("999"), "¥999.00");
        assert_eq!(yuan("n/a"), "n/a");
    }

    #[test]
    fn dates_follow_the_language() {
        assert_eq!(day("2024-03-15", Lang::Zh), "2024年3月15日");
        assert_eq!(day("2024-03-15", Lang::En), "15 Mar 2024");
        assert_eq!(day("2026-11-27T08:00:00Z", Lang::Zh), "2026年11月27日");
        assert_eq!(day("soon", Lang::En), "soon");
    }
}
