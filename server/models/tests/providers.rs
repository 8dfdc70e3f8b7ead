//! Both providers against the scripted loopback server: streaming, request
//! shape, structured output, tool calls, retries, errors, cancellation and
//! timeouts. Every case runs once per provider (see `both!` at the end).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use specwright_models::{
    ApiKey, CancellationToken, ChatRequest, ChatResponse, Message, Model, ModelConfig, ModelError, ModelSettings,
    Overrides, Provider, StreamEvent, StructuredOutput, ToolCall, ToolSpec, Usage, config,
};
use specwright_testkit::{RecordedRequest, Reply, ScriptedServer};

const KEY: &str = "sk-test-secret";

async fn server(script: Vec<Reply>) -> ScriptedServer {
    ScriptedServer::start(script).await.expect("the scripted server starts")
}

fn base_url(provider: Provider, server: &ScriptedServer) -> String {
    match provider {
        Provider::Anthropic => server.base_url(),
        Provider::Openai | Provider::Demo => format!("{}/v1", server.base_url()),
    }
}

/// A configuration for `server`, keyed, with fast retries.
fn config(provider: Provider, server: &ScriptedServer) -> ModelConfig {
    ModelConfig {
        provider,
        model: "test-model".into(),
        base_url: base_url(provider, server),
        api_key: Some(ApiKey::new(KEY.into())),
        key_var: provider.default_key_var().into(),
        max_tokens: 256,
        temperature: None,
        structured_output: true,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        max_retries: 3,
        retry_base: Duration::from_millis(10),
    }
}

fn hello() -> ChatRequest {
    ChatRequest { messages: vec![Message::user("Say hello")], ..ChatRequest::default() }
}

async fn chat_with(
    model: &dyn Model,
    request: &ChatRequest,
    cancel: &CancellationToken,
) -> (Vec<StreamEvent>, Result<ChatResponse, ModelError>) {
    let mut events = Vec::new();
    let mut sink = |e: StreamEvent| events.push(e);
    let result = model.chat(request, cancel, &mut sink).await;
    (events, result)
}

async fn chat(config: ModelConfig, request: &ChatRequest) -> (Vec<StreamEvent>, Result<ChatResponse, ModelError>) {
    let model = specwright_models::connect(config).expect("the client builds");
    chat_with(model.as_ref(), request, &CancellationToken::new()).await
}

fn texts(events: &[StreamEvent]) -> Vec<&str> {
    events.iter().filter_map(|e| if let StreamEvent::Text(t) = e { Some(t.as_str()) } else { None }).collect()
}

fn retries(events: &[StreamEvent]) -> Vec<(u32, u64)> {
    events
        .iter()
        .filter_map(|e| {
            if let StreamEvent::Retrying { attempt, wait_ms, .. } = e { Some((*attempt, *wait_ms)) } else { None }
        })
        .collect()
}

/// The token counts the scripted server reports: a quarter of the request
/// body's bytes in, one per chunk out.
fn expected_usage(request: &RecordedRequest, chunks: u64) -> Usage {
    Usage { input_tokens: (request.raw_body.len() as u64).div_ceil(4).max(1), output_tokens: chunks }
}

fn stop_reason(provider: Provider, tool: bool) -> &'static str {
    match (provider, tool) {
        (Provider::Anthropic, false) => "end_turn",
        (Provider::Anthropic, true) => "tool_use",
        (Provider::Openai | Provider::Demo, false) => "stop",
        (Provider::Openai | Provider::Demo, true) => "tool_calls",
    }
}

// ---------------------------------------------------------------- streaming

async fn streamed_text_arrives_in_order(provider: Provider) {
    let server = server(vec![Reply::chunks(["Hel", "lo, ", "wör", "ld"])]).await;
    let (events, result) = chat(config(provider, &server), &hello()).await;
    let response = result.expect("a complete answer");
    assert_eq!(texts(&events), ["Hel", "lo, ", "wör", "ld"]);
    assert_eq!(response.text, "Hello, wörld");
    assert_eq!(response.stop_reason.as_deref(), Some(stop_reason(provider, false)));
    assert!(response.tool_calls.is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(response.usage, expected_usage(&requests[0], 4));
    assert_eq!(events.last(), Some(&StreamEvent::Usage(response.usage)), "{events:?}");
    assert!(retries(&events).is_empty());
}

async fn the_request_is_exactly_as_specified(provider: Provider) {
    let server = server(vec![Reply::text("ok")]).await;
    let request = ChatRequest {
        system: Some("You write specs.".into()),
        messages: vec![Message::user("Say hello")],
        temperature: Some(0.3),
        ..ChatRequest::default()
    };
    chat(config(provider, &server), &request).await.1.expect("an answer");
    let recorded = &server.requests()[0];
    assert_eq!(recorded.method, "POST");
    assert_eq!(recorded.header("content-type"), Some("application/json"));
    match provider {
        Provider::Anthropic => {
            assert_eq!(recorded.path, "/v1/messages");
            assert_eq!(recorded.header("x-api-key"), Some(KEY));
            assert_eq!(recorded.header("anthropic-version"), Some("2023-06-01"));
            assert_eq!(recorded.header("authorization"), None);
            assert_eq!(
                recorded.body,
                json!({
                    "model": "test-model",
                    "max_tokens": 256,
                    "system": "You write specs.",
                    "messages": [{"role": "user", "content": [{"type": "text", "text": "Say hello"}]}],
                    "temperature": 0.3,
                    "stream": true,
                })
            );
        }
        Provider::Openai | Provider::Demo => {
            assert_eq!(recorded.path, "/v1/chat/completions");
            assert_eq!(recorded.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
            assert_eq!(recorded.header("x-api-key"), None);
            assert_eq!(
                recorded.body,
                json!({
                    "model": "test-model",
                    "messages": [
                        {"role": "system", "content": "You write specs."},
                        {"role": "user", "content": "Say hello"},
                    ],
                    "max_tokens": 256,
                    "temperature": 0.3,
                    "stream": true,
                    "stream_options": {"include_usage": true},
                })
            );
        }
    }
}

async fn no_key_on_loopback_sends_no_key_header(provider: Provider) {
    let server = server(vec![Reply::text("ok")]).await;
    // Resolved the way the product does it, from an environment without keys.
    let settings = ModelSettings {
        provider: Some(if provider == Provider::Anthropic { "anthropic" } else { "openai" }.into()),
        model: Some("local-model".into()),
        base_url: Some(base_url(provider, &server)),
        ..ModelSettings::default()
    };
    let resolved = config::resolve(&Overrides::default(), &|_: &str| None, &settings).unwrap().unwrap();
    assert_eq!(resolved.api_key, None);
    let (_, result) = chat(resolved, &hello()).await;
    assert_eq!(result.unwrap().text, "ok");
    let recorded = &server.requests()[0];
    assert_eq!(recorded.header("authorization"), None);
    assert_eq!(recorded.header("x-api-key"), None);
    assert_eq!(recorded.body["model"], "local-model");
}

fn spec_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"title": {"type": "string"}, "items": {"type": "array", "items": {"type": "string"}}},
        "required": ["title", "items"],
        "additionalProperties": false,
    })
}

async fn structured_output_comes_back_as_text(provider: Provider) {
    let parts = ["{\"title\": \"Lo", "gin\", \"items\": ", "[\"a\", \"b\"]}"];
    let reply = match provider {
        // Anthropic answers with the forced tool; its input is the JSON.
        Provider::Anthropic => Reply::ToolCall {
            id: "toolu_1".into(),
            name: "requirements".into(),
            arguments_chunks: parts.iter().map(|s| s.to_string()).collect(),
            delay_ms: 0,
        },
        Provider::Openai | Provider::Demo => Reply::chunks(parts),
    };
    let server = server(vec![reply]).await;
    let request = ChatRequest {
        structured: Some(StructuredOutput {
            name: "requirements".into(),
            description: "The requirements document".into(),
            schema: spec_schema(),
            format: Default::default(),
        }),
        ..hello()
    };
    let (events, result) = chat(config(provider, &server), &request).await;
    let response = result.expect("an answer");
    assert_eq!(texts(&events), parts);
    assert_eq!(serde_json::from_str::<Value>(&response.text).unwrap(), json!({"title": "Login", "items": ["a", "b"]}));
    assert!(response.tool_calls.is_empty(), "the structured answer is text, not a tool call");
    assert!(!events.iter().any(|e| matches!(e, StreamEvent::ToolCallStart { .. } | StreamEvent::ToolCallDelta { .. })));
    let body = &server.requests()[0].body;
    match provider {
        Provider::Anthropic => {
            assert_eq!(
                body["tools"],
                json!([{"name": "requirements", "description": "The requirements document", "input_schema": spec_schema()}])
            );
            assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "requirements"}));
            assert!(body.get("response_format").is_none());
        }
        Provider::Openai | Provider::Demo => {
            assert_eq!(
                body["response_format"],
                json!({"type": "json_schema", "json_schema": {
                    "name": "requirements",
                    "description": "The requirements document",
                    "schema": spec_schema(),
                    "strict": true,
                }})
            );
            assert!(body.get("tools").is_none() && body.get("tool_choice").is_none());
        }
    }
}

async fn tool_calls_are_assembled(provider: Provider) {
    let server = server(vec![Reply::ToolCall {
        id: "call_7".into(),
        name: "read_file".into(),
        arguments_chunks: vec!["{\"pa".into(), "th\": \"specs/".into(), "a.md\"}".into()],
        delay_ms: 0,
    }])
    .await;
    let request = ChatRequest {
        tools: vec![ToolSpec {
            name: "read_file".into(),
            description: "Read a file".into(),
            input_schema: json!({"type": "object", "properties": {"path": {"type": "string"}}}),
        }],
        ..hello()
    };
    let (events, result) = chat(config(provider, &server), &request).await;
    let response = result.expect("an answer");
    assert_eq!(
        response.tool_calls,
        [ToolCall { id: "call_7".into(), name: "read_file".into(), input: json!({"path": "specs/a.md"}) }]
    );
    assert_eq!(response.text, "");
    assert_eq!(response.stop_reason.as_deref(), Some(stop_reason(provider, true)));
    let calls: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::ToolCallStart { .. } | StreamEvent::ToolCallDelta { .. }))
        .collect();
    assert_eq!(
        calls,
        [
            &StreamEvent::ToolCallStart { id: "call_7".into(), name: "read_file".into() },
            &StreamEvent::ToolCallDelta { id: "call_7".into(), json: "{\"pa".into() },
            &StreamEvent::ToolCallDelta { id: "call_7".into(), json: "th\": \"specs/".into() },
            &StreamEvent::ToolCallDelta { id: "call_7".into(), json: "a.md\"}".into() },
        ]
    );
    let body = &server.requests()[0].body;
    match provider {
        Provider::Anthropic => assert_eq!(body["tool_choice"], json!({"type": "auto"})),
        Provider::Openai | Provider::Demo => {
            assert_eq!(body["tool_choice"], "auto");
            assert_eq!(body["tools"][0]["type"], "function");
            assert_eq!(body["tools"][0]["function"]["name"], "read_file");
            assert_eq!(body["tools"][0]["function"]["parameters"]["type"], "object");
        }
    }
}

// ------------------------------------------------------------------ retries

async fn rate_limit_honours_retry_after(provider: Provider) {
    let server = server(vec![
        Reply::Status { status: 429, retry_after: Some(1), message: "slow down".into() },
        Reply::text("finally"),
    ])
    .await;
    let started = Instant::now();
    let (events, result) = chat(config(provider, &server), &hello()).await;
    let elapsed = started.elapsed();
    assert_eq!(result.expect("success after the retry").text, "finally");
    assert!(elapsed >= Duration::from_millis(950), "waited only {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "waited {elapsed:?}");
    assert_eq!(retries(&events), [(1, 1000)]);
    let reason = events.iter().find_map(|e| match e {
        StreamEvent::Retrying { reason, .. } => Some(reason.clone()),
        _ => None,
    });
    assert!(reason.is_some_and(|r| r.contains("429") && r.contains("slow down")));
    assert!(matches!(events[0], StreamEvent::Retrying { .. }), "Retrying comes before any answer");
    assert_eq!(server.requests().len(), 2);
}

async fn server_errors_are_retried(provider: Provider) {
    let server = server(vec![Reply::status(500, "boom"), Reply::status(502, "bad gateway"), Reply::text("ok")]).await;
    let (events, result) = chat(config(provider, &server), &hello()).await;
    assert_eq!(result.expect("success after two retries").text, "ok");
    let waits = retries(&events);
    assert_eq!(waits.iter().map(|(a, _)| *a).collect::<Vec<_>>(), [1, 2]);
    // Backoff from a 10 ms base: 10–12.5 ms, then 20–25 ms.
    assert!((10..=13).contains(&waits[0].1) && (20..=25).contains(&waits[1].1), "{waits:?}");
    assert_eq!(server.requests().len(), 3);
}

async fn overloaded_is_retried(provider: Provider) {
    let server = server(vec![Reply::Overloaded, Reply::text("ok")]).await;
    let (events, result) = chat(config(provider, &server), &hello()).await;
    assert_eq!(result.expect("success after the retry").text, "ok");
    let reason = events.iter().find_map(|e| match e {
        StreamEvent::Retrying { reason, .. } => Some(reason.clone()),
        _ => None,
    });
    assert!(reason.is_some_and(|r| r.contains("overloaded")));
    assert_eq!(server.requests().len(), 2);
}

async fn an_in_stream_overload_before_output_is_retried(provider: Provider) {
    let server = server(vec![
        Reply::StreamError { chunks: vec!["never".into()], after: 0, message: "Overloaded".into() },
        Reply::text("ok"),
    ])
    .await;
    let (events, result) = chat(config(provider, &server), &hello()).await;
    assert_eq!(result.expect("success after the retry").text, "ok");
    assert_eq!(texts(&events), ["ok"]);
    assert_eq!(retries(&events).len(), 1);
}

async fn a_failure_after_output_is_returned_not_retried(provider: Provider) {
    let server = server(vec![
        Reply::StreamError { chunks: vec!["par".into(), "tial".into()], after: 1, message: "Overloaded".into() },
        Reply::text("never"),
    ])
    .await;
    let (events, result) = chat(config(provider, &server), &hello()).await;
    let error = result.unwrap_err();
    match provider {
        Provider::Anthropic => assert!(matches!(error, ModelError::Overloaded { .. }), "{error:?}"),
        Provider::Openai | Provider::Demo => assert!(matches!(error, ModelError::Server { .. }), "{error:?}"),
    }
    assert!(error.is_retryable(), "the caller may retry");
    assert_eq!(texts(&events), ["par"]);
    assert!(retries(&events).is_empty());
    assert_eq!(server.requests().len(), 1);
}

async fn retries_run_out(provider: Provider) {
    let server = server(vec![Reply::status(503, "down"); 3]).await;
    let config = ModelConfig { max_retries: 2, ..config(provider, &server) };
    let (events, result) = chat(config, &hello()).await;
    assert!(
        matches!(result, Err(ModelError::Server { status: 503, ref message, .. }) if message == "down"),
        "{result:?}"
    );
    assert_eq!(retries(&events).len(), 2);
    assert_eq!(server.requests().len(), 3);
}

async fn a_rejected_key_names_its_variable_and_is_not_retried(provider: Provider) {
    let server = server(vec![Reply::status(401, "invalid key"), Reply::text("never")]).await;
    let (events, result) = chat(config(provider, &server), &hello()).await;
    let error = result.unwrap_err();
    let var = provider.default_key_var();
    assert!(matches!(error, ModelError::Auth { status: 401, ref key_var, .. } if key_var == var), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&format!("${var}")) && message.contains("HTTP 401"), "{message}");
    assert!(message.contains("invalid key"), "{message}");
    assert!(!message.contains(KEY), "the key never shows: {message}");
    assert!(events.is_empty());
    assert_eq!(server.requests().len(), 1, "no retry after 401");

    let server = self::server(vec![Reply::status(403, "forbidden"), Reply::text("never")]).await;
    let (_, result) = chat(self::config(provider, &server), &hello()).await;
    assert!(matches!(result, Err(ModelError::Auth { status: 403, .. })), "{result:?}");
    assert_eq!(server.requests().len(), 1, "no retry after 403");
}

async fn bad_requests_are_not_retried(provider: Provider) {
    for status in [400, 404] {
        let server = server(vec![Reply::status(status, "no such model"), Reply::text("never")]).await;
        let (events, result) = chat(config(provider, &server), &hello()).await;
        assert!(
            matches!(result, Err(ModelError::BadRequest { status: s, ref message, .. }) if s == status && message == "no such model"),
            "{result:?}"
        );
        assert!(events.is_empty());
        assert_eq!(server.requests().len(), 1, "no retry after {status}");
    }
}

async fn connection_failures_are_retried_then_reported(_provider: Provider) {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = ModelConfig {
        provider: _provider,
        model: "m".into(),
        base_url: format!("http://127.0.0.1:{port}"),
        api_key: None,
        key_var: "K".into(),
        max_tokens: 1,
        temperature: None,
        structured_output: false,
        connect_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_secs(1),
        max_retries: 1,
        retry_base: Duration::from_millis(10),
    };
    let (events, result) = chat(config, &hello()).await;
    assert!(
        matches!(result, Err(ModelError::Connect { ref url, .. }) if url.contains(&port.to_string())),
        "{result:?}"
    );
    assert_eq!(retries(&events).len(), 1);
}

// ---------------------------------------------------------- broken streams

async fn a_cut_stream_is_stream_cut(provider: Provider) {
    let server = server(vec![
        Reply::CutAfter { chunks: vec!["one ".into(), "two ".into(), "three".into()], after: 2 },
        Reply::text("never"),
    ])
    .await;
    let (events, result) = chat(config(provider, &server), &hello()).await;
    assert_eq!(result, Err(ModelError::StreamCut));
    assert_eq!(texts(&events), ["one ", "two "]);
    assert_eq!(server.requests().len(), 1, "output was emitted: the caller decides");
}

async fn a_malformed_chunk_is_a_protocol_error(provider: Provider) {
    let server = server(vec![
        Reply::MalformedChunk { chunks: vec!["fine".into(), "broken".into(), "after".into()], at: 1 },
        Reply::text("never"),
    ])
    .await;
    let (events, result) = chat(config(provider, &server), &hello()).await;
    assert!(matches!(result, Err(ModelError::Protocol(_))), "{result:?}");
    assert_eq!(texts(&events), ["fine"]);
    assert_eq!(server.requests().len(), 1);
}

async fn a_cut_before_any_output_is_retried(provider: Provider) {
    let server = server(vec![Reply::CutAfter { chunks: vec!["lost".into()], after: 0 }, Reply::text("ok")]).await;
    let (events, result) = chat(config(provider, &server), &hello()).await;
    assert_eq!(result.expect("success after the retry").text, "ok");
    assert_eq!(texts(&events), ["ok"]);
    assert_eq!(retries(&events).len(), 1);
}

#[tokio::test]
async fn a_server_that_ignores_stream_true_still_answers() {
    let completion = json!({
        "id": "x", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "whole"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    });
    let raw = |body: String| Reply::Raw {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body,
    };
    let server = server(vec![raw(completion.to_string())]).await;
    let (events, result) = chat(config(Provider::Openai, &server), &hello()).await;
    let response = result.unwrap();
    assert_eq!((response.text.as_str(), response.stop_reason.as_deref()), ("whole", Some("stop")));
    assert_eq!(response.usage, Usage { input_tokens: 3, output_tokens: 1 });
    assert_eq!(texts(&events), ["whole"]);
    // The Anthropic API always streams when asked to: JSON is a protocol error.
    let server = self::server(vec![raw("{\"type\":\"message\"}".into())]).await;
    let (_, result) = chat(config(Provider::Anthropic, &server), &hello()).await;
    assert!(matches!(result, Err(ModelError::Protocol(_))), "{result:?}");
}

// ------------------------------------------------- cancellation and timeouts

async fn cancellation_during_a_slow_drip_is_prompt(provider: Provider) {
    let chunks: Vec<String> = (0..40).map(|i| format!("word{i} ")).collect();
    let server = server(vec![Reply::Text { chunks, delay_ms: 100 }]).await;
    let model = specwright_models::connect(config(provider, &server)).unwrap();
    let cancel = CancellationToken::new();
    let canceller = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(350)).await;
            let at = Instant::now();
            cancel.cancel();
            at
        })
    };
    let (events, result) = chat_with(model.as_ref(), &hello(), &cancel).await;
    let returned = Instant::now();
    let cancelled_at = canceller.await.unwrap();
    assert_eq!(result, Err(ModelError::Cancelled));
    let latency = returned.saturating_duration_since(cancelled_at);
    assert!(latency < Duration::from_millis(100), "returned {latency:?} after cancel()");
    let got = texts(&events).len();
    assert!((1..40).contains(&got), "some but not all of the drip arrived: {got}");
}

async fn cancellation_during_a_retry_wait_is_prompt(provider: Provider) {
    let server = server(vec![Reply::Status { status: 429, retry_after: Some(30), message: "wait".into() }]).await;
    let model = specwright_models::connect(config(provider, &server)).unwrap();
    let cancel = CancellationToken::new();
    let canceller = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let at = Instant::now();
            cancel.cancel();
            at
        })
    };
    let (events, result) = chat_with(model.as_ref(), &hello(), &cancel).await;
    let latency = Instant::now().saturating_duration_since(canceller.await.unwrap());
    assert_eq!(result, Err(ModelError::Cancelled));
    assert!(latency < Duration::from_millis(100), "returned {latency:?} after cancel()");
    assert_eq!(retries(&events), [(1, 30_000)]);
}

async fn an_already_cancelled_request_sends_nothing(provider: Provider) {
    let server = server(vec![Reply::text("never")]).await;
    let model = specwright_models::connect(config(provider, &server)).unwrap();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let (_, result) = chat_with(model.as_ref(), &hello(), &cancel).await;
    assert_eq!(result, Err(ModelError::Cancelled));
}

async fn a_hung_server_times_out(provider: Provider) {
    let server = server(vec![Reply::Hang { ms: 3_000 }]).await;
    let config = ModelConfig { read_timeout: Duration::from_millis(200), max_retries: 0, ..config(provider, &server) };
    let started = Instant::now();
    let (_, result) = chat(config, &hello()).await;
    let elapsed = started.elapsed();
    assert_eq!(result, Err(ModelError::Timeout(Duration::from_millis(200))));
    assert!(elapsed >= Duration::from_millis(190) && elapsed < Duration::from_secs(2), "{elapsed:?}");
}

async fn a_hang_before_output_is_retried(provider: Provider) {
    let server = server(vec![Reply::Hang { ms: 2_000 }, Reply::text("ok")]).await;
    let config = ModelConfig { read_timeout: Duration::from_millis(150), ..config(provider, &server) };
    let (events, result) = chat(config, &hello()).await;
    assert_eq!(result.unwrap().text, "ok");
    assert!(retries(&events).len() == 1, "{events:?}");
}

async fn a_stall_mid_stream_times_out(provider: Provider) {
    let server = server(vec![Reply::Text { chunks: vec!["a".into(), "b".into()], delay_ms: 2_000 }]).await;
    let config = ModelConfig { read_timeout: Duration::from_millis(200), ..config(provider, &server) };
    let started = Instant::now();
    let (events, result) = chat(config, &hello()).await;
    assert_eq!(result, Err(ModelError::Timeout(Duration::from_millis(200))));
    assert!(started.elapsed() < Duration::from_millis(1_500));
    assert_eq!(texts(&events), ["a"]);
    assert_eq!(server.requests().len(), 1, "output was emitted: not retried");
}

// -------------------------------------------------------------- the cases

macro_rules! both {
    ($($case:ident),* $(,)?) => {
        mod anthropic {
            $(#[tokio::test] async fn $case() { super::$case(super::Provider::Anthropic).await })*
        }
        mod openai {
            $(#[tokio::test] async fn $case() { super::$case(super::Provider::Openai).await })*
        }
    };
}

both!(
    streamed_text_arrives_in_order,
    the_request_is_exactly_as_specified,
    no_key_on_loopback_sends_no_key_header,
    structured_output_comes_back_as_text,
    tool_calls_are_assembled,
    rate_limit_honours_retry_after,
    server_errors_are_retried,
    overloaded_is_retried,
    an_in_stream_overload_before_output_is_retried,
    a_failure_after_output_is_returned_not_retried,
    retries_run_out,
    a_rejected_key_names_its_variable_and_is_not_retried,
    bad_requests_are_not_retried,
    connection_failures_are_retried_then_reported,
    a_cut_stream_is_stream_cut,
    a_malformed_chunk_is_a_protocol_error,
    a_cut_before_any_output_is_retried,
    cancellation_during_a_slow_drip_is_prompt,
    cancellation_during_a_retry_wait_is_prompt,
    an_already_cancelled_request_sends_nothing,
    a_hung_server_times_out,
    a_hang_before_output_is_retried,
    a_stall_mid_stream_times_out,
);
