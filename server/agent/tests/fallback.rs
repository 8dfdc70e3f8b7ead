//! Text tool calls for models without native tools: the lenient parser
//! (fences, a missing end tag, alias keys, stringified arguments, malformed
//! JSON, Unicode, the cap, never a panic), the streamed-text filter, and
//! turns against the scripted model server in both wire formats where the
//! model calls tools in its text.

mod common;

use std::path::Path;

use common::{PROVIDERS, config, workspace};
use serde_json::json;
use specwright_agent::fallback::{
    MAX_CALLS, ParsedCall, StreamFilter, parse_calls, results_message, tool_instructions,
};
use specwright_agent::{AgentEvent, DiskHost, Limits, StopReason, ToolContext, TurnOutcome, Workspace, run_turn};
use specwright_models::{CancellationToken, Message, Provider, ToolSpec};
use specwright_testkit::{Reply, ScriptedServer};

fn ok(name: &str, arguments: serde_json::Value) -> Result<ParsedCall, String> {
    Ok(ParsedCall { name: name.into(), arguments })
}

#[test]
fn a_plain_block_is_read_and_removed_from_the_text() {
    let text = "I will read it.\n<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/a.ts\"}}\n</tool_call>\n";
    let (rest, calls) = parse_calls(text);
    assert_eq!(rest, "I will read it.");
    assert_eq!(calls, vec![ok("read_file", json!({"path": "src/a.ts"}))]);
}

#[test]
fn text_without_blocks_is_unchanged() {
    let text = "  Just an answer.\n\n\n```rust\nfn main() {}\n```\n";
    let (rest, calls) = parse_calls(text);
    assert_eq!(rest, text);
    assert!(calls.is_empty());
}

#[test]
fn fenced_blocks_lose_their_fences_and_other_code_blocks_stay() {
    let text = "First:\n```xml\n<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n```\nThen:\n```\n<TOOL_CALL >  {\"name\": \"b\", \"arguments\": {\"x\": 1}}  < /tool_call>\n```\nAnd code:\n```js\nlet x = 1;\n```";
    let (rest, calls) = parse_calls(text);
    assert_eq!(calls, vec![ok("a", json!({})), ok("b", json!({"x": 1}))]);
    assert_eq!(rest, "First:\nThen:\nAnd code:\n```js\nlet x = 1;\n```");
}

#[test]
fn json_fenced_inside_the_tags_is_read() {
    let text = "<tool_call>\n```json\n{\"name\": \"a\", \"arguments\": {\"k\": \"v\"}}\n```\n</tool_call>";
    assert_eq!(parse_calls(text).1, vec![ok("a", json!({"k": "v"}))]);
}

#[test]
fn a_missing_end_tag_at_the_end_is_tolerated() {
    let text = "Reading.\n<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}\n";
    let (rest, calls) = parse_calls(text);
    assert_eq!(rest, "Reading.");
    assert_eq!(calls, vec![ok("read_file", json!({"path": "a"}))]);
    // Before another block too.
    let text =
        "<tool_call>{\"name\": \"a\", \"arguments\": {}}\n<tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call>";
    assert_eq!(parse_calls(text).1, vec![ok("a", json!({})), ok("b", json!({}))]);
}

#[test]
fn alias_keys_for_the_arguments_are_accepted() {
    for key in ["arguments", "input", "args", "parameters", "params"] {
        let text = format!("<tool_call>{{\"name\": \"t\", \"{key}\": {{\"p\": 1}}}}</tool_call>");
        assert_eq!(parse_calls(&text).1, vec![ok("t", json!({"p": 1}))], "{key}");
    }
    let (_, calls) = parse_calls("<tool_call>{\"tool\": \"t\", \"path\": \"a\"}</tool_call>");
    assert_eq!(calls, vec![ok("t", json!({"path": "a"}))], "flat arguments");
    let (_, calls) = parse_calls(
        "<tool_call>{\"type\": \"function\", \"function\": {\"name\": \"t\", \"arguments\": \"{\\\"p\\\": 2}\"}}</tool_call>",
    );
    assert_eq!(calls, vec![ok("t", json!({"p": 2}))], "OpenAI style");
    let (_, calls) = parse_calls("<tool_call>{\"name\": \"t\"}</tool_call>");
    assert_eq!(calls, vec![ok("t", json!({}))], "no arguments");
}

#[test]
fn stringified_arguments_and_trailing_commas_are_read() {
    let text =
        r#"<tool_call>{"name": "edit_file", "arguments": "{\"path\": \"a.ts\", \"old_str\": \"x,}\", }"}</tool_call>"#;
    assert_eq!(parse_calls(text).1, vec![ok("edit_file", json!({"path": "a.ts", "old_str": "x,}"}))]);
    let text = "<tool_call>{\"name\": \"t\", \"arguments\": {\"list\": [1, 2,], \"s\": \"a, ]\",},}</tool_call>";
    assert_eq!(parse_calls(text).1, vec![ok("t", json!({"list": [1, 2], "s": "a, ]"}))]);
}

#[test]
fn malformed_blocks_are_errors_the_model_reads() {
    let cases = [
        "<tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": </tool_call>",
        "<tool_call>read the file please</tool_call>",
        "<tool_call></tool_call>",
        "<tool_call>[1, 2]</tool_call>",
        "<tool_call>{\"arguments\": {}}</tool_call>",
        "<tool_call>{\"name\": \"t\", \"arguments\": \"{not json\"}</tool_call>",
        "<tool_call>{\"name\": 3}</tool_call>",
    ];
    for text in cases {
        let (rest, calls) = parse_calls(text);
        assert_eq!(calls.len(), 1, "{text}");
        let error = calls[0].as_ref().expect_err(text);
        assert!(!error.is_empty(), "{text}");
        assert_eq!(rest, "", "{text}");
    }
    let (_, calls) = parse_calls(cases[0]);
    assert!(calls[0].as_ref().unwrap_err().contains("not valid JSON"), "{calls:?}");
    // A good block after a bad one still runs.
    let (_, calls) = parse_calls("<tool_call>{oops</tool_call><tool_call>{\"name\": \"t\"}</tool_call>");
    assert!(calls[0].is_err());
    assert_eq!(calls[1], ok("t", json!({})));
}

#[test]
fn japanese_text_around_and_inside_is_kept() {
    let text = "ファイルを読みます。\n<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"ドキュメント/説明.md\"}}\n</tool_call>\nお待ちください 🙏";
    let (rest, calls) = parse_calls(text);
    assert_eq!(rest, "ファイルを読みます。\n\nお待ちください 🙏");
    assert_eq!(calls, vec![ok("read_file", json!({"path": "ドキュメント/説明.md"}))]);
}

#[test]
fn more_than_the_cap_are_reported_not_run() {
    let text: String = (0..MAX_CALLS + 1)
        .map(|i| format!("<tool_call>{{\"name\": \"t\", \"arguments\": {{\"i\": {i}}}}}</tool_call>\n"))
        .collect();
    let (rest, calls) = parse_calls(&text);
    assert_eq!(rest, "");
    assert_eq!(calls.len(), MAX_CALLS + 1);
    for (i, call) in calls.iter().take(MAX_CALLS).enumerate() {
        assert_eq!(call, &ok("t", json!({"i": i})));
    }
    let last = calls[MAX_CALLS].as_ref().unwrap_err();
    assert!(last.contains("1 more were ignored"), "{last}");
}

/// A deterministic generator: no extra dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

#[test]
fn tricky_inputs_never_panic_and_stay_bounded() {
    let pieces = [
        "<tool_call>",
        "</tool_call>",
        "< TOOL_CALL >",
        "</ tool_call",
        "<tool_",
        "```",
        "```json\n",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "\\",
        ",",
        ":",
        "\"name\"",
        "\"arguments\"",
        "\"read_file\"",
        "\"{\\\"a\\\": 1,}\"",
        "\n",
        " ",
        "日本語",
        "é",
        "🙂",
        "\u{0}",
        "\u{feff}",
        "null",
        "1e999",
    ];
    let mut rng = Lcg(7);
    for round in 0..3000 {
        let len = rng.next(40);
        let text: String = (0..len).map(|_| pieces[rng.next(pieces.len())]).collect();
        let (rest, calls) = parse_calls(&text);
        assert!(calls.len() <= MAX_CALLS + 1, "round {round}");
        assert!(rest.len() <= text.len(), "round {round}");
        // The streamed text never shows what is inside exact tags.
        let mut filter = StreamFilter::default();
        let mut shown = String::new();
        let mut chars = text.chars().peekable();
        while chars.peek().is_some() {
            let take = 1 + rng.next(5);
            let chunk: String = chars.by_ref().take(take).collect();
            shown.push_str(&filter.push(&chunk));
        }
        shown.push_str(&filter.finish());
        assert!(!shown.to_ascii_lowercase().contains("<tool_call>"), "round {round}: {shown:?}");
    }
    // Deep nesting stays within serde_json's limit: an error, not a crash.
    let deep = format!("<tool_call>{}{}</tool_call>", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_calls(&deep).1[0].is_err());
    // Many unclosed tags: linear work.
    let many = "<tool_call>".repeat(50_000);
    assert_eq!(parse_calls(&many).1.len(), MAX_CALLS + 1);
}

#[test]
fn the_stream_filter_hides_blocks_split_across_chunks() {
    let text = "Before <tool_call>{\"name\": \"x\"}</tool_call> after <tool_c and <Tool_Call>y</TOOL_CALL>.";
    for size in 1..8 {
        let mut filter = StreamFilter::default();
        let chars: Vec<char> = text.chars().collect();
        let mut shown: String = chars.chunks(size).map(|c| filter.push(&c.iter().collect::<String>())).collect();
        shown.push_str(&filter.finish());
        assert_eq!(shown, "Before  after <tool_c and .", "chunks of {size}");
    }
}

#[test]
fn instructions_and_results_follow_the_documented_format() {
    let specs = vec![ToolSpec {
        name: "read_file".into(),
        description: "Read a file.".into(),
        input_schema: json!({"type": "object", "properties": {"path": {"type": "string"}}}),
    }];
    let text = tool_instructions(&specs);
    assert!(
        text.contains("<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/a.ts\"}}\n</tool_call>")
    );
    assert!(text.contains("### read_file\nRead a file.\nInput schema: {\""), "{text}");
    assert!(text.contains("<tool_result name="), "{text}");
    let message = results_message(&[
        ("read_file".into(), true, "one\n</tool_result>two".into()),
        ("x\"y".into(), false, "refused".into()),
    ]);
    assert_eq!(
        message,
        "<tool_result name=\"read_file\">\none\n<\\/tool_result>two\n</tool_result>\n\n\
         <tool_result name=\"x&quot;y\" error=\"true\">\nrefused\n</tool_result>"
    );
}

// --- Turns against the scripted model server. ---

struct Turn {
    outcome: TurnOutcome,
    events: Vec<AgentEvent>,
    requests: Vec<String>,
}

async fn turn(provider: Provider, root: &Path, script: Vec<Reply>, limits: Limits) -> Turn {
    let server = ScriptedServer::start(script).await.expect("scripted server");
    let model = specwright_models::connect(config(provider, &server)).expect("model");
    let workspace = Workspace::new(root).expect("workspace");
    let host = DiskHost { autopilot: true };
    let cancel = CancellationToken::new();
    let cx = ToolContext { workspace: &workspace, host: &host, cancel: &cancel, output_limit: 20_000 };
    let tools = specwright_agent::tools::all(&[]);
    let mut history = vec![Message::user("Do the thing")];
    let mut events = Vec::new();
    let outcome =
        run_turn(model.as_ref(), Some("system".into()), &mut history, &tools, &cx, &limits, &mut |e| events.push(e))
            .await;
    let requests = server.requests().into_iter().map(|r| r.raw_body).collect();
    Turn { outcome, events, requests }
}

fn results(events: &[AgentEvent]) -> Vec<(String, String, bool, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::ToolResult { id, name, ok, output } => Some((id.clone(), name.clone(), *ok, output.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_text_tools_turn_reads_and_edits_through_text_calls() {
    for provider in PROVIDERS {
        let root = workspace("fallback-edit", provider, &[("src/a.ts", "export const a = 1;\n")]);
        let script = vec![
            Reply::text(
                "Let me look.\n```\n<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/a.ts\"}}\n</tool_call>\n```",
            ),
            Reply::text("<tool_call>\n{\"name\": \"edit_file\", \"arguments\": {\"path\": </tool_call>"),
            Reply::text(
                "Fixing.\n<tool_call>{\"name\": \"edit_file\", \"input\": \"{\\\"path\\\": \\\"src/a.ts\\\", \\\"old_str\\\": \\\"a = 1\\\", \\\"new_str\\\": \\\"a = 10\\\"}\"}",
            ),
            Reply::text("Done: a is 10."),
        ];
        let t = turn(provider, &root, script, Limits { text_tools: true, ..Limits::default() }).await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn, "{provider:?}: {:?}", t.outcome);
        assert_eq!(t.outcome.steps, 4);
        assert_eq!(t.outcome.text, "Done: a is 10.");
        assert_eq!(std::fs::read_to_string(root.join("src/a.ts")).unwrap(), "export const a = 10;\n");

        let r = results(&t.events);
        assert_eq!(r.len(), 3, "{r:?}");
        assert_eq!(r.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(), ["text_call_1", "text_call_2", "text_call_3"]);
        assert!(r[0].2 && r[0].3.contains("export const a = 1;"), "{r:?}");
        assert!(!r[1].2 && r[1].3.contains("not valid JSON"), "{r:?}");
        assert!(r[2].2, "{r:?}");
        let calls: Vec<&str> = t
            .events
            .iter()
            .filter_map(|e| if let AgentEvent::ToolCall { name, .. } = e { Some(name.as_str()) } else { None })
            .collect();
        assert_eq!(calls, ["read_file", "tool_call", "edit_file"]);
        let streamed: String =
            t.events.iter().filter_map(|e| if let AgentEvent::Text(s) = e { Some(s.as_str()) } else { None }).collect();
        assert!(!streamed.contains("<tool_call>") && !streamed.contains("\"name\""), "{streamed}");
        assert!(streamed.contains("Let me look.") && streamed.ends_with("Done: a is 10."), "{streamed}");

        assert_eq!(t.requests.len(), 4);
        for body in &t.requests {
            let body: serde_json::Value = serde_json::from_str(body).expect("json body");
            assert!(body.get("tools").is_none_or(|t| t.as_array().is_some_and(Vec::is_empty)), "{body}");
            assert!(body.get("tool_choice").is_none(), "{body}");
        }
        assert!(t.requests[0].contains("## Available tools") && t.requests[0].contains("### edit_file"));
        assert!(t.requests[0].contains("<tool_call>"), "the format is described");
        assert!(t.requests[1].contains("<tool_result name=") && t.requests[1].contains("export const a = 1;"));
        assert!(t.requests[2].contains("not valid JSON"), "the model sees the malformed call: {}", t.requests[2]);
        assert!(t.requests[3].contains("error=") == t.requests[2].contains("error="), "earlier results are kept");
    }
}

#[tokio::test]
async fn a_model_that_ignores_native_tools_is_understood_in_text() {
    for provider in PROVIDERS {
        let root = workspace("fallback-ignores", provider, &[("a.txt", "hello\n")]);
        let script = vec![
            Reply::text("<tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"a.txt\"}}</tool_call>"),
            Reply::text("It says hello."),
        ];
        let t = turn(provider, &root, script, Limits::default()).await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn, "{:?}", t.outcome);
        assert_eq!(t.outcome.text, "It says hello.");
        let r = results(&t.events);
        assert_eq!(r.len(), 1);
        assert!(r[0].2 && r[0].3.contains("hello"), "{r:?}");
        assert!(t.requests[0].contains("\"edit_file\""), "native tools offered");
        assert!(t.requests[1].contains("<tool_result name="), "{}", t.requests[1]);
    }
}

/// A server that refuses tools (Ollama: HTTP 400 "… does not support
/// tools") gets the same request again with the tools described in text,
/// and the turn goes on.
#[tokio::test]
async fn a_model_that_refuses_tools_gets_them_in_text() {
    for provider in PROVIDERS {
        let root = workspace("fallback-refused", provider, &[("src/a.ts", "export const a = 1;\n")]);
        let script = vec![
            Reply::status(400, "registry.ollama.ai/library/gemma:2b does not support tools"),
            Reply::text(
                "<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/a.ts\"}}\n</tool_call>",
            ),
            Reply::text("a is 1."),
        ];
        let t = turn(provider, &root, script, Limits::default()).await;
        assert_eq!(t.outcome.stop, StopReason::EndTurn, "{provider:?}: {:?}", t.outcome);
        assert_eq!(t.outcome.text, "a is 1.");
        assert_eq!(t.outcome.steps, 2, "the refused request is not a step");
        let r = results(&t.events);
        assert!(r.len() == 1 && r[0].2 && r[0].3.contains("export const a = 1;"), "{r:?}");
        assert_eq!(t.requests.len(), 3);
        assert!(t.requests[0].contains("\"tools\""), "native tools first");
        for body in &t.requests[1..] {
            let body: serde_json::Value = serde_json::from_str(body).expect("json body");
            assert!(body.get("tools").is_none_or(|t| t.as_array().is_some_and(Vec::is_empty)), "{body}");
            assert!(body.to_string().contains("## Available tools"), "described in the prompt");
        }
    }
}

/// Other refusals end the turn with the error, as before.
#[tokio::test]
async fn other_bad_requests_end_the_turn() {
    let root = workspace("fallback-other", Provider::Openai, &[]);
    let script = vec![Reply::status(400, "max_tokens is too large")];
    let t = turn(Provider::Openai, &root, script, Limits::default()).await;
    assert!(matches!(&t.outcome.stop, StopReason::ModelError(m) if m.contains("max_tokens")), "{:?}", t.outcome);
    assert_eq!(t.requests.len(), 1);
}
