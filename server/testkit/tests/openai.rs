//! The OpenAI Chat Completions wire format, streamed and not.

mod common;

use common::{OPENAI, input_tokens, post, post_with};
use serde_json::{Value, json};
use specwright_testkit::{CREATED, Reply, ScriptedServer};

fn request(stream: bool, include_usage: bool) -> String {
    let mut body = json!({
        "model": "gpt-test",
        "stream": stream,
        "messages": [{"role": "user", "content": "Write requirements"}],
    });
    if include_usage {
        body["stream_options"] = json!({"include_usage": true});
    }
    body.to_string()
}

#[tokio::test]
async fn text_stream_is_byte_exact() {
    let server = ScriptedServer::start(vec![Reply::chunks(["# Req", "uirements"])]).await.unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(true, false), &[]).await;

    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.header("content-length"), None);
    assert_eq!(response.header("x-request-id"), Some("req_testkit_1"));
    let head = format!(
        "{{\"id\":\"chatcmpl-testkit-1\",\"object\":\"chat.completion.chunk\",\"created\":{CREATED},\"model\":\"gpt-test\",\"choices\":[{{\"index\":0,\"delta\":"
    );
    let expected = format!(
        "data: {head}{{\"role\":\"assistant\",\"content\":\"\"}},\"logprobs\":null,\"finish_reason\":null}}]}}\n\n\
         data: {head}{{\"content\":\"# Req\"}},\"logprobs\":null,\"finish_reason\":null}}]}}\n\n\
         data: {head}{{\"content\":\"uirements\"}},\"logprobs\":null,\"finish_reason\":null}}]}}\n\n\
         data: {head}{{}},\"logprobs\":null,\"finish_reason\":\"stop\"}}]}}\n\n\
         data: [DONE]\n\n"
    );
    assert_eq!(response.body, expected);
}

#[tokio::test]
async fn include_usage_adds_a_usage_chunk_before_done() {
    let server = ScriptedServer::start(vec![Reply::chunks(["a", "b", "c"])]).await.unwrap();
    let body = request(true, true);
    let response = post_with(&server.base_url(), OPENAI, &body, &[]).await;

    let events = response.events();
    assert_eq!(events.len(), 1 + 3 + 1 + 1 + 1);
    assert!(events.iter().all(|e| e.event.is_none()));
    assert_eq!(events.last().unwrap().data, "[DONE]");
    for event in &events[..5] {
        assert_eq!(event.json()["usage"], Value::Null);
        assert!(event.json().as_object().unwrap().contains_key("usage"));
    }
    let n = input_tokens(&body);
    assert_eq!(
        events[5].json(),
        json!({
            "id": "chatcmpl-testkit-1",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": "gpt-test",
            "choices": [],
            "usage": {"prompt_tokens": n, "completion_tokens": 3, "total_tokens": n + 3},
        })
    );
    assert_eq!(events[4].json()["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn text_without_stream_is_one_completion() {
    let server = ScriptedServer::start(vec![Reply::chunks(["# Req", "uirements"])]).await.unwrap();
    let body = request(false, false);
    let response = post_with(&server.base_url(), OPENAI, &body, &[]).await;

    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let n = input_tokens(&body);
    assert_eq!(
        response.json(),
        json!({
            "id": "chatcmpl-testkit-1",
            "object": "chat.completion",
            "created": CREATED,
            "model": "gpt-test",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": "# Requirements", "refusal": null},
                "logprobs": null,
                "finish_reason": "stop",
            }],
            "usage": {"prompt_tokens": n, "completion_tokens": 2, "total_tokens": n + 2},
        })
    );
}

#[tokio::test]
async fn tool_call_streams_argument_fragments() {
    let server = ScriptedServer::start(vec![Reply::ToolCall {
        id: "call_1".into(),
        name: "read_file".into(),
        arguments_chunks: vec!["{\"path\":".into(), "\"a.md\"}".into()],
        delay_ms: 0,
    }])
    .await
    .unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(true, false), &[]).await;

    let events = response.events();
    let choices: Vec<Value> = events[..events.len() - 1].iter().map(|e| e.json()["choices"][0].clone()).collect();
    assert_eq!(
        choices,
        [
            json!({"index": 0, "delta": {"role": "assistant", "content": null, "tool_calls": [
                {"index": 0, "id": "call_1", "type": "function",
                 "function": {"name": "read_file", "arguments": ""}}]},
                "logprobs": null, "finish_reason": null}),
            json!({"index": 0, "delta": {"tool_calls": [
                {"index": 0, "function": {"arguments": "{\"path\":"}}]},
                "logprobs": null, "finish_reason": null}),
            json!({"index": 0, "delta": {"tool_calls": [
                {"index": 0, "function": {"arguments": "\"a.md\"}"}}]},
                "logprobs": null, "finish_reason": null}),
            json!({"index": 0, "delta": {}, "logprobs": null, "finish_reason": "tool_calls"}),
        ]
    );
    assert_eq!(events.last().unwrap().data, "[DONE]");
}

#[tokio::test]
async fn tool_call_without_stream() {
    let server =
        ScriptedServer::start(vec![Reply::tool_call("call_1", "read_file", "{\"path\":\"a.md\"}")]).await.unwrap();
    let response = post(&server.base_url(), OPENAI, &json!({"model": "gpt-test"})).await;

    let choice = &response.json()["choices"][0];
    assert_eq!(
        choice["message"],
        json!({"role": "assistant", "content": null, "refusal": null, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "read_file", "arguments": "{\"path\":\"a.md\"}"}}]})
    );
    assert_eq!(choice["finish_reason"], "tool_calls");
}

#[tokio::test]
async fn rate_limit_has_retry_after_and_error_body() {
    let server = ScriptedServer::start(vec![Reply::Status {
        status: 429,
        retry_after: Some(20),
        message: "Rate limit reached".into(),
    }])
    .await
    .unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(true, false), &[]).await;

    assert_eq!(response.status, 429);
    assert_eq!(response.header("retry-after"), Some("20"));
    assert_eq!(
        response.json(),
        json!({"error": {
            "message": "Rate limit reached",
            "type": "requests",
            "param": null,
            "code": "rate_limit_exceeded",
        }})
    );
}

#[tokio::test]
async fn unauthorized_has_invalid_api_key_code() {
    let server = ScriptedServer::start(vec![Reply::status(401, "Incorrect API key provided")]).await.unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(false, false), &[]).await;

    assert_eq!(response.status, 401);
    assert_eq!(response.json()["error"]["type"], "invalid_request_error");
    assert_eq!(response.json()["error"]["code"], "invalid_api_key");
}

#[tokio::test]
async fn overloaded_is_503() {
    let server = ScriptedServer::start(vec![Reply::Overloaded]).await.unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(true, false), &[]).await;

    assert_eq!(response.status, 503);
    let error = &response.json()["error"];
    assert_eq!(error["type"], "server_error");
    assert!(error["message"].as_str().unwrap().contains("overloaded"));
}

#[tokio::test]
async fn cut_stream_ends_without_done() {
    let server = ScriptedServer::start(vec![Reply::CutAfter {
        chunks: vec!["one ".into(), "two ".into(), "three".into()],
        after: 1,
    }])
    .await
    .unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(true, true), &[]).await;

    let events = response.events();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].json()["choices"][0]["delta"]["content"], "one ");
    assert!(!response.body.contains("[DONE]"));
    assert!(!response.body.contains("finish_reason\":\"stop"));
}

#[tokio::test]
async fn malformed_chunk_breaks_one_delta_only() {
    let server = ScriptedServer::start(vec![Reply::MalformedChunk { chunks: vec!["a".into(), "b".into()], at: 0 }])
        .await
        .unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(true, false), &[]).await;

    let events = response.events();
    assert_eq!(events.len(), 1 + 2 + 1 + 1);
    assert!(events[1].data.ends_with("\"delta\":{"), "{:?}", events[1]);
    assert!(serde_json::from_str::<Value>(&events[1].data).is_err());
    assert_eq!(events[2].json()["choices"][0]["delta"]["content"], "b");
    assert_eq!(events[4].data, "[DONE]");
}

#[tokio::test]
async fn malformed_past_the_end_adds_a_broken_delta() {
    let server = ScriptedServer::start(vec![Reply::MalformedChunk { chunks: vec!["a".into()], at: 5 }]).await.unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(true, false), &[]).await;

    let events = response.events();
    assert_eq!(events.len(), 1 + 1 + 1 + 1 + 1);
    assert!(serde_json::from_str::<Value>(&events[2].data).is_err());
}

#[tokio::test]
async fn malformed_without_stream_is_cut_json() {
    let server = ScriptedServer::start(vec![Reply::MalformedChunk { chunks: vec!["a".into()], at: 0 }]).await.unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(false, false), &[]).await;

    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-length"), Some(response.body.len().to_string().as_str()));
    assert!(serde_json::from_str::<Value>(&response.body).is_err());
}

#[tokio::test]
async fn stream_error_sends_an_error_line() {
    let server =
        ScriptedServer::start(vec![Reply::StreamError { chunks: vec!["a".into()], after: 1, message: "boom".into() }])
            .await
            .unwrap();
    let response = post_with(&server.base_url(), OPENAI, &request(true, false), &[]).await;

    let events = response.events();
    assert_eq!(events.len(), 3);
    assert_eq!(
        events[2].json(),
        json!({"error": {"message": "boom", "type": "server_error", "param": null, "code": null}})
    );
    assert!(!response.body.contains("[DONE]"));
}

#[tokio::test]
async fn any_path_ending_in_chat_completions_is_openai() {
    let server = ScriptedServer::start(vec![Reply::text("hi")]).await.unwrap();
    let path = "/openai/deployments/gpt/chat/completions?api-version=2024-10-21";
    let response = post_with(&server.base_url(), path, &request(false, false), &[]).await;

    assert_eq!(response.json()["object"], "chat.completion");
    assert_eq!(server.requests()[0].path, path);
}
