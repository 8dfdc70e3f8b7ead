//! `specwright spec …` on the command line against the scripted model
//! server: atomic writes, one-line failures, and nothing half-written.

use std::path::{Path, PathBuf};
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
    run_with(dir, base_url.map(|url| ("openai", url)), args).await
}

/// The binary with a `(provider, base URL)` model, or none.
async fn run_with(dir: &PathBuf, model: Option<(&str, &str)>, args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"));
    cmd.args(args).arg("--dir").arg(dir).env_remove("SPECWRIGHT_PROVIDER").env_remove("SPECWRIGHT_BASE_URL");
    if let Some((provider, url)) = model {
        cmd.env("SPECWRIGHT_PROVIDER", provider).env("SPECWRIGHT_BASE_URL", url).env("SPECWRIGHT_MODEL", "cli-model");
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

/// Both wire formats: (provider, base URL of the scripted server).
fn wires(server: &ScriptedServer) -> [(&'static str, String); 2] {
    [("anthropic", server.base_url()), ("openai", format!("{}/v1", server.base_url()))]
}

/// A Markdown answer as a server that ignored the schema (or the forced
/// tool) sends it: plain text, fenced, with chatter around it.
fn markdown(doc: &str) -> Reply {
    let text = format!("Sure! Here it is:\n\n```markdown\n{doc}```\n\nAnything else?");
    let chunks = text.as_bytes().chunks(25).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    Reply::Text { chunks, delay_ms: 0 }
}

const REQUIREMENTS_MD: &str = "# Requirements Document\n\n## Introduction\n\nUsers log in.\n\n## Requirements\n\n\
### Requirement 1: Log in\n\n**User Story:** As a user, I want to log in, so that I get a token\n\n\
#### Acceptance Criteria\n\n1. WHEN a user submits valid credentials, THE API SHALL issue a token\n\
2. IF the password is wrong, THEN THE API SHALL reject the request\n";

const DESIGN_MD: &str = "# Design Document\n\n## Overview\n\nA token service.\n\n## Architecture\n\n\
Routes call the API.\n\n## Components and Interfaces\n\n### API\n\nIssues tokens.\n\n## Data Models\n\n\
### Token\n\nA signed token.\n\n## Correctness Properties\n\n### Property 1: Tokens\n\n\
For any valid credentials, a token is issued.\n\n**Validates: Requirements 1.1, 1.2**\n\n\
## Error Handling\n\n- **Wrong password**: rejected\n\n## Testing Strategy\n\nUnit and property tests.\n";

const TASKS_MD: &str = "# Implementation Plan\n\n- [ ] 1. Build login\n  - _Requirements: 1.1, 1.2_\n";

fn assert_checks_clean(dir: &Path) {
    let spec = Spec::load(dir);
    let analysis = analyze(&spec);
    assert!(analysis.diagnostics.iter().all(|d| d.severity > Severity::Warning), "{:#?}", analysis.diagnostics);
}

fn structured(wire: &str, body: &serde_json::Value) -> bool {
    match wire {
        "anthropic" => body["tool_choice"]["type"] == "tool",
        _ => body["response_format"]["type"] == "json_schema",
    }
}

#[tokio::test]
async fn markdown_answers_to_structured_requests_are_written_for_both_wire_formats() {
    let server = ScriptedServer::start(
        [REQUIREMENTS_MD, DESIGN_MD, TASKS_MD, REQUIREMENTS_MD, DESIGN_MD, TASKS_MD].map(markdown).to_vec(),
    )
    .await
    .expect("server");
    for (wire, base) in wires(&server) {
        let dir = temp(&format!("markdown-{wire}"));
        let model = Some((wire, base.as_str()));
        let spec = dir.join(".kiro/specs/login");
        let out = run_with(&dir, model, &["spec", "new", "login", "--prompt", "Users log in"]).await;
        assert!(out.status.success(), "{wire}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read_to_string(spec.join("requirements.md")).ok().as_deref(), Some(REQUIREMENTS_MD));
        let out = run_with(&dir, model, &["spec", "design", "login"]).await;
        assert!(out.status.success(), "{wire}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read_to_string(spec.join("design.md")).ok().as_deref(), Some(DESIGN_MD));
        let out = run_with(&dir, model, &["spec", "tasks", "login"]).await;
        assert!(out.status.success(), "{wire}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read_to_string(spec.join("tasks.md")).ok().as_deref(), Some(TASKS_MD));
        assert!(String::from_utf8_lossy(&out.stderr).lines().all(|l| !l.starts_with("warning")), "no problems");
        assert_checks_clean(&spec);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 6, "no repair round");
    for (i, r) in requests.iter().enumerate() {
        let wire = if i < 3 { "anthropic" } else { "openai" };
        assert!(structured(wire, &r.body), "{wire}: each document was asked for as JSON: {}", r.body);
    }
}

#[tokio::test]
async fn an_answer_that_is_neither_json_nor_a_document_writes_nothing() {
    let chatter = || Reply::Text { chunks: vec!["I cannot help with that.".into()], delay_ms: 0 };
    let server = ScriptedServer::start((0..6).map(|_| chatter()).collect()).await.expect("server");
    for (wire, base) in wires(&server) {
        let dir = temp(&format!("neither-{wire}"));
        let out = run_with(&dir, Some((wire, &base)), &["spec", "new", "login", "--prompt", "Users log in"]).await;
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(errors[0].contains("neither JSON following the schema nor a Markdown requirements.md"), "{stderr}");
        assert!(!dir.join(".kiro/specs/login").exists(), "nothing written");
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert_eq!(server.requests().len(), 6, "two repair rounds each");
}

#[tokio::test]
async fn quick_ends_with_tasks_derived_from_the_requirements_when_the_model_cannot_plan() {
    let bad = Reply::Text { chunks: vec![json!({"tasks": []}).to_string()], delay_ms: 0 };
    let wrong = markdown("# Implementation Plan\n\n- [ ] 1. Do it all\n  - _Requirements: 9.9_\n");
    let script = [markdown(REQUIREMENTS_MD), markdown(DESIGN_MD), bad.clone(), bad, wrong].into_iter().cycle().take(10);
    let server = ScriptedServer::start(script.collect()).await.expect("server");
    for (wire, base) in wires(&server) {
        let dir = temp(&format!("derived-{wire}"));
        let args = ["spec", "new", "login", "--prompt", "Users log in", "--quick"];
        let out = run_with(&dir, Some((wire, &base)), &args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{wire}: {stderr}");
        assert!(
            stderr.contains("warning: tasks.md: tasks.md was derived from the requirements without the model's help"),
            "{stderr}"
        );
        assert!(stderr.contains("9.9"), "what the model got wrong is said: {stderr}");
        let tasks = std::fs::read_to_string(dir.join(".kiro/specs/login/tasks.md")).expect("tasks.md");
        assert!(
            tasks.starts_with("# Implementation Plan\n\n_These tasks were derived from the requirements"),
            "{tasks}"
        );
        assert!(tasks.contains(
            "- [ ] 1. Implement Log in\n  - Write the code and its unit tests\n  - _Requirements: 1.1, 1.2_"
        ));
        let check = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
            .arg("check")
            .arg(&dir)
            .output()
            .await
            .expect("check runs");
        assert!(check.status.success(), "specwright check: {}", String::from_utf8_lossy(&check.stdout));
        assert_checks_clean(&dir.join(".kiro/specs/login"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test]
async fn a_quick_spec_from_a_model_that_cannot_write_any_document_ends_valid_from_the_templates() {
    // Three unusable answers per document (the first try and two repair rounds), for all three documents.
    let chatter = || Reply::Text { chunks: vec!["I cannot help with that.".into()], delay_ms: 0 };
    let server = ScriptedServer::start((0..18).map(|_| chatter()).collect()).await.expect("server");
    for (wire, base) in wires(&server) {
        let dir = temp(&format!("templates-{wire}"));
        let args = ["spec", "new", "login", "--prompt", "Users log in", "--quick"];
        let out = run_with(&dir, Some((wire, &base)), &args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{wire}: {stderr}");
        for doc in ["requirements.md", "design.md"] {
            assert!(
                stderr.contains(&format!("warning: {doc}: {doc} was written from Specwright's template")),
                "{wire}: {stderr}"
            );
        }
        assert!(stderr.contains("warning: tasks.md: tasks.md was derived from the requirements"), "{stderr}");
        let spec = dir.join(".kiro/specs/login");
        let requirements = std::fs::read_to_string(spec.join("requirements.md")).expect("requirements.md");
        assert!(
            requirements.contains("Users log in") && requirements.contains("Specwright wrote this from its template")
        );
        let design = std::fs::read_to_string(spec.join("design.md")).expect("design.md");
        assert!(design.contains("Specwright wrote this from its template"), "{design}");
        let check = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
            .arg("check")
            .arg(&dir)
            .output()
            .await
            .expect("check runs");
        assert!(check.status.success(), "specwright check: {}", String::from_utf8_lossy(&check.stdout));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

const TWO_REQUIREMENTS: &str = "\
# Requirements Document

## Requirements

### Requirement 1: Login

#### Acceptance Criteria

1. WHEN a user logs in, THE API SHALL issue a token
2. IF the password is wrong, THEN THE API SHALL reject the login

### Requirement 2: Logout

#### Acceptance Criteria

1. WHEN a user logs out, THE API SHALL revoke the token
";

/// Without a model, `spec tasks` on a spec with a plan says it merges into
/// it, and the tasks it adds cite only the criteria nothing covered.
#[tokio::test]
async fn tasks_without_a_model_merge_into_the_existing_plan() {
    let dir = temp("merge-tasks");
    let spec = dir.join(".kiro/specs/login");
    std::fs::create_dir_all(&spec).expect("spec folder");
    std::fs::write(spec.join("requirements.md"), TWO_REQUIREMENTS).expect("requirements.md");
    std::fs::write(spec.join("tasks.md"), "# Implementation Plan\n\n- [x] 1. Issue tokens\n  - _Requirements: 1.1_\n")
        .expect("tasks.md");
    let out = run(&dir, None, &["spec", "tasks", "login"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "no model configured (set SPECWRIGHT_PROVIDER or --provider): merging a plan derived from the \
             requirements into the existing tasks.md"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("added tasks: 2, 3"), "{stderr}");
    let tasks = std::fs::read_to_string(spec.join("tasks.md")).expect("tasks.md");
    assert!(tasks.starts_with("# Implementation Plan\n\n- [x] 1. Issue tokens\n  - _Requirements: 1.1_\n"), "{tasks}");
    let citations: Vec<&str> = tasks.lines().filter(|l| l.contains("_Requirements:")).map(str::trim).collect();
    assert_eq!(citations, ["- _Requirements: 1.1_", "- _Requirements: 1.2_", "- _Requirements: 2.1_"], "{tasks}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `spec list` counts tasks and requirements in the singular and plural.
#[tokio::test]
async fn spec_list_pluralises_its_counts() {
    let dir = temp("list-plurals");
    let one = dir.join(".kiro/specs/one");
    std::fs::create_dir_all(&one).expect("spec folder");
    let requirement = TWO_REQUIREMENTS.split("\n### Requirement 2").next().expect("requirement 1");
    std::fs::write(one.join("requirements.md"), requirement).expect("requirements.md");
    std::fs::write(one.join("tasks.md"), "# Implementation Plan\n\n- [ ] 1. Log in\n  - _Requirements: 1_\n")
        .expect("tasks.md");
    let two = dir.join(".kiro/specs/two");
    std::fs::create_dir_all(&two).expect("spec folder");
    std::fs::write(two.join("requirements.md"), TWO_REQUIREMENTS).expect("requirements.md");
    let plan =
        "# Implementation Plan\n\n- [x] 1. Log in\n  - _Requirements: 1_\n- [ ] 2. Log out\n  - _Requirements: 2_\n";
    std::fs::write(two.join("tasks.md"), plan).expect("tasks.md");

    let out = run(&dir, None, &["spec", "list"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let words = |name: &str| -> String {
        let line = stdout.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name}: {stdout}"));
        line.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert!(words("one").starts_with("one feature 0/1 task done 1 requirement 0 uncovered"), "{stdout}");
    assert!(words("two").starts_with("two feature 1/2 tasks done 2 requirements 0 uncovered"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
