use base64::Engine as _;
use fuhua_core::lang::Lang;
use lettre::message::Mailbox;
use serde_json::json;

use super::PUBLIC;
use crate::error::MailError;
use crate::message::{MAX_HEADER_CHARS, build, header_text, recipient};
use crate::settings::DEFAULT_FROM;
use crate::templates::{Rendered, Templates, find};

fn from() -> Mailbox {
    DEFAULT_FROM.parse().expect("the default sender parses")
}

/// The header section of a formatted message, one entry per header with folded
/// continuation lines joined.
fn headers(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.push_str(line);
            }
        } else {
            out.push(line.to_owned());
        }
    }
    out
}

fn header<'a>(all: &'a [String], name: &str) -> Vec<&'a str> {
    all.iter()
        .filter_map(|h| {
            let (n, v) = h.split_once(':')?;
            n.eq_ignore_ascii_case(name).then_some(v.trim())
        })
        .collect()
}

/// Decodes a run of RFC 2047 `=?utf-8?b?…?=` words by hand.
fn decode_b_words(value: &str) -> String {
    let mut bytes = Vec::new();
    for word in value.split_whitespace() {
        let inner = word
            .strip_prefix("=?utf-8?b?")
            .and_then(|w| w.strip_suffix("?="))
            .unwrap_or_else(|| panic!("not a utf-8 b-word: {word}"));
        bytes.extend(
            base64::engine::general_purpose::STANDARD
                .decode(inner)
                .expect("base64"),
        );
    }
    String::from_utf8(bytes).expect("utf-8")
}

#[test]
fn a_chinese_subject_and_names_are_rfc2047_encoded_and_decode_back() {
    let templates = Templates::new(PUBLIC).expect("compiles");
    let email = find("relief_submitted").expect("registered");
    let rendered = templates
        .render(email.name, Lang::Zh, &email.sample())
        .expect("renders");
    let to = recipient("wang.jing@example.cn", Some("王静")).expect("valid");
    let raw = build(&from(), to, &rendered).expect("builds").formatted();
    assert!(raw.is_ascii(), "headers and bodies travel as 7-bit");
    let all = headers(&raw);
    let subject = header(&all, "Subject");
    assert_eq!(subject.len(), 1);
    assert!(subject[0].starts_with("=?utf-8?b?"), "{}", subject[0]);
    assert_eq!(decode_b_words(subject[0]), rendered.subject);
    assert!(rendered.subject.contains("青岛蓝海智能科技有限公司"));
    let to = header(&all, "To");
    assert_eq!(to.len(), 1);
    assert!(to[0].starts_with("=?utf-8?b?"), "{}", to[0]);
    assert!(to[0].ends_with("<wang.jing@example.cn>"), "{}", to[0]);
    let from = header(&all, "From");
    assert!(from[0].ends_with("<noreply@fuhua.local>"), "{}", from[0]);
    assert!(decode_b_words(from[0].trim_end_matches("<noreply@fuhua.local>")).contains("孵化"));
    // An independent parser agrees.
    let parsed = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("parses");
    assert_eq!(parsed.subject(), Some(rendered.subject.as_str()));
    let first = parsed.to().and_then(|a| a.first()).expect("to");
    assert_eq!(first.name(), Some("王静"));
    assert!(
        parsed
            .body_text(0)
            .expect("text")
            .contains("https://fuhua.example.cn/relief/12")
    );
}

#[test]
fn a_subject_with_crlf_never_creates_a_header() {
    let rendered = Rendered {
        subject: "审核通知\r\nBcc: x@y\r\n\r\nbody".into(),
        text: "正文".into(),
        html: "<p>正文</p>".into(),
    };
    for to in [
        recipient("li@example.cn", Some("李明\r\nBcc: x@y")).expect("valid"),
        recipient("li@example.cn", Some("Li Ming\nCc: z@y")).expect("valid"),
    ] {
        let raw = build(&from(), to, &rendered).expect("builds").formatted();
        let all = headers(&raw);
        assert!(header(&all, "Bcc").is_empty(), "{all:?}");
        assert!(header(&all, "Cc").is_empty(), "{all:?}");
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw)
            .expect("parses");
        assert_eq!(parsed.subject(), Some("审核通知 Bcc: x@y body"));
        assert!(parsed.header_raw("Bcc").is_none());
        assert_eq!(parsed.to().map(|a| a.iter().count()), Some(1));
    }
    // ASCII only: the value stays on one header line.
    let ascii = Rendered {
        subject: "Notice\r\nBcc: x@y".into(),
        ..rendered
    };
    let to = recipient("li@example.cn", None).expect("valid");
    let raw = build(&from(), to, &ascii).expect("builds").formatted();
    let all = headers(&raw);
    assert!(header(&all, "Bcc").is_empty(), "{all:?}");
    assert_eq!(header(&all, "Subject"), vec!["Notice Bcc: x@y"]);
}

#[test]
fn context_values_with_control_characters_reach_no_header_through_a_template() {
    let templates = Templates::new(PUBLIC).expect("compiles");
    let mut context = find("relief_submitted").expect("registered").sample();
    context["entity_name"] = json!("蓝海\r\nBcc: x@y\u{0}\u{7}");
    context["recipient_name"] = json!("王静\r\nBcc: x@y");
    let rendered = templates
        .render("relief_submitted", Lang::En, &context)
        .expect("renders");
    let to = recipient("wang@example.cn", Some("王静\r\nBcc: x@y")).expect("valid");
    let raw = build(&from(), to, &rendered).expect("builds").formatted();
    let all = headers(&raw);
    assert!(header(&all, "Bcc").is_empty(), "{all:?}");
    let parsed = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("parses");
    let subject = parsed.subject().expect("subject");
    assert!(!subject.chars().any(char::is_control), "{subject:?}");
    assert!(subject.contains("蓝海 Bcc: x@y"), "{subject:?}");
}

#[test]
fn header_text_removes_every_control_character_and_bounds_the_length() {
    assert_eq!(
        header_text("  a\tb\r\nc\u{0}d\u{7f}e\u{85}f\u{2028}g  "),
        "a b c d e f g"
    );
    assert_eq!(header_text("\r\n"), "");
    let long = "长".repeat(500);
    assert_eq!(header_text(&long).chars().count(), MAX_HEADER_CHARS);
}

#[test]
fn an_address_that_does_not_parse_is_a_permanent_error() {
    for bad in [
        "",
        "not an address",
        "a@b\r\nBcc: x@y",
        "王静",
        "<a@b.cn>",
        "a@",
    ] {
        let err = recipient(bad, Some("x")).expect_err(bad);
        assert!(matches!(err, MailError::Address), "{bad:?}");
        assert!(err.is_permanent());
    }
    let ok = recipient(" li@example.cn ", Some("  ")).expect("trimmed");
    assert_eq!(ok.email.to_string(), "li@example.cn");
    assert!(ok.name.is_none());
}
