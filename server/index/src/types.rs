//! The index's data, shared by parsing (`parse`, `walk`) and ranking (`map`).

use std::collections::HashMap;
use std::path::PathBuf;

/// A language the index reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    TypeScript,
    Tsx,
    JavaScript,
    Rust,
    Python,
    Go,
}

impl Lang {
    /// The language of a file, by its extension.
    pub fn of(path: &std::path::Path) -> Option<Self> {
        Some(match path.extension()?.to_str()? {
            "ts" | "mts" | "cts" => Self::TypeScript,
            "tsx" => Self::Tsx,
            "js" | "jsx" | "mjs" | "cjs" => Self::JavaScript,
            "rs" => Self::Rust,
            "py" | "pyi" => Self::Python,
            "go" => Self::Go,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SymbolKind {
    Function,
    Method,
    Class,
    Interface,
    Struct,
    Enum,
    Trait,
    Type,
    Constant,
    Variable,
    Module,
    Field,
}

/// A definition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Def {
    pub name: String,
    pub kind: SymbolKind,
    /// 0-based line of the definition's name.
    pub line: u32,
    /// 0-based UTF-16 column of the name, and the name's end column.
    pub column: u32,
    pub end_column: u32,
    /// The declaration's head, on one line, trimmed and bounded in length:
    /// `export function login(email: string, password: string): Promise<Token>`.
    pub signature: String,
    /// The enclosing class, impl, interface or module, if any.
    pub container: Option<String>,
}

/// A reference to a name (a call, a type use, an import).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Ref {
    pub name: String,
    pub line: u32,
}

/// What one file defines and references.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct FileIndex {
    /// Relative to the workspace root, with `/` separators.
    pub path: String,
    pub lang: Option<Lang>,
    pub defs: Vec<Def>,
    pub refs: Vec<Ref>,
    /// Module specifiers this file imports (`./auth`, `crate::db`, `os`), as written.
    pub imports: Vec<String>,
    /// Each distinct referenced name with its number of references, sorted by
    /// name (filled by the parser; ranking falls back to `refs` when empty).
    #[serde(skip)]
    pub ref_counts: Vec<(String, u32)>,
}

impl FileIndex {
    /// Fills [`FileIndex::ref_counts`] from [`FileIndex::refs`].
    pub fn count_refs(&mut self) {
        let mut names: Vec<&str> = self.refs.iter().map(|r| r.name.as_str()).collect();
        names.sort_unstable();
        let mut counts: Vec<(String, u32)> = Vec::new();
        for run in names.chunk_by(|a, b| a == b) {
            counts.push((run[0].to_string(), u32::try_from(run.len()).unwrap_or(u32::MAX)));
        }
        self.ref_counts = counts;
    }
}

/// Every indexed file, by relative path.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub root: PathBuf,
    pub files: HashMap<String, FileIndex>,
}
