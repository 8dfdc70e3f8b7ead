//! MCP tools in an agent turn against the scripted model server:
//! `@modelcontextprotocol/server-filesystem` configured in mcp.json with
//! `read_text_file` in `autoApprove` reads a file for the model (a secret in
//! it is redacted on the way to the model, like any tool result), and a tool
//! not in `autoApprove` asks the host and is refused when it says no (run
//! when it says yes).

mod common;

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use common::{clients, npm_server, workspace};
use serde_json::{Value, json};
use specwright_agent::{AgentEvent, FileChange, Host, Limits, ToolContext, Workspace, run_turn};
use specwright_models::{ApiKey, BoxFuture, CancellationToken, Message, ModelConfig, Provider};
use specwright_testkit::{Reply, ScriptedServer};

const AWS_KEY: &str = "AKIAZ3MHQ7RT4KXW2PLE";

/// A host that answers every tool approval with `approve` and records the asks.
struct Approver {
    approve: bool,
    asked: Mutex<Vec<(String, String, Value)>>,
}

impl Host for Approver {
    fn apply(&self, _change: FileChange) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async { Err("no edits in this test".to_string()) })
    }

    fn approve_command(&self, _command: &str) -> BoxFuture<'_, bool> {
        Box::pin(async { false })
    }

    fn approve_tool<'a>(&'a self, server: &'a str, tool: &'a str, input: &'a Value) -> BoxFuture<'a, bool> {
        self.asked.lock().unwrap().push((server.into(), tool.into(), input.clone()));
        let approve = self.approve;
        Box::pin(async move { approve })
    }
}

fn model_config(server: &ScriptedServer) -> ModelConfig {
    ModelConfig {
        provider: Provider::Anthropic,
        model: "test-model".into(),
        base_url: server.base_url(),
        api_key: Some(ApiKey::new("sk-test".into())),
        key_var: Provider::Anthropic.default_key_var().into(),
        max_tokens: 256,
        temperature: None,
        structured_output: true,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        max_retries: 0,
        retry_base: Duration::from_millis(10),
    }
}

struct Turn {
    results: Vec<(String, bool, String)>,
    requests: Vec<String>,
}

async fn turn(root: &Path, host: &dyn Host, script: Vec<Reply>) -> Turn {
    let clients = clients(root);
    let server = ScriptedServer::start(script).await.expect("scripted server");
    let model = specwright_models::connect(model_config(&server)).expect("model");
    let workspace = Workspace::new(root).expect("workspace");
    let cancel = CancellationToken::new();
    let cx = ToolContext { workspace: &workspace, host, cancel: &cancel, output_limit: 20_000 };
    let mut tools = specwright_agent::tools::all(&[]);
    tools.extend(clients.agent_tools().await);
    let mut history = vec![Message::user("Read the notes")];
    let mut events = Vec::new();
    run_turn(model.as_ref(), Some("system".into()), &mut history, &tools, &cx, &Limits::default(), &mut |e| {
        events.push(e)
    })
    .await;
    clients.shutdown().await;
    let results = events
        .into_iter()
        .filter_map(|e| match e {
            AgentEvent::ToolResult { name, ok, output, .. } => Some((name, ok, output)),
            _ => None,
        })
        .collect();
    Turn { results, requests: server.requests().into_iter().map(|r| r.raw_body).collect() }
}

fn filesystem(root: &Path, auto_approve: &[&str]) -> Value {
    json!({"mcpServers": {"filesystem": {
        "command": "node",
        "args": [npm_server("server-filesystem").display().to_string(), root.display().to_string()],
        "autoApprove": auto_approve,
    }}})
}

/// A workspace whose mcp.json serves the workspace itself through server-filesystem.
fn fs_workspace(label: &str, auto_approve: &[&str]) -> std::path::PathBuf {
    let root = workspace(label, &json!({"mcpServers": {}}));
    std::fs::write(specwright_mcp::config::workspace_file(&root), filesystem(&root, auto_approve).to_string())
        .expect("mcp.json");
    std::fs::write(root.join("notes.txt"), format!("The meeting is at noon.\nkey = {AWS_KEY}\n")).expect("notes");
    root
}

#[tokio::test]
async fn an_agent_turn_reads_a_file_through_server_filesystem() {
    let root = fs_workspace("fs-read", &["read_text_file"]);
    let host = Approver { approve: false, asked: Mutex::new(Vec::new()) };
    let path = root.join("notes.txt").display().to_string();
    let script = vec![
        Reply::tool_call("c1", "filesystem__read_text_file", json!({"path": path}).to_string()),
        Reply::chunks(["The meeting is at noon."]),
    ];
    let t = turn(&root, &host, script).await;
    assert_eq!(t.results.len(), 1, "{:?}", t.results);
    let (name, ok, output) = &t.results[0];
    assert_eq!(name, "filesystem__read_text_file");
    assert!(ok, "{output}");
    assert!(output.contains("The meeting is at noon."), "{output}");
    assert!(host.asked.lock().unwrap().is_empty(), "autoApprove: nobody is asked");
    // The tool list offered the MCP tool beside the agent's own, and its
    // result went to the model like any tool result: redacted.
    assert!(t.requests[0].contains("filesystem__read_text_file"));
    assert!(t.requests[0].contains("read_file"));
    assert!(t.requests[1].contains("The meeting is at noon."), "the result reaches the model");
    assert!(t.requests.iter().all(|b| !b.contains(AWS_KEY)), "but not the secret in it");
}

#[tokio::test]
async fn a_tool_not_in_auto_approve_is_refused_when_the_host_says_no() {
    let root = fs_workspace("fs-refuse", &["read_text_file"]);
    let host = Approver { approve: false, asked: Mutex::new(Vec::new()) };
    let script = vec![
        Reply::tool_call("c1", "filesystem__list_directory", json!({"path": root.display().to_string()}).to_string()),
        Reply::chunks(["I may not list it."]),
    ];
    let t = turn(&root, &host, script).await;
    let (name, ok, output) = &t.results[0];
    assert_eq!(name, "filesystem__list_directory");
    assert!(!ok);
    assert!(output.contains("did not approve"), "{output}");
    assert!(!output.contains("notes.txt"), "nothing ran: {output}");
    let asked = host.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!((asked[0].0.as_str(), asked[0].1.as_str()), ("filesystem", "list_directory"));

    // The same call runs when the host says yes.
    let yes = Approver { approve: true, asked: Mutex::new(Vec::new()) };
    let script = vec![
        Reply::tool_call("c1", "filesystem__list_directory", json!({"path": root.display().to_string()}).to_string()),
        Reply::chunks(["Listed."]),
    ];
    let t = turn(&root, &yes, script).await;
    let (_, ok, output) = &t.results[0];
    assert!(ok, "{output}");
    assert!(output.contains("notes.txt"), "{output}");
}

#[tokio::test]
async fn a_host_without_a_way_to_ask_refuses_mcp_tools_that_are_not_auto_approved() {
    let root = fs_workspace("fs-diskhost", &[]);
    let host = specwright_agent::DiskHost { autopilot: true };
    let path = root.join("notes.txt").display().to_string();
    let script = vec![
        Reply::tool_call("c1", "filesystem__read_text_file", json!({"path": path}).to_string()),
        Reply::chunks(["Refused."]),
    ];
    let t = turn(&root, &host, script).await;
    let (_, ok, output) = &t.results[0];
    assert!(!ok);
    assert!(output.contains("did not approve"), "{output}");
}
