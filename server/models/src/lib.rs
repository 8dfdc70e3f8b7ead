//! Model providers. One [`Model`] trait; a module per wire format
//! (`anthropic`, `openai`); configuration resolved in one place
//! ([`config::resolve`]). Streams are cancellable through a
//! [`CancellationToken`], failures are [`ModelError`]s a caller can branch
//! on, and transient failures are retried with backoff and jitter.
//!
//! Must not depend on LSP or on any editor concept; callers pass plain
//! requests and receive events through a callback.

mod anthropic;
mod client;
pub mod config;
pub mod demo;
mod error;
mod openai;
pub mod sse;
mod types;
mod wire;

pub use client::{HttpModel, redact_request};
pub use config::{ApiKey, ModelConfig, ModelSettings, Overrides, Provider};
pub use error::ModelError;
pub use tokio_util::sync::CancellationToken;
pub use types::*;

use std::future::Future;
use std::pin::Pin;

/// A boxed future, so that [`Model`] stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where stream events go.
pub type EventSink<'a> = &'a mut (dyn FnMut(StreamEvent) + Send);

/// A language model that answers chat requests.
pub trait Model: Send + Sync {
    /// A one-line description for status bars and logs (never the key).
    fn describe(&self) -> String;

    /// Whether structured output ([`ChatRequest::structured`]) is used; when
    /// not, callers ask for plain text and validate it themselves.
    fn supports_structured_output(&self) -> bool;

    /// Sends `request` and streams the answer into `sink`. Resolves when the
    /// answer is complete, fails, or `cancel` fires (then with
    /// [`ModelError::Cancelled`], within 100 ms, the connection dropped).
    fn chat<'a>(
        &'a self,
        request: &'a ChatRequest,
        cancel: &'a CancellationToken,
        sink: EventSink<'a>,
    ) -> BoxFuture<'a, Result<ChatResponse, ModelError>>;
}

/// The model a resolved configuration describes, ready to use.
pub fn connect(config: ModelConfig) -> Result<Box<dyn Model>, ModelError> {
    if config.provider == Provider::Demo {
        return Ok(Box::new(demo::DemoModel::start(config)?));
    }
    Ok(Box::new(HttpModel::new(config)?))
}
