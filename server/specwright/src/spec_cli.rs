//! `specwright spec …`: the spec workflow on the command line, with the
//! same engine as the language server. Files are written atomically; the
//! document streams to stderr as it arrives when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use specwright_index::Index;
use specwright_models::{CancellationToken, Model, ModelSettings, Overrides};
use specwright_spec::DocKind;
use specwright_specgen::workflow::{self, SpecTexts, SpecType, Workflow};
use specwright_specgen::{DocTarget, Generated, Update, naming};

use crate::check::plural;
use crate::lsp::write_atomically;

#[derive(Args, Debug, Clone, Default)]
pub struct ModelFlags {
    /// Model provider: anthropic, openai (any OpenAI-compatible server) or
    /// demo (canned answers, no key) (overrides SPECWRIGHT_PROVIDER).
    #[arg(long, global = true)]
    pub provider: Option<String>,
    /// Model name (overrides SPECWRIGHT_MODEL).
    #[arg(long, global = true)]
    pub model: Option<String>,
    /// Base URL of the API (overrides SPECWRIGHT_BASE_URL).
    #[arg(long, global = true)]
    pub base_url: Option<String>,
    /// The most tokens the model may write for one document.
    #[arg(long, global = true)]
    pub max_tokens: Option<u32>,
    /// The workspace folder (default: the current folder).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum SpecCommand {
    /// Create a spec: requirements.md (or bugfix.md, or design.md first) and .config.kiro.
    New {
        /// The spec folder's name (kebab-case). Default: derived from the
        /// prompt, made unique.
        name: Option<String>,
        /// The feature (or bug) in your words.
        #[arg(long)]
        prompt: String,
        #[arg(long, value_parser = ["requirements-first", "design-first"], default_value = "requirements-first")]
        workflow: String,
        /// A bugfix spec (bugfix.md) instead of a feature.
        #[arg(long)]
        bugfix: bool,
        /// Write all three documents without stopping.
        #[arg(long)]
        quick: bool,
    },
    /// Generate design.md from the spec's requirements.
    Design { name: String },
    /// Generate tasks.md from the spec (merged into an existing one without losing work).
    Tasks { name: String },
    /// List the specs with their progress.
    List {
        #[arg(long, value_parser = ["text", "json"], default_value = "text")]
        format: String,
    },
}

pub fn run(command: SpecCommand, flags: ModelFlags) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(run_async(command, flags)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

pub(crate) fn model(flags: &ModelFlags) -> Result<Option<Box<dyn Model>>, String> {
    let overrides =
        Overrides { provider: flags.provider.clone(), model: flags.model.clone(), base_url: flags.base_url.clone() };
    let settings = ModelSettings { max_tokens: flags.max_tokens, ..ModelSettings::default() };
    let config = specwright_models::config::resolve(&overrides, &|k| std::env::var(k).ok(), &settings)
        .map_err(|e| e.to_string())?;
    config.map(specwright_models::connect).transpose().map_err(|e| e.to_string())
}

async fn run_async(command: SpecCommand, flags: ModelFlags) -> Result<(), String> {
    let root = flags.dir.clone();
    if !root.is_dir() {
        return Err(format!("{} is not a folder", root.display()));
    }
    let specs_dir = root.join(".kiro").join("specs");
    match command {
        SpecCommand::List { format } => list(&root, &format),
        SpecCommand::New { name, prompt, workflow: wf, bugfix, quick } => {
            let wf = if wf == "design-first" { Workflow::DesignFirst } else { Workflow::RequirementsFirst };
            let spec_type = if bugfix { SpecType::Bugfix } else { SpecType::Feature };
            let model = model(&flags)?;
            let request = NewSpec { name, prompt: &prompt, workflow: wf, spec_type, quick };
            new_spec(model.as_deref(), &root, request).await.map(|_| ())
        }
        SpecCommand::Design { name } => {
            let dir = existing_spec(&specs_dir, &name)?;
            let texts = SpecTexts::read(&dir);
            if texts.requirements.is_none() && texts.bugfix.is_none() {
                return Err(format!("spec '{name}' has no requirements.md (or bugfix.md) to design from"));
            }
            let model = model(&flags)?;
            let index = Index::build(&root);
            let generated = step(
                model.as_deref(),
                &root,
                &index,
                &dir,
                &texts,
                Ask { target: DocTarget::Design, prompt: "", quick: false },
            )
            .await?;
            write(&dir.join("design.md"), &generated.text)
        }
        SpecCommand::Tasks { name } => {
            let dir = existing_spec(&specs_dir, &name)?;
            let texts = SpecTexts::read(&dir);
            let model = model(&flags)?;
            let index = Index::build(&root);
            let generated = step(
                model.as_deref(),
                &root,
                &index,
                &dir,
                &texts,
                Ask { target: DocTarget::Tasks, prompt: "", quick: false },
            )
            .await?;
            let (text, merge) = workflow::tasks_to_write(texts.tasks.as_deref(), &generated.text, &texts);
            if let Some(m) = merge {
                if !m.dropped.is_empty() {
                    eprintln!("dropped tasks whose requirements are gone: {}", m.dropped.join("; "));
                }
                eprintln!("added tasks: {}", if m.added.is_empty() { "none".into() } else { m.added.join(", ") });
            }
            write(&dir.join("tasks.md"), &text)
        }
    }
}

/// What `spec new` writes.
pub(crate) struct NewSpec<'a> {
    /// `None`: derived from the prompt, made unique.
    pub name: Option<String>,
    pub prompt: &'a str,
    pub workflow: Workflow,
    pub spec_type: SpecType,
    /// All documents without stopping.
    pub quick: bool,
}

/// Creates a spec: its first document (all of them when quick) and
/// `.config.kiro`. Returns the spec's folder.
pub(crate) async fn new_spec(model: Option<&dyn Model>, root: &Path, request: NewSpec<'_>) -> Result<PathBuf, String> {
    let NewSpec { name, prompt, workflow: wf, spec_type, quick } = request;
    let specs_dir = root.join(".kiro").join("specs");
    if prompt.trim().is_empty() {
        return Err("describe the feature with --prompt".into());
    }
    let name = match name {
        Some(name) if !naming::is_valid_name(&name) => {
            return Err(format!("'{name}' is not a valid spec name (letters, digits, - and _)"));
        }
        Some(name) if specs_dir.join(&name).exists() => {
            return Err(format!("a spec named '{name}' exists at {}", specs_dir.join(&name).display()));
        }
        Some(name) => name,
        None => {
            let name = workflow::free_name(&specs_dir, &naming::derive_name(prompt));
            eprintln!("spec name: {name} (from the prompt; give a NAME to choose another)");
            name
        }
    };
    let dir = specs_dir.join(&name);
    let targets =
        if quick { workflow::quick_targets(wf, spec_type) } else { vec![workflow::first_target(wf, spec_type)] };
    let mut texts = SpecTexts::default();
    // Indexed once for every document of a quick spec.
    let index = Index::build(root);
    let mut written = Vec::new();
    for target in targets {
        let generated = step(model, root, &index, &dir, &texts, Ask { target, prompt, quick }).await?;
        if written.is_empty() {
            write(&dir.join(DocKind::Config.file_name()), &workflow::new_config(wf, spec_type))?;
        }
        write(&dir.join(target.file_name()), &generated.text)?;
        written.push(target);
        match target {
            DocTarget::Requirements => texts.requirements = Some(generated.text),
            DocTarget::Bugfix => texts.bugfix = Some(generated.text),
            DocTarget::Design => texts.design = Some(generated.text),
            DocTarget::Tasks => texts.tasks = Some(generated.text),
        }
    }
    Ok(dir)
}

fn existing_spec(specs_dir: &Path, name: &str) -> Result<PathBuf, String> {
    let dir = specs_dir.join(name);
    if naming::is_valid_name(name) && dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!("no spec named '{name}' in {}", specs_dir.display()))
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    write_atomically(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "wrote {}", path.display());
    Ok(())
}

/// A token that Ctrl-C cancels, and the task that waits for it (abort it when done).
pub(crate) fn cancel_on_ctrl_c() -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let cancel = CancellationToken::new();
    let interrupt = cancel.clone();
    let task = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            interrupt.cancel();
        }
    });
    (cancel, task)
}

/// One document, with Ctrl-C cancelling it and the text streaming to a terminal.
/// What one step writes: the document, the user's words, and whether it is
/// part of a quick spec (a template then stands in for what the model could
/// not write).
struct Ask<'a> {
    target: DocTarget,
    prompt: &'a str,
    quick: bool,
}

async fn step(
    model: Option<&dyn Model>,
    root: &Path,
    index: &Index,
    dir: &Path,
    texts: &SpecTexts,
    ask: Ask<'_>,
) -> Result<Generated, String> {
    let Ask { target, prompt, quick } = ask;
    let map_tokens = specwright_specgen::context::DEFAULT_MAP_TOKENS;
    let inputs = workflow::inputs_with(root, dir, texts.clone(), prompt, None, Some(index), map_tokens);
    // A quick spec ends valid: a template stands in for what a model could not write.
    let inputs = specwright_specgen::Inputs { template_fallback: quick, ..inputs };
    let (cancel, ctrl_c) = cancel_on_ctrl_c();
    let terminal = std::io::stderr().is_terminal();
    let mut shown = 0usize;
    let mut on_update = |update: Update| {
        let mut err = std::io::stderr().lock();
        match update {
            Update::Preview(text) if terminal && text.len() > shown && text.is_char_boundary(shown) => {
                let _ = err.write_all(&text.as_bytes()[shown..]);
                shown = text.len();
            }
            Update::Status(s) if terminal => {
                let _ = writeln!(err, "[{s}]");
            }
            _ => {}
        }
    };
    if model.is_none() {
        let doing = if target == DocTarget::Tasks && texts.tasks.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            "merging a plan derived from the requirements into the existing tasks.md".to_string()
        } else {
            format!("writing a template for {}", target.file_name())
        };
        eprintln!("no model configured (set SPECWRIGHT_PROVIDER or --provider): {doing}");
    }
    let result = specwright_specgen::generate(model, target, &inputs, &cancel, &mut on_update).await;
    ctrl_c.abort();
    if terminal && shown > 0 {
        eprintln!();
    }
    let generated = result.map_err(|e| format!("{}: {e}", target.file_name()))?;
    for p in &generated.problems {
        eprintln!("warning: {}: {p}", target.file_name());
    }
    Ok(generated)
}

fn list(root: &Path, format: &str) -> Result<(), String> {
    let checked = crate::check::check_dir(root);
    let report = crate::check::Report::new(&[(String::new(), checked)]);
    let mut out = std::io::stdout().lock();
    if format == "json" {
        let json = serde_json::json!({ "specs": report.specs });
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&json).unwrap_or_default());
        return Ok(());
    }
    if report.specs.is_empty() {
        let _ = writeln!(out, "no specs under {}", root.join(".kiro/specs").display());
    }
    for s in &report.specs {
        let f = &s.summary;
        let total = f.tasks + f.subtasks;
        let tasks = format!("{}/{total} task{} done", f.done, plural(total));
        let requirements = format!("{} requirement{}", f.requirements, plural(f.requirements));
        let _ = writeln!(
            out,
            "{:<32} {:<8} {tasks:<17} {requirements:<16} {} uncovered  {}",
            s.name,
            format!("{:?}", s.kind).to_lowercase(),
            f.uncovered.len(),
            s.path
        );
    }
    Ok(())
}
