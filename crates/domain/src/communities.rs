//! Servers, their members and their channels. Every function loads the caller's membership inside
//! its transaction, checks `shared::permissions::can`, and only then writes.

pub(crate) mod access;
pub mod bans;
pub mod channels;
pub mod members;
pub mod servers;

use sea_orm::{DbErr, SqlErr};
use shared::AppError;

use crate::limits::RateLimited;

/// The expected ways a community operation fails.
#[derive(Debug, thiserror::Error)]
pub enum CommunityError {
    /// The server, channel or member does not exist *for this caller*: non-members get this too,
    /// so nobody learns what exists behind a server they are not in.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Banned from the server the request is about.
    #[error("banned")]
    Banned,
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Throttled(#[from] RateLimited),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<DbErr> for CommunityError {
    fn from(e: DbErr) -> Self {
        CommunityError::Unexpected(anyhow::Error::new(e))
    }
}

impl From<AppError> for CommunityError {
    fn from(e: AppError) -> Self {
        CommunityError::Invalid(e.to_string())
    }
}

impl From<CommunityError> for AppError {
    fn from(e: CommunityError) -> Self {
        match e {
            CommunityError::NotFound => AppError::NotFound,
            CommunityError::Forbidden => AppError::Forbidden,
            CommunityError::Banned => AppError::Banned,
            CommunityError::Invalid(m) => AppError::Validation(m),
            CommunityError::Conflict(m) => AppError::Conflict(m),
            CommunityError::Throttled(limited) => limited.into(),
            CommunityError::Unexpected(e) => {
                tracing::error!(error = ?e, "community operation failed");
                AppError::Internal
            }
        }
    }
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}
