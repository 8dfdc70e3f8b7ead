//! Codebase context in the editor: `specwright/context/repoMap` over a
//! small TypeScript and Python workspace (ranking, focus, symbols, budget),
//! fresh for unsaved edits and for files changed on disk, and code symbols
//! in `workspace/symbol` beside the specs'.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::*;

const REPO_MAP: &str = "specwright/context/repoMap";

const DB: &str = "\
export async function query<T>(sql: string): Promise<T[]> {
  return [] as T[];
}

export function closePool(): void {}
";

const AUTH: &str = "\
import { query } from \"./db\";

export interface Token {
  value: string;
  expires: number;
}

export async function login(email: string, password: string): Promise<Token> {
  const rows = await query<{ id: string }>(\"select id from users where email = $1\");
  return { value: rows[0].id, expires: Date.now() + 3600 };
}
";

const APP: &str = "\
import { login } from \"./auth\";
import { query } from \"./db\";

export function startServer(port: number): void {
  query(\"select 1\");
  login(\"a\", \"b\");
}
";

const USERS: &str = "\
import { query } from \"../db\";
import { Token } from \"../auth\";

export async function listUsers(token: Token) {
  return query(\"select * from users\");
}
";

const ORDERS: &str = "\
import { query } from \"../db\";

export async function listOrders() {
  return query(\"select * from orders\");
}
";

const CSV: &str = "\
export function formatCsv(rows: string[][]): string {
  return rows.map((r) => r.join(\",\")).join(\"\\n\");
}
";

const REPORTS: &str = "\
import { formatCsv } from \"../csv\";

export function exportReport(): string {
  return formatCsv([[\"a\"]]);
}
";

const PY: &str = "\
def build_report(rows):
    return len(rows)
";

/// The workspace: `db.ts` used by four files, `auth.ts` by two, leaves in
/// `routes/`, `csv.ts` used only by `routes/reports.ts`, a Python script and
/// the demo spec.
fn workspace(label: &str) -> TempWorkspace {
    let ws = TempWorkspace::new(label);
    ws.write("src/db.ts", DB);
    ws.write("src/auth.ts", AUTH);
    ws.write("src/app.ts", APP);
    ws.write("src/routes/users.ts", USERS);
    ws.write("src/routes/orders.ts", ORDERS);
    ws.write("src/csv.ts", CSV);
    ws.write("src/routes/reports.ts", REPORTS);
    ws.write("scripts/report.py", PY);
    demo::write(&ws);
    ws
}

/// The files a map lists, in order (the `path:` lines).
fn files_of(map: &Value) -> Vec<String> {
    let text = map["text"].as_str().unwrap_or_else(|| panic!("a map without text: {map}"));
    text.lines().filter(|l| !l.starts_with('│') && l.ends_with(':')).map(|l| l.trim_end_matches(':').into()).collect()
}

/// Where `file` is listed in `map` (the test fails when it is not listed).
fn place(map: &Value, file: &str) -> usize {
    let files = files_of(map);
    files.iter().position(|f| f == file).unwrap_or_else(|| panic!("{file} is not in the map {files:?}"))
}

/// The map's figures agree with its text and its budget.
fn check_budget(map: &Value, budget: usize) {
    let text = map["text"].as_str().unwrap();
    let tokens = map["tokens"].as_u64().unwrap() as usize;
    assert_eq!(tokens, specwright_index::tokens::count(text), "tokens is the estimate of the text");
    assert!(tokens <= budget, "{tokens} tokens over the budget {budget}:\n{text}");
    assert_eq!(map["files"].as_u64().unwrap() as usize, files_of(map).len(), "{map}");
}

/// Asks `workspace/symbol` until `found` holds for the answer, or fails after a few seconds.
async fn poll_symbols(client: &Client, query: &str, what: &str, found: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = client.request_ok("workspace/symbol", json!({"query": query})).await;
        let symbols = answer.as_array().cloned().unwrap_or_default();
        if found(&symbols) {
            return symbols;
        }
        assert!(Instant::now() < deadline, "workspace/symbol {query:?} never showed {what}: {symbols:#?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn named<'a>(symbols: &'a [Value], name: &str) -> Vec<&'a Value> {
    symbols.iter().filter(|s| s["name"] == name).collect()
}

#[tokio::test]
async fn repo_map_ranks_by_use_within_the_budget() {
    let ws = workspace("repomap-rank");
    let client = Client::in_process();
    client.initialize(&ws.root).await;

    let budget = 400;
    let map = client.request_ok(REPO_MAP, json!({"budget": budget})).await;
    check_budget(&map, budget);
    assert_eq!(map["indexed"], 8, "seven TypeScript files and one Python file: {map}");
    assert_eq!(map["files"], 8, "everything fits in 400 tokens: {map}");
    assert!(place(&map, "src/db.ts") < place(&map, "src/routes/orders.ts"), "{}", map["text"]);
    assert!(place(&map, "src/db.ts") < place(&map, "src/app.ts"), "{}", map["text"]);
    assert!(place(&map, "src/auth.ts") < place(&map, "src/routes/users.ts"), "{}", map["text"]);
    let text = map["text"].as_str().unwrap();
    assert!(text.contains("│ export async function query<T>(sql: string): Promise<T[]>\n"), "{text}");
    assert!(text.contains("│ def build_report(rows)\n"), "Python is mapped too: {text}");
    assert!(map["symbols"].as_u64().unwrap() >= 10, "{map}");

    // The default budget is the one prompts use; a small budget keeps the best files only.
    let default = client.request_ok(REPO_MAP, json!({})).await;
    check_budget(&default, specwright_specgen::context::DEFAULT_MAP_TOKENS);
    assert_eq!(default["text"], map["text"], "a budget larger than the map changes nothing");
    let small = client.request_ok(REPO_MAP, json!({"budget": 40})).await;
    check_budget(&small, 40);
    assert!(small["files"].as_u64().unwrap() < 8, "{small}");
    assert_eq!(files_of(&small)[0], "src/db.ts", "{}", small["text"]);
    let none = client.request_ok(REPO_MAP, json!({"budget": 0})).await;
    assert_eq!((none["text"].as_str(), none["tokens"].as_u64()), (Some(""), Some(0)), "{none}");

    // A file in focus comes first, with what it uses; alone, csv.ts (imported by one file) comes after
    // the modules many files import.
    let reports = ws.uri("src/routes/reports.ts");
    let focused = client.request_ok(REPO_MAP, json!({"budget": budget, "focus": [reports]})).await;
    check_budget(&focused, budget);
    assert_eq!(files_of(&focused)[..2], ["src/routes/reports.ts", "src/csv.ts"], "{}", focused["text"]);
    assert!(place(&map, "src/csv.ts") > place(&map, "src/auth.ts"), "{}", map["text"]);
    assert!(place(&focused, "src/csv.ts") < place(&map, "src/csv.ts"), "{}", map["text"]);
    assert!(place(&map, "src/routes/reports.ts") > place(&focused, "src/routes/reports.ts"));

    // A symbol in focus moves the file defining it up.
    let with_symbol =
        client.request_ok(REPO_MAP, json!({"budget": budget, "focus": [reports], "symbols": ["query"]})).await;
    check_budget(&with_symbol, budget);
    assert!(
        place(&with_symbol, "src/db.ts") < place(&focused, "src/db.ts"),
        "query moves db.ts up:\n{}\nthen:\n{}",
        focused["text"],
        with_symbol["text"]
    );
    let by_symbol = client.request_ok(REPO_MAP, json!({"budget": budget, "symbols": ["formatCsv"]})).await;
    assert!(place(&by_symbol, "src/csv.ts") < place(&map, "src/csv.ts"), "{}", by_symbol["text"]);

    // The workspace folder may be named; the map is the same.
    let rooted = client.request_ok(REPO_MAP, json!({"budget": budget, "root": uri(&ws.root)})).await;
    assert_eq!(rooted["text"], map["text"]);
    let inner = client.request_ok(REPO_MAP, json!({"budget": budget, "root": ws.uri("src")})).await;
    assert_eq!(inner["text"], map["text"], "a folder inside it maps the whole workspace folder");
    assert!(client.protocol_errors().is_empty(), "{:?}", client.protocol_errors());
}

#[tokio::test]
async fn repo_map_is_never_stale_for_an_open_document() {
    let ws = workspace("repomap-open");
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    let app = ws.uri("src/app.ts");
    client.request_ok(REPO_MAP, json!({})).await;

    // An unsaved edit is in the very next map, and the disk is not touched.
    client.did_open(&ws.path("src/app.ts")).await;
    let end = u32::try_from(APP.lines().count()).unwrap();
    client
        .did_change_range(&app, range(end, 0, end, 0), "\nexport function freshlyAdded(): number {\n  return 1;\n}\n")
        .await;
    let map = client.request_ok(REPO_MAP, json!({"budget": 2000, "focus": [app]})).await;
    check_budget(&map, 2000);
    let text = map["text"].as_str().unwrap();
    assert_eq!(files_of(&map)[0], "src/app.ts", "{text}");
    assert!(text.contains("│ export function freshlyAdded(): number\n"), "{text}");
    assert_eq!(ws.read("src/app.ts"), APP, "nothing was saved");

    // Another edit, renaming it: the map follows at once again.
    let (line, col) = pos_of(&client.text(&app).unwrap(), "freshlyAdded");
    client.did_change_range(&app, range(line, col, line, col + 12), "renamedFresh").await;
    let map = client.request_ok(REPO_MAP, json!({"budget": 2000, "focus": [app]})).await;
    let text = map["text"].as_str().unwrap();
    assert!(text.contains("renamedFresh") && !text.contains("freshlyAdded"), "{text}");

    // Closed without saving: the disk's text is the truth again.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": app}})).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let map = client.request_ok(REPO_MAP, json!({"budget": 2000, "focus": [app]})).await;
        if !map["text"].as_str().unwrap().contains("renamedFresh") {
            break;
        }
        assert!(Instant::now() < deadline, "the closed document's unsaved text stayed in the map");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn workspace_symbols_include_code_and_follow_the_disk() {
    let ws = workspace("repomap-symbols");
    let client = Client::in_process();
    client.initialize(&ws.root).await;

    // `login` is a function in auth.ts and words in the demo spec.
    let symbols = poll_symbols(&client, "login", "the code symbol", |s| !named(s, "login").is_empty()).await;
    let login = named(&symbols, "login");
    assert_eq!(login.len(), 1, "{symbols:#?}");
    let location = &login[0]["location"];
    assert_eq!(location["uri"], ws.uri("src/auth.ts"));
    let (line, col) = pos_of(AUTH, "login(");
    let end = col + 5;
    assert_eq!(range_tuple(&location["range"]), (line.into(), col.into(), line.into(), end.into()));
    assert_eq!(login[0]["kind"], 12, "a function");
    let spec_symbols: Vec<&Value> =
        symbols.iter().filter(|s| s["location"]["uri"].as_str().is_some_and(|u| u.contains("/.kiro/specs/"))).collect();
    assert!(!spec_symbols.is_empty(), "the spec's symbols are there too: {symbols:#?}");
    assert!(spec_symbols.iter().any(|s| s["name"].as_str().is_some_and(|n| n.contains("User login"))), "{symbols:#?}");

    // Python and fuzzy queries.
    let py =
        poll_symbols(&client, "build_report", "the Python function", |s| !named(s, "build_report").is_empty()).await;
    assert_eq!(named(&py, "build_report")[0]["location"]["uri"], ws.uri("scripts/report.py"));

    // A new file on disk, announced as a watched-file change, is found soon after.
    let added = ws.write("src/routes/health.ts", "export function healthCheck(): boolean {\n  return true;\n}\n");
    client.did_change_watched(&[(&uri(&added), 1)]).await;
    let found =
        poll_symbols(&client, "healthCheck", "the new file's function", |s| !named(s, "healthCheck").is_empty()).await;
    assert_eq!(named(&found, "healthCheck")[0]["location"]["uri"], uri(&added));
    let map = client.request_ok(REPO_MAP, json!({"budget": 1000})).await;
    assert!(map["text"].as_str().unwrap().contains("healthCheck"), "{}", map["text"]);

    // Deleted on disk: gone.
    std::fs::remove_file(&added).unwrap();
    client.did_change_watched(&[(&uri(&added), 3)]).await;
    poll_symbols(&client, "healthCheck", "the deleted function gone", |s| named(s, "healthCheck").is_empty()).await;
}

#[tokio::test]
async fn dependencies_opened_in_the_editor_stay_out_of_the_index() {
    let ws = workspace("repomap-deps");
    let lib = ws.write("node_modules/lib/index.ts", "export function vendoredThing(): void {}\n");
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    poll_symbols(&client, "login", "the index", |s| !named(s, "login").is_empty()).await;

    // Reading a library's source (go to definition, say) does not map it.
    client.did_open(&lib).await;
    client.did_change_watched(&[(&uri(&lib), 2)]).await;
    let map = client.request_ok(REPO_MAP, json!({"budget": 2000})).await;
    assert!(!map["text"].as_str().unwrap().contains("node_modules"), "{}", map["text"]);
    assert_eq!(map["indexed"], 8);
    let symbols = client.request_ok("workspace/symbol", json!({"query": "vendoredThing"})).await;
    assert!(named(symbols.as_array().unwrap(), "vendoredThing").is_empty(), "{symbols:#?}");
}

#[tokio::test]
async fn repo_map_of_a_workspace_without_code_is_empty() {
    let ws = TempWorkspace::new("repomap-empty");
    demo::write(&ws);
    ws.write("README.md", "# Nothing to index\n");
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    let map = client.request_ok(REPO_MAP, json!({"budget": 500})).await;
    assert_eq!(map, json!({"text": "", "tokens": 0, "files": 0, "symbols": 0, "indexed": 0}));
}

#[tokio::test]
async fn repo_map_rejects_bad_params_and_keeps_answering() {
    let ws = workspace("repomap-bad");
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    for params in [
        json!({"budget": "1000"}),
        json!({"budget": -1}),
        json!({"focus": "file:///x"}),
        json!({"symbols": [1]}),
        json!([1, 2]),
    ] {
        let error = client.request_err(REPO_MAP, params.clone()).await;
        assert_eq!(error["code"], -32602, "{params}: {error}");
    }
    let error = client.request_err(REPO_MAP, Value::Null).await;
    assert_eq!(error["code"], -32602, "params are required (send {{}}): {error}");
    // Unknown fields are ignored.
    client.request_ok(REPO_MAP, json!({"budget": 100, "extra": true})).await;
    // A root outside the workspace folders is refused rather than indexed.
    let outside = TempWorkspace::new("repomap-outside");
    outside.write("x.ts", "export function elsewhere() {}\n");
    let error = client.request_err(REPO_MAP, json!({"root": uri(&outside.root)})).await;
    assert_eq!(error["code"], -32602, "{error}");
    let map = client.request_ok(REPO_MAP, json!({"budget": 300})).await;
    check_budget(&map, 300);
    assert_eq!(map["indexed"], 8);
    assert!(client.protocol_errors().is_empty(), "{:?}", client.protocol_errors());
}

#[tokio::test]
async fn recently_changed_files_move_up_the_map() {
    let ws = workspace("repomap-recent");
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    let before = client.request_ok(REPO_MAP, json!({"budget": 4000})).await;
    let leaf = "src/routes/orders.ts";
    let was = place(&before, leaf);
    assert!(was > 0, "a leaf is not first to begin with: {:?}", files_of(&before));
    // Changed on disk, a comment only (the graph is the same): a watched-file event (2 = changed).
    ws.write(leaf, &format!("{ORDERS}\n// reviewed\n"));
    client.did_change_watched(&[(&ws.uri(leaf), 2)]).await;
    let after =
        poll_map_until(&client, |map| files_of(map).iter().position(|f| f == leaf).is_some_and(|p| p < was)).await;
    check_budget(&after, 4000);
}

/// Asks for the map until `ok` holds (the index updates off the request path).
async fn poll_map_until(client: &Client, ok: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        let map = client.request_ok(REPO_MAP, json!({"budget": 4000})).await;
        if ok(&map) {
            return map;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the map never changed as expected");
}

#[tokio::test]
async fn gitignored_files_opened_in_the_editor_stay_out_of_the_index() {
    let ws = workspace("repomap-gitignore");
    ws.write(".gitignore", "generated/\n");
    let path = ws.write("generated/client.ts", "export function generatedClient(): number {\n  return 1;\n}\n");
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    let uri = client.did_open(&path).await;
    let map = client.request_ok(REPO_MAP, json!({"budget": 4000, "focus": [uri]})).await;
    let text = map["text"].as_str().unwrap_or_default();
    assert!(!text.contains("generated/client.ts") && !text.contains("generatedClient"), "{text}");
    assert!(text.contains("src/db.ts"), "the rest is mapped: {text}");
}

/// Dates every file under `dir` an hour back, as files not being edited
/// (files modified in the last seconds are never trusted to the index cache).
fn age(dir: &std::path::Path) {
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            age(&path);
        } else {
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(hour_ago).unwrap();
        }
    }
}

#[tokio::test]
async fn the_server_keeps_the_index_cache_the_command_line_reads() {
    let ws = workspace("repomap-cache");
    age(&ws.root);
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    let map = client.request_ok(REPO_MAP, json!({"budget": 2048})).await;
    let indexed = map["indexed"].as_u64().unwrap();
    assert_eq!(indexed, 8, "{map}");

    // The server's own cache folder (never the user's), one file for the folder.
    let cache = client.data_dir().join("cache");
    let files: Vec<_> = std::fs::read_dir(cache.join("index")).expect("the cache was written").collect();
    assert_eq!(files.len(), 1, "{files:?}");

    // The command line reads it: nothing to parse, the same map.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["context", "map", ".", "--tokens", "2048", "--stats"])
        .current_dir(&ws.root)
        .env("SPECWRIGHT_CACHE_DIR", &cache)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("(0 parsed, {indexed} from the cache")), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), map["text"].as_str().unwrap());
}
