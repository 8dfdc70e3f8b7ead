//! Spec generation: turns a description into `requirements.md` (or
//! `bugfix.md`), then `design.md`, then `tasks.md`, in Kiro's layout.
//!
//! - Prompts are files in `prompts/`, assembled deterministically
//!   ([`prompt`]), with the steering and codebase context of [`context`].
//! - Where the provider can constrain output, each document is asked for as
//!   JSON following [`schema`] (EARS patterns and existing requirement ids
//!   are in the schema) and rendered by [`render`]; otherwise as Markdown.
//!   A structured answer that is not such JSON (a server that ignored the
//!   schema) is read as the step's Kiro Markdown document when it is one.
//! - Every answer is parsed with the spec model and checked ([`validate`]);
//!   problems go back to the model for a bounded number of repair rounds.
//!   Tasks that still fail are derived from the requirements instead
//!   ([`template::derived_tasks`]), and the result says so.
//! - Without a model, [`template`] writes honest templates.
//! - [`merge`] updates an existing tasks.md without losing work.
//! - [`steering`] writes the prose of generated steering documents around
//!   the facts read off the repository (`prompts/steering.md`).
//!
//! Knows nothing of LSP or of files being written: callers get text back.

pub mod context;
pub mod documents;
mod generate;
pub mod merge;
pub mod naming;
pub mod partial;
pub mod prompt;
pub mod render;
pub mod schema;
pub mod steering;
pub mod template;
pub mod validate;
pub mod workflow;

pub use context::SteeringDoc;
pub use generate::{MAX_REPAIRS, existing_ids, generate, render_value};
pub use specwright_models::{CancellationToken, ModelError, Usage};

use specwright_spec::DocKind;

/// The document to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocTarget {
    Requirements,
    Bugfix,
    Design,
    Tasks,
}

impl DocTarget {
    pub fn file_name(self) -> &'static str {
        self.doc_kind().file_name()
    }

    pub fn doc_kind(self) -> DocKind {
        match self {
            Self::Requirements => DocKind::Requirements,
            Self::Bugfix => DocKind::Bugfix,
            Self::Design => DocKind::Design,
            Self::Tasks => DocKind::Tasks,
        }
    }

    pub fn from_doc_kind(kind: DocKind) -> Option<Self> {
        Some(match kind {
            DocKind::Requirements => Self::Requirements,
            DocKind::Bugfix => Self::Bugfix,
            DocKind::Design => Self::Design,
            DocKind::Tasks => Self::Tasks,
            _ => return None,
        })
    }
}

/// Everything a generation reads.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub spec_name: String,
    /// The user's words (the feature description, or extra guidance).
    pub prompt: String,
    pub requirements: Option<String>,
    pub bugfix: Option<String>,
    pub design: Option<String>,
    pub tasks: Option<String>,
    pub steering: Vec<SteeringDoc>,
    /// A compact view of the codebase.
    pub codebase: String,
    /// For a refinement: what to change.
    pub instruction: Option<String>,
    /// A quick spec (every document at once): when a model's requirements
    /// or design still cannot be used after the repair rounds, the template
    /// stands in, marked as such, so that the spec still ends valid.
    /// Otherwise such an answer is refused and nothing is written.
    pub template_fallback: bool,
}

/// What a generation reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// The whole document as far as it has arrived (grows monotonically).
    Preview(String),
    /// A status line for progress reports.
    Status(String),
}

/// A finished document.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub text: String,
    /// What still does not hold together after the repair rounds.
    pub problems: Vec<String>,
    pub repairs: u32,
    pub usage: Usage,
    /// The model that wrote it; `None` for a template.
    pub drafted_by: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    NeedsModel(String),
    #[error("{0}")]
    Input(String),
    #[error("the model's answer could not be used: {}", .0.join("; "))]
    Invalid(Vec<String>),
}
