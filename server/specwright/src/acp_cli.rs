//! `specwright acp`: Specwright's agent for any Agent Client Protocol
//! client (Zed, JetBrains IDEs, codecompanion.nvim, avante.nvim) over stdio.
//! The model comes from the environment (or the flags), as for `ask`; each
//! session's folder is the `cwd` the client names; sessions are kept with
//! the editor's and `specwright chat`'s, so `session/load` resumes them.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use specwright_acp::agent::{AgentConfig, SpecAgent};
use specwright_models::{ModelSettings, Overrides};
use specwright_runtime::chat::AgentSettings;

use crate::spec_cli::ModelFlags;

#[derive(Args, Debug)]
pub struct AcpArgs {
    /// Sessions start in autopilot (edits applied without asking); the
    /// client can switch a session's mode.
    #[arg(long)]
    pub autopilot: bool,
    /// A command prefix the agent may run without asking (repeatable); in a
    /// trusted folder the project's test command is allowed too.
    #[arg(long = "allow", value_name = "PREFIX")]
    pub allowed: Vec<String>,
    /// The most model calls in one turn.
    #[arg(long, default_value_t = specwright_agent::Limits::default().max_steps)]
    pub max_steps: usize,
}

pub fn run(args: AcpArgs, flags: ModelFlags) -> ExitCode {
    let overrides =
        Overrides { provider: flags.provider.clone(), model: flags.model.clone(), base_url: flags.base_url.clone() };
    let settings = ModelSettings { max_tokens: flags.max_tokens, ..ModelSettings::default() };
    let (model, model_label) =
        match specwright_models::config::resolve(&overrides, &|k| std::env::var(k).ok(), &settings) {
            Ok(Some(config)) => {
                let label = format!("{}: {}", config.provider.name(), config.model);
                match specwright_models::connect(config) {
                    Ok(model) => (Some(Arc::from(model)), label),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            // No model: slash commands still work; a prompt says what to set.
            Ok(None) => (None, "no model configured".to_string()),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
    let config = AgentConfig {
        model,
        model_label,
        data_dir: specwright_hooks::trust::data_dir(),
        settings: AgentSettings {
            autopilot: args.autopilot,
            allowed_commands: args.allowed,
            max_steps: args.max_steps,
            ..AgentSettings::default()
        },
        trusted: Arc::new(|root: &Path| crate::mcp_cli::folder_trusted(root)),
        check: Some(Arc::new(|root: &Path| crate::check::text_report(root))),
        tools: Some(Arc::new(|root: &Path, trusted: bool| {
            let env = specwright_mcp::config::Environment::from_process();
            specwright_mcp::client::McpClients::load(root, &env, trusted)
                .map(|clients| Arc::new(clients) as Arc<dyn specwright_agent::ToolSource>)
        })),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let agent = Arc::new(SpecAgent::new(config));
    let result = runtime.block_on(specwright_acp::sdk::serve_stdio(agent));
    // A read of stdin may still be pending; do not wait on it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
