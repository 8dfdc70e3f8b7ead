//! `specwright hooks list`: the hooks of a workspace, as Specwright reads
//! them (both Kiro formats). Running hooks comes with the hook engine.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;
use specwright_hooks::{Action, Severity};

#[derive(Subcommand, Debug)]
pub enum HooksCommand {
    /// List every hook under DIR/.kiro/hooks/ with its trigger and action.
    List {
        /// The workspace folder (default: the current folder).
        #[arg(long, value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_parser = ["text", "json"], default_value = "text")]
        format: String,
    },
}

#[derive(Serialize)]
struct Listed {
    name: String,
    file: String,
    enabled: bool,
    trigger: &'static str,
    action: &'static str,
    /// The command or the prompt's first line.
    detail: String,
}

pub fn run(command: HooksCommand) -> ExitCode {
    let HooksCommand::List { dir, format } = command;
    if !dir.is_dir() {
        eprintln!("error: {} is not a folder", dir.display());
        return ExitCode::from(2);
    }
    let files = specwright_hooks::load(&dir);
    let mut listed = Vec::new();
    let mut problems = 0;
    for file in &files {
        let rel = file.path.strip_prefix(&dir).unwrap_or(&file.path).to_string_lossy().replace('\\', "/");
        problems += file.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        for hook in &file.hooks {
            let (action, detail) = match &hook.action {
                Action::RunCommand { command, .. } => ("runCommand", command.clone()),
                Action::AskAgent { prompt } => ("askAgent", prompt.lines().next().unwrap_or("").to_string()),
            };
            listed.push(Listed {
                name: hook.name.clone(),
                file: rel.clone(),
                enabled: hook.enabled,
                trigger: hook.trigger.kind().legacy_name(),
                action,
                detail,
            });
        }
    }
    let mut out = std::io::stdout().lock();
    let text = if format == "json" {
        serde_json::to_string_pretty(&serde_json::json!({ "hooks": listed })).unwrap_or_default() + "\n"
    } else {
        let mut s = String::new();
        for h in &listed {
            let state = if h.enabled { "" } else { " (disabled)" };
            s.push_str(&format!("{}{state}: {} → {} {} [{}]\n", h.name, h.trigger, h.action, h.detail, h.file));
        }
        if problems > 0 {
            s.push_str(&format!("{problems} error(s) in hook files: run `specwright check` for details\n"));
        }
        s
    };
    if out.write_all(text.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
