//! Compaction against the scripted model server, in both wire formats: a
//! long session over a small budget is summarised (the request shows the
//! old messages, the recent tail is kept whole, no tool result is parted
//! from its call) after its every message reached the transcript on disk;
//! a model error, an empty summary and a cancellation change nothing; a
//! session under budget is left alone without a request. And the cut rule:
//! a tail of tool exchanges moves the cut back to a user message, or
//! prevents it.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{PROVIDERS, config};
use specwright_agent::compact::{
    Budget, SUMMARY_ACK, SUMMARY_PREFIX, compact, compact_session, cut_point, estimate_tokens, needs_compaction,
};
use specwright_agent::session::{Session, SessionStore, transcribe};
use specwright_models::{CancellationToken, Content, Message, ModelError, Provider, Role};
use specwright_testkit::{Reply, ScriptedServer};

fn tool_use(id: &str, path: &str) -> Message {
    Message {
        role: Role::Assistant,
        content: vec![
            Content::Text { text: format!("Let me read {path}.") },
            Content::ToolUse { id: id.into(), name: "read_file".into(), input: serde_json::json!({"path": path}) },
        ],
    }
}

fn tool_result(id: &str, text: &str) -> Message {
    Message {
        role: Role::User,
        content: vec![Content::ToolResult { tool_use_id: id.into(), content: text.into(), is_error: false }],
    }
}

/// `rounds` rounds of: a question, a tool call, its result, an answer.
fn long_conversation(rounds: usize) -> Vec<Message> {
    let mut messages = Vec::new();
    for i in 0..rounds {
        messages.push(Message::user(format!("Question {i}: what does src/module_{i}.rs export?")));
        messages.push(tool_use(&format!("call_{i}"), &format!("src/module_{i}.rs")));
        let body: String = (0..60).map(|n| format!("pub fn function_{i}_{n}(x: u32) -> u32 {{ x + {n} }}\n")).collect();
        messages.push(tool_result(&format!("call_{i}"), &body));
        messages.push(Message::assistant(format!("Answer {i}: it exports sixty functions.")));
    }
    messages
}

fn session(id: &str, messages: Vec<Message>) -> Session {
    Session {
        id: id.into(),
        title: "Chat".into(),
        spec: None,
        autopilot: false,
        turns: 3,
        messages,
        transcribed: 0,
        compactions: 0,
    }
}

fn store(label: &str, provider: Provider) -> (PathBuf, SessionStore) {
    let base = std::env::temp_dir().join(format!("specwright-compaction-{label}-{provider:?}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let root = base.join("workspace");
    std::fs::create_dir_all(&root).expect("workspace");
    let store = SessionStore::new(&base.join("data"), &root);
    (base, store)
}

fn small_budget() -> Budget {
    Budget { context_tokens: 6_000, keep_recent: 6 }
}

/// Every tool result answers a call of the message just before it.
fn assert_no_orphans(messages: &[Message]) {
    for (i, message) in messages.iter().enumerate() {
        for part in &message.content {
            if let Content::ToolResult { tool_use_id, .. } = part {
                let called = i > 0
                    && messages[i - 1]
                        .content
                        .iter()
                        .any(|c| matches!(c, Content::ToolUse { id, .. } if id == tool_use_id));
                assert!(called, "the result for {tool_use_id} at {i} has no call before it");
            }
        }
    }
}

#[tokio::test]
async fn a_long_session_is_transcribed_then_summarised_keeping_the_recent_tail() {
    for provider in PROVIDERS {
        let (_base, store) = store("long", provider);
        let original = long_conversation(8);
        let budget = small_budget();
        assert!(needs_compaction(&original, &budget), "estimate {}", estimate_tokens(&original));
        let cut = cut_point(&original, budget.keep_recent).expect("a cut");
        // Six messages back is a tool result: the cut moves to the question before its call.
        assert_eq!(cut, original.len() - 8);
        let mut s = session("s1", original.clone());
        let server = ScriptedServer::start(vec![Reply::chunks(["The user asked ", "about modules 0 to 5."])])
            .await
            .expect("scripted server");
        let model = specwright_models::connect(config(provider, &server)).expect("model");

        let done = compact_session(&store, &mut s, model.as_ref(), &budget, &CancellationToken::new()).await;
        assert_eq!(done, Ok(true), "{provider:?}");

        let requests = server.requests();
        assert_eq!(requests.len(), 1, "one summary request");
        let body = &requests[0].raw_body;
        assert!(body.contains("Question 0: what does src/module_0.rs export?"), "old messages sent: {body}");
        assert!(body.contains("read_file") && body.contains("function_0_1"), "tool calls and results sent: {body}");
        assert!(body.contains("more characters"), "a long tool result is clipped: {body}");
        assert!(!body.contains("Question 7"), "the kept tail is not summarised: {body}");
        assert!(body.contains("faithful"), "the summary instructions: {body}");
        assert!(!body.contains("\"tools\""), "no tools offered: {body}");

        assert_eq!(s.messages[0], Message::user(format!("{SUMMARY_PREFIX}\n\nThe user asked about modules 0 to 5.")));
        assert_eq!(s.messages[1], Message::assistant(SUMMARY_ACK));
        assert_eq!(&s.messages[2..], &original[cut..], "the tail is kept verbatim");
        assert_eq!(s.messages[2].role, Role::User);
        assert_no_orphans(&s.messages);
        assert!(!needs_compaction(&s.messages, &budget), "estimate {}", estimate_tokens(&s.messages));
        assert_eq!(s.compactions, 1);
        assert_eq!(s.transcribed, s.messages.len());

        assert_eq!(store.transcript("s1"), original, "the transcript holds every original message");
        // The next turn's messages follow; the summary never enters the transcript.
        s.messages.push(Message::user("And module 8?"));
        s.messages.push(Message::assistant("It does not exist."));
        transcribe(&store, &mut s).expect("transcribe");
        let mut expected = original.clone();
        expected.extend_from_slice(&s.messages[s.messages.len() - 2..]);
        assert_eq!(store.transcript("s1"), expected);
        assert_eq!(s.transcribed, s.messages.len());
        transcribe(&store, &mut s).expect("transcribe again");
        assert_eq!(store.transcript("s1"), expected, "nothing is appended twice");
    }
}

#[tokio::test]
async fn a_model_error_leaves_the_messages_unchanged() {
    for provider in PROVIDERS {
        let (_base, store) = store("error", provider);
        let original = long_conversation(8);
        let mut s = session("s2", original.clone());
        let server = ScriptedServer::start(vec![Reply::status(500, "boom")]).await.expect("scripted server");
        let model = specwright_models::connect(config(provider, &server)).expect("model");
        let done = compact_session(&store, &mut s, model.as_ref(), &small_budget(), &CancellationToken::new()).await;
        assert!(done.as_ref().is_err_and(|e| e.contains("not compacted")), "{provider:?}: {done:?}");
        assert_eq!(s.messages, original);
        assert_eq!(s.compactions, 0);
        assert_eq!(server.requests().len(), 1);
        assert_eq!(store.transcript("s2"), original, "the transcript was written first all the same");
        assert_eq!(s.transcribed, original.len());
    }
}

#[tokio::test]
async fn an_empty_summary_is_an_error() {
    for provider in PROVIDERS {
        let original = long_conversation(8);
        let server = ScriptedServer::start(vec![Reply::text("  \n")]).await.expect("scripted server");
        let model = specwright_models::connect(config(provider, &server)).expect("model");
        let result = compact(model.as_ref(), &original, &small_budget(), &CancellationToken::new()).await;
        assert!(matches!(result, Err(ModelError::Protocol(_))), "{provider:?}: {result:?}");
    }
}

#[tokio::test]
async fn a_cancelled_summary_changes_nothing() {
    for provider in PROVIDERS {
        let (_base, store) = store("cancel", provider);
        let original = long_conversation(8);
        let mut s = session("s3", original.clone());
        let server = ScriptedServer::start(vec![Reply::Hang { ms: 3_000 }]).await.expect("scripted server");
        let model = specwright_models::connect(config(provider, &server)).expect("model");
        let cancel = CancellationToken::new();
        let canceller = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            canceller.cancel();
        });
        let started = std::time::Instant::now();
        let done = compact_session(&store, &mut s, model.as_ref(), &small_budget(), &cancel).await;
        assert!(done.as_ref().is_err_and(|e| e.contains("cancelled")), "{provider:?}: {done:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "prompt: {:?}", started.elapsed());
        assert_eq!(s.messages, original);
        assert_eq!(s.compactions, 0);
    }
}

#[tokio::test]
async fn a_session_under_budget_is_left_alone_without_a_request() {
    for provider in PROVIDERS {
        let (_base, store) = store("under", provider);
        let original = long_conversation(2);
        let mut s = session("s4", original.clone());
        let budget = Budget::new(100_000);
        assert_eq!(budget.keep_recent, Budget::KEEP_RECENT);
        assert!(!needs_compaction(&original, &budget));
        let server = ScriptedServer::start(Vec::new()).await.expect("scripted server");
        let model = specwright_models::connect(config(provider, &server)).expect("model");
        let done = compact_session(&store, &mut s, model.as_ref(), &budget, &CancellationToken::new()).await;
        assert_eq!(done, Ok(false));
        assert_eq!(s.messages, original);
        assert_eq!((s.transcribed, s.compactions), (0, 0));
        assert!(server.requests().is_empty());
        assert!(store.transcript("s4").is_empty(), "nothing written");
    }
}

#[tokio::test]
async fn a_tail_of_tool_exchanges_moves_the_cut_back_or_prevents_it() {
    let exchanges = |from: usize, n: usize| -> Vec<Message> {
        (from..from + n)
            .flat_map(|i| [tool_use(&format!("t{i}"), "a.rs"), tool_result(&format!("t{i}"), "fn a() {}")])
            .collect()
    };
    // A question, an answer, a question, then only tool exchanges: the cut is the second question.
    let mut messages = vec![Message::user("First"), Message::assistant("Done."), Message::user("Second")];
    messages.extend(exchanges(0, 5));
    assert_eq!(cut_point(&messages, 6), Some(2));
    assert_eq!(cut_point(&messages, 2), Some(2));
    assert_eq!(cut_point(&messages, 11), Some(2));
    assert_eq!(cut_point(&messages, 12), None, "only the first question is left to cut at, with nothing before it");

    // Only the first message is a question: nothing can be cut.
    let mut messages = vec![Message::user("Do it all")];
    messages.extend(exchanges(0, 20));
    assert_eq!(cut_point(&messages, 6), None);
    assert!(needs_compaction(&messages, &Budget { context_tokens: 200, keep_recent: 6 }));
    // Nor is anything asked or changed.
    let server = ScriptedServer::start(Vec::new()).await.expect("scripted server");
    let model = specwright_models::connect(config(Provider::Anthropic, &server)).expect("model");
    let budget = Budget { context_tokens: 200, keep_recent: 6 };
    let same = compact(model.as_ref(), &messages, &budget, &CancellationToken::new()).await;
    assert_eq!(same, Ok(messages.clone()));
    assert!(server.requests().is_empty());

    // Tool results written as text (models without native tools) are not questions either.
    let text_result = Message::user("<tool_result name=\"read_file\">\nfn a() {}\n</tool_result>");
    let messages = vec![
        Message::user("First"),
        Message::assistant("Done."),
        Message::user("Second"),
        Message::assistant("<tool_call>{\"name\": \"read_file\"}</tool_call>"),
        text_result,
        Message::assistant("Read."),
    ];
    assert_eq!(cut_point(&messages, 2), Some(2));
    // A message mixing text and a tool result is a tool-result message.
    let mixed = Message {
        role: Role::User,
        content: vec![
            Content::Text { text: "Here:".into() },
            Content::ToolResult { tool_use_id: "t".into(), content: "x".into(), is_error: false },
        ],
    };
    let messages = vec![Message::user("First"), tool_use("t", "a.rs"), mixed, Message::assistant("Ok.")];
    assert_eq!(cut_point(&messages, 1), None);
}

#[test]
fn the_estimate_counts_texts_tool_inputs_and_results() {
    let empty = estimate_tokens(&[]);
    assert_eq!(empty, 0);
    let plain = estimate_tokens(&[Message::user("hello")]);
    assert!(plain >= 2, "{plain}");
    let big_result = estimate_tokens(&[tool_result("t", &"word ".repeat(1_000))]);
    assert!(big_result >= 1_000, "{big_result}");
    let big_input = estimate_tokens(&[Message {
        role: Role::Assistant,
        content: vec![Content::ToolUse {
            id: "t".into(),
            name: "write_file".into(),
            input: serde_json::json!({"path": "a.txt", "content": "word ".repeat(1_000)}),
        }],
    }]);
    assert!(big_input >= 1_000, "{big_input}");
    assert_eq!(Budget::new(1_000).threshold(), 750);
}

#[test]
fn a_transcript_skips_unreadable_lines_and_refuses_odd_ids() {
    let (base, store) = store("lines", Provider::Openai);
    store.append_transcript("s5", &[Message::user("one")]).expect("append");
    // A line cut short by a crash spoils only itself.
    let path = store.dir().join("s5.transcript.jsonl");
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str("{\"role\":\"user\",\"con");
    std::fs::write(&path, text).expect("write");
    store.append_transcript("s5", &[Message::assistant("two")]).expect("append");
    assert_eq!(store.transcript("s5"), vec![Message::user("one"), Message::assistant("two")]);
    assert!(store.append_transcript("../x", &[Message::user("no")]).is_err());
    assert!(store.transcript("../x").is_empty());
    assert!(store.transcript("none").is_empty());
    // Transcripts are not sessions.
    assert!(store.list().is_empty());
    let _ = std::fs::remove_dir_all(base);
}
