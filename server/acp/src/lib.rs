//! The Agent Client Protocol (agentclientprotocol.com), the way Zed,
//! JetBrains IDEs and Neovim chat plugins (codecompanion.nvim, avante.nvim)
//! talk to coding agents: `specwright acp` serves Specwright's agent to
//! them over stdio, and an external ACP agent can run Specwright's tasks.
//!
//! - [`agent`]: sessions, prompt turns, permissions, plans and slash
//!   commands in our own types (no protocol types);
//! - [`client`]: any ACP agent as the task runner (`specwright.tasks.agent`),
//!   served through the task run's host;
//! - [`sdk`]: the protocol (both sides), with the pinned `agent-client-protocol` crate
//!   (the only module that names it).

pub mod agent;
pub mod client;
pub mod sdk;
