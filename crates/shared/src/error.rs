//! The one error type clients see. It is also the error of every server function, so the browser
//! gets the same typed variants the server produced.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", content = "message")]
pub enum AppError {
    /// Input that does not parse: the message says what is wrong and how to fix it.
    #[error("{0}")]
    Validation(String),
    /// Wrong email or password; deliberately the same for both.
    #[error("Wrong email or password.")]
    InvalidCredentials,
    /// No valid session.
    #[error("You need to sign in first.")]
    Unauthorized,
    #[error("You don't have permission to do that.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// Banned from the server asked about; only its admins can lift the ban.
    #[error("You are banned from this server.")]
    Banned,
    /// The request clashes with existing data (e.g. an email already in use).
    #[error("{0}")]
    Conflict(String),
    /// Over a limit; the number is how many seconds until the same request may succeed.
    #[error("Slow down: try again in {0} s.")]
    RateLimited(u32),
    /// A malformed request or a transport failure; the text says which.
    #[error("The request could not be completed: {0}")]
    Request(String),
    /// Anything unexpected. Details stay in the server log, never in the response.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

impl AppError {
    /// The HTTP status a response carrying this error should have.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::InvalidCredentials | AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::Banned => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::RateLimited(_) => 429,
            AppError::Request(_) => 400,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialize_with_a_tag_and_round_trip() {
        let e = AppError::Conflict("That email is already registered.".into());
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"error":"Conflict","message":"That email is already registered."}"#
        );
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), e);
        let unit = serde_json::to_string(&AppError::Unauthorized).unwrap();
        assert_eq!(unit, r#"{"error":"Unauthorized"}"#);
    }

    #[test]
    fn every_client_mistake_is_a_4xx_and_only_internal_is_5xx() {
        let cases = [
            AppError::Validation(String::new()),
            AppError::InvalidCredentials,
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Banned,
            AppError::Conflict(String::new()),
            AppError::RateLimited(1),
            AppError::Request(String::new()),
        ];
        for e in cases {
            assert!((400..500).contains(&e.status_code()), "{e:?}");
        }
        assert_eq!(AppError::Internal.status_code(), 500);
    }
}
