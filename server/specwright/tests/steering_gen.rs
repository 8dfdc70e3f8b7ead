//! Steering generation: `specwright.steering.generate` through the language
//! server (in process) and `specwright steering init` on the command line.
//! Missing documents are created with the repository's facts; existing ones
//! are never overwritten: a change is proposed as an annotated edit that
//! needs confirmation, or not at all when the editor cannot ask.

mod support;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

const FILES: [&str; 3] = ["product.md", "tech.md", "structure.md"];
const ANNOTATIONS: &str = r#"{"workspace": {"workspaceEdit": {"changeAnnotationSupport": {"groupsOnLabel": true}}}}"#;

/// A TypeScript project: Express, Jest, npm scripts, three top folders, a
/// spec and a root AGENTS.md, and no `.kiro/steering/`.
fn ts_workspace(label: &str) -> TempWorkspace {
    let ws = TempWorkspace::new(label);
    ws.write(
        "package.json",
        &json!({
            "name": "shop-api",
            "description": "The shop's HTTP API",
            "scripts": {"build": "tsc -p .", "test": "jest --coverage", "start": "node dist/server.js"},
            "dependencies": {"express": "^4.19.0"},
            "devDependencies": {"jest": "^29.7.0", "typescript": "^5.4.0"}
        })
        .to_string(),
    );
    ws.write("package-lock.json", "{}\n");
    ws.write("src/server.ts", "import express from 'express';\nexport const app = express();\n");
    ws.write("tests/server.test.ts", "test('app', () => {});\n");
    ws.write("docs/api.md", "# API\n");
    ws.write("AGENTS.md", "Run `npm test` before committing.\n");
    demo::write(&ws);
    ws
}

async fn start(ws: &TempWorkspace, options: Value, editor: bool, extra: Value) -> Client {
    let client = Client::in_process();
    client.initialize_with_capabilities(&[ws.root.as_path()], options, editor, extra).await;
    // The start-up publish of a spec document means the world is loaded.
    client.wait_diagnostics(&ws.uri(demo::TASKS_PATH), |_| true).await;
    client
}

async fn generate(client: &Client, arg: Value) -> Value {
    client
        .request_ok("workspace/executeCommand", json!({"command": "specwright.steering.generate", "arguments": [arg]}))
        .await
}

async fn actions(client: &Client, uri: &str) -> Value {
    client
        .request_ok(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(0, 0, 0, 0), "context": {"diagnostics": []}}),
        )
        .await
}

fn steering_action(actions: &Value) -> Option<Value> {
    actions.as_array()?.iter().find(|a| a["title"] == "Generate steering documents").cloned()
}

fn uris(ws: &TempWorkspace, files: &[&str]) -> Value {
    json!(files.iter().map(|f| ws.uri(&format!(".kiro/steering/{f}"))).collect::<Vec<_>>())
}

fn messages(client: &Client) -> Vec<String> {
    client
        .notifications("window/showMessage")
        .iter()
        .filter_map(|m| m["message"].as_str().map(str::to_string))
        .collect()
}

fn assert_facts(ws: &TempWorkspace) {
    for f in FILES {
        let text = ws.read(&format!(".kiro/steering/{f}"));
        assert!(text.starts_with("---\ninclusion: always\n---\n"), "{f}: {text}");
    }
    let product = ws.read(".kiro/steering/product.md");
    assert!(product.contains("- Name: `shop-api` (from the root manifest)"), "{product}");
    assert!(product.contains("an HTTP server (express)"), "{product}");
    let tech = ws.read(".kiro/steering/tech.md");
    for fact in [
        "- TypeScript (2 files)",
        "- express",
        "- jest",
        "- npm",
        "- `npm run build`: `tsc -p .`",
        "- `npm run test`: `jest --coverage`",
        "- `npm run start`: `node dist/server.js`",
        "- `package.json`",
    ] {
        assert!(tech.lines().any(|l| l == fact), "{fact:?} in tech.md:\n{tech}");
    }
    let structure = ws.read(".kiro/steering/structure.md");
    for folder in ["- `docs/`", "- `src/`", "- `tests/`"] {
        assert!(structure.lines().any(|l| l.starts_with(folder)), "{folder:?} in structure.md:\n{structure}");
    }
}

#[tokio::test]
async fn the_code_action_creates_the_three_documents_with_the_facts() {
    let ws = ts_workspace("steer-create");
    let c = start(&ws, Value::Null, true, Value::Null).await;

    // Offered on a spec document and on AGENTS.md while there is no steering.
    let on_spec = actions(&c, &ws.uri(demo::REQUIREMENTS_PATH)).await;
    let action = steering_action(&on_spec).unwrap_or_else(|| panic!("offered: {on_spec:#}"));
    assert_eq!(action["command"]["command"], "specwright.steering.generate");
    assert_eq!(action["command"]["arguments"], json!([{"root": uri(&ws.root)}]));
    assert!(
        on_spec.as_array().is_some_and(|a| a.iter().any(|x| x["title"] == "Generate design from requirements")),
        "the next step stays: {on_spec:#}"
    );
    let agents = c.did_open(&ws.path("AGENTS.md")).await;
    assert!(steering_action(&actions(&c, &agents).await).is_some(), "offered on AGENTS.md");

    let result = c.request_ok("workspace/executeCommand", action["command"].clone()).await;
    assert_eq!(result["created"], uris(&ws, &FILES), "{result:#}");
    assert_eq!(result["proposed"], json!([]));
    assert_eq!(result["unchanged"], json!([]));
    assert!(result.get("draftedBy").is_none(), "no model: {result}");
    assert_facts(&ws);

    // One edit, creating the files; then the first is shown.
    let edits = c.server_requests("workspace/applyEdit");
    assert_eq!(edits.len(), 1, "{edits:#?}");
    let changes = edits[0]["edit"]["documentChanges"].as_array().cloned().unwrap_or_default();
    assert_eq!(changes.iter().filter(|ch| ch["kind"] == "create").count(), 3, "{changes:#?}");
    let shown = c.server_requests("window/showDocument");
    assert_eq!(shown.last().map(|s| s["uri"].clone()), Some(json!(ws.uri(".kiro/steering/product.md"))));
    // The new documents are steering the server checks: clean.
    let diags = c.wait_diagnostics(&ws.uri(".kiro/steering/tech.md"), |_| true).await;
    assert!(diags.is_empty(), "{diags:#?}");

    // Gone once steering exists, on both documents.
    assert_eq!(steering_action(&actions(&c, &ws.uri(demo::REQUIREMENTS_PATH)).await), None);
    assert_eq!(steering_action(&actions(&c, &agents).await), None);

    // Again: nothing changes, nothing is sent.
    let again = generate(&c, json!({})).await;
    assert_eq!(again["unchanged"], uris(&ws, &FILES), "{again:#}");
    assert_eq!(again["created"], json!([]));
    assert_eq!(again["proposed"], json!([]));
    assert_eq!(c.server_requests("workspace/applyEdit").len(), 1);
}

#[tokio::test]
async fn an_edited_document_gets_a_proposal_that_needs_confirmation() {
    let ws = ts_workspace("steer-propose");
    let extra: Value = serde_json::from_str(ANNOTATIONS).expect("json");
    let c = start(&ws, Value::Null, true, extra).await;
    generate(&c, json!({"root": uri(&ws.root)})).await;
    let generated = ws.read(".kiro/steering/tech.md");
    let edited = generated.replace("## Conventions", "## Conventions\n\nWe pin Node 20.");
    ws.write(".kiro/steering/tech.md", &edited);

    // The user declines: the file stays as the user wrote it.
    c.set_edit_policy(EditPolicy::Refuse);
    let result = generate(&c, json!({})).await;
    assert_eq!(result["proposed"], uris(&ws, &["tech.md"]), "{result:#}");
    assert_eq!(result["unchanged"], uris(&ws, &["product.md", "structure.md"]));
    assert_eq!(result["created"], json!([]));
    assert_eq!(ws.read(".kiro/steering/tech.md"), edited, "refused: untouched");
    let edits = c.server_requests("workspace/applyEdit");
    let proposal = edits.last().expect("a proposal")["edit"].clone();
    let annotations = proposal["changeAnnotations"].as_object().cloned().unwrap_or_default();
    assert_eq!(annotations.len(), 1, "{proposal:#}");
    let (id, annotation) = annotations.iter().next().expect("one annotation");
    assert_eq!(annotation["label"], "Proposed by Specwright");
    assert_eq!(annotation["needsConfirmation"], true);
    let changes = proposal["documentChanges"].as_array().cloned().unwrap_or_default();
    assert_eq!(changes.len(), 1, "only tech.md: {proposal:#}");
    assert_eq!(changes[0]["textDocument"]["uri"], ws.uri(".kiro/steering/tech.md"));
    let edit = &changes[0]["edits"][0];
    assert_eq!(edit["annotationId"], json!(id));
    assert_eq!(edit["newText"], json!(generated));
    assert_eq!(range_tuple(&edit["range"]).0, 0, "the whole text");
    assert!(messages(&c).iter().any(|m| m.contains(".kiro/steering/tech.md")), "{:?}", messages(&c));

    // The user confirms: now it changes.
    c.set_edit_policy(EditPolicy::Apply);
    let result = generate(&c, json!({})).await;
    assert_eq!(result["proposed"], uris(&ws, &["tech.md"]), "{result:#}");
    assert_eq!(ws.read(".kiro/steering/tech.md"), generated, "applied");
    let result = generate(&c, json!({})).await;
    assert_eq!(result["unchanged"], uris(&ws, &FILES), "{result:#}");
}

#[tokio::test]
async fn an_open_edited_document_is_proposed_against_the_editors_text() {
    let ws = ts_workspace("steer-open");
    let extra: Value = serde_json::from_str(ANNOTATIONS).expect("json");
    let c = start(&ws, Value::Null, true, extra).await;
    generate(&c, json!({})).await;
    let path = ws.path(".kiro/steering/product.md");
    let on_disk = ws.read(".kiro/steering/product.md");
    let uri = c.did_open(&path).await;
    let version = c.did_change_range(&uri, range(4, 0, 4, 0), "Unsaved words.\n").await;
    let result = generate(&c, json!({})).await;
    assert_eq!(result["proposed"], uris(&ws, &["product.md"]), "{result:#}");
    let proposal = c.server_requests("workspace/applyEdit").last().cloned().expect("a proposal");
    assert_eq!(proposal["edit"]["documentChanges"][0]["textDocument"]["version"], json!(version));
    assert_eq!(c.text(&uri).as_deref(), Some(on_disk.as_str()), "applied to the open copy");
}

#[tokio::test]
async fn without_change_annotations_nothing_is_changed_and_a_message_names_the_file() {
    let ws = ts_workspace("steer-noannot");
    let ours = "---\ninclusion: always\n---\n\n# Tech\n\nOur own words.\n";
    ws.write(".kiro/steering/tech.md", ours);
    let c = start(&ws, Value::Null, true, Value::Null).await;
    // Steering exists: not offered.
    assert_eq!(steering_action(&actions(&c, &ws.uri(demo::REQUIREMENTS_PATH)).await), None);

    let result = generate(&c, json!({})).await;
    assert_eq!(result["created"], uris(&ws, &["product.md", "structure.md"]), "{result:#}");
    assert_eq!(result["proposed"], uris(&ws, &["tech.md"]));
    assert_eq!(ws.read(".kiro/steering/tech.md"), ours);
    let tech_uri = ws.uri(".kiro/steering/tech.md");
    for edit in c.server_requests("workspace/applyEdit") {
        assert!(!edit.to_string().contains(&tech_uri), "tech.md is never edited: {edit:#}");
    }
    let named: Vec<String> = messages(&c).into_iter().filter(|m| m.contains(".kiro/steering/tech.md")).collect();
    assert_eq!(named.len(), 1, "{:?}", messages(&c));
    assert!(named[0].contains("left"), "{named:?}");
}

#[tokio::test]
async fn an_editor_that_cannot_create_files_gets_them_written_by_the_server() {
    let ws = ts_workspace("steer-plain");
    let c = start(&ws, Value::Null, false, Value::Null).await;
    let result = generate(&c, json!({})).await;
    assert_eq!(result["created"], uris(&ws, &FILES), "{result:#}");
    assert!(c.server_requests("workspace/applyEdit").is_empty());
    assert_facts(&ws);
    let bad = c
        .request_err(
            "workspace/executeCommand",
            json!({"command": "specwright.steering.generate", "arguments": [{"root": 7}]}),
        )
        .await;
    assert_eq!(bad["code"], -32602, "{bad}");
}

/// The fact document of `file` with prose in place of its TODO(team)
/// paragraphs, as a well-behaved model answers.
fn with_prose(facts_text: &str, prose: &str) -> String {
    facts_text
        .lines()
        .filter(|l| !l.starts_with("<!-- Generated by Specwright"))
        .map(|l| match l.split_once("TODO(team)") {
            Some(("", _)) => prose.to_string(),
            Some((fact, _)) => format!("{}: {prose}", fact.trim_end_matches([' ', ';', ':'])),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_model_writes_the_prose_and_the_facts_stay() {
    let ws = ts_workspace("steer-model");
    let facts = specwright_steering::render_steering(&specwright_steering::facts(&ws.root));
    let prose = "The shop-api serves the storefront's catalogue and orders.";
    let product = with_prose(&facts[0].1, prose);
    let tech = with_prose(&facts[1].1, prose);
    // structure.md leaves out a folder: its prose is not used.
    let structure =
        with_prose(&facts[2].1, prose).lines().filter(|l| !l.starts_with("- `docs/`")).collect::<Vec<_>>().join("\n");
    let server = ScriptedServer::start(vec![
        Reply::chunks([format!("```markdown\n{product}\n```")]),
        Reply::text(tech),
        Reply::text(structure),
    ])
    .await
    .expect("scripted server");
    let options = json!({"specwright": {"model": {
        "provider": "openai", "model": "test-model", "baseUrl": format!("{}/v1", server.base_url()),
        "maxRetries": 0, "timeoutSeconds": 10, "structuredOutput": false
    }}});
    let c = start(&ws, options, true, Value::Null).await;
    let result = generate(&c, json!({})).await;
    assert_eq!(result["created"], uris(&ws, &FILES), "{result:#}");
    assert!(result["draftedBy"].as_str().is_some_and(|d| d.contains("test-model")), "{result:#}");
    assert_facts(&ws);
    for f in ["product.md", "tech.md"] {
        let text = ws.read(&format!(".kiro/steering/{f}"));
        assert!(text.contains(prose), "{f}: {text}");
        assert!(!text.contains("without a model"), "{f}: {text}");
    }
    assert_eq!(ws.read(".kiro/steering/structure.md"), facts[2].1, "the fact-only structure.md");
    assert!(
        messages(&c).iter().any(|m| m.contains("structure.md") && m.contains("- `docs/`")),
        "the fallback is reported: {:?}",
        messages(&c)
    );

    // The model saw each fact document and the codebase; progress was reported.
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let body = requests[1].raw_body.clone();
    assert!(body.contains(".kiro/steering/tech.md") && body.contains("npm run test"), "{body}");
    assert!(body.contains("src/server.ts"), "the codebase: {body}");
    let progress = c.notifications("$/progress");
    assert!(progress.iter().any(|p| p["value"]["kind"] == "begin"), "{progress:#?}");
    assert!(progress.iter().any(|p| p["value"]["kind"] == "end"), "{progress:#?}");
}

#[test]
fn the_cli_writes_missing_documents_and_leaves_existing_ones() {
    let ws = ts_workspace("steer-cli");
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
            .args(["steering", "init", "--dir"])
            .arg(&ws.root)
            .args(extra)
            .env_remove("SPECWRIGHT_PROVIDER")
            .env_remove("SPECWRIGHT_BASE_URL")
            .output()
            .expect("runs")
    };
    let out = run(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    for f in FILES {
        let path = ws.path(&format!(".kiro/steering/{f}"));
        assert!(stdout.lines().any(|l| l == format!("wrote {}", path.display())), "{stdout}");
    }
    assert_facts(&ws);

    let generated = ws.read(".kiro/steering/tech.md");
    let ours = "---\ninclusion: always\n---\n\nOur own words.\n";
    ws.write(".kiro/steering/tech.md", ours);
    let out = run(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let tech = ws.path(".kiro/steering/tech.md");
    assert!(stdout.contains(&format!("exists, left as is: {}", tech.display())), "{stdout}");
    assert!(stdout.contains(&format!("unchanged: {}", ws.path(".kiro/steering/product.md").display())), "{stdout}");
    assert!(!stdout.contains("wrote "), "{stdout}");
    assert!(!stdout.contains("## Languages"), "no proposal without --print-proposals: {stdout}");
    assert_eq!(ws.read(".kiro/steering/tech.md"), ours);
    let leftovers: Vec<_> = std::fs::read_dir(ws.path(".kiro/steering"))
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !FILES.contains(&n.as_str()))
        .collect();
    assert!(leftovers.is_empty(), "nothing written beside: {leftovers:?}");

    let out = run(&["--print-proposals"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.contains(&generated), "the proposal is printed: {stdout}");
    assert_eq!(ws.read(".kiro/steering/tech.md"), ours);
}
