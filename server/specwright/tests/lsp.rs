//! The language server in process, over in-memory pipes: every feature on
//! the `demo` fixture spec, state changes (open, change, watched files,
//! status edits), multi-root workspaces and malformed requests.

mod support;

use serde_json::{Value, json};
use support::*;

/// A workspace with the demo spec and an initialized in-process server.
struct Session {
    ws: TempWorkspace,
    client: Client,
    requirements: String,
    design: String,
    tasks: String,
}

impl Session {
    async fn start(label: &str) -> Self {
        let ws = TempWorkspace::new(label);
        demo::write(&ws);
        let client = Client::in_process();
        let init = client.initialize(&ws.root).await;
        assert_eq!(init["serverInfo"]["name"], "specwright");
        let s = Self {
            requirements: ws.uri(demo::REQUIREMENTS_PATH),
            design: ws.uri(demo::DESIGN_PATH),
            tasks: ws.uri(demo::TASKS_PATH),
            ws,
            client,
        };
        // The start-up publish of the last document means the world is loaded.
        s.client.wait_diagnostics(&s.tasks, |_| true).await;
        s
    }
}

fn codes(diags: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diags.iter().map(|d| d["code"].as_str().unwrap_or("?").to_string()).collect();
    codes.sort();
    codes
}

fn hover_text(hover: &Value) -> String {
    hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("hover without markup: {hover}")).to_string()
}

/// The command of a next-step lens or code action: `title` running
/// `command` on the spec folder `spec`.
fn next_step(title: &str, command: &str, spec: &str) -> Value {
    json!({"title": title, "command": command, "arguments": [{"spec": spec}]})
}

const GENERATE_DESIGN: &str = "Generate design from requirements";
const UPDATE_TASKS: &str = "Update tasks from requirements";
const GENERATE_TASKS: &str = "Generate tasks from spec";

/// The lenses at the top of a document that run a generation command.
fn next_step_lenses(lenses: &Value) -> Vec<Value> {
    let lenses = lenses.as_array().cloned().unwrap_or_default();
    let steps: Vec<Value> = lenses
        .iter()
        .filter(|l| l["command"]["command"].as_str().is_some_and(|c| c.starts_with("specwright.spec.")))
        .cloned()
        .collect();
    for l in &steps {
        assert_eq!(l["range"], range(0, 0, 0, 0), "next steps sit at the top: {l}");
    }
    steps.into_iter().map(|l| l["command"].clone()).collect()
}

#[tokio::test]
async fn initialize_advertises_features_and_registers_watchers() {
    let ws = TempWorkspace::new("init");
    demo::write(&ws);
    let client = Client::in_process();
    let init = client.initialize(&ws.root).await;
    let caps = &init["capabilities"];
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    let commands = json!([
        "specwright.task.setStatus",
        "specwright.spec.create",
        "specwright.spec.generateDesign",
        "specwright.spec.generateTasks",
        "specwright.spec.refine",
        "specwright.steering.generate",
        "specwright.hook.run",
        "specwright.hook.toggle",
        "specwright.hooks.trust",
        "specwright.test.generateSkeleton",
        "specwright.chat.openDocument",
        "specwright.task.start",
        "specwright.tasks.runAll",
        "specwright.checkpoint.list",
        "specwright.checkpoint.restore",
    ]);
    assert_eq!(caps["executeCommandProvider"]["commands"], commands);
    // Created and deleted files are announced (they fire agent hooks).
    for op in ["didCreate", "didDelete"] {
        assert_eq!(caps["workspace"]["fileOperations"][op]["filters"][0]["pattern"]["glob"], "**/*", "{caps}");
    }
    assert_eq!(caps["executeCommandProvider"]["commands"], json!(specwright::lsp::ext::COMMANDS), "every command");
    client.wait_diagnostics(&ws.uri(demo::TASKS_PATH), |_| true).await;
    let registrations = client.server_requests("client/registerCapability");
    assert_eq!(registrations.len(), 1, "{registrations:?}");
    let r = &registrations[0]["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(r["registerOptions"]["watchers"][0]["globPattern"], "**/.kiro/**");
    let last = r["registerOptions"]["watchers"].as_array().and_then(|w| w.last()).cloned().unwrap_or_default();
    assert_eq!(last, json!({"globPattern": "**/*", "kind": 5}), "every file's creation (1) and deletion (4)");
    assert!(client.protocol_errors().is_empty(), "{:?}", client.protocol_errors());
}

#[tokio::test]
async fn diagnostics_are_published_at_start_up_for_every_document() {
    let s = Session::start("startup").await;
    let c = &s.client;

    let tasks = c.wait_diagnostics(&s.tasks, |_| true).await;
    assert_eq!(tasks.len(), 1, "only the dangling 9.9 in tasks.md: {tasks:#?}");
    let d = &tasks[0];
    assert_eq!(d["code"], "dangling-reference");
    assert_eq!(d["severity"], 1, "an error");
    assert_eq!(d["source"], "specwright");
    assert!(d["message"].as_str().unwrap_or_default().contains("9.9"), "{d}");
    let (line, col) = pos_of(demo::TASKS, "9.9");
    assert_eq!(range_tuple(&d["range"]), (line.into(), col.into(), line.into(), u64::from(col) + 3), "exactly `9.9`");

    let reqs = c.wait_diagnostics(&s.requirements, |_| true).await;
    assert_eq!(codes(&reqs), ["not-ears", "uncovered-criterion", "uncovered-criterion"], "{reqs:#?}");
    let not_ears = with_code(&reqs, "not-ears");
    assert_eq!(not_ears[0]["range"]["start"]["line"], line_of(demo::REQUIREMENTS, "3. The login page"));
    assert_eq!(not_ears[0]["severity"], 2, "a warning");
    let mut uncovered: Vec<u64> = with_code(&reqs, "uncovered-criterion")
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap_or_default())
        .collect();
    uncovered.sort_unstable();
    let expected =
        [line_of(demo::REQUIREMENTS, "3. The login page"), line_of(demo::REQUIREMENTS, "1. WHEN an auditor")]
            .map(u64::from);
    assert_eq!(uncovered, expected);

    let design = c.wait_diagnostics(&s.design, |_| true).await;
    assert!(design.is_empty(), "design.md is clean: {design:#?}");

    assert_eq!(c.published_uris().len(), 3, "one entry per spec document: {:?}", c.published_uris());
    assert!(c.protocol_errors().is_empty());
}

#[tokio::test]
async fn incremental_changes_update_diagnostics() {
    let s = Session::start("change").await;
    let c = &s.client;
    let path = s.ws.path(demo::TASKS_PATH);
    c.did_open(&path).await;
    let opened = c.wait_version(&s.tasks, 1).await;
    assert_eq!(codes(opened["diagnostics"].as_array().map_or(&[][..], Vec::as_slice)), ["dangling-reference"]);

    // `9.9` → `1.1`: the error goes away.
    let (line, col) = pos_of(demo::TASKS, "9.9");
    let seen = c.publish_count(&s.tasks);
    let version = c.did_change_range(&s.tasks, range(line, col, line, col + 3), "1.1").await;
    assert_eq!(version, 2);
    let publish = c.wait_publish_after(&s.tasks, seen).await;
    assert_eq!(publish["version"], 2, "diagnostics carry the document's version");
    assert_eq!(publish["diagnostics"], json!([]), "the dangling reference is fixed");
    assert!(c.text(&s.tasks).is_some_and(|t| t.contains("_Requirements: 1.1_\n") && !t.contains("9.9")));

    // Typing a new bad id brings an error back at the new place.
    let (line, col) = pos_in_line(demo::TASKS, "_Requirements: 2.1-2.2_", "2.1-2.2");
    c.did_change_range(&s.tasks, range(line, col + 7, line, col + 7), ", 7.4").await;
    let diags = c.wait_diagnostics(&s.tasks, |d| d.len() == 1).await;
    assert_eq!(diags[0]["code"], "dangling-reference");
    assert_eq!(range_tuple(&diags[0]["range"]), (line.into(), u64::from(col) + 9, line.into(), u64::from(col) + 12));

    // Requirements coverage follows the tasks: citing 3.1 covers it.
    c.did_change_range(&s.tasks, range(line, col + 9, line, col + 12), "3.1").await;
    c.wait_diagnostics(&s.tasks, <[Value]>::is_empty).await;
    let reqs = c.wait_diagnostics(&s.requirements, |d| with_code(d, "uncovered-criterion").len() == 1).await;
    assert_eq!(
        with_code(&reqs, "uncovered-criterion")[0]["range"]["start"]["line"],
        line_of(demo::REQUIREMENTS, "3. The login")
    );

    // Closing the document makes the disk's text the truth again.
    let seen = c.publish_count(&s.tasks);
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": s.tasks}})).await;
    let publish = c.wait_publish_after(&s.tasks, seen).await;
    assert_eq!(codes(publish["diagnostics"].as_array().map_or(&[][..], Vec::as_slice)), ["dangling-reference"]);
}

#[tokio::test]
async fn hover_on_a_cited_id_shows_the_criterion() {
    let s = Session::start("hover").await;
    let c = &s.client;
    let at = pos_in_line(demo::TASKS, "_Requirements: 1.1, 1.2_", "1.1");
    let hover = c.request_ok("textDocument/hover", doc_pos(&s.tasks, (at.0, at.1 + 1))).await;
    let text = hover_text(&hover);
    assert!(text.contains("**1.1**"), "{text}");
    assert!(
        text.contains("WHEN the user submits valid credentials, THE Auth_Service SHALL create a session"),
        "{text}"
    );
    assert!(text.contains("Requirement 1: User login"), "{text}");
    assert!(text.contains("Covered by task"), "{text}");
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(range_tuple(&hover["range"]), (at.0.into(), at.1.into(), at.0.into(), u64::from(at.1) + 3));

    // The dangling id says so.
    let hover = c.request_ok("textDocument/hover", doc_pos(&s.tasks, pos_of(demo::TASKS, "9.9"))).await;
    assert!(hover_text(&hover).contains("does not exist"), "{hover}");

    // A criterion in requirements.md shows its coverage.
    let hover =
        c.request_ok("textDocument/hover", doc_pos(&s.requirements, pos_of(demo::REQUIREMENTS, "3. The login"))).await;
    assert!(hover_text(&hover).contains("Not covered by any task"), "{hover}");

    // Plain prose has no hover.
    let hover = c.request_ok("textDocument/hover", doc_pos(&s.tasks, pos_of(demo::TASKS, "Implementation Plan"))).await;
    assert_eq!(hover, Value::Null);
}

#[tokio::test]
async fn definition_jumps_to_the_criterion() {
    let s = Session::start("definition").await;
    let c = &s.client;
    let at = pos_in_line(demo::TASKS, "_Requirements: 1.1, 1.2_", "1.2");
    let def = c.request_ok("textDocument/definition", doc_pos(&s.tasks, at)).await;
    assert_eq!(def["uri"], s.requirements.as_str(), "{def}");
    assert_eq!(def["range"]["start"]["line"], line_of(demo::REQUIREMENTS, "2. IF the password"));
    assert_eq!(def["range"]["start"]["character"], 0);

    // From design.md too.
    let def = c.request_ok("textDocument/definition", doc_pos(&s.design, pos_of(demo::DESIGN, "1.1"))).await;
    assert_eq!(def["uri"], s.requirements.as_str());
    assert_eq!(def["range"]["start"]["line"], line_of(demo::REQUIREMENTS, "1. WHEN the user"));

    // A range jumps to each criterion it spans.
    let def = c.request_ok("textDocument/definition", doc_pos(&s.tasks, pos_of(demo::TASKS, "2.1-2.2"))).await;
    let lines: Vec<&Value> =
        def.as_array().map(|a| a.iter().map(|l| &l["range"]["start"]["line"]).collect()).unwrap_or_default();
    assert_eq!(
        lines,
        [
            &json!(line_of(demo::REQUIREMENTS, "1. WHEN a session")),
            &json!(line_of(demo::REQUIREMENTS, "2. THE Auth_Service"))
        ],
        "{def}"
    );

    // Nothing to jump to from a dangling id or a task title.
    assert_eq!(
        c.request_ok("textDocument/definition", doc_pos(&s.tasks, pos_of(demo::TASKS, "9.9"))).await,
        Value::Null
    );
    assert_eq!(
        c.request_ok("textDocument/definition", doc_pos(&s.tasks, pos_of(demo::TASKS, "Set up authentication"))).await,
        Value::Null
    );
}

#[tokio::test]
async fn references_list_task_and_design_citations() {
    let s = Session::start("references").await;
    let c = &s.client;
    let at = pos_of(demo::REQUIREMENTS, "1. WHEN the user");
    let params = |include: bool| {
        let mut p = doc_pos(&s.requirements, (at.0, at.1 + 10));
        p["context"] = json!({"includeDeclaration": include});
        p
    };
    let refs = c.request_ok("textDocument/references", params(false)).await;
    let refs = refs.as_array().cloned().unwrap_or_default();
    let mut got: Vec<(String, (u64, u64, u64, u64))> =
        refs.iter().map(|l| (l["uri"].as_str().unwrap_or_default().to_string(), range_tuple(&l["range"]))).collect();
    got.sort();
    let task = pos_in_line(demo::TASKS, "_Requirements: 1.1, 1.2_", "1.1");
    let design = pos_of(demo::DESIGN, "1.1");
    let mut expected = vec![
        (s.tasks.clone(), (task.0.into(), task.1.into(), task.0.into(), u64::from(task.1) + 3)),
        (s.design.clone(), (design.0.into(), design.1.into(), design.0.into(), u64::from(design.1) + 3)),
    ];
    expected.sort();
    assert_eq!(got, expected);

    let with_decl = c.request_ok("textDocument/references", params(true)).await;
    let with_decl = with_decl.as_array().cloned().unwrap_or_default();
    assert_eq!(with_decl.len(), 3, "{with_decl:#?}");
    assert!(with_decl.iter().any(|l| l["uri"] == s.requirements.as_str() && l["range"]["start"]["line"] == at.0));

    // 3.1 is cited nowhere.
    let p = json!({
        "textDocument": {"uri": s.requirements},
        "position": {"line": line_of(demo::REQUIREMENTS, "1. WHEN an auditor"), "character": 5},
        "context": {"includeDeclaration": false},
    });
    assert_eq!(c.request_ok("textDocument/references", p).await, json!([]));
}

#[tokio::test]
async fn completion_offers_ids_inside_citation_lists_only() {
    let s = Session::start("completion").await;
    let c = &s.client;
    let at = pos_in_line(demo::TASKS, "  - _Requirements: 1.2_", "1.2");
    let list = c.request_ok("textDocument/completion", doc_pos(&s.tasks, at)).await;
    let items = list.as_array().cloned().unwrap_or_else(|| list["items"].as_array().cloned().unwrap_or_default());
    let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels, ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "3", "3.1"]);
    let item = items.iter().find(|i| i["label"] == "1.1").cloned().unwrap_or_default();
    assert_eq!(item["detail"], "WHEN the user submits valid credentials, THE Auth_Service SHALL create a session");
    let req = items.iter().find(|i| i["label"] == "2").cloned().unwrap_or_default();
    assert_eq!(req["detail"], "Session expiry");

    // In design.md's Validates line as well.
    let at = pos_of(demo::DESIGN, "1.1");
    let list = c.request_ok("textDocument/completion", doc_pos(&s.design, at)).await;
    assert!(list.as_array().is_some_and(|a| a.len() == 9), "{list}");

    // Not on a task title, not in prose, not in requirements.md.
    let title = pos_of(demo::TASKS, "Set up authentication");
    assert_eq!(c.request_ok("textDocument/completion", doc_pos(&s.tasks, title)).await, Value::Null);
    let detail = pos_of(demo::TASKS, "Create the auth module");
    assert_eq!(c.request_ok("textDocument/completion", doc_pos(&s.tasks, detail)).await, Value::Null);
    let before_label = pos_of(demo::TASKS, "_Requirements: 1.2_");
    assert_eq!(c.request_ok("textDocument/completion", doc_pos(&s.tasks, before_label)).await, Value::Null);
    let req_pos = pos_of(demo::REQUIREMENTS, "1. WHEN the user");
    assert_eq!(c.request_ok("textDocument/completion", doc_pos(&s.requirements, req_pos)).await, Value::Null);
}

fn find_symbol<'a>(symbols: &'a [Value], name_prefix: &str) -> Option<&'a Value> {
    symbols.iter().find_map(|s| {
        if s["name"].as_str().is_some_and(|n| n.starts_with(name_prefix)) {
            Some(s)
        } else {
            find_symbol(s["children"].as_array().map_or(&[][..], Vec::as_slice), name_prefix)
        }
    })
}

#[tokio::test]
async fn document_symbols_outline_all_three_documents() {
    let s = Session::start("symbols").await;
    let c = &s.client;
    let outline = |uri: &str| {
        let uri = uri.to_string();
        async move {
            let v = c.request_ok("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})).await;
            v.as_array().cloned().unwrap_or_else(|| panic!("not a symbol list: {v}"))
        }
    };

    let reqs = outline(&s.requirements).await;
    let names: Vec<&str> = reqs.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["Requirement 1: User login", "Requirement 2: Session expiry", "Requirement 3: Audit export"]);
    let child_counts: Vec<usize> = reqs.iter().map(|r| r["children"].as_array().map_or(0, Vec::len)).collect();
    assert_eq!(child_counts, [3, 2, 1]);
    let first = &reqs[0]["children"][0];
    assert!(first["name"].as_str().is_some_and(|n| n.starts_with("1.1 WHEN the user")), "{first}");
    assert_eq!(first["kind"], 8, "criteria are fields");
    assert_eq!(reqs[0]["kind"], 11, "requirements are interfaces");
    assert_eq!(reqs[0]["selectionRange"]["start"]["line"], line_of(demo::REQUIREMENTS, "### Requirement 1"));

    let tasks = outline(&s.tasks).await;
    let names: Vec<&str> = tasks.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["1 Set up authentication", "2 Implement session expiry", "3 Write the audit trail"]);
    let sub = tasks[0]["children"].as_array().cloned().unwrap_or_default();
    assert_eq!(sub.len(), 1, "task 1 nests 1.1: {:#}", tasks[0]);
    assert_eq!(sub[0]["name"], "1.1 Implement the login handler");
    assert_eq!(sub[0]["detail"], "[x] done");
    assert_eq!(tasks[1]["detail"], "[ ] not started");
    assert!(tasks[1]["children"].is_null() || tasks[1]["children"] == json!([]));

    let design = outline(&s.design).await;
    let property = find_symbol(&design, "Property 1").unwrap_or_else(|| panic!("no property symbol: {design:#?}"));
    assert_eq!(property["name"], "Property 1: Valid credentials create a session");
    assert_eq!(property["kind"], 7, "properties are properties");
    let section = find_symbol(&design, "Correctness Properties").cloned().unwrap_or_default();
    assert!(
        find_symbol(section["children"].as_array().map_or(&[][..], Vec::as_slice), "Property 1").is_some(),
        "{section:#}"
    );
}

#[tokio::test]
async fn workspace_symbols_find_requirements() {
    let s = Session::start("wsymbols").await;
    let c = &s.client;
    let found = c.request_ok("workspace/symbol", json!({"query": "session expiry"})).await;
    let found = found.as_array().cloned().unwrap_or_default();
    let req = found
        .iter()
        .find(|s| s["name"].as_str().is_some_and(|n| n.contains("Requirement 2") && n.contains("Session expiry")))
        .unwrap_or_else(|| panic!("no requirement symbol: {found:#?}"));
    assert_eq!(req["location"]["uri"], s.requirements.as_str());
    assert_eq!(req["location"]["range"]["start"]["line"], line_of(demo::REQUIREMENTS, "### Requirement 2"));
    assert_eq!(req["containerName"], "demo");
    assert!(found.iter().all(|s| s["name"].as_str().is_some_and(|n| !n.contains("Audit export"))), "{found:#?}");

    let none = c.request_ok("workspace/symbol", json!({"query": "qqqqzzzz"})).await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn code_lenses_show_coverage_and_task_status() {
    let s = Session::start("lenses").await;
    let c = &s.client;
    let lenses = c.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": s.requirements}})).await;
    let got: Vec<(u64, String)> = lenses
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|l| {
            (
                l["range"]["start"]["line"].as_u64().unwrap_or(999),
                l["command"]["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected = vec![
        (
            u64::from(line_of(demo::REQUIREMENTS, "### Requirement 1")),
            "covered by 2 tasks · 1 criterion uncovered".to_string(),
        ),
        (u64::from(line_of(demo::REQUIREMENTS, "### Requirement 2")), "covered by 1 task".to_string()),
        (u64::from(line_of(demo::REQUIREMENTS, "### Requirement 3")), "not covered by any task".to_string()),
        // The next steps, at the top: tasks.md has tasks, so they can be updated.
        (0, GENERATE_DESIGN.to_string()),
        (0, UPDATE_TASKS.to_string()),
    ];
    assert_eq!(got, expected);
    let spec = s.ws.uri(demo::DIR);
    assert_eq!(
        next_step_lenses(&lenses),
        [
            next_step(GENERATE_DESIGN, "specwright.spec.generateDesign", &spec),
            next_step(UPDATE_TASKS, "specwright.spec.generateTasks", &spec),
        ]
    );

    let all = c.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": s.tasks}})).await;
    assert_eq!(next_step_lenses(&all), [next_step(UPDATE_TASKS, "specwright.spec.generateTasks", &spec)]);
    let lenses: Vec<Value> = all
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|l| l["command"]["command"] == "specwright.task.setStatus")
        .collect();
    assert_eq!(lenses.len(), 4, "one per task: {all:#}");
    let starts =
        all.as_array().map_or(0, |a| a.iter().filter(|l| l["command"]["command"] == "specwright.task.start").count());
    let open = demo::TASKS.matches("- [ ]").count() + demo::TASKS.matches("- [-]").count();
    assert_eq!(starts, open, "a Start task lens on every open task: {all:#}");
    let run_all =
        all.as_array().map_or(0, |a| a.iter().filter(|l| l["command"]["command"] == "specwright.tasks.runAll").count());
    assert_eq!(run_all, 1, "{all:#}");
    assert_eq!(all.as_array().map(Vec::len), Some(5 + starts + 1), "the task lenses and one next step: {all:#}");
    let first = &lenses[0];
    assert_eq!(first["range"]["start"]["line"], line_of(demo::TASKS, "- [ ] 1. Set up"));
    assert!(first["command"]["title"].as_str().is_some_and(|t| t.contains("not started")), "{first}");
    assert_eq!(first["command"]["command"], "specwright.task.setStatus");
    assert_eq!(first["command"]["arguments"], json!([{"uri": s.tasks, "taskId": "1", "status": "in-progress"}]));
    let done = &lenses[1];
    assert_eq!(done["range"]["start"]["line"], line_of(demo::TASKS, "- [x] 1.1"));
    assert!(done["command"]["title"].as_str().is_some_and(|t| t.contains("done")), "{done}");
    assert_eq!(done["command"]["arguments"][0]["status"], "not-started");

    // design.md has only the next step.
    let design = c.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": s.design}})).await;
    assert_eq!(
        design,
        json!([{"range": range(0, 0, 0, 0), "command": next_step(UPDATE_TASKS, "specwright.spec.generateTasks", &spec)}])
    );

    // A spec whose tasks.md has no tasks yet offers to generate them.
    let fresh = ".kiro/specs/fresh";
    s.ws.write(&format!("{fresh}/requirements.md"), demo::REQUIREMENTS);
    s.ws.write(&format!("{fresh}/design.md"), demo::DESIGN);
    s.ws.write(&format!("{fresh}/tasks.md"), "# Implementation Plan\n");
    let fresh_uri = |doc: &str| s.ws.uri(&format!("{fresh}/{doc}"));
    c.did_change_watched(&[
        (&fresh_uri("requirements.md"), 1),
        (&fresh_uri("design.md"), 1),
        (&fresh_uri("tasks.md"), 1),
    ])
    .await;
    c.wait_diagnostics(&fresh_uri("tasks.md"), |_| true).await;
    let fresh_spec = s.ws.uri(fresh);
    let lenses_of = |doc: &'static str| {
        let uri = fresh_uri(doc);
        async move { c.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).await }
    };
    assert_eq!(
        next_step_lenses(&lenses_of("requirements.md").await),
        [next_step(GENERATE_DESIGN, "specwright.spec.generateDesign", &fresh_spec)],
        "no tasks to update"
    );
    for doc in ["design.md", "tasks.md"] {
        assert_eq!(
            lenses_of(doc).await,
            json!([{"range": range(0, 0, 0, 0), "command": next_step(GENERATE_TASKS, "specwright.spec.generateTasks", &fresh_spec)}]),
            "{doc}"
        );
    }
}

#[tokio::test]
async fn code_actions_offer_task_status_changes() {
    let s = Session::start("actions").await;
    let c = &s.client;
    // With steering present, "Generate steering documents" is not offered (see tests/steering_gen.rs).
    s.ws.write(".kiro/steering/tech.md", "---\ninclusion: always\n---\nTypeScript.\n");
    let line = line_of(demo::TASKS, "- [ ] 2. Implement");
    let params = json!({
        "textDocument": {"uri": s.tasks},
        "range": range(line, 8, line, 8),
        "context": {"diagnostics": []},
    });
    let all = c.request_ok("textDocument/codeAction", params).await;
    let actions = task_status_actions(&all);
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(titles, ["Mark task 2 in progress", "Mark task 2 done"]);
    let done = &actions[1];
    assert_eq!(done["kind"], "refactor.rewrite.taskStatus");
    assert_eq!(done["command"]["command"], "specwright.task.setStatus");
    assert_eq!(done["command"]["arguments"], json!([{"uri": s.tasks, "taskId": "2", "status": "done"}]));
    // The next step of the workflow is offered too, and nothing else.
    let spec = s.ws.uri(demo::DIR);
    let update = || next_step(UPDATE_TASKS, "specwright.spec.generateTasks", &spec);
    assert_eq!(next_step_actions(&all), [update()]);
    // The agent's runs, for editors without code lenses.
    let runs: Vec<(&str, &str, Value)> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"].as_str().is_some_and(|k| k.starts_with("source.specwright.")))
        .map(|a| {
            (a["title"].as_str().unwrap(), a["command"]["command"].as_str().unwrap(), a["command"]["arguments"].clone())
        })
        .collect();
    assert_eq!(
        runs,
        [
            ("Start task 2 with the agent", "specwright.task.start", json!([{"uri": s.tasks, "taskId": "2"}])),
            ("Run all open tasks", "specwright.tasks.runAll", json!([{"uri": s.tasks}])),
        ]
    );
    assert_eq!(all.as_array().map(Vec::len), Some(6), "and Ask Specwright…: {all:#}");
    assert_eq!(all[5]["title"], "Ask Specwright…");

    // Task status on a detail line of the task too; not on the title heading; not in requirements.md.
    let detail = line_of(demo::TASKS, "_Requirements: 2.1-2.2_");
    let params =
        json!({"textDocument": {"uri": s.tasks}, "range": range(detail, 3, detail, 3), "context": {"diagnostics": []}});
    let all = c.request_ok("textDocument/codeAction", params).await;
    assert_eq!(task_status_actions(&all).len(), 2, "{all}");
    assert_eq!(next_step_actions(&all), [update()]);
    let params = json!({"textDocument": {"uri": s.tasks}, "range": range(0, 0, 0, 0), "context": {"diagnostics": []}});
    let all = c.request_ok("textDocument/codeAction", params).await;
    assert_eq!(task_status_actions(&all), Vec::<Value>::new());
    assert_eq!(next_step_actions(&all), [update()], "{all}");
    assert_eq!(all.as_array().map(Vec::len), Some(3), "the next step, Run all open tasks and Ask Specwright…: {all:#}");
    let params =
        json!({"textDocument": {"uri": s.requirements}, "range": range(16, 0, 16, 0), "context": {"diagnostics": []}});
    let all = c.request_ok("textDocument/codeAction", params).await;
    assert_eq!(task_status_actions(&all), Vec::<Value>::new());
    assert_eq!(
        next_step_actions(&all),
        [next_step(GENERATE_DESIGN, "specwright.spec.generateDesign", &spec), update()]
    );
    assert_eq!(all.as_array().map(Vec::len), Some(3), "with Ask Specwright…: {all:#}");
    let params = json!({"textDocument": {"uri": s.design}, "range": range(3, 0, 3, 0), "context": {"diagnostics": []}});
    let all = c.request_ok("textDocument/codeAction", params).await;
    assert_eq!(next_step_actions(&all), [update()]);
    assert_eq!(all.as_array().map(Vec::len), Some(2), "with Ask Specwright…: {all:#}");
}

/// The task-status code actions (kind `refactor.rewrite.taskStatus`).
fn task_status_actions(actions: &Value) -> Vec<Value> {
    let actions = actions.as_array().unwrap_or_else(|| panic!("not a list of code actions: {actions}"));
    actions.iter().filter(|a| a["kind"] == "refactor.rewrite.taskStatus").cloned().collect()
}

/// The commands of the next-step code actions, each checked to be titled as its command.
fn next_step_actions(actions: &Value) -> Vec<Value> {
    let actions = actions.as_array().unwrap_or_else(|| panic!("not a list of code actions: {actions}"));
    actions
        .iter()
        .filter(|a| a["command"]["command"].as_str().is_some_and(|c| c.starts_with("specwright.spec.")))
        .map(|a| {
            assert_eq!(a["title"], a["command"]["title"], "{a}");
            a["command"].clone()
        })
        .collect()
}

#[tokio::test]
async fn set_status_edits_only_the_marker() {
    let s = Session::start("setstatus").await;
    let c = &s.client;
    c.did_open(&s.ws.path(demo::TASKS_PATH)).await;
    c.wait_version(&s.tasks, 1).await;
    let before = c.text(&s.tasks).unwrap_or_default();

    let result = c
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.task.setStatus", "arguments": [{"uri": s.tasks, "taskId": "1", "status": "done"}]}),
        )
        .await;
    assert_eq!(result, json!({"applied": true}));

    let edits = c.server_requests("workspace/applyEdit");
    assert_eq!(edits.len(), 1, "{edits:#?}");
    let changes = edits[0]["edit"]["documentChanges"].as_array().cloned().unwrap_or_default();
    assert_eq!(changes.len(), 1, "one document: {:#}", edits[0]);
    assert_eq!(changes[0]["textDocument"]["uri"], s.tasks.as_str());
    assert_eq!(changes[0]["textDocument"]["version"], 1, "versioned against the open document");
    let text_edits = changes[0]["edits"].as_array().cloned().unwrap_or_default();
    assert_eq!(text_edits.len(), 1, "{text_edits:#?}");
    let marker = pos_of(demo::TASKS, "- [ ] 1. Set up");
    let (line, col) = (u64::from(marker.0), u64::from(marker.1) + 3);
    assert_eq!(range_tuple(&text_edits[0]["range"]), (line, col, line, col + 1), "the character between the brackets");
    assert_eq!(text_edits[0]["newText"], "x");
    assert_eq!(c.apply_edit_replies(), [json!({"applied": true})]);

    let after = c.text(&s.tasks).unwrap_or_default();
    assert_eq!(after.len(), before.len());
    let diff: Vec<usize> =
        before.bytes().zip(after.bytes()).enumerate().filter(|(_, (a, b))| a != b).map(|(i, _)| i).collect();
    let marker_offset = offset_at(&before, marker.0, marker.1 + 3).unwrap_or(usize::MAX);
    assert_eq!(diff, [marker_offset], "only the marker changed");
    assert_eq!(&after[marker_offset - 1..marker_offset + 2], "[x]");

    // The editor reports the applied edit; the server sees task 1 done.
    let version = c.sync_doc(&s.tasks).await;
    let publish = c.wait_version(&s.tasks, version).await;
    assert_eq!(codes(publish["diagnostics"].as_array().map_or(&[][..], Vec::as_slice)), ["dangling-reference"]);
    let lenses = c.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": s.tasks}})).await;
    let status: Vec<&Value> = lenses
        .as_array()
        .map(|a| a.iter().filter(|l| l["command"]["command"] == "specwright.task.setStatus").collect())
        .unwrap_or_default();
    assert!(status[0]["command"]["title"].as_str().is_some_and(|t| t.contains("done")), "{:#}", status[0]);
    assert_eq!(status[0]["command"]["arguments"][0]["status"], "not-started", "a done task offers reopening");
    let specs = c.request_ok("specwright/specs", json!({})).await;
    assert_eq!(specs["specs"][0]["done"], 2);
}

#[tokio::test]
async fn set_status_on_a_closed_document_uses_an_unversioned_edit() {
    let s = Session::start("setstatus-closed").await;
    let c = &s.client;
    let result = c
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.task.setStatus", "arguments": [{"uri": s.tasks, "taskId": "1.1", "status": "in-progress"}]}),
        )
        .await;
    assert_eq!(result, json!({"applied": true}));
    let edits = c.server_requests("workspace/applyEdit");
    let change = &edits[0]["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], Value::Null, "the document is not open: {change}");
    assert_eq!(change["edits"][0]["newText"], "-");
    // The client applied it on disk.
    let disk = s.ws.read(demo::TASKS_PATH);
    assert_eq!(disk, demo::TASKS.replace("- [x] 1.1", "- [-] 1.1"));
}

#[tokio::test]
async fn set_status_named_through_another_document_edits_tasks_md() {
    let s = Session::start("setstatus-redirect").await;
    let c = &s.client;
    let args = json!([{"uri": s.requirements, "taskId": "1.1", "status": "not-started"}]);
    let result = c
        .request_ok("workspace/executeCommand", json!({"command": "specwright.task.setStatus", "arguments": args}))
        .await;
    assert_eq!(result, json!({"applied": true}));
    let edits = c.server_requests("workspace/applyEdit");
    assert_eq!(edits[0]["edit"]["documentChanges"][0]["textDocument"]["uri"], s.tasks.as_str(), "{:#}", edits[0]);
    assert_eq!(s.ws.read(demo::TASKS_PATH), demo::TASKS.replace("- [x] 1.1", "- [ ] 1.1"));
    assert_eq!(s.ws.read(demo::REQUIREMENTS_PATH), demo::REQUIREMENTS, "requirements.md untouched");
}

#[tokio::test]
async fn a_refused_edit_is_reported_not_fatal() {
    let s = Session::start("refused").await;
    let c = &s.client;
    c.set_edit_policy(EditPolicy::Refuse);
    let result = c
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.task.setStatus", "arguments": [{"uri": s.tasks, "taskId": "2", "status": "done"}]}),
        )
        .await;
    assert_eq!(result, json!({"applied": false}));
    let messages = c.wait_until("a warning", |inbox| {
        inbox.notifications.iter().find(|(m, _)| m == "window/showMessage").map(|(_, p)| p.clone())
    });
    let message = messages.await;
    assert_eq!(message["type"], 2, "a warning");
    assert!(message["message"].as_str().is_some_and(|m| m.contains("refused by the test")), "{message}");
    assert_eq!(s.ws.read(demo::TASKS_PATH), demo::TASKS, "nothing changed on disk");
}

#[tokio::test]
async fn bad_set_status_arguments_are_errors() {
    let s = Session::start("setstatus-bad").await;
    let c = &s.client;
    let run = |args: Value| json!({"command": "specwright.task.setStatus", "arguments": args});
    let invalid_params = -32602;

    let e = c
        .request_err("workspace/executeCommand", run(json!([{"uri": s.tasks, "taskId": "42", "status": "done"}])))
        .await;
    assert_eq!(e["code"], invalid_params);
    assert!(e["message"].as_str().is_some_and(|m| m.contains("42")), "{e}");

    let e = c
        .request_err("workspace/executeCommand", run(json!([{"uri": s.tasks, "taskId": "1", "status": "finito"}])))
        .await;
    assert_eq!(e["code"], invalid_params);
    assert!(e["message"].as_str().is_some_and(|m| m.contains("finito")), "{e}");

    for args in [
        json!([]),
        json!(["not an object"]),
        json!([{"uri": s.tasks}]),
        json!([{"uri": "not a uri", "taskId": "1", "status": "done"}]),
        json!([{"uri": s.ws.uri("README.md"), "taskId": "1", "status": "done"}]),
    ] {
        let e = c.request_err("workspace/executeCommand", run(args.clone())).await;
        assert_eq!(e["code"], invalid_params, "{args} → {e}");
    }
    let e = c.request_err("workspace/executeCommand", json!({"command": "specwright.nope", "arguments": []})).await;
    assert!(e["message"].as_str().is_some_and(|m| m.contains("specwright.nope")), "{e}");

    assert!(c.server_requests("workspace/applyEdit").is_empty(), "no edit for a failed command");
    assert_eq!(s.ws.read(demo::TASKS_PATH), demo::TASKS);
    // Still serving.
    let hover =
        c.request_ok("textDocument/hover", doc_pos(&s.tasks, pos_in_line(demo::TASKS, "1.1, 1.2", "1.1"))).await;
    assert!(hover_text(&hover).contains("SHALL create a session"));
}

#[tokio::test]
async fn specs_request_reports_counts_and_progress() {
    let s = Session::start("specs").await;
    let c = &s.client;
    let result = c.request_ok("specwright/specs", json!({})).await;
    let specs = result["specs"].as_array().cloned().unwrap_or_default();
    assert_eq!(specs.len(), 1, "{result:#}");
    let spec = &specs[0];
    assert_eq!(spec["name"], "demo");
    assert_eq!(spec["kind"], "feature");
    assert_eq!(spec["uri"], s.ws.uri(demo::DIR));
    assert_eq!(spec["root"], uri(&s.ws.root));
    assert_eq!(spec["documents"], json!({"requirements": s.requirements, "design": s.design, "tasks": s.tasks}));
    assert_eq!(spec["requirements"], 3);
    assert_eq!(spec["criteria"], 6);
    assert_eq!(spec["tasks"], 3);
    assert_eq!(spec["subtasks"], 1);
    assert_eq!(spec["total"], 4);
    assert_eq!(spec["done"], 1);
    assert_eq!(spec["optional"], 0);
    assert_eq!(spec["dangling"], json!(["9.9"]));
    assert_eq!(spec["uncovered"], json!(["1.3", "3.1"]));
    assert_eq!(spec["errors"], 1);
    assert_eq!(spec["warnings"], 3);

    // Filtered by a root that holds no spec.
    let other = TempWorkspace::new("specs-other");
    let none = c.request_ok("specwright/specs", json!({"root": uri(&other.root)})).await;
    assert_eq!(none, json!({"specs": []}));
    // Unknown params are rejected, and the server keeps answering.
    let e = c.request_err("specwright/specs", json!({"bogus": 1})).await;
    assert_eq!(e["code"], -32602);
    assert_eq!(c.request_ok("specwright/specs", json!({})).await["specs"][0]["name"], "demo");
}

#[tokio::test]
async fn watched_file_changes_refresh_diagnostics() {
    let s = Session::start("watched").await;
    let c = &s.client;
    c.wait_diagnostics(&s.tasks, |d| d.len() == 1).await;

    // tasks.md rewritten on disk: 9.9 becomes 3.1.
    s.ws.write(demo::TASKS_PATH, &demo::TASKS.replace("9.9", "3.1"));
    c.did_change_watched(&[(&s.tasks, 2)]).await;
    c.wait_diagnostics(&s.tasks, <[Value]>::is_empty).await;
    let reqs = c.wait_diagnostics(&s.requirements, |d| with_code(d, "uncovered-criterion").len() == 1).await;
    assert_eq!(codes(&reqs), ["not-ears", "uncovered-criterion"]);
    let specs = c.request_ok("specwright/specs", json!({})).await;
    assert_eq!(specs["specs"][0]["dangling"], json!([]));

    // design.md deleted: its diagnostics are cleared and the spec says it is missing.
    std::fs::remove_file(s.ws.path(demo::DESIGN_PATH)).expect("delete design.md");
    let seen = c.publish_count(&s.design);
    c.did_change_watched(&[(&s.design, 3)]).await;
    let cleared = c.wait_publish_after(&s.design, seen).await;
    assert_eq!(cleared["diagnostics"], json!([]));
    let reqs = c.wait_diagnostics(&s.requirements, |d| !with_code(d, "missing-document").is_empty()).await;
    assert!(with_code(&reqs, "missing-document")[0]["message"].as_str().is_some_and(|m| m.contains("design.md")));

    // A new spec folder appears.
    s.ws.write(
        ".kiro/specs/extra/requirements.md",
        "# Requirements\n\n### Requirement 1: Extra\n\n#### Acceptance Criteria\n\n1. THE System SHALL exist\n",
    );
    c.did_change_watched(&[(&s.ws.uri(".kiro/specs/extra/requirements.md"), 1)]).await;
    c.wait_diagnostics(&s.ws.uri(".kiro/specs/extra/requirements.md"), |_| true).await;
    let specs = c.request_ok("specwright/specs", json!({})).await;
    let names: Vec<&str> =
        specs["specs"].as_array().map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, ["demo", "extra"]);
}

const ALPHA_REQUIREMENTS: &str = "\
# Requirements

### Requirement 1: Alpha thing

#### Acceptance Criteria

1. WHEN alpha starts, THE Alpha_Service SHALL greet the user
";

const BETA_REQUIREMENTS: &str = "\
# Requirements

### Requirement 1: Beta thing

#### Acceptance Criteria

1. WHEN beta starts, THE Beta_Service SHALL wave
2. WHEN beta stops, THE Beta_Service SHALL say goodbye
";

#[tokio::test]
async fn multi_root_workspaces_report_each_spec_separately() {
    let a = TempWorkspace::new("root-a");
    let b = TempWorkspace::new("root-b");
    a.write(".kiro/specs/alpha/requirements.md", ALPHA_REQUIREMENTS);
    a.write(".kiro/specs/alpha/tasks.md", "# Tasks\n\n- [ ] 1. Greet\n  - _Requirements: 1.1_\n");
    b.write(".kiro/specs/beta/requirements.md", BETA_REQUIREMENTS);
    // 1.2 exists in beta only; 1.5 exists nowhere.
    b.write(".kiro/specs/beta/tasks.md", "# Tasks\n\n- [x] 1. Wave\n  - _Requirements: 1.1, 1.5_\n");
    a.write(".kiro/specs/alpha/design.md", "# Design\n\n**Validates: Requirements 1.2**\n");

    let c = Client::in_process();
    c.initialize_folders(&[&a.root, &b.root]).await;
    let alpha_tasks = a.uri(".kiro/specs/alpha/tasks.md");
    let alpha_design = a.uri(".kiro/specs/alpha/design.md");
    let beta_tasks = b.uri(".kiro/specs/beta/tasks.md");
    let beta_reqs = b.uri(".kiro/specs/beta/requirements.md");

    assert_eq!(c.wait_diagnostics(&alpha_tasks, |_| true).await, Vec::<Value>::new());
    let design = c.wait_diagnostics(&alpha_design, |_| true).await;
    assert_eq!(codes(&design), ["dangling-reference"], "alpha has no 1.2 even though beta does");
    let beta = c.wait_diagnostics(&beta_tasks, |_| true).await;
    assert_eq!(codes(&beta), ["dangling-reference"]);
    assert!(beta[0]["message"].as_str().is_some_and(|m| m.contains("1.5")));
    let beta_reqs_diags = c.wait_diagnostics(&beta_reqs, |_| true).await;
    // 1.2 of beta is uncovered; beta has no design.md.
    assert_eq!(codes(&beta_reqs_diags), ["missing-document", "uncovered-criterion"]);
    assert!(
        with_code(&beta_reqs_diags, "uncovered-criterion")[0]["message"].as_str().is_some_and(|m| m.contains("1.2"))
    );

    let specs = c.request_ok("specwright/specs", json!({})).await;
    let got: Vec<(String, String, u64)> = specs["specs"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or("").into(),
                s["root"].as_str().unwrap_or("").into(),
                s["done"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    let mut expected = vec![("alpha".to_string(), uri(&a.root), 0), ("beta".to_string(), uri(&b.root), 1)];
    expected.sort();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    assert_eq!(got_sorted, expected);

    let only_b = c.request_ok("specwright/specs", json!({"root": uri(&b.root)})).await;
    let names: Vec<&str> =
        only_b["specs"].as_array().map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, ["beta"]);

    // Hover resolves within the document's own spec.
    let at = pos_of("# Tasks\n\n- [ ] 1. Greet\n  - _Requirements: 1.1_\n", "1.1_");
    let hover = c.request_ok("textDocument/hover", doc_pos(&alpha_tasks, at)).await;
    assert!(hover_text(&hover).contains("greet the user"), "{hover}");
    let at = pos_of("# Tasks\n\n- [x] 1. Wave\n  - _Requirements: 1.1, 1.5_\n", "1.1");
    let hover = c.request_ok("textDocument/hover", doc_pos(&beta_tasks, at)).await;
    assert!(hover_text(&hover).contains("SHALL wave"), "{hover}");

    // Removing a folder clears its diagnostics and its specs.
    let seen = c.publish_count(&beta_tasks);
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [{"uri": uri(&b.root), "name": "b"}]}}),
    )
    .await;
    let cleared = c.wait_publish_after(&beta_tasks, seen).await;
    assert_eq!(cleared["diagnostics"], json!([]));
    let specs = c.request_ok("specwright/specs", json!({})).await;
    let names: Vec<&str> =
        specs["specs"].as_array().map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, ["alpha"]);
}

#[tokio::test]
async fn malformed_requests_get_null_or_errors_and_the_server_keeps_answering() {
    let s = Session::start("malformed").await;
    let c = &s.client;
    let readme = s.ws.write("README.md", "# Readme\n\n_Requirements: 1.1_\n");
    let readme_uri = uri(&readme);

    // Not a spec document: null everywhere.
    assert_eq!(c.request_ok("textDocument/hover", doc_pos(&readme_uri, (2, 16))).await, Value::Null);
    assert_eq!(c.request_ok("textDocument/definition", doc_pos(&readme_uri, (2, 16))).await, Value::Null);
    assert_eq!(c.request_ok("textDocument/completion", doc_pos(&readme_uri, (2, 16))).await, Value::Null);
    assert_eq!(c.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": readme_uri}})).await, Value::Null);
    assert_eq!(
        c.request_ok("textDocument/documentSymbol", json!({"textDocument": {"uri": readme_uri}})).await,
        Value::Null
    );
    // Opening and changing it publishes nothing for it.
    c.did_open(&readme).await;
    // A non-file URI and an unknown spec.
    assert_eq!(c.request_ok("textDocument/hover", doc_pos("untitled:Untitled-1", (0, 0))).await, Value::Null);
    let ghost = s.ws.uri(".kiro/specs/ghost/tasks.md");
    assert_eq!(c.request_ok("textDocument/hover", doc_pos(&ghost, (0, 0))).await, Value::Null);
    // Positions past the end of a document.
    assert_eq!(c.request_ok("textDocument/hover", doc_pos(&s.tasks, (5000, 5000))).await, Value::Null);
    assert_eq!(c.request_ok("textDocument/completion", doc_pos(&s.tasks, (5000, 0))).await, Value::Null);
    let line = line_of(demo::TASKS, "_Requirements: 1.2_");
    let far = c.request_ok("textDocument/completion", doc_pos(&s.tasks, (line, 4000))).await;
    assert!(far.is_null() || far.is_array(), "{far}");

    // Bad params: JSON-RPC errors.
    let e = c.request_err("textDocument/hover", json!({})).await;
    assert_eq!(e["code"], -32602);
    let e = c
        .request_err(
            "textDocument/hover",
            json!({"textDocument": {"uri": 42}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert_eq!(e["code"], -32602);
    let e = c.request_err("workspace/executeCommand", json!({"arguments": []})).await;
    assert_eq!(e["code"], -32602);
    let e = c.request_err("specwright/nothing", json!({})).await;
    assert_eq!(e["code"], -32601);

    // Frames whose body is not a JSON-RPC message are dropped, not fatal.
    for body in ["{this is not json", "[1, 2]", r#"{"jsonrpc": "2.0", "method": 5}"#, "\"just a string\""] {
        c.send_raw_body(body).await;
        let specs = c.request_ok("specwright/specs", json!({})).await;
        assert_eq!(specs["specs"][0]["name"], "demo", "still serving after {body:?}");
    }
    // Notifications with bad params are dropped.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": s.tasks}})).await;
    c.notify("textDocument/didOpen", json!({"nonsense": true})).await;

    // Still answering, with the same state.
    let hover =
        c.request_ok("textDocument/hover", doc_pos(&s.tasks, pos_in_line(demo::TASKS, "1.1, 1.2", "1.1"))).await;
    assert!(hover_text(&hover).contains("SHALL create a session"));
    assert_eq!(codes(&c.latest_diagnostics(&s.tasks).unwrap_or_default()), ["dangling-reference"]);
    assert!(!c.published_uris().contains(&readme_uri), "no diagnostics for a non-spec file");
    assert!(c.protocol_errors().is_empty(), "{:?}", c.protocol_errors());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rapid_changes_end_with_the_latest_diagnostics() {
    let s = Session::start("rapid").await;
    let c = &s.client;
    c.did_open(&s.ws.path(demo::TASKS_PATH)).await;
    // Toggle `9.9` ↔ `1.1` many times without waiting; the last text cites 9.9.
    let (line, col) = pos_of(demo::TASKS, "9.9");
    let mut last = 1;
    for i in 0..40 {
        let text = if i % 2 == 0 { "1.1" } else { "9.9" };
        last = c.did_change_range(&s.tasks, range(line, col, line, col + 3), text).await;
    }
    let publish = c.wait_version(&s.tasks, last).await;
    assert_eq!(codes(publish["diagnostics"].as_array().map_or(&[][..], Vec::as_slice)), ["dangling-reference"]);
    // A request after the last change sees it, and no stale publish arrives later.
    let hover = c.request_ok("textDocument/hover", doc_pos(&s.tasks, (line, col))).await;
    assert!(hover_text(&hover).contains("does not exist"), "{hover}");
    let all = c.inbox_diagnostics(&s.tasks);
    let versions: Vec<i64> = all.iter().filter_map(|p| p["version"].as_i64()).collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "publishes out of order: {versions:?}");
    assert_eq!(all.last().map(|p| p["version"].clone()), Some(json!(last)));
}

#[tokio::test]
async fn set_status_without_document_changes_support_uses_a_changes_map() {
    let ws = TempWorkspace::new("changes-map");
    demo::write(&ws);
    let c = Client::in_process();
    let params = json!({
        "processId": null,
        "rootUri": uri(&ws.root),
        "capabilities": {"workspace": {"applyEdit": true}},
    });
    c.request_ok("initialize", params).await;
    c.notify("initialized", json!({})).await;
    let tasks = ws.uri(demo::TASKS_PATH);
    c.wait_diagnostics(&tasks, |_| true).await;
    assert!(
        c.server_requests("client/registerCapability").is_empty(),
        "no dynamic registration without the capability"
    );
    let result = c
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.task.setStatus", "arguments": [{"uri": tasks, "taskId": "3", "status": "in-progress"}]}),
        )
        .await;
    assert_eq!(result, json!({"applied": true}));
    let edit = &c.server_requests("workspace/applyEdit")[0]["edit"];
    assert!(edit.get("documentChanges").is_none_or(Value::is_null), "{edit}");
    let (line, col) = pos_of(demo::TASKS, "- [ ] 3. Write");
    assert_eq!(
        edit["changes"][tasks.as_str()],
        json!([{"range": range(line, col + 3, line, col + 4), "newText": "-"}])
    );
    assert_eq!(ws.read(demo::TASKS_PATH), demo::TASKS.replace("- [ ] 3.", "- [-] 3."));
}
