//! `specwright-model-mock` as the editor tests will run it.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use common::{ANTHROPIC, OPENAI, post};
use serde_json::json;
use specwright_testkit::RecordedRequest;

const BIN: &str = env!("CARGO_BIN_EXE_specwright-model-mock");

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "specwright-testkit-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Kills the child when the test ends, passing or not.
struct Mock(Child);

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn mock_serves_a_script_file_and_records_requests() {
    let scratch = Scratch::new("mock");
    let script = scratch.0.join("script.json");
    let record = scratch.0.join("requests.jsonl");
    std::fs::write(&script, r##"[{"text": {"chunks": ["# Req", "uirements"], "delay_ms": 5}}, "overloaded"]"##)
        .unwrap();

    let mut child = Command::new(BIN)
        .args(["--port", "0", "--script"])
        .arg(&script)
        .arg("--record")
        .arg(&record)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _mock = Mock(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base_url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");

    let request = json!({"model": "claude-test", "stream": false});
    let response = post(&base_url, ANTHROPIC, &request).await;
    assert_eq!(response.json()["content"][0]["text"], "# Requirements");
    let response = post(&base_url, OPENAI, &request).await;
    assert_eq!(response.status, 503);
    let response = post(&base_url, OPENAI, &request).await;
    assert_eq!(response.status, 500);

    let recorded: Vec<RecordedRequest> =
        std::fs::read_to_string(&record).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[0].path, ANTHROPIC);
    assert_eq!(recorded[0].body, request);
    assert_eq!(recorded[1].path, OPENAI);
}

#[test]
fn mock_rejects_a_bad_script() {
    let scratch = Scratch::new("bad");
    let script = scratch.0.join("script.json");
    std::fs::write(&script, r#"[{"txet": {}}]"#).unwrap();
    let output = Command::new(BIN).args(["--port", "0", "--script"]).arg(&script).output().unwrap();

    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad script"));
}

#[test]
fn mock_requires_a_script() {
    let output = Command::new(BIN).args(["--port", "0"]).output().unwrap();

    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--script is required"));
}

/// `--help` documents the script format: every kind of reply is shown, and
/// every example in it is a reply the server accepts.
#[test]
fn help_documents_every_reply_with_examples_that_parse() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let help = String::from_utf8(out.stdout).unwrap();
    let mut examples: Vec<specwright_testkit::Reply> = Vec::new();
    let mut pending = String::new();
    for line in help.lines().map(str::trim) {
        if pending.is_empty() && !(line.starts_with("{\"") || line.starts_with('"')) {
            continue;
        }
        pending.push_str(line);
        if let Ok(reply) = serde_json::from_str(&pending) {
            examples.push(reply);
            pending.clear();
        } else if serde_json::from_str::<serde_json::Value>(&pending).is_ok() || pending.len() > 400 {
            panic!("an example that is JSON but not a reply: {pending}");
        }
    }
    let kinds: std::collections::BTreeSet<String> = examples
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Object(m) => m.keys().next().unwrap().clone(),
            other => panic!("{other}"),
        })
        .collect();
    let every =
        ["text", "tool_call", "status", "overloaded", "cut_after", "malformed_chunk", "stream_error", "hang", "raw"];
    assert_eq!(kinds, every.iter().map(|s| s.to_string()).collect(), "{help}");
    let example = help.lines().rev().find(|l| l.trim_start().starts_with('[')).expect("a whole script");
    let script: Vec<specwright_testkit::Reply> = serde_json::from_str(example.trim()).expect("the example parses");
    assert_eq!(script.len(), 2);
}
