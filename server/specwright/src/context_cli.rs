//! `specwright context map`: the ranked repository map on the command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use specwright_index::Index;
use specwright_index::cache::IndexCache;
use specwright_index::map::{Focus, repo_map};

#[derive(Subcommand, Debug)]
pub enum ContextCommand {
    /// Print the repository map: files and their key signatures, ranked by the
    /// reference graph and personalised toward the focus, within a token budget.
    Map {
        /// The workspace folder (default: the current folder).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// The token budget of the map.
        #[arg(long, default_value_t = specwright_specgen::context::DEFAULT_MAP_TOKENS)]
        tokens: usize,
        /// A file in focus (repeatable): the map leans toward it and what it uses.
        #[arg(long, value_name = "PATH")]
        focus: Vec<PathBuf>,
        /// Print timings, sizes and peak memory to stderr.
        #[arg(long)]
        stats: bool,
        /// Parse every file, neither reading nor writing the index cache.
        #[arg(long)]
        no_cache: bool,
    },
}

pub fn run(command: ContextCommand) -> ExitCode {
    let ContextCommand::Map { dir, tokens, focus, stats, no_cache } = command;
    let root = dir.unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        eprintln!("error: {} is not a folder", root.display());
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let cache = if no_cache { None } else { IndexCache::for_root(&root) };
    let (index, report) = match &cache {
        Some(cache) => {
            let (index, report) = Index::build_cached(&root, cache);
            (index, Some(report))
        }
        None => (Index::build(&root), None),
    };
    let indexed = started.elapsed();
    let focus = Focus { files: focus.iter().map(|f| relative(&root, f)).collect(), ..Focus::default() };
    let map = repo_map(&index, &focus, tokens);
    let total = started.elapsed();
    let mut out = std::io::stdout().lock();
    if out.write_all(map.text.as_bytes()).and_then(|()| out.flush()).is_err() {
        return ExitCode::from(2);
    }
    if stats {
        let cached = match (&report, &cache) {
            (Some(r), Some(cache)) => {
                let mut line = format!(
                    " ({} parsed, {} from the cache, {} dropped; cache {}",
                    r.parsed,
                    r.reused,
                    r.dropped,
                    cache.file().display()
                );
                if let Some(why) = &r.ignored {
                    line.push_str(&format!(", ignored: {why}"));
                }
                if let Some(e) = &r.write_error {
                    line.push_str(&format!(", not written: {e}"));
                }
                line.push(')');
                line
            }
            _ => " (no cache)".to_string(),
        };
        eprintln!(
            "indexed {} files in {:.1} ms{cached}; map of {} tokens ({} files, {} symbols) in {:.1} ms total; peak memory {}",
            index.files.len(),
            indexed.as_secs_f64() * 1000.0,
            map.tokens,
            map.files,
            map.symbols,
            total.as_secs_f64() * 1000.0,
            peak_memory().map_or("unknown".to_string(), |kb| format!("{:.1} MB", kb as f64 / 1024.0)),
        );
    }
    ExitCode::SUCCESS
}

/// A path relative to the workspace root, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let joined = joined.canonicalize().unwrap_or(joined);
    joined.strip_prefix(&root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Peak resident memory of this process in KiB (Linux `VmHWM`).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
