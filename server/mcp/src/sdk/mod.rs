//! The only module that uses `rmcp`: it adapts our own types to the SDK's
//! server and client. `server.rs` serves a [`crate::serve`] handler;
//! `client.rs` connects to configured servers.

pub mod client;
pub mod server;
