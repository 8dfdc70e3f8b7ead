//! Unit-test skeletons for the exported functions and classes of a
//! TypeScript/JavaScript file: which symbols a file exports
//! ([`exported_symbols`]), which test framework the project uses
//! ([`detect_framework`]), where the test lives ([`test_path_for`]), and the
//! edit that creates or extends it ([`skeleton`]).
//!
//! Invariants:
//! - Every generated case fails until someone writes it: it throws (Jest,
//!   Vitest) or calls `assert.fail` (node:test). Never `it.todo`, which passes.
//! - Extending a test file only inserts: existing text is never rewritten.
//! - Output is deterministic (symbols in the order given, fixed layout).
//! - Knows nothing of LSP and of the file system: the caller reads files and
//!   says which candidate test paths exist.

mod exports;
mod render;

use std::path::{Path, PathBuf};

use serde_json::Value;
use specwright_index::Lang;
use specwright_spec::{Position, Range};

/// A JavaScript test framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    Jest,
    Vitest,
    /// Node's built-in runner (`node --test`), the fallback.
    NodeTest,
}

impl Framework {
    pub fn name(self) -> &'static str {
        match self {
            Self::Jest => "jest",
            Self::Vitest => "vitest",
            Self::NodeTest => "node:test",
        }
    }
}

/// The project's test framework from its package.json text: vitest in
/// (dev)dependencies → Vitest; jest / ts-jest / @jest/globals / a "jest" key
/// → Jest; then a script that runs `vitest` or `jest`; otherwise (a "test"
/// script that runs `node --test`, nothing known, unparseable JSON) →
/// NodeTest.
pub fn detect_framework(package_json: &str) -> Framework {
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(package_json) else {
        return Framework::NodeTest;
    };
    let has_dependency = |name: &str| {
        ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]
            .iter()
            .any(|key| root.get(*key).and_then(Value::as_object).is_some_and(|deps| deps.contains_key(name)))
    };
    if has_dependency("vitest") {
        return Framework::Vitest;
    }
    const JEST_PACKAGES: [&str; 5] = ["jest", "ts-jest", "@jest/globals", "babel-jest", "@types/jest"];
    if JEST_PACKAGES.iter().any(|p| has_dependency(p)) || root.contains_key("jest") {
        return Framework::Jest;
    }
    // Dependencies hoisted to a monorepo's root leave only the scripts.
    let scripts: Vec<&str> =
        root.get("scripts").and_then(Value::as_object).into_iter().flatten().filter_map(|(_, v)| v.as_str()).collect();
    let runs = |tool: &str| {
        scripts.iter().any(|s| {
            s.split(|c: char| c.is_whitespace() || "&|;()".contains(c))
                .any(|word| word == tool || word.ends_with(&format!("/{tool}")))
        })
    };
    if runs("vitest") {
        Framework::Vitest
    } else if runs("jest") {
        Framework::Jest
    } else {
        Framework::NodeTest
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Function,
    Class,
}

/// An exported function or class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The exported name; for `export default foo` / `export { foo as default }`
    /// the local name `foo`; for an anonymous default export, `"default"`
    /// ([`skeleton`] names it after the source file, see
    /// [`Exported::display_name`]).
    pub name: String,
    pub kind: ExportKind,
    pub is_default: bool,
    pub is_async: bool,
    /// Public method names of a class, in source order (not private,
    /// `#private` or protected, not the constructor, not get/set accessors).
    pub methods: Vec<String>,
    /// The name (or the `export default` keywords of an anonymous export).
    /// For a symbol exported by a list (`export { a }`, `export default a`),
    /// the name in its declaration.
    pub range: Range,
    /// The whole declaration including `export`; for a symbol exported by a
    /// list, its declaration statement.
    pub span: Range,
}

impl Exported {
    /// The name a test calls this symbol by: its name, or for an anonymous
    /// default export the file stem of `source` (`user-card` for
    /// `user-card.ts`).
    pub fn display_name(&self, source: &Path) -> String {
        if self.is_default && self.name == exports::ANONYMOUS_DEFAULT {
            file_stem(source).unwrap_or("subject").to_owned()
        } else {
            self.name.clone()
        }
    }
}

/// Exported functions (declarations, `export const f = (...) => ...` /
/// function expressions) and classes of a TS/TSX/JS file; also
/// `export { a, b }` lists and `export default a` that name local functions
/// or classes. Re-exports from other modules are not included. Other
/// languages yield nothing. Never panics.
pub fn exported_symbols(lang: Lang, text: &str) -> Vec<Exported> {
    exports::exported_symbols(lang, text)
}

/// Whether `path` looks like a test file (`*.test.*`, `*.spec.*`, or inside
/// `__tests__`): no skeleton should be offered for it.
pub fn is_test_file(path: &Path) -> bool {
    let in_tests_dir = path.components().any(|c| c.as_os_str() == "__tests__");
    let stem = file_stem(path).unwrap_or_default();
    in_tests_dir || stem.ends_with(".test") || stem.ends_with(".spec")
}

const TS_FAMILY: [&str; 4] = ["ts", "tsx", "mts", "cts"];
const JS_FAMILY: [&str; 4] = ["js", "jsx", "mjs", "cjs"];

/// The candidates [`test_path_for`] looks for, most preferred first, so the
/// caller knows which files to check for existence: beside the source
/// (`foo.test.ts`, `foo.spec.ts`), then in a neighbouring `__tests__` folder
/// (`__tests__/foo.test.ts`, `__tests__/foo.spec.ts`, `__tests__/foo.ts`),
/// each with the source's extension first, then the others of its family
/// (.ts .tsx .mts .cts, or .js .jsx .mjs .cjs).
pub fn test_path_candidates(source: &Path) -> Vec<PathBuf> {
    let Some(stem) = file_stem(source) else {
        return Vec::new();
    };
    let dir = source.parent().unwrap_or(Path::new(""));
    let ext = source.extension().and_then(|e| e.to_str()).unwrap_or("ts");
    let family = if TS_FAMILY.contains(&ext) {
        &TS_FAMILY[..]
    } else if JS_FAMILY.contains(&ext) {
        &JS_FAMILY[..]
    } else {
        &[][..]
    };
    let exts: Vec<&str> = std::iter::once(ext).chain(family.iter().copied().filter(|e| *e != ext)).collect();
    let tests_dir = dir.join("__tests__");
    let mut out = Vec::new();
    for folder in [dir, tests_dir.as_path()] {
        for suffix in ["test", "spec"] {
            out.extend(exts.iter().map(|e| folder.join(format!("{stem}.{suffix}.{e}"))));
        }
    }
    out.extend(exts.iter().map(|e| tests_dir.join(format!("{stem}.{e}"))));
    out
}

/// Where the test for `source` lives: the first of
/// [`test_path_candidates`] found among `existing` (returned as given
/// there), else the path to create beside the source: `foo.test.<ext>`, or
/// `foo.spec.<ext>` when `prefer_spec` (the project's other tests use
/// `.spec`), with the source's extension.
pub fn test_path_for(source: &Path, existing: &[PathBuf], prefer_spec: bool) -> PathBuf {
    for candidate in test_path_candidates(source) {
        if let Some(found) = existing.iter().find(|e| **e == candidate) {
            return found.clone();
        }
    }
    let stem = file_stem(source).unwrap_or("index");
    let ext = source.extension().and_then(|e| e.to_str()).unwrap_or("ts");
    let suffix = if prefer_spec { "spec" } else { "test" };
    source.with_file_name(format!("{stem}.{suffix}.{ext}"))
}

/// What to generate, and into what.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub source_path: &'a Path,
    pub test_path: &'a Path,
    /// The symbols to cover (the one under the cursor, or all).
    pub symbols: &'a [Exported],
    /// The test file's current text, when it exists.
    pub existing_test: Option<&'a str>,
    pub framework: Framework,
    /// `Some(".js")` when imports need an explicit extension (package.json
    /// `"type": "module"` with node:test); `.ts`/`.tsx` sources are then
    /// imported as `.js`, as TypeScript's NodeNext resolution wants.
    pub esm_extension: Option<&'a str>,
}

/// The edit to the test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// The test file does not exist: create it with this text.
    Create { text: String },
    /// Append to the existing test file: insert `text` at `at` (end of the
    /// file), and, when imports are missing, `import_text` at `import_at`
    /// (after the last import line, at the top, or inside the braces of an
    /// existing import from the same module). Both are pure insertions, at
    /// different positions: `import_at` always comes before `at`.
    Extend { at: Position, text: String, import_at: Position, import_text: Option<String> },
    /// Every requested symbol already has a test case (or none was requested).
    UpToDate,
}

/// The edit that creates or extends the test file with one `describe` per
/// requested symbol not yet covered.
pub fn skeleton(request: &Request<'_>) -> Edit {
    render::skeleton(request)
}

fn file_stem(path: &Path) -> Option<&str> {
    path.file_stem().and_then(|s| s.to_str()).filter(|s| !s.is_empty())
}
