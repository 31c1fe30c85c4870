//! Built-in accounts: sign up, sign in, sign out, and resolving a session to its person.

pub mod avatar;
mod password;
pub mod settings;
mod token;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use entity::{account, profile, session};
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, Set, SqlErr};
use shared::AppError;
use shared::account::{CurrentUser, DisplayName, Email, Password};
use shared::ids::ProfileId;
use shared::live::ServerEvent;
use uuid::Uuid;

use crate::Domain;
use crate::limits::{ClientAddr, Key, RateLimited, Rule};
use crate::writer::Outbox;
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
    #[error("a password longer than {} characters", Password::MAX_CHARS)]
    PasswordTooLong,
    /// The current password given to confirm a change is not theirs.
    #[error("wrong current password")]
    WrongPassword,
    /// Refused, for the reason given (in words for the person).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Throttled(#[from] RateLimited),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<DbErr> for AccountError {
    fn from(e: DbErr) -> Self {
        AccountError::Unexpected(anyhow::Error::new(e))
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::InvalidCredentials => AppError::InvalidCredentials,
            AccountError::EmailTaken => {
                AppError::Conflict("An account with that email already exists.".into())
            }
            AccountError::PasswordTooLong => AppError::Validation(format!(
                "Passwords are at most {} characters.",
                Password::MAX_CHARS
            )),
            AccountError::WrongPassword => {
                AppError::Validation("That is not your current password.".into())
            }
            AccountError::Refused(why) => AppError::Conflict(why),
            AccountError::Throttled(limited) => limited.into(),
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

/// Creates a profile (with a generated avatar), its account and a first session, in one
/// transaction. Sign-ups are limited per client address and for everyone together.
pub async fn sign_up(
    domain: &Domain,
    client: ClientAddr,
    input: SignUp,
) -> Result<SignedIn, AccountError> {
    domain.limits.check(Rule::SignUpPerAddress, client)?;
    domain.limits.check(Rule::SignUp, Key::Everyone)?;
    let hash = password::hash(&domain.password_work, input.password).await?;
    let now = Utc::now();
    let profile_id = Uuid::new_v4();
    domain
        .write(move |txn, _| {
            Box::pin(async move {
                let inserted = profile::ActiveModel {
                    id: Set(profile_id),
                    name: Set(input.name.as_str().to_owned()),
                    email: Set(input.email.as_str().to_owned()),
                    image_url: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(txn)
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
                .insert(txn)
                .await
                .context("insert account")?;
                let token = start_session(txn, profile_id).await?;
                Ok(SignedIn {
                    user: to_current_user(profile),
                    token,
                })
            })
        })
        .await
}

/// Checks the credentials and starts a new session, ending `replacing` (the browser's old session,
/// if any) so a session token never survives a sign-in. Attempts are limited per client address
/// and per email, and an over-long password is refused before any hashing.
pub async fn sign_in(
    domain: &Domain,
    client: ClientAddr,
    email: &str,
    password: &str,
    replacing: Option<&str>,
) -> Result<SignedIn, AccountError> {
    domain.limits.check(Rule::SignInPerAddress, client)?;
    domain
        .limits
        .check(Rule::SignInPerEmail, Key::email(email))?;
    if password.chars().count() > Password::MAX_CHARS {
        return Err(AccountError::PasswordTooLong);
    }
    let email = email.trim().to_lowercase();
    let found = profile::Entity::find()
        .filter(profile::Column::Email.eq(email))
        .find_also_related(account::Entity)
        .one(&domain.db)
        .await
        .context("look up account")?;
    let Some((profile, Some(account))) = found else {
        // Spend the same effort as a real check, so timing does not reveal which emails exist.
        password::burn(&domain.password_work, password.to_owned()).await;
        return Err(AccountError::InvalidCredentials);
    };
    if !password::verify(
        &domain.password_work,
        password.to_owned(),
        account.password_hash,
    )
    .await?
    {
        return Err(AccountError::InvalidCredentials);
    }
    let replacing = replacing.map(str::to_owned);
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                if let Some(old) = replacing {
                    end_session(txn, outbox, &old).await?;
                }
                let token = start_session(txn, profile.id).await?;
                Ok(SignedIn {
                    user: to_current_user(profile),
                    token,
                })
            })
        })
        .await
}

/// A live session: whose it is, its stored id, and when it ends.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub user: CurrentUser,
    /// The token's hash: what `ServerEvent::SessionEnded` names.
    pub id: String,
    pub expires_at: DateTime<Utc>,
}

impl ActiveSession {
    /// How long until the session expires (zero if it already has).
    pub fn time_left(&self) -> std::time::Duration {
        (self.expires_at - Utc::now()).to_std().unwrap_or_default()
    }
}

/// The person behind a session token, if the session exists and has not expired.
pub async fn current_user(
    domain: &Domain,
    token: &str,
) -> Result<Option<CurrentUser>, AccountError> {
    Ok(active_session(domain, token).await?.map(|s| s.user))
}

/// The session a token opens, if it exists and has not expired (an expired one is deleted).
pub async fn active_session(
    domain: &Domain,
    token: &str,
) -> Result<Option<ActiveSession>, AccountError> {
    let found = session::Entity::find_by_id(token::hash(token))
        .find_also_related(profile::Entity)
        .one(&domain.db)
        .await
        .context("look up session")?;
    match found {
        Some((s, Some(p))) if s.expires_at > Utc::now() => Ok(Some(ActiveSession {
            user: to_current_user(p),
            id: s.token_hash,
            expires_at: s.expires_at,
        })),
        Some((s, _)) => {
            domain
                .write(move |txn, _| {
                    Box::pin(async move {
                        session::Entity::delete_by_id(s.token_hash)
                            .exec(txn)
                            .await
                            .context("delete expired session")?;
                        Ok::<_, AccountError>(())
                    })
                })
                .await?;
            Ok(None)
        }
        None => Ok(None),
    }
}

/// Ends the session server-side: the token is useless from now on, whoever holds it, and the
/// session's live sockets (on every node) close.
pub async fn sign_out(domain: &Domain, token: &str) -> Result<(), AccountError> {
    let token = token.to_owned();
    domain
        .write(move |txn, outbox| Box::pin(async move { end_session(txn, outbox, &token).await }))
        .await
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

/// Deletes the token's session, if there is one; once that is committed, its live sockets (on
/// every node) hear `SessionEnded`.
async fn end_session(
    db: &impl sea_orm::ConnectionTrait,
    outbox: &Outbox,
    token: &str,
) -> Result<(), AccountError> {
    let hash = token::hash(token);
    let found = session::Entity::find_by_id(hash.clone())
        .one(db)
        .await
        .context("look up session")?;
    if let Some(s) = found {
        session::Entity::delete_by_id(hash)
            .exec(db)
            .await
            .context("delete session")?;
        outbox.publish(ServerEvent::SessionEnded {
            profile_id: ProfileId(s.profile_id),
            session: s.token_hash,
        });
    }
    Ok(())
}

fn to_current_user(p: profile::Model) -> CurrentUser {
    CurrentUser {
        id: ProfileId(p.id),
        image_url: Some(avatar::image_url(&p)),
        name: p.name,
        email: p.email,
    }
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}
