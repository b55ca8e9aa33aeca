//! The calculator page takes one value per input and only the yes/no values it
//! offers: anything else is an error at that input on the re-shown form, not a guess.

use crate::helpers::TestApp;

const FORM: &str = "/?calc=1&lang=en&group=other&s0_kind=incubation_base&s0_founding=gov_invested&s0_move_in=2024-03-15&s0_rent=3000&as_of=2024-05-31";

async fn page(app: &TestApp, extra: &str) -> (u16, String) {
    let response = app.get(&format!("{FORM}{extra}")).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn error_at(html: &str, input: &str) -> Option<String> {
    let marker = format!("id=\"{input}-error\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find("</p>")?;
    Some(html[start..start + end].to_owned())
}

#[tokio::test]
async fn the_form_as_given_computes() {
    let app = TestApp::spawn().await;
    let (status, html) = page(&app, "&s0_waives_rent=no&project=1").await;
    assert_eq!(status, 200, "{html}");
    assert!(error_at(&html, "s0_waives_rent").is_none());
}

#[tokio::test]
async fn an_input_given_twice_is_an_error_at_that_input() {
    let app = TestApp::spawn().await;
    for (extra, input, label) in [
        ("&s0_kind=maker_space", "s0_kind", "Carrier kind"),
        ("&s0_rent=2000", "s0_rent", "Monthly rent (yuan)"),
        ("&group=graduate", "group", "Founder group"),
        (
            "&s1_move_in=2025-01-01&s1_move_in=2025-02-01",
            "s1_move_in",
            "Move-in date",
        ),
    ] {
        let (status, html) = page(&app, extra).await;
        assert_eq!(status, 400, "{extra}");
        assert_eq!(
            error_at(&html, input).as_deref(),
            Some(
                format!("{label}: this field appears more than once in the link; give one value")
                    .as_str()
            ),
            "{extra}"
        );
        assert!(
            html.contains(&format!("<a href=\"#{input}\">")),
            "{extra}: listed at the top"
        );
    }
}

#[tokio::test]
async fn an_unknown_yes_or_no_is_an_error_at_that_input() {
    let app = TestApp::spawn().await;
    let (status, html) = page(&app, "&s0_waives_rent=maybe").await;
    assert_eq!(status, 400);
    assert_eq!(
        error_at(&html, "s0_waives_rent").as_deref(),
        Some("The carrier waives rent: “maybe” is not a choice; choose Yes or No")
    );
    let (status, html) = page(&app, "&project=0").await;
    assert_eq!(status, 400);
    assert!(
        html.contains("<a href=\"#project\">Project the ledger to the end of the window: “0” is not a choice; choose Yes or No</a>"),
        "{html}"
    );
    // In Chinese by default.
    let response = app
        .get(&format!(
            "{}&s0_waives_rent=也许",
            FORM.replace("&lang=en", "")
        ))
        .await;
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    assert_eq!(
        error_at(&html, "s0_waives_rent").as_deref(),
        Some("载体实行租金全免：“也许”不是有效的选项，请选择“是”或“否”")
    );
}
