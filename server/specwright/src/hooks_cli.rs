//! `specwright hooks list`: the hooks of a workspace, as Specwright reads
//! them (both Kiro formats); `specwright hooks run NAME`: runs one now, with
//! the same action runner as the language server's hook engine.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use serde::Serialize;
use specwright_hooks::{EventKind, Hook, Severity};

use crate::hook_engine::{ModelSource, RunContext, run_action};

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
    /// Run the hook named NAME now, whatever its trigger; prints its output
    /// and exits 0 when it succeeded, 1 when it failed, 2 on a usage error.
    /// askAgent hooks use the model of SPECWRIGHT_PROVIDER (and the other
    /// SPECWRIGHT_* variables).
    Run {
        name: String,
        /// The workspace folder (default: the current folder).
        #[arg(long, value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// Run it as if this file (relative to DIR) had fired it.
        #[arg(long, value_name = "FILE")]
        file: Option<String>,
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
    match command {
        HooksCommand::List { dir, format } => list(dir, &format),
        HooksCommand::Run { name, dir, file, format } => run_hook(&name, &dir, file, &format),
    }
}

fn run_hook(name: &str, dir: &Path, file: Option<String>, format: &str) -> ExitCode {
    if !dir.is_dir() {
        eprintln!("error: {} is not a folder", dir.display());
        return ExitCode::from(2);
    }
    let files = specwright_hooks::load(dir);
    let mut found: Vec<&Hook> = files.iter().flat_map(|f| &f.hooks).filter(|h| h.name == name).collect();
    let hook = match found.len() {
        1 => found.remove(0).clone(),
        0 => {
            let invalid = files.iter().any(|f| !f.diagnostics.is_empty());
            let hint = if invalid { " (some hook files have errors: run `specwright check`)" } else { "" };
            eprintln!("error: no valid hook named '{name}' in {}{hint}", dir.join(".kiro/hooks").display());
            return ExitCode::from(2);
        }
        n => {
            eprintln!("error: {n} hooks are named '{name}'");
            return ExitCode::from(2);
        }
    };
    if let Some(f) = &file
        && !dir.join(f).exists()
        && hook.trigger.kind() != EventKind::FileDeleted
    {
        eprintln!("error: {} does not exist", dir.join(f).display());
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    // The model of the environment (SPECWRIGHT_PROVIDER, …), resolved as `spec` resolves it without flags.
    let models: ModelSource =
        Arc::new(|| crate::spec_cli::model(&crate::spec_cli::ModelFlags::default()).map(|m| m.map(Arc::from)));
    let trigger = if file.is_some() { hook.trigger.kind() } else { EventKind::Manual };
    let ctx = RunContext { root: dir, trigger, file: file.as_deref() };
    let cancel = specwright_models::CancellationToken::new();
    let outcome = runtime.block_on(async {
        let ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                ctrl_c.cancel();
            }
        });
        run_action(&hook, &ctx, &models, &cancel).await
    });
    let text = if format == "json" {
        let value = serde_json::json!({
            "name": outcome.name,
            "trigger": outcome.trigger,
            "file": outcome.file,
            "action": outcome.action,
            "ok": outcome.ok,
            "exitCode": outcome.exit_code,
            "output": outcome.output,
            "timedOut": outcome.timed_out,
            "cancelled": outcome.cancelled,
            "durationMs": u64::try_from(outcome.duration.as_millis()).unwrap_or(u64::MAX),
        });
        serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
    } else {
        let mut s = outcome.output.clone();
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s
    };
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    if outcome.ok {
        ExitCode::SUCCESS
    } else {
        let why = if outcome.timed_out {
            "timed out".to_string()
        } else if outcome.cancelled {
            "was cancelled".to_string()
        } else {
            outcome.exit_code.map_or("failed".to_string(), |c| format!("failed with exit code {c}"))
        };
        eprintln!("hook '{name}' {why}");
        ExitCode::FAILURE
    }
}

fn list(dir: PathBuf, format: &str) -> ExitCode {
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
            listed.push(Listed {
                name: hook.name.clone(),
                file: rel.clone(),
                enabled: hook.enabled,
                trigger: hook.trigger.kind().legacy_name(),
                action: hook.action.legacy_name(),
                detail: hook.action.summary(),
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
