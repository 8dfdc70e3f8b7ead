//! Specwright's agent: a tool-calling loop over the model layer
//! ([`agent::run_turn`]) and the tools it may call ([`tools`]), every one
//! confined to the workspace ([`Workspace`]).
//!
//! Invariants:
//! - No LSP types, no editor concepts: a front end (the language server,
//!   the CLI, later MCP and ACP) supplies a [`Host`] that applies file
//!   changes (through the editor, or atomically on disk), answers approval
//!   questions, and receives [`AgentEvent`]s.
//! - Every path a tool touches is resolved, symbolic links included, and
//!   refused when it leaves the workspace. File contents never grant a
//!   permission: what a tool may do is decided by the host and the settings.
//! - Tool output is capped, and the cap is shown to the model. Everything
//!   sent to the model is redacted by the model layer.
//! - A malformed tool call, an unknown tool or a failing tool is an error
//!   the model sees as the tool's result; it never ends the turn by itself.
//! - A long conversation is summarised ([`compact`]) only once every
//!   message is in the session's transcript on disk ([`session`]).

pub mod agent;
pub mod compact;
pub mod context;
pub mod fallback;
pub mod host;
pub mod prompt;
pub mod review;
pub mod session;
pub mod staging;
pub mod tool;
pub mod tools;
pub mod workspace;

pub use agent::{AgentEvent, Limits, StopReason, TurnOutcome, run_turn};
pub use host::{Applied, DiskHost, FileChange, Host};
pub use tool::{Tool, ToolContext, ToolError, ToolSource};
pub use workspace::Workspace;
