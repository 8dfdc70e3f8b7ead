//! Any ACP agent as Specwright's task runner: `specwright task run --agent
//! CMD` starts a scripted ACP agent (tests/acp/scripted_agent.mjs, on the
//! official TypeScript SDK from .venv-test/node) in the workspace. Its
//! fs/* requests are served confined to the workspace (outside paths and
//! credential files refused, secrets redacted, a write that would put a
//! redaction placeholder into the file refused), its permission question
//! is relayed to the user (a terminal without a user refuses), and the
//! task is ticked only when Specwright's own test run passes: the agent
//! that claims success without it is not believed; the one that fixes the
//! code is.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const AWS_KEY: &str = "AKIAZ3MHQ7RT4KXW2PLE";
const TEST: &str = "from calc import sub\n\n\ndef test_sub():\n    assert sub(5, 3) == 2\n";

fn venv(rel: &str, what: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel);
    assert!(
        path.exists(),
        "{what} is needed: run scripts/setup-test-tools (scripts/test does) to install {}",
        path.display()
    );
    // Not canonicalized: the venv's python is a link, and only the link sees the venv.
    path
}

struct Workspace {
    root: PathBuf,
}

impl Workspace {
    fn new(python: &Path) -> Self {
        let base = std::env::temp_dir().join(format!("specwright-task-agent-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let root = base.join("ws");
        std::fs::create_dir_all(root.join(".kiro/specs/calc")).unwrap();
        std::fs::write(base.join("outside.txt"), "outside the workspace\n").unwrap();
        std::fs::write(
            root.join(".kiro/specs/calc/tasks.md"),
            format!(
                "# Implementation Plan\n\n- [ ] 1. Subtract\n  - Test: `{} -m pytest -q test_sub.py`\n",
                python.display()
            ),
        )
        .unwrap();
        std::fs::write(root.join("calc.py"), format!("# deploy key {AWS_KEY}\ndef sub(a, b):\n    return a + b\n"))
            .unwrap();
        std::fs::write(root.join("test_sub.py"), TEST).unwrap();
        std::fs::write(root.join(".env"), "TOKEN=very-secret\n").unwrap();
        std::fs::write(root.join(".kiro/specs/calc/design.md"), "# Design\n\nThe calculator subtracts exactly.\n")
            .unwrap();
        std::fs::create_dir_all(root.join(".kiro/steering")).unwrap();
        std::fs::write(root.join(".kiro/steering/style.md"), "---\ninclusion: always\n---\n\nUse type hints.\n")
            .unwrap();
        Self { root: root.canonicalize().unwrap() }
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_default()
    }

    fn run(&self, scenario: &str) -> (std::process::Output, Value) {
        let sdk = venv(".venv-test/node/node_modules/@agentclientprotocol/sdk", "the ACP TypeScript SDK");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/acp/scripted_agent.mjs");
        let log = self.root.with_extension(format!("{scenario}.json"));
        let agent = format!("node '{}' '{}' {scenario} '{}'", script.display(), sdk.display(), log.display());
        let out = Command::new(env!("CARGO_BIN_EXE_specwright"))
            .args(["task", "run", "calc", "1", "--autopilot", "--format", "json", "--agent", &agent, "--dir"])
            .arg(&self.root)
            .env("SPECWRIGHT_DATA_DIR", self.root.with_extension("data"))
            .env_remove("SPECWRIGHT_PROVIDER")
            .env("RUST_LOG", "warn")
            .output()
            .expect("run specwright");
        let seen = std::fs::read_to_string(&log)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(|| panic!("the agent left no log: {}", String::from_utf8_lossy(&out.stderr)));
        (out, seen)
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if let Some(base) = self.root.parent() {
            let _ = std::fs::remove_dir_all(base);
        }
    }
}

#[test]
fn an_acp_agent_runs_the_task_and_only_passing_tests_tick_it() {
    let python = venv(".venv-test/bin/python", "pytest");
    let ws = Workspace::new(&python);

    // The agent that claims success.
    let (out, seen) = ws.run("cheat");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(report["status"], "evidence-failed", "{report}");
    assert!(report["answer"].as_str().unwrap().contains("All tests pass!"), "{report}");
    // It emptied the test with its own tools, so the tests "pass"; the test
    // files kept aside before the run show it.
    assert_eq!(report["tests"]["passed"], 1, "{report}");
    let kept = report["checks"].as_array().unwrap().iter().find(|c| c["name"] == "tests kept").expect("tests kept");
    assert_eq!(kept["ok"], false, "{report}");
    assert!(kept["detail"].as_str().unwrap().contains("test_sub.py"), "{kept}");
    // It ticked the task on disk; Specwright set it back.
    let tasks = ws.read(".kiro/specs/calc/tasks.md");
    assert!(tasks.contains("- [-] 1. Subtract") && !tasks.contains("- [x] 1."), "not ticked: {tasks}");
    assert!(seen["tasksWrite"]["data"].as_str().unwrap_or_default().contains("Specwright's to change"), "{seen}");

    assert_eq!(seen["cwd"], ws.root.display().to_string());
    assert_eq!(seen["clientCapabilities"]["fs"]["writeTextFile"], true);
    // The brief: the task, the design and the steering, with no word of Specwright's own tools.
    let brief = seen["brief"].as_str().unwrap();
    assert!(brief.contains("Implement task 1 of the spec `calc`: Subtract"), "{brief}");
    assert!(brief.contains("The calculator subtracts exactly.") && brief.contains("Use type hints."), "{brief}");
    assert!(brief.contains("test_sub.py") && !brief.contains("run_command"), "{brief}");
    let read = seen["read"].as_str().expect("calc.py was read");
    assert!(read.contains("return a + b") && !read.contains(AWS_KEY) && read.contains("<redacted:"), "{read}");
    assert_eq!(seen["permission"]["outcome"], "selected");
    assert_eq!(seen["permission"]["optionId"], "no", "a terminal without a user refuses: {seen}");
    assert!(seen["outside"]["data"].as_str().unwrap_or_default().contains("outside the workspace"), "{seen}");
    assert!(seen["env"]["data"].as_str().unwrap_or_default().contains("withheld"), "{seen}");
    assert!(seen["writeBack"]["data"].as_str().unwrap_or_default().contains("keeps its secret"), "{seen}");
    assert!(ws.read("calc.py").contains(AWS_KEY), "the user's secret stayed");
    assert!(seen["notes"]["ok"].is_object(), "{seen}");
    assert_eq!(ws.read("notes.md"), "All tests pass.\n", "written through the host (autopilot)");

    // The user puts the test back; the agent that fixes the code: Specwright's
    // test run passes, the task is ticked.
    std::fs::write(ws.root.join("test_sub.py"), TEST).unwrap();
    let (out, seen) = ws.run("honest");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(report["status"], "done", "{report}");
    assert_eq!(report["tests"]["passed"], 1);
    assert!(seen["write"]["ok"].is_object(), "{seen}");
    assert!(ws.read(".kiro/specs/calc/tasks.md").contains("- [x] 1. Subtract"));
    assert!(report["files"].as_array().unwrap().iter().any(|f| f == "calc.py"), "checkpointed: {report}");
    assert!(report["checkpoint"].is_string());
}
