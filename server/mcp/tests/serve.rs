//! `SpecServer`, the MCP server's behaviour, without the SDK: tools,
//! resources and prompts over a small workspace; confinement; redaction;
//! and `done` only on passing tests in a trusted folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Map, Value, json};
use specwright_hooks::trust::TrustStore;
use specwright_mcp::serve::{CallError, ServeConfig, SpecServer, ToolOutput};
use specwright_models::CancellationToken;

const AWS_KEY: &str = "AKIAZ3MHQ7RT4KXW2PLE";

const REQUIREMENTS: &str = "# Requirements Document\n\n## Requirements\n\n### Requirement 1\n\n\
**User Story:** As a user, I want to add, so that I can count.\n\n#### Acceptance Criteria\n\n\
1. WHEN two numbers are added THEN the calculator SHALL return their sum\n";

/// Task 1's test passes (a cargo-style summary, exit 0); task 2's fails.
const TASKS: &str = "# Implementation Plan\n\n\
- [ ] 1. Implement add\n  - Test: `echo 'test result: ok. 2 passed; 0 failed; 0 ignored'`\n  - _Requirements: 1.1_\n\
- [ ] 2. Implement sub\n  - Test: `echo 'test result: FAILED. 1 passed; 1 failed; 0 ignored'; exit 101`\n\
  - _Requirements: 1.1_\n";

struct Fixture {
    root: PathBuf,
    data: PathBuf,
}

impl Fixture {
    fn new(label: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir().join(format!(
            "specwright-mcp-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&base);
        let root = base.join("ws");
        let data = base.join("data");
        std::fs::create_dir_all(&root).expect("workspace");
        std::fs::create_dir_all(&data).expect("data");
        let f = Fixture { root: root.canonicalize().expect("canonical"), data };
        f.write(".kiro/specs/calc/requirements.md", REQUIREMENTS);
        f.write(".kiro/specs/calc/design.md", &format!("# Design\n\n## Overview\n\nKey: {AWS_KEY}\n"));
        f.write(".kiro/specs/calc/tasks.md", TASKS);
        f.write("src/calc.py", "def add(a, b):\n    return a + b\n");
        f
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(path, text).expect("write");
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("read")
    }

    fn trust(&self) -> TrustStore {
        TrustStore::in_dir(&self.data)
    }

    fn server(&self) -> SpecServer {
        self.server_with_env(|_| None)
    }

    fn server_with_env(&self, env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> SpecServer {
        SpecServer::new(ServeConfig {
            root: self.root.clone(),
            test_timeout: Duration::from_secs(30),
            env: Arc::new(env),
            trust: Some(self.trust()),
            index_cache: false,
            check: Some(Arc::new(fake_check_report)),
        })
        .expect("server")
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(base) = self.root.parent() {
            let _ = std::fs::remove_dir_all(base);
        }
    }
}

async fn call(server: &SpecServer, name: &str, args: Value) -> ToolOutput {
    server.call(name, args, CancellationToken::new()).await.expect("a known tool")
}

fn ok(out: &ToolOutput) -> &Value {
    assert!(!out.is_error, "the tool failed: {}", out.text);
    out.structured.as_ref().expect("structured content")
}

#[tokio::test]
async fn tools_are_listed_with_object_schemas() {
    let f = Fixture::new("tools");
    let tools = f.server().tools();
    let names: Vec<&str> = tools.iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            "list_specs",
            "get_spec",
            "get_task",
            "next_task",
            "set_task_status",
            "check",
            "repo_map",
            "steering_for",
            "create_spec"
        ]
    );
    for t in &tools {
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
    }
    let writers: Vec<&str> = tools.iter().filter(|t| !t.read_only).map(|t| t.name).collect();
    assert_eq!(writers, ["set_task_status", "create_spec"]);
    assert!(matches!(f.server().call("nope", json!({}), CancellationToken::new()).await, Err(CallError::NotFound(_))));
}

#[tokio::test]
async fn specs_and_tasks_are_read_and_redacted() {
    let f = Fixture::new("read");
    let server = f.server();
    let list = call(&server, "list_specs", json!({})).await;
    let list = ok(&list);
    assert_eq!(list["specs"][0]["name"], "calc");
    assert_eq!(list["specs"][0]["documents"], json!(["requirements", "design", "tasks"]));
    assert_eq!(list["specs"][0]["nextTask"], "1");

    let spec = call(&server, "get_spec", json!({"spec": "calc"})).await;
    assert!(!spec.text.contains(AWS_KEY), "the text is redacted");
    let spec = ok(&spec);
    assert!(spec["documents"]["design"].as_str().expect("design").contains("<redacted:aws-access-key-id>"));
    assert_eq!(spec["tasks"][1]["id"], "2");
    assert_eq!(spec["tasks"][1]["status"], "not-started");

    let task = call(&server, "get_task", json!({"spec": "calc", "id": "2"})).await;
    let task = ok(&task);
    assert_eq!(task["title"], "Implement sub");
    assert!(task["testCommand"].as_str().expect("command").contains("exit 101"));
    let brief = task["brief"].as_str().expect("brief");
    assert!(brief.contains("1.1: WHEN two numbers are added"), "{brief}");
    assert!(!brief.contains("run_command"), "another agent has its own tools: {brief}");

    let next = call(&server, "next_task", json!({"spec": "calc"})).await;
    assert_eq!(ok(&next)["task"]["id"], "1");

    let missing = call(&server, "get_task", json!({"spec": "calc", "id": "9"})).await;
    assert!(missing.is_error && missing.text.contains("its tasks: 1, 2"), "{}", missing.text);
    let no_args = call(&server, "get_task", json!({})).await;
    assert!(no_args.is_error && no_args.text.contains("`spec`"), "{}", no_args.text);
}

#[tokio::test]
async fn resources_are_the_spec_documents() {
    let f = Fixture::new("resources");
    let server = f.server();
    let uris: Vec<String> = server.resources().into_iter().map(|r| r.uri).collect();
    assert_eq!(uris, ["spec://calc/requirements", "spec://calc/design", "spec://calc/tasks"]);
    let design = server.read("spec://calc/design").expect("design");
    assert_eq!(design.mime_type, "text/markdown");
    assert!(!design.text.contains(AWS_KEY) && design.text.contains("<redacted:"));
    for bad in ["spec://calc/config", "spec://../calc/tasks", "spec://calc", "file:///etc/passwd", "spec://x/tasks"] {
        assert!(matches!(server.read(bad), Err(CallError::NotFound(_))), "{bad}");
    }
}

#[tokio::test]
async fn prompts_carry_the_next_task_and_the_spec() {
    let f = Fixture::new("prompts");
    let server = f.server();
    let names: Vec<&str> = server.prompts().iter().map(|p| p.name).collect();
    assert_eq!(names, ["implement-next-task", "review-spec"]);
    let args: Map<String, Value> = [("spec".to_string(), json!("calc"))].into_iter().collect();
    let next = server.prompt("implement-next-task", &args).expect("prompt");
    assert!(next.text.contains("Implement task 1 of the spec `calc`") && next.text.contains("set_task_status"));
    let review = server.prompt("review-spec", &args).expect("prompt");
    assert!(review.text.contains("## tasks (tasks.md)") && !review.text.contains(AWS_KEY));
    assert!(matches!(server.prompt("review-spec", &Map::new()), Err(CallError::InvalidParams(_))));
    assert!(matches!(server.prompt("nope", &args), Err(CallError::NotFound(_))));
}

#[tokio::test]
async fn other_statuses_change_only_the_marker() {
    let f = Fixture::new("status");
    let server = f.server();
    let out = call(&server, "set_task_status", json!({"spec": "calc", "id": "2", "status": "in-progress"})).await;
    assert_eq!(ok(&out)["previous"], "not-started");
    assert_eq!(f.read(".kiro/specs/calc/tasks.md"), TASKS.replace("- [ ] 2.", "- [-] 2."));
    let meta: Value = serde_json::from_str(&f.read(".kiro/specs/calc/.tasks-meta.json")).expect("meta");
    assert_eq!(meta["tasks"]["2"]["status"], "in-progress");
    let bad = call(&server, "set_task_status", json!({"spec": "calc", "id": "2", "status": "finished!"})).await;
    assert!(bad.is_error && bad.text.contains("unknown status"));
    // No temporary files are left beside the spec.
    let leftovers: Vec<String> = std::fs::read_dir(f.root.join(".kiro/specs/calc"))
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn done_needs_a_trusted_folder_and_passing_tests() {
    let f = Fixture::new("done");
    let server = f.server();
    let done = |id: &str| json!({"spec": "calc", "id": id, "status": "done"});

    let untrusted = call(&server, "set_task_status", done("1")).await;
    assert!(untrusted.is_error, "{}", untrusted.text);
    assert!(untrusted.text.contains("is not trusted") && untrusted.text.contains("specwright hooks trust"));
    assert_eq!(f.read(".kiro/specs/calc/tasks.md"), TASKS, "nothing changed");

    f.trust().trust_folder(&f.root, &[]).expect("trust");
    let failing = call(&server, "set_task_status", done("2")).await;
    assert!(failing.is_error, "{}", failing.text);
    assert!(failing.text.contains("1 test failed") && failing.text.contains("test result: FAILED"), "{}", failing.text);
    let refused = failing.structured.as_ref().expect("structured");
    assert_eq!(refused["status"], "refused");
    assert_eq!(refused["tests"]["failed"], 1);
    assert_eq!(f.read(".kiro/specs/calc/tasks.md"), TASKS, "a refusal changes nothing");

    let passing = call(&server, "set_task_status", done("1")).await;
    let passing = ok(&passing);
    assert_eq!(passing["status"], "done");
    assert_eq!(passing["tests"]["passed"], 2);
    assert_eq!(f.read(".kiro/specs/calc/tasks.md"), TASKS.replace("- [ ] 1.", "- [x] 1."));
}

#[tokio::test]
async fn done_without_a_test_command_is_refused() {
    let f = Fixture::new("no-command");
    f.write(".kiro/specs/calc/tasks.md", "# Plan\n\n- [ ] 1. Something\n");
    f.trust().trust_folder(&f.root, &[]).expect("trust");
    let out = call(&f.server(), "set_task_status", json!({"spec": "calc", "id": "1", "status": "done"})).await;
    assert!(out.is_error && out.text.contains("no test command"), "{}", out.text);
}

#[tokio::test]
async fn paths_stay_inside_the_workspace() {
    let f = Fixture::new("confine");
    let outside = f.root.parent().expect("base").join("outside");
    std::fs::create_dir_all(outside.join("spec")).expect("outside");
    std::fs::write(outside.join("spec/tasks.md"), "- [ ] 1. Leak\n").expect("write");
    std::fs::write(outside.join("secret.md"), "# Secret\n").expect("write");
    std::os::unix::fs::symlink(outside.join("spec"), f.root.join(".kiro/specs/linked")).expect("symlink");
    f.write(".kiro/specs/sneaky/requirements.md", REQUIREMENTS);
    std::os::unix::fs::symlink(outside.join("secret.md"), f.root.join(".kiro/specs/sneaky/design.md"))
        .expect("symlink");
    std::os::unix::fs::symlink(&outside, f.root.join("out")).expect("symlink");
    let server = f.server();

    for spec in ["../../outside/spec", "linked", "sneaky", "/etc", ""] {
        let out = call(&server, "get_spec", json!({"spec": spec})).await;
        assert!(out.is_error, "{spec}: {}", out.text);
    }
    let listed: Vec<Value> =
        ok(&call(&server, "list_specs", json!({})).await)["specs"].as_array().expect("specs").clone();
    assert!(listed.iter().all(|s| s["name"] != "linked"), "{listed:?}");
    assert!(server.read("spec://sneaky/design").is_err());
    assert!(server.read("spec://linked/tasks").is_err());

    for path in ["..", "/etc", "out", "out/secret.md", "does-not-exist"] {
        let out = call(&server, "check", json!({"path": path})).await;
        assert!(out.is_error, "{path}: {}", out.text);
    }
    let scoped = call(&server, "check", json!({"path": ".kiro/specs/calc"})).await;
    let scoped = ok(&scoped);
    assert_eq!(scoped["specs"].as_array().map(Vec::len), Some(1));
    let steering = call(&server, "steering_for", json!({"files": ["../outside/secret.md"]})).await;
    assert!(steering.is_error, "{}", steering.text);
    let map = call(&server, "repo_map", json!({"focus": ["/etc/passwd"]})).await;
    assert!(map.is_error, "{}", map.text);
}

/// A check report shaped like `specwright check --format json`'s (the
/// protocol crate hands the real one in): one entry of each kind, and a
/// diagnostic in each file.
fn fake_check_report(root: &Path) -> Value {
    assert!(root.is_absolute());
    let diagnostic = |path: &str, severity: &str| json!({"path": path, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "severity": severity, "code": "x", "message": "m"});
    json!({
        "version": 1,
        "specs": [{"name": "calc", "path": ".kiro/specs/calc"}, {"name": "other", "path": ".kiro/specs/other"}],
        "steering": [{"path": ".kiro/steering/a.md"}],
        "hooks": [{"path": ".kiro/hooks/a.kiro.hook", "hooks": 1}],
        "mcp": [{"path": ".kiro/settings/mcp.json", "servers": 1}],
        "diagnostics": [
            diagnostic(".kiro/specs/calc/tasks.md", "error"),
            diagnostic(".kiro/specs/calc/requirements.md", "warning"),
            diagnostic(".kiro/specs/other/tasks.md", "error"),
            diagnostic(".kiro/settings/mcp.json", "hint"),
        ],
        "summary": {"specs": 2, "steering": 1, "hooks": 1, "mcp": 1, "errors": 2, "warnings": 1, "information": 0, "hints": 1},
    })
}

#[tokio::test]
async fn check_returns_the_report_scoped_to_a_path() {
    let f = Fixture::new("check");
    f.write(".kiro/specs/calc/tasks.md", "# Plan\n\n- [ ] 1. Something\n");
    f.write(".kiro/specs/other/tasks.md", "# Plan\n\n- [ ] 1. Something\n");
    let server = f.server();
    let whole = call(&server, "check", json!({})).await;
    assert_eq!(ok(&whole), &fake_check_report(server.root()), "without a path, the report as it is");

    let spec = call(&server, "check", json!({"path": ".kiro/specs/calc"})).await;
    let spec = ok(&spec);
    assert_eq!(spec["specs"], json!([{"name": "calc", "path": ".kiro/specs/calc"}]));
    assert_eq!(spec["diagnostics"].as_array().map(Vec::len), Some(2));
    assert_eq!(spec["mcp"], json!([]));
    assert_eq!(
        spec["summary"],
        json!({"specs": 1, "steering": 0, "hooks": 0, "mcp": 0, "errors": 1, "warnings": 1, "information": 0, "hints": 0})
    );

    // A document keeps its spec, and only its own diagnostics.
    let document = call(&server, "check", json!({"path": ".kiro/specs/calc/tasks.md"})).await;
    let document = ok(&document);
    assert_eq!(document["specs"][0]["name"], "calc");
    assert_eq!(document["summary"]["errors"], 1);
    assert_eq!(document["summary"]["warnings"], 0);

    let absolute = server.root().join(".kiro/specs/other");
    let other = call(&server, "check", json!({"path": absolute.to_string_lossy()})).await;
    assert_eq!(ok(&other)["specs"][0]["name"], "other");
}

#[tokio::test]
async fn without_a_report_there_is_no_check_tool() {
    let f = Fixture::new("no-check");
    let server = SpecServer::new(ServeConfig { check: None, ..ServeConfig::new(f.root.clone()) }).expect("server");
    assert!(server.tools().iter().all(|t| t.name != "check"));
    assert!(matches!(server.call("check", json!({}), CancellationToken::new()).await, Err(CallError::NotFound(_))));
}

#[tokio::test]
async fn steering_and_the_repository_map() {
    let f = Fixture::new("context");
    f.write(
        ".kiro/steering/python.md",
        "---\ninclusion: fileMatch\nfileMatchPattern: \"**/*.py\"\n---\n\nUse type hints.\n",
    );
    f.write(".kiro/steering/go.md", "---\ninclusion: fileMatch\nfileMatchPattern: \"**/*.go\"\n---\n\nGo.\n");
    let server = f.server();
    let steering = call(&server, "steering_for", json!({"files": ["src/calc.py"]})).await;
    let applied = ok(&steering)["steering"].as_array().expect("steering").clone();
    assert_eq!(applied.len(), 1, "{applied:?}");
    assert_eq!(applied[0]["name"], ".kiro/steering/python.md");
    assert!(applied[0]["text"].as_str().expect("text").contains("Use type hints."));

    let map = call(&server, "repo_map", json!({"focus": ["src/calc.py"], "tokens": 200})).await;
    assert!(!map.is_error && map.text.contains("src/calc.py") && map.text.contains("def add"), "{}", map.text);
}

#[tokio::test]
async fn create_spec_needs_a_model() {
    let f = Fixture::new("create");
    let out = call(&f.server(), "create_spec", json!({"name": "todo", "prompt": "a to-do list"})).await;
    assert!(out.is_error && out.text.contains("SPECWRIGHT_PROVIDER"), "{}", out.text);
    assert!(!f.root.join(".kiro/specs/todo").exists());

    // The built-in demo model stands in for a configured one.
    let server = f.server_with_env(|k| (k == "SPECWRIGHT_PROVIDER").then(|| "demo".to_string()));
    let bad = call(&server, "create_spec", json!({"name": "../x", "prompt": "a to-do list"})).await;
    assert!(bad.is_error && bad.text.contains("not a valid spec name"));
    let exists = call(&server, "create_spec", json!({"name": "calc", "prompt": "a to-do list"})).await;
    assert!(exists.is_error && exists.text.contains("exists"));
    let created = call(&server, "create_spec", json!({"name": "todo", "prompt": "a to-do list"})).await;
    let created = ok(&created);
    assert_eq!(created["resource"], "spec://todo/requirements");
    assert!(f.read(".kiro/specs/todo/requirements.md").contains("Requirement"));
    assert!(Path::new(&f.root.join(".kiro/specs/todo/.config.kiro")).is_file());
}
