//! No repository runs code before the user trusts it, in the editor: the
//! first time an untrusted hook would run, the server asks once with
//! `window/showMessageRequest` ("Trust and run", "Not now", "Never for this
//! workspace") and nothing runs without an answer; a client that cannot be
//! asked is told about `specwright hooks trust`; manual runs obey the same
//! gate and `specwright.hooks.enabled`; built-in analyzers need no trust.
//! Also: hooks on files the editor never sends (`*.go`) fire from the file
//! watchers the server registers for their patterns, and a save reported by
//! both `didSave` and the watcher runs a hook once.

#![cfg(unix)]

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::*;

const DEBOUNCE_MS: u64 = 50;

/// A workspace whose `Mark` hook appends the saved file's name to marks.txt
/// whenever a `*.go` file is saved, plus a built-in secrets hook.
fn workspace(label: &str) -> TempWorkspace {
    let ws = TempWorkspace::new(label);
    ws.write(".kiro/hooks/mark.kiro.hook", &mark_hook("echo $SPECWRIGHT_HOOK_FILE >> marks.txt"));
    ws.write(
        ".kiro/hooks/builtin.json",
        r#"{"version": "v1", "hooks": [{"name": "Secrets", "trigger": "Manual", "action": {"type": "command", "command": "specwright:secrets"}}]}"#,
    );
    ws.write("main.go", "package main\n");
    ws.write("other.go", "package main\n");
    ws
}

fn mark_hook(command: &str) -> String {
    json!({
        "name": "Mark",
        "version": "1",
        "when": {"type": "fileEdited", "patterns": ["**/*.go"]},
        "then": {"type": "runCommand", "command": command},
    })
    .to_string()
}

/// An editor that can be asked questions (or not), with hooks debounced briefly.
async fn start(ws: &TempWorkspace, can_ask: bool, answer: Option<&str>) -> Client {
    let client = Client::in_process();
    client.set_message_answer(answer);
    let window = if can_ask { json!({"window": {"showMessage": {}}}) } else { Value::Null };
    let options = json!({"specwright": {"hooks": {"debounceMs": DEBOUNCE_MS}}});
    client.initialize_with_capabilities(&[&ws.root], options, true, window).await;
    client
        .wait_until("hook files loaded", |inbox| {
            inbox.diagnostics.keys().any(|u| u.contains(".kiro/hooks")).then_some(())
        })
        .await;
    client
}

fn marks(ws: &TempWorkspace) -> Vec<String> {
    std::fs::read_to_string(ws.path("marks.txt")).map(|t| t.lines().map(str::to_string).collect()).unwrap_or_default()
}

/// The file changed on disk, as the editor's watcher reports it.
async fn changed_on_disk(client: &Client, ws: &TempWorkspace, rel: &str, text: &str) {
    // A later modification time than any earlier write of the test.
    tokio::time::sleep(Duration::from_millis(20)).await;
    ws.write(rel, text);
    client.did_change_watched(&[(&ws.uri(rel), 2)]).await;
}

fn questions(client: &Client) -> Vec<Value> {
    client.server_requests("window/showMessageRequest")
}

/// Long enough for any run an event could still start.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(DEBOUNCE_MS + 700)).await;
}

async fn eventually(what: &str, check: impl Fn() -> bool) {
    within(what, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
}

async fn run_hook(client: &Client, name: &str) -> Result<Value, Value> {
    client
        .request("workspace/executeCommand", json!({"command": "specwright.hook.run", "arguments": [{"name": name}]}))
        .await
}

#[tokio::test]
async fn the_server_asks_once_before_a_hook_runs_and_not_now_runs_nothing() {
    let ws = workspace("trust-not-now");
    let client = start(&ws, true, Some("Not now")).await;

    // The hook fires from the watcher registered for its pattern.
    let registrations = client.server_requests("client/registerCapability");
    let hook_watchers: Vec<Value> = registrations
        .iter()
        .flat_map(|r| r["registrations"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["id"] == "specwright-watch-hooks")
        .collect();
    assert_eq!(hook_watchers.len(), 1, "{registrations:#?}");
    assert_eq!(
        hook_watchers[0]["registerOptions"]["watchers"],
        json!([{"globPattern": "**/*.go", "kind": 2}]),
        "one change watcher for the hook's pattern"
    );

    changed_on_disk(&client, &ws, "main.go", "package main // 1\n").await;
    client
        .wait_until("the question", |inbox| {
            inbox.server_requests.iter().any(|(m, _)| m == "window/showMessageRequest").then_some(())
        })
        .await;
    let question = &questions(&client)[0];
    let message = question["message"].as_str().expect("message");
    assert!(message.contains("'Mark'") && message.contains("`echo $SPECWRIGHT_HOOK_FILE >> marks.txt`"), "{message}");
    assert!(message.contains(".kiro/hooks/mark.kiro.hook"), "{message}");
    let titles: Vec<&str> =
        question["actions"].as_array().expect("actions").iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(titles, ["Trust and run", "Not now", "Never for this workspace"]);

    changed_on_disk(&client, &ws, "main.go", "package main // 2\n").await;
    changed_on_disk(&client, &ws, "other.go", "package main // 2\n").await;
    settle().await;
    assert!(marks(&ws).is_empty(), "'Not now' runs nothing");
    assert!(client.notifications("specwright/hookResult").is_empty());
    assert_eq!(questions(&client).len(), 1, "asked once per session");
    assert!(!client.data_dir().join("trust.json").exists(), "'Not now' records nothing");
}

#[tokio::test]
async fn trust_and_run_runs_is_recorded_outside_the_workspace_and_is_asked_again_after_a_change() {
    let ws = workspace("trust-run");
    let client = start(&ws, true, Some("Trust and run")).await;
    changed_on_disk(&client, &ws, "main.go", "package main // 1\n").await;
    eventually("the hook ran once trusted", || marks(&ws) == ["main.go"]).await;
    let record = std::fs::read_to_string(client.data_dir().join("trust.json")).expect("the trust record");
    assert!(record.contains(".kiro/hooks/mark.kiro.hook") && record.contains("sha256:"), "{record}");
    assert!(!ws.path(".specwright").exists() && !ws.read(".kiro/hooks/mark.kiro.hook").contains("trust"));

    // A save the editor reports twice (didSave and the watcher) runs once.
    // (After the run has ended and the loop guard's clock slack has passed,
    // so that the write is not taken for the hook's own.)
    client
        .wait_until("the result", |inbox| {
            inbox.notifications.iter().any(|(m, _)| m == "specwright/hookResult").then_some(())
        })
        .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    ws.write("main.go", "package main // 2\n");
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": ws.uri("main.go")}})).await;
    settle().await;
    client.did_change_watched(&[(&ws.uri("main.go"), 2)]).await;
    settle().await;
    assert_eq!(marks(&ws), ["main.go", "main.go"], "one run for the save, none for its echo");
    assert_eq!(questions(&client).len(), 1, "trusted: no second question");

    // The hook file changes: the new command needs trust again.
    client.set_message_answer(Some("Not now"));
    changed_on_disk(&client, &ws, ".kiro/hooks/mark.kiro.hook", &mark_hook("echo changed >> marks.txt")).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    changed_on_disk(&client, &ws, "other.go", "package main // 3\n").await;
    client
        .wait_until("a new question", |inbox| {
            (inbox.server_requests.iter().filter(|(m, _)| m == "window/showMessageRequest").count() == 2).then_some(())
        })
        .await;
    assert!(questions(&client)[1]["message"].as_str().is_some_and(|m| m.contains("echo changed")));
    settle().await;
    assert_eq!(marks(&ws).len(), 2, "the changed hook did not run");
}

#[tokio::test]
async fn never_for_this_workspace_is_recorded_and_silences_the_question() {
    let ws = workspace("trust-never");
    let client = start(&ws, true, Some("Never for this workspace")).await;
    changed_on_disk(&client, &ws, "main.go", "package main // 1\n").await;
    client
        .wait_until("the question", |inbox| {
            inbox.server_requests.iter().any(|(m, _)| m == "window/showMessageRequest").then_some(())
        })
        .await;
    settle().await;
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(client.data_dir().join("trust.json")).expect("record"))
            .expect("json");
    let workspace = record["workspaces"].as_object().and_then(|w| w.values().next()).expect("one workspace").clone();
    assert_eq!(workspace["never"], true, "{record}");

    // No more questions, no runs; a run by hand says why.
    client.set_message_answer(Some("Trust and run"));
    changed_on_disk(&client, &ws, "main.go", "package main // 2\n").await;
    settle().await;
    assert!(marks(&ws).is_empty(), "{:?}", marks(&ws));
    let error = run_hook(&client, "Mark").await.expect_err("refused");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("never run in this workspace")), "{error}");
    assert_eq!(questions(&client).len(), 1, "never asked again");
    assert!(marks(&ws).is_empty());
}

#[tokio::test]
async fn a_client_that_cannot_be_asked_is_told_how_to_trust_and_the_trust_command_works() {
    let ws = workspace("trust-cannot-ask");
    let client = start(&ws, false, None).await;
    changed_on_disk(&client, &ws, "main.go", "package main // 1\n").await;
    let told = client
        .wait_until("an explanation", |inbox| {
            inbox.notifications.iter().filter(|(m, _)| m == "window/showMessage").find_map(|(_, p)| {
                p["message"].as_str().filter(|m| m.contains("specwright hooks trust")).map(str::to_string)
            })
        })
        .await;
    assert!(told.contains("'Mark'") && told.contains("did not run"), "{told}");
    assert!(questions(&client).is_empty(), "a client without showMessageRequest is not asked");
    settle().await;
    assert!(marks(&ws).is_empty());

    // By hand: refused, with the reason.
    let error = run_hook(&client, "Mark").await.expect_err("refused");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("not trusted")), "{error}");
    assert!(marks(&ws).is_empty());

    // The built-in analyzer needs no trust.
    let result = run_hook(&client, "Secrets").await.expect("built-ins run");
    assert_eq!(result["ok"], true, "{result}");

    // specwright.hooks.trust trusts the workspace's hook files as they are.
    let trusted = client.trust_hooks().await;
    let files: Vec<&str> = trusted["trusted"].as_array().expect("trusted").iter().filter_map(Value::as_str).collect();
    assert!(files.iter().any(|f| f.ends_with(".kiro/hooks/mark.kiro.hook")), "{trusted}");
    assert!(trusted["record"].as_str().is_some_and(|r| r.starts_with(client.data_dir().to_str().expect("utf-8"))));
    changed_on_disk(&client, &ws, "main.go", "package main // 2\n").await;
    eventually("the trusted hook ran", || marks(&ws) == ["main.go"]).await;
    let result = run_hook(&client, "Mark").await.expect("runs by hand");
    assert_eq!(result["ok"], true, "{result}");
}

#[tokio::test]
async fn manual_runs_obey_the_enabled_setting() {
    let ws = workspace("trust-disabled");
    let client = start(&ws, true, Some("Trust and run")).await;
    client
        .notify("workspace/didChangeConfiguration", json!({"settings": {"specwright": {"hooks": {"enabled": false}}}}))
        .await;
    let error = run_hook(&client, "Mark").await.expect_err("hooks are off");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("specwright.hooks.enabled")), "{error}");
    assert!(questions(&client).is_empty(), "nothing asked while hooks are off");
    assert!(marks(&ws).is_empty());
}

#[tokio::test]
async fn events_waiting_for_one_answer_share_one_question() {
    let ws = workspace("trust-shared");
    let client = start(&ws, true, Some("Trust and run")).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    ws.write("main.go", "package main // 1\n");
    ws.write("other.go", "package main // 1\n");
    client.did_change_watched(&[(&ws.uri("main.go"), 2), (&ws.uri("other.go"), 2)]).await;
    eventually("both files' runs", || marks(&ws).len() == 2).await;
    let mut seen = marks(&ws);
    seen.sort();
    assert_eq!(seen, ["main.go", "other.go"]);
    assert_eq!(questions(&client).len(), 1, "one question for both runs");
}

fn hook_watcher_registrations(inbox: &Inbox) -> Vec<Value> {
    inbox
        .server_requests
        .iter()
        .filter(|(method, _)| method == "client/registerCapability")
        .flat_map(|(_, r)| r["registrations"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["id"] == "specwright-watch-hooks")
        .collect()
}

#[tokio::test]
async fn hook_watchers_follow_the_hook_files_and_use_relative_patterns_when_the_client_can() {
    let ws = TempWorkspace::new("hook-watchers");
    ws.write(
        ".kiro/hooks/style.kiro.hook",
        &json!({"name": "Style", "when": {"type": "fileEdited", "patterns": ["src/**/*.css"]},
                "then": {"type": "runCommand", "command": "true"}})
        .to_string(),
    );
    let client = Client::in_process();
    let relative = json!({"workspace": {"didChangeWatchedFiles": {"relativePatternSupport": true}}});
    client.initialize_with_capabilities(&[&ws.root], Value::Null, true, relative).await;
    let first =
        client.wait_until("the hooks' watchers", |inbox| hook_watcher_registrations(inbox).first().cloned()).await;
    assert_eq!(
        first["registerOptions"]["watchers"],
        json!([{"globPattern": {"baseUri": uri(&ws.root), "pattern": "src/**/*.css"}, "kind": 2}]),
        "a pattern relative to its folder"
    );

    // The hook file changes its pattern: the old watchers go, the new ones come.
    ws.write(
        ".kiro/hooks/style.kiro.hook",
        &json!({"name": "Style", "when": {"type": "fileEdited", "patterns": ["**/*.yaml"]},
                "then": {"type": "runCommand", "command": "true"}})
        .to_string(),
    );
    client.did_change_watched(&[(&ws.uri(".kiro/hooks/style.kiro.hook"), 2)]).await;
    let second = client
        .wait_until("new watchers", |inbox| {
            let all = hook_watcher_registrations(inbox);
            (all.len() == 2).then(|| all[1].clone())
        })
        .await;
    assert_eq!(second["registerOptions"]["watchers"], json!([{"globPattern": "**/*.yaml", "kind": 2}]));
    let unregistered: Vec<Value> = client
        .server_requests("client/unregisterCapability")
        .iter()
        .flat_map(|r| r["unregisterations"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(unregistered.len(), 1, "the old watchers were dropped: {unregistered:?}");
    assert_eq!(unregistered[0]["id"], "specwright-watch-hooks");
}
