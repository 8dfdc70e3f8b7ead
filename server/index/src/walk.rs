//! Which files of a workspace are indexed, and the index over them: built
//! in parallel, updated one file at a time, searched by symbol name.
//!
//! Skipped: what `.gitignore`, `.ignore` and git's excludes ignore (even
//! outside a git repository), hidden files, dependency and build output
//! directories, and files that are generated, minified or too large to be
//! worth a map entry.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{Def, FileIndex, Index, Lang, parse_file};

/// Directories never walked, with or without a `.gitignore`.
const SKIP_DIRS: &[&str] = &["node_modules", "target", "dist", "build", "vendor", ".git", "__pycache__", "venv"];
/// Larger files are generated or data, not code worth mapping.
const MAX_FILE_BYTES: u64 = 512 * 1024;
/// Declaration files are kept unless they are bundled API dumps.
const MAX_DTS_BYTES: u64 = 64 * 1024;
/// How much of a file's start is searched for a "generated" marker.
const HEADER_BYTES: usize = 2048;
/// An average line longer than this means minified code.
const MAX_AVERAGE_LINE: usize = 300;

/// The workspace's source files, sorted: every file with a known language
/// that the walk does not skip (see the module documentation).
pub fn source_files(root: &Path) -> Vec<PathBuf> {
    candidates(root).into_iter().filter(|path| read_source(path).is_some()).collect()
}

impl Index {
    /// Walks `root` and parses every source file, on all cores.
    pub fn build(root: &Path) -> Index {
        let paths = candidates(root);
        let mut files = std::collections::HashMap::with_capacity(paths.len());
        for (_, file) in parse_all(root, &paths) {
            if let Parsed::File(file) = file {
                files.insert(file.path.clone(), file);
            }
        }
        Index { root: root.to_path_buf(), files }
    }

    /// Re-parses one file from its current text (an editor buffer, a file
    /// saved on disk). The file leaves the index when the walk would skip
    /// it: unknown language, under a skipped or hidden directory, generated,
    /// minified or too large. Ignore files are not consulted here (see
    /// [`Index::ignores`], which callers check first).
    pub fn update(&mut self, rel_path: &str, text: &str) {
        let path = Path::new(rel_path);
        let lang = Lang::of(path);
        let skipped = path.components().any(|c| match c {
            std::path::Component::Normal(name) => {
                name.to_str().is_some_and(|n| n.starts_with('.') || SKIP_DIRS.contains(&n))
            }
            _ => false,
        });
        match lang {
            Some(lang) if !skipped && !skipped_by_name(path, text.len() as u64) && !skipped_by_content(text) => {
                let file = parse_file(rel_path, text, lang);
                self.files.insert(rel_path.to_owned(), file);
            }
            _ => self.remove(rel_path),
        }
    }

    /// Whether the ignore files of the workspace (`.gitignore` and `.ignore` in
    /// `root` and every folder down to the file, and `.git/info/exclude`)
    /// ignore `rel_path`: what the full build's walker skips, for single-file
    /// updates from the editor.
    pub fn ignores(root: &Path, rel_path: &str) -> bool {
        let mut builder = ignore::gitignore::GitignoreBuilder::new(root);
        let _ = builder.add(root.join(".git").join("info").join("exclude"));
        let mut dir = root.to_path_buf();
        let parents: Vec<&str> = rel_path.split('/').collect();
        for i in 0..parents.len() {
            for name in [".gitignore", ".ignore"] {
                let file = dir.join(name);
                if file.is_file() {
                    let _ = builder.add(file);
                }
            }
            if i + 1 < parents.len() {
                dir.push(parents[i]);
            }
        }
        match builder.build() {
            Ok(matcher) => matcher.matched_path_or_any_parents(root.join(rel_path), false).is_ignore(),
            Err(_) => false,
        }
    }

    /// Drops one file from the index.
    pub fn remove(&mut self, rel_path: &str) {
        self.files.remove(rel_path);
    }

    /// One file's index, by relative path.
    pub fn file(&self, rel: &str) -> Option<&FileIndex> {
        self.files.get(rel)
    }

    /// Definitions whose name matches `query`, case-insensitively, best
    /// first: exact, prefix, substring, then subsequence (`usrv` finds
    /// `UserService`); ties go to the shorter name, then the path and line.
    /// An empty query matches every definition.
    pub fn symbols(&self, query: &str, limit: usize) -> Vec<(&FileIndex, &Def)> {
        let query = query.to_lowercase();
        let mut name = String::new();
        let mut found: Vec<(u8, &FileIndex, &Def)> = Vec::new();
        for file in self.files.values() {
            for def in &file.defs {
                name.clear();
                name.extend(def.name.chars().flat_map(char::to_lowercase));
                if let Some(rank) = rank(&name, &query) {
                    found.push((rank, file, def));
                }
            }
        }
        found.sort_by(|(ra, fa, da), (rb, fb, db)| {
            ra.cmp(rb)
                .then(da.name.len().cmp(&db.name.len()))
                .then_with(|| fa.path.cmp(&fb.path))
                .then(da.line.cmp(&db.line))
                .then_with(|| da.name.cmp(&db.name))
        });
        found.into_iter().take(limit).map(|(_, file, def)| (file, def)).collect()
    }
}

/// How well a lowercased name matches a lowercased query; lower is better.
fn rank(name: &str, query: &str) -> Option<u8> {
    if name == query {
        Some(0)
    } else if name.starts_with(query) {
        Some(1)
    } else if name.contains(query) {
        Some(2)
    } else {
        let mut rest = name.chars();
        query.chars().all(|q| rest.any(|c| c == q)).then_some(3)
    }
}

/// Files the walk keeps by path and size, before their content is read.
fn candidates(root: &Path) -> Vec<PathBuf> {
    stamped_candidates(root).into_iter().map(|(path, _)| path).collect()
}

/// [`candidates`] with each file's size and modification time (nanoseconds
/// since the Unix epoch), when its metadata could be read.
pub(crate) fn stamped_candidates(root: &Path) -> Vec<(PathBuf, Option<(u64, i64)>)> {
    let walk = ignore::WalkBuilder::new(root)
        .hidden(true)
        .parents(true)
        .ignore(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .max_filesize(Some(MAX_FILE_BYTES))
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && entry.depth() > 0 && entry.file_name().to_str().is_some_and(|n| SKIP_DIRS.contains(&n)))
        })
        .build();
    let mut paths: Vec<(PathBuf, Option<(u64, i64)>)> = walk
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .filter(|entry| Lang::of(entry.path()).is_some())
        .filter_map(|entry| {
            let meta = entry.metadata().ok();
            let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
            if skipped_by_name(entry.path(), len) {
                return None;
            }
            let stamp = meta.and_then(|m| Some((m.len(), mtime_ns(&m)?)));
            Some((entry.into_path(), stamp))
        })
        .collect();
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    paths
}

/// A file's modification time in nanoseconds since the Unix epoch.
fn mtime_ns(meta: &std::fs::Metadata) -> Option<i64> {
    let modified = meta.modified().ok()?;
    match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).ok(),
        Err(before) => i64::try_from(before.duration().as_nanos()).ok().map(|ns| -ns),
    }
}

/// What became of one walked file.
pub(crate) enum Parsed {
    File(FileIndex),
    /// Generated, minified or binary text: not indexed.
    Skipped,
    /// Could not be read (gone, unreadable): not indexed, and not cached.
    Unreadable,
}

/// Reads and parses `paths` on all cores; each result with its index in `paths`.
pub(crate) fn parse_all(root: &Path, paths: &[PathBuf]) -> Vec<(usize, Parsed)> {
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, paths.len().max(1));
    let worker = || {
        let mut parsed = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = paths.get(i) else { break };
            let Some(lang) = Lang::of(path) else { continue };
            let outcome = match read_text(path) {
                None => Parsed::Unreadable,
                Some(text) if skipped_by_content(&text) => Parsed::Skipped,
                Some(text) => Parsed::File(parse_file(&relative(root, path), &text, lang)),
            };
            parsed.push((i, outcome));
        }
        parsed
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(worker)).collect();
        let mut all = worker();
        // A worker that panicked lost only its own files.
        for handle in handles {
            all.extend(handle.join().unwrap_or_default());
        }
        all
    })
}

/// Minified bundles, large declaration dumps, oversized files.
fn skipped_by_name(path: &Path, len: u64) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    len > MAX_FILE_BYTES
        || [".min.js", ".min.mjs", ".min.cjs"].iter().any(|ext| name.ends_with(ext))
        || ([".d.ts", ".d.mts", ".d.cts"].iter().any(|ext| name.ends_with(ext)) && len > MAX_DTS_BYTES)
}

/// Generated, minified or binary text.
fn skipped_by_content(text: &str) -> bool {
    let mut end = text.len().min(HEADER_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let header = text.get(..end).unwrap_or("");
    let generated = header.contains("@generated")
        || (header.contains("Code generated") && header.contains("DO NOT EDIT"))
        || header.to_ascii_lowercase().contains("auto-generated")
        || header.contains('\0');
    // Small files may have a long line or two without being minified.
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let minified = text.len() > 1024 && text.len() / lines > MAX_AVERAGE_LINE;
    generated || minified
}

/// A file's text when the walk keeps it (lossy for invalid UTF-8).
fn read_source(path: &Path) -> Option<String> {
    read_text(path).filter(|text| !skipped_by_content(text))
}

/// A file's text (lossy for invalid UTF-8), unless unreadable or too large.
fn read_text(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return None;
    }
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// `root`-relative, `/`-separated.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}
