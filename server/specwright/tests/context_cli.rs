//! `specwright context map` on the command line: the budget, what the walk
//! skips, focus, `--stats`, the index cache, and usage errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use specwright_index::tokens;

/// A folder under the system's temporary directory, removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(label: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("specwright-context-cli-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir.canonicalize().expect("canonical temp dir"))
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).expect("folders");
        std::fs::write(path, text).expect("write");
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary in `cwd`, its index cache in `cwd/.cache` (hidden, so
/// never walked; removed with the workspace), never the user's.
fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(args)
        .current_dir(cwd)
        .env("SPECWRIGHT_CACHE_DIR", cwd.join(".cache"))
        .output()
        .expect("runs")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

/// The files a map lists, in order.
fn files(map: &str) -> Vec<&str> {
    map.lines().filter(|l| !l.starts_with('│') && l.ends_with(':')).map(|l| l.trim_end_matches(':')).collect()
}

/// `db.ts` used everywhere, `auth.ts` by two files, leaf routes, `csv.ts`
/// used only by `routes/reports.ts`, a Python script; plus a `.gitignore`d
/// file and a dependency under `node_modules/`.
fn workspace(label: &str) -> Temp {
    let ws = Temp::new(label);
    ws.write("src/db.ts", "export async function query<T>(sql: string): Promise<T[]> {\n  return [];\n}\n");
    ws.write(
        "src/auth.ts",
        "import { query } from \"./db\";\nexport interface Token { value: string }\nexport async function login(email: string): Promise<Token> {\n  await query(\"x\");\n  return { value: email };\n}\n",
    );
    ws.write("src/app.ts", "import { login } from \"./auth\";\nimport { query } from \"./db\";\nexport function startServer(): void {\n  query(\"1\");\n  login(\"a\");\n}\n");
    ws.write(
        "src/routes/orders.ts",
        "import { query } from \"../db\";\nexport function listOrders() {\n  return query(\"o\");\n}\n",
    );
    ws.write("src/routes/users.ts", "import { query } from \"../db\";\nimport { Token } from \"../auth\";\nexport function listUsers(t: Token) {\n  return query(\"u\");\n}\n");
    ws.write("src/csv.ts", "export function formatCsv(rows: string[][]): string {\n  return \"\";\n}\n");
    ws.write(
        "src/routes/reports.ts",
        "import { formatCsv } from \"../csv\";\nexport function exportReport() {\n  return formatCsv([]);\n}\n",
    );
    ws.write("scripts/report.py", "def build_report(rows):\n    return len(rows)\n");
    ws.write(".gitignore", "generated/\nsecret.ts\n");
    ws.write("generated/client.ts", "export function generatedClientCall(): void {}\n");
    ws.write("secret.ts", "export function ignoredSecret(): void {}\n");
    ws.write("node_modules/lib/index.ts", "export function vendoredThing(): void {}\nexport function query() {}\n");
    ws.write("src/vendor.min.js", "function minifiedThing(){}\n");
    ws
}

#[test]
fn map_fits_the_budget_and_skips_ignored_files() {
    let ws = workspace("budget");
    let out = stdout(&run_in(&ws.0, &["context", "map", ".", "--tokens", "1000"]));
    let mut listed = files(&out);
    let place = |file: &str| listed.iter().position(|f| *f == file).unwrap_or_else(|| panic!("{file} not in\n{out}"));
    assert!(place("src/db.ts") < place("src/routes/orders.ts"), "the widely used file above a leaf:\n{out}");
    assert!(place("src/db.ts") < place("src/app.ts"), "{out}");
    assert!(place("src/auth.ts") < place("src/routes/users.ts"), "{out}");
    let first = listed[0];
    listed.sort_unstable();
    assert_eq!(
        listed,
        [
            "scripts/report.py",
            "src/app.ts",
            "src/auth.ts",
            "src/csv.ts",
            "src/db.ts",
            "src/routes/orders.ts",
            "src/routes/reports.ts",
            "src/routes/users.ts"
        ],
        "{out}"
    );
    assert!(out.ends_with('\n'), "the last line is ended: {out:?}");
    for skipped in ["generatedClientCall", "ignoredSecret", "vendoredThing", "node_modules", "minifiedThing"] {
        assert!(!out.contains(skipped), "{skipped} is in the map:\n{out}");
    }
    assert!(out.contains("│ export async function query<T>(sql: string): Promise<T[]>\n"), "{out}");
    assert!(out.contains("│ def build_report(rows)\n"), "{out}");

    // Tight budgets: never over, and the best file first.
    for budget in [10, 25, 40, 60, 100] {
        let out = stdout(&run_in(&ws.0, &["context", "map", ".", "--tokens", &budget.to_string()]));
        let count = tokens::count(&out);
        assert!(count <= budget, "{count} tokens over {budget}:\n{out}");
        assert!(out.is_empty() || out.ends_with('\n'), "{out:?}");
        if budget >= 25 {
            assert_eq!(files(&out).first(), Some(&first), "{budget}: {out}");
        }
    }
}

#[test]
fn large_workspace_map_fills_but_never_exceeds_the_budget() {
    let ws = Temp::new("large");
    for m in 0..60 {
        let mut text = format!("import {{ helper{} }} from \"./mod{}\";\n", (m + 1) % 60, (m + 1) % 60);
        for f in 0..8 {
            text.push_str(&format!(
                "export function helper{m}Step{f}(input: Record<string, number>, retries: number): Promise<string[]> {{\n  return helper{}Step{f}(input, retries);\n}}\n",
                (m + 1) % 60
            ));
        }
        text.push_str(&format!("export function helper{m}() {{}}\n"));
        ws.write(&format!("src/mod{m}.ts"), &text);
    }
    for budget in [256, 1024, 4096] {
        let out = stdout(&run_in(&ws.0, &["context", "map", ".", "--tokens", &budget.to_string()]));
        let count = tokens::count(&out);
        assert!(count <= budget, "{count} tokens over {budget}");
        assert!(count >= budget * 8 / 10, "the map uses its budget: {count} of {budget}");
        assert!(out.contains("│ …\n"), "files cut short say so");
    }
}

#[test]
fn focus_changes_the_first_file() {
    let ws = workspace("focus");
    let plain = stdout(&run_in(&ws.0, &["context", "map", ".", "--tokens", "1000"]));
    assert_ne!(files(&plain)[0], "src/routes/reports.ts");
    assert!(files(&plain).iter().position(|f| *f == "src/csv.ts") > Some(1), "{plain}");
    let reports = ws.0.join("src/routes/reports.ts");
    let dir = ws.0.to_str().unwrap();
    let elsewhere = std::env::temp_dir();
    // As a path relative to the current folder, an absolute path, or a path relative to DIR.
    for (cwd, focus) in [
        (ws.0.as_path(), "src/routes/reports.ts"),
        (elsewhere.as_path(), reports.to_str().unwrap()),
        (elsewhere.as_path(), "src/routes/reports.ts"),
    ] {
        let out = stdout(&run_in(cwd, &["context", "map", dir, "--tokens", "1000", "--focus", focus]));
        assert_eq!(files(&out)[..2], ["src/routes/reports.ts", "src/csv.ts"], "--focus {focus} from {cwd:?}:\n{out}");
    }
    // Two focus files.
    let out = stdout(&run_in(
        &ws.0,
        &["context", "map", ".", "--focus", "scripts/report.py", "--focus", "src/routes/orders.ts"],
    ));
    let listed = files(&out);
    assert!(listed[..2].contains(&"scripts/report.py") && listed[..2].contains(&"src/routes/orders.ts"), "{out}");
}

#[test]
fn stats_go_to_stderr_on_one_line() {
    let ws = workspace("stats");
    let plain = run_in(&ws.0, &["context", "map", "--tokens", "500"]);
    let with_stats = run_in(&ws.0, &["context", "map", "--tokens", "500", "--stats"]);
    assert_eq!(stdout(&with_stats), stdout(&plain), "nothing extra on stdout");
    assert!(plain.stderr.is_empty(), "{}", String::from_utf8_lossy(&plain.stderr));
    let stderr = String::from_utf8(with_stats.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("indexed 8 files in ") && stderr.ends_with('\n'), "{stderr}");
    assert!(stderr.contains(" tokens (8 files, ") && stderr.contains("peak memory"), "{stderr}");
}

#[test]
fn empty_folder_prints_nothing_and_bad_dirs_are_usage_errors() {
    let ws = Temp::new("empty");
    ws.write("README.md", "# Not code\n");
    let out = run_in(&ws.0, &["context", "map", "."]);
    assert_eq!(stdout(&out), "");

    ws.write("file.ts", "export function f() {}\n");
    for dir in ["file.ts", "does-not-exist"] {
        let out = run_in(&ws.0, &["context", "map", dir]);
        assert_eq!(out.status.code(), Some(2), "{dir}");
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("is not a folder"), "{dir}");
    }
    let out = run_in(&ws.0, &["context", "map", ".", "--tokens", "many"]);
    assert_eq!(out.status.code(), Some(2), "a bad option is a usage error");
}

/// Dates every file under `dir` an hour back, as files not being edited
/// (files modified in the last seconds are never trusted to the cache).
fn age(dir: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            age(&path);
        } else {
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(hour_ago).unwrap();
        }
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_second_map_comes_from_the_cache_and_is_the_same() {
    let ws = workspace("cache");
    age(&ws.0);
    let args = ["context", "map", ".", "--tokens", "800", "--stats"];
    let cold = run_in(&ws.0, &args);
    assert!(stderr(&cold).contains("(8 parsed, 0 from the cache, 0 dropped; cache "), "{}", stderr(&cold));
    let cache_file = ws.0.join(".cache").join("index");
    let written: Vec<_> = std::fs::read_dir(&cache_file).expect("cache folder").filter_map(Result::ok).collect();
    assert_eq!(written.len(), 1, "one cache file: {written:?}");
    assert!(written[0].file_name().to_string_lossy().ends_with(".bin"));

    let warm = run_in(&ws.0, &args);
    assert_eq!(stdout(&warm), stdout(&cold), "the same map");
    assert!(stderr(&warm).contains("(0 parsed, 8 from the cache, 0 dropped; cache "), "{}", stderr(&warm));

    // From another folder, by another path: the same cache.
    let parent = ws.0.parent().unwrap();
    let name = ws.0.file_name().unwrap().to_str().unwrap();
    let elsewhere = Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["context", "map", name, "--tokens", "800", "--stats"])
        .current_dir(parent)
        .env("SPECWRIGHT_CACHE_DIR", ws.0.join(".cache"))
        .output()
        .expect("runs");
    assert_eq!(stdout(&elsewhere), stdout(&cold));
    assert!(stderr(&elsewhere).contains("(0 parsed, 8 from the cache"), "{}", stderr(&elsewhere));

    // One file changed, one deleted: only the changed one is parsed.
    ws.write("src/csv.ts", "export function formatCsv(rows: string[][], sep: string): string {\n  return sep;\n}\n");
    std::fs::remove_file(ws.0.join("scripts/report.py")).unwrap();
    let changed = run_in(&ws.0, &args);
    assert!(stderr(&changed).contains("(1 parsed, 6 from the cache, 1 dropped"), "{}", stderr(&changed));
    let map = stdout(&changed);
    assert!(map.contains("sep: string") && !map.contains("report.py"), "{map}");

    // --no-cache parses everything and gives the same map.
    let bypass = run_in(&ws.0, &["context", "map", ".", "--tokens", "800", "--stats", "--no-cache"]);
    assert_eq!(stdout(&bypass), map);
    assert!(
        stderr(&bypass).contains("indexed 7 files in ") && stderr(&bypass).contains("(no cache)"),
        "{}",
        stderr(&bypass)
    );
}

#[test]
fn a_corrupt_cache_is_rebuilt() {
    let ws = workspace("corrupt-cache");
    age(&ws.0);
    let args = ["context", "map", ".", "--tokens", "800", "--stats"];
    let cold = run_in(&ws.0, &args);
    let dir = ws.0.join(".cache").join("index");
    for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
        std::fs::write(entry.path(), b"not a cache").unwrap();
    }
    let again = run_in(&ws.0, &args);
    assert_eq!(stdout(&again), stdout(&cold));
    assert!(
        stderr(&again).contains("(8 parsed, 0 from the cache") && stderr(&again).contains("ignored: "),
        "{}",
        stderr(&again)
    );
    let warm = run_in(&ws.0, &args);
    assert!(stderr(&warm).contains("(0 parsed, 8 from the cache"), "{}", stderr(&warm));
}
