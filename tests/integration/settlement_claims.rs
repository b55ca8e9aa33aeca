//! Quarterly settlement claims through the use cases, on SQLite and PostgreSQL:
//! generation from the stored ledgers (only after the quarter, once), late changes
//! as adjustment rows of the next claim, the claim's workflow with roles and scope,
//! the appropriation and finance's override, and payment once, ever.

use fuhua_core::Money;
use fuhua_core::vocab::{FundingSource, Regime};
use fuhua_service::ServiceError;
use fuhua_service::actor::Actor;
use fuhua_service::claims::{self, BatchItem, ClaimDecision, ClaimFilter, Initiator, PaymentInput};
use fuhua_service::relief::{self, Decision, DecisionReason};
use fuhua_store::Actor as AuditActor;
use fuhua_store::repo::awards;
use fuhua_store::repo::claims as repo;
use fuhua_store::repo::reference::{self, NewAppropriation, NewFundSource};
use fuhua_store::repo::tenants::{self, NewLedgerRow};
use fuhua_store::repo::timeline;
use fuhua_store::testing::TestDb;
use fuhua_waiver::{ClaimState, Quarter};

use crate::helpers::today;
use crate::world::{self, World, d};

pub(crate) fn q(text: &str) -> Quarter {
    Quarter::parse("quarter", text).unwrap()
}

pub(crate) fn cli() -> AuditActor {
    AuditActor::cli()
}

pub(crate) async fn generate(
    world: &World,
    quarter: &str,
    on: chrono::NaiveDate,
) -> claims::Generated {
    let actor = cli();
    claims::generate(
        &world.system,
        Initiator::Command(&actor),
        q(quarter),
        on,
        &mut |_| {},
    )
    .await
    .unwrap()
}

/// Stores ledger rows of `stay` (district finance, full waiver), `(month, waived
/// fen, adjustment)`.
pub(crate) async fn ledger(world: &World, stay: i64, rows: &[(&str, i64, bool)]) {
    let w = world.store.write(&cli()).await.unwrap();
    let rows: Vec<NewLedgerRow> = rows
        .iter()
        .map(|(month, fen, adjustment)| NewLedgerRow {
            stay_id: stay,
            month: (*month).to_owned(),
            adjustment: *adjustment,
            regime: Regime::FullWaiver,
            funding_source: Some(FundingSource::DistrictFinance),
            occupied_days: 30,
            days_in_month: 30,
            rent_due: Money::from_fen(fen.abs()),
            waived: Money::from_fen(*fen),
            payable: Money::ZERO,
            relief_application_id: None,
        })
        .collect();
    tenants::add_ledger_rows(&w, &rows).await.unwrap();
    w.commit().await.unwrap();
}

/// District finance with `yuan` appropriated for `year`.
pub(crate) async fn budget(world: &World, year: i32, yuan: i64) -> i64 {
    let store = &world.store;
    let w = store.write(&cli()).await.unwrap();
    let source = match reference::find_fund_source_by_key(store, "district_finance")
        .await
        .unwrap()
    {
        Some(source) => source,
        None => reference::add_fund_source(
            &w,
            &NewFundSource {
                key: "district_finance".into(),
                kind: FundingSource::DistrictFinance,
                name: "区财政就业补助资金".into(),
                jurisdiction_id: None,
            },
        )
        .await
        .unwrap(),
    };
    let appropriation = reference::add_appropriation(
        &w,
        &NewAppropriation {
            fund_source_id: source.id,
            year,
            amount: Money::yuan(yuan),
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    appropriation.id
}

pub(crate) async fn claim(world: &World, id: i64) -> repo::Claim {
    repo::find_claim(&world.store, id).await.unwrap().unwrap()
}

pub(crate) async fn submit(world: &World, actor: &Actor, id: i64) {
    let version = claim(world, id).await.version;
    claims::submit(&world.system, actor, id, version)
        .await
        .unwrap();
}

pub(crate) async fn approve(world: &World, actor: &Actor, id: i64) -> Result<(), ServiceError> {
    let version = claim(world, id).await.version;
    claims::decide(
        &world.system,
        actor,
        id,
        version,
        &ClaimDecision {
            approve: true,
            note: "台账核对无误".into(),
        },
    )
    .await
}

pub(crate) async fn pay(
    world: &World,
    actor: &Actor,
    id: i64,
    voucher: &str,
) -> Result<(), ServiceError> {
    let version = claim(world, id).await.version;
    claims::pay(
        &world.system,
        actor,
        id,
        version,
        &PaymentInput {
            voucher_no: voucher.into(),
            paid_on: d(2026, 1, 20),
        },
        today(),
    )
    .await
}

pub(crate) async fn relief_version(world: &World, id: i64) -> i32 {
    fuhua_store::repo::relief::find_relief_application(&world.store, id)
        .await
        .unwrap()
        .unwrap()
        .version
}

pub(crate) async fn items(world: &World, rows: &[(i64, &str)]) -> Vec<BatchItem> {
    let mut items = Vec::new();
    for (id, voucher) in rows {
        items.push(BatchItem {
            id: *id,
            version: claim(world, *id).await.version,
            voucher_no: (*voucher).into(),
        });
    }
    items
}

pub(crate) async fn mails(world: &World, id: i64) -> Vec<(String, String)> {
    let mut mails: Vec<_> = timeline::mails_of_case(&world.store, "settlement_claims", id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.template, m.to_address))
        .collect();
    mails.sort();
    mails
}

pub(crate) fn is_conflict(result: Result<(), ServiceError>) -> bool {
    matches!(result, Err(ServiceError::Conflict { .. }))
}

#[tokio::test]
async fn claims_come_from_the_approved_ledger_only_after_the_quarter_and_only_once() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let founder = world.actor("founder").await;
        let operator = world.actor("operator.a").await;
        let official = world.actor("official.district").await;
        // An approved relief stores the stay's ledger (through today).
        let app = relief::apply(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap();
        relief::act(
            &world.system,
            &operator,
            app,
            relief_version(&world, app).await,
            fuhua_waiver::ReliefAction::Confirm,
        )
        .await
        .unwrap();
        relief::decide(
            &world.system,
            &official,
            app,
            relief_version(&world, app).await,
            &Decision {
                approve: true,
                reason: DecisionReason::Eligible,
                text: "符合条件".into(),
            },
            today(),
        )
        .await
        .unwrap();
        let stored = tenants::ledger_of_stay(&world.store, world.stay_id)
            .await
            .unwrap();
        let in_quarter: Money = stored
            .iter()
            .filter(|r| ["2025-10", "2025-11", "2025-12"].contains(&r.month.as_str()))
            .map(|r| r.waived)
            .sum();
        assert!(in_quarter > Money::ZERO);

        // Not before the quarter has ended: the message names its last day.
        let actor = cli();
        let early = claims::generate(
            &world.system,
            Initiator::Command(&actor),
            q("2025Q4"),
            d(2025, 12, 31),
            &mut |_| {},
        )
        .await;
        match early {
            Err(ServiceError::Invalid(problems)) => {
                assert_eq!(problems[0].field, "quarter");
                assert!(problems[0].message.zh.contains("2025-12-31"));
            }
            other => panic!("expected the quarter to be refused, got {other:?}"),
        }
        // A quarter that is not one.
        let bad = Quarter::parse("quarter", "2025Q5").unwrap_err();
        assert!(bad.message.zh.contains("2025Q4"));

        // The official's button and the command line are the same use case.
        let mut steps = Vec::new();
        let made = claims::generate(
            &world.system,
            Initiator::Official(&official),
            q("2025Q4"),
            d(2026, 1, 5),
            &mut |p| steps.push(p),
        )
        .await
        .unwrap();
        assert_eq!(made.claims.len(), 1, "one carrier, one fund source");
        let generated = &made.claims[0];
        assert_eq!(generated.total, in_quarter, "the claim sums the ledger");
        assert_eq!(generated.rows, 3);
        assert_eq!(generated.adjustments, 0);
        assert!(!steps.is_empty(), "progress is reported");
        let stored_claim = claim(&world, generated.id).await;
        assert_eq!(stored_claim.state, ClaimState::Generated);
        assert_eq!(stored_claim.total, in_quarter);
        assert_eq!(
            mails(&world, generated.id).await,
            vec![(
                "claim_generated".to_owned(),
                "operator.a@example.cn".to_owned()
            )]
        );
        let rows = repo::rows_of_claim(&world.store, generated.id)
            .await
            .unwrap();
        assert_eq!(rows.iter().map(|r| r.waived).sum::<Money>(), in_quarter);

        // Again: nothing new, nothing changed.
        let again = generate(&world, "2025Q4", today()).await;
        assert!(again.claims.is_empty());
        let all = repo::list_claims(&world.store, &ClaimFilter::default(), 100)
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].version, stored_claim.version);

        // A street official of the other street generates nothing for street A.
        let other = world.actor("official.b").await;
        let theirs = claims::generate(
            &world.system,
            Initiator::Official(&other),
            q("2025Q3"),
            today(),
            &mut |_| {},
        )
        .await
        .unwrap();
        assert!(theirs.claims.is_empty());
        // An operator may not generate.
        let refused = claims::generate(
            &world.system,
            Initiator::Official(&operator),
            q("2025Q3"),
            today(),
            &mut |_| {},
        )
        .await;
        assert!(matches!(refused, Err(ServiceError::Forbidden)));
    }
}

#[tokio::test]
async fn a_late_move_out_is_a_negative_adjustment_in_the_next_claim_and_the_paid_claim_stays() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let official = world.actor("official.district").await;
        let finance = world.actor("finance").await;
        budget(&world, 2025, 100_000).await;
        budget(&world, 2026, 100_000).await;
        ledger(
            &world,
            world.stay_id,
            &[
                ("2025-10", 300_000, false),
                ("2025-11", 300_000, false),
                ("2025-12", 300_000, false),
                ("2026-01", 300_000, false),
            ],
        )
        .await;
        let q4 = generate(&world, "2025Q4", d(2026, 1, 2)).await.claims[0].id;
        submit(&world, &operator, q4).await;
        approve(&world, &official, q4).await.unwrap();
        pay(&world, &finance, q4, "记-2026-001").await.unwrap();
        let paid = claim(&world, q4).await;
        assert_eq!(paid.state, ClaimState::Paid);
        assert_eq!(paid.total, Money::yuan(9_000));

        // The tenant moved out on 2025-11-30, reported in February: December was
        // not owed. A late rent change raised January.
        ledger(
            &world,
            world.stay_id,
            &[("2025-12", -300_000, true), ("2026-01", 50_000, true)],
        )
        .await;
        let next = generate(&world, "2026Q1", d(2026, 4, 1)).await;
        assert_eq!(next.claims.len(), 1);
        let q1 = &next.claims[0];
        assert_eq!(q1.adjustments, 1, "December's change is an adjustment row");
        assert_eq!(q1.rows, 2, "January's rows belong to the quarter");
        assert_eq!(q1.total, Money::yuan(3_000 + 500 - 3_000));
        let rows = repo::rows_of_claim(&world.store, q1.id).await.unwrap();
        let december: Vec<_> = rows.iter().filter(|r| r.month == "2025-12").collect();
        assert_eq!(december.len(), 1);
        assert_eq!(december[0].waived, Money::yuan(-3_000));

        // The paid claim is untouched.
        assert_eq!(claim(&world, q4).await, paid);
        assert_eq!(
            repo::rows_of_claim(&world.store, q4).await.unwrap().len(),
            3
        );
    }
}

#[tokio::test]
async fn each_step_belongs_to_its_party_and_scope() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let other_operator = world.actor("operator.b").await;
        let official = world.actor("official.district").await;
        let other_official = world.actor("official.b").await;
        let finance = world.actor("finance").await;
        let founder = world.actor("founder").await;
        budget(&world, 2025, 100_000).await;
        ledger(&world, world.stay_id, &[("2025-11", 100_000, false)]).await;
        let id = generate(&world, "2025Q4", today()).await.claims[0].id;
        let v = claim(&world, id).await.version;

        // Someone else's claim does not exist for them.
        for outsider in [&other_operator, &other_official, &founder] {
            assert!(matches!(
                claims::submit(&world.system, outsider, id, v).await,
                Err(ServiceError::NotFound)
            ));
            assert!(matches!(
                claims::load(&world.system, outsider, id).await,
                Err(ServiceError::NotFound)
            ));
        }
        // Parties who never take this step.
        assert!(matches!(
            claims::submit(&world.system, &official, id, v).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            claims::submit(&world.system, &finance, id, v).await,
            Err(ServiceError::Forbidden)
        ));
        // Not yet submitted: an official cannot decide.
        assert!(is_conflict(approve(&world, &official, id).await));

        submit(&world, &operator, id).await;
        assert!(mails(&world, id).await.contains(&(
            "claim_submitted".to_owned(),
            "official.district@example.cn".to_owned()
        )));
        assert!(matches!(
            approve(&world, &operator, id).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            approve(&world, &other_official, id).await,
            Err(ServiceError::NotFound)
        ));
        // A rejection needs its reason, then goes back to the operator.
        let v = claim(&world, id).await.version;
        let no_reason = claims::decide(
            &world.system,
            &official,
            id,
            v,
            &ClaimDecision {
                approve: false,
                note: "  ".into(),
            },
        )
        .await;
        assert!(matches!(no_reason, Err(ServiceError::Invalid(ref p)) if p[0].field == "note"));
        claims::decide(
            &world.system,
            &official,
            id,
            v,
            &ClaimDecision {
                approve: false,
                note: "11 月台账与合同不一致".into(),
            },
        )
        .await
        .unwrap();
        let rejected = claim(&world, id).await;
        assert_eq!(rejected.state, ClaimState::Rejected);
        assert_eq!(
            rejected.decision_note.as_deref(),
            Some("11 月台账与合同不一致")
        );
        assert!(mails(&world, id).await.contains(&(
            "claim_decided".to_owned(),
            "operator.a@example.cn".to_owned()
        )));
        // Paying a claim that is not approved is refused.
        assert!(is_conflict(pay(&world, &finance, id, "V-1").await));

        claims::reopen(&world.system, &operator, id, rejected.version)
            .await
            .unwrap();
        assert_eq!(claim(&world, id).await.state, ClaimState::Generated);
        submit(&world, &operator, id).await;
        approve(&world, &official, id).await.unwrap();
        assert!(matches!(
            pay(&world, &official, id, "V-1").await,
            Err(ServiceError::Forbidden)
        ));
        pay(&world, &finance, id, "V-1").await.unwrap();
        let paid = claim(&world, id).await;
        assert_eq!(paid.voucher_no.as_deref(), Some("V-1"));
        assert_eq!(paid.paid_on, Some(d(2026, 1, 20)));
        assert!(
            mails(&world, id)
                .await
                .contains(&("claim_paid".to_owned(), "operator.a@example.cn".to_owned()))
        );
        // Paid once, ever.
        assert!(is_conflict(pay(&world, &finance, id, "V-2").await));
        assert_eq!(claim(&world, id).await, paid);
    }
}

#[tokio::test]
async fn approval_beyond_the_appropriation_needs_a_finance_override_with_a_reason() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let official = world.actor("official.district").await;
        let finance = world.actor("finance").await;
        ledger(&world, world.stay_id, &[("2025-11", 500_000, false)]).await;
        let id = generate(&world, "2025Q4", today()).await.claims[0].id;
        submit(&world, &operator, id).await;
        // No appropriation for 2025 yet.
        assert!(is_conflict(approve(&world, &official, id).await));
        let appropriation = budget(&world, 2025, 3_000).await;
        let refused = approve(&world, &official, id).await;
        match refused {
            Err(ServiceError::Conflict { zh, .. }) => {
                assert!(zh.contains("3,000.00") || zh.contains("3000"), "{zh}")
            }
            other => panic!("expected over budget, got {other:?}"),
        }
        assert_eq!(claim(&world, id).await.state, ClaimState::Submitted);

        // Only finance overrides, and only with a reason.
        let v = claim(&world, id).await.version;
        assert!(matches!(
            claims::allow_over_budget(&world.system, &official, id, v, "急需").await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            claims::allow_over_budget(&world.system, &finance, id, v, " ").await,
            Err(ServiceError::Invalid(_))
        ));
        claims::allow_over_budget(&world.system, &finance, id, v, "追加预算已报批，先行拨付")
            .await
            .unwrap();
        approve(&world, &official, id).await.unwrap();
        let reservations = awards::list_reservations(&world.store, appropriation)
            .await
            .unwrap();
        assert_eq!(reservations.len(), 1);
        assert_eq!(reservations[0].amount, Money::yuan(5_000));
        assert_eq!(
            reservations[0].override_reason.as_deref(),
            Some("追加预算已报批，先行拨付")
        );
        assert_eq!(reservations[0].reserved_by, Some(finance.user_id));
        let audit = timeline::audit_of(&world.store, "settlement_claims", id)
            .await
            .unwrap();
        assert!(
            audit
                .iter()
                .any(|a| a.action == "override" && a.actor.contains("finance")),
            "{audit:?}"
        );
    }
}

#[tokio::test]
async fn two_payments_at_once_one_wins() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let official = world.actor("official.district").await;
        let finance = world.actor("finance").await;
        budget(&world, 2025, 100_000).await;
        ledger(&world, world.stay_id, &[("2025-12", 100_000, false)]).await;
        let id = generate(&world, "2025Q4", today()).await.claims[0].id;
        submit(&world, &operator, id).await;
        approve(&world, &official, id).await.unwrap();
        let version = claim(&world, id).await.version;
        let first = PaymentInput {
            voucher_no: "A-1".into(),
            paid_on: d(2026, 1, 20),
        };
        let second = PaymentInput {
            voucher_no: "B-1".into(),
            paid_on: d(2026, 1, 20),
        };
        let (a, b) = tokio::join!(
            claims::pay(&world.system, &finance, id, version, &first, today()),
            claims::pay(&world.system, &finance, id, version, &second, today()),
        );
        assert!(a.is_ok() != b.is_ok(), "exactly one wins: {a:?} {b:?}");
        assert!(is_conflict(if a.is_ok() { b } else { a }));
        let paid = claim(&world, id).await;
        assert_eq!(paid.state, ClaimState::Paid);
        let paid_mails = mails(&world, id)
            .await
            .into_iter()
            .filter(|(t, _)| t == "claim_paid")
            .count();
        assert_eq!(paid_mails, 1);
    }
}
