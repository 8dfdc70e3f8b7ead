//! The repository-map figures of issue #4, side by side in one run. Run by
//! `scripts/bench-repomap`, which fetches the real tree (effect@3.22.4 from
//! npm, in a git repository) and installs aider 0.86.2, then sets
//! `SPECWRIGHT_BENCH_TREE` and `SPECWRIGHT_BENCH_AIDER`.
//!
//! 1. Cold index plus a 2,048-token map of the real tree: the release binary
//!    (`specwright context map`) as a whole process with its index cache
//!    removed before each run, against aider's `--show-repo-map` with its
//!    tags cache removed before each run. Target: at least 20 times faster.
//!    Then both warm, each with the cache of an unchanged tree (issue #14).
//!    Target: at least 50 times faster.
//! 2. A map after a one-file change (re-index that file, re-rank, render),
//!    in process. Target: under 20 ms median.
//! 3. A synthetic 10,000-file TypeScript workspace: full index time and peak
//!    resident memory of the binary. Targets: under 10 s, under 300 MB.
//! 4. Of the 6 modules most imported by other files, how many each tool's
//!    1,024-token map includes. The modules come from neither tool: a plain
//!    scan of the tree's import statements (`scripts/bench_repomap_imports.py`).
//!    Target: at least 5, and never fewer than aider's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use specwright_index::Index;
use specwright_index::map::{Focus, repo_map};

const TOKENS: usize = 2048;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn env_path(var: &str) -> PathBuf {
    PathBuf::from(std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set: run scripts/bench-repomap")))
}

/// One `specwright context map` run with its index cache in `cache`
/// (never the user's), removed first when `cold`.
fn specwright_map(bin: &str, dir: &Path, cache: &Path, cold: bool) -> (Duration, String) {
    if cold {
        let _ = std::fs::remove_dir_all(cache);
    }
    let t = Instant::now();
    let out = Command::new(bin)
        .args(["context", "map", "--stats", "--tokens", &TOKENS.to_string()])
        .arg(dir)
        .env("SPECWRIGHT_CACHE_DIR", cache)
        .output()
        .expect("specwright runs");
    let elapsed = t.elapsed();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!out.stdout.is_empty(), "a map was printed");
    (elapsed, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// One aider run, its tags cache removed first when `cold`.
fn aider_map(aider: &Path, tree: &Path, cold: bool) -> Duration {
    if cold {
        let _ = std::fs::remove_dir_all(tree.join(".aider.tags.cache.v4"));
    }
    aider_map_text(aider, tree, TOKENS).0
}

/// aider's map of `tree` within `tokens`, and how long it took.
fn aider_map_text(aider: &Path, tree: &Path, tokens: usize) -> (Duration, String) {
    let t = Instant::now();
    let out = Command::new(aider)
        .current_dir(tree)
        .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        .args([
            "--model",
            "openai/gpt-4o-mini",
            "--openai-api-key",
            "sk-dummy",
            "--no-check-update",
            "--analytics-disable",
            "--no-show-model-warnings",
            "--no-pretty",
            "--yes-always",
            "--show-repo-map",
            "--map-tokens",
        ])
        .arg(tokens.to_string())
        .output()
        .expect("aider runs");
    let elapsed = t.elapsed();
    assert!(out.status.success(), "aider failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.len() > 200, "aider printed a map");
    (elapsed, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The tokens of the maps compared by the most-imported-modules figure.
const COVERAGE_TOKENS: usize = 1024;

/// The `n` modules most imported by other files of `tree`, by the script's
/// own import scan, and which of them each map (text written to a file)
/// lists.
fn most_imported_coverage(tree: &Path, maps: &[(&str, &str)]) -> (Vec<String>, Vec<Vec<String>>) {
    let dir = std::env::temp_dir().join("specwright-bench-repomap-maps");
    std::fs::create_dir_all(&dir).expect("maps folder");
    let files: Vec<PathBuf> = maps
        .iter()
        .map(|(name, text)| {
            let file = dir.join(format!("{name}.txt"));
            std::fs::write(&file, text).expect("map written");
            file
        })
        .collect();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/bench_repomap_imports.py");
    let out = Command::new("python3")
        .arg(script)
        .arg("--json")
        .arg(tree)
        .args(&files)
        .output()
        .expect("python3 runs the import scan");
    assert!(out.status.success(), "import scan failed: {}", String::from_utf8_lossy(&out.stderr));
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the scan prints JSON");
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)).collect()
    };
    let top: Vec<String> = result["top"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| format!("{} ({})", m["path"].as_str().unwrap_or("?"), m["importers"]))
        .collect();
    let included = files.iter().map(|f| strings(&result["maps"][f.to_string_lossy().as_ref()])).collect();
    (top, included)
}

/// A synthetic TypeScript workspace: `n` modules in 100 folders, each
/// defining a class, an interface and functions that call earlier modules.
fn synthetic(n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-bench-synthetic-{n}"));
    if dir.join("done").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    for i in 0..n {
        let folder = dir.join(format!("src/pkg{:02}", i % 100));
        std::fs::create_dir_all(&folder).expect("folder");
        let a = (i * 7 + 3) % n.max(1);
        let b = (i * 13 + 5) % n.max(1);
        let text = format!(
            "import {{ fn{a} }} from '../pkg{:02}/mod{a}';\nimport {{ Service{b} }} from '../pkg{:02}/mod{b}';\n\n\
             export interface Config{i} {{ id: string; size: number }}\n\n\
             export class Service{i} {{\n  constructor(private readonly config: Config{i}) {{}}\n  run(input: string): number {{ return fn{a}(input) + new Service{b}({{ id: input, size: 1 }}).run(input); }}\n}}\n\n\
             export function fn{i}(value: string): number {{\n  return value.length + {i};\n}}\n\n\
             export const LIMIT_{i} = {i};\n",
            a % 100,
            b % 100
        );
        std::fs::write(folder.join(format!("mod{i}.ts")), text).expect("write");
    }
    std::fs::write(dir.join("done"), "").expect("marker");
    dir
}

fn stat(stats: &str, after: &str, unit: &str) -> Option<f64> {
    let rest = &stats[stats.find(after)? + after.len()..];
    rest.trim_start().split(unit).next()?.trim().parse().ok()
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_specwright");
    let tree = env_path("SPECWRIGHT_BENCH_TREE");
    let aider = env_path("SPECWRIGHT_BENCH_AIDER");
    let files = specwright_index::source_files(&tree).len();

    // 1. Cold index + map, whole processes, side by side; then warm.
    let cache = tree.parent().map_or_else(|| tree.join(".cache"), |p| p.join("specwright-cache"));
    specwright_map(bin, &tree, &cache, true); // warm the page cache for both tools alike
    let ours: Vec<Duration> = (0..7).map(|_| specwright_map(bin, &tree, &cache, true).0).collect();
    let theirs: Vec<Duration> = (0..3).map(|_| aider_map(&aider, &tree, true)).collect();
    let (ours, theirs) = (median(ours), median(theirs));
    let ratio = theirs.as_secs_f64() / ours.as_secs_f64();
    // The last cold runs left both caches filled.
    let ours_warm: Vec<Duration> = (0..7).map(|_| specwright_map(bin, &tree, &cache, false).0).collect();
    let theirs_warm: Vec<Duration> = (0..3).map(|_| aider_map(&aider, &tree, false)).collect();
    let (ours_warm, theirs_warm) = (median(ours_warm), median(theirs_warm));
    let warm_ratio = theirs_warm.as_secs_f64() / ours_warm.as_secs_f64();

    // 2. One-file change, in process.
    let mut index = Index::build(&tree);
    let (path, original) = index
        .files
        .keys()
        .filter(|p| p.ends_with(".ts"))
        .min()
        .map(|p| (p.clone(), std::fs::read_to_string(tree.join(p)).expect("readable")))
        .expect("a TypeScript file");
    let focus = Focus { files: vec![path.clone()], ..Focus::default() };
    let mut changes = Vec::new();
    for i in 0..40 {
        let text = format!("{original}\nexport function benchChange{i}(): number {{ return {i}; }}\n");
        let t = Instant::now();
        index.update(&path, &text);
        let map = repo_map(&index, &focus, TOKENS);
        changes.push(t.elapsed());
        assert!(map.tokens <= TOKENS);
    }
    let change = median(changes);

    // 4. The most imported modules in each tool's map (aider's tags cache is warm by now).
    let ours_map = repo_map(&Index::build(&tree), &Focus::default(), COVERAGE_TOKENS).text;
    let (_, aider_text) = aider_map_text(&aider, &tree, COVERAGE_TOKENS);
    let (top, included) = most_imported_coverage(&tree, &[("specwright", &ours_map), ("aider", &aider_text)]);
    let (ours_in, aider_in) = (included[0].len(), included[1].len());

    // 3. Synthetic 10,000 files.
    let synthetic = synthetic(10_000);
    let (wall, stats) = specwright_map(bin, &synthetic, &cache, true);
    let index_ms = stat(&stats, "files in", "ms").unwrap_or(f64::NAN);
    let peak_mb = stat(&stats, "peak memory", "MB").unwrap_or(f64::NAN);

    let yes = |ok: bool| if ok { "yes" } else { "NO" };
    let mut out =
        String::from("| measurement | Specwright | reference | target | within target |\n|---|---:|---:|---:|---|\n");
    out.push_str(&format!(
        "| cold index + {TOKENS}-token map, effect@3.22.4 ({files} files), whole process | {} | aider {} ({ratio:.0}× slower) | ≥ 20× faster | {} |\n",
        secs(ours),
        secs(theirs),
        yes(ratio >= 20.0)
    ));
    out.push_str(&format!(
        "| warm index + {TOKENS}-token map, the same tree unchanged (index cache), whole process | {} | aider {} ({warm_ratio:.0}× slower) | ≥ 50× faster | {} |\n",
        secs(ours_warm),
        secs(theirs_warm),
        yes(warm_ratio >= 50.0)
    ));
    out.push_str(&format!(
        "| map after a one-file change (re-index, re-rank, render) | {} | | < 20 ms | {} |\n",
        secs(change),
        yes(change < Duration::from_millis(20))
    ));
    out.push_str(&format!(
        "| synthetic 10,000-file workspace: full index | {:.0} ms ({} whole process) | | < 10 s | {} |\n",
        index_ms,
        secs(wall),
        yes(index_ms < 10_000.0)
    ));
    out.push_str(&format!(
        "| synthetic 10,000-file workspace: peak resident memory | {peak_mb:.1} MB | | < 300 MB | {} |\n",
        yes(peak_mb < 300.0)
    ));
    out.push_str(&format!(
        "| of the {n} modules most imported by other files, how many the {COVERAGE_TOKENS}-token map includes | {ours_in} of {n} | aider {aider_in} of {n} | ≥ 5 and ≥ aider's | {} |\n",
        yes(ours_in >= 5.min(top.len()) && ours_in >= aider_in),
        n = top.len()
    ));
    eprintln!("\n{out}");
    eprintln!("most imported modules (importing files): {}", top.join(", "));
    eprintln!("in Specwright's map: {}", included[0].join(", "));
    eprintln!("in aider's map: {}", included[1].join(", "));
}
