//! All steering documents of a workspace, and which of them apply to a prompt.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::pattern::{Matcher, normalize_path};
use crate::{Inclusion, Source, SteeringFile, parse};

/// The most bytes of one `#[[file:…]]` target inlined into a prompt.
pub const MAX_INCLUDE_BYTES: usize = 32 * 1024;
/// The most bytes of all `#[[file:…]]` targets of one document inlined.
pub const MAX_INCLUDES_TOTAL_BYTES: usize = 128 * 1024;

/// Folders never searched for `AGENTS.md`.
const SKIP_DIRS: [&str; 8] = ["node_modules", "target", "dist", "build", "vendor", "__pycache__", "venv", "out"];
/// Bounds on the search for `AGENTS.md`, so that a huge tree stays cheap.
const MAX_DEPTH: usize = 12;
const MAX_ENTRIES: usize = 100_000;

/// The steering documents of a workspace (and of the user), in the order
/// they are given to the agent: user-level, root `AGENTS.md`, workspace
/// steering, nested `AGENTS.md` (shallow first); by path within each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Steering {
    pub files: Vec<SteeringFile>,
}

/// Why a document applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// `inclusion: always`, or no front matter.
    Always,
    /// `inclusion: fileMatch`: the pattern and the first focus path it matched.
    Matched(String, String),
    /// Named in the request (manual, auto, or any document asked for by name).
    Requested,
    /// An `AGENTS.md` at the root, or in a folder holding a focus path.
    Agents,
}

/// A document as it goes into a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The document's `rel` path.
    pub name: String,
    /// The body, followed by the content of its `#[[file:…]]` references
    /// under headings, bounded by [`MAX_INCLUDE_BYTES`] and
    /// [`MAX_INCLUDES_TOTAL_BYTES`].
    pub text: String,
    pub reason: Reason,
}

impl Steering {
    /// Reads `.kiro/steering/**/*.md` and every `AGENTS.md` under `root`, and
    /// `*.md` in `user_dir` (the `~/.kiro/steering` folder, if any). Unreadable
    /// files are skipped; bad content becomes diagnostics.
    pub fn load(root: &Path, user_dir: Option<&Path>) -> Steering {
        let mut files = Vec::new();
        if let Some(dir) = user_dir {
            for path in md_files(dir, false) {
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
                let rel = format!("~/.kiro/steering/{name}");
                if let Some(text) = read_text(&path) {
                    files.push(parse(&path, &rel, &text, root, Source::User));
                }
            }
        }
        for path in md_files(&root.join(".kiro").join("steering"), true) {
            if let (Some(rel), Some(text)) = (rel_path(root, &path), read_text(&path)) {
                files.push(parse(&path, &rel, &text, root, Source::Workspace));
            }
        }
        let mut agents = Vec::new();
        let mut budget = MAX_ENTRIES;
        find_agents(root, 0, &mut budget, &mut agents);
        for path in agents {
            let Some(rel) = rel_path(root, &path) else { continue };
            let dir = rel.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_string());
            if let Some(text) = read_text(&path) {
                files.push(parse(&path, &rel, &text, root, Source::AgentsMd { dir }));
            }
        }
        let mut steering = Steering { files };
        steering.sort();
        steering
    }

    /// Adds or replaces (by path) one document, keeping the order; for a
    /// language server that re-parses a file on change.
    pub fn upsert(&mut self, file: SteeringFile) {
        self.files.retain(|f| f.path != file.path);
        self.files.push(file);
        self.sort();
    }

    /// Removes the document at `path`, if any.
    pub fn remove(&mut self, path: &Path) {
        self.files.retain(|f| f.path != path);
    }

    fn sort(&mut self) {
        self.files.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    }

    /// The document at `path`.
    pub fn by_path(&self, path: &Path) -> Option<&SteeringFile> {
        if let Some(f) = self.files.iter().find(|f| f.path == path) {
            return Some(f);
        }
        let canonical = std::fs::canonicalize(path).ok()?;
        self.files.iter().find(|f| std::fs::canonicalize(&f.path).is_ok_and(|p| p == canonical))
    }

    /// The documents that apply to a prompt about the `focus` paths (relative
    /// to the root) that asks for the `requested` documents by name (their
    /// `name:`, file stem or file name, ignoring ASCII case and a leading `#`):
    /// - `always` documents;
    /// - `fileMatch` documents with a pattern matching a focus path;
    /// - any document named in `requested` (manual and auto ones only so);
    /// - the root `AGENTS.md`, and a nested one when a focus path is in its folder;
    /// - user-level documents likewise, unless a workspace document has the
    ///   same file name (the workspace one wins).
    ///
    /// In [`Steering::files`] order, so deterministic.
    pub fn applicable(&self, focus: &[String], requested: &[String]) -> Vec<Applied> {
        let focus: Vec<String> = focus.iter().map(|f| normalize_path(f)).collect();
        let requested: Vec<String> = requested.iter().map(|r| normalize_request(r)).collect();
        let workspace_names: BTreeSet<&str> =
            self.files.iter().filter(|f| f.source == Source::Workspace).map(|f| file_name(&f.rel)).collect();
        let mut out = Vec::new();
        for f in &self.files {
            if f.source == Source::User && workspace_names.contains(file_name(&f.rel)) {
                continue;
            }
            if let Some(reason) = reason(f, &focus, &requested) {
                out.push(Applied { name: f.rel.clone(), text: render(f), reason });
            }
        }
        out
    }
}

fn reason(f: &SteeringFile, focus: &[String], requested: &[String]) -> Option<Reason> {
    let is_requested = || requested.iter().any(|r| answers_to(f, r));
    if let Source::AgentsMd { dir } = &f.source {
        let applies =
            dir.is_empty() || focus.iter().any(|p| p.strip_prefix(dir.as_str()).is_some_and(|r| r.starts_with('/')));
        return applies.then_some(Reason::Agents).or_else(|| is_requested().then_some(Reason::Requested));
    }
    match f.inclusion {
        Inclusion::Always => Some(Reason::Always),
        Inclusion::FileMatch => {
            for p in &f.patterns {
                let Ok(m) = Matcher::compile(p) else { continue };
                if let Some(path) = focus.iter().find(|path| m.is_match(path)) {
                    return Some(Reason::Matched(p.clone(), path.clone()));
                }
            }
            is_requested().then_some(Reason::Requested)
        }
        Inclusion::Manual | Inclusion::Auto => is_requested().then_some(Reason::Requested),
    }
}

fn normalize_request(r: &str) -> String {
    let r = r.trim().trim_start_matches('#');
    r.strip_prefix("steering:").unwrap_or(r).trim().to_ascii_lowercase()
}

fn answers_to(f: &SteeringFile, request: &str) -> bool {
    let name = file_name(&f.rel);
    [Some(f.stem()), Some(name), Some(f.rel.as_str()), f.name.as_deref()]
        .into_iter()
        .flatten()
        .any(|n| n.eq_ignore_ascii_case(request))
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

fn order_key(f: &SteeringFile) -> (u8, usize, &str) {
    match &f.source {
        Source::User => (0, 0, &f.rel),
        Source::AgentsMd { dir } if dir.is_empty() => (1, 0, &f.rel),
        Source::Workspace => (2, 0, &f.rel),
        Source::AgentsMd { dir } => (3, dir.split('/').count(), &f.rel),
    }
}

/// The body followed by the resolved references' content, bounded.
fn render(f: &SteeringFile) -> String {
    let mut text = f.body.trim_end().to_string();
    let mut budget = MAX_INCLUDES_TOTAL_BYTES;
    let mut seen = BTreeSet::new();
    for inc in &f.includes {
        let Some(path) = &inc.resolved else { continue };
        if !seen.insert(path) {
            continue;
        }
        text.push_str(&format!("\n\n## Included file: {}\n\n", inc.target));
        if budget == 0 {
            text.push_str("(not included: the size limit for included files was reached)");
            continue;
        }
        match read_bounded(path, budget.min(MAX_INCLUDE_BYTES)) {
            Some((content, total)) => {
                budget = budget.saturating_sub(content.len());
                let fence = "`".repeat(longest_backtick_run(&content).max(2) + 1);
                let lang = Path::new(&inc.target).extension().and_then(|e| e.to_str()).unwrap_or("");
                text.push_str(&format!("{fence}{lang}\n{}", content.trim_end_matches('\n')));
                text.push_str(&format!("\n{fence}"));
                if total > content.len() {
                    text.push_str(&format!("\n(truncated: first {} of {} bytes)", content.len(), total));
                }
            }
            None => text.push_str("(not included: the file is not readable text)"),
        }
    }
    text
}

/// At most `limit` bytes of the text file at `path` (cut at a character
/// boundary) and its full size. `None` for unreadable or binary files, and
/// for paths that have become symlinks since they were resolved.
fn read_bounded(path: &Path, limit: usize) -> Option<(String, usize)> {
    // `path` was canonical and inside the root when resolved; refuse it if
    // that no longer holds (a component was swapped for a link since).
    if std::fs::canonicalize(path).ok()? != path {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let total = usize::try_from(file.metadata().ok()?.len()).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
    file.take(limit as u64).read_to_end(&mut bytes).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            // Only a cut inside the last character is acceptable.
            if e.utf8_error().error_len().is_some() {
                return None;
            }
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).ok()?
        }
    };
    Some((text, total))
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

fn read_text(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// `path` relative to `root`, with `/` separators.
fn rel_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// `*.md` files of `dir` (and its subfolders when `recursive`), sorted.
/// Symlinked folders are not followed.
fn md_files(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            if recursive {
                out.extend(md_files(&path, true));
            }
        } else if path.extension().is_some_and(|x| x == "md") && path.is_file() {
            out.push(path);
        }
    }
    out
}

fn find_agents(dir: &Path, depth: usize, budget: &mut usize, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    let mut subdirs = Vec::new();
    for e in entries {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            if !name.starts_with('.') && !SKIP_DIRS.contains(&name) {
                subdirs.push(e.path());
            }
        } else if name == "AGENTS.md" && e.path().is_file() {
            out.push(e.path());
        }
    }
    for d in subdirs {
        find_agents(&d, depth + 1, budget, out);
    }
}

/// Whether `path` is a steering document, and if so its `rel` and source:
/// for a language server deciding how to parse an opened file.
pub fn classify(root: &Path, user_dir: Option<&Path>, path: &Path) -> Option<(String, Source)> {
    if let Some(rel) = rel_path(root, path) {
        if rel.starts_with(".kiro/steering/") && rel.ends_with(".md") {
            return Some((rel, Source::Workspace));
        }
        if file_name(&rel) == "AGENTS.md" {
            let dir = rel.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_string());
            return Some((rel, Source::AgentsMd { dir }));
        }
        return None;
    }
    let dir = user_dir?;
    let name = path.file_name()?.to_str()?;
    (path.parent() == Some(dir) && name.ends_with(".md")).then(|| (format!("~/.kiro/steering/{name}"), Source::User))
}
