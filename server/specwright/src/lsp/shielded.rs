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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

    async fn send(to: &mut (impl AsyncWriteExt + Unpin), message: Value) {
        let body = message.to_string();
        to.write_all(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes()).await.expect("write");
    }

    /// The next message with an `id` (responses), skipping notifications and
    /// server requests.
    async fn next_response(from: &mut BufReader<impl tokio::io::AsyncRead + Unpin>) -> Value {
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                from.read_line(&mut line).await.expect("header");
                assert!(!line.is_empty(), "the server closed the connection");
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().expect("length");
                }
            }
            let mut body = vec![0; length];
            from.read_exact(&mut body).await.expect("body");
            let message: Value = serde_json::from_slice(&body).expect("json");
            if message.get("method").is_none() {
                return message;
            }
        }
    }

    #[tokio::test]
    async fn a_panic_in_an_async_handler_becomes_an_error_reply_and_the_server_goes_on() {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (server_in, server_out) = tokio::io::split(server);
        let data_dir = std::env::temp_dir().join(format!("specwright-shield-{}", std::process::id()));
        let options = super::super::ServerOptions { cache_dir: Some(data_dir.join("cache")), data_dir: Some(data_dir) };
        let serving = tokio::spawn(super::super::serve_with(server_in, server_out, options));
        let (client_in, mut client_out) = tokio::io::split(client);
        let mut client_in = BufReader::new(client_in);

        send(
            &mut client_out,
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        )
        .await;
        assert!(next_response(&mut client_in).await.get("result").is_some());
        send(&mut client_out, json!({"jsonrpc": "2.0", "method": "initialized", "params": {}})).await;

        send(&mut client_out, json!({"jsonrpc": "2.0", "method": "specwright/test/panicNotification", "params": {}}))
            .await;
        send(&mut client_out, json!({"jsonrpc": "2.0", "id": 2, "method": "specwright/test/panic", "params": {}}))
            .await;
        let reply = next_response(&mut client_in).await;
        assert_eq!(reply["id"], 2, "{reply}");
        assert_eq!(reply["error"]["code"], -32603, "an internal error: {reply}");
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("specwright/test/panic failed: a panic on purpose"), "{reply}");

        // The server still answers.
        send(&mut client_out, json!({"jsonrpc": "2.0", "id": 3, "method": "specwright/specs", "params": {}})).await;
        let reply = next_response(&mut client_in).await;
        assert_eq!((reply["id"].clone(), reply["result"]["specs"].clone()), (json!(3), json!([])), "{reply}");
        send(&mut client_out, json!({"jsonrpc": "2.0", "id": 4, "method": "shutdown"})).await;
        assert_eq!(next_response(&mut client_in).await["id"], 4);
        send(&mut client_out, json!({"jsonrpc": "2.0", "method": "exit"})).await;
        drop(client_out);
        tokio::time::timeout(std::time::Duration::from_secs(10), serving)
            .await
            .expect("the server ends at exit")
            .expect("and did not panic");
    }
}
