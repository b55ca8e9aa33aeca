//! Changing one's own password.

use fuhua_core::{Lang, Problem};
use fuhua_store::outbox::{self, Mail};
use fuhua_store::repo::{sessions, signin};
use serde_json::json;

use super::{hashing, rules};
use crate::actor::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::system::System;

/// The mail template that tells a user their password changed.
pub const PASSWORD_CHANGED_MAIL: &str = "password_changed";

/// Changes the actor's password after checking the current one, and ends every
/// other session of the account (the one whose cookie holds `current_token` stays).
/// When the account has an email, the `password_changed` mail (context
/// `{recipient_name, url: "/account"}`) is queued in the same transaction, in
/// `lang`. Returns how many other sessions were ended.
///
/// Errors: `Invalid` naming `old_password` (wrong) or `new_password` (breaks a
/// rule of [`rules::password_problems`]); `NotFound` when the account is gone.
pub async fn change_password(
    system: &System,
    actor: &Actor,
    current_token: Option<&str>,
    old_password: &str,
    new_password: &str,
    lang: Lang,
) -> ServiceResult<u64> {
    let store = system.store();
    let (user, stored) = signin::account_by_id(store, actor.user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut problems = Vec::new();
    if old_password.is_empty() {
        problems.push(rules::required(
            "old_password",
            "当前密码",
            "current password",
        ));
    } else if !hashing::verify(old_password, Some(stored)).await? {
        problems.push(Problem::new(
            "old_password",
            "wrong_password",
            "当前密码不正确",
            "The current password is not correct",
        ));
    }
    problems.extend(rules::password_problems(
        "new_password",
        &user.username,
        new_password,
    ));
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let hash = hashing::hash(new_password).await?;
    let keep = current_token.map(sessions::session_id_of);
    let w = store.write(&actor.audit_actor()).await?;
    signin::set_password_hash(&w, user.id, &hash).await?;
    let ended = sessions::end_other_sessions(&w, user.id, keep.as_deref()).await?;
    if let Some(email) = user.email.as_deref().filter(|e| !e.trim().is_empty()) {
        outbox::enqueue(
            &w,
            &Mail {
                to_address: email.to_owned(),
                template: PASSWORD_CHANGED_MAIL.to_owned(),
                lang: lang.tag().to_owned(),
                context: json!({"recipient_name": user.display_name, "url": "/account"}),
            },
        )
        .await?;
    }
    w.commit().await?;
    Ok(ended)
}
