//! What a prompt carries besides the user's words: the steering documents
//! that apply and a compact view of the codebase. Sizes are bounded so a
//! prompt never balloons. (The steering issue deepens steering; the context
//! issue replaces the file tree with a ranked repository map.)

use std::path::{Path, PathBuf};

/// A steering document that applies, front matter removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SteeringDoc {
    /// Path relative to the workspace (`.kiro/steering/tech.md`).
    pub name: String,
    pub text: String,
}

/// Upper bounds on what context may add to a prompt, in characters.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub steering: usize,
    pub codebase: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { steering: 24_000, codebase: 12_000 }
    }
}

/// The steering that applies when `focus` (paths relative to `root`) is in
/// view, as `specwright-steering` decides it (always, fileMatch, AGENTS.md,
/// user-level `~/.kiro/steering/`), bounded by `limits.steering`.
pub fn steering(root: &Path, focus: &[PathBuf], limits: Limits) -> Vec<SteeringDoc> {
    let user_dir = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".kiro").join("steering"));
    let steering = specwright_steering::Steering::load(root, user_dir.as_deref());
    let focus: Vec<String> = focus.iter().map(|p| p.to_string_lossy().replace('\\', "/")).collect();
    let mut budget = limits.steering;
    let mut out = Vec::new();
    for applied in steering.applicable(&focus, &[]) {
        if budget == 0 {
            break;
        }
        let text = truncate(applied.text.trim(), budget);
        budget = budget.saturating_sub(text.len());
        out.push(SteeringDoc { name: applied.name, text });
    }
    out
}

/// The default token budget of the repository map in a prompt.
pub const DEFAULT_MAP_TOKENS: usize = 1536;

/// The codebase as a prompt shows it: the top of each manifest, then the
/// repository map (ranked toward the files and identifiers the spec and the
/// user's words name) within `map_tokens`. A folder with no indexed source
/// falls back to the file tree.
pub fn codebase_with_map(
    root: &Path,
    index: &specwright_index::Index,
    named_in: &[&str],
    map_tokens: usize,
    limits: Limits,
) -> String {
    if index.files.is_empty() || map_tokens == 0 {
        return codebase(root, limits);
    }
    let focus = focus_from_text(index, named_in);
    let map = specwright_index::map::repo_map(index, &focus, map_tokens);
    let mut out = manifests(root);
    if !map.text.is_empty() {
        out.push_str(&format!("\nRepository map (the most referenced code first):\n{}\n", map.text.trim_end()));
    }
    truncate(&out, limits.codebase.max(map_tokens * 5))
}

/// Files and identifiers a spec names: `src/auth/login.ts`, `` `AuthService` ``.
pub fn focus_from_text(index: &specwright_index::Index, texts: &[&str]) -> specwright_index::map::Focus {
    static PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[A-Za-z0-9_./-]+\.(?:tsx?|jsx?|mjs|cjs|rs|py|go)\b").expect("valid regex")
    });
    static CODE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"`([A-Za-z_][A-Za-z0-9_]{2,})(?:\(|`|\.)").expect("valid regex")
    });
    let mut focus = specwright_index::map::Focus::default();
    for text in texts {
        for m in PATH.find_iter(text) {
            let p = m.as_str().trim_start_matches("./");
            if index.files.contains_key(p) && !focus.files.iter().any(|f| f == p) {
                focus.files.push(p.to_string());
            }
        }
        for c in CODE.captures_iter(text) {
            let name = c[1].to_string();
            if !focus.symbols.contains(&name) {
                focus.symbols.push(name);
            }
        }
    }
    focus
}

/// The top of each manifest at the root.
fn manifests(root: &Path) -> String {
    let mut out = String::new();
    for m in MANIFESTS {
        let Ok(text) = std::fs::read_to_string(root.join(m)) else { continue };
        let head: Vec<&str> = text.lines().take(40).collect();
        out.push_str(&format!("{m}:\n```\n{}\n```\n", head.join("\n")));
    }
    out
}

/// Folders a codebase view never shows.
const SKIP: &[&str] = &["node_modules", "target", "dist", "build", "vendor", "out", "coverage", "__pycache__"];
const MANIFESTS: &[&str] = &[
    "package.json",
    "Cargo.toml",
    "pyproject.toml",
    "go.mod",
    "requirements.txt",
    "pom.xml",
    "build.gradle",
    "Gemfile",
];

/// A compact view of the codebase: the file tree (breadth-first, dot- and
/// build folders left out) and the top of each manifest at the root.
pub fn codebase(root: &Path, limits: Limits) -> String {
    let mut tree = Vec::new();
    let mut queue = std::collections::VecDeque::from([(root.to_path_buf(), 0usize)]);
    let max_entries = 300;
    while let Some((dir, depth)) = queue.pop_front() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || SKIP.contains(&name.as_str()) {
                continue;
            }
            let path = e.path();
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                tree.push(format!("{rel}/"));
                if depth < 3 {
                    queue.push_back((path, depth + 1));
                }
            } else {
                tree.push(rel);
            }
            if tree.len() >= max_entries {
                break;
            }
        }
        if tree.len() >= max_entries {
            tree.push("…".into());
            break;
        }
    }
    tree.sort();
    let mut out = String::new();
    if !tree.is_empty() {
        out.push_str("Files:\n");
        for t in &tree {
            out.push_str("  ");
            out.push_str(t);
            out.push('\n');
        }
    }
    for m in MANIFESTS {
        let Ok(text) = std::fs::read_to_string(root.join(m)) else { continue };
        let head: Vec<&str> = text.lines().take(60).collect();
        out.push_str(&format!("\n{m}:\n```\n{}\n```\n", head.join("\n")));
    }
    truncate(&out, limits.codebase)
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… (truncated)", &s[..end])
}
