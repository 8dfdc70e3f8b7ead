//! The first ten minutes on the command line, with no API key: `specwright
//! demo` (the demo model on loopback), `spec new --provider demo` with a name
//! derived from the prompt, and `task set`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use specwright_spec::{Severity, Spec, TaskStatus, analyze};

fn temp(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-demo-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The binary with no model configured and no key in the environment.
fn specwright(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(args)
        .arg("--dir")
        .arg(dir)
        .env_remove("SPECWRIGHT_PROVIDER")
        .env_remove("SPECWRIGHT_BASE_URL")
        .env_remove("SPECWRIGHT_MODEL")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("OPENAI_API_KEY")
        .output()
        .expect("runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn errors_and_warnings(dir: &Path) -> Vec<String> {
    let spec = Spec::load(dir);
    analyze(&spec).diagnostics.iter().filter(|d| d.severity <= Severity::Warning).map(|d| d.message.clone()).collect()
}

#[test]
fn demo_writes_a_whole_spec_that_checks_clean_and_says_it_is_canned() {
    let root = temp("whole");
    let out = specwright(&["demo"], &root);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("canned") && stdout(&out).contains("canned"), "{}", stdout(&out));
    let dir = root.join(".kiro/specs/todo-list-demo");
    for file in [".config.kiro", "requirements.md", "design.md", "tasks.md"] {
        assert!(dir.join(file).is_file(), "{file} written");
    }
    assert_eq!(errors_and_warnings(&dir), Vec::<String>::new());
    let spec = Spec::load(&dir);
    assert!(spec.tasks.as_ref().is_some_and(|t| t.model.tasks.len() >= 5), "a real plan");
    let check = Command::new(env!("CARGO_BIN_EXE_specwright")).arg("check").arg(&root).output().expect("runs");
    assert!(check.status.success(), "{}", stdout(&check));
    assert!(stdout(&check).contains("0 errors, 0 warnings"), "{}", stdout(&check));

    // A second run never overwrites the first.
    let before = std::fs::read(dir.join("requirements.md")).expect("read");
    let again = specwright(&["demo"], &root);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(root.join(".kiro/specs/todo-list-demo-2/tasks.md").is_file());
    assert_eq!(std::fs::read(dir.join("requirements.md")).expect("read"), before);
}

#[test]
fn on_a_terminal_the_demo_streams_each_document() {
    let root = temp("terminal");
    let command = format!("{} demo --dir {}", env!("CARGO_BIN_EXE_specwright"), root.display());
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("SPECWRIGHT_PROVIDER")
        .output()
        .expect("util-linux's script is needed for the terminal test");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    for shown in ["[Writing requirements.md]", "### Requirement 1: Add a task", "## Architecture", "- [ ] 1. Set up"] {
        assert!(screen.contains(shown), "{shown:?} streamed to the terminal:\n{screen}");
    }
}

#[test]
fn spec_new_derives_a_unique_name_from_the_prompt() {
    let root = temp("derived");
    let prompt = "Add a login page with JWT tokens";
    let out = specwright(&["spec", "new", "--provider", "demo", "--prompt", prompt], &root);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("spec name: login-page-jwt-tokens"), "{}", stderr(&out));
    let dir = root.join(".kiro/specs/login-page-jwt-tokens");
    assert!(dir.join("requirements.md").is_file() && !dir.join("design.md").exists(), "the first document only");

    let out = specwright(&["spec", "new", "--provider", "demo", "--prompt", prompt], &root);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.join(".kiro/specs/login-page-jwt-tokens-2/requirements.md").is_file(), "made unique");

    let named = specwright(&["spec", "new", "login-page-jwt-tokens", "--provider", "demo", "--prompt", prompt], &root);
    assert!(!named.status.success(), "an explicit name that exists is refused");
    assert!(stderr(&named).contains("exists"), "{}", stderr(&named));
}

#[test]
fn task_set_changes_only_the_marker() {
    let root = temp("set");
    assert!(specwright(&["demo"], &root).status.success());
    let dir = root.join(".kiro/specs/todo-list-demo");
    let before = std::fs::read_to_string(dir.join("tasks.md")).expect("read");

    let out = specwright(&["task", "set", "todo-list-demo", "2.1", "done"], &root);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("task 2.1: [ ] → [x]"), "{}", stdout(&out));
    let after = std::fs::read_to_string(dir.join("tasks.md")).expect("read");
    let changed: Vec<(usize, u8, u8)> = before
        .bytes()
        .zip(after.bytes())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| (i, a, b))
        .collect();
    assert_eq!((before.len(), changed.len()), (after.len(), 1), "one byte: {changed:?}");
    assert_eq!(changed[0].2, b'x');
    assert!(!dir.join(".tasks-meta.json").exists(), "only the marker");
    let spec = Spec::load(&dir);
    let tasks = &spec.tasks.as_ref().expect("tasks").model;
    assert_eq!(tasks.tasks[tasks.find("2.1").expect("2.1")].status, TaskStatus::Done);

    for (status, marker) in [("in-progress", '-'), ("queued", '~'), ("not-started", ' ')] {
        let out = specwright(&["task", "set", "todo-list-demo", "2.1", status], &root);
        assert!(out.status.success(), "{}", stderr(&out));
        let spec = Spec::load(&dir);
        let tasks = &spec.tasks.as_ref().expect("tasks").model;
        assert_eq!(tasks.tasks[tasks.find("2.1").expect("2.1")].status.marker(), marker);
    }
    assert_eq!(std::fs::read_to_string(dir.join("tasks.md")).expect("read"), before, "back where it was");

    let unknown = specwright(&["task", "set", "todo-list-demo", "9.9", "done"], &root);
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no task '9.9'") && stderr(&unknown).contains("2.1"), "{}", stderr(&unknown));
    let bad = specwright(&["task", "set", "todo-list-demo", "2.1", "finished"], &root);
    assert!(!bad.status.success(), "an unknown status is refused");
    let missing = specwright(&["task", "set", "nope", "1", "done"], &root);
    assert!(stderr(&missing).contains("no spec 'nope'"), "{}", stderr(&missing));
}
