//! Monthly reports through the use cases, on SQLite and PostgreSQL: filing on time
//! and late against the State Council's calendar, acceptance and return with a
//! reason, filing again, the on-time rate, scope and roles, concurrent decisions
//! and bulk acceptance.

use fuhua_core::YearMonth;
use fuhua_service::ServiceError;
use fuhua_service::reports::{self, Decision, FiguresForm, ListQuery, RowStatus, bulk};
use fuhua_store::repo::reports as repo;
use fuhua_store::repo::timeline;
use fuhua_store::testing::TestDb;
use fuhua_waiver::MonthlyReportState;

use crate::helpers::today;
use crate::world::{self, World, d};

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

fn form(tenants: &str) -> FiguresForm {
    FiguresForm {
        tenants: tenants.into(),
        jobs: "24".into(),
        service_events: "3".into(),
        financing_raised: "150000.50".into(),
        exits: "1".into(),
    }
}

async fn mails(world: &World, id: i64) -> Vec<(String, String)> {
    let mut mails: Vec<_> = timeline::mails_of_case(&world.store, "monthly_reports", id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.template, m.to_address))
        .collect();
    mails.sort();
    mails
}

async fn stored(world: &World, id: i64) -> repo::Report {
    repo::find_report(&world.store, id).await.unwrap().unwrap()
}

/// Files `month` of carrier A as operator.a on `on`.
async fn file(world: &World, month: YearMonth, on: chrono::NaiveDate) -> i64 {
    let operator = world.actor("operator.a").await;
    reports::file(
        &world.system,
        &operator,
        world.carrier_a,
        month,
        &form("8"),
        None,
        on,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_report_filed_by_its_deadline_is_on_time_and_one_filed_after_it_is_late() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        // September 2026: due on Saturday 2026-10-10, a make-up working day.
        let on_time = file(&world, ym(2026, 9), d(2026, 10, 10)).await;
        let report = stored(&world, on_time).await;
        assert_eq!(report.due_on, d(2026, 10, 10));
        assert_eq!(report.state, MonthlyReportState::Submitted);
        assert!(!report.late);
        assert_eq!(report.data["financing_raised_fen"], 15_000_050);
        assert_eq!(report.data["tenants"], 8);
        // October 2026: due Tuesday 2026-11-10, filed on the 27th.
        let late = file(&world, ym(2026, 10), today()).await;
        let report = stored(&world, late).await;
        assert_eq!(report.due_on, d(2026, 11, 10));
        assert!(report.late);
        // January 2026: the 10th of February is a Tuesday.
        let jan = file(&world, ym(2026, 1), d(2026, 2, 11)).await;
        assert_eq!(stored(&world, jan).await.due_on, d(2026, 2, 10));
        assert!(stored(&world, jan).await.late);
        // Filing the same month again is a conflict, not a second report.
        let operator = world.actor("operator.a").await;
        let again = reports::file(
            &world.system,
            &operator,
            world.carrier_a,
            ym(2026, 9),
            &form("8"),
            Some(report.version),
            today(),
        )
        .await;
        assert!(
            matches!(again, Err(ServiceError::Conflict { .. })),
            "{again:?}"
        );
        assert!(world.store.verify_audit().await.unwrap().is_intact());
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn a_month_that_has_not_ended_and_bad_figures_are_refused_naming_the_field() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        for month in [ym(2026, 11), ym(2026, 12), ym(2027, 3)] {
            let err = reports::file(
                &world.system,
                &operator,
                world.carrier_a,
                month,
                &form("8"),
                None,
                today(),
            )
            .await
            .unwrap_err();
            let ServiceError::Invalid(problems) = err else {
                panic!("{month} accepted");
            };
            assert_eq!(problems[0].field, "month");
        }
        let mut bad = form("many");
        bad.financing_raised = "12.345".into();
        let ServiceError::Invalid(problems) = reports::file(
            &world.system,
            &operator,
            world.carrier_a,
            ym(2026, 10),
            &bad,
            None,
            today(),
        )
        .await
        .unwrap_err() else {
            panic!("bad figures accepted");
        };
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["tenants", "financing_raised"]);
        assert!(
            repo::report_of_period(&world.store, world.carrier_a, "2026-10")
                .await
                .unwrap()
                .is_none(),
            "nothing is written"
        );
        assert!(reports::parse_month("2026-13").is_err());
        assert!(reports::parse_month("26-1x").is_err());
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn an_official_returns_a_report_with_a_reason_the_operator_files_it_again_and_it_is_accepted()
{
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let official = world.actor("official.district").await;
        let id = file(&world, ym(2026, 10), d(2026, 11, 10)).await;
        let v = stored(&world, id).await.version;

        let no_reason = reports::decide(
            &world.system,
            &official,
            id,
            v,
            &Decision::Return("  ".into()),
        )
        .await;
        assert!(matches!(no_reason, Err(ServiceError::Invalid(ref p)) if p[0].field == "reason"));
        reports::decide(
            &world.system,
            &official,
            id,
            v,
            &Decision::Return("带动就业人数与社保记录不一致".into()),
        )
        .await
        .unwrap();
        let report = stored(&world, id).await;
        assert_eq!(report.state, MonthlyReportState::Returned);
        assert_eq!(
            report.return_reason.as_deref(),
            Some("带动就业人数与社保记录不一致")
        );
        assert_eq!(
            mails(&world, id).await,
            [(
                "report_returned".to_owned(),
                "operator.a@example.cn".to_owned()
            )]
        );
        let listed = reports::list(
            &world.system,
            &operator,
            &ListQuery {
                status: Some(RowStatus::Returned),
                ..ListQuery::default()
            },
            today(),
        )
        .await
        .unwrap();
        assert_eq!(listed.rows.len(), 1);
        assert_eq!(
            listed.rows[0].return_reason.as_deref(),
            Some("带动就业人数与社保记录不一致")
        );

        // A returned report cannot be accepted until it is filed again.
        let early = reports::decide(
            &world.system,
            &official,
            id,
            report.version,
            &Decision::Accept,
        )
        .await;
        assert!(
            matches!(early, Err(ServiceError::Conflict { .. })),
            "{early:?}"
        );

        // Filed again after the deadline: the first filing was on time, so it stays so.
        reports::file(
            &world.system,
            &operator,
            world.carrier_a,
            ym(2026, 10),
            &form("9"),
            Some(report.version),
            today(),
        )
        .await
        .unwrap();
        let report = stored(&world, id).await;
        assert_eq!(report.state, MonthlyReportState::Submitted);
        assert!(!report.late);
        assert_eq!(report.data["tenants"], 9);

        reports::decide(
            &world.system,
            &official,
            id,
            report.version,
            &Decision::Accept,
        )
        .await
        .unwrap();
        let report = stored(&world, id).await;
        assert_eq!(report.state, MonthlyReportState::Accepted);
        assert_eq!(report.accepted_by, Some(official.user_id));
        let sent = mails(&world, id).await;
        assert!(sent.contains(&(
            "report_accepted".to_owned(),
            "operator.a@example.cn".to_owned()
        )));

        // An accepted report is closed.
        let refile = reports::file(
            &world.system,
            &operator,
            world.carrier_a,
            ym(2026, 10),
            &form("9"),
            Some(report.version),
            today(),
        )
        .await;
        assert!(
            matches!(refile, Err(ServiceError::Conflict { .. })),
            "{refile:?}"
        );
        let view = reports::view(&world.system, &operator, id).await.unwrap();
        assert!(view.actions.iter().all(|a| !a.available));
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn the_on_time_rate_counts_late_and_missing_months_and_unfiled_months_show_as_overdue() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        file(&world, ym(2026, 8), d(2026, 9, 10)).await; // on time
        file(&world, ym(2026, 9), d(2026, 10, 12)).await; // late (due 10-10)
        // October not filed.
        let rate = reports::on_time_rate(
            &world.system,
            &operator,
            world.carrier_a,
            ym(2026, 8),
            ym(2026, 10),
            today(),
        )
        .await
        .unwrap();
        assert_eq!((rate.value.due, rate.value.on_time), (3, 1));
        assert_eq!(
            rate.value.rate.map(|r| r.round_dp(4).to_string()),
            Some("0.3333".to_owned())
        );
        assert!(rate.trace.steps()[0].detail.en.contains("2026-09, 2026-10"));

        let overdue = reports::list(
            &world.system,
            &operator,
            &ListQuery {
                month: Some(ym(2026, 10)),
                ..ListQuery::default()
            },
            today(),
        )
        .await
        .unwrap();
        assert_eq!(overdue.total, 1, "operator.a sees only its own carrier");
        assert_eq!(overdue.rows[0].status, RowStatus::Overdue);
        assert_eq!(overdue.rows[0].due_on, d(2026, 11, 10));
        assert!(overdue.rows[0].report_id.is_none());
        let late = reports::list(
            &world.system,
            &operator,
            &ListQuery {
                late: Some(true),
                ..ListQuery::default()
            },
            today(),
        )
        .await
        .unwrap();
        // Every unfiled month of the last twelve is overdue, plus September (late).
        assert_eq!(late.total, 11);
        let official = world.actor("official.district").await;
        let all = reports::list(&world.system, &official, &ListQuery::default(), today())
            .await
            .unwrap();
        assert_eq!(all.total, 24, "two carriers, twelve months each");
        assert_eq!(all.rows.len(), 24);
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn other_operators_and_other_streets_officials_see_nothing_and_wrong_roles_are_refused() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let id = file(&world, ym(2026, 10), today()).await;
        let v = stored(&world, id).await.version;
        for outsider in ["operator.b", "official.b"] {
            let actor = world.actor(outsider).await;
            assert!(
                matches!(
                    reports::view(&world.system, &actor, id).await,
                    Err(ServiceError::NotFound)
                ),
                "{outsider}"
            );
            assert!(matches!(
                reports::decide(&world.system, &actor, id, v, &Decision::Accept).await,
                Err(ServiceError::NotFound)
            ));
            assert!(matches!(
                reports::file(
                    &world.system,
                    &actor,
                    world.carrier_a,
                    ym(2026, 9),
                    &form("1"),
                    None,
                    today()
                )
                .await,
                Err(ServiceError::NotFound)
            ));
        }
        for wrong in ["founder", "finance"] {
            let actor = world.actor(wrong).await;
            assert!(matches!(
                reports::view(&world.system, &actor, id).await,
                Err(ServiceError::Forbidden)
            ));
            assert!(matches!(
                reports::list(&world.system, &actor, &ListQuery::default(), today()).await,
                Err(ServiceError::Forbidden)
            ));
        }
        // The operator does not accept; the official does not file.
        let operator = world.actor("operator.a").await;
        assert!(matches!(
            reports::decide(&world.system, &operator, id, v, &Decision::Accept).await,
            Err(ServiceError::Forbidden)
        ));
        let official = world.actor("official.district").await;
        assert!(matches!(
            reports::file(
                &world.system,
                &official,
                world.carrier_a,
                ym(2026, 9),
                &form("1"),
                None,
                today()
            )
            .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            bulk::preview_accept(&world.system, &operator, &[id]).await,
            Err(ServiceError::Forbidden)
        ));
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn two_officials_deciding_at_once_give_one_winner_and_one_conflict() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let id = file(&world, ym(2026, 10), today()).await;
        let v = stored(&world, id).await.version;
        let second = fuhua_service::System::from_store(db.second_pool().await.unwrap());
        let official = world.actor("official.district").await;
        let give_back = Decision::Return("不一致".into());
        let (a, b) = tokio::join!(
            reports::decide(&world.system, &official, id, v, &Decision::Accept),
            reports::decide(&second, &official, id, v, &give_back),
        );
        assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
        let loser = a.err().or(b.err()).unwrap();
        assert!(matches!(loser, ServiceError::Conflict { .. }), "{loser:?}");
        assert_eq!(mails(&world, id).await.len(), 1, "one decision's mail only");
        db.drop_db().await.unwrap();
    }
}

#[tokio::test]
async fn bulk_acceptance_previews_each_item_and_accepts_those_it_can_with_the_same_mail() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let official = world.actor("official.district").await;
        let a = file(&world, ym(2026, 8), d(2026, 9, 10)).await;
        let b = file(&world, ym(2026, 9), d(2026, 10, 9)).await;
        let c = file(&world, ym(2026, 10), today()).await;
        // c is returned first, so it cannot be accepted.
        reports::decide(
            &world.system,
            &official,
            c,
            stored(&world, c).await.version,
            &Decision::Return("缺少附件".into()),
        )
        .await
        .unwrap();
        let preview = bulk::preview_accept(&world.system, &official, &[a, b, c, 999_999])
            .await
            .unwrap();
        let blocked: Vec<bool> = preview.iter().map(|i| i.blocked.is_some()).collect();
        assert_eq!(blocked, [false, false, true, true]);
        assert_eq!(preview[0].period, "2026-08");

        let items: Vec<(i64, i32)> = preview.iter().map(|i| (i.id, i.version)).collect();
        let results = bulk::accept_all(&world.system, &official, &items)
            .await
            .unwrap();
        let ok: Vec<bool> = results.iter().map(|r| r.error.is_none()).collect();
        assert_eq!(ok, [true, true, false, false]);
        for id in [a, b] {
            assert_eq!(stored(&world, id).await.state, MonthlyReportState::Accepted);
            assert_eq!(
                mails(&world, id).await,
                [(
                    "report_accepted".to_owned(),
                    "operator.a@example.cn".to_owned()
                )]
            );
        }
        assert_eq!(stored(&world, c).await.state, MonthlyReportState::Returned);
        assert!(matches!(
            bulk::preview_accept(&world.system, &official, &[]).await,
            Err(ServiceError::Invalid(_))
        ));
        db.drop_db().await.unwrap();
    }
}
