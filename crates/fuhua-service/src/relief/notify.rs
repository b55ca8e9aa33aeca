//! The emails of the rent-relief journey (SPEC §4: each transition notifies the
//! parties): written into the outbox in the same transaction as the move.

use fuhua_store::Write;
use fuhua_store::outbox::Mail;
use fuhua_store::repo::people::{self, User};
use fuhua_store::repo::timeline::{self, MailRef};
use serde_json::{Value, json};

use crate::System;
use crate::error::ServiceResult;

/// Who receives a case's mail: the applicant's account and the operator's staff.
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    pub applicant: Vec<User>,
    pub operator: Vec<User>,
}

/// The applicant account of a case (or every account of the founder) and the
/// operator's staff with an email address.
pub async fn recipients(
    system: &System,
    applicant_user_id: Option<i64>,
    founder_person_id: i64,
    operator_org_id: Option<i64>,
) -> ServiceResult<Recipients> {
    let store = system.store();
    let applicant = match applicant_user_id {
        Some(id) => people::find_user_by_id(store, id)
            .await?
            .into_iter()
            .collect(),
        None => people::users_of_person(store, founder_person_id).await?,
    };
    let operator = match operator_org_id {
        Some(org) => people::users_with_role_in_organisation(store, "operator", org).await?,
        None => Vec::new(),
    };
    Ok(Recipients {
        applicant: applicant
            .into_iter()
            .filter(|u| u.email.is_some())
            .collect(),
        operator: operator.into_iter().filter(|u| u.email.is_some()).collect(),
    })
}

/// Enqueues `template` to each user with `context` plus their name, tied to the case.
pub async fn send(
    w: &Write,
    users: &[User],
    template: &str,
    case: (&'static str, i64),
    context: &Value,
) -> ServiceResult<()> {
    for user in users {
        let Some(address) = user.email.as_deref() else {
            continue;
        };
        let mut context = context.clone();
        context["recipient_name"] = json!(user.display_name);
        timeline::enqueue_for(
            w,
            &Mail {
                to_address: address.to_owned(),
                template: template.to_owned(),
                lang: "zh-CN".to_owned(),
                context,
            },
            MailRef {
                case_table: case.0,
                case_id: case.1,
                recipient_user_id: Some(user.id),
            },
        )
        .await?;
    }
    Ok(())
}
