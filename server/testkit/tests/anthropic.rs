//! The Anthropic Messages wire format, streamed and not.

mod common;

use common::{ANTHROPIC, input_tokens, names_and_data, post, post_with};
use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};

fn request(stream: bool) -> String {
    json!({
        "model": "claude-test",
        "max_tokens": 64,
        "stream": stream,
        "messages": [{"role": "user", "content": "Write requirements"}],
    })
    .to_string()
}

#[tokio::test]
async fn text_stream_is_byte_exact() {
    let server = ScriptedServer::start(vec![Reply::chunks(["# Req", "uirements"])]).await.unwrap();
    let body = request(true);
    let response = post_with(&server.base_url(), ANTHROPIC, &body, &[]).await;

    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.header("connection"), Some("close"));
    assert_eq!(response.header("content-length"), None);
    assert_eq!(response.header("request-id"), Some("req_testkit_1"));
    let n = input_tokens(&body);
    let expected = format!(
        "event: message_start\n\
         data: {{\"type\":\"message_start\",\"message\":{{\"id\":\"msg_testkit_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{{\"input_tokens\":{n},\"output_tokens\":1}}}}}}\n\n\
         event: content_block_start\n\
         data: {{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{{\"type\":\"text\",\"text\":\"\"}}}}\n\n\
         event: ping\n\
         data: {{\"type\":\"ping\"}}\n\n\
         event: content_block_delta\n\
         data: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"# Req\"}}}}\n\n\
         event: content_block_delta\n\
         data: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"uirements\"}}}}\n\n\
         event: content_block_stop\n\
         data: {{\"type\":\"content_block_stop\",\"index\":0}}\n\n\
         event: message_delta\n\
         data: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":2}}}}\n\n\
         event: message_stop\n\
         data: {{\"type\":\"message_stop\"}}\n\n"
    );
    assert_eq!(response.body, expected);
}

#[tokio::test]
async fn text_without_stream_is_one_message() {
    let server = ScriptedServer::start(vec![Reply::chunks(["# Req", "uirements"])]).await.unwrap();
    let body = request(false);
    let response = post_with(&server.base_url(), ANTHROPIC, &body, &[]).await;

    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.header("content-length"), Some(response.body.len().to_string().as_str()));
    assert_eq!(
        response.json(),
        json!({
            "id": "msg_testkit_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-test",
            "content": [{"type": "text", "text": "# Requirements"}],
            "stop_reason": "end_turn",
            "stop_sequence": null,
            "usage": {"input_tokens": input_tokens(&body), "output_tokens": 2},
        })
    );
}

#[tokio::test]
async fn tool_call_streams_input_json_deltas() {
    let server = ScriptedServer::start(vec![Reply::ToolCall {
        id: "toolu_1".into(),
        name: "read_file".into(),
        arguments_chunks: vec!["{\"path\":".into(), "\"a.md\"}".into()],
        delay_ms: 0,
    }])
    .await
    .unwrap();
    let body = request(true);
    let response = post_with(&server.base_url(), ANTHROPIC, &body, &[]).await;

    let events = names_and_data(&response.events());
    let expected: Vec<(Option<String>, Value)> = vec![
        (
            Some("message_start".into()),
            json!({"type": "message_start", "message": {
                "id": "msg_testkit_1", "type": "message", "role": "assistant",
                "model": "claude-test", "content": [], "stop_reason": null,
                "stop_sequence": null,
                "usage": {"input_tokens": input_tokens(&body), "output_tokens": 1},
            }}),
        ),
        (
            Some("content_block_start".into()),
            json!({"type": "content_block_start", "index": 0, "content_block":
                {"type": "tool_use", "id": "toolu_1", "name": "read_file", "input": {}}}),
        ),
        (Some("ping".into()), json!({"type": "ping"})),
        (
            Some("content_block_delta".into()),
            json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": "{\"path\":"}}),
        ),
        (
            Some("content_block_delta".into()),
            json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": "\"a.md\"}"}}),
        ),
        (Some("content_block_stop".into()), json!({"type": "content_block_stop", "index": 0})),
        (
            Some("message_delta".into()),
            json!({"type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": null},
                "usage": {"output_tokens": 2}}),
        ),
        (Some("message_stop".into()), json!({"type": "message_stop"})),
    ];
    assert_eq!(events, expected);
}

#[tokio::test]
async fn tool_call_without_stream_parses_input() {
    let server =
        ScriptedServer::start(vec![Reply::tool_call("toolu_1", "read_file", "{\"path\":\"a.md\"}")]).await.unwrap();
    let response = post(&server.base_url(), ANTHROPIC, &json!({"model": "m"})).await;

    let message = response.json();
    assert_eq!(
        message["content"],
        json!([{"type": "tool_use", "id": "toolu_1", "name": "read_file", "input": {"path": "a.md"}}])
    );
    assert_eq!(message["stop_reason"], "tool_use");
}

#[tokio::test]
async fn rate_limit_has_retry_after_and_error_body() {
    let server = ScriptedServer::start(vec![Reply::Status {
        status: 429,
        retry_after: Some(7),
        message: "Number of requests has exceeded your rate limit".into(),
    }])
    .await
    .unwrap();
    let response = post_with(&server.base_url(), ANTHROPIC, &request(true), &[]).await;

    assert_eq!(response.status, 429);
    assert_eq!(response.header("retry-after"), Some("7"));
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(
        response.json(),
        json!({"type": "error", "error": {
            "type": "rate_limit_error",
            "message": "Number of requests has exceeded your rate limit",
        }})
    );
}

#[tokio::test]
async fn error_types_follow_the_status() {
    let statuses = [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (500, "api_error"),
    ];
    let server = ScriptedServer::start(statuses.iter().map(|(status, _)| Reply::status(*status, "nope")).collect())
        .await
        .unwrap();
    for (status, kind) in statuses {
        let response = post_with(&server.base_url(), ANTHROPIC, &request(false), &[]).await;
        assert_eq!(response.status, status);
        assert_eq!(response.header("retry-after"), None);
        assert_eq!(response.json()["error"]["type"], kind, "status {status}");
    }
}

#[tokio::test]
async fn overloaded_is_529() {
    let server = ScriptedServer::start(vec![Reply::Overloaded]).await.unwrap();
    let response = post_with(&server.base_url(), ANTHROPIC, &request(true), &[]).await;

    assert_eq!(response.status, 529);
    assert_eq!(
        response.json(),
        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    );
}

#[tokio::test]
async fn cut_stream_ends_without_stop_events() {
    let server = ScriptedServer::start(vec![Reply::CutAfter {
        chunks: vec!["one ".into(), "two ".into(), "three".into()],
        after: 2,
    }])
    .await
    .unwrap();
    let response = post_with(&server.base_url(), ANTHROPIC, &request(true), &[]).await;

    let names: Vec<_> = response.events().into_iter().map(|e| e.event.unwrap_or_default()).collect();
    assert_eq!(names, ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta"]);
    assert!(response.body.ends_with("\"text\":\"two \"}}\n\n"));
}

#[tokio::test]
async fn cut_without_stream_delivers_less_than_promised() {
    let server = ScriptedServer::start(vec![Reply::CutAfter { chunks: vec!["one".into()], after: 0 }]).await.unwrap();
    let response = post_with(&server.base_url(), ANTHROPIC, &request(false), &[]).await;

    let promised: usize = response.header("content-length").unwrap().parse().unwrap();
    assert!(!response.body.is_empty());
    assert!(response.body.len() < promised);
}

#[tokio::test]
async fn malformed_chunk_breaks_one_delta_only() {
    let server =
        ScriptedServer::start(vec![Reply::MalformedChunk { chunks: vec!["a".into(), "b".into(), "c".into()], at: 1 }])
            .await
            .unwrap();
    let response = post_with(&server.base_url(), ANTHROPIC, &request(true), &[]).await;

    let events = response.events();
    assert_eq!(events.len(), 3 + 3 + 3);
    let broken = &events[4];
    assert_eq!(broken.event.as_deref(), Some("content_block_delta"));
    assert_eq!(broken.data, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{");
    for (i, event) in events.iter().enumerate() {
        let parses = serde_json::from_str::<Value>(&event.data).is_ok();
        assert_eq!(parses, i != 4, "event {i}: {event:?}");
    }
    assert_eq!(events[3].json()["delta"]["text"], "a");
    assert_eq!(events[5].json()["delta"]["text"], "c");
    assert_eq!(events[8].event.as_deref(), Some("message_stop"));
}

#[tokio::test]
async fn stream_error_sends_an_error_event() {
    let server = ScriptedServer::start(vec![Reply::StreamError {
        chunks: vec!["a".into(), "b".into()],
        after: 1,
        message: "Overloaded".into(),
    }])
    .await
    .unwrap();
    let response = post_with(&server.base_url(), ANTHROPIC, &request(true), &[]).await;

    let events = response.events();
    let last = events.last().unwrap();
    assert_eq!(last.event.as_deref(), Some("error"));
    assert_eq!(last.json(), json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}));
    assert_eq!(events.len(), 3 + 1 + 1);
}
