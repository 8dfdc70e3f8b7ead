//! `specwright acp` driven by a real ACP client: the official TypeScript SDK
//! (`@agentclientprotocol/sdk` 2.4.0, installed into .venv-test/node by
//! scripts/setup-test-tools) starts the binary, creates a session (modes,
//! config options, slash commands and the plan from tasks.md), runs slash
//! commands, a turn that reads and edits a file in supervised mode (the
//! edit asked with session/request_permission, allowed once and written
//! through the client's fs/write_text_file), a turn whose edit is
//! rejected, a turn cancelled while the model streams, `/task start`
//! refused in an untrusted folder and then run (the folder's MCP server,
//! server-everything, offering its tools once trusted; the tests run by
//! Specwright, pytest from .venv-test, the task ticked), session/list, and
//! session/load from a second client. The model is the scripted server on
//! loopback. `tests/acp/client.mjs` prints what it saw; the assertions are
//! here. The SDK validates every update and request it receives against
//! the protocol's schema.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

fn sdk() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv-test/node/node_modules/@agentclientprotocol/sdk");
    assert!(
        dir.join("package.json").is_file(),
        "the ACP TypeScript SDK is needed: run scripts/setup-test-tools (scripts/test does) to install \
         @agentclientprotocol/sdk into .venv-test/node"
    );
    dir.canonicalize().expect("canonical")
}

fn tasks(python: &Path) -> String {
    format!(
        "# Implementation Plan\n\n- [x] 1. Add numbers\n- [ ] 2. Subtract numbers\n  - Test: `{} -m pytest -q test_sub.py`\n  \
         - [ ] 2.1 Test subtraction\n- [ ]* 3. Document the calculator\n",
        python.display()
    )
}

fn python() -> PathBuf {
    venv_python("pytest is")
}

fn requirements_json() -> Value {
    json!({
        "introduction": "Users pin short notes.",
        "glossary": [{"term": "Notes_Service", "definition": "The service that keeps notes"}],
        "requirements": [
            {"title": "Pin a note",
             "user_story": {"role": "a user", "capability": "to pin a note", "benefit": "I see it first"},
             "acceptance_criteria": [
                {"pattern": "event", "condition": "a user pins a note", "system": "Notes_Service", "response": "show it first"}]}
        ]
    })
}

fn design_json() -> Value {
    json!({
        "overview": "A notes list with pinning.",
        "architecture": "The UI calls the Notes_Service.",
        "architecture_diagram": "flowchart TD\n    UI --> Notes_Service",
        "components": [{"name": "Notes_Service", "responsibility": "Keeps and orders notes", "interface": "pin(id: string): void"}],
        "data_models": [{"name": "Note", "description": "A note", "fields": [{"name": "pinned", "type": "boolean", "description": "Shown first"}]}],
        "correctness_properties": [{"title": "Pinned first", "statement": "For any notes, pinned ones come first.", "validates": ["1.1"]}],
        "error_handling": [{"scenario": "Unknown note", "handling": "Nothing changes"}],
        "testing_strategy": "Unit tests."
    })
}

fn kinds(updates: &Value) -> Vec<String> {
    updates.as_array().into_iter().flatten().filter_map(|u| u["sessionUpdate"].as_str()).map(str::to_string).collect()
}

#[tokio::test]
async fn an_acp_client_runs_sessions_with_permissions_plans_and_cancel() {
    let sdk = sdk();
    let ws = TempWorkspace::new("acp");
    ws.write(".kiro/specs/calc/tasks.md", &tasks(&python()));
    ws.write("calc.py", "def sub(a, b):\n    return a + b\n");
    let everything = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.venv-test/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(everything.is_file(), "run scripts/setup-test-tools: it installs @modelcontextprotocol/server-everything");
    let mcp = json!({"mcpServers": {"everything": {
        "command": "node", "args": [everything.canonicalize().unwrap().display().to_string(), "stdio"], "autoApprove": ["echo"],
    }}});
    ws.write(".kiro/settings/mcp.json", &mcp.to_string());
    ws.write("test_sub.py", "from calc import sub\n\n\ndef test_sub():\n    assert sub(5, 3) == 2\n");
    let fixed = "def sub(a, b):\n    return a - b\n";
    let chunks: Vec<String> = (1..=40).map(|i| format!("{i} ")).collect();
    let server = ScriptedServer::start(vec![
        // The fix: read, then write (asked, allowed once).
        Reply::tool_call("c1", "read_file", json!({"path": "calc.py"}).to_string()),
        Reply::tool_call("c2", "write_file", json!({"path": "calc.py", "content": fixed}).to_string()),
        Reply::chunks(["Fixed ", "sub."]),
        // The rejected rewrite.
        Reply::tool_call("c3", "write_file", json!({"path": "calc.py", "content": "broken\n"}).to_string()),
        Reply::chunks(["Understood."]),
        // A command in the editor's terminal.
        Reply::tool_call("r1", "run_command", json!({"command": "echo from-the-terminal"}).to_string()),
        Reply::chunks(["Ran."]),
        // `/task start 2` (the folder trusted by then, so its MCP server runs): an MCP tool, an
        // edit (autopilot by then), then the tests, run by Specwright, pass.
        Reply::tool_call("m1", "everything__echo", json!({"message": "from acp"}).to_string()),
        Reply::tool_call("m2", "client-everything__get-sum", json!({"a": 1, "b": 2}).to_string()),
        Reply::tool_call(
            "c4",
            "write_file",
            json!({"path": "calc.py", "content": format!("{fixed}# checked\n")}).to_string(),
        ),
        Reply::chunks(["Task ", "done."]),
        // `/spec new` and `/spec design`: the documents as structured output.
        Reply::text(requirements_json().to_string()),
        Reply::text(design_json().to_string()),
        // The slow answer that is cancelled.
        Reply::Text { chunks, delay_ms: 200 },
    ])
    .await
    .expect("scripted server");
    let data = ws.root.with_extension("data");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_specwright"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/acp/client.mjs");
    let output = tokio::process::Command::new("node")
        .arg(&script)
        .arg(&sdk)
        .arg(&bin)
        .arg(&ws.root)
        .env("SPECWRIGHT_PROVIDER", "openai")
        .env("SPECWRIGHT_BASE_URL", format!("{}/v1", server.base_url()))
        .env("SPECWRIGHT_MODEL", "acp-test-model")
        .env("SPECWRIGHT_DATA_DIR", &data)
        .env("EVERYTHING", everything.canonicalize().unwrap())
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run node");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the client failed: {stderr}");
    let out: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{stderr}", String::from_utf8_lossy(&output.stdout));
    });
    assert!(!stderr.contains("Error handling notification"), "every update passed the SDK's schema: {stderr}");
    let first = &out["first"];

    // initialize: protocol 1, sessions can be loaded and listed, the key's environment described.
    let init = &first["init"];
    assert_eq!(init["protocolVersion"], 1);
    assert_eq!(init["agentCapabilities"]["loadSession"], true);
    assert_eq!(init["agentCapabilities"]["mcpCapabilities"]["http"], true);
    assert!(init["agentCapabilities"]["sessionCapabilities"]["list"].is_object(), "{init}");
    let auth = init["authMethods"][0]["description"].as_str().expect("an auth method");
    assert!(auth.contains("SPECWRIGHT_PROVIDER") && auth.contains("ANTHROPIC_API_KEY"), "{auth}");

    // session/new: modes and config options for pickers; then the commands and the plan.
    let session = &first["session"];
    assert_eq!(session["modes"]["currentModeId"], "supervised");
    let options: Vec<&str> =
        session["configOptions"].as_array().expect("options").iter().filter_map(|o| o["id"].as_str()).collect();
    assert_eq!(options, ["mode", "model"]);
    assert_eq!(session["configOptions"][1]["currentValue"], "OpenAI-compatible: acp-test-model");
    let updates = &first["updates"];
    let commands = updates
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["sessionUpdate"] == "available_commands_update")
        .expect("the slash commands");
    let names: Vec<&str> =
        commands["availableCommands"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["check", "spec", "plan", "task"]);
    let plan = updates.as_array().unwrap().iter().find(|u| u["sessionUpdate"] == "plan").expect("the plan");
    assert_eq!(
        plan["entries"],
        json!([
            {"content": "1. Add numbers", "priority": "high", "status": "completed"},
            {"content": "2. Subtract numbers", "priority": "high", "status": "pending"},
            {"content": "2.1 Test subtraction", "priority": "medium", "status": "pending"},
            {"content": "3. Document the calculator", "priority": "low", "status": "pending"},
        ])
    );

    // Slash commands answer without the model.
    assert_eq!(first["specStop"], "end_turn");
    assert!(first["specText"].as_str().unwrap().contains("**calc** (in focus)"), "{}", first["specText"]);
    assert_eq!(first["checkStop"], "end_turn");
    let check = first["checkText"].as_str().unwrap();
    assert!(
        check.contains("warning[missing-document]")
            && check.contains("checked 1 spec and 1 MCP configuration: 0 errors"),
        "{check}"
    );

    // The fix: a read, then an edit asked and allowed once, written by the client.
    assert_eq!(first["fixStop"], "end_turn");
    assert_eq!(first["fixText"], "Fixed sub.");
    let fix = &first["fixUpdates"];
    let tool_calls: Vec<&Value> =
        fix.as_array().unwrap().iter().filter(|u| u["sessionUpdate"] == "tool_call").collect();
    assert_eq!(tool_calls.len(), 2, "{fix}");
    assert_eq!(tool_calls[0]["kind"], "read");
    assert_eq!(tool_calls[0]["title"], "read_file calc.py");
    assert_eq!(tool_calls[1]["kind"], "edit");
    let calc = ws.root.canonicalize().unwrap().join("calc.py").display().to_string();
    let diff = fix
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["sessionUpdate"] == "tool_call_update")
        .find_map(|u| u["content"].as_array()?.iter().find(|c| c["type"] == "diff").cloned())
        .expect("a diff of the edit");
    assert_eq!(diff["path"], calc.as_str());
    assert_eq!(diff["oldText"], "def sub(a, b):\n    return a + b\n# unsaved in the editor\n", "the buffer's text");
    assert_eq!(diff["newText"], fixed);
    let done: Vec<&str> = fix
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["sessionUpdate"] == "tool_call_update")
        .filter_map(|u| u["status"].as_str())
        .collect();
    assert_eq!(done, ["completed", "completed"], "{fix}");
    assert!(kinds(fix).contains(&"plan".to_string()), "the plan again after the turn: {fix}");
    // The agent's read_file read through the client (its buffers, unsaved text included).
    assert!(first["reads"].as_array().unwrap().iter().any(|r| r == calc.as_str()), "{}", first["reads"]);
    let permissions = first["permissions"].as_array().expect("permissions");
    assert_eq!(permissions.len(), 4, "{permissions:?}");
    assert_eq!(permissions[0]["toolCall"]["title"], "Change calc.py");
    assert_eq!(permissions[0]["toolCall"]["toolCallId"], "c2");
    let option_kinds: Vec<&str> =
        permissions[0]["options"].as_array().unwrap().iter().filter_map(|o| o["kind"].as_str()).collect();
    assert_eq!(option_kinds, ["allow_once", "allow_always", "reject_once", "reject_always"]);
    // Written through the client: the fix, and later the task run's edit; never the rejected one.
    let calc_writes: Vec<&Value> =
        first["writes"].as_array().unwrap().iter().filter(|w| w["path"] == calc.as_str()).collect();
    assert_eq!(
        calc_writes,
        [&json!({"path": calc, "content": fixed}), &json!({"path": calc, "content": format!("{fixed}# checked\n")})]
    );

    // The rejected edit: not written, and the model was told.
    assert_eq!(first["rejectStop"], "end_turn");
    assert_eq!(first["rejectText"], "Understood.");
    assert!(!ws.read("calc.py").contains("broken"));
    let read = &server.requests()[1].raw_body;
    assert!(read.contains("# unsaved in the editor"), "the model saw the editor's buffer: {read}");
    let told = &server.requests()[4].raw_body;
    assert!(told.contains("the user rejected the change to calc.py"), "{told}");

    // The command: asked, allowed once, run in the editor's terminal, its output to the model.
    assert_eq!(first["runStop"], "end_turn");
    assert_eq!(first["runText"], "Ran.");
    assert_eq!(permissions[2]["toolCall"]["title"], "Run `echo from-the-terminal`");
    assert_eq!(
        first["terminals"],
        json!([{"command": "sh", "args": ["-c", "echo from-the-terminal"], "cwd": ws.root.canonicalize().unwrap().display().to_string()}])
    );
    let shown = first["runUpdates"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|u| u["content"].as_array()?.iter().find(|c| c["type"] == "terminal").cloned())
        .expect("the terminal shown on the tool call");
    assert_eq!(shown["terminalId"], "term-1");
    let ran = &server.requests()[6].raw_body;
    assert!(ran.contains("exit code 0") && ran.contains("from-the-terminal"), "{ran}");

    assert!(first["modeSet"].is_object());
    assert!(first["badMode"].as_str().unwrap().contains("Invalid params"), "{}", first["badMode"]);

    // Cancelled: answered `cancelled` long before the 40 slow chunks.
    assert_eq!(first["cancelStop"], "cancelled");
    assert!(first["busy"].as_str().unwrap().contains("still running"), "{}", first["busy"]);
    let streamed = first["cancelText"].as_str().unwrap();
    assert!(!streamed.contains("40 "), "the turn stopped early: {streamed}");

    // `/task start 2`: refused until the folder is trusted; then run, tested by Specwright, ticked.
    assert_eq!(first["untrustedStop"], "end_turn");
    assert!(first["untrustedText"].as_str().unwrap().contains("must be trusted first"), "{}", first["untrustedText"]);
    assert_eq!(first["taskStop"], "end_turn", "{}", first["taskText"]);
    let task_text = first["taskText"].as_str().unwrap();
    assert!(task_text.contains("Task 2: started.") && task_text.contains("Task done."), "{task_text}");
    assert!(task_text.contains("✓ tests"), "{task_text}");
    assert!(first["tasksAfter"].as_str().unwrap().contains("- [x] 2. Subtract numbers"), "{}", first["tasksAfter"]);
    let task_plan = first["taskUpdates"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|u| u["sessionUpdate"] == "plan")
        .expect("the plan after the run");
    assert_eq!(task_plan["entries"][1]["status"], "completed", "{task_plan}");
    let task_updates = first["taskUpdates"].as_array().unwrap();
    let echo = task_updates.iter().find(|u| u["toolCallId"] == "m1" && u["sessionUpdate"] == "tool_call").expect("m1");
    assert_eq!(echo["kind"], "fetch", "{echo}");
    let echoed = task_updates
        .iter()
        .find(|u| u["toolCallId"] == "m1" && u["sessionUpdate"] == "tool_call_update")
        .expect("m1's result");
    assert_eq!(echoed["status"], "completed", "{echoed}");
    assert_eq!(echoed["rawOutput"], "Echo: from acp");
    // The client's own MCP server (session/new mcpServers): its tool is asked, allowed once, run.
    assert_eq!(permissions[3]["toolCall"]["title"], "Use `get-sum` of the MCP server `client-everything`");
    let summed = task_updates
        .iter()
        .find(|u| u["toolCallId"] == "m2" && u["sessionUpdate"] == "tool_call_update")
        .expect("m2's result");
    assert_eq!(summed["status"], "completed", "{summed}");
    assert!(summed["rawOutput"].as_str().is_some_and(|o| o.contains('3')), "{summed}");
    assert_eq!(ws.read("calc.py"), format!("{fixed}# checked\n"));
    // Run all: the required tasks are done (task 3 is optional), so nothing runs.
    assert_eq!(first["runAllStop"], "end_turn");
    assert!(
        first["runAllText"].as_str().unwrap().contains("Every required task of `calc` is done"),
        "{}",
        first["runAllText"]
    );

    // `/spec new` and `/spec design`: written through the client, the new spec in focus.
    assert_eq!(first["specNewStop"], "end_turn", "{}", first["specNewText"]);
    assert!(first["specNewText"].as_str().unwrap().contains("`notes` is in focus"), "{}", first["specNewText"]);
    let requirements = ws.read(".kiro/specs/notes/requirements.md");
    assert!(requirements.contains("Pin a note") && requirements.contains("WHEN a user pins a note"), "{requirements}");
    assert!(!ws.read(".kiro/specs/notes/.config.kiro").is_empty());
    assert_eq!(first["specDesignStop"], "end_turn", "{}", first["specDesignText"]);
    assert!(ws.read(".kiro/specs/notes/design.md").contains("Notes_Service"));
    let written: Vec<&str> = first["writes"].as_array().unwrap().iter().filter_map(|w| w["path"].as_str()).collect();
    assert!(written.iter().any(|p| p.ends_with(".kiro/specs/notes/design.md")), "{written:?}");

    let listed = first["list"]["sessions"].as_array().expect("sessions");
    assert!(listed.iter().any(|s| s["sessionId"] == session["sessionId"]), "{listed:?}");
    assert!(first["unknown"].as_str().unwrap().contains("Invalid params"), "{}", first["unknown"]);

    // session/load replays the conversation.
    let replayed = out["second"]["replayed"].as_array().expect("replayed");
    assert!(replayed.iter().any(|t| t.as_str().is_some_and(|t| t.contains("Fix sub in calc.py"))), "{replayed:?}");
    let _ = std::fs::remove_dir_all(&data);
}
