//! The index cache: each workspace folder's per-file index, kept on disk
//! between runs so that a second build re-parses only the files that
//! changed (after aider's tags cache).
//!
//! Where: `$SPECWRIGHT_CACHE_DIR`, else the user's cache folder
//! (`$XDG_CACHE_HOME/specwright` or `~/.cache/specwright` on Linux and other
//! Unixes, `~/Library/Caches/specwright` on macOS, `%LOCALAPPDATA%\specwright`
//! on Windows), in `index/<folder key>.bin`: the folder's last component
//! and a hash of its canonical path.
//!
//! What: for each walked file, by workspace-relative path, its size and
//! modification time (nanoseconds) when it was read, and what it defines,
//! references and imports, or that the walk skipped it for its content
//! (generated, minified). A file whose size or time differs is parsed
//! again; a file no longer walked is dropped. A file modified less than
//! [`RACY_WINDOW_NS`] before the build is not kept: a write within the
//! file system's timestamp granularity could leave its time unchanged.
//!
//! Invalidation: the whole cache is ignored when its [`version`] differs:
//! the cache format, this crate's version, the tree-sitter grammars (their
//! crate versions and their shape: symbol, state and field counts) and a
//! hash of the parser's, the walk's and the index types' source.
//!
//! The file is a compact binary encoding (length-prefixed strings, LEB128
//! integers, each file's referenced names stored once) with a checksum; a
//! file that is truncated, corrupt, of another version or of another
//! folder is ignored and rewritten, never an error. Writes go to a
//! temporary file renamed over the old one, so that a reader never sees a
//! partial cache.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::walk::{Parsed, parse_all, relative, stamped_candidates};
use crate::{Def, FileIndex, Index, Lang, Ref, SymbolKind};

/// The variable that moves the cache folder (tests, portable installs).
pub const CACHE_DIR_VAR: &str = "SPECWRIGHT_CACHE_DIR";

/// The encoding's identity; bump it when the layout below changes.
const CACHE_FORMAT: &str = "specwright-index-cache/1";

/// The tree-sitter crates the parser links, as locked (a test checks this
/// list against `Cargo.lock`).
pub const GRAMMARS: &str = "tree-sitter 0.25.10, tree-sitter-typescript 0.23.2, tree-sitter-javascript 0.23.1, \
                            tree-sitter-rust 0.24.2, tree-sitter-python 0.23.6, tree-sitter-go 0.23.4";

/// Files modified this recently (nanoseconds) before a build are not cached.
pub const RACY_WINDOW_NS: i64 = 3_000_000_000;

const MAGIC: &[u8; 8] = b"SWIDX\x00\r\n";

/// Source files whose change changes what is cached.
const SOURCE_HASH: u64 =
    fnv(include_bytes!("walk.rs"), fnv(include_bytes!("types.rs"), fnv(include_bytes!("parse.rs"), FNV_OFFSET)));

/// What a cache must have been written by to be read: see the module
/// documentation.
pub fn version() -> &'static str {
    static VERSION: LazyLock<String> = LazyLock::new(|| {
        let grammars: [(&str, tree_sitter::Language); 6] = [
            ("typescript", tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
            ("tsx", tree_sitter_typescript::LANGUAGE_TSX.into()),
            ("javascript", tree_sitter_javascript::LANGUAGE.into()),
            ("rust", tree_sitter_rust::LANGUAGE.into()),
            ("python", tree_sitter_python::LANGUAGE.into()),
            ("go", tree_sitter_go::LANGUAGE.into()),
        ];
        let shapes: Vec<String> = grammars
            .iter()
            .map(|(name, l)| {
                format!(
                    "{name} abi{} {}/{}/{}",
                    l.abi_version(),
                    l.node_kind_count(),
                    l.parse_state_count(),
                    l.field_count()
                )
            })
            .collect();
        format!(
            "{CACHE_FORMAT}; specwright-index {}; {GRAMMARS}; {}; source {SOURCE_HASH:016x}",
            env!("CARGO_PKG_VERSION"),
            shapes.join(", ")
        )
    });
    &VERSION
}

/// Specwright's cache folder: `$SPECWRIGHT_CACHE_DIR`, else the platform's
/// (see the module documentation). `None` when none can be found.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var(CACHE_DIR_VAR) {
        return Some(dir);
    }
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(|d| d.join("specwright"));
    }
    if cfg!(target_os = "macos") {
        return var("HOME").map(|h| h.join("Library").join("Caches").join("specwright"));
    }
    if let Some(xdg) = var("XDG_CACHE_HOME").filter(|d| d.is_absolute()) {
        return Some(xdg.join("specwright"));
    }
    var("HOME").map(|h| h.join(".cache").join("specwright"))
}

/// A file name for a workspace folder: its last component and a hash of
/// its canonical path (stable across runs and toolchains).
pub fn folder_key(root: &Path) -> String {
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let name: String = canonical
        .file_name()
        .map(|n| n.to_string_lossy().chars().filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect())
        .unwrap_or_default();
    format!("{name}-{:016x}", fnv(canonical.to_string_lossy().as_bytes(), FNV_OFFSET))
}

/// The cache file of one workspace folder.
#[derive(Debug, Clone)]
pub struct IndexCache {
    file: PathBuf,
    version: String,
}

/// How a cached build went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheReport {
    /// Files read and parsed (new, changed, or not in a usable cache).
    pub parsed: usize,
    /// Files taken from the cache unread.
    pub reused: usize,
    /// Cached files no longer walked (deleted, now ignored).
    pub dropped: usize,
    /// Whether a cache of this version and folder was read.
    pub loaded: bool,
    /// Why a cache file that exists was not used (corrupt, another version).
    pub ignored: Option<String>,
    /// Whether the cache file was written (it is not when nothing changed).
    pub written: bool,
    /// Why writing the cache failed.
    pub write_error: Option<String>,
}

/// A file's size and modification time, in nanoseconds since the epoch.
type Stamp = (u64, i64);

/// What the cache holds of one file: its stamp, and its index or `None`
/// when the walk skipped it for its content.
type Entry = (Stamp, Option<FileIndex>);

impl IndexCache {
    /// The cache of `root` in the user's cache folder ([`cache_dir`]);
    /// `None` when there is none.
    pub fn for_root(root: &Path) -> Option<Self> {
        Some(Self::in_dir(&cache_dir()?, root))
    }

    /// The cache of `root` in the cache folder `dir`.
    pub fn in_dir(dir: &Path, root: &Path) -> Self {
        Self::at(dir.join("index").join(format!("{}.bin", folder_key(root))))
    }

    /// A cache kept in exactly this file.
    pub fn at(file: PathBuf) -> Self {
        Self { file, version: version().to_string() }
    }

    /// The same cache, written and read as another [`version`] (tests).
    #[must_use]
    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// The cache file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Deletes the cache file, if any.
    pub fn clear(&self) -> io::Result<()> {
        match std::fs::remove_file(&self.file) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The cached entries of `root`: `Ok(None)` when there is no cache
    /// file, `Err` (why) when it cannot be used.
    fn load(&self, root: &Path) -> Result<Option<HashMap<String, Entry>>, String> {
        let bytes = match std::fs::read(&self.file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("unreadable: {e}")),
        };
        decode(&bytes, &self.version, &root_key(root)).map(Some)
    }

    /// Writes the entries atomically: `stored` are the paths and stamps to
    /// keep; each one's index is in `files`, or the file was skipped.
    fn save(&self, root: &Path, stored: &[(String, Stamp)], files: &HashMap<String, FileIndex>) -> io::Result<()> {
        let bytes = encode(&self.version, &root_key(root), stored, files);
        let dir = self.file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = self.file.file_name().map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
        let temp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
        let written = std::fs::write(&temp, &bytes).and_then(|()| std::fs::rename(&temp, &self.file));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }
}

impl Index {
    /// [`Index::build`] through a cache: walks `root` as `build` does,
    /// takes each file whose size and modification time match the cache's
    /// from it, parses the others (on all cores), and writes the cache back
    /// when anything changed. The index is the one `build` would make; a
    /// cache that cannot be read or written only costs time.
    pub fn build_cached(root: &Path, cache: &IndexCache) -> (Index, CacheReport) {
        let started = now_ns();
        let mut report = CacheReport::default();
        let mut cached = match cache.load(root) {
            Ok(Some(entries)) => {
                report.loaded = true;
                entries
            }
            Ok(None) => HashMap::new(),
            Err(why) => {
                report.ignored = Some(why);
                HashMap::new()
            }
        };
        let walked = stamped_candidates(root);
        let mut files = HashMap::with_capacity(walked.len());
        let mut stored: Vec<(String, Stamp)> = Vec::with_capacity(walked.len());
        // Each file to parse, with whether the cache had it (at another stamp).
        let mut to_parse: Vec<(PathBuf, String, Option<Stamp>, bool)> = Vec::new();
        for (path, stamp) in walked {
            let rel = relative(root, &path);
            match (stamp, cached.remove(&rel)) {
                (Some(stamp), Some((was, file))) if was == stamp => {
                    report.reused += 1;
                    if let Some(file) = file {
                        files.insert(rel.clone(), file);
                    }
                    stored.push((rel, stamp));
                }
                (stamp, entry) => to_parse.push((path, rel, stamp, entry.is_some())),
            }
        }
        report.dropped = cached.len();
        let paths: Vec<PathBuf> = to_parse.iter().map(|(path, ..)| path.clone()).collect();
        let mut changed = report.dropped > 0 || !report.loaded;
        for (i, outcome) in parse_all(root, &paths) {
            let (_, rel, stamp, was_cached) = &to_parse[i];
            report.parsed += 1;
            changed |= was_cached;
            let keep = stamp.filter(|&(_, mtime)| mtime < started.saturating_sub(RACY_WINDOW_NS));
            match outcome {
                Parsed::File(file) => {
                    files.insert(rel.clone(), file);
                }
                Parsed::Skipped => {}
                Parsed::Unreadable => continue,
            }
            // Kept unless modified too recently to trust its stamp.
            if let Some(stamp) = keep {
                stored.push((rel.clone(), stamp));
                changed = true;
            }
        }
        // A folder with nothing to cache leaves no cache file behind.
        changed &= !(stored.is_empty() && !report.loaded && report.ignored.is_none());
        if changed {
            stored.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            match cache.save(root, &stored, &files) {
                Ok(()) => report.written = true,
                Err(e) => report.write_error = Some(e.to_string()),
            }
        }
        (Index { root: root.to_path_buf(), files }, report)
    }
}

/// Now, in nanoseconds since the Unix epoch.
fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// What a cache file records of its folder.
fn root_key(root: &Path) -> String {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf()).to_string_lossy().into_owned()
}

// ---------------------------------------------------------------------------
// Encoding: MAGIC, version, root, entry count, entries, then a checksum of
// everything before it (8 bytes, little-endian). Integers are LEB128
// (signed ones zigzagged), strings a length and UTF-8 bytes.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, usable in constants.
const fn fnv(bytes: &[u8], mut hash: u64) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

/// A fast checksum of the whole file, eight bytes at a time.
fn checksum(bytes: &[u8]) -> u64 {
    let mut hash = 0x243f_6a88_85a3_08d3 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        hash = (hash ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        hash ^= hash >> 29;
    }
    fnv(words.remainder(), hash)
}

const LANGS: [Lang; 6] = [Lang::TypeScript, Lang::Tsx, Lang::JavaScript, Lang::Rust, Lang::Python, Lang::Go];
const KINDS: [SymbolKind; 12] = [
    SymbolKind::Function,
    SymbolKind::Method,
    SymbolKind::Class,
    SymbolKind::Interface,
    SymbolKind::Struct,
    SymbolKind::Enum,
    SymbolKind::Trait,
    SymbolKind::Type,
    SymbolKind::Constant,
    SymbolKind::Variable,
    SymbolKind::Module,
    SymbolKind::Field,
];

struct Writer(Vec<u8>);

impl Writer {
    fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.0.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    fn int(&mut self, n: i64) {
        self.uint(((n << 1) ^ (n >> 63)) as u64);
    }

    fn len(&mut self, n: usize) {
        self.uint(n as u64);
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn byte(&mut self, b: u8) {
        self.0.push(b);
    }
}

fn encode(version: &str, root: &str, stored: &[(String, Stamp)], files: &HashMap<String, FileIndex>) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64 * 1024));
    w.0.extend_from_slice(MAGIC);
    w.str(version);
    w.str(root);
    w.len(stored.len());
    for (path, (size, mtime)) in stored {
        w.str(path);
        w.uint(*size);
        w.int(*mtime);
        match files.get(path) {
            None => w.byte(0),
            Some(file) => {
                w.byte(1);
                encode_file(&mut w, file);
            }
        }
    }
    let sum = checksum(&w.0);
    w.0.extend_from_slice(&sum.to_le_bytes());
    w.0
}

fn encode_file(w: &mut Writer, file: &FileIndex) {
    // Every field, so that a new one cannot be forgotten here.
    let FileIndex { path: _, lang, defs, refs, imports, ref_counts } = file;
    w.byte(lang.and_then(|l| LANGS.iter().position(|&x| x == l)).map_or(0, |i| i as u8 + 1));
    // Referenced names once each, then references and counts by number.
    let mut names: Vec<&str> =
        refs.iter().map(|r| r.name.as_str()).chain(ref_counts.iter().map(|(n, _)| n.as_str())).collect();
    names.sort_unstable();
    names.dedup();
    let id = |name: &str| names.binary_search(&name).unwrap_or(0) as u64;
    w.len(names.len());
    for name in &names {
        w.str(name);
    }
    w.len(ref_counts.len());
    for (name, count) in ref_counts {
        w.uint(id(name));
        w.uint(u64::from(*count));
    }
    w.len(refs.len());
    for Ref { name, line } in refs {
        w.uint(id(name));
        w.uint(u64::from(*line));
    }
    w.len(imports.len());
    for import in imports {
        w.str(import);
    }
    w.len(defs.len());
    for Def { name, kind, line, column, end_column, signature, container } in defs {
        w.str(name);
        w.byte(KINDS.iter().position(|k| k == kind).unwrap_or(0) as u8);
        w.uint(u64::from(*line));
        w.uint(u64::from(*column));
        w.uint(u64::from(*end_column));
        w.str(signature);
        match container {
            None => w.byte(0),
            Some(c) => {
                w.byte(1);
                w.str(c);
            }
        }
    }
}

/// Why a cache file is unusable.
type Bad = String;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn truncated() -> Bad {
        "truncated or corrupt".to_string()
    }

    fn byte(&mut self) -> Result<u8, Bad> {
        let b = *self.bytes.get(self.at).ok_or_else(Self::truncated)?;
        self.at += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64, Bad> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(Self::truncated())
    }

    fn int(&mut self) -> Result<i64, Bad> {
        let n = self.uint()?;
        Ok(((n >> 1) as i64) ^ -((n & 1) as i64))
    }

    fn u32(&mut self) -> Result<u32, Bad> {
        u32::try_from(self.uint()?).map_err(|_| Self::truncated())
    }

    /// A count of items, each at least one byte long.
    fn len(&mut self) -> Result<usize, Bad> {
        let n = usize::try_from(self.uint()?).map_err(|_| Self::truncated())?;
        if n > self.bytes.len() - self.at {
            return Err(Self::truncated());
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<&'a str, Bad> {
        let n = self.len()?;
        let bytes = self.bytes.get(self.at..self.at + n).ok_or_else(Self::truncated)?;
        self.at += n;
        std::str::from_utf8(bytes).map_err(|_| Self::truncated())
    }

    fn string(&mut self) -> Result<String, Bad> {
        self.str().map(str::to_owned)
    }
}

fn decode(bytes: &[u8], version: &str, root: &str) -> Result<HashMap<String, Entry>, Bad> {
    let Some(body_len) = bytes.len().checked_sub(8) else { return Err(Reader::truncated()) };
    let (body, sum) = bytes.split_at(body_len);
    if !body.starts_with(MAGIC) {
        return Err("not an index cache".to_string());
    }
    if checksum(body).to_le_bytes() != sum {
        return Err("checksum mismatch".to_string());
    }
    let mut r = Reader { bytes: body, at: MAGIC.len() };
    let found = r.str()?;
    if found != version {
        return Err(format!("written by another version ({found})"));
    }
    let found = r.str()?;
    if found != root {
        return Err(format!("of another folder ({found})"));
    }
    let count = r.len()?;
    let mut entries = HashMap::with_capacity(count);
    for _ in 0..count {
        let path = r.string()?;
        let stamp = (r.uint()?, r.int()?);
        let file = match r.byte()? {
            0 => None,
            1 => Some(decode_file(&mut r, &path)?),
            _ => return Err(Reader::truncated()),
        };
        entries.insert(path, (stamp, file));
    }
    if r.at != body.len() {
        return Err(Reader::truncated());
    }
    Ok(entries)
}

fn decode_file(r: &mut Reader<'_>, path: &str) -> Result<FileIndex, Bad> {
    let lang = match r.byte()? {
        0 => None,
        n => Some(*LANGS.get(usize::from(n) - 1).ok_or_else(Reader::truncated)?),
    };
    let n = r.len()?;
    let mut names = Vec::with_capacity(n);
    for _ in 0..n {
        names.push(r.str()?);
    }
    let name = |r: &mut Reader<'_>| -> Result<String, Bad> {
        let i = usize::try_from(r.uint()?).map_err(|_| Reader::truncated())?;
        names.get(i).map(|n| (*n).to_owned()).ok_or_else(Reader::truncated)
    };
    let n = r.len()?;
    let mut ref_counts = Vec::with_capacity(n);
    for _ in 0..n {
        ref_counts.push((name(r)?, r.u32()?));
    }
    let n = r.len()?;
    let mut refs = Vec::with_capacity(n);
    for _ in 0..n {
        refs.push(Ref { name: name(r)?, line: r.u32()? });
    }
    let n = r.len()?;
    let mut imports = Vec::with_capacity(n);
    for _ in 0..n {
        imports.push(r.string()?);
    }
    let n = r.len()?;
    let mut defs = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string()?;
        let kind = *KINDS.get(usize::from(r.byte()?)).ok_or_else(Reader::truncated)?;
        let (line, column, end_column) = (r.u32()?, r.u32()?, r.u32()?);
        let signature = r.string()?;
        let container = match r.byte()? {
            0 => None,
            1 => Some(r.string()?),
            _ => return Err(Reader::truncated()),
        };
        defs.push(Def { name, kind, line, column, end_column, signature, container });
    }
    Ok(FileIndex { path: path.to_owned(), lang, defs, refs, imports, ref_counts })
}
