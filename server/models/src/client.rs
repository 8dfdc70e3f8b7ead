//! The HTTP client both wire formats share: sending, streaming, read
//! timeouts, retries with backoff, cancellation.
//!
//! A request is retried after a transient failure (429, 5xx, overloaded, a
//! connection failure, a read timeout, a stream cut before any output) only
//! while nothing has reached the caller's sink; once text or a tool call has
//! been emitted, the failure is returned and the caller decides. Every await
//! races the cancellation token, so a cancelled request returns promptly and
//! drops its connection.

use std::error::Error as StdError;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::config::{ModelConfig, Provider, is_loopback};
use crate::sse::SseParser;
use crate::wire::snippet;
use crate::{BoxFuture, ChatRequest, ChatResponse, EventSink, Model, ModelError, StreamEvent, anthropic, openai};

/// The longest exponential backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// The longest wait a server's `retry-after` can ask for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// How much of an error body is read.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// How much of a non-streamed answer is read.
const MAX_WHOLE_BODY: usize = 16 * 1024 * 1024;

/// A [`Model`] over HTTP, speaking the configured provider's wire format.
pub struct HttpModel {
    config: ModelConfig,
    http: reqwest::Client,
}

impl HttpModel {
    /// Builds the HTTP client: a connect timeout but no overall timeout
    /// (answers stream for minutes; the read timeout guards each chunk),
    /// and no proxy for a server on this machine.
    pub fn new(config: ModelConfig) -> Result<Self, ModelError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("specwright/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&config.base_url) {
            builder = builder.no_proxy();
        }
        let http =
            builder.build().map_err(|e| ModelError::Config(format!("cannot set up the HTTP client: {}", chain(&e))))?;
        Ok(Self { config, http })
    }

    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    async fn run(
        &self,
        request: &ChatRequest,
        cancel: &CancellationToken,
        sink: EventSink<'_>,
    ) -> Result<ChatResponse, ModelError> {
        let config = &self.config;
        let (url, headers, body) = match config.provider {
            Provider::Anthropic => {
                (anthropic::url(config), anthropic::headers(config), anthropic::body(config, request))
            }
            Provider::Openai | Provider::Demo => {
                (openai::url(config), openai::headers(config), openai::body(config, request))
            }
        };
        let headers = self.header_map(headers)?;
        let body =
            serde_json::to_vec(&body).map_err(|e| ModelError::Protocol(format!("cannot encode the request: {e}")))?;
        let mut retries = 0;
        loop {
            let started = Instant::now();
            tracing::debug!(
                provider = config.provider.name(),
                model = %config.model,
                %url,
                retry = retries,
                bytes = body.len(),
                "model request"
            );
            let mut out = Output { sink: &mut *sink, emitted: false };
            let failure = match self.attempt(request, &url, &headers, &body, cancel, &mut out).await {
                Ok(response) => {
                    tracing::debug!(
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        input_tokens = response.usage.input_tokens,
                        output_tokens = response.usage.output_tokens,
                        stop_reason = response.stop_reason.as_deref().unwrap_or(""),
                        "model response"
                    );
                    return Ok(response);
                }
                Err(failure) => failure,
            };
            let error = failure.error;
            let transient = error.is_retryable() || error == ModelError::StreamCut;
            tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, emitted = out.emitted, %error, "model request failed");
            if out.emitted || !transient || retries >= config.max_retries {
                return Err(error);
            }
            retries += 1;
            let wait = match failure.retry_after {
                Some(after) => after.min(MAX_RETRY_AFTER),
                None => backoff(config.retry_base, retries),
            };
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            tracing::debug!(retry = retries, wait_ms, "retrying the model request");
            sink(StreamEvent::Retrying { attempt: retries, wait_ms, reason: error.to_string() });
            tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(ModelError::Cancelled),
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// One try: send, check the status, stream the answer.
    async fn attempt(
        &self,
        request: &ChatRequest,
        url: &str,
        headers: &HeaderMap,
        body: &[u8],
        cancel: &CancellationToken,
        out: &mut Output<'_, '_>,
    ) -> Result<ChatResponse, Failure> {
        let config = &self.config;
        let send = self.http.post(url).headers(headers.clone()).body(body.to_vec()).send();
        let mut response = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(ModelError::Cancelled.into()),
            sent = tokio::time::timeout(config.read_timeout, send) => match sent {
                Err(_) => return Err(ModelError::Timeout(config.read_timeout).into()),
                Ok(Err(e)) => return Err(send_error(&e, url, config.read_timeout).into()),
                Ok(Ok(response)) => response,
            },
        };
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let retry_after = retry_after(response.headers(), SystemTime::now());
            let body = read_all(&mut response, cancel, config.read_timeout, MAX_ERROR_BODY).await?;
            let error = status_error(config, status, &String::from_utf8_lossy(&body), retry_after);
            return Err(Failure { error, retry_after });
        }
        let content_type =
            response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        let mut decoder = match config.provider {
            Provider::Anthropic => Decoder::Anthropic(anthropic::Decoder::new(config, request)),
            Provider::Openai | Provider::Demo => Decoder::Openai(openai::Decoder::new(config)),
        };
        if content_type.starts_with("application/json") {
            // A server that ignored `stream: true`.
            let body = read_all(&mut response, cancel, config.read_timeout, MAX_WHOLE_BODY).await?;
            let body = String::from_utf8_lossy(&body);
            let Decoder::Openai(decoder) = &mut decoder else {
                return Err(
                    ModelError::Protocol(format!("expected an event stream, got JSON: {}", snippet(&body))).into()
                );
            };
            for event in decoder.whole(&body)? {
                out.emit(event);
            }
        } else {
            let mut parser = SseParser::new();
            'read: while let Some(chunk) = next_chunk(&mut response, cancel, config.read_timeout).await? {
                for event in parser.push(&chunk) {
                    for event in decoder.feed(&event)? {
                        out.emit(event);
                    }
                    if decoder.is_done() {
                        break 'read;
                    }
                }
            }
        }
        drop(response);
        let (response, tail) = decoder.finish()?;
        for event in tail {
            out.emit(event);
        }
        Ok(response)
    }

    /// The provider's headers, the key's marked sensitive (kept out of any
    /// debug output of the request).
    fn header_map(&self, headers: Vec<(&'static str, String)>) -> Result<HeaderMap, ModelError> {
        let mut map = HeaderMap::new();
        map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        map.insert(ACCEPT, HeaderValue::from_static("text/event-stream, application/json"));
        for (name, value) in headers {
            let secret = matches!(name, "x-api-key" | "authorization");
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                if secret {
                    ModelError::Config(format!(
                        "the key in ${} contains characters an HTTP header cannot carry",
                        self.config.key_var
                    ))
                } else {
                    ModelError::Config(format!("invalid value for the {name} header"))
                }
            })?;
            value.set_sensitive(secret);
            map.insert(HeaderName::from_static(name), value);
        }
        Ok(map)
    }
}

impl Model for HttpModel {
    fn describe(&self) -> String {
        self.config.describe()
    }

    fn supports_structured_output(&self) -> bool {
        self.config.structured_output
    }

    fn chat<'a>(
        &'a self,
        request: &'a ChatRequest,
        cancel: &'a CancellationToken,
        sink: EventSink<'a>,
    ) -> BoxFuture<'a, Result<ChatResponse, ModelError>> {
        Box::pin(async move {
            // Every request passes through here before it leaves the machine.
            let (request, redacted) = redact_request(request);
            if redacted > 0 {
                tracing::info!("replaced {redacted} possible secret(s) in the prompt with placeholders");
            }
            self.run(&request, cancel, sink).await
        })
    }
}

/// The request with everything that looks like a secret replaced by a
/// placeholder (`<redacted:RULE>`): system prompt, texts, tool calls and
/// tool results, tool definitions and the structured-output schema. Uses
/// [`specwright_secrets::redact_for_model`], so the editor's allow patterns
/// and `specwright:allow-secret` comments do not apply: allowing a secret
/// silences a warning, it never sends the value. Returns how many were
/// replaced.
pub fn redact_request(request: &ChatRequest) -> (ChatRequest, usize) {
    let mut count = 0;
    let mut clean = |text: &mut String| {
        let (out, n) = specwright_secrets::redact_for_model(text);
        if n > 0 {
            count += n;
            *text = out;
        }
    };
    let mut out = request.clone();
    if let Some(system) = &mut out.system {
        clean(system);
    }
    for message in &mut out.messages {
        for content in &mut message.content {
            match content {
                crate::Content::Text { text } => clean(text),
                crate::Content::ToolResult { content, .. } => clean(content),
                crate::Content::ToolUse { input, .. } => redact_json(input, &mut clean),
            }
        }
    }
    for tool in &mut out.tools {
        clean(&mut tool.description);
        redact_json(&mut tool.input_schema, &mut clean);
    }
    if let Some(structured) = &mut out.structured {
        clean(&mut structured.description);
        redact_json(&mut structured.schema, &mut clean);
    }
    (out, count)
}

/// Redacts every string (and key) of `value`, then the whole as JSON text,
/// for a secret that only shows with its key (`{"aws_secret_access_key": …}`).
fn redact_json(value: &mut Value, clean: &mut impl FnMut(&mut String)) {
    fn walk(value: &mut Value, clean: &mut impl FnMut(&mut String)) {
        match value {
            Value::String(s) => clean(s),
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, clean)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (mut key, mut v) in entries {
                    clean(&mut key);
                    walk(&mut v, clean);
                    map.insert(key, v);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    walk(value, clean);
    let mut text = value.to_string();
    let before = text.clone();
    clean(&mut text);
    if text != before {
        *value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    }
}

/// The caller's sink, remembering whether any output went through it.
struct Output<'s, 'a> {
    sink: &'s mut (dyn FnMut(StreamEvent) + Send + 'a),
    emitted: bool,
}

impl Output<'_, '_> {
    fn emit(&mut self, event: StreamEvent) {
        // Usage is bookkeeping, not output: a retry after it is harmless.
        if !matches!(event, StreamEvent::Usage(_) | StreamEvent::Retrying { .. }) {
            self.emitted = true;
        }
        (self.sink)(event);
    }
}

/// A failed try, with the wait the server asked for.
struct Failure {
    error: ModelError,
    retry_after: Option<Duration>,
}

impl From<ModelError> for Failure {
    fn from(error: ModelError) -> Self {
        Self { error, retry_after: None }
    }
}

enum Decoder {
    Anthropic(anthropic::Decoder),
    Openai(openai::Decoder),
}

impl Decoder {
    fn feed(&mut self, event: &crate::sse::SseEvent) -> Result<Vec<StreamEvent>, ModelError> {
        match self {
            Self::Anthropic(d) => d.feed(event),
            Self::Openai(d) => d.feed(event),
        }
    }

    fn is_done(&self) -> bool {
        match self {
            Self::Anthropic(d) => d.is_done(),
            Self::Openai(d) => d.is_done(),
        }
    }

    fn finish(self) -> Result<(ChatResponse, Vec<StreamEvent>), ModelError> {
        match self {
            Self::Anthropic(d) => d.finish(),
            Self::Openai(d) => d.finish().map(|r| (r, Vec::new())),
        }
    }
}

/// The next body chunk, raced against cancellation and the read timeout.
async fn next_chunk(
    response: &mut reqwest::Response,
    cancel: &CancellationToken,
    read_timeout: Duration,
) -> Result<Option<Vec<u8>>, ModelError> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(ModelError::Cancelled),
        chunk = tokio::time::timeout(read_timeout, response.chunk()) => match chunk {
            Err(_) => Err(ModelError::Timeout(read_timeout)),
            Ok(Ok(chunk)) => Ok(chunk.map(|c| c.to_vec())),
            Ok(Err(e)) if e.is_timeout() => Err(ModelError::Timeout(read_timeout)),
            // The connection broke in the middle of the body.
            Ok(Err(e)) => {
                tracing::debug!(error = %chain(&e), "the response body failed");
                Err(ModelError::StreamCut)
            }
        },
    }
}

/// The body, up to `limit` bytes (the rest is dropped).
async fn read_all(
    response: &mut reqwest::Response,
    cancel: &CancellationToken,
    read_timeout: Duration,
    limit: usize,
) -> Result<Vec<u8>, ModelError> {
    let mut body = Vec::new();
    while let Some(chunk) = next_chunk(response, cancel, read_timeout).await? {
        body.extend_from_slice(&chunk);
        if body.len() >= limit {
            body.truncate(limit);
            break;
        }
    }
    Ok(body)
}

fn send_error(e: &reqwest::Error, url: &str, read_timeout: Duration) -> ModelError {
    if e.is_timeout() && !e.is_connect() {
        return ModelError::Timeout(read_timeout);
    }
    ModelError::Connect { url: url.to_string(), message: chain(e) }
}

/// An error and its causes, `outer: inner: innermost`.
fn chain(e: &dyn StdError) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The error for a non-2xx answer.
fn status_error(config: &ModelConfig, status: u16, body: &str, retry_after: Option<Duration>) -> ModelError {
    let provider = config.provider.name().to_string();
    let (message, kind) = error_message(body);
    let message = if message.is_empty() { format!("HTTP {status} with an empty body") } else { message };
    match status {
        401 | 403 => ModelError::Auth { provider, key_var: config.key_var.clone(), status, message },
        429 => ModelError::RateLimited { provider, retry_after, message },
        529 => ModelError::Overloaded { provider, message },
        500..=599 if kind.contains("overloaded") || message.to_ascii_lowercase().contains("overloaded") => {
            ModelError::Overloaded { provider, message }
        }
        // Some servers (llama-cpp-python) answer a request that fails their
        // validation with a 500: that is a refusal, and retrying cannot help.
        500..=599 if message.contains("validation error") => ModelError::BadRequest { provider, status, message },
        500..=599 => ModelError::Server { provider, status, message },
        400..=499 => ModelError::BadRequest { provider, status, message },
        _ => ModelError::Protocol(format!("unexpected HTTP {status} from the {provider} API: {message}")),
    }
}

/// The message and kind of an error body: `{error: {message, type, code}}`
/// (both providers), `{error: "..."}`, `{message}` or `{detail}`; else the
/// start of the body.
fn error_message(body: &str) -> (String, String) {
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        return (snippet(body.trim()), String::new());
    };
    if let Some(error) = value.get("error") {
        let (message, kind) = openai::error_parts(error);
        if !message.is_empty() {
            return (message, kind);
        }
    }
    for key in ["message", "detail"] {
        if let Some(message) = value.get(key).and_then(Value::as_str) {
            return (message.to_string(), String::new());
        }
    }
    (snippet(body.trim()), String::new())
}

/// The wait a response asks for: `retry-after-ms` (OpenAI), then
/// `retry-after` in seconds or as an HTTP date. Unparsable means none (the
/// exponential backoff applies).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let seconds = |s: &str| s.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0);
    if let Some(ms) = header("retry-after-ms").and_then(seconds) {
        return Some(Duration::from_secs_f64((ms / 1000.0).min(3600.0)));
    }
    let value = header(RETRY_AFTER.as_str())?;
    if let Some(secs) = seconds(value) {
        return Some(Duration::from_secs_f64(secs.min(3600.0)));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP uses.
fn parse_http_date(s: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as i64 + 1;
    let day: i64 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let year: i64 = year.parse().ok().filter(|y| *y >= 1970)?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = u64::try_from(days * 86_400 + h * 3600 + m * 60 + sec).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// The wait before retry `retry` (1-based): `base · 2^(retry-1)`, capped at
/// 30 s, plus up to a quarter more so that clients that failed together do
/// not retry together.
fn backoff(base: Duration, retry: u32) -> Duration {
    let exponential = base.saturating_mul(2u32.saturating_pow(retry.saturating_sub(1))).min(MAX_BACKOFF);
    exponential + exponential.mul_f64(0.25 * jitter(retry))
}

/// A number in `[0, 1)` from a cheap hash of the clock and the retry (the
/// standard library's per-process random hash keys make it differ between
/// processes too).
fn jitter(retry: u32) -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.write_u32(retry);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(provider: Provider) -> ModelConfig {
        ModelConfig {
            provider,
            model: "m".into(),
            base_url: "http://127.0.0.1:1".into(),
            api_key: None,
            key_var: "MY_KEY".into(),
            max_tokens: 1,
            temperature: None,
            structured_output: true,
            connect_timeout: Duration::from_secs(1),
            read_timeout: Duration::from_secs(1),
            max_retries: 0,
            retry_base: Duration::from_millis(500),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let base = Duration::from_millis(500);
        for (retry, low) in [(1, 500), (2, 1000), (3, 2000), (7, 30_000), (40, 30_000)] {
            let d = backoff(base, retry);
            let low = Duration::from_millis(low);
            assert!(d >= low && d <= low + low / 4, "retry {retry}: {d:?}");
        }
        assert!((0..100).map(jitter).all(|j| (0.0..1.0).contains(&j)));
    }

    #[test]
    fn retry_after_in_seconds_milliseconds_or_a_date() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                map.insert(*k, HeaderValue::from_static(v));
            }
            map
        };
        assert_eq!(retry_after(&headers(&[("retry-after", "3")]), now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&headers(&[("retry-after", "1.5")]), now), Some(Duration::from_millis(1500)));
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2"), ("retry-after-ms", "250")]), now),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:47 GMT")]), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "Sun, 06 Nov 1994 08:00:00 GMT")]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")]), now), None);
        assert_eq!(retry_after(&headers(&[]), now), None);
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT").and_then(|t| t.duration_since(UNIX_EPOCH).ok()),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT").and_then(|t| t.duration_since(UNIX_EPOCH).ok()),
            Some(Duration::from_secs(1_835_438_400))
        );
    }

    #[test]
    fn statuses_become_errors_to_branch_on() {
        let c = config(Provider::Anthropic);
        let body = r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#;
        let e = status_error(&c, 401, body, None);
        assert_eq!(e.to_string(), "the Anthropic API rejected the key from $MY_KEY (HTTP 401): invalid x-api-key");
        assert!(!e.is_retryable());
        let e = status_error(&c, 429, "{}", Some(Duration::from_secs(2)));
        assert!(matches!(e, ModelError::RateLimited { retry_after: Some(_), .. }) && e.is_retryable());
        let overloaded = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert!(matches!(status_error(&c, 529, overloaded, None), ModelError::Overloaded { .. }));
        assert!(matches!(status_error(&c, 503, overloaded, None), ModelError::Overloaded { .. }));
        assert!(matches!(
            status_error(&c, 502, "<html>bad gateway</html>", None),
            ModelError::Server { status: 502, .. }
        ));
        let o = config(Provider::Openai);
        let e = status_error(
            &o,
            400,
            r#"{"error":{"message":"bad model","type":"invalid_request_error","code":null}}"#,
            None,
        );
        assert_eq!(e.to_string(), "the OpenAI-compatible API refused the request (HTTP 400): bad model");
        assert!(!e.is_retryable());
        assert!(
            matches!(status_error(&o, 404, r#"{"error":"model 'x' not found"}"#, None), ModelError::BadRequest { ref message, .. } if message == "model 'x' not found")
        );
        assert!(
            matches!(status_error(&o, 500, "", None), ModelError::Server { ref message, .. } if message.contains("empty"))
        );
        let refused = r#"{"error":{"message":"1 validation error:\n  {'loc': ('body', 'response_format', 'type')}","type":"internal_server_error"}}"#;
        assert!(matches!(status_error(&o, 500, refused, None), ModelError::BadRequest { status: 500, .. }));
        let busy = r#"{"error":{"message":"The engine is currently overloaded","type":"server_error"}}"#;
        assert!(matches!(status_error(&o, 503, busy, None), ModelError::Overloaded { .. }));
        assert!(matches!(status_error(&o, 302, "", None), ModelError::Protocol(_)));
    }

    #[test]
    fn keys_are_sensitive_headers() {
        let model = HttpModel::new(ModelConfig {
            api_key: Some(crate::ApiKey::new("sk-secret".into())),
            ..config(Provider::Anthropic)
        })
        .unwrap();
        let map = model.header_map(anthropic::headers(&model.config)).unwrap();
        assert!(map["x-api-key"].is_sensitive());
        assert!(!format!("{map:?}").contains("sk-secret"));
        let bad = model.header_map(vec![("x-api-key", "a\nb".into())]).unwrap_err();
        assert!(bad.to_string().contains("$MY_KEY") && !bad.to_string().contains("a\nb"));
    }
}
