//! Steering: the documents that tell the agent how a project works. It owns
//! three sources of them: workspace steering (`.kiro/steering/**/*.md`),
//! user-level steering (`~/.kiro/steering/*.md`, passed in as a folder) and
//! `AGENTS.md` files (the one at the workspace root and nested ones that apply
//! to their folder). It parses their front matter (a hand-written YAML subset,
//! see [`parse`]), resolves their `#[[file:…]]` references, decides which of
//! them apply to a prompt ([`Steering::applicable`]), and generates first
//! steering documents from facts read off the repository ([`facts`],
//! [`render_steering`]).
//!
//! Invariants:
//! - This crate knows nothing of LSP, JSON-RPC, async or models. Ranges are
//!   the spec crate's [`Range`] (0-based lines, UTF-16 columns); the protocol
//!   crate converts them at the boundary.
//! - Parsing never fails and never panics: a malformed steering file becomes a
//!   [`SteeringFile`] with [`Diagnostic`]s whose ranges point into the file.
//! - A `#[[file:…]]` reference never reads outside the workspace root: `..`
//!   escapes, absolute paths and symlinks that leave the root are refused with
//!   a diagnostic and their content is never inlined.
//! - [`Steering::applicable`] is deterministic: the same files, focus and
//!   requests give the same documents in the same order.

mod facts;
mod front_matter;
mod include;
mod parse;
mod pattern;
mod render;
mod steering;

use std::path::PathBuf;

use serde::Serialize;
pub use specwright_spec::{Position, Range, Severity};

pub use facts::{Facts, facts};
pub use parse::parse;
pub use render::render_steering;
pub use steering::{Applied, MAX_INCLUDE_BYTES, MAX_INCLUDES_TOTAL_BYTES, Reason, Steering, classify};

/// Stable diagnostic codes. They are part of the public interface (shown to
/// users, matched by tests and clients): never rename one.
pub mod codes {
    /// `inclusion:` is not one of `always`, `fileMatch`, `manual`, `auto`.
    pub const UNKNOWN_INCLUSION: &str = "steering-unknown-inclusion";
    /// A `fileMatchPattern` entry is not a valid glob, is empty, or can never match.
    pub const BAD_PATTERN: &str = "steering-bad-pattern";
    /// A `#[[file:…]]` target does not exist (or is not a file).
    pub const MISSING_FILE: &str = "steering-missing-file";
    /// A `#[[file:…]]` target is absolute, escapes with `..`, or is a symlink leaving the workspace.
    pub const FILE_OUTSIDE_WORKSPACE: &str = "steering-file-outside-workspace";
    /// Front matter that does not parse, is unterminated, repeats or misuses a key
    /// (errors and warnings), or has a key Kiro does not read (hint).
    pub const FRONT_MATTER: &str = "steering-front-matter";
    /// `inclusion: fileMatch` without a `fileMatchPattern`: the document never applies.
    pub const MISSING_PATTERN: &str = "steering-missing-pattern";
    /// `inclusion: auto` without a `description`: the agent has nothing to decide by.
    pub const MISSING_DESCRIPTION: &str = "steering-missing-description";

    /// Every code, for documentation and tests.
    pub const ALL: [&str; 7] = [
        UNKNOWN_INCLUSION,
        BAD_PATTERN,
        MISSING_FILE,
        FILE_OUTSIDE_WORKSPACE,
        FRONT_MATTER,
        MISSING_PATTERN,
        MISSING_DESCRIPTION,
    ];

    /// One sentence on what `code` means (the doc comment of its constant),
    /// for SARIF rules and documentation; empty for a string that is not one
    /// of [`ALL`].
    pub fn description(code: &str) -> &'static str {
        match code {
            UNKNOWN_INCLUSION => "The inclusion: value is not one of always, fileMatch, manual or auto.",
            BAD_PATTERN => "A fileMatchPattern entry is not a valid glob, is empty, or can never match.",
            MISSING_FILE => "A #[[file:…]] reference names a file that does not exist (or is not a file).",
            FILE_OUTSIDE_WORKSPACE => {
                "A #[[file:…]] reference is absolute, escapes with .., or is a symlink leaving the workspace."
            }
            FRONT_MATTER => {
                "The front matter does not parse, is unterminated, repeats or misuses a key, or has a key Kiro does not read."
            }
            MISSING_PATTERN => "inclusion: fileMatch without a fileMatchPattern: the document never applies.",
            MISSING_DESCRIPTION => "inclusion: auto without a description: the agent has nothing to decide by.",
            _ => "",
        }
    }
}

/// Where a steering document comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Source {
    /// `.kiro/steering/**/*.md` in the workspace.
    Workspace,
    /// `~/.kiro/steering/*.md`.
    User,
    /// An `AGENTS.md`; `dir` is its folder relative to the workspace root
    /// (`""` for the root one), with `/` separators.
    AgentsMd { dir: String },
}

/// When a steering document is included in a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Inclusion {
    /// Every prompt (also the default without front matter).
    Always,
    /// Prompts whose focus files match one of the patterns.
    FileMatch,
    /// Only when asked for by name.
    Manual,
    /// When the agent asks for it by name, deciding from its description.
    Auto,
}

impl Inclusion {
    /// The spelling used in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::FileMatch => "fileMatch",
            Self::Manual => "manual",
            Self::Auto => "auto",
        }
    }
}

/// A `#[[file:target]]` reference in a steering document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Include {
    /// The path as written, trimmed.
    pub target: String,
    /// The range of the target path inside the brackets.
    pub range: Range,
    /// The canonical path of the file, when it exists inside the workspace.
    pub resolved: Option<PathBuf>,
}

/// A problem found in a steering file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub range: Range,
    pub severity: Severity,
    /// One of [`codes`].
    pub code: &'static str,
    pub message: String,
}

/// One parsed steering document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SteeringFile {
    pub path: PathBuf,
    /// Path relative to the workspace root with `/` separators; user-level
    /// documents are `~/.kiro/steering/<name>.md`.
    pub rel: String,
    pub source: Source,
    pub inclusion: Inclusion,
    /// `fileMatchPattern` entries as written (comma-joined strings and lists
    /// split into single globs; brace alternatives kept whole).
    pub patterns: Vec<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The text after the front matter (without a byte-order mark).
    pub body: String,
    pub includes: Vec<Include>,
    pub diagnostics: Vec<Diagnostic>,
}

impl SteeringFile {
    /// The file name without `.md`.
    pub fn stem(&self) -> &str {
        let name = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        name.strip_suffix(".md").unwrap_or(name)
    }

    /// The name the document answers to: its `name:` or else its stem.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or_else(|| self.stem())
    }
}
