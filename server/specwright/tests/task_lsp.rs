//! "▶ Start task" in the editor: the code lens runs `specwright.task.start`,
//! the agent's edit and the markers go through `workspace/applyEdit`, the
//! server runs the tests itself (pytest in a real project) and ticks the
//! task; the run is one checkpoint. An untrusted folder is asked about first.
//! Through the real binary over stdio.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

const REQUIREMENTS: &str = "# Requirements Document\n\n## Requirements\n\n### Requirement 1\n\n\
**User Story:** As a user, I want to add, so that I can count.\n\n#### Acceptance Criteria\n\n\
1. WHEN two numbers are added THEN the calculator SHALL return their sum\n";

const TASKS: &str = "# Implementation Plan\n\n- [ ] 1. Implement add\n  - _Requirements: 1.1_\n";

fn options(server: &ScriptedServer) -> Value {
    json!({"specwright": {
        "model": {"provider": "openai", "model": "test-model", "baseUrl": format!("{}/v1", server.base_url()), "maxRetries": 0},
        "agent": {"mode": "autopilot"},
        "tasks": {"driftHints": true}
    }})
}

fn python() -> String {
    format!("{} -m pytest -q", venv_python("pytest is").display())
}

#[tokio::test]
async fn start_task_implements_proves_and_ticks_through_the_editor() {
    let ws = TempWorkspace::new("task-lsp");
    ws.write(".kiro/specs/calc/requirements.md", REQUIREMENTS);
    ws.write(".kiro/specs/calc/tasks.md", TASKS);
    ws.write("calc.py", "def add(a, b):\n    return 0\n");
    ws.write("test_calc.py", "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n");
    for (name, trigger) in [("Before", "preTaskExecution"), ("After", "postTaskExecution")] {
        let hook = json!({"name": name, "version": "1", "when": {"type": trigger}, "then": {"type": "runCommand", "command": format!("echo {trigger}")}});
        ws.write(&format!(".kiro/hooks/{trigger}.kiro.hook"), &hook.to_string());
    }
    let server = ScriptedServer::start(vec![
        Reply::tool_call(
            "c1",
            "edit_file",
            json!({"path": "calc.py", "old_str": "return 0", "new_str": "return a + b"}).to_string(),
        ),
        Reply::text("Implemented."),
    ])
    .await
    .expect("server");
    // The real binary over stdio, as an editor starts it.
    let client = Client::spawn_binary();
    client.set_message_answer(None);
    client
        .initialize_with_capabilities(&[&ws.root], options(&server), true, json!({"window": {"showMessage": {}}}))
        .await;
    let tasks_uri = ws.uri(".kiro/specs/calc/tasks.md");
    let lenses = client.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": tasks_uri}})).await;
    let start = lenses
        .as_array()
        .and_then(|l| l.iter().find(|l| l["command"]["title"] == "▶ Start task"))
        .map(|l| l["command"].clone())
        .unwrap_or_else(|| panic!("no Start task lens: {lenses}"));
    let mut args = start["arguments"][0].clone();
    args["testCommand"] = json!(python());
    let run = json!({"command": start["command"], "arguments": [args]});

    // Not trusted, and the question goes unanswered: nothing runs.
    let refused = client.request_err("workspace/executeCommand", run.clone()).await;
    assert!(refused["message"].as_str().is_some_and(|m| m.contains("not trusted")), "{refused}");
    assert!(server.requests().is_empty());
    assert_eq!(ws.read("calc.py"), "def add(a, b):\n    return 0\n");

    client.set_message_answer(Some("Trust and run"));
    let report = client.request_ok("workspace/executeCommand", run).await;
    assert_eq!(report["status"], "done", "{report:#}");
    assert_eq!(report["tests"]["passed"], 1, "{report:#}");
    assert_eq!(ws.read("calc.py"), "def add(a, b):\n    return a + b\n");
    assert!(ws.read(".kiro/specs/calc/tasks.md").contains("- [x] 1. Implement add"));
    let edits = client.server_requests("workspace/applyEdit");
    assert!(edits.len() >= 3, "the marker twice and the edit, through the editor: {edits:?}");
    let meta: Value = serde_json::from_str(&ws.read(".kiro/specs/calc/.tasks-meta.json")).expect("meta");
    assert_eq!(meta["tasks"]["1"]["status"], "done");
    // Notifications travel apart from the reply: wait for them.
    for (name, trigger) in [("Before", "preTaskExecution"), ("After", "postTaskExecution")] {
        let hook = client
            .wait_until("the task hooks' results", |inbox| {
                inbox
                    .notifications
                    .iter()
                    .find(|(m, p)| m == "specwright/hookResult" && p["name"] == name)
                    .map(|(_, p)| p.clone())
            })
            .await;
        assert_eq!((&hook["trigger"], &hook["ok"]), (&json!(trigger), &json!(true)), "{hook}");
    }
    client
        .wait_until("the edit event", |inbox| {
            inbox.notifications.iter().any(|(m, p)| m == "specwright/chat/event" && p["kind"] == "edit").then_some(())
        })
        .await;
    let events = client.notifications("specwright/chat/event");
    assert!(events.iter().any(|e| e["kind"] == "edit" && e["action"] == "change"), "{events:?}");

    // The tick recorded what the task was proven against: an edit of calc.py since gets a hint.
    let config: Value = serde_json::from_str(&ws.read(".kiro/specs/calc/.config.kiro")).expect("config");
    assert!(config["specwright"]["doneTasks"]["1"]["files"]["calc.py"].as_str().is_some(), "{config}");
    client.did_change_watched(&[(&ws.uri(".kiro/specs/calc/.config.kiro"), 1)]).await;
    let calc = client.did_open_text(&ws.path("calc.py"), "def add(a, b):\n    return a + b + 0\n").await;
    let hints = client.wait_diagnostics(&calc, |d| d.iter().any(|d| d["code"] == "task-drift")).await;
    let hint = hints.iter().find(|d| d["code"] == "task-drift").expect("hint");
    assert_eq!(hint["severity"], 4, "a hint: {hint}");
    assert!(hint["message"].as_str().is_some_and(|m| m.contains("task 1 of spec 'calc'")), "{hint}");
    let same = client.did_open_text(&ws.path("test_calc.py"), &ws.read("test_calc.py")).await;
    let none = client.wait_diagnostics(&same, |_| true).await;
    assert!(none.iter().all(|d| d["code"] != "task-drift"), "an untouched file has no hint: {none:?}");
    // Back to what the run left, in the editor.
    client.did_change_range(&calc, range(0, 0, 2, 0), "def add(a, b):\n    return a + b\n").await;

    // The run is one checkpoint that undoes it.
    let list = client
        .request_ok("workspace/executeCommand", json!({"command": "specwright.checkpoint.list", "arguments": []}))
        .await;
    let checkpoint = &list["checkpoints"][0];
    assert_eq!(checkpoint["id"], report["checkpoint"], "{list}");
    assert_eq!(checkpoint["files"], json!(["calc.py"]));
    client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.checkpoint.restore", "arguments": [{"id": checkpoint["id"]}]}),
        )
        .await;
    assert_eq!(client.text(&calc).as_deref(), Some("def add(a, b):\n    return 0\n"), "restored in the buffer");
}

/// The tests run on the files on disk: when the editor holds a touched file
/// unsaved (its text is not what the tests ran on), the task is not ticked
/// and the report says to save.
#[tokio::test]
async fn an_unsaved_touched_file_blocks_the_tick_and_says_to_save() {
    let ws = TempWorkspace::new("task-lsp-unsaved");
    ws.write(".kiro/specs/calc/requirements.md", REQUIREMENTS);
    ws.write(".kiro/specs/calc/tasks.md", TASKS);
    ws.write("calc.py", "def add(a, b):\n    return 0\n");
    ws.write("test_calc.py", "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n");
    let server = ScriptedServer::start(vec![
        Reply::tool_call(
            "c1",
            "edit_file",
            json!({"path": "calc.py", "old_str": "return 0", "new_str": "return a + b"}).to_string(),
        ),
        Reply::text("Implemented."),
    ])
    .await
    .expect("server");
    let client = Client::spawn_binary();
    client.set_message_answer(Some("Trust and run"));
    client
        .initialize_with_capabilities(&[&ws.root], options(&server), true, json!({"window": {"showMessage": {}}}))
        .await;
    // The user's unsaved change to calc.py.
    client.did_open_text(&ws.path("calc.py"), "def add(a, b):\n    return 0  # mine\n").await;
    let args = json!({"uri": ws.uri(".kiro/specs/calc/tasks.md"), "taskId": "1", "testCommand": python()});
    let report = client
        .request_ok("workspace/executeCommand", json!({"command": "specwright.task.start", "arguments": [args]}))
        .await;
    assert_ne!(report["status"], "done", "{report:#}");
    let saved = report["checks"].as_array().and_then(|c| c.iter().find(|c| c["name"] == "saved")).expect("check");
    assert_eq!(saved["ok"], false, "{report:#}");
    assert!(saved["detail"].as_str().is_some_and(|d| d.contains("calc.py not saved")), "{saved}");
    assert!(ws.read(".kiro/specs/calc/tasks.md").contains("- [-] 1."), "not ticked");
}

/// `specwright.tasks.agent`: "▶ Start task" hands the task to an external
/// ACP agent (the scripted one of tests/acp/scripted_agent.mjs, on the
/// official TypeScript SDK) with no model configured; its write reaches the
/// editor through `workspace/applyEdit`, and the task is ticked because
/// Specwright's own test run passes.
#[tokio::test]
async fn start_task_with_an_external_acp_agent() {
    let ws = TempWorkspace::new("task-lsp-acp");
    ws.write(".kiro/specs/calc/tasks.md", "# Implementation Plan\n\n- [ ] 1. Subtract\n");
    ws.write("calc.py", "def sub(a, b):\n    return a + b\n");
    ws.write("test_sub.py", "from calc import sub\n\n\ndef test_sub():\n    assert sub(5, 3) == 2\n");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sdk = repo.join(".venv-test/node/node_modules/@agentclientprotocol/sdk");
    assert!(sdk.join("package.json").is_file(), "run scripts/setup-test-tools: it installs @agentclientprotocol/sdk");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/acp/scripted_agent.mjs");
    let log = ws.root.with_extension("agent.json");
    let agent = format!("node '{}' '{}' honest '{}'", script.display(), sdk.display(), log.display());
    let client = Client::spawn_binary();
    client.set_message_answer(Some("Trust and run"));
    let settings = json!({"specwright": {"agent": {"mode": "autopilot"}, "tasks": {"agent": agent}}});
    client.initialize_with_capabilities(&[&ws.root], settings, true, json!({"window": {"showMessage": {}}})).await;
    let args = json!({"uri": ws.uri(".kiro/specs/calc/tasks.md"), "taskId": "1", "testCommand": format!("{} test_sub.py", python())});
    let report = client
        .request_ok("workspace/executeCommand", json!({"command": "specwright.task.start", "arguments": [args]}))
        .await;
    assert_eq!(report["status"], "done", "{report:#}");
    assert_eq!(ws.read("calc.py"), "def sub(a, b):\n    return a - b\n");
    assert!(ws.read(".kiro/specs/calc/tasks.md").contains("- [x] 1. Subtract"));
    let seen: Value = serde_json::from_str(&std::fs::read_to_string(&log).expect("the agent's log")).expect("json");
    assert!(seen["brief"].as_str().unwrap().contains("Subtract"), "{seen}");
    let _ = std::fs::remove_file(&log);
}
