//! A panic in any handler, synchronous or `async`, ends that handler and
//! nothing else. The transport polls every handler's future on its own
//! task, so a panic inside one would unwind through the transport and end
//! the process; [`Shielded`] wraps the service so that a panicking request
//! becomes a JSON-RPC internal error with the request's id (and a log line),
//! and a panicking notification becomes a log line.

use std::panic::AssertUnwindSafe;
use std::task::{Context, Poll};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tower_lsp_server::jsonrpc::{Error, Request, Response};
use tower_service::Service;

/// A service whose handlers' panics are caught.
pub struct Shielded<S>(pub S);

impl<S> Service<Request> for Shielded<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let id = request.id().cloned();
        let method = request.method().to_string();
        let future = std::panic::catch_unwind(AssertUnwindSafe(|| self.0.call(request)));
        Box::pin(async move {
            let outcome = match future {
                Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
                Err(panic) => Err(panic),
            };
            match outcome {
                Ok(result) => result,
                Err(panic) => {
                    let message = panic_message(panic.as_ref());
                    tracing::error!("{method} panicked: {message}");
                    Ok(id.map(|id| {
                        let mut error = Error::internal_error();
                        error.message = format!("{method} failed: {message}").into();
                        Response::from_error(id, error)
                    }))
                }
            }
        })
    }
}

/// The text a panic was raised with.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
