//! Scanning a folder (or one file) as `specwright scan secrets` does:
//! every file ignore files allow, binaries and huge files skipped, in
//! parallel, findings in a stable order. Findings never hold the secret.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::{Config, Scanner};

/// One finding as the JSON report prints it (1-based line and column).
#[derive(Serialize, Debug, Clone)]
pub struct FileFinding {
    /// Relative to the scanned folder (the file's name when a file was scanned).
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub rule: &'static str,
    pub redacted: String,
}

/// Files larger than this are not scanned.
const MAX_FILE: u64 = 4 << 20;

/// Every finding in `target` (a folder, walked as `scan secrets` walks it, or one file).
pub fn scan_path(target: &Path, config: &Config) -> Vec<FileFinding> {
    let scanner = Scanner::new(config);
    scan(&scanner, target, &files(target))
}

/// The files to scan: `root` itself, or every file under it that ignore files allow.
pub fn files(root: &Path) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some(".git" | "node_modules")))
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| e.metadata().is_ok_and(|m| m.len() <= MAX_FILE))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// The findings of `files` (under `root`), scanned on every core.
pub fn scan(scanner: &Scanner, root: &Path, files: &[PathBuf]) -> Vec<FileFinding> {
    let next = AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(files.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let Ok(bytes) = std::fs::read(path) else { continue };
                    // Binary files are not source.
                    if bytes.iter().take(8192).any(|&b| b == 0) {
                        continue;
                    }
                    let text = String::from_utf8_lossy(&bytes);
                    let rel = if root.is_file() {
                        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
                    } else {
                        path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
                    };
                    let mut local: Vec<(usize, FileFinding)> = scanner
                        .scan(&text)
                        .into_iter()
                        .map(|f| {
                            let finding = FileFinding {
                                path: rel.clone(),
                                line: f.line + 1,
                                column: f.start_column + 1,
                                rule: f.rule,
                                redacted: f.redacted,
                            };
                            (i, finding)
                        })
                        .collect();
                    found.lock().unwrap_or_else(|e| e.into_inner()).append(&mut local);
                }
            });
        }
    });
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort_by(|(a, fa), (b, fb)| (a, fa.line, fa.column).cmp(&(b, fb.line, fb.column)));
    found.into_iter().map(|(_, f)| f).collect()
}
