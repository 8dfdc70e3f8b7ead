//! Paths from clients stay inside the workspace folders: a spec name is a
//! name, `..` in a URI is resolved before anything is looked up, a `root`
//! must be a workspace folder, and a symbolic link out of the folder does
//! not count as inside. Each is a clear InvalidParams error, never a
//! fallback to a parent folder.

mod support;

use serde_json::{Value, json};
use support::*;

async fn start(ws: &TempWorkspace) -> Client {
    let client = Client::in_process();
    client.initialize_with(&[&ws.root], Value::Null, true).await;
    client
}

fn message(error: &Value) -> String {
    assert_eq!(error["code"], -32602, "InvalidParams: {error}");
    error["message"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn spec_names_and_uris_cannot_leave_the_workspace() {
    let outside = TempWorkspace::new("paths-outside");
    outside.write(".kiro/specs/stolen/requirements.md", "# Requirements Document\n");
    let ws = TempWorkspace::new("paths-ws");
    demo::write(&ws);
    let client = start(&ws).await;

    // A name that is a path.
    let escape =
        format!("../../../{}/.kiro/specs/stolen", outside.root.file_name().and_then(|n| n.to_str()).unwrap_or(""));
    let e = client.request_err("specwright/spec/generateDesign", json!({"spec": escape})).await;
    assert!(message(&e).contains("neither a spec name"), "{e}");

    // A URI that climbs out with `..`.
    let uri = format!(
        "{}/../{}/.kiro/specs/stolen",
        uri(&ws.root),
        outside.root.file_name().and_then(|n| n.to_str()).unwrap_or("")
    );
    let e = client.request_err("specwright/spec/generateDesign", json!({"spec": uri})).await;
    assert!(message(&e).contains("outside the workspace folders"), "{e}");

    // A URI of another folder altogether.
    let e =
        client.request_err("specwright/spec/generateDesign", json!({"spec": outside.uri(".kiro/specs/stolen")})).await;
    assert!(message(&e).contains("outside the workspace folders"), "{e}");

    // The workspace's own spec still resolves, by name and by URI (it fails
    // later only for want of a model, which is not a path error).
    for spec in [json!("demo"), json!(ws.uri(".kiro/specs/demo"))] {
        if let Err(e) = client.request("specwright/spec/generateDesign", json!({"spec": spec})).await {
            assert!(!e["message"].as_str().unwrap_or_default().contains("outside"), "{e}");
        }
    }
}

#[tokio::test]
async fn a_root_must_be_a_workspace_folder() {
    let outside = TempWorkspace::new("paths-root-outside");
    let ws = TempWorkspace::new("paths-root");
    ws.write("sub/keep.txt", "");
    let client = start(&ws).await;
    let create = |root: String| json!({"prompt": "a feature", "root": root});

    let e = client.request_err("specwright/spec/create", create(uri(&outside.root))).await;
    assert!(message(&e).contains("outside the workspace folders"), "{e}");
    let e = client.request_err("specwright/spec/create", create(format!("{}/..", uri(&ws.root)))).await;
    assert!(message(&e).contains("outside the workspace folders"), "{e}");
    let e = client.request_err("specwright/spec/create", create(ws.uri("sub"))).await;
    assert!(message(&e).contains("is not a workspace folder"), "{e}");
    assert!(!outside.path(".kiro").exists() && !ws.path("sub/.kiro").exists(), "nothing was created");

    let steering = |root: String| json!({"command": "specwright.steering.generate", "arguments": [{"root": root}]});
    let e = client.request_err("workspace/executeCommand", steering(uri(&outside.root))).await;
    assert!(message(&e).contains("outside the workspace folders"), "{e}");
    assert!(!outside.path(".kiro").exists());
}

#[cfg(unix)]
#[tokio::test]
async fn a_symbolic_link_out_of_the_folder_is_outside() {
    let outside = TempWorkspace::new("paths-link-outside");
    outside.write("lib.ts", "export function secret() {}\n");
    let ws = TempWorkspace::new("paths-link");
    std::os::unix::fs::symlink(&outside.root, ws.path("linked")).expect("symlink");
    let client = start(&ws).await;
    let e = client
        .request_err(
            "workspace/executeCommand",
            json!({"command": "specwright.test.generateSkeleton", "arguments": [{"uri": ws.uri("linked/lib.ts")}]}),
        )
        .await;
    assert!(message(&e).contains("outside the workspace folders"), "{e}");
    assert!(!outside.path("lib.test.ts").exists());
}

#[tokio::test]
async fn a_hook_file_argument_cannot_climb_out() {
    let ws = TempWorkspace::new("paths-hook");
    ws.write(
        ".kiro/hooks/h.kiro.hook",
        r#"{"name": "H", "when": {"type": "userTriggered"}, "then": {"type": "runCommand", "command": "specwright:secrets"}}"#,
    );
    let client = start(&ws).await;
    client
        .wait_until("hooks loaded", |inbox| inbox.diagnostics.keys().any(|u| u.contains(".kiro/hooks")).then_some(()))
        .await;
    let file = format!("{}/../etc/passwd", uri(&ws.root));
    let e = client
        .request_err(
            "workspace/executeCommand",
            json!({"command": "specwright.hook.run", "arguments": [{"name": "H", "file": file}]}),
        )
        .await;
    assert!(message(&e).contains("outside the hook's workspace folder"), "{e}");
}
