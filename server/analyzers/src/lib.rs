//! Built-in analyzers that need no model: code smells read off the
//! tree-sitter syntax tree ([`smells`]) and unit-test skeletons for the
//! exported symbols of a TypeScript file ([`skeleton`]). The secret scanner
//! is its own crate (`specwright-secrets`).
//!
//! Invariants:
//! - Knows nothing of LSP: positions are the spec crate's
//!   [`Range`](specwright_spec::Range) (0-based lines, UTF-16 columns).
//! - Never panics on any text; a file tree-sitter cannot parse yields what
//!   could be read, never an error.
//! - Diagnostic codes are public interface: never rename one.

pub mod skeleton;
pub mod smells;
