//! `specwright task run` and `task run-all` through the binary, on small
//! real projects (a Rust crate with `cargo test`, a Python package with
//! pytest, JavaScript and TypeScript packages with node:test, the latter
//! compiled with tsc), against the scripted model server issuing tool calls. A task is ticked only when the server saw its
//! tests pass; a wrong implementation, a weakened test or a cancelled run
//! leaves it `[-]` (cancelled: as it was) with the files as the evidence
//! says.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};

const REQUIREMENTS: &str = "# Requirements Document\n\n## Introduction\n\nA calculator.\n\n## Requirements\n\n\
### Requirement 1\n\n**User Story:** As a user, I want to add and subtract, so that I can count.\n\n\
#### Acceptance Criteria\n\n1. WHEN two numbers are added THEN the calculator SHALL return their sum\n\
2. WHEN two numbers are subtracted THEN the calculator SHALL return their difference\n";

const TASKS: &str = "# Implementation Plan\n\n- [ ] 1. Implement add\n  - Return the sum of two numbers\n  - _Requirements: 1.1_\n\n\
- [ ] 2. Implement sub\n  - Return the difference\n  - _Requirements: 1.2_\n";

fn temp(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-task-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
    std::fs::write(path, text).expect("write");
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A project with the calculator spec.
fn project(label: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = temp(label);
    write(&root, ".kiro/specs/calc/requirements.md", REQUIREMENTS);
    write(&root, ".kiro/specs/calc/tasks.md", TASKS);
    for (rel, text) in files {
        write(&root, rel, text);
    }
    root
}

fn rust_project(label: &str) -> PathBuf {
    project(
        label,
        &[
            ("Cargo.toml", "[package]\nname = \"calc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n"),
            ("src/lib.rs", "pub fn add(a: i32, b: i32) -> i32 {\n    let _ = (a, b);\n    0\n}\n"),
            ("tests/add.rs", "#[test]\nfn adds_two_numbers() {\n    assert_eq!(calc::add(2, 3), 5);\n}\n"),
        ],
    )
}

fn python() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv-test/bin/python");
    assert!(
        venv.exists(),
        "pytest is needed: run scripts/setup-test-tools (scripts/test does) to create {}",
        venv.display()
    );
    venv
}

fn python_project(label: &str) -> PathBuf {
    project(
        label,
        &[
            ("calc.py", "def add(a, b):\n    return 0\n"),
            ("test_calc.py", "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"),
        ],
    )
}

async fn task(root: &Path, server: &ScriptedServer, args: &[&str]) -> Output {
    let data = root.with_extension("data");
    tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .arg("task")
        .args(args)
        .arg("--dir")
        .arg(root)
        .env("SPECWRIGHT_DATA_DIR", &data)
        .env("SPECWRIGHT_PROVIDER", "openai")
        .env("SPECWRIGHT_BASE_URL", format!("{}/v1", server.base_url()))
        .env("SPECWRIGHT_MODEL", "task-model")
        .env("CARGO_TARGET_DIR", root.join("target"))
        .output()
        .await
        .expect("runs")
}

fn edit(id: &str, path: &str, old: &str, new: &str) -> Reply {
    Reply::tool_call(id, "edit_file", json!({"path": path, "old_str": old, "new_str": new}).to_string())
}

fn json_out(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"].as_array().and_then(|c| c.iter().find(|c| c["name"] == name)).unwrap_or(&Value::Null)
}

#[tokio::test]
async fn a_rust_task_is_ticked_when_cargo_test_passes() {
    let root = rust_project("rust-pass");
    let server = ScriptedServer::start(vec![
        edit("c1", "src/lib.rs", "    let _ = (a, b);\n    0\n", "    a + b\n"),
        Reply::text("Implemented add."),
    ])
    .await
    .expect("server");
    let out = task(&root, &server, &["run", "calc", "1", "--autopilot", "--format", "json"]).await;
    let report = json_out(&out);
    assert!(out.status.success(), "{report:#}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(report["status"], "done", "{report:#}");
    assert_eq!(report["testCommand"], "cargo test");
    assert_eq!(report["tests"], json!({"ran": 1, "passed": 1, "failed": 0, "skipped": 0}), "{report:#}");
    assert_eq!(report["files"], json!(["src/lib.rs"]));
    assert!(read(&root, ".kiro/specs/calc/tasks.md").contains("- [x] 1. Implement add"));
    assert!(read(&root, ".kiro/specs/calc/tasks.md").contains("- [ ] 2. Implement sub"), "only that task");
    let meta: Value = serde_json::from_str(&read(&root, ".kiro/specs/calc/.tasks-meta.json")).expect("meta");
    assert_eq!(meta["tasks"]["1"]["status"], "done", "{meta}");
    // The agent saw the task, the criterion it cites, and how the tests run.
    let first = server.requests()[0].raw_body.clone();
    assert!(first.contains("Implement task 1") && first.contains("1.1: WHEN two numbers are added"), "{first}");
    assert!(first.contains("cargo test"), "{first}");
}

#[tokio::test]
async fn a_wrong_python_implementation_leaves_the_task_in_progress_with_the_output() {
    let root = python_project("python-wrong");
    let py = python();
    let server = ScriptedServer::start(vec![edit("c1", "calc.py", "return 0", "return a - b"), Reply::text("Done!")])
        .await
        .expect("server");
    let command = format!("{} -m pytest -q", py.display());
    let out =
        task(&root, &server, &["run", "calc", "1", "--autopilot", "--format", "json", "--test-command", &command])
            .await;
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json_out(&out);
    assert_eq!(report["status"], "evidence-failed", "{report:#}");
    assert_eq!(check(&report, "tests")["ok"], false, "{report:#}");
    assert_eq!(report["tests"]["failed"], 1, "{report:#}");
    assert!(report["outputTail"].as_str().is_some_and(|t| t.contains("1 failed")), "{report:#}");
    assert!(read(&root, ".kiro/specs/calc/tasks.md").contains("- [-] 1. Implement add"), "stays in progress");
}

#[tokio::test]
async fn a_weakened_python_test_blocks_the_tick_and_is_named() {
    let root = python_project("python-weak");
    let py = python();
    let server = ScriptedServer::start(vec![
        edit("c1", "test_calc.py", "assert add(2, 3) == 5", "assert True"),
        Reply::text("All tests pass now."),
    ])
    .await
    .expect("server");
    let command = format!("{} -m pytest -q", py.display());
    let out =
        task(&root, &server, &["run", "calc", "1", "--autopilot", "--format", "json", "--test-command", &command])
            .await;
    let report = json_out(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(report["status"], "evidence-failed");
    assert_eq!(check(&report, "tests")["ok"], true, "the weakened test passes: {report:#}");
    let kept = check(&report, "tests kept");
    assert_eq!(kept["ok"], false, "{report:#}");
    assert!(kept["detail"].as_str().is_some_and(|d| d.contains("test_add")), "{kept}");
    assert!(read(&root, ".kiro/specs/calc/tasks.md").contains("- [-] 1."));
}

#[tokio::test]
async fn a_javascript_task_needing_no_edit_is_ticked_by_node_test() {
    let root = project(
        "node-ready",
        &[
            ("package.json", "{\"name\": \"calc\", \"private\": true, \"scripts\": {\"test\": \"node --test\"}}\n"),
            ("add.js", "exports.add = (a, b) => a + b;\n"),
            (
                "test/add.test.js",
                "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../add.js');\n\ntest('adds', () => {\n  assert.strictEqual(add(2, 3), 5);\n});\n",
            ),
        ],
    );
    let server =
        ScriptedServer::start(vec![Reply::text("add already works; nothing to change.")]).await.expect("server");
    let out = task(&root, &server, &["run", "calc", "1", "--autopilot", "--format", "json"]).await;
    let report = json_out(&out);
    assert!(out.status.success(), "{report:#}");
    assert_eq!(report["testCommand"], "npm test");
    assert_eq!(report["tests"]["passed"], 1, "{report:#}");
    assert_eq!(report["files"], json!([]));
    assert!(read(&root, ".kiro/specs/calc/tasks.md").contains("- [x] 1."));
}

#[tokio::test]
async fn run_all_stops_at_the_first_task_whose_evidence_fails() {
    let root = python_project("python-all");
    write(
        &root,
        "test_calc.py",
        "from calc import add, sub\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_sub():\n    assert sub(5, 3) == 2\n",
    );
    write(&root, "calc.py", "def add(a, b):\n    return 0\n\n\ndef sub(a, b):\n    return 0\n");
    // Task 1's tests include test_sub, so task 1 needs both; task 2 never runs.
    let server = ScriptedServer::start(vec![
        edit("c1", "calc.py", "def add(a, b):\n    return 0", "def add(a, b):\n    return a + b"),
        Reply::text("Added."),
        Reply::text("Should not be asked."),
    ])
    .await
    .expect("server");
    let command = format!("{} -m pytest -q", python().display());
    let out =
        task(&root, &server, &["run-all", "calc", "--autopilot", "--format", "json", "--test-command", &command]).await;
    let report = json_out(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(report["passed"], false);
    let tasks = report["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 1, "stopped after the first: {report:#}");
    assert_eq!(tasks[0]["id"], "1");
    assert_eq!(server.requests().len(), 2, "task 2 never reached the model");
}

#[tokio::test]
async fn a_cancelled_run_puts_the_files_back() {
    let root = rust_project("rust-cancel");
    let before = read(&root, "src/lib.rs");
    let server = ScriptedServer::start(vec![
        edit("c1", "src/lib.rs", "    let _ = (a, b);\n    0\n", "    a + b\n"),
        Reply::Hang { ms: 30_000 },
    ])
    .await
    .expect("server");
    let data = root.with_extension("data");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["task", "run", "calc", "1", "--autopilot", "--format", "json", "--dir"])
        .arg(&root)
        .env("SPECWRIGHT_DATA_DIR", &data)
        .env("SPECWRIGHT_PROVIDER", "openai")
        .env("SPECWRIGHT_BASE_URL", format!("{}/v1", server.base_url()))
        .env("SPECWRIGHT_MODEL", "task-model")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait for the edit, then interrupt while the model hangs.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while read(&root, "src/lib.rs") == before {
        assert!(std::time::Instant::now() < deadline, "the edit never landed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = child.id().expect("pid");
    std::process::Command::new("kill").args(["-INT", &pid.to_string()]).status().expect("kill");
    let out = tokio::time::timeout(Duration::from_secs(20), async {
        let mut stdout = Vec::new();
        if let Some(mut s) = child.stdout.take() {
            use tokio::io::AsyncReadExt;
            let _ = s.read_to_end(&mut stdout).await;
        }
        (child.wait().await.expect("wait"), stdout)
    })
    .await
    .expect("the run ends promptly");
    let report: Value = serde_json::from_slice(&out.1).expect("json");
    assert_eq!(report["status"], "cancelled", "{report:#}");
    assert!(!out.0.success());
    assert_eq!(read(&root, "src/lib.rs"), before, "the file is as it was");
    assert!(read(&root, ".kiro/specs/calc/tasks.md").contains("- [ ] 1."), "the marker is as it was");
}

#[tokio::test]
async fn an_unknown_task_or_spec_is_a_usage_error() {
    let root = rust_project("rust-unknown");
    let server = ScriptedServer::start(vec![]).await.expect("server");
    let out = task(&root, &server, &["run", "calc", "9"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no task '9'"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = task(&root, &server, &["run", "../etc", "1"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn without_autopilot_and_without_a_terminal_edits_are_refused() {
    let root = python_project("python-supervised");
    let server = ScriptedServer::start(vec![edit("c1", "calc.py", "return 0", "return a + b"), Reply::text("Done.")])
        .await
        .expect("server");
    let command = format!("{} -m pytest -q", python().display());
    let out = task(&root, &server, &["run", "calc", "1", "--format", "json", "--test-command", &command]).await;
    let report = json_out(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(read(&root, "calc.py"), "def add(a, b):\n    return 0\n", "nothing written");
    assert!(server.requests()[1].raw_body.contains("--autopilot"), "the model was told why");
    assert_eq!(report["status"], "evidence-failed");
}

#[tokio::test]
async fn deleting_or_skipping_the_failing_test_blocks_the_tick_and_names_it() {
    let cases: [(&str, Reply, &str); 2] = [
        (
            "python-delete",
            Reply::tool_call("c1", "delete_file", json!({"path": "test_calc.py"}).to_string()),
            "test file deleted",
        ),
        (
            "python-skip",
            edit("c1", "test_calc.py", "def test_add():", "import pytest\n\n\n@pytest.mark.skip\ndef test_add():"),
            "test_add",
        ),
    ];
    for (label, cheat, named) in cases {
        let root = python_project(label);
        let server = ScriptedServer::start(vec![cheat, Reply::text("The tests pass.")]).await.expect("server");
        let command = format!("{} -m pytest -q", python().display());
        let out =
            task(&root, &server, &["run", "calc", "1", "--autopilot", "--format", "json", "--test-command", &command])
                .await;
        let report = json_out(&out);
        assert_eq!(out.status.code(), Some(1), "{label}: {report:#}");
        assert_eq!(check(&report, "tests")["ok"], false, "{label}: no test passed: {report:#}");
        let kept = check(&report, "tests kept");
        assert_eq!(kept["ok"], false, "{label}: {report:#}");
        assert!(kept["detail"].as_str().is_some_and(|d| d.contains(named)), "{label}: {kept}");
        assert!(read(&root, ".kiro/specs/calc/tasks.md").contains("- [-] 1."), "{label}");
    }
}

#[tokio::test]
async fn tasks_of_one_wave_run_together_but_their_test_runs_one_at_a_time() {
    let tasks = "# Implementation Plan\n\n- [ ] 1. Implement add\n  - _Requirements: 1.1_\n\n- [ ] 2. Implement sub\n  - _Requirements: 1.2_\n\n\
## Task Dependency Graph\n\n```json\n{\"waves\": [{\"id\": 0, \"tasks\": [\"1\", \"2\"]}]}\n```\n";
    let root = project(
        "node-wave",
        &[
            ("package.json", "{\"name\": \"calc\", \"private\": true, \"scripts\": {\"test\": \"node --test\"}}\n"),
            ("add.js", "exports.add = (a, b) => a + b;\n"),
            (
                "test/add.test.js",
                "const test = require('node:test');\nconst assert = require('node:assert');\ntest('adds', () => assert.strictEqual(require('../add.js').add(2, 3), 5));\n",
            ),
        ],
    );
    write(&root, ".kiro/specs/calc/tasks.md", tasks);
    let server = ScriptedServer::start(vec![Reply::text("Nothing to do."), Reply::text("Nothing to do.")])
        .await
        .expect("server");
    // Each test run notes its start and end: runs that overlapped would interleave.
    let command = "echo start >> runs.log && sleep 0.3 && echo end >> runs.log && node --test";
    let out = task(
        &root,
        &server,
        &["run-all", "calc", "--autopilot", "--format", "json", "--concurrency", "2", "--test-command", command],
    )
    .await;
    let report = json_out(&out);
    assert!(out.status.success(), "{report:#}");
    assert_eq!(report["tasks"].as_array().map(Vec::len), Some(2), "{report:#}");
    assert_eq!(read(&root, "runs.log"), "start\nend\nstart\nend\n");
    let tasks_md = read(&root, ".kiro/specs/calc/tasks.md");
    assert!(tasks_md.contains("- [x] 1.") && tasks_md.contains("- [x] 2."), "{tasks_md}");
}

fn typescript_bin() -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv-test/node/node_modules/.bin");
    assert!(
        bin.join("tsc").exists(),
        "the TypeScript compiler is needed: run scripts/setup-test-tools (scripts/test does) to install it into {}",
        bin.display()
    );
    bin
}

#[tokio::test]
async fn a_typescript_task_is_ticked_when_node_test_passes_on_the_compiled_tests() {
    let bin = typescript_bin();
    let root = project(
        "typescript",
        &[
            (
                "package.json",
                "{\"name\": \"calc\", \"private\": true, \"scripts\": {\"test\": \"tsc -p . && node --test dist/test/\"}}\n",
            ),
            (
                "tsconfig.json",
                "{\"compilerOptions\": {\"module\": \"commonjs\", \"target\": \"es2022\", \"outDir\": \"dist\", \"strict\": true, \"types\": [\"node\"], \"typeRoots\": [\"TYPES\"]}, \"include\": [\"src\", \"test\"]}\n",
            ),
            ("src/add.ts", "export function add(a: number, b: number): number {\n  return 0;\n}\n"),
            (
                "test/add.test.ts",
                "import { test } from 'node:test';\nimport * as assert from 'node:assert';\nimport { add } from '../src/add';\n\ntest('adds two numbers', () => {\n  assert.strictEqual(add(2, 3), 5);\n});\n",
            ),
        ],
    );
    // The compiler finds Node's types where the test tools were installed.
    let types = bin.join("../@types").canonicalize().expect("@types");
    let config = read(&root, "tsconfig.json").replace("TYPES", &types.to_string_lossy());
    write(&root, "tsconfig.json", &config);
    let server =
        ScriptedServer::start(vec![edit("c1", "src/add.ts", "return 0;", "return a + b;"), Reply::text("Done.")])
            .await
            .expect("server");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["task", "run", "calc", "1", "--autopilot", "--format", "json", "--dir"])
        .arg(&root)
        .env("PATH", path)
        .env("SPECWRIGHT_DATA_DIR", root.with_extension("data"))
        .env("SPECWRIGHT_PROVIDER", "openai")
        .env("SPECWRIGHT_BASE_URL", format!("{}/v1", server.base_url()))
        .env("SPECWRIGHT_MODEL", "task-model")
        .output()
        .await
        .expect("runs");
    let report = json_out(&out);
    assert!(out.status.success(), "{report:#}");
    assert_eq!(report["testCommand"], "npm test");
    assert_eq!(report["tests"]["passed"], 1, "{report:#}");
    assert!(read(&root, ".kiro/specs/calc/tasks.md").contains("- [x] 1."));
}
