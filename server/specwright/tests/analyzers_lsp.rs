//! The built-in analyzers in the editor: secrets as errors with a quick fix
//! that moves the value to an environment variable, the allowlist from
//! settings, code smells as warnings with thresholds from settings, Kiro
//! documents left alone, and the "Generate unit test skeleton" action.

mod support;

use serde_json::{Value, json};
use support::*;

const AWS_KEY: &str = "AKIAZ3MHQ7RT4KXW2PLE";

fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect()
}

async fn code_actions(client: &Client, uri: &str, at: (u32, u32), diagnostics: Vec<Value>) -> Vec<Value> {
    let actions = client
        .request_ok(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(at.0, at.1, at.0, at.1), "context": {"diagnostics": diagnostics}}),
        )
        .await;
    actions.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_secret_is_an_error_with_a_quick_fix_to_an_environment_variable() {
    let ws = TempWorkspace::new("analyzers-secret");
    let text = format!(
        "import {{ S3 }} from 'aws';\nconst accessKey = \"{AWS_KEY}\";\nexport const s3 = new S3(accessKey);\n"
    );
    let path = ws.write("src/s3.ts", &text);
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], Value::Null, true).await;
    let uri = client.did_open(&path).await;
    let diags = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(codes(&diags), ["secret-aws-access-key-id"], "{diags:#?}");
    assert_eq!(diags[0]["severity"], 1);
    assert_eq!(range_tuple(&diags[0]["range"]), (1, 19, 1, 39), "the value itself");
    let message = diags[0]["message"].as_str().unwrap();
    assert!(message.contains("AWS access key") && !message.contains("Z3MHQ7RT4KXW2PLE"), "{message}");

    let actions = code_actions(&client, &uri, (1, 25), diags.clone()).await;
    let fix = actions.iter().find(|a| a["kind"] == "quickfix").unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(fix["title"], "Move the secret to the environment variable ACCESS_KEY");
    assert_eq!(fix["isPreferred"], true);
    let edits = fix["edit"]["documentChanges"][0]["edits"].as_array().unwrap();
    let fixed = apply_text_edits(&text, edits).unwrap();
    assert_eq!(fixed, text.replace(&format!("\"{AWS_KEY}\""), "process.env.ACCESS_KEY"));

    // The fixed text has no secret left.
    client.did_change_range(&uri, range(1, 18, 1, 40), "process.env.ACCESS_KEY").await;
    client.wait_diagnostics(&uri, |d| d.is_empty()).await;

    // Closing the document clears its diagnostics.
    client.did_change_range(&uri, range(1, 18, 1, 40), &format!("\"{AWS_KEY}\"")).await;
    client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})).await;
    client.wait_diagnostics(&uri, |d| d.is_empty()).await;
}

#[tokio::test]
async fn python_fix_imports_os_and_partial_literals_get_no_fix() {
    let ws = TempWorkspace::new("analyzers-python");
    let text = "STRIPE = \"sk_live_51HqLyjWDarjtT1zdp7dcXq4QzXkG2aVqL8mNbP\"\nURL = \"postgres://admin:Xk9#mQ2vLp7Rz@db.internal:5432/app\"\n";
    let path = ws.write("app/settings.py", text);
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], Value::Null, true).await;
    let uri = client.did_open(&path).await;
    let diags = client.wait_diagnostics(&uri, |d| d.len() == 2).await;
    assert_eq!(codes(&diags), ["secret-stripe-secret-key", "secret-connection-string-password"]);

    let actions = code_actions(&client, &uri, (0, 12), vec![diags[0].clone()]).await;
    let fix = actions.iter().find(|a| a["kind"] == "quickfix").expect("a fix for the whole literal");
    let fixed = apply_text_edits(text, fix["edit"]["documentChanges"][0]["edits"].as_array().unwrap()).unwrap();
    assert!(fixed.starts_with("import os\nSTRIPE = os.environ[\"STRIPE\"]\n"), "{fixed}");

    // The password is only part of the URL literal: no automatic fix.
    let actions = code_actions(&client, &uri, (1, 25), vec![diags[1].clone()]).await;
    assert!(actions.iter().all(|a| a["kind"] != "quickfix"), "{actions:#?}");
}

#[tokio::test]
async fn settings_allow_patterns_and_thresholds_and_switches() {
    let ws = TempWorkspace::new("analyzers-settings");
    let text = format!(
        "const key = \"{AWS_KEY}\";\nexport function route(a: number, b: number, c: number, d: number, e: number, f: number) {{\n  return a + b + c + d + e + f;\n}}\n"
    );
    let path = ws.write("src/route.ts", &text);
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], Value::Null, true).await;
    let uri = client.did_open(&path).await;
    let diags = client.wait_diagnostics(&uri, |d| d.len() == 2).await;
    assert_eq!(codes(&diags), ["secret-aws-access-key-id", "smell-too-many-parameters"]);
    let smell = &diags[1];
    assert_eq!(smell["severity"], 2, "a warning");
    assert_eq!(smell["message"], "Function `route` has 6 parameters (more than 5)");

    // Settings: the key is allowed by pattern, and six parameters are fine.
    let seen = client.publish_count(&uri);
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"specwright": {"analyzers": {
                "secrets": {"allowPatterns": ["^AKIAZ3MHQ7"]},
                "smells": {"maxParameters": 6}
            }}}}),
        )
        .await;
    client.wait_publish_after(&uri, seen).await;
    client.wait_diagnostics(&uri, |d| d.is_empty()).await;

    // Switched off: nothing, whatever the thresholds.
    let seen = client.publish_count(&uri);
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"specwright": {"analyzers": {"secrets": {"enabled": false}, "smells": {"enabled": false, "maxParameters": 1}}}}}),
        )
        .await;
    client.wait_publish_after(&uri, seen).await;
    assert!(client.latest_diagnostics(&uri).unwrap().is_empty());

    // A bad allow pattern is reported and scanning stays on.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"specwright": {"analyzers": {"secrets": {"allowPatterns": ["(unclosed"]}}}}}),
        )
        .await;
    client.wait_diagnostics(&uri, |d| codes(d).contains(&"secret-aws-access-key-id".to_string())).await;
    let shown = client.notifications("window/showMessage");
    assert!(shown.iter().any(|m| m["message"].as_str().is_some_and(|t| t.contains("(unclosed"))), "{shown:#?}");
}

#[tokio::test]
async fn kiro_documents_are_not_analyzed() {
    let ws = TempWorkspace::new("analyzers-kiro");
    let path =
        ws.write(".kiro/steering/tech.md", &format!("---\ninclusion: always\n---\n# Tech\nThe key is {AWS_KEY}.\n"));
    let code = ws.write("src/ok.ts", "export const ok = 1;\n");
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], Value::Null, true).await;
    let uri = client.did_open(&path).await;
    let code_uri = client.did_open(&code).await;
    // The source file is analyzed (an empty publish) ...
    client.wait_diagnostics(&code_uri, |d| d.is_empty()).await;
    // ... the steering document only gets its own diagnostics.
    let all: Vec<Value> = client.inbox_diagnostics(&uri);
    assert!(all.iter().all(|p| !p.to_string().contains("secret-")), "{all:#?}");
}

#[tokio::test]
async fn generate_unit_test_skeleton_creates_then_extends_the_test_file() {
    let ws = TempWorkspace::new("analyzers-skeleton");
    ws.write("package.json", r#"{"name": "m", "devDependencies": {"vitest": "^3.0.0"}}"#);
    let text = "export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport class Cart {\n  total(): number {\n    return 0;\n  }\n}\n";
    let path = ws.write("src/math.ts", text);
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], Value::Null, true).await;
    let uri = client.did_open(&path).await;

    let actions = code_actions(&client, &uri, (1, 4), Vec::new()).await;
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["Generate unit test skeleton for add", "Generate unit test skeletons for all 2 exports", "Ask Specwright…"]
    );
    let command = &actions[0]["command"];
    let result = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        )
        .await;
    assert_eq!(result["created"], true);
    assert_eq!(result["applied"], true);
    assert!(result["uri"].as_str().unwrap().ends_with("src/math.test.ts"));
    let test = ws.read("src/math.test.ts");
    assert!(
        test.starts_with("import { describe, it, expect } from 'vitest';\nimport { add } from './math';\n"),
        "{test}"
    );
    assert!(test.contains("describe('add'") && test.contains("throw new Error('Test not written yet: add')"), "{test}");
    assert!(!test.contains("Cart"), "only the symbol asked for: {test}");
    assert_eq!(client.server_requests("window/showDocument").len(), 1, "the test file is opened");

    // On the class: the existing test file is extended; `add` is kept as it was.
    let actions = code_actions(&client, &uri, (5, 3), Vec::new()).await;
    assert_eq!(actions[0]["title"], "Generate unit test skeleton for Cart");
    let command = &actions[0]["command"];
    let result = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        )
        .await;
    assert_eq!(result["created"], false);
    let extended = ws.read("src/math.test.ts");
    // Only insertions: the import gains `Cart`, the `add` block is untouched.
    assert!(extended.starts_with(&test.replace("{ add }", "{ add, Cart }")), "{extended}");
    assert!(extended.contains("describe('Cart'") && extended.contains("Cart.total"), "{extended}");

    // Again: every export is covered.
    let result = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "specwright.test.generateSkeleton", "arguments": [{"uri": uri, "symbol": "add"}]}),
        )
        .await;
    assert_eq!(result["applied"], false);
    assert_eq!(ws.read("src/math.test.ts"), extended);

    // Not on an export, not in a test file: no action.
    let helper = ws.write("src/helper.ts", "function hidden() {}\n");
    let helper_uri = client.did_open(&helper).await;
    let only_ask = |actions: Vec<Value>| actions.len() == 1 && actions[0]["title"] == "Ask Specwright…";
    assert!(only_ask(code_actions(&client, &helper_uri, (0, 10), Vec::new()).await));
    let test_uri = client.did_open(&ws.path("src/math.test.ts")).await;
    assert!(only_ask(code_actions(&client, &test_uri, (0, 0), Vec::new()).await));
}

/// Neovim 0.11 declares `resourceOperations` but not `documentChanges`, so it
/// cannot create a file through a workspace edit: the server creates the
/// test file on disk (never over an existing one) and shows it.
#[tokio::test]
async fn a_client_without_document_changes_gets_the_test_file_created_on_disk() {
    let ws = TempWorkspace::new("analyzers-skeleton-nvim");
    ws.write("package.json", r#"{"name": "m"}"#);
    let path = ws.write("src/math.ts", "export function add(a: number, b: number): number {\n  return a + b;\n}\n");
    let client = Client::in_process();
    let neovim = json!({
        "workspace": {"workspaceEdit": {"documentChanges": false, "resourceOperations": ["rename", "create", "delete"]}},
        "window": {"showDocument": {"support": true}},
    });
    client.initialize_with_capabilities(&[&ws.root], Value::Null, false, neovim).await;
    let uri = client.did_open(&path).await;
    let actions = code_actions(&client, &uri, (0, 17), Vec::new()).await;
    let command = &actions[0]["command"];
    assert_eq!(actions[0]["title"], "Generate unit test skeleton for add");
    let result = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        )
        .await;
    assert_eq!((result["created"].clone(), result["applied"].clone()), (json!(true), json!(true)), "{result}");
    let test = ws.read("src/math.test.ts");
    assert!(test.contains("import { add } from './math';") && test.contains("describe('add'"), "{test}");
    assert!(client.server_requests("workspace/applyEdit").is_empty(), "no edit the client cannot apply");
    let shown = client.server_requests("window/showDocument");
    assert_eq!(shown.len(), 1);
    assert!(shown[0]["uri"].as_str().unwrap().ends_with("src/math.test.ts"));
    let leftovers: Vec<_> = std::fs::read_dir(ws.path("src"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
