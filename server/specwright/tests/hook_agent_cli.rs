//! `specwright hooks run NAME` for an `askAgent` hook, through the real
//! binary against the scripted model server: the hook's agent has the
//! agent's tools; with `--autopilot` its edit lands on disk (atomically)
//! and the output lists the tool it called; without it the file is
//! unchanged and the output says the edit was refused.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::json;
use specwright_testkit::{Reply, ScriptedServer};

const README: &str = "# Project\n\nA tool.\n";

/// A workspace with a README and a `fileEdited` agent hook on it, and a
/// data folder of its own.
fn workspace(label: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("specwright-hook-agent-{label}-{}", std::process::id()));
    let data = root.with_extension("data");
    for dir in [&root, &data] {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).expect("dir");
    }
    std::fs::create_dir_all(root.join(".kiro/hooks")).expect("hooks dir");
    let hook = json!({
        "name": "Usage",
        "version": "1",
        "when": {"type": "fileEdited", "patterns": ["README.md"]},
        "then": {"type": "askAgent", "prompt": "Add a usage section to the README."}
    });
    std::fs::write(root.join(".kiro/hooks/usage.kiro.hook"), hook.to_string()).expect("hook");
    std::fs::write(root.join("README.md"), README).expect("readme");
    (root, data)
}

fn script() -> Vec<Reply> {
    vec![
        Reply::tool_call(
            "e1",
            "edit_file",
            json!({"path": "README.md", "old_str": "A tool.", "new_str": "A tool.\n\n## Usage\n\nRun it."}).to_string(),
        ),
        Reply::chunks(["Added ", "a usage section."]),
    ]
}

async fn run(root: &Path, data: &Path, server: &ScriptedServer, extra: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["hooks", "run", "Usage", "--file", "README.md", "--trust"])
        .args(extra)
        .arg("--dir")
        .arg(root)
        .env("SPECWRIGHT_PROVIDER", "anthropic")
        .env("SPECWRIGHT_BASE_URL", server.base_url())
        .env("SPECWRIGHT_MODEL", "test-model")
        .env("SPECWRIGHT_DATA_DIR", data)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("runs")
}

#[tokio::test]
async fn with_autopilot_the_hooks_agent_edits_the_file() {
    let (root, data) = workspace("autopilot");
    let server = ScriptedServer::start(script()).await.expect("server");
    let out = run(&root, &data, &server, &["--autopilot"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(root.join("README.md")).unwrap(),
        "# Project\n\nA tool.\n\n## Usage\n\nRun it.\n"
    );
    assert!(stdout.starts_with("Added a usage section.\n\nTools:\n✓ edit_file"), "{stdout}");
    let leftovers: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "README.md and .kiro, no temporary file: {leftovers:?}");

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the edit, then the answer");
    let first = &requests[0].raw_body;
    assert!(first.contains("Add a usage section to the README."), "the hook's prompt: {first}");
    assert!(first.contains("Event: fileEdited on `README.md`"), "the trigger and its file: {first}");
    assert!(first.contains("A tool."), "the file's text: {first}");
    assert!(first.contains("\"edit_file\""), "the tools were offered: {first}");
    assert!(requests[1].raw_body.contains("## Usage"), "the model saw the edit's result");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn without_autopilot_the_edit_is_refused_and_the_file_unchanged() {
    let (root, data) = workspace("supervised");
    let server = ScriptedServer::start(script()).await.expect("server");
    let out = run(&root, &data, &server, &[]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the hook answered: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(root.join("README.md")).unwrap(), README);
    assert!(stdout.contains("Tools:\n✗ edit_file: refused: "), "{stdout}");
    assert!(stdout.contains("was not changed: edits need approval (run with --autopilot)"), "{stdout}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].raw_body.contains("edits need approval"), "the model read the refusal");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&data);
}
