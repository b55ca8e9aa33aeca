//! Batches and finance through the use cases, on SQLite and PostgreSQL: bulk
//! approval and a batch payment with one bad row; fund sources, appropriations and
//! what finance sees of them.

use fuhua_core::Money;
use fuhua_core::vocab::FundingSource;
use fuhua_service::ServiceError;
use fuhua_service::claims::{self, ClaimFilter};
use fuhua_store::repo::timeline;
use fuhua_store::testing::TestDb;
use fuhua_waiver::ClaimState;

use crate::helpers::today;
use crate::settlement_claims::{
    approve, budget, claim, generate, items, ledger, mails, pay, submit,
};
use crate::world::{self, d};

#[tokio::test]
async fn a_batch_payment_pays_the_good_rows_and_names_the_bad_one() {
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let official = world.actor("official.district").await;
        let finance = world.actor("finance").await;
        budget(&world, 2025, 100_000).await;
        ledger(&world, world.stay_id, &[("2025-10", 100_000, false)]).await;
        ledger(&world, world.other_stay_id, &[("2025-10", 200_000, false)]).await;
        let made = generate(&world, "2025Q4", today()).await;
        assert_eq!(made.claims.len(), 2);
        let (a, b) = (made.claims[0].id, made.claims[1].id);
        submit(&world, &world.actor("operator.a").await, a).await;
        submit(&world, &world.actor("operator.b").await, b).await;

        // Bulk approval: preview, then each item as alone.
        let preview = claims::preview_approve(&world.system, &official, &[a, b, 9_999])
            .await
            .unwrap();
        assert!(preview[0].ok() && preview[1].ok());
        assert!(!preview[2].ok(), "an unknown claim is named");
        let approved = claims::approve_many(
            &world.system,
            &official,
            &items(&world, &[(a, ""), (b, "")]).await,
            "",
        )
        .await;
        assert!(approved.iter().all(|o| o.ok()), "{approved:?}");
        assert!(mails(&world, b).await.contains(&(
            "claim_decided".to_owned(),
            "operator.b@example.cn".to_owned()
        )));

        // Batch payment: the second row has no voucher number.
        let batch = items(&world, &[(a, "记-2026-010"), (b, " ")]).await;
        let preview = claims::preview_pay(&world.system, &finance, &batch, d(2026, 1, 20), today())
            .await
            .unwrap();
        assert!(preview[0].ok());
        assert!(!preview[1].ok());
        assert!(
            claim(&world, a).await.state == ClaimState::Approved,
            "a preview writes nothing"
        );
        let done = claims::pay_many(&world.system, &finance, &batch, d(2026, 1, 20), today()).await;
        assert!(done[0].ok());
        assert!(!done[1].ok());
        assert!(done[1].message(fuhua_core::Lang::Zh).contains("请填写"));
        assert_eq!(claim(&world, a).await.state, ClaimState::Paid);
        assert_eq!(claim(&world, b).await.state, ClaimState::Approved);
        // The same batch again: the paid row is refused, nothing is paid twice.
        let again =
            claims::pay_many(&world.system, &finance, &batch, d(2026, 1, 20), today()).await;
        assert!(!again[0].ok());
        assert_eq!(
            claim(&world, a).await.voucher_no.as_deref(),
            Some("记-2026-010")
        );
    }
}

#[tokio::test]
async fn finance_sees_appropriated_reserved_paid_and_left_and_adjusts_with_a_reason() {
    use fuhua_service::finance::{self, FundSourceInput};
    for db in TestDb::every().await.unwrap() {
        let world = world::build(&db).await;
        let operator = world.actor("operator.a").await;
        let official = world.actor("official.district").await;
        let finance_user = world.actor("finance").await;
        // Only finance manages fund sources.
        let input = FundSourceInput {
            kind: FundingSource::DistrictFinance,
            name: "区财政就业补助资金".into(),
            jurisdiction_id: None,
        };
        assert!(matches!(
            finance::add_fund_source(&world.system, &official, &input).await,
            Err(ServiceError::Forbidden)
        ));
        let source = finance::add_fund_source(&world.system, &finance_user, &input)
            .await
            .unwrap();
        assert!(matches!(
            finance::add_fund_source(&world.system, &finance_user, &input).await,
            Err(ServiceError::Conflict { .. })
        ));
        let amount = finance::parse_amount("amount", "20,000").unwrap();
        assert!(finance::parse_amount("amount", "-1").is_err());
        assert!(finance::parse_amount("amount", "1.234").is_err());
        let appropriation =
            finance::add_appropriation(&world.system, &finance_user, source, 2025, amount)
                .await
                .unwrap();

        ledger(&world, world.stay_id, &[("2025-10", 300_000, false)]).await;
        ledger(&world, world.other_stay_id, &[("2025-10", 500_000, false)]).await;
        let made = generate(&world, "2025Q4", today()).await;
        let (a, b) = (made.claims[0].id, made.claims[1].id);
        submit(&world, &operator, a).await;
        submit(&world, &world.actor("operator.b").await, b).await;
        approve(&world, &official, a).await.unwrap();
        approve(&world, &official, b).await.unwrap();
        pay(&world, &finance_user, a, "记-1").await.unwrap();

        let waiting = claims::list(
            &world.system,
            &finance_user,
            &ClaimFilter {
                state: Some(ClaimState::Approved),
                ..ClaimFilter::default()
            },
            100,
        )
        .await
        .unwrap();
        assert_eq!(waiting.iter().map(|c| c.id).collect::<Vec<_>>(), vec![b]);

        let lines = finance::overview(&world.system, &finance_user)
            .await
            .unwrap();
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.appropriated, Money::yuan(20_000));
        assert_eq!(line.paid, Money::yuan(3_000));
        assert_eq!(line.reserved, Money::yuan(5_000));
        assert_eq!(line.left, Money::yuan(12_000));

        // Adjusting needs a reason, never goes below what is committed, is audited.
        assert!(matches!(
            finance::adjust_appropriation(
                &world.system,
                &finance_user,
                appropriation,
                line.version,
                Money::yuan(30_000),
                " "
            )
            .await,
            Err(ServiceError::Invalid(_))
        ));
        assert!(matches!(
            finance::adjust_appropriation(
                &world.system,
                &finance_user,
                appropriation,
                line.version,
                Money::yuan(7_000),
                "压减"
            )
            .await,
            Err(ServiceError::Invalid(ref p)) if p[0].field == "amount"
        ));
        finance::adjust_appropriation(
            &world.system,
            &finance_user,
            appropriation,
            line.version,
            Money::yuan(30_000),
            "年中追加预算",
        )
        .await
        .unwrap();
        let after = finance::overview(&world.system, &finance_user)
            .await
            .unwrap();
        assert_eq!(after[0].left, Money::yuan(22_000));
        let audit = timeline::audit_of(&world.store, "appropriations", appropriation)
            .await
            .unwrap();
        assert!(audit.iter().any(|a| a.action == "adjust"), "{audit:?}");
        // A stale form is a conflict.
        assert!(matches!(
            finance::adjust_appropriation(
                &world.system,
                &finance_user,
                appropriation,
                line.version,
                Money::yuan(40_000),
                "再次追加"
            )
            .await,
            Err(ServiceError::Conflict { .. })
        ));
    }
}
