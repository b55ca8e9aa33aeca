//! What a new password, username, name, phone or email must be (issue 6 point 2):
//! a password has at least 10 characters, neither is nor contains the username, and
//! is not one of the common passwords bundled in `common-passwords.txt` (compared
//! in lowercase; see `COMMON-PASSWORDS.md` for where the list comes from).

use fuhua_core::Problem;

/// The shortest password a user may set.
pub const MIN_PASSWORD_CHARS: usize = fuhua_store::password::MIN_PASSWORD_CHARS;
/// The longest password accepted (argon2 takes any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 200;

/// 19,640 common passwords, lowercase, one a line.
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// Whether a password is one of the bundled common passwords (in lowercase).
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON_PASSWORDS.lines().any(|line| line == lower)
}

/// How usernames are compared and hashed for throttling: trimmed and lowercased.
pub fn normalise_username(username: &str) -> String {
    username.trim().to_lowercase()
}

/// The problems of a new password for `username`, named after `field`.
pub fn password_problems(field: &str, username: &str, password: &str) -> Vec<Problem> {
    let chars = password.chars().count();
    let mut problems = Vec::new();
    if chars < MIN_PASSWORD_CHARS {
        problems.push(Problem::new(
            field,
            "too_short",
            format!("密码至少需要{MIN_PASSWORD_CHARS}个字符"),
            format!("The password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
        return problems;
    }
    if chars > MAX_PASSWORD_CHARS {
        problems.push(Problem::new(
            field,
            "too_long",
            format!("密码最多{MAX_PASSWORD_CHARS}个字符"),
            format!("The password may have at most {MAX_PASSWORD_CHARS} characters"),
        ));
        return problems;
    }
    let name = normalise_username(username);
    if !name.is_empty() && password.to_lowercase().contains(&name) {
        problems.push(Problem::new(
            field,
            "contains_username",
            "密码不能是用户名，也不能包含用户名",
            "The password must not be or contain the username",
        ));
    }
    if is_common_password(password) {
        problems.push(Problem::new(
            field,
            "common",
            "这个密码太常见，很容易被猜到，请换一个",
            "This password is too common and easy to guess; choose another",
        ));
    }
    problems
}

/// The problems of a username for a new account (3–40 lowercase letters, digits,
/// “.”, “-” or “_”).
pub fn username_problems(field: &str, username: &str) -> Vec<Problem> {
    if username.trim().is_empty() {
        return vec![required(field, "用户名", "username")];
    }
    match fuhua_store::repo::people::check_username(username) {
        Ok(()) => Vec::new(),
        Err(_) => vec![Problem::new(
            field,
            "invalid_username",
            "用户名为3–40个字符，只能使用小写字母、数字、“.”、“-”或“_”",
            "A username has 3–40 characters: lowercase letters, digits, “.”, “-” or “_”",
        )],
    }
}

/// “This field is required.”
pub fn required(field: &str, zh: &str, en: &str) -> Problem {
    Problem::new(
        field,
        "required",
        format!("请填写{zh}"),
        format!("Enter the {en}"),
    )
}

/// Whether a text holds control characters (CR, LF, tab …), which never belong in a
/// name or an address and must never reach a mail header.
pub fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// A person's name: 1–50 characters without control characters. Returns it trimmed.
pub fn parse_name(field: &str, name: &str) -> Result<String, Problem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(required(field, "姓名", "name"));
    }
    if name.chars().count() > 50 || has_control(name) {
        return Err(Problem::new(
            field,
            "invalid_name",
            "姓名最多50个字符，不能包含换行等控制字符",
            "A name has at most 50 characters and no line breaks or other control characters",
        ));
    }
    Ok(name.to_owned())
}

/// A phone number: 7–15 digits once spaces, dashes and a leading + are dropped.
/// Returns the digits.
pub fn parse_phone(field: &str, phone: &str) -> Result<String, Problem> {
    if phone.trim().is_empty() {
        return Err(required(field, "手机号码", "phone number"));
    }
    let digits = fuhua_store::repo::people::normalise_phone(phone);
    let allowed = fuhua_core::ids::normalise(phone)
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'));
    if !allowed || !(7..=15).contains(&digits.len()) {
        return Err(Problem::new(
            field,
            "invalid_phone",
            "请填写7–15位数字的电话号码，如 13800000000",
            "Enter a phone number of 7–15 digits, e.g. 13800000000",
        ));
    }
    Ok(digits)
}

/// An email address: one “@” with text on both sides, a dot in the domain, no
/// spaces or control characters, at most 254 characters. Returns it trimmed.
pub fn parse_email(field: &str, email: &str) -> Result<String, Problem> {
    let email = email.trim();
    if email.is_empty() {
        return Err(required(field, "电子邮箱", "email address"));
    }
    let well_formed = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.'));
    if well_formed {
        Ok(email.to_owned())
    } else {
        Err(Problem::new(
            field,
            "invalid_email",
            "请填写有效的电子邮箱，如 name@example.com",
            "Enter a valid email address, e.g. name@example.com",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn a_password_needs_ten_characters_and_counts_characters_not_bytes() {
        assert_eq!(
            codes(&password_problems("p", "chen", "short")),
            ["too_short"]
        );
        assert_eq!(
            codes(&password_problems("p", "chen", "九个汉字九个汉字九")),
            ["too_short"]
        );
        assert!(password_problems("p", "chen", "十个汉字的密码真的够长").is_empty());
        assert_eq!(
            codes(&password_problems("p", "chen", &"x".repeat(201))),
            ["too_long"]
        );
    }

    #[test]
    fn a_password_may_not_be_or_contain_the_username_in_any_case() {
        assert_eq!(
            codes(&password_problems("p", "chenxiaoyu", "chenxiaoyu")),
            ["contains_username"]
        );
        assert_eq!(
            codes(&password_problems("p", "chen.xy", "My-CHEN.XY-2026!")),
            ["contains_username"]
        );
        assert!(password_problems("p", "chen.xy", "tidal-lantern-47").is_empty());
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert!(COMMON_PASSWORDS.lines().count() > 19_000);
        assert!(is_common_password("1234567890"));
        assert!(is_common_password("PassWord123"));
        assert!(is_common_password("qwertyuiop"));
        assert_eq!(
            codes(&password_problems("p", "chen", "Qwertyuiop")),
            ["common"]
        );
        assert!(!is_common_password("tidal-lantern-47"));
    }

    #[test]
    fn names_phones_and_emails_refuse_what_would_break_a_mail_header() {
        assert_eq!(parse_name("name", "  陈晓雨 ").unwrap(), "陈晓雨");
        assert_eq!(
            parse_name("name", "陈晓雨\r\nBcc: x@example.org")
                .unwrap_err()
                .code,
            "invalid_name"
        );
        assert_eq!(parse_name("name", " ").unwrap_err().code, "required");
        assert_eq!(
            parse_phone("phone", "138 0000 0000").unwrap(),
            "13800000000"
        );
        assert_eq!(
            parse_phone("phone", "１３８００００００００").unwrap(),
            "13800000000"
        );
        assert_eq!(
            parse_phone("phone", "call me").unwrap_err().code,
            "invalid_phone"
        );
        assert_eq!(parse_email("email", " a@b.cn ").unwrap(), "a@b.cn");
        for bad in [
            "a@b",
            "@b.cn",
            "a b@c.cn",
            "a@b.cn\r\nBcc: x@y.cn",
            "a@@b.cn",
            "a@.cn",
        ] {
            assert_eq!(
                parse_email("email", bad).unwrap_err().code,
                "invalid_email",
                "{bad}"
            );
        }
    }

    #[test]
    fn usernames_follow_the_account_rule() {
        assert!(username_problems("u", "chen.xy").is_empty());
        assert_eq!(codes(&username_problems("u", "Chen")), ["invalid_username"]);
        assert_eq!(codes(&username_problems("u", "")), ["required"]);
    }
}
