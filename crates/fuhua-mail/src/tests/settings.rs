use std::path::Path;

use crate::error::MailError;
use crate::settings::{DEFAULT_PUBLIC_URL, Delivery, MailSettings, SmtpUrl};

#[test]
fn defaults_write_files_under_the_data_dir_from_the_platform_sender() {
    let s = MailSettings::new(None, Some("  "), None, Path::new("/srv/fuhua")).expect("defaults");
    assert_eq!(s.delivery, Delivery::Files("/srv/fuhua/mail".into()));
    assert_eq!(s.from.email.to_string(), "noreply@fuhua.local");
    assert_eq!(s.from.name.as_deref(), Some("孵化 Fuhua"));
    assert_eq!(s.public_url, DEFAULT_PUBLIC_URL);
    let s = MailSettings::new(
        Some("smtps://mailer:s3cr%40t@smtp.example.cn:465"),
        Some("西海岸新区 <fuhua@example.cn>"),
        Some("https://fuhua.example.cn/portal/"),
        Path::new("."),
    )
    .expect("valid");
    assert_eq!(s.public_url, "https://fuhua.example.cn/portal");
    assert!(matches!(s.delivery, Delivery::Smtp(_)));
}

#[test]
fn smtp_passwords_never_show_in_debug_or_logs() {
    let url =
        SmtpUrl::parse("smtp://mailer:hunter2@smtp.example.cn:587?tls=required").expect("valid");
    assert!(!format!("{url:?}").contains("hunter2"));
    assert!(url.redacted().contains("mailer:***@smtp.example.cn"));
    let settings = MailSettings::new(
        Some("smtp://mailer:hunter2@smtp.example.cn:587?tls=required"),
        None,
        None,
        Path::new("."),
    )
    .expect("valid");
    let shown = format!("{settings:?}");
    assert!(
        !shown.contains("hunter2") && shown.contains("***"),
        "{shown}"
    );
}

#[test]
fn bad_settings_name_the_setting() {
    /// SMTP URL, sender, public URL, and the setting the error must name.
    type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, &'a str);
    let cases: [Case; 6] = [
        (Some("http://smtp.example.cn"), None, None, "FUHUA_SMTP_URL"),
        (Some("smtp://"), None, None, "FUHUA_SMTP_URL"),
        (None, Some("no address here"), None, "FUHUA_MAIL_FROM"),
        (
            None,
            Some("x <a@b.cn>\r\nBcc: y@z.cn"),
            None,
            "FUHUA_MAIL_FROM",
        ),
        (None, None, Some("fuhua.example.cn"), "FUHUA_PUBLIC_URL"),
        (
            None,
            None,
            Some("https://fuhua.example.cn/?a=1"),
            "FUHUA_PUBLIC_URL",
        ),
    ];
    for (smtp, from, public, setting) in cases {
        let err = MailSettings::new(smtp, from, public, Path::new(".")).expect_err(setting);
        assert!(
            matches!(err, MailError::Config { setting: s, .. } if s == setting),
            "{err}"
        );
    }
}
