//! The rent-relief journey through the use cases, on SQLite and PostgreSQL: who may
//! do what, in which state, with which emails, and what is stored.

use chrono::Utc;
use fuhua_core::Money;
use fuhua_core::vocab::Regime;
use fuhua_service::ServiceError;
use fuhua_service::extension;
use fuhua_service::relief::{self, Decision, DecisionReason};
use fuhua_store::repo::relief as repo;
use fuhua_store::repo::tenants;
use fuhua_store::repo::timeline;
use fuhua_store::testing::TestDb;
use fuhua_waiver::{ReliefAction, ReliefState};

use crate::helpers::today;
use crate::world::{self, World, d};

fn yes(months: u32, note: &str) -> extension::ExtensionDecision {
    extension::ExtensionDecision {
        approve: true,
        months,
        note: note.into(),
    }
}

fn no() -> extension::ExtensionDecision {
    extension::ExtensionDecision {
        approve: false,
        months: 0,
        note: "no".into(),
    }
}

fn approve() -> Decision {
    Decision {
        approve: true,
        reason: DecisionReason::Eligible,
        text: "符合条件".into(),
    }
}

async fn templates_to(world: &World, app_id: i64) -> Vec<(String, String)> {
    let mut mails: Vec<_> = timeline::mails_of_case(&world.store, "relief_applications", app_id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.template, m.to_address))
        .collect();
    mails.sort();
    mails
}

async fn version(world: &World, id: i64) -> i32 {
    repo::find_relief_application(&world.store, id)
        .await
        .unwrap()
        .unwrap()
        .version
}

#[tokio::test]
async fn an_application_goes_from_the_founder_through_the_operator_to_an_official_and_stores_the_ledger()
 {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let founder = world.actor("founder").await;
        let operator = world.actor("operator.a").await;
        let official = world.actor("official.district").await;

        let preview = relief::preview(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap();
        assert_eq!(preview.regime, Regime::FullWaiver);
        let window = preview.window.unwrap();
        assert_eq!((window.start, window.end), (d(2024, 3, 15), d(2027, 3, 14)));
        assert_eq!(preview.months_remaining, Some(3));
        assert_eq!(preview.ledger[0].waived, Money::parse("1645.16").unwrap());

        let id = relief::apply(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap();
        let app = repo::find_relief_application(&world.store, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(app.state, ReliefState::Submitted);
        assert!(
            app.eligibility.is_some(),
            "the computed eligibility is stored on submission"
        );
        assert_eq!(
            templates_to(&world, id).await,
            vec![(
                "relief_submitted".to_owned(),
                "operator.a@example.cn".to_owned()
            )]
        );

        relief::act(
            &world.system,
            &operator,
            id,
            app.version,
            ReliefAction::Confirm,
        )
        .await
        .unwrap();
        relief::decide(
            &world.system,
            &official,
            id,
            version(&world, id).await,
            &approve(),
            today(),
        )
        .await
        .unwrap();
        let app = repo::find_relief_application(&world.store, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(app.state, ReliefState::Approved);
        assert_eq!(app.decision_reason.as_deref(), Some("eligible"));

        // The ledger runs from the move-in (2024-03) through today's month (2026-11).
        let ledger = tenants::ledger_of_stay(&world.store, world.stay_id)
            .await
            .unwrap();
        assert_eq!(ledger.len(), 33);
        assert_eq!(ledger[0].month, "2024-03");
        assert_eq!(ledger[0].waived, Money::parse("1645.16").unwrap());
        assert_eq!(ledger[32].month, "2026-11");

        let mails = templates_to(&world, id).await;
        for expected in [
            ("relief_confirmed", "founder@example.cn"),
            ("relief_decided", "founder@example.cn"),
            ("relief_decided", "operator.a@example.cn"),
        ] {
            assert!(
                mails.contains(&(expected.0.to_owned(), expected.1.to_owned())),
                "{mails:?}"
            );
        }
        let view = relief::view(&world.system, &founder, id, today())
            .await
            .unwrap();
        assert!(
            view.actions.iter().all(|a| !a.available),
            "a closed case offers nothing"
        );
        assert!(
            view.timeline.len() >= 5,
            "audit rows and mails make the timeline"
        );
        assert!(world.store.verify_audit().await.unwrap().is_intact());
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn records_outside_the_actors_scope_are_not_found_and_wrong_roles_are_refused() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let founder = world.actor("founder").await;
        let id = relief::apply(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap();
        let v = version(&world, id).await;
        for outsider in ["operator.b", "official.b", "finance"] {
            let actor = world.actor(outsider).await;
            assert!(
                matches!(
                    relief::view(&world.system, &actor, id, today()).await,
                    Err(ServiceError::NotFound)
                ),
                "{outsider} must not see another carrier's application"
            );
            assert!(matches!(
                relief::act(&world.system, &actor, id, v, ReliefAction::Confirm).await,
                Err(ServiceError::NotFound)
            ));
        }
        // Someone else's stay is not found for the founder.
        assert!(matches!(
            relief::preview(&world.system, &founder, world.other_stay_id, today()).await,
            Err(ServiceError::NotFound)
        ));
        // The founder cannot confirm their own application.
        assert!(matches!(
            relief::act(&world.system, &founder, id, v, ReliefAction::Confirm).await,
            Err(ServiceError::Forbidden)
        ));
        // The official cannot decide before the operator confirmed; the message says why.
        let official = world.actor("official.district").await;
        let early = relief::decide(&world.system, &official, id, v, &approve(), today())
            .await
            .unwrap_err();
        assert!(
            early
                .conflict_text(fuhua_core::Lang::Zh)
                .unwrap()
                .contains("等待运营机构确认"),
            "{early:?}"
        );
        // A stale form (an old version) is a conflict, not a silent overwrite.
        let operator = world.actor("operator.a").await;
        relief::act(&world.system, &operator, id, v, ReliefAction::Confirm)
            .await
            .unwrap();
        let stale = relief::act(&world.system, &founder, id, v, ReliefAction::Withdraw)
            .await
            .unwrap_err();
        assert!(
            matches!(
                stale,
                ServiceError::Conflict { .. } | ServiceError::Forbidden
            ),
            "{stale:?}"
        );
        // A second application on the same stay is refused while one is open.
        let again = relief::apply(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap_err();
        assert!(
            again
                .conflict_text(fuhua_core::Lang::Zh)
                .unwrap()
                .contains(&id.to_string())
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn two_officials_deciding_at_once_get_one_winner_and_one_conflict() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let founder = world.actor("founder").await;
        let id = relief::apply(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap();
        let operator = world.actor("operator.a").await;
        relief::act(
            &world.system,
            &operator,
            id,
            version(&world, id).await,
            ReliefAction::Confirm,
        )
        .await
        .unwrap();
        let v = version(&world, id).await;
        let second = fuhua_service::System::from_store(db.second_pool().await.unwrap());
        let official = world.actor("official.district").await;
        let reject = Decision {
            approve: false,
            reason: DecisionReason::NotEligible,
            text: "材料不全".into(),
        };
        let yes = approve();
        let (a, b) = tokio::join!(
            relief::decide(&world.system, &official, id, v, &yes, today()),
            relief::decide(&second, &official, id, v, &reject, today()),
        );
        assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
        let loser = a.err().or(b.err()).unwrap();
        assert!(matches!(loser, ServiceError::Conflict { .. }), "{loser:?}");
        let decided = templates_to(&world, id)
            .await
            .iter()
            .filter(|(t, _)| t == "relief_decided")
            .count();
        assert_eq!(
            decided, 2,
            "one decision's mails only (founder and operator)"
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_disputed_application_goes_back_to_the_founder_with_the_reason_and_can_be_resubmitted() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let founder = world.actor("founder").await;
        let operator = world.actor("operator.a").await;
        let id = relief::apply(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap();
        let empty = relief::dispute(
            &world.system,
            &operator,
            id,
            version(&world, id).await,
            "  ",
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&empty, ServiceError::Invalid(p) if p[0].field == "reason"),
            "{empty:?}"
        );
        relief::dispute(
            &world.system,
            &operator,
            id,
            version(&world, id).await,
            "入驻日期应为2024-04-01",
        )
        .await
        .unwrap();
        let view = relief::view(&world.system, &founder, id, today())
            .await
            .unwrap();
        assert_eq!(view.app.state, ReliefState::Disputed);
        assert_eq!(
            view.app.operator_note.as_deref(),
            Some("入驻日期应为2024-04-01")
        );
        assert!(
            view.actions
                .iter()
                .any(|a| a.action == ReliefAction::Revise && a.available)
        );
        assert!(
            templates_to(&world, id)
                .await
                .contains(&("relief_disputed".into(), "founder@example.cn".into()))
        );
        relief::act(
            &world.system,
            &founder,
            id,
            version(&world, id).await,
            ReliefAction::Revise,
        )
        .await
        .unwrap();
        relief::submit(
            &world.system,
            &founder,
            id,
            version(&world, id).await,
            today(),
        )
        .await
        .unwrap();
        let app = repo::find_relief_application(&world.store, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(app.state, ReliefState::Submitted);
        assert_eq!(
            app.operator_note, None,
            "a resubmission clears the old dispute"
        );
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn extensions_are_asked_for_within_the_caps_and_lengthen_the_window_once_approved() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let founder = world.actor("founder").await;
        let too_many = extension::request(
            &world.system,
            &founder,
            world.entity_id,
            13,
            "扩大经营",
            today(),
        )
        .await
        .unwrap_err();
        let ServiceError::Invalid(problems) = too_many else {
            panic!("{too_many:?}")
        };
        assert_eq!(problems[0].field, "months");
        assert!(
            problems[0].message(fuhua_core::Lang::Zh).contains("12"),
            "the message names the real cap"
        );
        let id = extension::request(
            &world.system,
            &founder,
            world.entity_id,
            6,
            "扩大经营",
            today(),
        )
        .await
        .unwrap();
        let outsider = world.actor("official.b").await;
        assert!(
            extension::pending(&world.system, &outsider)
                .await
                .unwrap()
                .is_empty()
        );
        let official = world.actor("official.district").await;
        let pending = extension::pending(&world.system, &official).await.unwrap();
        assert_eq!(pending.len(), 1);
        let v = pending[0].request.version;
        let over = extension::decide(&world.system, &official, id, v, &yes(7, ""), today())
            .await
            .unwrap_err();
        assert!(
            matches!(over, ServiceError::Invalid(_)),
            "cannot approve more than asked"
        );
        extension::decide(&world.system, &official, id, v, &yes(6, "同意"), today())
            .await
            .unwrap();
        let preview = relief::preview(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap();
        assert_eq!(preview.window.unwrap().end, d(2027, 9, 14));
        let mails = timeline::mails_of_case(&world.store, "extension_requests", id)
            .await
            .unwrap();
        assert!(
            mails
                .iter()
                .any(|m| m.template == "extension_decided" && m.to_address == "founder@example.cn")
        );
        let again = extension::decide(&world.system, &official, id, v + 1, &no(), today())
            .await
            .unwrap_err();
        assert!(matches!(again, ServiceError::Conflict { .. }), "{again:?}");
        let _ = Utc::now();
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn lists_and_inboxes_follow_the_actors_jurisdiction() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let founder = world.actor("founder").await;
        let operator = world.actor("operator.a").await;
        let id = relief::apply(&world.system, &founder, world.stay_id, today())
            .await
            .unwrap();
        let query = relief::ListQuery {
            page: 1,
            ..relief::ListQuery::default()
        };
        let (rows, total) = relief::list(&world.system, &operator, &query)
            .await
            .unwrap();
        assert_eq!((rows.len(), total), (1, 1));
        assert_eq!(rows[0].id, id);
        let (rows, total) = relief::list(&world.system, &world.actor("official.b").await, &query)
            .await
            .unwrap();
        assert_eq!(
            (rows.len(), total),
            (0, 0),
            "a street official sees only their street"
        );
        // Filters from the URL: street and carrier.
        let district = world.actor("official.district").await;
        for (street, carrier, expected) in [
            (world.street_a, world.carrier_a, 1),
            (world.street_b, world.carrier_b, 0),
        ] {
            let q = relief::ListQuery {
                jurisdiction_id: Some(street),
                carrier_id: Some(carrier),
                page: 1,
                ..relief::ListQuery::default()
            };
            assert_eq!(
                relief::list(&world.system, &district, &q).await.unwrap().1,
                expected
            );
        }
        let filtered = relief::ListQuery {
            state: Some(ReliefState::Confirmed),
            page: 1,
            ..relief::ListQuery::default()
        };
        let (rows, _) = relief::list(
            &world.system,
            &world.actor("official.district").await,
            &filtered,
        )
        .await
        .unwrap();
        assert!(rows.is_empty());
        let inbox = fuhua_service::inbox::inbox(&world.system, &operator, Utc::now())
            .await
            .unwrap();
        assert_eq!(inbox[0].count, 1);
        assert_eq!(inbox[0].link, "/relief?state=submitted");
        let later = Utc::now() + chrono::Duration::days(6);
        let inbox = fuhua_service::inbox::inbox(&world.system, &operator, later)
            .await
            .unwrap();
        assert_eq!((inbox[0].overdue, inbox[0].oldest_days), (1, Some(6)));
        db.drop_db().await.unwrap();
    }
}
