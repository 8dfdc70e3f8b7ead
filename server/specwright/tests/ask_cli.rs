//! `specwright ask` through the real binary against the scripted model
//! server: the answer streams to stdout, tool calls are reported on stderr,
//! edits land only with --autopilot, and a path outside the workspace is
//! refused.

use std::path::PathBuf;
use std::process::Output;

use serde_json::json;
use specwright_testkit::{Reply, ScriptedServer};

fn temp(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-ask-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

async fn ask(dir: &PathBuf, server: &ScriptedServer, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .arg("ask")
        .args(args)
        .arg("--dir")
        .arg(dir)
        .env("SPECWRIGHT_PROVIDER", "openai")
        .env("SPECWRIGHT_BASE_URL", format!("{}/v1", server.base_url()))
        .env("SPECWRIGHT_MODEL", "cli-model")
        .output()
        .await
        .expect("runs")
}

fn edit_script() -> Vec<Reply> {
    vec![
        Reply::tool_call("c1", "read_file", json!({"path": "src/a.ts"}).to_string()),
        Reply::tool_call(
            "c2",
            "edit_file",
            json!({"path": "src/a.ts", "old_str": "a = 1", "new_str": "answer = 42"}).to_string(),
        ),
        Reply::tool_call("c3", "read_file", json!({"path": "../../etc/passwd"}).to_string()),
        Reply::chunks(["Renamed ", "it."]),
    ]
}

#[tokio::test]
async fn ask_with_autopilot_edits_and_answers() {
    let dir = temp("autopilot");
    std::fs::create_dir_all(dir.join("src")).expect("dir");
    std::fs::write(dir.join("src/a.ts"), "export const a = 1;\n").expect("write");
    let server = ScriptedServer::start(edit_script()).await.expect("server");
    let out = ask(&dir, &server, &["Rename a", "--autopilot"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Renamed it.");
    assert!(stderr.contains("▸ read_file") && stderr.contains("✓ edit_file"), "{stderr}");
    assert!(stderr.contains("✗ read_file: refused: ../../etc/passwd is outside the workspace"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("src/a.ts")).unwrap(), "export const answer = 42;\n");
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("src")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
}

#[tokio::test]
async fn ask_without_autopilot_changes_nothing() {
    let dir = temp("supervised");
    std::fs::create_dir_all(dir.join("src")).expect("dir");
    std::fs::write(dir.join("src/a.ts"), "export const a = 1;\n").expect("write");
    let server = ScriptedServer::start(edit_script()).await.expect("server");
    let out = ask(&dir, &server, &["Rename a"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--autopilot"), "the edit says why it was not applied");
    assert_eq!(std::fs::read_to_string(dir.join("src/a.ts")).unwrap(), "export const a = 1;\n");
}

#[tokio::test]
async fn ask_without_a_model_says_how_to_configure_one() {
    let dir = temp("nomodel");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["ask", "hello", "--dir"])
        .arg(&dir)
        .env_remove("SPECWRIGHT_PROVIDER")
        .output()
        .await
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SPECWRIGHT_PROVIDER"));
}
