//! The Kiro spec model. Parses the documents of `.kiro/specs/<feature>/`
//! (`requirements.md` or `bugfix.md`, `design.md`, `tasks.md`,
//! `.config.kiro`, `.tasks-meta.json`) into a typed model in which every
//! element carries its source [`Range`] in LSP coordinates (0-based lines,
//! UTF-16 columns), and checks it ([`analyze`]).
//!
//! Invariants:
//! - This crate knows nothing of LSP, JSON-RPC or async: the protocol crate
//!   converts its types at the boundary. CI checks that `cargo tree` of this
//!   crate contains no LSP crate.
//! - Parsing never fails and never panics: any bytes give a model, and what
//!   cannot be understood is kept out of the model or reported as a
//!   [`Diagnostic`]. A property test feeds it arbitrary input.
//! - Parsing is per document, so an edit re-parses one file; [`analyze`] then
//!   re-checks the spec as a whole.

pub mod check;
pub mod citations;
pub mod config;
pub mod design;
pub mod ids;
pub mod markdown;
pub mod query;
pub mod requirements;
pub mod spec;
pub mod suggest;
pub mod tasks;
pub mod text;

pub use check::{Analysis, Code, Diagnostic, IdIndex, Severity, Summary, analyze};
pub use ids::{CitationTarget, ReqId};
pub use spec::{DocKind, Document, Spec, SpecKind, discover_specs, spec_document};
pub use tasks::TaskStatus;
pub use text::{LineIndex, Position, Range};
