//! `specwright mcp` driven by a real MCP client: the official Python SDK
//! (`mcp` on PyPI, installed into .venv-test by scripts/setup-test-tools)
//! starts the binary over stdio, lists its tools, reads `spec://`
//! resources, walks a spec's tasks, sets a status, is refused `done` in an
//! untrusted folder and when the tests fail, and gets `done` when pytest
//! passes. Then the same over streamable HTTP. `tests/mcp/client.py` prints
//! what it saw as JSON; the assertions are here.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use support::*;

const AWS_KEY: &str = "AKIAZ3MHQ7RT4KXW2PLE";

const REQUIREMENTS: &str = "# Requirements Document\n\n## Requirements\n\n### Requirement 1\n\n\
**User Story:** As a user, I want to add and subtract, so that I can count.\n\n#### Acceptance Criteria\n\n\
1. WHEN two numbers are added THEN the calculator SHALL return their sum\n\
2. WHEN a number is subtracted THEN the calculator SHALL return the difference\n";

fn python() -> PathBuf {
    venv_python("the MCP Python SDK and pytest are")
}

fn client_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py")
}

/// A Python project with a spec of two tasks: task 1's tests pass, task 2's fail.
fn workspace(python: &Path) -> TempWorkspace {
    let ws = TempWorkspace::new("mcp-server");
    let pytest = format!("{} -m pytest -q", python.display());
    ws.write(".kiro/specs/calc/requirements.md", REQUIREMENTS);
    ws.write(
        ".kiro/specs/calc/design.md",
        &format!("# Design\n\n## Overview\n\nA calculator. The deploy key is {AWS_KEY}.\n"),
    );
    ws.write(
        ".kiro/specs/calc/tasks.md",
        &format!(
            "# Implementation Plan\n\n- [ ] 1. Implement add\n  - Test: `{pytest} test_add.py`\n  - _Requirements: 1.1_\n\n\
             - [ ] 2. Implement sub\n  - Test: `{pytest} test_sub.py`\n  - _Requirements: 1.2_\n"
        ),
    );
    ws.write("calc.py", "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a + b\n");
    ws.write("test_add.py", "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n");
    ws.write("test_sub.py", "from calc import sub\n\n\ndef test_sub():\n    assert sub(5, 3) == 2\n");
    ws.write(".kiro/settings/mcp.json", r#"{"mcpServers": {"docs": {"command": "no-such-mcp-server-xyz"}}}"#);
    ws.write(
        ".kiro/steering/python.md",
        "---\ninclusion: fileMatch\nfileMatchPattern: \"*.py\"\n---\n\nUse type hints.\n",
    );
    ws
}

fn run_client(python: &Path, args: &[&str], data: &Path) -> Value {
    let out = Command::new(python)
        .arg(client_script())
        .args(args)
        .env("SPECWRIGHT_DATA_DIR", data)
        .env("SPECWRIGHT_CACHE_DIR", data.join("cache"))
        .env_remove("SPECWRIGHT_PROVIDER")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run the Python MCP client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the MCP client failed:\nstdout: {stdout}\nstderr: {stderr}");
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"))
}

fn text(v: &Value) -> &str {
    v["text"].as_str().unwrap_or_default()
}

#[test]
fn a_real_mcp_client_walks_the_tasks_and_done_needs_passing_tests() {
    let python = python();
    let ws = workspace(&python);
    let data = ws.root.with_extension("data");
    let root = ws.root.to_string_lossy().into_owned();
    let out = run_client(&python, &["stdio", env!("CARGO_BIN_EXE_specwright"), &root], &data);

    assert_eq!(out["server"], "specwright");
    let tools: Vec<&str> = out["tools"].as_array().expect("tools").iter().filter_map(Value::as_str).collect();
    assert_eq!(
        tools,
        [
            "check",
            "create_spec",
            "get_spec",
            "get_task",
            "list_specs",
            "next_task",
            "repo_map",
            "set_task_status",
            "steering_for"
        ]
    );
    assert_eq!(
        out["resources"],
        serde_json::json!(["spec://calc/design", "spec://calc/requirements", "spec://calc/tasks"])
    );
    assert!(out["tasksDoc"].as_str().expect("tasks").contains("- [ ] 1. Implement add"));
    let design = out["designDoc"].as_str().expect("design");
    assert!(!design.contains(AWS_KEY) && design.contains("<redacted:"), "secrets are redacted: {design}");
    assert!(out["badResource"].is_i64(), "a URI that leaves the specs is not found: {}", out["badResource"]);
    assert_eq!(out["prompts"], serde_json::json!(["implement-next-task", "review-spec"]));
    assert!(
        out["prompt"].as_str().expect("prompt").contains("Implement task 1 of the spec `calc`"),
        "{}",
        out["prompt"]
    );

    assert_eq!(out["listSpecs"]["structured"]["specs"][0]["name"], "calc");
    assert_eq!(out["next1"]["structured"]["task"]["id"], "1");
    let task1 = &out["task1"]["structured"];
    assert_eq!(task1["title"], "Implement add");
    assert!(task1["testCommand"].as_str().expect("test command").ends_with("-m pytest -q test_add.py"));
    assert_eq!(out["inProgress"]["structured"]["status"], "in-progress");
    assert_eq!(out["inProgress"]["structured"]["previous"], "not-started");

    // Untrusted: refused, and told how to trust.
    let untrusted = &out["doneUntrusted"];
    assert_eq!(untrusted["isError"], true, "{untrusted}");
    assert!(text(untrusted).contains("specwright hooks trust"), "{untrusted}");
    assert_eq!(out["trustExit"], 0);

    // Trusted, tests failing: refused with the output's end.
    let failing = &out["doneFailing"];
    assert_eq!(failing["isError"], true, "{failing}");
    assert_eq!(failing["structured"]["status"], "refused");
    assert!(text(failing).contains("1 test failed") && text(failing).contains("assert"), "{failing}");

    // Trusted, tests passing: done.
    let passing = &out["donePassing"];
    assert_eq!(passing["isError"], false, "{passing}");
    assert_eq!(passing["structured"]["status"], "done");
    assert_eq!(passing["structured"]["tests"]["passed"], 1);
    let tasks = ws.read(".kiro/specs/calc/tasks.md");
    assert!(tasks.contains("- [x] 1. Implement add") && tasks.contains("- [ ] 2. Implement sub"), "{tasks}");
    let meta: Value = serde_json::from_str(&ws.read(".kiro/specs/calc/.tasks-meta.json")).expect("meta");
    assert_eq!(meta["tasks"]["1"]["status"], "done");
    assert_eq!(out["next2"]["structured"]["task"]["id"], "2");

    assert_eq!(out["check"]["isError"], false);
    assert_eq!(out["check"]["structured"]["specs"][0]["name"], "calc");
    assert_eq!(out["check"]["structured"]["summary"]["mcp"], 0, "scoped to the spec: {}", out["check"]);
    // The whole report is the command line's: the MCP configuration's
    // diagnostics included.
    let all = &out["checkAll"]["structured"];
    assert_eq!(all["mcp"][0]["path"], ".kiro/settings/mcp.json", "{all}");
    let cli = Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["check", "--format", "json"])
        .arg(&ws.root)
        .output()
        .expect("run specwright check");
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("the check report");
    assert_eq!(all["mcp"], cli["mcp"]);
    assert_eq!(all["hooks"], cli["hooks"]);
    assert_eq!(all["steering"], cli["steering"]);
    let codes = |report: &Value| -> Vec<String> {
        report["diagnostics"].as_array().into_iter().flatten().map(|d| d["code"].to_string()).collect()
    };
    assert!(codes(all).contains(&"\"mcp-command-not-found\"".to_string()), "{all}");
    assert_eq!(codes(all), codes(&cli));
    assert_eq!(out["checkOutside"]["isError"], true, "{}", out["checkOutside"]);
    assert!(text(&out["checkOutside"]).contains("outside the workspace"));
    assert_eq!(out["escape"]["isError"], true);
    assert_eq!(out["steering"]["structured"]["steering"][0]["name"], ".kiro/steering/python.md");
    assert!(text(&out["repoMap"]).contains("calc.py"), "{}", out["repoMap"]);
    assert_eq!(out["createSpec"]["isError"], true);
    assert!(text(&out["createSpec"]).contains("SPECWRIGHT_PROVIDER"));
    assert!(out["unknownTool"]["protocolError"].is_i64(), "{}", out["unknownTool"]);
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn streamable_http_on_loopback() {
    let python = python();
    let ws = workspace(&python);
    let data = ws.root.with_extension("data");
    let refused = Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["mcp", "--http", "0.0.0.0:0", "--dir"])
        .arg(&ws.root)
        .output()
        .expect("run specwright");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("only loopback"));

    let mut server = Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["mcp", "serve", "--http", "127.0.0.1:0", "--dir"])
        .arg(&ws.root)
        .env("SPECWRIGHT_DATA_DIR", &data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start specwright mcp --http");
    let stderr = server.stderr.take().expect("stderr");
    let mut line = String::new();
    BufReader::new(stderr).read_line(&mut line).expect("read the listening line");
    let url = line.trim().rsplit(' ').next().unwrap_or_default().to_string();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/mcp"), "{line}");
    let out = run_client(&python, &["http", &url], &data);
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(out["server"], "specwright");
    assert_eq!(out["tools"].as_array().map(Vec::len), Some(9));
    assert!(out["tasksDoc"].as_str().expect("tasks").contains("Implement add"));
    assert_eq!(out["next"]["structured"]["task"]["id"], "1");
    let _ = std::fs::remove_dir_all(&data);
}
