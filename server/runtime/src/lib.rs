//! Specwright's runtime: what every front end (the language server, the
//! CLI, later MCP and ACP) shares once the agent runs — the hook engine and
//! its trust gate ([`hooks`]) and chat turns with their hooks ([`chat`]).
//!
//! Invariants:
//! - No LSP types. A front end supplies what only it can do: the agent's
//!   [`specwright_agent::Host`] (apply edits, approve commands), a
//!   [`hooks::trust::TrustAsker`] (ask the user), and where events go.
//! - Nothing from a repository runs before the user trusts it: every hook
//!   run, agent hooks included, passes [`hooks::trust::TrustGate`].

pub mod chat;
pub mod chat_document;
pub mod hooks;
pub mod project;
pub mod tasks;
