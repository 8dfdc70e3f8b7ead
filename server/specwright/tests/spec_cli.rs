//! `specwright spec …` on the command line against the scripted model
//! server: atomic writes, one-line failures, and nothing half-written.

use std::path::PathBuf;
use std::process::Output;

use serde_json::json;
use specwright_spec::{Severity, Spec, analyze};
use specwright_testkit::{Reply, ScriptedServer};

fn temp(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-cli-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

async fn run(dir: &PathBuf, base_url: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"));
    cmd.args(args).arg("--dir").arg(dir).env_remove("SPECWRIGHT_PROVIDER").env_remove("SPECWRIGHT_BASE_URL");
    if let Some(url) = base_url {
        cmd.env("SPECWRIGHT_PROVIDER", "openai").env("SPECWRIGHT_BASE_URL", url).env("SPECWRIGHT_MODEL", "cli-model");
    }
    cmd.output().await.expect("runs")
}

fn text(reply: serde_json::Value) -> Reply {
    Reply::Text { chunks: vec![reply.to_string()], delay_ms: 0 }
}

#[tokio::test]
async fn new_quick_writes_a_spec_that_checks_clean() {
    let requirements = json!({"introduction": "Log in.", "glossary": [], "requirements": [{"title": "Log in",
        "user_story": {"role": "a user", "capability": "to log in", "benefit": "I get a token"},
        "acceptance_criteria": [{"pattern": "event", "condition": "a user logs in", "system": "API", "response": "issue a token"}]}]});
    let design = json!({"overview": "o", "architecture": "a", "architecture_diagram": "flowchart TD\n A-->B",
        "components": [{"name": "Api", "responsibility": "r", "interface": ""}],
        "data_models": [{"name": "Token", "description": "d", "fields": []}], "correctness_properties": [],
        "error_handling": [{"scenario": "s", "handling": "h"}], "testing_strategy": "t"});
    let tasks = json!({"tasks": [{"title": "Build login", "details": [], "requirements": ["1.1"], "subtasks": []}]});
    let server = ScriptedServer::start(vec![text(requirements), text(design), text(tasks)]).await.expect("server");
    let dir = temp("quick");
    let base = format!("{}/v1", server.base_url());
    let out = run(&dir, Some(&base), &["spec", "new", "login", "--prompt", "Users log in", "--quick"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().filter(|l| l.starts_with("wrote ")).count(), 4, "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("# Requirements Document"), "no streaming when stderr is not a terminal: {stderr}");
    let spec = Spec::load(&dir.join(".kiro/specs/login"));
    let analysis = analyze(&spec);
    assert!(analysis.diagnostics.iter().all(|d| d.severity > Severity::Warning), "{:#?}", analysis.diagnostics);
    assert_eq!(server.requests()[0].body["model"], "cli-model");

    let list = run(&dir, None, &["spec", "list", "--format", "json"]).await;
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(listed["specs"][0]["name"], "login");
    assert_eq!(listed["specs"][0]["tasks"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn failures_are_one_line_and_leave_no_file() {
    // A refused request is not retried, so the failure is immediate.
    let server =
        ScriptedServer::start(vec![Reply::Status { status: 404, retry_after: None, message: "no such model".into() }])
            .await
            .expect("server");
    let dir = temp("fail");
    let base = format!("{}/v1", server.base_url());
    let out = run(&dir, Some(&base), &["spec", "new", "login", "--prompt", "Users log in"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("HTTP 404") && errors[0].contains("no such model"), "{stderr}");
    assert!(!dir.join(".kiro/specs/login").exists(), "nothing written");

    let out = run(&dir, None, &["spec", "tasks", "missing"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: no spec named 'missing'"));
    let out = run(&dir, None, &["spec", "new", "../x", "--prompt", "p"]).await;
    assert_eq!(out.status.code(), Some(1));
    let out = run(&dir, None, &["spec", "new", "x"]).await;
    assert_eq!(out.status.code(), Some(2), "a usage error: --prompt is required");
    let _ = std::fs::remove_dir_all(&dir);
}
