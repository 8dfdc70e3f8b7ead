//! `specwright scan secrets [PATH] [--format text|json|sarif]`: the secret
//! scanner over a folder (or one file), respecting ignore files. Findings
//! never include the secret itself. Exits 1 when anything is found.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Subcommand;
use serde::Serialize;
use specwright_secrets::{Config, Scanner};

use crate::check::Format;

#[derive(Subcommand, Debug)]
pub enum ScanCommand {
    /// Scan files for credentials (cloud keys, tokens, private keys, connection strings, high-entropy assignments).
    Secrets {
        /// A folder or a file (default: the current folder).
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// One finding as the JSON report prints it (1-based line and column).
#[derive(Serialize, Debug, Clone)]
pub struct Finding {
    /// Relative to the scanned folder (the file's name when a file was scanned).
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub rule: &'static str,
    pub redacted: String,
}

/// Files larger than this are not scanned.
const MAX_FILE: u64 = 4 << 20;

pub fn run(command: ScanCommand) -> ExitCode {
    let ScanCommand::Secrets { path, format } = command;
    let root = path.unwrap_or_else(|| PathBuf::from("."));
    if !root.exists() {
        eprintln!("error: {} does not exist", root.display());
        return ExitCode::from(2);
    }
    let scanner = Scanner::new(&Config::default());
    let files = files(&root);
    let findings = scan(&scanner, &root, &files);
    let out = match format {
        Format::Text => {
            let mut s = String::new();
            for f in &findings {
                s.push_str(&format!(
                    "{}:{}:{}: error[{}]: possible secret {}\n",
                    f.path, f.line, f.column, f.rule, f.redacted
                ));
            }
            s.push_str(&format!(
                "scanned {} files: {} finding{}\n",
                files.len(),
                findings.len(),
                if findings.len() == 1 { "" } else { "s" }
            ));
            s
        }
        Format::Json => {
            serde_json::to_string_pretty(&serde_json::json!({ "findings": findings })).unwrap_or_default() + "\n"
        }
        Format::Sarif => serde_json::to_string_pretty(&sarif(&findings)).unwrap_or_default() + "\n",
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::from(2);
    }
    if findings.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// Every finding in `target` (a folder, walked as `scan secrets` walks it, or one file).
pub fn scan_path(target: &Path, config: &Config) -> Vec<Finding> {
    let scanner = Scanner::new(config);
    scan(&scanner, target, &files(target))
}

/// The files to scan: `root` itself, or every file under it that ignore files allow.
fn files(root: &Path) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some(".git" | "node_modules")))
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| e.metadata().is_ok_and(|m| m.len() <= MAX_FILE))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

fn scan(scanner: &Scanner, root: &Path, files: &[PathBuf]) -> Vec<Finding> {
    let next = AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(files.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let Ok(bytes) = std::fs::read(path) else { continue };
                    // Binary files are not source.
                    if bytes.iter().take(8192).any(|&b| b == 0) {
                        continue;
                    }
                    let text = String::from_utf8_lossy(&bytes);
                    let rel = if root.is_file() {
                        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
                    } else {
                        path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
                    };
                    let mut local: Vec<(usize, Finding)> = scanner
                        .scan(&text)
                        .into_iter()
                        .map(|f| {
                            let finding = Finding {
                                path: rel.clone(),
                                line: f.line + 1,
                                column: f.start_column + 1,
                                rule: f.rule,
                                redacted: f.redacted,
                            };
                            (i, finding)
                        })
                        .collect();
                    found.lock().unwrap_or_else(|e| e.into_inner()).append(&mut local);
                }
            });
        }
    });
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort_by(|(a, fa), (b, fb)| (a, fa.line, fa.column).cmp(&(b, fb.line, fb.column)));
    found.into_iter().map(|(_, f)| f).collect()
}

fn sarif(findings: &[Finding]) -> serde_json::Value {
    let rules: Vec<serde_json::Value> = specwright_secrets::RULES
        .iter()
        .map(|r| serde_json::json!({"id": r.id, "name": r.id, "shortDescription": {"text": r.description}, "defaultConfiguration": {"level": "error"}}))
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "ruleId": f.rule,
                "level": "error",
                "message": {"text": format!("possible secret {}", f.redacted)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": f.line, "startColumn": f.column}
                }}]
            })
        })
        .collect();
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "specwright", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
                  "columnKind": "utf16CodeUnits", "results": results}]
    })
}
