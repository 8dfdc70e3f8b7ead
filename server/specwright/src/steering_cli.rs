//! `specwright steering init`: the steering documents (`product.md`,
//! `tech.md`, `structure.md` in `.kiro/steering/`) on the command line, with
//! the same facts and prose as the language server's
//! `specwright.steering.generate`.
//!
//! Existing steering is never overwritten, and nothing is written beside it:
//! a missing document is written atomically (`wrote <path>`); an existing
//! one with the same text is reported `unchanged: <path>`; an existing one
//! that differs is reported `exists, left as is: <path>`, and its proposed
//! text goes to stdout only with `--print-proposals` (no `.proposed` files
//! are left in the workspace). Exits 0 in all three cases.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Subcommand;
use specwright_specgen::Update;
use specwright_specgen::steering;

use crate::lsp::write_atomically;
use crate::spec_cli::ModelFlags;

#[derive(Subcommand, Debug)]
pub enum SteeringCommand {
    /// Write product.md, tech.md and structure.md in .kiro/steering/ from the
    /// repository's manifests and files (and prose from the model, when one is
    /// configured). Existing documents are never overwritten.
    Init {
        /// Print the proposed text of existing documents that differ.
        #[arg(long)]
        print_proposals: bool,
    },
}

pub fn run(command: SteeringCommand, flags: ModelFlags) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let SteeringCommand::Init { print_proposals } = command;
    match runtime.block_on(init(&flags, print_proposals)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

async fn init(flags: &ModelFlags, print_proposals: bool) -> Result<(), String> {
    let root = flags.dir.clone();
    if !root.is_dir() {
        return Err(format!("{} is not a folder", root.display()));
    }
    let model = crate::spec_cli::model(flags)?;
    let facts = specwright_steering::facts(&root);
    let docs = specwright_steering::render_steering(&facts);
    let codebase = match &model {
        Some(_) => steering::codebase(&root),
        None => {
            eprintln!("no model configured (set SPECWRIGHT_PROVIDER or --provider): writing the facts only");
            String::new()
        }
    };

    let (cancel, ctrl_c) = crate::spec_cli::cancel_on_ctrl_c();
    let terminal = std::io::stderr().is_terminal();
    let mut on_update = |update: Update| {
        if let (Update::Status(s), true) = (update, terminal) {
            eprintln!("[{s}]");
        }
    };
    let drafted = steering::write(model.as_deref(), &docs, &codebase, &cancel, &mut on_update).await;
    ctrl_c.abort();
    let drafts = drafted.map_err(|e| format!("steering: {e}"))?;

    let dir = root.join(".kiro").join("steering");
    let mut out = std::io::stdout().lock();
    for d in &drafts {
        if let Some(problem) = &d.problem {
            eprintln!("warning: {problem}");
        }
        let path = dir.join(&d.file);
        match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write_atomically(&path, &d.text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                let _ = writeln!(out, "wrote {}", path.display());
            }
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
            Ok(current) if current.replace("\r\n", "\n") == d.text.replace("\r\n", "\n") => {
                let _ = writeln!(out, "unchanged: {}", path.display());
            }
            Ok(_) if print_proposals => {
                let _ = writeln!(out, "exists, left as is: {} (the proposal follows)", path.display());
                let _ = writeln!(out, "----- proposal for {} -----", path.display());
                let _ = write!(out, "{}", d.text);
                let _ = writeln!(out, "----- end of proposal -----");
            }
            Ok(_) => {
                let _ =
                    writeln!(out, "exists, left as is: {} (see the proposal with --print-proposals)", path.display());
            }
        }
    }
    Ok(())
}
