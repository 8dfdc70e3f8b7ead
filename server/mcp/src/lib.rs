//! The Model Context Protocol, both ways.
//!
//! - [`serve`]: Specwright as an MCP server (`specwright mcp`): the specs,
//!   their tasks and the deterministic checks, for any MCP client (Claude
//!   Code, VS Code, Cursor, Kiro).
//! - [`config`] and [`client`]: MCP servers configured as Kiro configures
//!   them (`.kiro/settings/mcp.json`), their tools offered to the agent.
//!
//! The official SDK (`rmcp`, pinned) is used only in [`sdk`], so that its
//! API changes touch one module. Nothing here knows of LSP.

pub mod client;
pub mod config;
pub mod sdk;
pub mod serve;
