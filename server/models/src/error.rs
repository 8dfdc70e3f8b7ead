//! Errors a caller can branch on.

use std::time::Duration;

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ModelError {
    /// No usable configuration (no provider, no model, no key where one is needed).
    #[error("{0}")]
    Config(String),
    /// 401/403: the key was rejected. `key_var` names the variable it came from.
    #[error("the {provider} API rejected the key from ${key_var} (HTTP {status}): {message}")]
    Auth { provider: String, key_var: String, status: u16, message: String },
    /// 429 after every retry.
    #[error("rate limited by the {provider} API (HTTP 429){}: {message}", retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited { provider: String, retry_after: Option<Duration>, message: String },
    /// 529 or an "overloaded" error after every retry.
    #[error("the {provider} API is overloaded: {message}")]
    Overloaded { provider: String, message: String },
    /// Another 5xx after every retry.
    #[error("the {provider} API failed (HTTP {status}): {message}")]
    Server { provider: String, status: u16, message: String },
    /// 400 and other 4xx: the request itself was refused; not retried.
    #[error("the {provider} API refused the request (HTTP {status}): {message}")]
    BadRequest { provider: String, status: u16, message: String },
    /// Could not connect, or the connection failed before a response.
    #[error("cannot reach {url}: {message}")]
    Connect { url: String, message: String },
    /// No data within the read timeout.
    #[error("the model stopped sending data for {0:?}")]
    Timeout(Duration),
    /// The stream ended before the provider said it was complete.
    #[error("the response stream was cut before it finished")]
    StreamCut,
    /// A chunk that does not follow the provider's wire format.
    #[error("malformed response from the model: {0}")]
    Protocol(String),
    /// Cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
}

impl ModelError {
    /// Whether retrying the same request may succeed (429, 5xx, overloaded,
    /// connection failures, timeouts, cut streams before any output).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Overloaded { .. }
                | Self::Server { .. }
                | Self::Connect { .. }
                | Self::Timeout(_)
        )
    }
}
