//! The hook engine end to end, through the real `specwright` binary over
//! stdio: a `runCommand` hook fires on `didSave`, a burst of saves runs it
//! once, edits a hook makes never retrigger it, a timeout kills the command
//! with everything it started, shutdown kills running hooks, `askAgent`
//! reaches the scripted model server, manual hooks run from a code lens
//! command, and toggling edits only `enabled`.

#![cfg(unix)]

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

const DEBOUNCE_MS: u64 = 150;

fn hook_options() -> Value {
    json!({"specwright": {"hooks": {"debounceMs": DEBOUNCE_MS}}})
}

async fn start(ws: &TempWorkspace, options: Value) -> Client {
    let client = Client::spawn_binary();
    client.initialize_with(&[&ws.root], options, true).await;
    // The server has read the hook files once it published their diagnostics.
    client
        .wait_until("hook files loaded", |inbox| {
            inbox.diagnostics.keys().any(|u| u.contains(".kiro/hooks")).then_some(())
        })
        .await;
    // As a user does before a repository's hooks may run (tests/hooks_trust.rs
    // covers what happens before).
    client.trust_hooks().await;
    client
}

fn hook_results(client: &Client, name: &str) -> Vec<Value> {
    client.notifications("specwright/hookResult").into_iter().filter(|r| r["name"] == name).collect()
}

async fn wait_results(client: &Client, name: &str, n: usize) -> Vec<Value> {
    client
        .wait_until(&format!("{n} results of hook '{name}'"), |inbox| {
            let results: Vec<Value> = inbox
                .notifications
                .iter()
                .filter(|(m, p)| m == "specwright/hookResult" && p["name"] == name)
                .map(|(_, p)| p.clone())
                .collect();
            (results.len() >= n).then_some(results)
        })
        .await
}

/// Waits long enough for any run an event could still start (debounce plus
/// a generous margin for the command) and returns the results so far.
async fn settle(client: &Client, name: &str) -> Vec<Value> {
    tokio::time::sleep(Duration::from_millis(DEBOUNCE_MS + 1200)).await;
    hook_results(client, name)
}

async fn did_save(client: &Client, ws: &TempWorkspace, rel: &str) {
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": ws.uri(rel)}})).await;
}

fn legacy_hook(name: &str, when: &str, patterns: &[&str], command: &str, timeout: Option<u64>) -> String {
    let mut then = json!({"type": "runCommand", "command": command});
    if let Some(t) = timeout {
        then["timeout"] = json!(t);
    }
    serde_json::to_string_pretty(&json!({
        "enabled": true,
        "name": name,
        "description": "test hook",
        "version": "1",
        "when": {"type": when, "patterns": patterns},
        "then": then,
    }))
    .unwrap()
}

/// Polls `check` (a file-system condition no message announces) until it holds.
async fn eventually(what: &str, check: impl Fn() -> bool) {
    within(what, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await;
}

fn uri_of(path: &Path) -> String {
    support::uri(path)
}

fn client_messages(inbox: &Inbox) -> Vec<Value> {
    inbox.notifications.iter().filter(|(m, _)| m == "window/showMessage").map(|(_, p)| p.clone()).collect()
}

fn pid_alive(pid: &str) -> bool {
    Path::new("/proc").join(pid.trim()).exists()
}

#[tokio::test]
async fn run_command_hook_fires_on_save_and_reports() {
    let ws = TempWorkspace::new("hook-save");
    ws.write(
        ".kiro/hooks/log-saves.kiro.hook",
        &legacy_hook(
            "Log saves",
            "fileEdited",
            &["src/**/*.ts"],
            "echo \"saved $SPECWRIGHT_HOOK_FILE\" >> saves.log; echo ran; echo warn >&2",
            None,
        ),
    );
    ws.write("src/app/main.ts", "export const x = 1;\n");
    ws.write("README.md", "# readme\n");
    let client = start(&ws, hook_options()).await;

    // A file the patterns do not select fires nothing.
    did_save(&client, &ws, "README.md").await;
    did_save(&client, &ws, "src/app/main.ts").await;
    let results = wait_results(&client, "Log saves", 1).await;
    let r = &results[0];
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["trigger"], "fileEdited");
    assert_eq!(r["file"], "src/app/main.ts");
    assert_eq!(r["action"], "runCommand");
    assert_eq!(r["exitCode"], 0);
    let output = r["output"].as_str().unwrap();
    assert!(output.contains("ran") && output.contains("warn"), "stdout and stderr captured: {output:?}");
    assert!(r["hookFile"].as_str().unwrap().ends_with(".kiro/hooks/log-saves.kiro.hook"), "{r}");
    // The command ran in the workspace folder with the file in its environment.
    assert_eq!(ws.read("saves.log"), "saved src/app/main.ts\n");
    // The outcome was logged too.
    let logs = client.notifications("window/logMessage");
    assert!(
        logs.iter().any(|l| l["message"]
            .as_str()
            .is_some_and(|m| m.contains("Hook 'Log saves' (fileEdited on src/app/main.ts) succeeded"))),
        "{logs:#?}"
    );
    assert_eq!(settle(&client, "Log saves").await.len(), 1, "README.md must not fire the hook");
}

#[tokio::test]
async fn a_burst_of_saves_runs_the_hook_once() {
    let ws = TempWorkspace::new("hook-debounce");
    ws.write(
        ".kiro/hooks/count.kiro.hook",
        &legacy_hook("Count", "fileEdited", &["*.ts"], "echo run >> runs.log", None),
    );
    ws.write("a.ts", "let a = 1;\n");
    let client = start(&ws, hook_options()).await;
    for _ in 0..6 {
        did_save(&client, &ws, "a.ts").await;
        tokio::time::sleep(Duration::from_millis(DEBOUNCE_MS / 5)).await;
    }
    wait_results(&client, "Count", 1).await;
    assert_eq!(settle(&client, "Count").await.len(), 1, "six saves within the debounce window run the hook once");
    assert_eq!(ws.read("runs.log"), "run\n");

    // A save after the burst has settled runs it again.
    did_save(&client, &ws, "a.ts").await;
    wait_results(&client, "Count", 2).await;
    assert_eq!(ws.read("runs.log"), "run\nrun\n");
}

#[tokio::test]
async fn edits_a_hook_makes_never_retrigger_it() {
    let ws = TempWorkspace::new("hook-loop");
    // A v1 hook that appends to the very file whose save fires it.
    ws.write(
        ".kiro/hooks/hooks.json",
        &serde_json::to_string_pretty(&json!({"version": "v1", "hooks": [{
            "name": "Stamp notes",
            "trigger": "PostFileSave",
            "matcher": "notes\\.txt$",
            "action": {"type": "command", "command": "echo stamped >> notes.txt"},
        }, {
            "name": "Spawn files",
            "trigger": "FileCreate",
            "matcher": "^out/.*\\.txt$",
            "action": {"type": "command", "command": "touch out/next-$(date +%s%N).txt"},
        }]}))
        .unwrap(),
    );
    ws.write("notes.txt", "mine\n");
    ws.write("out/first.txt", "");
    let client = start(&ws, hook_options()).await;

    did_save(&client, &ws, "notes.txt").await;
    wait_results(&client, "Stamp notes", 1).await;
    assert_eq!(ws.read("notes.txt"), "mine\nstamped\n");
    // The editor reloads the changed file and saves it: the hook's own edit.
    did_save(&client, &ws, "notes.txt").await;
    assert_eq!(settle(&client, "Stamp notes").await.len(), 1, "the hook's own edit must not fire it again");

    // The user edits the file afterwards: that save fires it.
    ws.write("notes.txt", "mine\nstamped\nmore of mine\n");
    did_save(&client, &ws, "notes.txt").await;
    wait_results(&client, "Stamp notes", 2).await;

    // A created file fires "Spawn files", which creates another; that one
    // (reported by the watcher) does not fire it again.
    client.notify("workspace/didCreateFiles", json!({"files": [{"uri": ws.uri("out/first.txt")}]})).await;
    wait_results(&client, "Spawn files", 1).await;
    let spawned: Vec<String> = std::fs::read_dir(ws.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("next-"))
        .collect();
    assert_eq!(spawned.len(), 1, "{spawned:?}");
    let created = ws.uri(&format!("out/{}", spawned[0]));
    client.did_change_watched(&[(created.as_str(), 1)]).await;
    client.notify("workspace/didCreateFiles", json!({"files": [{"uri": created}]})).await;
    assert_eq!(settle(&client, "Spawn files").await.len(), 1, "a file the hook created must not fire it again");
}

#[tokio::test]
async fn a_timeout_kills_the_command_and_what_it_started() {
    let ws = TempWorkspace::new("hook-timeout");
    ws.write(
        ".kiro/hooks/slow.kiro.hook",
        &legacy_hook("Slow", "fileEdited", &["*.ts"], "sleep 60 & echo $! > child.pid; echo started; wait", Some(1)),
    );
    ws.write("a.ts", "let a = 1;\n");
    let client = start(&ws, hook_options()).await;
    let sent = std::time::Instant::now();
    did_save(&client, &ws, "a.ts").await;
    let results = wait_results(&client, "Slow", 1).await;
    let r = &results[0];
    assert!(sent.elapsed() < Duration::from_secs(10), "the 1 s timeout ended the run: {:?}", sent.elapsed());
    assert_eq!(r["ok"], false, "{r}");
    assert_eq!(r["timedOut"], true, "{r}");
    let output = r["output"].as_str().unwrap();
    assert!(output.contains("started") && output.contains("timed out after 1 s"), "{output:?}");
    let child = ws.read("child.pid");
    // The background `sleep` was in the command's process group: killed too.
    eventually("the command's child is gone", || !pid_alive(&child)).await;
    // A failure also shows a message.
    let shown = client
        .wait_until("the failure's message", |inbox| {
            inbox.notifications.iter().any(|(m, _)| m == "window/showMessage").then(|| client_messages(inbox))
        })
        .await;
    assert!(
        shown
            .iter()
            .any(|m| m["message"].as_str().is_some_and(|t| t.contains("Hook 'Slow'") && t.contains("timed out"))),
        "{shown:#?}"
    );
}

#[tokio::test]
async fn shutdown_kills_running_hooks() {
    let ws = TempWorkspace::new("hook-shutdown");
    ws.write(
        ".kiro/hooks/long.kiro.hook",
        &legacy_hook("Long", "fileEdited", &["*.ts"], "echo $$ > cmd.pid; sleep 60", None),
    );
    ws.write("a.ts", "let a = 1;\n");
    let mut client = start(&ws, hook_options()).await;
    did_save(&client, &ws, "a.ts").await;
    let pid_file = ws.path("cmd.pid");
    eventually("the hook started", || std::fs::read_to_string(&pid_file).is_ok_and(|s| s.ends_with('\n'))).await;
    let pid = ws.read("cmd.pid");
    assert!(pid_alive(&pid));
    client.shutdown_and_exit().await;
    let status = client.wait_exit(Duration::from_secs(5)).await;
    assert!(status.success(), "{status:?}");
    eventually("the hook's command is gone", || !pid_alive(&pid)).await;
}

#[tokio::test]
async fn a_failing_command_reports_its_exit_code() {
    let ws = TempWorkspace::new("hook-fail");
    ws.write(
        ".kiro/hooks/fail.kiro.hook",
        &legacy_hook("Fail", "fileCreated", &["**/*.md"], "echo 'lint: 2 problems'; exit 3", None),
    );
    ws.write("docs/new.md", "# new\n");
    let client = start(&ws, hook_options()).await;
    client.did_change_watched(&[(&ws.uri("docs/new.md"), 1)]).await;
    let r = &wait_results(&client, "Fail", 1).await[0];
    assert_eq!(r["ok"], false);
    assert_eq!(r["exitCode"], 3);
    assert_eq!(r["trigger"], "fileCreated");
    let shown = client
        .wait_until("the failure's message", |inbox| {
            inbox.notifications.iter().any(|(m, _)| m == "window/showMessage").then(|| client_messages(inbox))
        })
        .await;
    assert!(
        shown.iter().any(|m| m["type"] == 2
            && m["message"].as_str().is_some_and(|t| t.contains("failed (exit code 3): lint: 2 problems"))),
        "{shown:#?}"
    );
}

#[tokio::test]
async fn ask_agent_sends_prompt_and_file_to_the_model_and_shows_the_answer() {
    let model = ScriptedServer::start(vec![Reply::chunks(["Looks ", "fine, but ", "rename `x`."])])
        .await
        .expect("model server");
    let ws = TempWorkspace::new("hook-agent");
    ws.write(
        ".kiro/hooks/review.kiro.hook",
        &serde_json::to_string_pretty(&json!({
            "enabled": true, "name": "Review", "version": "1",
            "when": {"type": "fileEdited", "patterns": ["src/*.ts"]},
            "then": {"type": "askAgent", "prompt": "Review this file for naming problems."}
        }))
        .unwrap(),
    );
    ws.write("src/main.ts", "export const x = 1; // key: AKIAZ3MHQ7RT4KXW2PLE\n");
    let options = json!({"specwright": {
        "hooks": {"debounceMs": DEBOUNCE_MS},
        "model": {"provider": "anthropic", "model": "test-model", "baseUrl": model.base_url(), "maxRetries": 0, "timeoutSeconds": 10}
    }});
    let client = start(&ws, options).await;
    did_save(&client, &ws, "src/main.ts").await;
    let r = &wait_results(&client, "Review", 1).await[0];
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["action"], "askAgent");
    assert_eq!(r["output"], "Looks fine, but rename `x`.");

    let requests = model.requests();
    assert_eq!(requests.len(), 1);
    let body = &requests[0].raw_body;
    assert!(body.contains("Review this file for naming problems."), "the prompt reached the model: {body}");
    assert!(body.contains("export const x = 1;"), "the file reached the model: {body}");
    assert!(!body.contains("AKIAZ3MHQ7RT4KXW2PLE"), "a secret in the file is redacted before it leaves: {body}");

    // The answer is shown as a document outside the workspace.
    let shown = client
        .wait_until("the answer shown", |inbox| {
            let shown: Vec<Value> = inbox
                .server_requests
                .iter()
                .filter(|(m, _)| m == "window/showDocument")
                .map(|(_, p)| p.clone())
                .collect();
            (!shown.is_empty()).then_some(shown)
        })
        .await;
    assert_eq!(shown.len(), 1, "{shown:#?}");
    let path = path_of(shown[0]["uri"].as_str().unwrap());
    assert!(!path.starts_with(&ws.root));
    assert!(std::fs::read_to_string(&path).unwrap().contains("rename `x`"));
}

#[tokio::test]
async fn ask_agent_without_a_model_fails_with_a_clear_message() {
    let ws = TempWorkspace::new("hook-agent-none");
    ws.write(
        ".kiro/hooks/review.kiro.hook",
        r#"{"name": "Review", "version": "1", "when": {"type": "userTriggered"}, "then": {"type": "askAgent", "prompt": "Review."}}"#,
    );
    let client = start(&ws, hook_options()).await;
    let r = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.hook.run", "arguments": [{"name": "Review"}]}),
        )
        .await;
    assert_eq!(r["ok"], false);
    assert!(r["output"].as_str().unwrap().contains("no model is configured"), "{r}");
}

#[tokio::test]
async fn manual_hooks_run_from_a_code_lens_and_toggle_through_apply_edit() {
    let ws = TempWorkspace::new("hook-manual");
    let text = "{\n  \"enabled\": true,\n  \"name\": \"Greet\",\n  \"x-team\": \"kept\",\n  \"version\": \"1\",\n  \"when\": {\"type\": \"userTriggered\"},\n  \"then\": {\"type\": \"runCommand\", \"command\": \"echo hello from $SPECWRIGHT_HOOK_TRIGGER\"}\n}\n";
    ws.write(".kiro/hooks/greet.kiro.hook", text);
    ws.write("a.ts", "let a = 1;\n");
    let client = start(&ws, hook_options()).await;
    let uri = ws.uri(".kiro/hooks/greet.kiro.hook");

    // The hooks are listed for pickers.
    let listed = client.request_ok("specwright/hooks", json!({})).await;
    assert_eq!(
        listed["hooks"],
        json!([{"name": "Greet", "uri": uri, "line": 0, "root": uri_of(&ws.root), "enabled": true, "trigger": "userTriggered",
                "action": "runCommand", "detail": "echo hello from $SPECWRIGHT_HOOK_TRIGGER", "patterns": []}])
    );
    let lenses = client.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).await;
    let lenses = lenses.as_array().unwrap();
    let titles: Vec<&str> = lenses.iter().map(|l| l["command"]["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["▶ Run hook", "Disable hook"]);

    // The lens's command runs it.
    let run = &lenses[0]["command"];
    let r = client
        .request_ok("workspace/executeCommand", json!({"command": run["command"], "arguments": run["arguments"]}))
        .await;
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["output"], "hello from userTriggered\n");
    assert_eq!(r["trigger"], "userTriggered");
    wait_results(&client, "Greet", 1).await;

    // A manual hook does not fire on saves.
    did_save(&client, &ws, "a.ts").await;
    assert_eq!(settle(&client, "Greet").await.len(), 1);

    // The code action at the hook offers the same.
    let actions = client
        .request_ok(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(2, 4, 2, 4), "context": {"diagnostics": []}}),
        )
        .await;
    let action_titles: Vec<&str> = actions.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(action_titles, ["Run hook 'Greet'", "Disable hook 'Greet'", "Ask Specwright…"]);

    // Toggle: one edit replacing `true` with `false`, nothing else.
    let toggle = &lenses[1]["command"];
    let r = client
        .request_ok("workspace/executeCommand", json!({"command": toggle["command"], "arguments": toggle["arguments"]}))
        .await;
    assert_eq!(r, json!({"applied": true, "enabled": false}));
    let edits = client.server_requests("workspace/applyEdit");
    let edit = &edits.last().unwrap()["edit"]["documentChanges"][0]["edits"];
    assert_eq!(edit.as_array().unwrap().len(), 1);
    assert_eq!(edit[0]["newText"], "false");
    assert_eq!(range_tuple(&edit[0]["range"]), (1, 13, 1, 17));
    let after = apply_text_edits(text, edit.as_array().unwrap()).unwrap();
    assert_eq!(after, text.replace("\"enabled\": true", "\"enabled\": false"));

    // Unknown names are a clear error.
    let e = client
        .request_err(
            "workspace/executeCommand",
            json!({"command": "specwright.hook.run", "arguments": [{"name": "Nope"}]}),
        )
        .await;
    assert!(e["message"].as_str().unwrap().contains("no valid hook named 'Nope'"), "{e}");
}

#[tokio::test]
async fn the_secrets_builtin_runs_as_a_hook_action() {
    let ws = TempWorkspace::new("hook-builtin");
    ws.write(
        ".kiro/hooks/secrets.kiro.hook",
        &legacy_hook("Secrets", "fileEdited", &["**/*.ts"], "specwright:secrets", None),
    );
    ws.write("src/config.ts", "export const token = \"ghp_R4nD0mT0k3nV4lu3Xq9Zb8Yc7Wd6Ve5Uf4Tg\";\n");
    ws.write("src/clean.ts", "export const n = 1;\n");
    let client = start(&ws, hook_options()).await;
    did_save(&client, &ws, "src/config.ts").await;
    let r = &wait_results(&client, "Secrets", 1).await[0];
    assert_eq!(r["ok"], false, "{r}");
    assert_eq!(r["action"], "builtin");
    let output = r["output"].as_str().unwrap();
    assert!(output.contains("src/config.ts:1:23: possible secret [github-pat]"), "{output}");
    assert!(!output.contains("R4nD0mT0k3n"), "never the secret itself: {output}");
    did_save(&client, &ws, "src/clean.ts").await;
    let r = &wait_results(&client, "Secrets", 2).await[1];
    assert_eq!(r["ok"], true, "{r}");
}

#[tokio::test]
async fn hooks_can_be_switched_off_in_settings() {
    let ws = TempWorkspace::new("hook-off");
    ws.write(
        ".kiro/hooks/count.kiro.hook",
        &legacy_hook("Count", "fileEdited", &["*.ts"], "echo run >> runs.log", None),
    );
    ws.write("a.ts", "let a = 1;\n");
    let client = start(&ws, json!({"specwright": {"hooks": {"enabled": false, "debounceMs": DEBOUNCE_MS}}})).await;
    did_save(&client, &ws, "a.ts").await;
    assert!(settle(&client, "Count").await.is_empty());
    assert!(!ws.path("runs.log").exists());
}
