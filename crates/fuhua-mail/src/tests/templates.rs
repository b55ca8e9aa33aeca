use fuhua_core::lang::Lang;
use serde_json::json;

use super::{PUBLIC, href};
use crate::error::MailError;
use crate::templates::{EMAILS, FILES, Templates, find};

fn templates() -> Templates {
    Templates::new(PUBLIC).expect("every template compiles")
}

const FOOTER_ZH: &str = "本邮件由 孵化 Fuhua（西海岸新区创业载体服务平台）自动发送";
const FOOTER_EN: &str = "This message was sent by 孵化 Fuhua (西海岸新区创业载体服务平台";

#[test]
fn every_registered_email_renders_in_both_languages_and_ends_with_the_footer() {
    let t = templates();
    assert_eq!(EMAILS.len(), 14);
    for email in EMAILS {
        for lang in Lang::ALL {
            let r = t
                .render(email.name, lang, &email.sample())
                .unwrap_or_else(|e| panic!("{} {lang:?}: {e}", email.name));
            assert!(!r.subject.is_empty(), "{} {lang:?}", email.name);
            assert!(!r.subject.contains('\n'), "{} {lang:?}", email.name);
            assert!(!r.text.contains("{{") && !r.html.contains("{{"));
            let footer = lang.pick(FOOTER_ZH, FOOTER_EN);
            let last = r.text.trim_end().lines().last().unwrap_or_default();
            assert!(
                last.contains(footer) && last.ends_with(&format!("{PUBLIC}/")),
                "{} {lang:?} ends with {last:?}",
                email.name
            );
            assert!(r.html.contains(footer), "{} {lang:?}", email.name);
            assert!(r.html.contains(&href(&format!("{PUBLIC}/"))));
            assert!(r.html.contains(&format!("<html lang=\"{}\">", lang.tag())));
            if email.sample().get("url").is_some() {
                assert!(r.text.contains(&format!("{PUBLIC}/")), "{}", email.name);
            }
            // The language is the asked-for one.
            match lang {
                Lang::Zh => assert!(r.subject.starts_with("【孵化】"), "{}", r.subject),
                Lang::En => assert!(r.subject.starts_with("[Fuhua]"), "{}", r.subject),
            }
        }
    }
}

#[test]
fn every_folder_under_web_templates_email_is_registered_with_all_its_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/templates/email");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .expect("the email folder exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('_'))
        .collect();
    folders.sort();
    let mut names: Vec<String> = EMAILS.iter().map(|e| e.name.to_owned()).collect();
    names.sort();
    assert_eq!(folders, names);
    for name in &names {
        for file in FILES {
            assert!(root.join(name).join(file).is_file(), "{name}/{file}");
        }
    }
}

#[test]
fn an_unknown_template_is_an_error_not_a_panic() {
    let err = templates()
        .render("no_such_mail", Lang::Zh, &json!({}))
        .expect_err("unknown");
    assert!(matches!(err, MailError::UnknownTemplate(ref n) if n == "no_such_mail"));
    assert!(err.is_permanent());
    assert!(find("../relief_submitted").is_none());
}

#[test]
fn a_missing_field_is_an_error_under_strict_rendering() {
    let mut context = find("relief_submitted").expect("registered").sample();
    context
        .as_object_mut()
        .expect("object")
        .remove("applicant_name");
    let err = templates()
        .render("relief_submitted", Lang::En, &context)
        .expect_err("strict");
    assert!(matches!(err, MailError::Render { .. }), "{err}");
    assert!(err.to_string().contains("relief_submitted"), "{err}");
    assert!(
        templates()
            .render(
                "relief_submitted",
                Lang::En,
                &json!(["not", "an", "object"])
            )
            .is_err()
    );
}

#[test]
fn url_becomes_absolute_and_must_be_a_site_path() {
    let t = templates();
    let mut context = find("password_changed").expect("registered").sample();
    context["url"] = json!("/relief/12");
    let r = t
        .render("password_changed", Lang::Zh, &context)
        .expect("renders");
    assert!(r.text.contains("https://fuhua.example.cn/relief/12"));
    assert!(r.html.contains(&href("https://fuhua.example.cn/relief/12")));
    for bad in [
        "https://evil.example/x",
        "//evil.example/x",
        "relief/12",
        "/a b",
        "/a\r\nb",
        "/a\\b",
    ] {
        context["url"] = json!(bad);
        assert!(
            t.render("password_changed", Lang::Zh, &context).is_err(),
            "{bad:?} was accepted"
        );
    }
    context["url"] = json!(12);
    assert!(t.render("password_changed", Lang::Zh, &context).is_err());
}

#[test]
fn html_bodies_are_escaped_and_text_bodies_are_not() {
    let mut context = find("relief_disputed").expect("registered").sample();
    context["reason"] = json!("<script>alert(1)</script> & \"x\"");
    let r = templates()
        .render("relief_disputed", Lang::Zh, &context)
        .expect("renders");
    assert!(!r.html.contains("<script>"));
    assert!(
        r.html
            .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || r.html.contains("&lt;script&gt;")
    );
    assert!(r.html.contains("&amp;"));
    assert!(r.text.contains("<script>alert(1)</script> & \"x\""));
}

#[test]
fn decisions_read_as_approved_or_not() {
    let t = templates();
    let mut context = find("relief_decided").expect("registered").sample();
    let approved = t.render("relief_decided", Lang::Zh, &context).expect("ok");
    assert_eq!(approved.subject, "【孵化】房租减免申请已获批准（编号 12）");
    assert!(approved.text.contains("减免期间：2026-03-01 至 2029-02-28"));
    assert!(approved.text.contains("剩余减免月数：33"));
    context["approved"] = json!(false);
    context["reason_label"] = json!("不符合入驻条件");
    context["window_end"] = json!("");
    context["months_remaining"] = json!("");
    let rejected = t.render("relief_decided", Lang::En, &context).expect("ok");
    assert_eq!(
        rejected.subject,
        "[Fuhua] Rent relief application No. 12 not approved"
    );
    assert!(rejected.text.contains("Reason: 不符合入驻条件"));
    assert!(!rejected.text.contains("Relief period"));
    let mut ext = find("extension_requested").expect("registered").sample();
    ext["months"] = json!(1);
    let one = t.render("extension_requested", Lang::En, &ext).expect("ok");
    assert!(one.text.contains("by 1 month."), "{}", one.text);
}
