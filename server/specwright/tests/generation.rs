//! Spec generation through the language server, against the scripted model
//! server on loopback speaking both wire formats: create → design → tasks,
//! streaming, progress, cancellation, retries, authentication failures,
//! repair rounds, templates without a model, and task updates.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use specwright_spec::{Severity, Spec, analyze};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

#[derive(Clone, Copy, Debug)]
enum Wire {
    Anthropic,
    OpenAi,
}

const BOTH: [Wire; 2] = [Wire::Anthropic, Wire::OpenAi];

fn options(wire: Wire, server: &ScriptedServer) -> Value {
    let (provider, base) = match wire {
        Wire::Anthropic => ("anthropic", server.base_url()),
        Wire::OpenAi => ("openai", format!("{}/v1", server.base_url())),
    };
    json!({"specwright": {"model": {
        "provider": provider, "model": "test-model", "baseUrl": base, "maxRetries": 2, "timeoutSeconds": 10
    }}})
}

/// A structured answer as the wire format carries it: Anthropic fills the
/// forced tool's input, OpenAI-compatible servers send JSON content.
fn answer(wire: Wire, tool: &str, json: &Value, delay_ms: u64) -> Reply {
    let text = json.to_string();
    let chunks: Vec<String> = text.as_bytes().chunks(40).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    match wire {
        Wire::Anthropic => {
            Reply::ToolCall { id: "toolu_1".into(), name: tool.into(), arguments_chunks: chunks, delay_ms }
        }
        Wire::OpenAi => Reply::Text { chunks, delay_ms },
    }
}

fn requirements_json() -> Value {
    json!({
        "introduction": "Visitors sign up and users log in; the API issues JSON Web Tokens.",
        "glossary": [{"term": "Auth_Service", "definition": "The service that authenticates users"}],
        "requirements": [
            {"title": "Sign up",
             "user_story": {"role": "a visitor", "capability": "to create an account", "benefit": "I can log in"},
             "acceptance_criteria": [
                {"pattern": "event", "condition": "a visitor submits a valid email and password", "system": "Auth_Service", "response": "create the account"},
                {"pattern": "unwanted", "condition": "the email is already registered", "system": "Auth_Service", "response": "reject the request with HTTP 409"}]},
            {"title": "Log in",
             "user_story": {"role": "a user", "capability": "to log in", "benefit": "I get a token"},
             "acceptance_criteria": [
                {"pattern": "event", "condition": "a user submits valid credentials", "system": "Auth_Service", "response": "issue a signed JWT"},
                {"pattern": "ubiquitous", "condition": "", "system": "Auth_Service", "response": "hash passwords with bcrypt"}]}
        ]
    })
}

fn design_json() -> Value {
    json!({
        "overview": "An Express API with an auth service.",
        "architecture": "Routes call the Auth_Service, which uses a user repository.",
        "architecture_diagram": "flowchart TD\n    Client --> Routes --> Auth_Service --> Repository",
        "components": [{"name": "Auth_Service", "responsibility": "Signs up and logs in users", "interface": "interface AuthService { signUp(e: string, p: string): Promise<User> }"}],
        "data_models": [{"name": "User", "description": "A registered user", "fields": [{"name": "email", "type": "string", "description": "Unique"}]}],
        "correctness_properties": [{"title": "Login round trip", "statement": "For any registered user, logging in yields a token for that user.", "validates": ["2.1", "1.1"]}],
        "error_handling": [{"scenario": "Duplicate email", "handling": "HTTP 409"}],
        "testing_strategy": "Jest unit tests and fast-check properties."
    })
}

fn tasks_json(ids: &[&str]) -> Value {
    json!({"tasks": [
        {"title": "Set up the project", "details": ["Express app skeleton"], "requirements": [], "subtasks": [
            {"title": "Create the user repository", "details": [], "requirements": ids, "optional": false},
            {"title": "Write property tests", "details": [], "requirements": ["2.1"], "optional": true}]},
        {"title": "Checkpoint", "details": ["Run all tests"], "requirements": [], "subtasks": []}
    ]})
}

struct Env {
    ws: TempWorkspace,
    client: Client,
}

async fn start(label: &str, options: Value, editor: bool) -> Env {
    let ws = TempWorkspace::new(label);
    ws.write("src/app.ts", "export const app = 1;\n");
    ws.write(".kiro/steering/tech.md", "---\ninclusion: always\n---\nTypeScript with Express.\n");
    let client = Client::in_process();
    client.initialize_with(&[ws.root.as_path()], options, editor).await;
    Env { ws, client }
}

fn streamed(client: &Client, uri: &str) -> String {
    client
        .notifications("specwright/stream")
        .iter()
        .filter(|p| p["uri"] == uri)
        .filter_map(|p| p["delta"].as_str())
        .collect()
}

fn check_clean(dir: &Path) {
    let spec = Spec::load(dir);
    let analysis = analyze(&spec);
    let serious: Vec<String> =
        analysis.diagnostics.iter().filter(|d| d.severity <= Severity::Warning).map(|d| d.message.clone()).collect();
    assert!(serious.is_empty(), "{serious:#?}");
}

async fn command(client: &Client, command: &str, arg: Value) -> Result<Value, Value> {
    client.request("workspace/executeCommand", json!({"command": command, "arguments": [arg]})).await
}

#[tokio::test]
async fn create_then_design_then_tasks_for_both_wire_formats() {
    for wire in BOTH {
        let server = ScriptedServer::start(vec![
            answer(wire, "requirements_document", &requirements_json(), 0),
            answer(wire, "design_document", &design_json(), 0),
            answer(wire, "tasks_document", &tasks_json(&["1.1", "1.2", "2.1", "2.2"]), 0),
        ])
        .await
        .expect("scripted server");
        let env = start(&format!("gen-{wire:?}"), options(wire, &server), true).await;
        let c = &env.client;

        let created = command(c, "specwright.spec.create", json!({"prompt": "Login and signup with JWT for the API"}))
            .await
            .expect("create succeeds");
        assert_eq!(created["spec"], "login-signup-jwt-api", "{created}");
        let dir = env.ws.path(".kiro/specs/login-signup-jwt-api");
        let requirements = std::fs::read_to_string(dir.join("requirements.md")).expect("requirements.md written");
        assert!(requirements.contains(
            "1. WHEN a visitor submits a valid email and password, THE Auth_Service SHALL create the account"
        ));
        let config: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(".config.kiro")).expect("config")).expect("json");
        assert_eq!(config["workflowType"], "requirements-first");
        assert_eq!(config["specId"].as_str().map(str::len), Some(36));
        let req_uri = uri(&dir.join("requirements.md"));
        assert_eq!(streamed(c, &req_uri), requirements, "the stream carries the document, in order");
        assert_eq!(created["documents"], json!([req_uri]));
        assert_eq!(created["draftedBy"].as_str().map(|s| s.contains("test-model")), Some(true));
        let shown = c.server_requests("window/showDocument");
        assert_eq!(shown.last().map(|p| p["uri"].clone()), Some(json!(req_uri)));

        let design = command(c, "specwright.spec.generateDesign", json!({"spec": uri(&dir)})).await.expect("design");
        assert_eq!(design["problems"], json!([]), "{design}");
        let design_text = std::fs::read_to_string(dir.join("design.md")).expect("design.md");
        assert!(design_text.contains("**Validates: Requirements 2.1, 1.1**"));
        let tasks =
            command(c, "specwright.spec.generateTasks", json!({"spec": "login-signup-jwt-api"})).await.expect("tasks");
        assert_eq!(tasks["problems"], json!([]), "{tasks}");
        let tasks_text = std::fs::read_to_string(dir.join("tasks.md")).expect("tasks.md");
        assert!(tasks_text.contains("- [ ]* 1.2 Write property tests"), "{tasks_text}");
        check_clean(&dir);

        // What the model was asked.
        let requests = server.requests();
        assert_eq!(requests.len(), 3);
        let body = &requests[2].body;
        match wire {
            Wire::Anthropic => {
                assert_eq!(requests[2].path, "/v1/messages");
                assert_eq!(body["tool_choice"]["name"], "tasks_document");
                let schema = &body["tools"][0]["input_schema"];
                assert_eq!(
                    schema["properties"]["tasks"]["items"]["properties"]["requirements"]["items"]["enum"],
                    json!(["1.1", "1.2", "2.1", "2.2"])
                );
            }
            Wire::OpenAi => {
                assert_eq!(requests[2].path, "/v1/chat/completions");
                assert_eq!(body["response_format"]["type"], "json_schema");
            }
        }
        let prompt = body.to_string();
        assert!(prompt.contains("TypeScript with Express."), "steering is in the prompt");
        assert!(prompt.contains("src/app.ts"), "the codebase view is in the prompt");
        assert!(prompt.contains("hash passwords with bcrypt"), "the requirements are in the prompt");

        // Progress: begin, reports, end, for each step.
        let progress = c.notifications("$/progress");
        let kinds: Vec<&str> = progress.iter().filter_map(|p| p["value"]["kind"].as_str()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "begin").count(), 3, "{kinds:?}");
        assert_eq!(kinds.iter().filter(|k| **k == "end").count(), 3, "{kinds:?}");
        assert!(progress.iter().any(|p| p["value"]["cancellable"] == true));
    }
}

#[tokio::test]
async fn cancelling_mid_stream_writes_nothing() {
    for wire in BOTH {
        let slow = answer(wire, "requirements_document", &requirements_json(), 150);
        let server = ScriptedServer::start(vec![slow.clone(), slow]).await.expect("server");
        let env = start(&format!("cancel-{wire:?}"), options(wire, &server), true).await;
        let c = &env.client;
        let id = c.peek_next_id();
        let (result, ()) =
            tokio::join!(command(c, "specwright.spec.create", json!({"prompt": "Login", "name": "login"})), async {
                c.wait_until("a streamed chunk", |inbox| {
                    inbox.notifications.iter().find(|(m, _)| m == "specwright/stream").map(|_| ())
                })
                .await;
                c.notify("$/cancelRequest", json!({"id": id})).await;
            });
        let err = result.expect_err("cancelled");
        assert_eq!(err["code"], -32800, "RequestCancelled: {err}");
        assert!(!env.ws.path(".kiro/specs/login").exists(), "no file, no folder");

        // The Cancel button of the progress report does the same.
        let begun = |inbox: &Inbox| -> Vec<Value> {
            inbox
                .notifications
                .iter()
                .filter(|(m, p)| m == "$/progress" && p["value"]["kind"] == "begin")
                .map(|(_, p)| p["token"].clone())
                .collect()
        };
        let earlier = c.wait_until("the first progress", |inbox| Some(begun(inbox).len())).await;
        let (result, ()) =
            tokio::join!(command(c, "specwright.spec.create", json!({"prompt": "Login", "name": "login2"})), async {
                let token = c.wait_until("progress begins", |inbox| begun(inbox).get(earlier).cloned()).await;
                c.wait_until("a streamed chunk", |inbox| {
                    inbox
                        .notifications
                        .iter()
                        .find(|(m, p)| m == "specwright/stream" && p["token"] == token)
                        .map(|_| ())
                })
                .await;
                c.notify("window/workDoneProgress/cancel", json!({"token": token})).await;
            });
        assert!(result.is_err(), "cancelled by the progress button");
        assert!(!env.ws.path(".kiro/specs/login2").exists());
    }
}

#[tokio::test]
async fn rate_limits_are_retried_and_rejected_keys_are_named() {
    for wire in BOTH {
        let server = ScriptedServer::start(vec![
            Reply::Status { status: 429, retry_after: Some(1), message: "slow down".into() },
            answer(wire, "requirements_document", &requirements_json(), 0),
            Reply::Status { status: 401, retry_after: None, message: "invalid key".into() },
        ])
        .await
        .expect("server");
        let env = start(&format!("faults-{wire:?}"), options(wire, &server), true).await;
        let c = &env.client;
        let ok =
            command(c, "specwright.spec.create", json!({"prompt": "Login", "name": "login"})).await.expect("retried");
        assert_eq!(ok["spec"], "login");
        let reports: Vec<String> = c
            .notifications("$/progress")
            .iter()
            .filter_map(|p| p["value"]["message"].as_str().map(str::to_string))
            .collect();
        assert!(reports.iter().any(|m| m.contains("retry")), "{reports:?}");

        let err =
            command(c, "specwright.spec.create", json!({"prompt": "Logout", "name": "logout"})).await.expect_err("401");
        let key_var = match wire {
            Wire::Anthropic => "ANTHROPIC_API_KEY",
            Wire::OpenAi => "OPENAI_API_KEY",
        };
        assert!(err["message"].as_str().is_some_and(|m| m.contains(key_var) && m.contains("401")), "{err}");
        assert_eq!(server.requests().len(), 3, "a rejected key is not retried");
        assert!(!env.ws.path(".kiro/specs/logout").exists());
    }
}

#[tokio::test]
async fn a_malformed_document_triggers_a_repair_round() {
    let bad = json!({"tasks": [{"title": "Build", "details": [], "requirements": ["1.1", "9.9"], "subtasks": []}]});
    let wire = Wire::OpenAi;
    let server = ScriptedServer::start(vec![
        answer(wire, "tasks_document", &bad, 0),
        answer(wire, "tasks_document", &tasks_json(&["1.1", "1.2", "2.1", "2.2"]), 0),
    ])
    .await
    .expect("server");
    let env = start("repair", options(wire, &server), true).await;
    let dir = env.ws.path(".kiro/specs/auth");
    env.ws.write(
        ".kiro/specs/auth/requirements.md",
        &specwright_specgen::render_value(specwright_specgen::DocTarget::Requirements, requirements_json())
            .expect("render"),
    );
    let result = command(&env.client, "specwright.spec.generateTasks", json!({"spec": "auth"})).await.expect("tasks");
    assert_eq!(result["problems"], json!([]));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one repair round");
    let repair = requests[1].body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .map(|m| m["content"].to_string())
        .unwrap_or_default();
    assert!(repair.contains("9.9 does not exist"), "{repair}");
    check_clean(&dir);
}

#[tokio::test]
async fn without_a_model_templates_are_written_atomically_and_said_to_be_templates() {
    // A client that cannot create files through edits: the server writes them itself.
    let env = start("no-model", Value::Null, false).await;
    let c = &env.client;
    let result = command(
        c,
        "specwright.spec.create",
        json!({"prompt": "The export button does nothing on Safari", "type": "bugfix", "quick": true}),
    )
    .await
    .expect("templates");
    let name = result["spec"].as_str().expect("name").to_string();
    assert_eq!(name, "export-button-does-nothing-safari");
    let dir = env.ws.path(&format!(".kiro/specs/{name}"));
    for file in ["bugfix.md", "design.md", "tasks.md", ".config.kiro"] {
        assert!(dir.join(file).is_file(), "{file} written");
    }
    assert!(
        std::fs::read_to_string(dir.join("bugfix.md"))
            .expect("bugfix")
            .contains("The export button does nothing on Safari")
    );
    assert!(result.get("draftedBy").is_none());
    let messages = c.notifications("window/showMessage");
    assert!(
        messages.iter().any(|m| m["message"].as_str().is_some_and(|t| t.contains("no model is configured"))),
        "{messages:?}"
    );
    check_clean(&dir);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left");
}

#[tokio::test]
async fn updating_tasks_keeps_finished_work() {
    let env = start("update", Value::Null, true).await;
    let reqs = specwright_specgen::render_value(specwright_specgen::DocTarget::Requirements, requirements_json())
        .expect("render");
    env.ws.write(".kiro/specs/auth/requirements.md", &reqs);
    let existing = "# Implementation Plan\n\n- [x] 1. Sign up\n  - _Requirements: 1.1, 1.2_\n";
    env.ws.write(".kiro/specs/auth/tasks.md", existing);
    let result = command(&env.client, "specwright.spec.generateTasks", json!({"spec": "auth"})).await.expect("update");
    let text = env.ws.read(".kiro/specs/auth/tasks.md");
    assert!(text.starts_with(existing.trim_end()), "the existing plan is kept verbatim:\n{text}");
    assert!(
        text.contains("- [ ] 2. Implement Log in\n  - Write the code and its unit tests\n  - _Requirements: 2.1, 2.2_"),
        "{text}"
    );
    assert_eq!(result["addedTasks"], json!(["2"]));
    check_clean(&env.ws.path(".kiro/specs/auth"));
}

#[tokio::test]
async fn next_steps_are_offered_and_bad_requests_are_clear_errors() {
    let env = start("steps", Value::Null, true).await;
    let reqs = specwright_specgen::render_value(specwright_specgen::DocTarget::Requirements, requirements_json())
        .expect("render");
    let path = env.ws.write(".kiro/specs/auth/requirements.md", &reqs);
    let c = &env.client;
    let doc = c.did_open(&path).await;
    let actions = c
        .request_ok(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": doc}, "range": range(0, 0, 0, 0), "context": {"diagnostics": []}}),
        )
        .await;
    let design = actions
        .as_array()
        .and_then(|a| a.iter().find(|a| a["title"] == "Generate design from requirements").cloned())
        .unwrap_or_else(|| panic!("offered: {actions:#}"));
    let run = c.request("workspace/executeCommand", design["command"].clone()).await.expect("runs");
    assert!(env.ws.path(".kiro/specs/auth/design.md").is_file(), "{run}");

    for (cmd, arg, needle) in [
        ("specwright.spec.create", json!({"prompt": ""}), "prompt"),
        ("specwright.spec.create", json!({"prompt": "x", "name": "../escape"}), "not a valid spec name"),
        ("specwright.spec.create", json!({"prompt": "x", "name": "auth"}), "exists"),
        ("specwright.spec.generateDesign", json!({"spec": "nope"}), "no spec named"),
        (
            "specwright.spec.refine",
            json!({"spec": "auth", "document": "requirements", "instruction": "shorter"}),
            "needs a model",
        ),
        ("specwright.spec.refine", json!({"spec": "auth", "document": "poem", "instruction": "x"}), "unknown document"),
    ] {
        let err = command(c, cmd, arg).await.expect_err(cmd);
        assert!(err["message"].as_str().is_some_and(|m| m.contains(needle)), "{cmd}: {err}");
    }
    // The same through the custom request.
    let via_request =
        c.request("specwright/spec/generateTasks", json!({"spec": "auth"})).await.expect("custom request");
    assert_eq!(via_request["spec"], "auth");
    tokio::time::sleep(Duration::from_millis(10)).await;
}

#[tokio::test]
async fn the_real_binary_generates_over_stdio_for_both_wire_formats() {
    for wire in BOTH {
        let server = ScriptedServer::start(vec![
            answer(wire, "requirements_document", &requirements_json(), 5),
            answer(wire, "design_document", &design_json(), 5),
            answer(wire, "tasks_document", &tasks_json(&["1.1", "1.2", "2.1", "2.2"]), 5),
        ])
        .await
        .expect("server");
        let ws = TempWorkspace::new(&format!("stdio-gen-{wire:?}"));
        let client = Client::spawn_binary();
        client.initialize_with(&[ws.root.as_path()], options(wire, &server), true).await;
        let created =
            command(&client, "specwright.spec.create", json!({"prompt": "Login", "name": "auth", "quick": true}))
                .await
                .expect("quick create");
        assert_eq!(created["documents"].as_array().map(Vec::len), Some(3), "{created}");
        let dir = ws.path(".kiro/specs/auth");
        check_clean(&dir);
        let order: Vec<String> = client
            .notifications("specwright/stream")
            .iter()
            .map(|p| p["document"].as_str().unwrap_or_default().to_string())
            .fold(Vec::new(), |mut acc, d| {
                if acc.last() != Some(&d) {
                    acc.push(d);
                }
                acc
            });
        assert_eq!(order, ["requirements", "design", "tasks"], "streams arrive in order");
        assert!(client.protocol_errors().is_empty(), "{:?}", client.protocol_errors());
        client.shutdown_and_exit().await;
    }
}

#[tokio::test]
async fn refine_rewrites_one_document_and_design_first_starts_with_design() {
    let wire = Wire::Anthropic;
    let mut refined = requirements_json();
    refined["requirements"][1]["title"] = json!("Log in with a password");
    let server = ScriptedServer::start(vec![
        answer(wire, "design_document", &design_json(), 0),
        answer(wire, "requirements_document", &refined, 0),
    ])
    .await
    .expect("server");
    let env = start("refine", options(wire, &server), true).await;
    let c = &env.client;
    let created =
        command(c, "specwright.spec.create", json!({"prompt": "Auth", "name": "auth", "workflow": "design-first"}))
            .await
            .expect("design first");
    assert_eq!(created["documents"], json!([uri(&env.ws.path(".kiro/specs/auth/design.md"))]));
    assert!(!env.ws.path(".kiro/specs/auth/requirements.md").exists());
    let config = env.ws.read(".kiro/specs/auth/.config.kiro");
    assert!(config.contains("\"design-first\""), "{config}");

    let reqs = specwright_specgen::render_value(specwright_specgen::DocTarget::Requirements, requirements_json())
        .expect("render");
    let path = env.ws.write(".kiro/specs/auth/requirements.md", &reqs);
    // The editor has the document open: the refinement replaces its text, versioned.
    let doc = c.did_open(&path).await;
    let instruction = "Say that login uses a password";
    let result = command(
        c,
        "specwright.spec.refine",
        json!({"spec": doc, "document": "requirements", "instruction": instruction}),
    )
    .await
    .expect("refined");
    assert_eq!(result["documents"], json!([doc]));
    let text = c.text(&doc).expect("open copy");
    assert!(text.contains("### Requirement 2: Log in with a password"), "{text}");
    assert!(text.contains("### Requirement 1: Sign up"), "the rest is kept");
    let asked = server.requests()[1].body.to_string();
    assert!(asked.contains(instruction) && asked.contains("Revise the requirements.md"), "{asked}");
    let edits = c.server_requests("workspace/applyEdit");
    let last = edits.last().expect("an edit");
    assert_eq!(last["edit"]["documentChanges"][0]["textDocument"]["version"], 1, "versioned against the open document");
}

/// A Markdown answer to a structured request, as a server or proxy that
/// ignores `response_format` (or drops the forced tool) sends it: plain
/// text, fenced, with chatter around it. Both wire formats carry it as text.
fn markdown(doc: &str) -> Reply {
    let text = format!("Here is the document:\n\n```markdown\n{doc}```\n\nShall I go on?");
    let chunks = text.as_bytes().chunks(30).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    Reply::Text { chunks, delay_ms: 0 }
}

const DESIGN_MD: &str = "# Design Document\n\n## Overview\n\nAn auth service.\n\n## Architecture\n\n\
Routes call the Auth_Service.\n\n## Components and Interfaces\n\n### Auth_Service\n\nSigns users up and in.\n\n\
## Data Models\n\n### User\n\nA registered user.\n\n## Correctness Properties\n\n### Property 1: Login round trip\n\n\
For any registered user, logging in yields a token for that user.\n\n**Validates: Requirements 1.1, 2.1**\n\n\
## Error Handling\n\n- **Duplicate email**: HTTP 409\n\n## Testing Strategy\n\nUnit and property tests.\n";

const TASKS_MD: &str = "# Implementation Plan\n\n- [ ] 1. Sign up\n  - _Requirements: 1.1, 1.2_\n\n\
- [ ] 2. Log in\n  - _Requirements: 2.1, 2.2_\n";

#[tokio::test]
async fn markdown_answers_to_structured_requests_are_written_for_both_wire_formats() {
    let requirements_md =
        specwright_specgen::render_value(specwright_specgen::DocTarget::Requirements, requirements_json())
            .expect("render");
    for wire in BOTH {
        let server = ScriptedServer::start(vec![markdown(&requirements_md), markdown(DESIGN_MD), markdown(TASKS_MD)])
            .await
            .expect("server");
        let env = start(&format!("markdown-{wire:?}"), options(wire, &server), true).await;
        let c = &env.client;
        let created = command(c, "specwright.spec.create", json!({"prompt": "Auth", "name": "auth"}))
            .await
            .expect("a Markdown document is accepted");
        assert_eq!(created["problems"], json!([]), "{created}");
        let dir = env.ws.path(".kiro/specs/auth");
        assert_eq!(env.ws.read(".kiro/specs/auth/requirements.md"), requirements_md, "{wire:?}");
        let streamed = streamed(c, &uri(&dir.join("requirements.md")));
        assert!(streamed.starts_with(&requirements_md), "the Markdown streams as it arrives: {streamed}");
        let design = command(c, "specwright.spec.generateDesign", json!({"spec": "auth"})).await.expect("design");
        assert_eq!(design["problems"], json!([]), "{design}");
        assert_eq!(env.ws.read(".kiro/specs/auth/design.md"), DESIGN_MD, "{wire:?}");
        let tasks = command(c, "specwright.spec.generateTasks", json!({"spec": "auth"})).await.expect("tasks");
        assert_eq!(tasks["problems"], json!([]), "{tasks}");
        assert_eq!(env.ws.read(".kiro/specs/auth/tasks.md"), TASKS_MD, "{wire:?}");
        check_clean(&dir);
        let requests = server.requests();
        assert_eq!(requests.len(), 3, "no repair round");
        for r in &requests {
            match wire {
                Wire::Anthropic => assert_eq!(r.body["tool_choice"]["type"], "tool"),
                Wire::OpenAi => assert_eq!(r.body["response_format"]["type"], "json_schema"),
            }
        }
    }
}

#[tokio::test]
async fn an_answer_that_is_neither_json_nor_a_document_is_refused() {
    for wire in BOTH {
        let chatter = || Reply::Text { chunks: vec!["Sorry, I cannot do that.".into()], delay_ms: 0 };
        let server = ScriptedServer::start(vec![chatter(), chatter(), chatter()]).await.expect("server");
        let env = start(&format!("neither-{wire:?}"), options(wire, &server), true).await;
        let err = command(&env.client, "specwright.spec.create", json!({"prompt": "Auth", "name": "auth"}))
            .await
            .expect_err("refused");
        let message = err["message"].as_str().unwrap_or_default();
        assert!(message.contains("neither JSON following the schema nor a Markdown requirements.md"), "{err}");
        assert!(!env.ws.path(".kiro/specs/auth").exists(), "nothing written");
        assert_eq!(server.requests().len(), 3, "two repair rounds first");
    }
}

#[tokio::test]
async fn tasks_the_model_cannot_plan_are_derived_from_the_requirements() {
    for wire in BOTH {
        let empty = answer(wire, "tasks_document", &json!({"tasks": []}), 0);
        let wrong = markdown("# Implementation Plan\n\n- [ ] 1. Everything\n  - _Requirements: 9.9_\n");
        let server = ScriptedServer::start(vec![empty.clone(), wrong, empty]).await.expect("server");
        let env = start(&format!("derived-{wire:?}"), options(wire, &server), true).await;
        let reqs = specwright_specgen::render_value(specwright_specgen::DocTarget::Requirements, requirements_json())
            .expect("render");
        env.ws.write(".kiro/specs/auth/requirements.md", &reqs);
        let c = &env.client;
        let result = command(c, "specwright.spec.generateTasks", json!({"spec": "auth"})).await.expect("derived");
        let problems = result["problems"].as_array().cloned().unwrap_or_default();
        assert_eq!(problems.len(), 1, "{result}");
        assert!(
            problems[0].as_str().is_some_and(|p| p.starts_with("tasks.md was derived from the requirements")),
            "{result}"
        );
        let messages = c.notifications("window/showMessage");
        assert!(
            messages.iter().any(|m| m["message"].as_str().is_some_and(|t| t.contains("without the model's help"))),
            "{messages:?}"
        );
        let text = env.ws.read(".kiro/specs/auth/tasks.md");
        assert!(text.starts_with("# Implementation Plan\n\n_These tasks were derived from the requirements"), "{text}");
        assert!(text.contains(
            "- [ ] 1. Implement Sign up\n  - Write the code and its unit tests\n  - _Requirements: 1.1, 1.2_"
        ));
        assert!(text.contains(
            "- [ ] 2. Implement Log in\n  - Write the code and its unit tests\n  - _Requirements: 2.1, 2.2_"
        ));
        check_clean(&env.ws.path(".kiro/specs/auth"));
        assert_eq!(server.requests().len(), 3);
        let schema = match wire {
            Wire::Anthropic => server.requests()[0].body["tools"][0]["input_schema"].clone(),
            Wire::OpenAi => server.requests()[0].body["response_format"]["json_schema"]["schema"].clone(),
        };
        assert_eq!(schema["properties"]["tasks"]["minItems"], 1, "{schema}");
    }
}

#[tokio::test]
async fn a_quick_create_ends_valid_when_the_model_can_write_nothing_usable() {
    for wire in BOTH {
        let chatter = || Reply::Text { chunks: vec!["Sorry, I cannot do that.".into()], delay_ms: 0 };
        let server = ScriptedServer::start((0..9).map(|_| chatter()).collect()).await.expect("server");
        let env = start(&format!("quick-templates-{wire:?}"), options(wire, &server), true).await;
        let result = command(
            &env.client,
            "specwright.spec.create",
            json!({"prompt": "Users log in", "name": "auth", "quick": true}),
        )
        .await
        .expect("written from the templates");
        let problems: Vec<String> = result["problems"]
            .as_array()
            .map(|p| p.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        for doc in ["requirements.md", "design.md"] {
            assert!(
                problems.iter().any(|p| p.starts_with(&format!("{doc} was written from Specwright's template"))),
                "{wire:?}: {problems:?}"
            );
        }
        assert!(problems.iter().any(|p| p.starts_with("tasks.md was derived from the requirements")), "{problems:?}");
        let spec = env.ws.path(".kiro/specs/auth");
        assert!(env.ws.read(".kiro/specs/auth/design.md").contains("Specwright wrote this from its template"));
        let analysis = analyze(&Spec::load(&spec));
        let errors: Vec<&str> =
            analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.message.as_str()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(server.requests().len(), 9, "three tries for each document");
    }
}

/// `"specwright.model.provider": "demo"`: an editor user tries generation
/// with no key; the demo model streams a whole spec that checks clean.
#[tokio::test]
async fn the_demo_provider_streams_a_whole_spec_with_no_key() {
    let options = json!({"specwright": {"model": {"provider": "demo", "baseUrl": "https://api.example.com/v1"}}});
    let env = start("demo-provider", options, true).await;
    let c = &env.client;
    let result =
        command(c, "specwright.spec.create", json!({"prompt": "A to-do list", "quick": true})).await.expect("created");
    let name = result["spec"].as_str().expect("name").to_string();
    assert!(result["draftedBy"].as_str().is_some_and(|d| d.contains("demo")), "{result}");
    let dir = env.ws.path(&format!(".kiro/specs/{name}"));
    for file in ["requirements.md", "design.md", "tasks.md"] {
        let text = std::fs::read_to_string(dir.join(file)).expect(file);
        let uri = support::uri(&dir.join(file));
        assert_eq!(streamed(c, &uri).len(), text.len(), "{file} streamed to the editor as it was written");
    }
    assert!(std::fs::read_to_string(dir.join("requirements.md")).expect("read").contains("canned"));
    check_clean(&dir);
}
