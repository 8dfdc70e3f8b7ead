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

/// The steering documents of `root/.kiro/steering/` that apply when
/// `focus` (paths relative to `root`) are in view: `inclusion: always` (or
/// no front matter) and `fileMatch` documents whose pattern matches a focus
/// path. `manual` and `auto` documents are left out.
pub fn steering(root: &Path, focus: &[PathBuf], limits: Limits) -> Vec<SteeringDoc> {
    let dir = root.join(".kiro").join("steering");
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "md")).collect();
    paths.sort();
    let mut out = Vec::new();
    let mut budget = limits.steering;
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let (front, body) = split_front_matter(&text);
        if !applies(&front, focus) {
            continue;
        }
        let body = truncate(body.trim(), budget);
        budget = budget.saturating_sub(body.len());
        let name = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        out.push(SteeringDoc { name, text: body });
        if budget == 0 {
            break;
        }
    }
    out
}

/// `---\nkey: value\n---\nbody` → (key/value pairs, body).
fn split_front_matter(text: &str) -> (Vec<(String, String)>, &str) {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = t.strip_prefix("---").filter(|r| r.starts_with(['\n', '\r'])) else { return (Vec::new(), t) };
    let Some(end) = rest.find("\n---") else { return (Vec::new(), t) };
    let front = &rest[..end];
    let body = rest[end + 4..].trim_start_matches(['-']).trim_start_matches(['\r', '\n']);
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in front.lines() {
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            // A YAML list item continues the previous key.
            if let Some((_, v)) = pairs.last_mut() {
                if !v.is_empty() {
                    v.push(',');
                }
                v.push_str(unquote(item));
            }
        } else if let Some((k, v)) = line.split_once(':') {
            pairs.push((k.trim().to_string(), unquote(v).to_string()));
        }
    }
    (pairs, body)
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches(['"', '\''])
}

fn applies(front: &[(String, String)], focus: &[PathBuf]) -> bool {
    let get = |key: &str| front.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    match get("inclusion").map(str::trim) {
        None | Some("" | "always") => true,
        Some("fileMatch") => {
            let patterns = get("fileMatchPattern").unwrap_or("");
            let patterns = patterns.trim().trim_start_matches('[').trim_end_matches(']');
            let mut builder = globset::GlobSetBuilder::new();
            for p in patterns.split(',').map(unquote).filter(|p| !p.is_empty()) {
                if let Ok(glob) = globset::GlobBuilder::new(p).literal_separator(false).build() {
                    builder.add(glob);
                }
            }
            let Ok(set) = builder.build() else { return false };
            focus.iter().any(|f| set.is_match(f))
        }
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_inclusion() {
        let (front, body) = split_front_matter(
            "---\ninclusion: fileMatch\nfileMatchPattern:\n  - \"src/**/*.ts\"\n  - '*.md'\n---\n# Body\n",
        );
        assert_eq!(body, "# Body\n");
        assert!(applies(&front, &[PathBuf::from("src/a/b.ts")]));
        assert!(applies(&front, &[PathBuf::from("README.md")]));
        assert!(!applies(&front, &[PathBuf::from("lib/x.rs")]));
        let (front, _) = split_front_matter("---\ninclusion: manual\n---\nx");
        assert!(!applies(&front, &[]));
        let (front, body) = split_front_matter("# No front matter");
        assert!(applies(&front, &[]));
        assert_eq!(body, "# No front matter");
        let (front, _) =
            split_front_matter("---\ninclusion: fileMatch\nfileMatchPattern: \"*.sql,migrations/**\"\n---\n");
        assert!(applies(&front, &[PathBuf::from("migrations/1/up.sql")]));
    }
}
