//! `specwright mcp list`: the configured MCP servers with their transport
//! and state; with `--start`, each is started (server-everything from npm,
//! installed by `scripts/setup-test-tools`) and its tools listed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn npm_server(package: &str) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = repo.join(".venv-test/node/node_modules/@modelcontextprotocol").join(package).join("dist/index.js");
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup-test-tools (it installs @modelcontextprotocol/{package} into .venv-test/node)",
        path.display()
    );
    path.canonicalize().expect("canonical path")
}

/// A workspace with this `mcp.json`, trusted as the user would
/// (`specwright hooks trust`): its servers are the repository's commands.
fn workspace(label: &str, mcp_json: &serde_json::Value) -> PathBuf {
    let root = untrusted_workspace(label, mcp_json);
    let out = specwright(&root).args(["hooks", "trust"]).arg(&root).output().expect("run specwright");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    root
}

fn untrusted_workspace(label: &str, mcp_json: &serde_json::Value) -> PathBuf {
    let root = std::env::temp_dir().join(format!("specwright-mcp-list-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join(".kiro/settings")).expect("folders");
    std::fs::create_dir_all(root.join("home")).expect("home");
    std::fs::write(root.join(".kiro/settings/mcp.json"), mcp_json.to_string()).expect("mcp.json");
    root.canonicalize().expect("canonical root")
}

/// The binary with the workspace's own home and data folder.
fn specwright(root: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_specwright"));
    command.env("HOME", root.join("home")).env("SPECWRIGHT_DATA_DIR", root.join("data")).env("RUST_LOG", "warn");
    command
}

fn list(root: &Path, extra: &[&str]) -> Output {
    specwright(root).args(["mcp", "list", "--dir"]).arg(root).args(extra).output().expect("run specwright")
}

/// The workspace's servers are the repository's commands: until the folder
/// is trusted, none starts, and the state says why.
#[test]
fn the_servers_of_an_untrusted_workspace_never_start() {
    let marker = std::env::temp_dir().join(format!("specwright-mcp-ran-{}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    let script = format!("require('fs').writeFileSync({:?}, 'ran')", marker.display().to_string());
    let root = untrusted_workspace(
        "untrusted",
        &serde_json::json!({"mcpServers": {"sneaky": {"command": "node", "args": ["-e", script]}}}),
    );
    let out = list(&root, &["--start"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("state: not trusted"), "{stdout}");
    assert!(!marker.exists(), "the command did not run");
}

fn config() -> serde_json::Value {
    let everything = npm_server("server-everything").display().to_string();
    serde_json::json!({"mcpServers": {
        "everything": {"command": "node", "args": [everything, "stdio"], "disabledTools": ["get-env"]},
        "remote": {"url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer secret-token"}, "disabled": true},
    }})
}

#[test]
fn mcp_list_shows_servers_without_starting_them() {
    let root = workspace("plain", &config());
    let out = list(&root, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("everything (workspace) stdio: node "), "{stdout}");
    assert!(stdout.contains("remote (workspace) http: https://mcp.example.com/mcp"), "{stdout}");
    assert!(!stdout.contains("secret-token"), "header values are never shown: {stdout}");
    assert!(stdout.contains("state: stopped"), "{stdout}");
    assert!(stdout.contains("state: disabled"), "{stdout}");
    assert!(!stdout.contains("tools:"), "{stdout}");
}

#[test]
fn mcp_list_start_lists_the_tools_of_each_server() {
    let root = workspace("start", &config());
    let out = list(&root, &["--start"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("state: running"), "{stdout}");
    let tools = stdout.lines().find(|l| l.trim_start().starts_with("tools:")).expect("a tools line");
    assert!(tools.contains("echo"), "{tools}");
    assert!(tools.contains("trigger-long-running-operation"), "{tools}");
    assert!(!tools.contains("get-env"), "disabledTools are left out: {tools}");
    assert!(stdout.contains("state: disabled"), "{stdout}");
}

#[test]
fn mcp_list_start_reports_a_server_that_cannot_start() {
    let root = workspace(
        "broken",
        &serde_json::json!({"mcpServers": {"broken": {"command": "node", "args": ["-e", "process.exit(3)"]}}}),
    );
    let out = list(&root, &["--start"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("state: failed: the MCP server `broken` could not start"), "{stdout}");
}

#[test]
fn mcp_list_without_configuration_says_where_it_looked() {
    let root = std::env::temp_dir().join(format!("specwright-mcp-list-none-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("home")).expect("folders");
    let out = list(&root, &[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("No MCP servers are configured"));
}

/// `specwright ask` offers the workspace's MCP tools beside its own: an
/// auto-approved one runs and its result reaches the model; another is
/// refused (a terminal conversation cannot ask), and the model is told why.
#[tokio::test]
async fn ask_calls_the_tools_of_the_workspace_mcp_servers() {
    use specwright_testkit::{Reply, ScriptedServer};
    let everything = npm_server("server-everything").display().to_string();
    let root = workspace(
        "ask",
        &serde_json::json!({"mcpServers": {
            "everything": {"command": "node", "args": [everything, "stdio"], "autoApprove": ["echo"]},
        }}),
    );
    let script = vec![
        Reply::tool_call("c1", "everything__echo", serde_json::json!({"message": "via mcp"}).to_string()),
        Reply::tool_call("c2", "everything__get-sum", serde_json::json!({"a": 1, "b": 2}).to_string()),
        Reply::chunks(["Done."]),
    ];
    let server = ScriptedServer::start(script).await.expect("scripted server");
    let out = tokio::process::Command::from(specwright(&root))
        .args(["ask", "Echo it", "--dir"])
        .arg(&root)
        .env("SPECWRIGHT_PROVIDER", "openai")
        .env("SPECWRIGHT_BASE_URL", format!("{}/v1", server.base_url()))
        .env("SPECWRIGHT_MODEL", "cli-model")
        .output()
        .await
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Done.");
    assert!(stderr.contains("✓ everything__echo"), "{stderr}");
    assert!(stderr.contains("✗ everything__get-sum: refused: the user did not approve"), "{stderr}");
    let requests: Vec<String> = server.requests().into_iter().map(|r| r.raw_body).collect();
    assert!(requests[0].contains("everything__echo") && requests[0].contains("read_file"), "{}", requests[0]);
    assert!(requests[1].contains("Echo: via mcp"), "{}", requests[1]);
}

/// The model keys in Specwright's environment are not handed to the MCP
/// servers it starts: server-everything's `get-env` shows the server's
/// environment, with what its `env` sets, and without the keys.
#[tokio::test]
async fn mcp_servers_do_not_inherit_the_model_keys() {
    use specwright_testkit::{Reply, ScriptedServer};
    let everything = npm_server("server-everything").display().to_string();
    let root = workspace(
        "env",
        &serde_json::json!({"mcpServers": {
            "everything": {"command": "node", "args": [everything, "stdio"], "autoApprove": ["get-env"], "env": {"SET_FOR_THE_SERVER": "yes"}},
        }}),
    );
    let script = vec![Reply::tool_call("c1", "everything__get-env", "{}"), Reply::chunks(["Done."])];
    let server = ScriptedServer::start(script).await.expect("scripted server");
    let out = tokio::process::Command::from(specwright(&root))
        .args(["ask", "What is your environment?", "--dir"])
        .arg(&root)
        .env("SPECWRIGHT_PROVIDER", "openai")
        .env("SPECWRIGHT_BASE_URL", format!("{}/v1", server.base_url()))
        .env("SPECWRIGHT_MODEL", "cli-model")
        .env("OPENAI_API_KEY", "openai-key-for-the-model-only")
        .env("ANTHROPIC_API_KEY", "anthropic-key-for-the-model-only")
        .output()
        .await
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("✓ everything__get-env"), "{stderr}");
    let requests: Vec<String> = server.requests().into_iter().map(|r| r.raw_body).collect();
    let result = &requests[1];
    assert!(result.contains("SET_FOR_THE_SERVER") && result.contains("PATH"), "{result}");
    assert!(!result.contains("OPENAI_API_KEY") && !result.contains("ANTHROPIC_API_KEY"), "{result}");
    assert!(!result.contains("key-for-the-model-only"), "{result}");
}
