//! A late move-out or rent change on a stay with an approved relief, through the use
//! cases on SQLite and PostgreSQL (SPEC §4 "money over time"): the change adds
//! adjustment rows to the stored ledger in its own transaction, the next claim takes
//! them, a paid claim is never edited, and a stay without an approved relief gets no
//! ledger rows. The stay's page shows the adjustment rows as such.

use fuhua_core::Money;
use fuhua_service::relief::{self, Decision, DecisionReason};
use fuhua_service::tenants::{self, Acting};
use fuhua_store::repo::claims as repo;
use fuhua_store::repo::tenants::{self as store_tenants, LedgerRow};
use fuhua_store::testing::TestDb;
use fuhua_waiver::{ClaimState, ReliefAction};

use crate::helpers::today;
use crate::settlement_claims::{approve, budget, claim, generate, pay, relief_version, submit};
use crate::world::{self, PASSWORD, World, d};
use crate::world_portal::WorldPortal;

/// The founder applies, the operator confirms and the official approves on `on`:
/// the stay's ledger is stored from its move-in (2024-03-15) through `on`.
async fn approved_relief(world: &World, on: chrono::NaiveDate) -> i64 {
    let founder = world.actor("founder").await;
    let operator = world.actor("operator.a").await;
    let official = world.actor("official.district").await;
    let app = relief::apply(&world.system, &founder, world.stay_id, on)
        .await
        .unwrap();
    relief::act(
        &world.system,
        &operator,
        app,
        relief_version(world, app).await,
        ReliefAction::Confirm,
    )
    .await
    .unwrap();
    relief::decide(
        &world.system,
        &official,
        app,
        relief_version(world, app).await,
        &Decision {
            approve: true,
            reason: DecisionReason::Eligible,
            text: "符合条件".into(),
        },
        on,
    )
    .await
    .unwrap();
    app
}

async fn rows(world: &World) -> Vec<LedgerRow> {
    store_tenants::ledger_of_stay(&world.store, world.stay_id)
        .await
        .unwrap()
}

async fn rent(world: &World) -> Money {
    store_tenants::find_stay(&world.store, world.stay_id)
        .await
        .unwrap()
        .unwrap()
        .monthly_rent
}

async fn stay_version(world: &World) -> i32 {
    store_tenants::find_stay(&world.store, world.stay_id)
        .await
        .unwrap()
        .unwrap()
        .version
}

/// `days` of a month of `of` days at `rent` a month, rounded once (R-WAIVER ledger).
fn part(rent: Money, days: i64, of: i64) -> Money {
    Money::round(rent.amount() * Money::yuan(days).amount() / Money::yuan(of).amount())
}

fn regular<'a>(rows: &'a [LedgerRow], month: &str) -> &'a LedgerRow {
    rows.iter()
        .find(|r| r.month == month && !r.adjustment)
        .unwrap()
}

/// The net waived rent of a month over all its rows.
fn net_waived(rows: &[LedgerRow], month: &str) -> Money {
    rows.iter()
        .filter(|r| r.month == month)
        .map(|r| r.waived)
        .sum()
}

/// Generates 2025Q4 (it settles only that quarter's rows), then submits, approves
/// and pays it; returns the paid claim's id.
async fn pay_2025q4(world: &World) -> i64 {
    let operator = world.actor("operator.a").await;
    let official = world.actor("official.district").await;
    let finance = world.actor("finance").await;
    budget(world, 2025, 100_000).await;
    budget(world, 2026, 100_000).await;
    let made = generate(world, "2025Q4", d(2026, 1, 5)).await;
    assert_eq!(made.claims.len(), 1);
    let id = made.claims[0].id;
    submit(world, &operator, id).await;
    approve(world, &official, id).await.unwrap();
    pay(world, &finance, id, "记-2026-007").await.unwrap();
    assert_eq!(claim(world, id).await.state, ClaimState::Paid);
    id
}

#[tokio::test]
async fn a_late_move_out_in_a_paid_quarter_is_a_negative_adjustment_of_the_next_claim() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        approved_relief(&world, today()).await;
        let before = rows(&world).await;
        assert!(before.iter().all(|r| !r.adjustment));
        let q4 = pay_2025q4(&world).await;
        let paid = claim(&world, q4).await;
        let paid_rows = repo::rows_of_claim(&world.store, q4).await.unwrap();
        let rent = rent(&world).await;

        // Reported in 2026: the tenant left on 2025-11-10, inside the paid quarter.
        let version = stay_version(&world).await;
        tenants::move_out(
            &world.system,
            Acting::User(&operator),
            world.stay_id,
            version,
            Some(d(2025, 11, 10)),
        )
        .await
        .unwrap();
        let after = rows(&world).await;
        // Nothing stored was edited or removed.
        for row in &before {
            let now = after.iter().find(|r| r.id == row.id).unwrap();
            assert_eq!(
                (now.waived, now.rent_due, now.occupied_days),
                (row.waived, row.rent_due, row.occupied_days)
            );
        }
        let added: Vec<&LedgerRow> = after.iter().filter(|r| r.adjustment).collect();
        assert!(added.iter().all(|r| r.claim_id.is_none()));
        assert!(added.iter().all(|r| r.waived.is_negative()));
        // November keeps ten of its thirty days; every later stored month is reversed.
        let november = regular(&before, "2025-11");
        let ten_days = part(rent, 10, 30);
        assert_eq!(net_waived(&after, "2025-11"), ten_days);
        let nov_adj: Vec<_> = added.iter().filter(|r| r.month == "2025-11").collect();
        assert_eq!(nov_adj.len(), 1);
        assert_eq!(nov_adj[0].occupied_days, 10 - november.occupied_days);
        assert_eq!(nov_adj[0].waived, ten_days - november.waived);
        let later: Vec<&LedgerRow> = before
            .iter()
            .filter(|r| r.month.as_str() > "2025-11")
            .collect();
        assert!(!later.is_empty());
        for row in &later {
            assert_eq!(net_waived(&after, &row.month), Money::ZERO, "{}", row.month);
        }
        // Months before the move-out are untouched.
        assert!(added.iter().all(|r| r.month.as_str() >= "2025-11"));
        // The change and its ledger rows are audited together, by the operator.
        let audit = world.store.audit_rows(0, 100_000).await.unwrap();
        let move_out = audit
            .iter()
            .position(|a| a.action == "move_out" && a.actor.contains("operator.a"))
            .unwrap();
        let ledger_audits = audit[move_out..]
            .iter()
            .filter(|a| a.entity == "ledger_rows" && a.actor.contains("operator.a"))
            .count();
        assert_eq!(ledger_audits, added.len());

        // The next quarter's claim takes the paid quarter's changes as adjustments;
        // its own months net out to nothing.
        let next = generate(&world, "2026Q1", d(2026, 4, 1)).await;
        assert_eq!(next.claims.len(), 1);
        let q1 = &next.claims[0];
        let claimed = repo::rows_of_claim(&world.store, q1.id).await.unwrap();
        let adjustments: Vec<_> = claimed
            .iter()
            .filter(|r| r.month.starts_with("2025-"))
            .collect();
        assert_eq!(q1.adjustments, adjustments.len());
        assert_eq!(adjustments.len(), 2, "November and December 2025");
        assert!(
            adjustments
                .iter()
                .all(|r| r.adjustment && r.waived.is_negative())
        );
        let moved_out_days = november.waived - ten_days + regular(&before, "2025-12").waived;
        let adjusted: Money = adjustments.iter().map(|r| r.waived).sum();
        assert_eq!(adjusted, Money::ZERO - moved_out_days);
        let own: Money = claimed
            .iter()
            .filter(|r| r.month.starts_with("2026-"))
            .map(|r| r.waived)
            .sum();
        assert_eq!(own, Money::ZERO);
        assert_eq!(q1.total, adjusted);
        assert_eq!(claim(&world, q1.id).await.total, adjusted);

        // The paid claim is unchanged, rows and total.
        assert_eq!(claim(&world, q4).await, paid);
        assert_eq!(
            repo::rows_of_claim(&world.store, q4).await.unwrap(),
            paid_rows
        );

        // Taking the move-out back restores every month's net, again by adding rows.
        let version = stay_version(&world).await;
        tenants::move_out(
            &world.system,
            Acting::User(&operator),
            world.stay_id,
            version,
            None,
        )
        .await
        .unwrap();
        let restored = rows(&world).await;
        for row in &before {
            assert_eq!(
                net_waived(&restored, &row.month),
                row.waived,
                "{}",
                row.month
            );
        }
        assert!(restored.len() > after.len());
        // Recording the same facts again adds nothing.
        let count = restored.len();
        let version = stay_version(&world).await;
        tenants::move_out(
            &world.system,
            Acting::User(&operator),
            world.stay_id,
            version,
            None,
        )
        .await
        .unwrap();
        assert_eq!(rows(&world).await.len(), count);
    }
}

#[tokio::test]
async fn a_rent_raised_in_a_paid_quarter_adds_the_difference_to_the_next_claim() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        approved_relief(&world, today()).await;
        let before = rows(&world).await;
        let q4 = pay_2025q4(&world).await;
        let paid = claim(&world, q4).await;
        let old = rent(&world).await;
        let new = old + Money::yuan(600);

        let version = stay_version(&world).await;
        tenants::change_rent(
            &world.system,
            Acting::User(&operator),
            world.stay_id,
            version,
            new,
        )
        .await
        .unwrap();
        let after = rows(&world).await;
        let added: Vec<&LedgerRow> = after.iter().filter(|r| r.adjustment).collect();
        // Every stored month now nets to the new rent; days do not change.
        assert_eq!(added.len(), before.len());
        for row in &before {
            let days = i64::from(row.occupied_days);
            let of = i64::from(row.days_in_month);
            assert_eq!(
                net_waived(&after, &row.month),
                part(new, days, of),
                "{}",
                row.month
            );
            let adj = added.iter().find(|r| r.month == row.month).unwrap();
            assert_eq!(adj.occupied_days, 0);
            assert_eq!(adj.waived, part(new, days, of) - part(old, days, of));
            assert_eq!(adj.rent_due, adj.waived);
        }

        let next = generate(&world, "2026Q1", d(2026, 4, 1)).await;
        let q1 = &next.claims[0];
        let claimed = repo::rows_of_claim(&world.store, q1.id).await.unwrap();
        let adjustments: Vec<_> = claimed
            .iter()
            .filter(|r| r.month.starts_with("2025-"))
            .collect();
        assert_eq!(q1.adjustments, 3, "October to December 2025");
        assert_eq!(adjustments.len(), 3);
        // Each month at the new rent less what was stored (and paid) at the old one.
        let at = |rent: Money, month: &str| {
            let r = regular(&before, month);
            part(rent, i64::from(r.occupied_days), i64::from(r.days_in_month))
        };
        for r in &adjustments {
            assert!(r.adjustment);
            assert_eq!(r.waived, at(new, &r.month) - at(old, &r.month));
        }
        let own: Money = ["2026-01", "2026-02", "2026-03"]
            .iter()
            .map(|m| at(new, m))
            .sum();
        let late: Money = ["2025-10", "2025-11", "2025-12"]
            .iter()
            .map(|m| at(new, m) - at(old, m))
            .sum();
        assert_eq!(q1.total, own + late);
        assert_eq!(claim(&world, q4).await, paid);
    }
}

#[tokio::test]
async fn a_move_out_in_an_unclaimed_month_nets_out_inside_that_quarters_claim() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        approved_relief(&world, today()).await;
        let before = rows(&world).await;
        let q4 = pay_2025q4(&world).await;
        let paid = claim(&world, q4).await;
        let rent = rent(&world).await;

        // The tenant leaves on 2026-02-10: no quarter it touches is claimed yet.
        let version = stay_version(&world).await;
        tenants::move_out(
            &world.system,
            Acting::User(&operator),
            world.stay_id,
            version,
            Some(d(2026, 2, 10)),
        )
        .await
        .unwrap();
        let after = rows(&world).await;
        let added: Vec<&LedgerRow> = after.iter().filter(|r| r.adjustment).collect();
        assert!(added.iter().all(|r| r.month.as_str() >= "2026-02"));
        assert_eq!(
            added.len(),
            before
                .iter()
                .filter(|r| r.month.as_str() >= "2026-02")
                .count()
        );

        let next = generate(&world, "2026Q1", d(2026, 4, 1)).await;
        let q1 = &next.claims[0];
        assert_eq!(q1.adjustments, 0, "no claimed quarter changed");
        assert_eq!(
            q1.rows, 5,
            "three regular rows and February's and March's adjustments"
        );
        let claimed = repo::rows_of_claim(&world.store, q1.id).await.unwrap();
        let march: Money = claimed
            .iter()
            .filter(|r| r.month == "2026-03")
            .map(|r| r.waived)
            .sum();
        assert_eq!(march, Money::ZERO, "March's regular row nets out");
        let ten_days = part(rent, 10, 28);
        assert_eq!(q1.total, regular(&before, "2026-01").waived + ten_days);

        // A later quarter's regular rows and adjustments settle each other.
        let q2 = generate(&world, "2026Q2", d(2026, 7, 1)).await;
        assert_eq!(q2.claims.len(), 1);
        assert_eq!(q2.claims[0].rows, 6);
        assert_eq!(q2.claims[0].total, Money::ZERO);
        assert_eq!(claim(&world, q4).await, paid);
    }
}

#[tokio::test]
async fn a_stay_without_an_approved_relief_gets_no_ledger_rows() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let founder = world.actor("founder").await;
        // Applied for, not decided: nothing is stored yet, and a change stores nothing.
        relief::apply(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap();
        let version = stay_version(&world).await;
        tenants::move_out(
            &world.system,
            Acting::User(&operator),
            world.stay_id,
            version,
            Some(d(2025, 11, 10)),
        )
        .await
        .unwrap();
        let version = stay_version(&world).await;
        tenants::change_rent(
            &world.system,
            Acting::User(&operator),
            world.stay_id,
            version,
            Money::yuan(2_000),
        )
        .await
        .unwrap();
        assert!(rows(&world).await.is_empty());
        let audit = world.store.audit_rows(0, 100_000).await.unwrap();
        assert!(audit.iter().any(|a| a.action == "move_out"));
        assert!(audit.iter().all(|a| a.entity != "ledger_rows"));
        // Nor does the other founder's stay, which never applied.
        let other = world.actor("operator.b").await;
        let version = store_tenants::find_stay(&world.store, world.other_stay_id)
            .await
            .unwrap()
            .unwrap()
            .version;
        tenants::move_out(
            &world.system,
            Acting::User(&other),
            world.other_stay_id,
            version,
            Some(d(2025, 6, 30)),
        )
        .await
        .unwrap();
        assert!(
            store_tenants::ledger_of_stay(&world.store, world.other_stay_id)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn the_stay_page_marks_adjustment_rows() {
    let portal = WorldPortal::start().await;
    let world = &portal.world;
    approved_relief(world, today()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let signed_in = http
        .post(portal.url("/login"))
        .header("origin", &portal.base)
        .form(&[("username", "operator.a"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let page = |http: reqwest::Client, url: String| async move {
        http.get(url).send().await.unwrap().text().await.unwrap()
    };
    let path = format!("/stays/{}", world.stay_id);
    let first = page(http.clone(), portal.url(&path)).await;
    assert!(first.contains("租金减免台账"));
    assert!(!first.contains("class=\"adjustment\""));
    let csrf = first
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let version = stay_version(world).await.to_string();
    let posted = http
        .post(portal.url(&format!("{path}/move-out")))
        .header("origin", &portal.base)
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("move_out", "2026-09-30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let shown = page(http.clone(), portal.url(&path)).await;
    let adjustment_rows = shown.matches("class=\"adjustment\"").count();
    let stored = rows(world).await;
    let adjustments = stored.iter().filter(|r| r.adjustment).count();
    assert_eq!(adjustments, 2, "October and November 2026 are reversed");
    assert_eq!(adjustment_rows, adjustments);
    for r in stored.iter().filter(|r| r.adjustment) {
        assert!(shown.contains(&r.waived.to_string()), "{}", r.waived);
        assert!(r.waived.is_negative());
    }
    portal.stop().await;
}
