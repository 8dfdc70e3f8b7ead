//! The code index: for each source file, the symbols it defines and the
//! names it references, from tree-sitter (TypeScript, TSX, JavaScript,
//! Rust, Python, Go); and the repository map: files and symbols ranked by
//! the reference graph, personalised toward what is in focus, rendered as a
//! compact outline under a token budget.
//!
//! Knows nothing of LSP: paths are relative to the workspace root, lines
//! are 0-based.

pub mod cache;
pub mod map;
mod parse;
pub mod tokens;
mod types;
mod walk;

pub use parse::parse_file;
pub use types::*;
pub use walk::source_files;
