//! Test support: throwaway workspaces written from small multi-file fixtures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use specwright_steering::{Diagnostic, Source, SteeringFile, parse};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder under the system temp folder, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("specwright-steering-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        // Canonical, so that paths compare equal to resolved ones.
        Self(std::fs::canonicalize(&dir).expect("canonical temp dir"))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&path, text).expect("write fixture file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes a fixture of files, each introduced by a `//- path` line, under a
/// new temp folder.
pub fn workspace(tag: &str, fixture: &str) -> TempDir {
    let dir = TempDir::new(tag);
    write_fixture(&dir, fixture);
    dir
}

pub fn write_fixture(dir: &TempDir, fixture: &str) {
    let mut current: Option<(String, String)> = None;
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            if let Some((p, t)) = current.take() {
                dir.write(&p, &t);
            }
            current = Some((path.trim().to_string(), String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
        }
    }
    if let Some((p, t)) = current {
        dir.write(&p, &t);
    }
}

/// Parses `text` as the workspace steering file `.kiro/steering/t.md` of a
/// root that holds nothing (so every reference is missing).
pub fn parse_text(text: &str) -> SteeringFile {
    let root = Path::new("/nonexistent-specwright-root");
    parse(&root.join(".kiro/steering/t.md"), ".kiro/steering/t.md", text, root, Source::Workspace)
}

/// `line:col-line:col severity code` for each diagnostic, in order.
pub fn render(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let r = d.range;
            format!(
                "{}:{}-{}:{} {} {}",
                r.start.line,
                r.start.character,
                r.end.line,
                r.end.character,
                d.severity.as_str(),
                d.code
            )
        })
        .collect()
}

/// The text a diagnostic's range covers (single-line ranges only).
pub fn covered<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    let line = text.split('\n').nth(d.range.start.line as usize).unwrap_or("");
    let units: Vec<u16> = line.encode_utf16().collect();
    let (a, b) = (d.range.start.character as usize, d.range.end.character as usize);
    let start = String::from_utf16_lossy(&units[..a.min(units.len())]).len();
    let end = String::from_utf16_lossy(&units[..b.min(units.len())]).len();
    let end = if d.range.end.line == d.range.start.line { end } else { line.len() };
    &line[start..end.max(start)]
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}
