//! What the MCP client tests share: the npm servers installed by
//! `scripts/setup-test-tools` and temporary workspaces with an `mcp.json`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use specwright_mcp::client::McpClients;
use specwright_mcp::config::{self, Environment};

/// `dist/index.js` of `@modelcontextprotocol/<package>`, installed into
/// `.venv-test/node` by `scripts/setup-test-tools`. Panics (never skips)
/// when it is missing.
pub fn npm_server(package: &str) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = repo.join(".venv-test/node/node_modules/@modelcontextprotocol").join(package).join("dist/index.js");
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup-test-tools (it installs @modelcontextprotocol/{package} into .venv-test/node)",
        path.display()
    );
    path.canonicalize().expect("canonical path")
}

/// A fresh workspace folder (canonical) with `.kiro/settings/mcp.json`
/// holding `mcp_json`.
pub fn workspace(label: &str, mcp_json: &serde_json::Value) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let root = std::env::temp_dir().join(format!(
        "specwright-mcp-client-{label}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join(".kiro/settings")).expect("folders");
    std::fs::create_dir_all(root.join("home")).expect("home");
    std::fs::write(config::workspace_file(&root), serde_json::to_string_pretty(mcp_json).expect("json"))
        .expect("write");
    root.canonicalize().expect("canonical")
}

/// The workspace's configured servers, read as a user's editor would (the
/// process's PATH; a home folder without its own mcp.json).
pub fn clients(root: &Path) -> McpClients {
    let env = Environment::from_vars([
        ("PATH".to_string(), std::env::var("PATH").unwrap_or_default()),
        ("HOME".to_string(), root.join("home").display().to_string()),
    ]);
    let loaded = config::load(root, &env);
    for file in &loaded.files {
        assert!(file.diagnostics.iter().all(|d| d.severity != config::Severity::Error), "{:?}", file.diagnostics);
    }
    McpClients::new(root, &loaded).with_backoff(Duration::from_millis(50))
}

/// `server-everything` over stdio, as `mcp.json` configures it.
pub fn everything(extra: serde_json::Value) -> serde_json::Value {
    let mut entry = serde_json::json!({
        "command": "node",
        "args": [npm_server("server-everything").display().to_string(), "stdio"],
    });
    if let (Some(entry), serde_json::Value::Object(extra)) = (entry.as_object_mut(), extra) {
        entry.extend(extra);
    }
    entry
}

/// Whether process `pid` still runs (Linux).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| stat.split_whitespace().nth(2).is_none_or(|s| s != "Z"))
        .unwrap_or(false)
}
