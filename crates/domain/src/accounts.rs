//! Built-in accounts: sign up, sign in, sign out, and resolving a session to its person.

mod avatar;
mod password;
pub mod throttle;
mod token;

use std::net::IpAddr;

use anyhow::Context;
use chrono::{Duration, Utc};
use entity::{account, profile, session};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, Set, SqlErr, TransactionTrait,
};
use shared::AppError;
use shared::account::{CurrentUser, DisplayName, Email, Password};
use shared::ids::ProfileId;
use uuid::Uuid;

use crate::Domain;
pub use token::SessionToken;

/// How long a session lasts after sign-in.
pub const SESSION_TTL: Duration = Duration::days(30);

/// The expected ways an account operation fails.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("email already registered")]
    EmailTaken,
    #[error("too many sign-in attempts")]
    Throttled,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::InvalidCredentials => AppError::InvalidCredentials,
            AccountError::EmailTaken => {
                AppError::Conflict("An account with that email already exists.".into())
            }
            AccountError::Throttled => AppError::RateLimited,
            AccountError::Unexpected(e) => {
                tracing::error!(error = ?e, "account operation failed");
                AppError::Internal
            }
        }
    }
}

/// Parsed sign-up input.
#[derive(Debug)]
pub struct SignUp {
    pub name: DisplayName,
    pub email: Email,
    pub password: Password,
}

/// A fresh session: the user and the token to put in their cookie.
#[derive(Debug)]
pub struct SignedIn {
    pub user: CurrentUser,
    pub token: SessionToken,
}

/// Creates a profile (with a generated avatar), its account and a first session, in one transaction.
pub async fn sign_up(domain: &Domain, input: SignUp) -> Result<SignedIn, AccountError> {
    let hash = password::hash(input.password).await?;
    let now = Utc::now();
    let profile_id = Uuid::new_v4();
    let _writer = domain.write_lock().await;
    let txn = domain.db.begin().await.context("begin sign-up")?;
    let inserted = profile::ActiveModel {
        id: Set(profile_id),
        name: Set(input.name.as_str().to_owned()),
        email: Set(input.email.as_str().to_owned()),
        image_url: Set(Some(avatar::data_url(input.name.as_str(), profile_id))),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    let profile = match inserted {
        Ok(p) => p,
        Err(e) if is_unique_violation(&e) => return Err(AccountError::EmailTaken),
        Err(e) => return Err(anyhow::Error::new(e).context("insert profile").into()),
    };
    account::ActiveModel {
        profile_id: Set(profile_id),
        password_hash: Set(hash),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .context("insert account")?;
    let token = start_session(&txn, profile_id).await?;
    txn.commit().await.context("commit sign-up")?;
    Ok(SignedIn {
        user: to_current_user(profile),
        token,
    })
}

/// Checks the credentials and starts a new session, ending `replacing` (the browser's old session,
/// if any) so a session token never survives a sign-in. Attempts from one address are throttled.
pub async fn sign_in(
    domain: &Domain,
    client: IpAddr,
    email: &str,
    password: &str,
    replacing: Option<&str>,
) -> Result<SignedIn, AccountError> {
    domain.sign_in_throttle.check(client)?;
    let email = email.trim().to_lowercase();
    let found = profile::Entity::find()
        .filter(profile::Column::Email.eq(email))
        .find_also_related(account::Entity)
        .one(&domain.db)
        .await
        .context("look up account")?;
    let Some((profile, Some(account))) = found else {
        // Spend the same effort as a real check, so timing does not reveal which emails exist.
        password::burn(password.to_owned()).await;
        return Err(AccountError::InvalidCredentials);
    };
    if !password::verify(password.to_owned(), account.password_hash).await? {
        return Err(AccountError::InvalidCredentials);
    }
    let _writer = domain.write_lock().await;
    let txn = domain.db.begin().await.context("begin sign-in")?;
    if let Some(old) = replacing {
        end_session(&txn, old).await?;
    }
    let token = start_session(&txn, profile.id).await?;
    txn.commit().await.context("commit sign-in")?;
    Ok(SignedIn {
        user: to_current_user(profile),
        token,
    })
}

/// The person behind a session token, if the session exists and has not expired.
pub async fn current_user(
    domain: &Domain,
    token: &str,
) -> Result<Option<CurrentUser>, AccountError> {
    let found = session::Entity::find_by_id(token::hash(token))
        .find_also_related(profile::Entity)
        .one(&domain.db)
        .await
        .context("look up session")?;
    match found {
        Some((s, Some(p))) if s.expires_at > Utc::now() => Ok(Some(to_current_user(p))),
        Some((s, _)) => {
            session::Entity::delete_by_id(s.token_hash)
                .exec(&domain.db)
                .await
                .context("delete expired session")?;
            Ok(None)
        }
        None => Ok(None),
    }
}

/// Ends the session server-side: the token is useless from now on, whoever holds it.
pub async fn sign_out(domain: &Domain, token: &str) -> Result<(), AccountError> {
    end_session(&domain.db, token).await
}

async fn start_session(
    db: &impl sea_orm::ConnectionTrait,
    profile_id: Uuid,
) -> Result<SessionToken, AccountError> {
    let token = SessionToken::generate();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(token::hash(token.expose())),
        profile_id: Set(profile_id),
        expires_at: Set(now + SESSION_TTL),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .context("insert session")?;
    Ok(token)
}

async fn end_session(db: &impl sea_orm::ConnectionTrait, token: &str) -> Result<(), AccountError> {
    session::Entity::delete_by_id(token::hash(token))
        .exec(db)
        .await
        .context("delete session")?;
    Ok(())
}

fn to_current_user(p: profile::Model) -> CurrentUser {
    CurrentUser {
        id: ProfileId(p.id),
        name: p.name,
        email: p.email,
        image_url: p.image_url,
    }
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}
