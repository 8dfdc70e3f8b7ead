//! The Agent Client Protocol (agentclientprotocol.com), the way Zed,
//! JetBrains IDEs and Neovim chat plugins (codecompanion.nvim, avante.nvim)
//! talk to coding agents: `specwright acp` serves Specwright's agent to
//! them over stdio.
//!
//! - [`agent`]: sessions, prompt turns, permissions, plans and slash
//!   commands in our own types (no protocol types);
//! - [`sdk`]: the protocol, with the pinned `agent-client-protocol` crate
//!   (the only module that names it).

pub mod agent;
pub mod sdk;
