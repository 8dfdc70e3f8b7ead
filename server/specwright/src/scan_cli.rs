//! `specwright scan secrets [PATH] [--format text|json|sarif]`: the secret
//! scanner over a folder (or one file), respecting ignore files. Findings
//! never include the secret itself. Exits 1 when anything is found.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use specwright_secrets::tree::{FileFinding as Finding, files, scan};
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
