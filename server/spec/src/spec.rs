//! A spec folder (`.kiro/specs/<name>/`) as one value: its documents, each
//! with its text, line index and parsed model.

use std::path::{Path, PathBuf};

use crate::config::{self, ConfigProblem, SpecConfig};
use crate::design::{self, Design};
use crate::requirements::{self, Requirements};
use crate::tasks::{self, Tasks};
use crate::text::LineIndex;

/// The files of a spec folder that Specwright reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DocKind {
    Requirements,
    Bugfix,
    Design,
    Tasks,
    Config,
    TasksMeta,
}

impl DocKind {
    pub const ALL: [DocKind; 6] =
        [Self::Requirements, Self::Bugfix, Self::Design, Self::Tasks, Self::Config, Self::TasksMeta];

    pub fn file_name(self) -> &'static str {
        match self {
            Self::Requirements => "requirements.md",
            Self::Bugfix => "bugfix.md",
            Self::Design => "design.md",
            Self::Tasks => "tasks.md",
            Self::Config => ".config.kiro",
            Self::TasksMeta => ".tasks-meta.json",
        }
    }

    pub fn from_file_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.file_name() == name)
    }
}

/// Whether the spec describes a feature or a bug fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpecKind {
    Feature,
    Bugfix,
}

/// One document: its text and line index, shared by every parsed form.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: String,
    pub index: LineIndex,
}

impl Document {
    pub fn new(text: String) -> Self {
        let index = LineIndex::new(&text);
        Self { text, index }
    }
}

#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub doc: Document,
    pub model: T,
}

#[derive(Debug, Clone)]
pub struct Metadata<T> {
    pub doc: Document,
    pub value: T,
    pub problems: Vec<ConfigProblem>,
}

/// A loaded spec folder.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The folder name (`auth-api`).
    pub name: String,
    /// The folder.
    pub dir: PathBuf,
    /// `requirements.md`, or `bugfix.md` for a bugfix spec.
    pub requirements: Option<Parsed<Requirements>>,
    /// True when `requirements` was read from `bugfix.md`.
    pub from_bugfix: bool,
    pub design: Option<Parsed<Design>>,
    pub tasks: Option<Parsed<Tasks>>,
    pub config: Option<Metadata<SpecConfig>>,
    pub tasks_meta: Option<Metadata<Option<serde_json::Value>>>,
    /// Files that could not be read (path, reason).
    pub unreadable: Vec<(PathBuf, String)>,
}

impl Spec {
    pub fn empty(dir: PathBuf) -> Self {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Self {
            name,
            dir,
            requirements: None,
            from_bugfix: false,
            design: None,
            tasks: None,
            config: None,
            tasks_meta: None,
            unreadable: Vec::new(),
        }
    }

    /// Builds a spec from document texts (used by tests and by the language
    /// server, which overlays the editor's unsaved texts on the disk's).
    pub fn from_texts<'a>(dir: PathBuf, texts: impl IntoIterator<Item = (DocKind, &'a str)>) -> Self {
        let mut spec = Self::empty(dir);
        for (kind, text) in texts {
            spec.set_document(kind, Some(text.to_string()));
        }
        spec
    }

    /// Reads a spec folder. Missing files are simply absent; unreadable ones
    /// are recorded; invalid UTF-8 is read lossily.
    pub fn load(dir: &Path) -> Self {
        let mut spec = Self::empty(dir.to_path_buf());
        for kind in DocKind::ALL {
            let path = dir.join(kind.file_name());
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let text =
                        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    spec.set_document(kind, Some(text));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) if path.is_dir() => spec.unreadable.push((path, format!("is a folder, not a file ({e})"))),
                Err(e) => spec.unreadable.push((path, e.to_string())),
            }
        }
        spec
    }

    /// Replaces (or with `None` removes) one document and re-parses only it.
    pub fn set_document(&mut self, kind: DocKind, text: Option<String>) {
        match kind {
            DocKind::Requirements | DocKind::Bugfix => {
                // requirements.md wins when both exist; bugfix.md marks a bugfix spec.
                let Some(text) = text else {
                    if (kind == DocKind::Bugfix) == self.from_bugfix {
                        self.requirements = None;
                    }
                    return;
                };
                if kind == DocKind::Bugfix && self.requirements.is_some() && !self.from_bugfix {
                    return;
                }
                let doc = Document::new(text);
                let model = match kind {
                    DocKind::Bugfix => requirements::parse_bugfix(&doc.text, &doc.index),
                    _ => requirements::parse_requirements(&doc.text, &doc.index),
                };
                self.from_bugfix = kind == DocKind::Bugfix;
                self.requirements = Some(Parsed { doc, model });
            }
            DocKind::Design => {
                self.design = text.map(|t| {
                    let doc = Document::new(t);
                    let model = design::parse_design(&doc.text, &doc.index);
                    Parsed { doc, model }
                });
            }
            DocKind::Tasks => {
                self.tasks = text.map(|t| {
                    let doc = Document::new(t);
                    let model = tasks::parse_tasks(&doc.text, &doc.index);
                    Parsed { doc, model }
                });
            }
            DocKind::Config => {
                self.config = text.map(|t| {
                    let doc = Document::new(t);
                    let (value, problems) = config::parse_config(&doc.text, &doc.index);
                    Metadata { doc, value, problems }
                });
            }
            DocKind::TasksMeta => {
                self.tasks_meta = text.map(|t| {
                    let doc = Document::new(t);
                    let (value, problems) = config::parse_tasks_meta(&doc.text, &doc.index);
                    Metadata { doc, value, problems }
                });
            }
        }
    }

    pub fn kind(&self) -> SpecKind {
        let configured = self.config.as_ref().and_then(|c| c.value.spec_type.as_deref());
        if self.from_bugfix || configured == Some("bugfix") { SpecKind::Bugfix } else { SpecKind::Feature }
    }

    /// The kind of the requirements document actually present.
    pub fn requirements_kind(&self) -> DocKind {
        if self.from_bugfix { DocKind::Bugfix } else { DocKind::Requirements }
    }

    pub fn document(&self, kind: DocKind) -> Option<&Document> {
        match kind {
            DocKind::Requirements => self.requirements.as_ref().filter(|_| !self.from_bugfix).map(|p| &p.doc),
            DocKind::Bugfix => self.requirements.as_ref().filter(|_| self.from_bugfix).map(|p| &p.doc),
            DocKind::Design => self.design.as_ref().map(|p| &p.doc),
            DocKind::Tasks => self.tasks.as_ref().map(|p| &p.doc),
            DocKind::Config => self.config.as_ref().map(|p| &p.doc),
            DocKind::TasksMeta => self.tasks_meta.as_ref().map(|p| &p.doc),
        }
    }

    /// The documents present, in [`DocKind::ALL`] order.
    pub fn documents(&self) -> impl Iterator<Item = (DocKind, &Document)> {
        DocKind::ALL.into_iter().filter_map(|k| self.document(k).map(|d| (k, d)))
    }

    pub fn path(&self, kind: DocKind) -> PathBuf {
        self.dir.join(kind.file_name())
    }

    /// Whether the folder is still a spec folder on disk (holds any file).
    pub fn is_spec(&self) -> bool {
        self.documents().next().is_some() || has_file(&self.dir)
    }
}

/// The spec folders under `<root>/.kiro/specs/`, sorted. A folder counts
/// when it holds at least one file (so a folder of loose notes is reported
/// as missing its documents); loose files beside the folders are skipped.
pub fn discover_specs(root: &Path) -> Vec<PathBuf> {
    let specs_dir = root.join(".kiro").join("specs");
    let Ok(entries) = std::fs::read_dir(&specs_dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir() && has_file(p)).collect();
    dirs.sort();
    dirs
}

fn has_file(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.any(|e| e.is_ok_and(|e| e.path().is_file())))
}

/// If `path` is a document of a spec folder (`…/.kiro/specs/<name>/<file>`),
/// the folder and the document's kind.
pub fn spec_document(path: &Path) -> Option<(PathBuf, DocKind)> {
    let kind = DocKind::from_file_name(path.file_name()?.to_str()?)?;
    let dir = path.parent()?;
    let specs = dir.parent()?;
    let kiro = specs.parent()?;
    (specs.file_name()? == "specs" && kiro.file_name()? == ".kiro").then(|| (dir.to_path_buf(), kind))
}
