//! The Specwright language server and command-line tool. This crate owns
//! the protocol: LSP types appear here and nowhere else. Domain crates
//! (`specwright-spec`, `-steering`, `-hooks`, `-index`, `-models`, `-specgen`,
//! `-secrets`, `-analyzers`, `-agent`, `-runtime`) are called through their plain Rust APIs and
//! never see an LSP type.
//!
//! - [`lsp`]: the language server (handlers, state, conversions, and the
//!   custom protocol surface declared once in [`lsp::ext`]).
//! - [`check`]: `specwright check`, the same checks headless for CI.
//! - [`settings`]: the editor settings and their JSON Schema.
//! - [`steering_cli`]: `specwright steering init`, steering generation that
//!   never overwrites.
//! - [`mcp_cli`]: `specwright mcp`, the specs as an MCP server
//!   (`specwright-mcp` owns its behaviour and the SDK).

pub mod acp_cli;
pub mod agent_cli;
pub mod check;
pub mod context_cli;
pub mod demo_cli;
pub mod hooks_cli;
pub mod lsp;
pub mod mcp_cli;
pub mod scan_cli;
pub mod settings;
pub mod spec_cli;
pub mod steering_cli;
pub mod task_cli;
