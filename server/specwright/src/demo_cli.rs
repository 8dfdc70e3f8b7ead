//! `specwright demo`: the whole spec workflow (requirements → design →
//! tasks) with no API key, against the built-in demo model
//! (`specwright_models::demo`): a server on loopback that streams canned
//! documents through the ordinary model client. The spec it writes passes
//! `specwright check`; the command says plainly that the content is canned.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use specwright_models::{ModelSettings, Overrides};
use specwright_specgen::workflow::{self, SpecType, Workflow};

use crate::spec_cli::{NewSpec, new_spec};

/// The request the demo pretends to answer (its answer is canned anyway).
const PROMPT: &str = "A to-do list service: add tasks, mark them done, and list what is left.";
const NAME: &str = "todo-list-demo";

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// The workspace folder to write the spec into (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The spec's folder name (default: todo-list-demo, made unique).
    #[arg(long)]
    pub name: Option<String>,
}

pub fn run(args: DemoArgs) -> ExitCode {
    match demo(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the demo spec and checks it; `Ok(false)` when the check found errors.
fn demo(args: DemoArgs) -> Result<bool, String> {
    std::fs::create_dir_all(&args.dir).map_err(|e| format!("cannot create {}: {e}", args.dir.display()))?;
    let root = args.dir;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let flags = Overrides { provider: Some("demo".into()), ..Overrides::default() };
    let config = specwright_models::config::resolve(&flags, &|_| None, &ModelSettings::default())
        .map_err(|e| e.to_string())?
        .ok_or("the demo model is not available")?;
    let model = specwright_models::connect(config).map_err(|e| e.to_string())?;
    eprintln!(
        "Specwright demo: the built-in demo model answers on loopback with canned content (a small to-do list \
         spec, whatever is asked). No API key is used and nothing leaves this machine."
    );
    let name = args.name.unwrap_or_else(|| workflow::free_name(&root.join(".kiro").join("specs"), NAME));
    let request = NewSpec {
        name: Some(name),
        prompt: PROMPT,
        workflow: Workflow::RequirementsFirst,
        spec_type: SpecType::Feature,
        quick: true,
    };
    let dir = runtime.block_on(new_spec(Some(model.as_ref()), &root, request))?;

    let checked = crate::check::check_dir(&root);
    let spec = checked.iter().find(|c| c.spec.dir.file_name() == dir.file_name());
    let (errors, warnings) = spec.map_or((0, 0), |c| {
        let count = |s| c.analysis.diagnostics.iter().filter(|d| d.severity == s).count();
        (count(specwright_spec::Severity::Error), count(specwright_spec::Severity::Warning))
    });
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nspecwright check: {errors} {}, {warnings} {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        dir.display()
    );
    let _ = writeln!(
        out,
        "\nThe content above is canned: the demo model writes the same to-do list spec whatever you ask.\n\
         Next:\n\
         - open {} in VS Code or Neovim with Specwright to see diagnostics, lenses and the Spec Explorer;\n\
         - run `specwright check {}`;\n\
         - configure a real model (README: \"Use a local model\", or SPECWRIGHT_PROVIDER=anthropic with \
         ANTHROPIC_API_KEY) and run `specwright spec new --prompt \"…\"`.",
        root.display(),
        root.display()
    );
    Ok(errors == 0 && spec.is_some())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { word.to_string() } else { format!("{word}s") }
}
