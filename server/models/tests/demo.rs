//! The demo model end to end: its loopback server, the ordinary HTTP client,
//! streaming and cancellation, with no key anywhere.

use std::time::Duration;

use specwright_models::{
    CancellationToken, ChatRequest, Message, Model, ModelError, ModelSettings, Overrides, StreamEvent, config,
};

fn demo() -> Box<dyn Model> {
    let flags = Overrides { provider: Some("demo".into()), ..Overrides::default() };
    let no_env = |_: &str| None;
    let resolved = config::resolve(&flags, &no_env, &ModelSettings::default()).expect("resolves").expect("some");
    specwright_models::connect(resolved).expect("the demo model starts")
}

fn asking_for(layout_title: &str) -> ChatRequest {
    let prompt = format!("Write the document.\n\n## Answer\n\n````markdown\n{layout_title}\n\n…\n````\n");
    ChatRequest { messages: vec![Message::user(prompt)], ..ChatRequest::default() }
}

#[tokio::test]
async fn streams_the_document_the_prompt_asks_for() {
    let model = demo();
    assert!(!model.supports_structured_output(), "the demo answers in Markdown");
    assert!(model.describe().contains("demo"), "{}", model.describe());
    let mut deltas = Vec::new();
    let mut sink = |e: StreamEvent| {
        if let StreamEvent::Text(t) = e {
            deltas.push(t);
        }
    };
    let answer = model
        .chat(&asking_for("# Requirements Document"), &CancellationToken::new(), &mut sink)
        .await
        .expect("answered");
    assert!(answer.text.starts_with("# Requirements Document"), "{}", answer.text);
    assert!(answer.text.contains("canned"), "says plainly that it is canned");
    assert!(deltas.len() > 10, "streamed in pieces, got {}", deltas.len());
    assert_eq!(deltas.concat(), answer.text);
    assert_eq!(answer.stop_reason.as_deref(), Some("stop"));

    let tasks = model.chat(&asking_for("# Implementation Plan"), &CancellationToken::new(), &mut |_| {}).await;
    assert!(tasks.expect("answered").text.starts_with("# Implementation Plan"));
}

#[tokio::test]
async fn anything_else_gets_a_note_about_the_demo() {
    let model = demo();
    let request = ChatRequest { messages: vec![Message::user("hello")], ..ChatRequest::default() };
    let answer = model.chat(&request, &CancellationToken::new(), &mut |_| {}).await.expect("answered");
    assert!(answer.text.contains("demo model"), "{}", answer.text);
}

#[tokio::test]
async fn a_stream_is_cancelled() {
    let model = demo();
    let cancel = CancellationToken::new();
    let stopper = cancel.clone();
    let mut seen = 0;
    let mut sink = |e: StreamEvent| {
        if matches!(e, StreamEvent::Text(_)) {
            seen += 1;
            if seen == 3 {
                stopper.cancel();
            }
        }
    };
    let result =
        tokio::time::timeout(Duration::from_secs(10), model.chat(&asking_for("# Design Document"), &cancel, &mut sink))
            .await
            .expect("cancellation ends the stream");
    assert!(matches!(result, Err(ModelError::Cancelled)), "{result:?}");
}
