//! argon2id password hashes (PHC strings). Hashing is CPU-heavy and takes memory, so it runs off
//! the async threads and only with a permit from the domain's `password_work` semaphore (held
//! until the work is done, even if the request that asked for it has gone).

use std::sync::Arc;

use anyhow::{Context, anyhow};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use shared::account::Password;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

async fn permit(work: &Arc<Semaphore>) -> anyhow::Result<OwnedSemaphorePermit> {
    work.clone()
        .acquire_owned()
        .await
        .context("the password work queue is closed")
}

/// Hashes a new password with a random salt.
pub async fn hash(work: &Arc<Semaphore>, password: Password) -> anyhow::Result<String> {
    let permit = permit(work).await?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow!("hash password: {e}"))
    })
    .await
    .context("password hashing task")?
}

/// True when `password` matches the stored PHC string.
pub async fn verify(
    work: &Arc<Semaphore>,
    password: String,
    stored: String,
) -> anyhow::Result<bool> {
    let permit = permit(work).await?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let parsed = PasswordHash::new(&stored).map_err(|e| anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .context("password verification task")?
}

/// Does the work of one hash and throws it away (for unknown emails).
pub async fn burn(work: &Arc<Semaphore>, password: String) {
    let Ok(permit) = permit(work).await else {
        return;
    };
    let _ = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let salt = SaltString::generate(&mut OsRng);
        let _ = Argon2::default().hash_password(password.as_bytes(), &salt);
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let work = Arc::new(Semaphore::new(1));
        let stored = hash(&work, Password::parse("correct horse").unwrap())
            .await
            .unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify(&work, "correct horse".into(), stored.clone())
                .await
                .unwrap()
        );
        assert!(!verify(&work, "wrong horse!".into(), stored).await.unwrap());
        assert!(
            verify(&work, "x".into(), "not a hash".into())
                .await
                .is_err()
        );
        assert_eq!(work.available_permits(), 1);
    }

    #[tokio::test]
    async fn work_waits_for_a_permit() {
        let work = Arc::new(Semaphore::new(1));
        let held = work.clone().acquire_owned().await.unwrap();
        let pending = tokio::spawn({
            let work = work.clone();
            async move { burn(&work, "password".into()).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!pending.is_finished(), "hashing started without a permit");
        drop(held);
        pending.await.unwrap();
    }
}
