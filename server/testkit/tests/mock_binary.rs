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
