//! Importing a tenant roll in headless Chromium, as an operator does it: from the
//! carrier page to the upload form, the template link, an XLSX with one bad row
//! (its error shown at that row, no confirm button), the fixed file, the
//! confirmation and the roll with the new tenants. Screenshots under
//! `target/screenshots/import/`.

use std::path::Path;

use rust_xlsxwriter::Workbook;
use thirtyfour::prelude::*;

use crate::chrome::{self, Profile, Screen, click_to_next_page, main_text, open, path, sign_in};
use crate::world::PASSWORD;
use crate::world_portal::WorldPortal;

const DESK: u32 = 1280;

const HEADERS: [&str; 11] = [
    "企业名称",
    "统一社会信用代码",
    "负责人姓名",
    "负责人身份证号",
    "人员类别",
    "毕业日期",
    "入驻日期",
    "退出日期",
    "月租金",
    "面积",
    "带动就业人数",
];

/// A roll as XLSX with every cell as text: the template's headers, then `rows`.
fn roll_xlsx(file: &Path, rows: &[[&str; 11]]) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *header).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *cell).unwrap();
        }
    }
    workbook.save(file).unwrap();
}

async fn upload(web: &WebDriver, file: &Path) {
    let input = web.find(By::Id("file")).await.unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    let submit = web
        .find(By::Css(
            "form[enctype='multipart/form-data'] button[type=submit]",
        ))
        .await
        .unwrap();
    click_to_next_page(web, &submit).await;
}

#[tokio::test]
async fn an_operator_fixes_a_bad_row_and_imports_the_roll_in_chromium() {
    let Some(chromedriver) = chrome::chromedriver() else {
        return;
    };
    let portal = WorldPortal::start().await;
    let carrier = portal.world.carrier_a;
    let driver = chrome::start_driver(&chromedriver);
    let profile = Profile::new("import");
    let web = chrome::chromium(&driver, &profile, Screen::Desk(DESK)).await;
    let shots = chrome::screenshot_dir("import");

    sign_in(&web, &portal.base, "operator.a", PASSWORD).await;
    open(&web, &portal.url(&format!("/carriers/{carrier}"))).await;
    let link = web
        .find(By::Css(format!("a[href='/carriers/{carrier}/import']")))
        .await
        .unwrap();
    click_to_next_page(&web, &link).await;
    assert_eq!(path(&web).await, format!("/carriers/{carrier}/import"));
    chrome::shoot(&web, &shots, "1-form", DESK).await;

    // The template link answers an XLSX.
    let template = web
        .find(By::Css("a[href='/import/template.xlsx']"))
        .await
        .unwrap();
    let href = template.attr("href").await.unwrap().unwrap();
    // Fetched as the signed-in browser does when the link is clicked.
    let got = web
        .execute(
            "var x = new XMLHttpRequest(); x.open('GET', arguments[0], false); x.send(); \
             return [String(x.status), x.getResponseHeader('content-type'), x.getResponseHeader('content-disposition')];",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    let got: Vec<String> = got.convert().unwrap();
    assert_eq!(got[0], "200");
    assert!(got[1].contains("spreadsheetml"), "{got:?}");
    assert!(got[2].contains("filename*=UTF-8''"), "{got:?}");

    let dir = profile.path().join("files");
    std::fs::create_dir_all(&dir).unwrap();
    let good = [
        "青岛海湾星辰网络科技有限公司",
        "91370211MA3W3F2K5W",
        "张伟",
        "37021119950823206X",
        "高校毕业生",
        "2022-06-30",
        "2025-03-01",
        "",
        "1500.00",
        "45.5",
        "3",
    ];
    let mut second = [
        "青岛晨帆文化传媒有限公司",
        "91370211MA3ALCFR5C",
        "王芳",
        "370211198206264169",
        "城乡失业人员",
        "",
        "2025-04-15",
        "",
        "1500.00",
        "45.5",
        "3",
    ];
    let bad_file = dir.join("名册.xlsx");
    roll_xlsx(&bad_file, &[good, second]);
    upload(&web, &bad_file).await;
    assert!(
        path(&web)
            .await
            .starts_with(&format!("/carriers/{carrier}/import/"))
    );
    let text = main_text(&web).await;
    assert!(text.contains("3702**********4169"), "{text}");
    assert!(!text.contains("370211198206264169"));
    let rows = web.find_all(By::Css("#row-errors tbody th")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].text().await.unwrap(), "3");
    assert!(
        web.find_all(By::Css("input[name=sha256]"))
            .await
            .unwrap()
            .is_empty(),
        "no confirm form with a bad row"
    );
    chrome::shoot(&web, &shots, "2-bad-row", DESK).await;

    // Fixed and uploaded again: every row good, confirmed.
    let again = web
        .find(By::Css(format!("a[href='/carriers/{carrier}/import']")))
        .await
        .unwrap();
    click_to_next_page(&web, &again).await;
    second[3] = "370211198206264168";
    let fixed_file = dir.join("名册-修改.xlsx");
    roll_xlsx(&fixed_file, &[good, second]);
    upload(&web, &fixed_file).await;
    assert_eq!(
        web.find(By::Id("good-rows"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "2"
    );
    chrome::shoot(&web, &shots, "3-all-good", DESK).await;
    let confirm = web
        .find(By::Css("form[action$='/confirm'] button[type=submit]"))
        .await
        .unwrap();
    click_to_next_page(&web, &confirm).await;
    assert_eq!(
        path(&web).await,
        format!("/tenants?carrier={carrier}&imported=2")
    );
    let text = main_text(&web).await;
    assert!(text.contains("青岛海湾星辰网络科技有限公司"));
    assert!(text.contains("青岛晨帆文化传媒有限公司"));
    chrome::shoot(&web, &shots, "4-on-the-roll", DESK).await;

    web.quit().await.unwrap();
    portal.stop().await;
}
