//! `specwright hooks list`: the hooks of a workspace, as Specwright reads
//! them (both Kiro formats); `specwright hooks run NAME`: runs one now, with
//! the same action runner and trust gate as the language server's hook
//! engine; `specwright hooks trust|untrust [DIR]`: the user's trust record.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use serde::Serialize;
use specwright_hooks::{EventKind, Hook, Severity};

use specwright_hooks::trust::{Trust, TrustStore};
use specwright_runtime::hooks::trust::{self, TrustAnswer, TrustAsker, TrustGate, TrustQuestion};
use specwright_runtime::hooks::{AgentHands, ModelSource, RunContext, run_action};

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
        /// Run it even though its hook file is not trusted, this once (without
        /// it, an untrusted hook asks on a terminal and is refused elsewhere).
        #[arg(long)]
        trust: bool,
        /// Let an askAgent hook's agent write its edits (atomically) without
        /// asking; without it, its edits are refused (a terminal has no
        /// review) and it only answers.
        #[arg(long)]
        autopilot: bool,
    },
    /// Trust the hooks of DIR/.kiro/hooks/ as they are now: their commands
    /// may run and their prompts may reach the model, in the editor and here.
    /// A hook file that changes needs trust again. Lifts "never".
    Trust {
        /// The workspace folder (default: the current folder).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
    /// Forget the trust (and any "never") recorded for DIR: its hooks ask
    /// again before they run.
    Untrust {
        /// The workspace folder (default: the current folder).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
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
    /// Whether it may run: a built-in analyzer, or a hook file the user
    /// trusts as it is now.
    trusted: bool,
}

pub fn run(command: HooksCommand) -> ExitCode {
    match command {
        HooksCommand::List { dir, format } => list(dir, &format),
        HooksCommand::Run { name, dir, file, format, trust, autopilot } => {
            run_hook(&name, &dir, file, &format, RunFlags { trusted_once: trust, autopilot })
        }
        HooksCommand::Trust { dir } => trust_dir(&dir),
        HooksCommand::Untrust { dir } => untrust_dir(&dir),
    }
}

/// The user's trust record, or a message saying why there is none.
fn store() -> Result<TrustStore, String> {
    TrustStore::user_default().ok_or_else(|| {
        "error: no data folder for the trust record (set HOME, XDG_DATA_HOME or SPECWRIGHT_DATA_DIR)".to_string()
    })
}

fn trust_dir(dir: &Path) -> ExitCode {
    if !dir.is_dir() {
        eprintln!("error: {} is not a folder", dir.display());
        return ExitCode::from(2);
    }
    let store = match store() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let files: Vec<_> = specwright_hooks::load(dir).into_iter().filter(|f| !f.hooks.is_empty()).collect();
    let refs: Vec<(&Path, &str)> = files.iter().map(|f| (f.path.as_path(), f.hash.as_str())).collect();
    if let Err(e) = store.trust_folder(dir, &refs) {
        eprintln!("error: cannot write {}: {e}", store.path().display());
        return ExitCode::from(2);
    }
    let mut text = String::new();
    for hook in files.iter().flat_map(|f| &f.hooks).filter(|h| h.action.needs_trust()) {
        text.push_str(&format!(
            "trusted: {} → {} {}
",
            hook.name,
            hook.action.legacy_name(),
            hook.action.summary()
        ));
    }
    if text.is_empty() {
        text.push_str("no hook here needs trust (built-in analyzers run without it)\n");
    }
    text.push_str(&format!("recorded in {}\n", store.path().display()));
    write_stdout(&text)
}

fn untrust_dir(dir: &Path) -> ExitCode {
    let store = match store() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match store.untrust(dir) {
        Ok(true) => write_stdout(&format!(
            "forgot the trust recorded for {}: its hooks ask again before they run\n",
            dir.display()
        )),
        Ok(false) => write_stdout(&format!("nothing was recorded for {}\n", dir.display())),
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", store.path().display());
            ExitCode::from(2)
        }
    }
}

fn write_stdout(text: &str) -> ExitCode {
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// Asks on the terminal; without one, explains how to trust.
fn terminal_asker(dir: &Path) -> TrustAsker {
    let dir = dir.display().to_string();
    Arc::new(move |question: TrustQuestion| {
        let dir = dir.clone();
        Box::pin(async move {
            use std::io::IsTerminal;
            if !std::io::stdin().is_terminal() {
                eprintln!(
                    "{}\nerror: not run: there is no terminal to ask. Trust the hooks with `specwright hooks trust {dir}`, \
                     or pass --trust to run this once.",
                    question.message()
                );
                return TrustAnswer::CannotAsk;
            }
            tokio::task::spawn_blocking(move || {
                eprint!(
                    "{}\n[y] {}  [n] {}  [never] {}: ",
                    question.message(),
                    trust::TRUST_AND_RUN,
                    trust::NOT_NOW,
                    trust::NEVER
                );
                let mut line = String::new();
                if std::io::stdin().read_line(&mut line).is_err() {
                    return TrustAnswer::NotNow;
                }
                match line.trim().to_lowercase().as_str() {
                    "y" | "yes" | "trust" => TrustAnswer::TrustAndRun,
                    "never" => TrustAnswer::Never,
                    _ => TrustAnswer::NotNow,
                }
            })
            .await
            .unwrap_or(TrustAnswer::NotNow)
        })
    })
}

/// How `hooks run` may act.
struct RunFlags {
    /// Run an untrusted hook this once.
    trusted_once: bool,
    /// Apply an agent hook's edits without asking.
    autopilot: bool,
}

fn run_hook(name: &str, dir: &Path, file: Option<String>, format: &str, flags: RunFlags) -> ExitCode {
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
    // The agent's tools, writing on disk (with --autopilot) and running no
    // command it was not allowed (there is nobody to ask).
    let hands = AgentHands {
        host: Arc::new(specwright_agent::DiskHost { autopilot: flags.autopilot }),
        allowed_commands: Vec::new(),
        max_steps: specwright_agent::Limits::default().max_steps,
    };
    let ctx = RunContext { agent: Some(&hands), ..RunContext::new(dir, trigger, file.as_deref()) };
    if !flags.trusted_once {
        let siblings: Vec<Hook> =
            files.iter().filter(|f| f.path == hook.source.path).flat_map(|f| f.hooks.clone()).collect();
        let gate = TrustGate::new(TrustStore::user_default(), terminal_asker(dir));
        if let Err(refusal) = runtime.block_on(gate.allow(&hook, &siblings, dir, true)) {
            eprintln!("error: {}", refusal.message(name));
            return ExitCode::from(2);
        }
    }
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
    let store = TrustStore::user_default();
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
                trusted: !hook.action.needs_trust()
                    || store.as_ref().is_some_and(|s| s.status(&dir, &file.path, &file.hash) == Trust::Trusted),
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
            let trust = if h.trusted { "" } else { " (not trusted)" };
            s.push_str(&format!("{}{state}{trust}: {} → {} {} [{}]\n", h.name, h.trigger, h.action, h.detail, h.file));
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
