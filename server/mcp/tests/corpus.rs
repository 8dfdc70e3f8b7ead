//! Reads every `.kiro/settings/mcp.json` of the real-world corpus
//! (`../shared/corpus/kiro`, beside the repository) and checks facts counted
//! by reading the files, not produced by this parser:
//!
//! - 3 repositories have one: fabishz (6 servers, each with a
//!   `description`, which Kiro does not read), FouadABT (6 servers, 2 of them
//!   disabled) and Adarsh-Dhar (1 server, with a `description`).
//! - Every server is local (`command`: `node`, `npx` or `uvx`); none uses
//!   `${VAR}`; no tool is named twice.

use std::collections::BTreeMap;
use std::path::PathBuf;

use specwright_mcp::config::{AutoApprove, Environment, McpFile, Scope, Severity, Transport, codes, load_file};

fn corpus() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/kiro");
    assert!(
        dir.is_dir(),
        "THE CORPUS IS MISSING: expected the real-world Kiro corpus at {} (shared/corpus/kiro beside the repository). \
         These tests need it; they do not skip.",
        dir.display()
    );
    dir
}

/// Every repository's mcp.json, by repository name.
fn load_all(env: &Environment) -> BTreeMap<String, McpFile> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(corpus()).expect("corpus readable") {
        let repo = entry.expect("entry").path();
        let path = specwright_mcp::config::workspace_file(&repo);
        if let Some(file) = load_file(&path, Scope::Workspace, env) {
            out.insert(repo.file_name().unwrap().to_string_lossy().into_owned(), file);
        }
    }
    out
}

#[test]
fn every_corpus_file_loads_without_errors() {
    // The commands the files name, as on a machine set up for them.
    let env = Environment::from_vars([("HOME", "/nowhere")]).with_commands(["node", "npx", "uvx"]);
    let all = load_all(&env);
    let counts: Vec<(&str, usize)> = all.iter().map(|(k, f)| (k.as_str(), f.servers.len())).collect();
    assert_eq!(
        counts,
        [("Adarsh-Dhar__clippy-kiroween", 1), ("FouadABT__kiroween-dashtact", 6), ("fabishz__resurrection-", 6)]
    );
    let diags: Vec<_> = all.values().flat_map(|f| &f.diagnostics).collect();
    assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
    assert_eq!(diags.len(), 7, "{diags:#?}");
    assert!(diags.iter().all(|d| d.code == codes::UNKNOWN_KEY && d.severity == Severity::Hint), "{diags:#?}");
    assert!(diags.iter().all(|d| d.message.contains(".description`;")), "{diags:#?}");

    let servers: Vec<_> = all.values().flat_map(|f| &f.servers).collect();
    assert_eq!(servers.iter().filter(|s| s.disabled).count(), 2);
    assert!(servers.iter().all(|s| matches!(s.transport, Transport::Stdio { .. }) && s.unset_variables.is_empty()));
    assert!(servers.iter().all(|s| s.timeout.is_none() && s.disabled_tools.is_empty()));
    assert!(!servers.iter().any(|s| s.auto_approve == AutoApprove::All));
    let fetch = all["FouadABT__kiroween-dashtact"].servers.iter().find(|s| s.name == "fetch").unwrap();
    assert!(fetch.auto_approve.allows("fetch"));
    let Transport::Stdio { command, args, .. } = &fetch.transport else { unreachable!() };
    assert_eq!((command.as_str(), args.as_slice()), ("uvx", &["mcp-server-fetch".to_string()][..]));
}

/// Without those commands on PATH, each enabled server gets a warning on its
/// command, and is still configured.
#[test]
fn missing_commands_are_warnings() {
    let env = Environment::from_vars([("PATH", "")]);
    let all = load_all(&env);
    let diags: Vec<_> = all.values().flat_map(|f| &f.diagnostics).filter(|d| d.code != codes::UNKNOWN_KEY).collect();
    assert_eq!(diags.len(), 11, "13 servers, 2 disabled: {diags:#?}");
    assert!(diags.iter().all(|d| d.code == codes::COMMAND_NOT_FOUND && d.severity == Severity::Warning));
    assert_eq!(all.values().map(|f| f.servers.len()).sum::<usize>(), 13);
}
