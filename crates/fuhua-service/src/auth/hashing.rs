//! argon2 off the async workers: hashing and verifying take tens of milliseconds of
//! CPU each, so they run on tokio's blocking pool.

use fuhua_store::{StoreError, password};

use crate::error::{ServiceError, ServiceResult};

/// An argon2id hash (the default parameters, as `password::hash_password` makes)
/// of a random password nobody knows. An unknown username is verified against it,
/// so that it costs the same time as a wrong password.
pub(super) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$Tr3+Ze9tjg2Zw7ti+Pyu4A$KF2VDqUi0/MWu4ByZF8RBLTSovMvlfE7Y9DWm4J+9hQ";

fn unfinished(error: tokio::task::JoinError) -> ServiceError {
    tracing::error!(%error, "a password check did not finish");
    ServiceError::Store(StoreError::Invalid(
        "the password check did not finish".into(),
    ))
}

/// Whether `password` matches the stored hash, or — when there is no account —
/// one verification against [`DUMMY_HASH`] that never matches.
pub(super) async fn verify(password: &str, stored: Option<String>) -> ServiceResult<bool> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => password::verify_password(&password, &hash),
        None => {
            let _ = password::verify_password(&password, DUMMY_HASH);
            false
        }
    })
    .await
    .map_err(unfinished)
}

/// A fresh argon2id hash of `password`.
pub(super) async fn hash(password: &str) -> ServiceResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || password::hash_password(&password))
        .await
        .map_err(unfinished)?
        .map_err(ServiceError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The part of a PHC string before the salt: algorithm, version, parameters.
    fn parameters(phc: &str) -> String {
        phc.split('$').take(4).collect::<Vec<_>>().join("$")
    }

    #[tokio::test]
    async fn the_dummy_hash_costs_what_a_real_one_does_and_matches_nothing() {
        let real = hash("a real password 2026").await.unwrap();
        assert_eq!(parameters(DUMMY_HASH), parameters(&real));
        // It parses, so verifying against it runs argon2 in full.
        assert!(
            argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok(),
            "a fresh one: {real}"
        );
        assert!(!verify("", None).await.unwrap());
        assert!(!verify("a real password 2026", None).await.unwrap());
        assert!(verify("a real password 2026", Some(real)).await.unwrap());
    }
}
