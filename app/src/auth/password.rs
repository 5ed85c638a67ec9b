//! Password hashing: argon2id with the OWASP minimum, on blocking threads,
//! a bounded number at once (the permits), sign-ups in at most half of them.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{internal, AppError};

/// A hash of a random password with the current parameters: verifying
/// against it makes an unknown login cost as much as a wrong password.
pub(super) const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$3T6oH6mCMrH0BfNqjMC3Dw$n6gPyfd3m0cUDWyeIE5F9dRQnoAwY/LGoWm6W3XQ66I";

/// argon2id with the OWASP minimum (m = 19 MiB, t = 2, p = 1).
fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// How many argon2 computations may run at once: two per core. Each takes
/// 19 MiB and a core for tens of milliseconds.
fn hashing_capacity() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from) * 2
}

/// How long a login or registration waits for its turn before being told
/// to try again.
const HASHING_WAIT: Duration = Duration::from_secs(10);

fn hashing_permits() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    Arc::clone(PERMITS.get_or_init(|| Arc::new(Semaphore::new(hashing_capacity()))))
}

/// Sign-ups hold at most half of the hashing slots: a flood of
/// registrations (anonymous; limited per address, not in all) still leaves
/// room for logins.
fn sign_up_capacity() -> usize {
    (hashing_capacity() / 2).max(1)
}

fn sign_up_permits() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    Arc::clone(PERMITS.get_or_init(|| Arc::new(Semaphore::new(sign_up_capacity()))))
}

/// A permit of `permits`, waiting at most `HASHING_WAIT` for it.
async fn wait_for(permits: Arc<Semaphore>) -> Result<OwnedSemaphorePermit, AppError> {
    tokio::time::timeout(HASHING_WAIT, permits.acquire_owned())
        .await
        .map_err(|_| {
            tracing::warn!("password hashing saturated: a request waited too long");
            AppError::too_many(5)
        })?
        .map_err(|error| internal("hashing permits closed", error))
}

/// Runs one argon2 computation on a blocking thread once a permit is free.
/// A flood of logins or sign-ups queues here instead of taking every
/// blocking thread and gigabytes of memory; whoever waits longer than
/// `HASHING_WAIT` gets 429. The permit lives as long as the computation,
/// even when the caller has gone away.
async fn with_hashing_permit<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = wait_for(hashing_permits()).await?;
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(permit);
        result
    })
    .await
    .map_err(|error| internal("hashing task failed", error))
}

/// [`with_hashing_permit`], also holding one of the sign-up slots.
async fn with_sign_up_permit<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = wait_for(sign_up_permits()).await?;
    let result = with_hashing_permit(work).await;
    drop(permit);
    result
}

fn hash_with_new_salt(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| internal("hashing failed", error))
}

/// Hashes on a blocking thread: argon2 is deliberately slow.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    with_hashing_permit(move || hash_with_new_salt(&password)).await?
}

/// [`hash_password`] for a sign-up, in one of the sign-up slots.
pub(super) async fn hash_sign_up_password(password: String) -> Result<String, AppError> {
    with_sign_up_permit(move || hash_with_new_salt(&password)).await?
}

/// Whether the password matches, and whether the hash should be redone
/// because it was made with other parameters.
pub(super) async fn verify_password(password: String, hash: String) -> Result<(bool, bool), AppError> {
    with_hashing_permit(move || {
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return (false, false);
        };
        let valid = hasher().verify_password(password.as_bytes(), &parsed).is_ok();
        let wanted = Params::default();
        let current = Params::try_from(&parsed).is_ok_and(|params| {
            (params.m_cost(), params.t_cost(), params.p_cost())
                == (wanted.m_cost(), wanted.t_cost(), wanted.p_cost())
        }) && parsed.algorithm == Algorithm::Argon2id.ident();
        (valid, valid && !current)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Runs `tasks` jobs of 30 ms through `run` at once; returns how many
    /// ran at the same time at most.
    async fn most_at_once<F, Fut>(tasks: usize, run: F) -> usize
    where
        F: Fn(Box<dyn FnOnce() + Send>) -> Fut,
        Fut: std::future::Future<Output = Result<(), AppError>> + Send + 'static,
    {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut jobs = tokio::task::JoinSet::new();
        for _ in 0..tasks {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            jobs.spawn(run(Box::new(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(30));
                running.fetch_sub(1, Ordering::SeqCst);
            })));
        }
        let mut finished = 0;
        while let Some(outcome) = jobs.join_next().await {
            outcome.expect("task").expect("every request gets its turn");
            finished += 1;
        }
        assert_eq!(finished, tasks);
        most.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn a_flood_of_hashing_runs_a_bounded_number_at_once() {
        let capacity = hashing_capacity();
        let most = most_at_once(capacity * 4, with_hashing_permit).await;
        assert!(most <= capacity, "{most} ran at once, the limit is {capacity}");
        assert!(most >= 2, "they still run in parallel ({most})");
    }

    #[tokio::test]
    async fn sign_ups_leave_hashing_slots_to_logins() {
        let capacity = sign_up_capacity();
        assert!(capacity < hashing_capacity());
        let most = most_at_once(capacity * 4, with_sign_up_permit).await;
        assert!(
            most <= capacity,
            "{most} sign-ups hashed at once, the limit is {capacity}"
        );
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_with_owasp_parameters() {
        let hash = hash_password("correct horse battery".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        let (valid, rehash) = verify_password("correct horse battery".into(), hash.clone())
            .await
            .expect("verify");
        assert!(valid && !rehash);
        let (valid, _) = verify_password("wrong".into(), hash).await.expect("verify");
        assert!(!valid);
    }

    #[tokio::test]
    async fn hashes_with_weaker_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).expect("params"),
        );
        let salt = SaltString::generate(&mut OsRng);
        let hash = weak
            .hash_password(b"correct horse battery", &salt)
            .expect("hash")
            .to_string();
        let (valid, rehash) = verify_password("correct horse battery".into(), hash)
            .await
            .expect("verify");
        assert!(valid && rehash);
    }

    #[tokio::test]
    async fn the_dummy_hash_is_current_and_matches_nothing_guessable() {
        let (valid, rehash) = verify_password("password".into(), DUMMY_HASH.into())
            .await
            .expect("verify");
        assert!(!valid && !rehash);
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
