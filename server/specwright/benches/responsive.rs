//! Issue 11, "the server stays responsive", measured in one run:
//! `cargo bench -p specwright --bench responsive`.
//!
//! The release binary serves LSP over stdio. `textDocument/hover` on a cited
//! requirement id of an open `tasks.md` is timed from request written to
//! response read:
//!
//! 1. **idle** (the reference): nothing else happening, 200 hovers;
//! 2. **under load**: a workspace folder of generated TypeScript files is
//!    added (`workspace/didChangeWorkspaceFolders`: the server scans it for
//!    specs, steering and hooks and indexes it in the background) and, while
//!    that is in flight, 200 `didChange` events type into an open 2,000-line
//!    TypeScript file (each one re-analyzed for secrets and smells and
//!    re-indexed, debounced); hovers are sent back to back until the last
//!    change's analyzer diagnostics are published.
//!
//! Target: hover under load under 50 ms at p95.
//!
//! `SPECWRIGHT_BENCH_SERVER=/path/to/specwright` times another build of the
//! server (an older commit, for a before/after comparison) with the same load;
//! `SPECWRIGHT_BENCH_ADDED_FILES=0` leaves only the typing as load.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Files in the added folder (`SPECWRIGHT_BENCH_ADDED_FILES` overrides it).
const ADDED_FILES: usize = 10_000;
/// `didChange` events under load, and the pause between two.
const CHANGES: usize = 200;
const CHANGE_EVERY: Duration = Duration::from_millis(3);
const IDLE_HOVERS: usize = 200;
const TARGET: Duration = Duration::from_millis(50);

fn main() {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-responsive");
    let _ = std::fs::remove_dir_all(&base);
    let main_root = base.join("main");
    let added_root = base.join("added");
    let source = write_main(&main_root);
    let t = Instant::now();
    let added_files =
        std::env::var("SPECWRIGHT_BENCH_ADDED_FILES").ok().and_then(|n| n.parse().ok()).unwrap_or(ADDED_FILES);
    write_added(&added_root, added_files);
    eprintln!("generated {added_files} files in {:?}", t.elapsed());
    let main_root = main_root.canonicalize().expect("canonical");
    let added_root = added_root.canonicalize().expect("canonical");
    let source = main_root.join(source);

    let server = std::env::var("SPECWRIGHT_BENCH_SERVER").unwrap_or_else(|_| env!("CARGO_BIN_EXE_specwright").into());
    eprintln!("server: {server}");
    let mut lsp = Lsp::start(&server);
    lsp.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&main_root),
            "workspaceFolders": [{"uri": uri(&main_root), "name": "main"}],
            "capabilities": {"workspace": {"workspaceFolders": true}},
        }),
    );
    lsp.notify("initialized", json!({}));

    let tasks = main_root.join(".kiro/specs/demo/tasks.md");
    let tasks_text = std::fs::read_to_string(&tasks).expect("tasks.md");
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {
        "uri": uri(&tasks), "languageId": "markdown", "version": 1, "text": tasks_text}}),
    );
    let source_text = std::fs::read_to_string(&source).expect("source");
    let source_uri = uri(&source);
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {
        "uri": source_uri, "languageId": "typescript", "version": 1, "text": source_text}}),
    );
    lsp.wait_publish(&source_uri, 1, Duration::from_secs(30));
    lsp.wait_log(&format!("of {}", main_root.display()), Duration::from_secs(30));

    let (line, character) = tasks_text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("_Requirements: ").map(|c| (i, c + "_Requirements: ".len() + 1)))
        .expect("a citation");
    let hover = json!({"textDocument": {"uri": uri(&tasks)}, "position": {"line": line, "character": character}});
    let first = lsp.request("textDocument/hover", hover.clone());
    assert!(first.1["result"]["contents"]["value"].as_str().is_some_and(|v| v.contains("SHALL")), "{}", first.1);

    // 1. Idle.
    let idle: Vec<Duration> = (0..IDLE_HOVERS).map(|_| lsp.request("textDocument/hover", hover.clone()).0).collect();

    // 2. Under load.
    let edit_line = source_text.lines().position(|l| l.contains("// type here")).expect("an edit line");
    let edit_column = source_text.lines().nth(edit_line).map_or(0, |l| l.len());
    let started = Instant::now();
    lsp.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {
        "added": [{"uri": uri(&added_root), "name": "added"}], "removed": []}}),
    );
    let typist = {
        let writer = lsp.writer();
        let uri = source_uri.clone();
        std::thread::spawn(move || {
            for i in 0..CHANGES {
                let at = json!({"line": edit_line, "character": edit_column + i});
                let change = json!({"range": {"start": at, "end": at}, "text": "x"});
                write_message(
                    &writer,
                    &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [change]}}),
                );
                std::thread::sleep(CHANGE_EVERY);
            }
            Instant::now()
        })
    };
    let last_version = i64::try_from(CHANGES + 1).expect("fits");
    // (sent, round trip) of each hover under load.
    let mut loaded: Vec<(Instant, Duration)> = Vec::new();
    while !(typist.is_finished() && lsp.published_version(&source_uri) == Some(last_version)) {
        let sent = Instant::now();
        loaded.push((sent, lsp.request("textDocument/hover", hover.clone()).0));
        assert!(started.elapsed() < Duration::from_secs(120), "the last change was never analyzed");
    }
    let window = started.elapsed();
    let typed = typist.join().expect("typist") - started;
    let indexed_at = lsp.wait_log(&format!("of {}", added_root.display()), Duration::from_secs(120));
    let indexed = indexed_at.duration_since(started);
    let in_flight = loaded.iter().filter(|(sent, _)| *sent < indexed_at).count();
    let loaded: Vec<Duration> = loaded.into_iter().map(|(_, d)| d).collect();
    let publishes = lsp.publishes(&source_uri);
    let during_load = publishes.iter().filter(|(t, _)| *t > started).count();

    lsp.request("shutdown", Value::Null);
    lsp.notify("exit", Value::Null);
    let _ = lsp.child.wait();

    let mut out = String::new();
    out.push_str(
        "| hover on a cited id, real server over stdio | hovers | p50 | p95 | max | target (p95) | within target |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---|\n");
    for (what, times) in [("idle (reference)", &idle), ("under load", &loaded)] {
        let (p50, p95, max) = percentiles(times);
        out.push_str(&format!(
            "| {what} | {} | {} | {} | {} | {} | {} |\n",
            times.len(),
            ms(p50),
            ms(p95),
            ms(max),
            ms(TARGET),
            if p95 < TARGET { "yes" } else { "NO" }
        ));
    }
    out.push_str(&format!(
        "\nload: {CHANGES} didChange events typed over {} into a {}-line TypeScript file; the added folder ({added_files} \
         files) indexed {} after it was added; load window (until the last change's analyzer diagnostics) {}; \
         hovers sent while the added folder was being indexed: {in_flight} of {}; analyzer publishes for the typed \
         file during the load: {during_load}\n",
        ms(typed),
        source_text.lines().count(),
        ms(indexed),
        ms(window),
        loaded.len(),
    ));
    std::io::stderr().write_all(out.as_bytes()).expect("stderr");
}

fn percentiles(times: &[Duration]) -> (Duration, Duration, Duration) {
    let mut v = times.to_vec();
    v.sort();
    let at = |q: f64| v[((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1];
    (at(0.5), at(0.95), v[v.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

// ---------------------------------------------------------------------------
// The workspaces.

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
    std::fs::write(path, text).expect("write");
}

/// The open workspace folder: a spec and a 2,000-line TypeScript file
/// (returned, relative to `root`).
fn write_main(root: &Path) -> &'static str {
    let mut requirements =
        String::from("# Requirements Document\n\n## Introduction\n\nA benchmark.\n\n## Requirements\n\n");
    for r in 1..=20 {
        requirements.push_str(&format!(
            "### Requirement {r}: Feature {r}\n\n**User Story:** As a user, I want feature {r}, so that I benefit.\n\n\
             #### Acceptance Criteria\n\n1. WHEN the user asks for feature {r}, THE Service SHALL provide it\n\
             2. IF feature {r} fails, THEN THE Service SHALL report the failure\n\n"
        ));
    }
    let mut tasks = String::from("# Implementation Plan\n\n");
    for t in 1..=20 {
        tasks.push_str(&format!("- [ ] {t}. Build feature {t}\n  - _Requirements: {t}.1, {t}.2_\n\n"));
    }
    write(&root.join(".kiro/specs/demo/requirements.md"), &requirements);
    write(&root.join(".kiro/specs/demo/design.md"), "# Design Document\n\n## Overview\n\nA benchmark.\n");
    write(&root.join(".kiro/specs/demo/tasks.md"), &tasks);

    let mut ts = String::from("import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\n\n");
    let mut i = 0;
    while ts.lines().count() < 2000 {
        ts.push_str(&format!(
            "export interface Record{i} {{\n  id: number;\n  name: string;\n  tags: string[];\n}}\n\n\
             export class Store{i} {{\n  private items: Record{i}[] = [];\n  private readonly path = join('data', 'store{i}.json');\n\n\
             \x20 add(item: Record{i}): void {{\n    if (this.items.some((x) => x.id === item.id)) {{\n      throw new Error('duplicate ' + item.id);\n    }}\n    this.items.push(item);\n  }}\n\n\
             \x20 find(id: number): Record{i} | undefined {{\n    for (const item of this.items) {{\n      if (item.id === id) {{\n        return item;\n      }}\n    }}\n    return undefined;\n  }}\n\n\
             \x20 load(): void {{\n    const text = readFileSync(this.path, 'utf8');\n    this.items = JSON.parse(text) as Record{i}[];\n  }}\n}}\n\n\
             export function score{i}(a: number, b: number, c: number): number {{\n  let total = 0;\n  for (let k = 0; k < a; k++) {{\n    if (k % 2 === 0 && b > c) {{\n      total += k * b;\n    }} else if (c > 0) {{\n      total -= c;\n    }}\n  }}\n  return total;\n}}\n\n"
        ));
        if i == 25 {
            ts.push_str(
                "export function edited(): string {\n  const name = 'a';\n  // type here\n  return name;\n}\n\n",
            );
        }
        i += 1;
    }
    write(&root.join("src/big.ts"), &ts);
    "src/big.ts"
}

/// The folder added under load: `files` small TypeScript modules that import
/// each other, a few nested `AGENTS.md`, steering and a spec.
fn write_added(root: &Path, files: usize) {
    let per_folder = 50;
    for f in 0..files {
        let (dir, n) = (f / per_folder, f % per_folder);
        let next = (n + 1) % per_folder;
        write(
            &root.join(format!("packages/pkg{dir}/src/mod{n}.ts")),
            &format!(
                "import {{ run{next} }} from './mod{next}';\n\nexport interface Options{n} {{\n  depth: number;\n  label: string;\n}}\n\n\
                 export class Worker{n} {{\n  constructor(private readonly options: Options{n}) {{}}\n\n  step(x: number): number {{\n    return x > this.options.depth ? x : run{next}(x + 1);\n  }}\n}}\n\n\
                 export function run{n}(x: number): number {{\n  const w = new Worker{n}({{ depth: {n}, label: 'w{dir}' }});\n  return w.step(x) + {dir};\n}}\n"
            ),
        );
        if n == 0 && dir % 10 == 0 {
            write(&root.join(format!("packages/pkg{dir}/AGENTS.md")), "# Package notes\n\nRun the tests first.\n");
        }
    }
    write(&root.join("AGENTS.md"), "# Agents\n\nUse TypeScript.\n");
    write(&root.join(".kiro/steering/tech.md"), "---\ninclusion: always\n---\n# Tech\n\nTypeScript.\n");
    write(
        &root.join(".kiro/specs/added/requirements.md"),
        "# Requirements Document\n\n## Requirements\n\n### Requirement 1: Add\n\n#### Acceptance Criteria\n\n\
         1. WHEN added, THE Service SHALL work\n",
    );
}

// ---------------------------------------------------------------------------
// A minimal LSP client: a reader thread timestamps every message.

type Writer = Arc<Mutex<ChildStdin>>;

fn write_message(writer: &Writer, msg: &Value) {
    let body = msg.to_string();
    let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
    write!(w, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
    w.flush().expect("flush");
}

#[derive(Default)]
struct Inbox {
    /// `publishDiagnostics` by URI: arrival and version.
    publishes: HashMap<String, Vec<(Instant, Option<i64>)>>,
    /// Server log lines (stderr) with their arrival.
    log: Vec<(Instant, String)>,
}

struct Lsp {
    child: std::process::Child,
    writer: Writer,
    responses: mpsc::Receiver<(i64, Instant, Value)>,
    inbox: Arc<Mutex<Inbox>>,
    next_id: i64,
}

impl Lsp {
    fn start(bin: &str) -> Self {
        let mut child = Command::new(bin)
            .arg("lsp")
            .env("SPECWRIGHT_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("server starts");
        let writer: Writer = Arc::new(Mutex::new(child.stdin.take().expect("stdin")));
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let (tx, responses) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn({
            let (writer, inbox) = (Arc::clone(&writer), Arc::clone(&inbox));
            move || read_messages(BufReader::new(stdout), &writer, &inbox, &tx)
        });
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn({
            let inbox = Arc::clone(&inbox);
            move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    inbox.lock().unwrap_or_else(|e| e.into_inner()).log.push((Instant::now(), line));
                }
            }
        });
        Self { child, writer, responses, inbox, next_id: 0 }
    }

    fn writer(&self) -> Writer {
        Arc::clone(&self.writer)
    }

    fn notify(&self, method: &str, params: Value) {
        write_message(&self.writer, &json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response: the round trip and the response.
    fn request(&mut self, method: &str, params: Value) -> (Duration, Value) {
        self.next_id += 1;
        let id = self.next_id;
        let sent = Instant::now();
        write_message(&self.writer, &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let (got, at, msg) = self.responses.recv_timeout(Duration::from_secs(60)).expect("a response");
            if got == id {
                return (at - sent, msg);
            }
        }
    }

    fn publishes(&self, uri: &str) -> Vec<(Instant, Option<i64>)> {
        self.inbox.lock().unwrap_or_else(|e| e.into_inner()).publishes.get(uri).cloned().unwrap_or_default()
    }

    fn published_version(&self, uri: &str) -> Option<i64> {
        self.publishes(uri).last().and_then(|(_, v)| *v)
    }

    fn wait_publish(&self, uri: &str, version: i64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.published_version(uri) != Some(version) {
            assert!(Instant::now() < deadline, "no diagnostics for {uri} at version {version}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits for a log line containing `needle`; returns when it arrived.
    fn wait_log(&self, needle: &str, timeout: Duration) -> Instant {
        let deadline = Instant::now() + timeout;
        loop {
            let found = {
                let inbox = self.inbox.lock().unwrap_or_else(|e| e.into_inner());
                inbox.log.iter().find(|(_, l)| l.contains(needle)).map(|(t, _)| *t)
            };
            if let Some(t) = found {
                return t;
            }
            assert!(Instant::now() < deadline, "no log line with {needle:?}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn read_messages(
    mut reader: BufReader<std::process::ChildStdout>,
    writer: &Writer,
    inbox: &Mutex<Inbox>,
    responses: &mpsc::Sender<(i64, Instant, Value)>,
) {
    loop {
        let mut len = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().expect("length");
            }
        }
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let at = Instant::now();
        let msg: Value = serde_json::from_slice(&body).expect("JSON");
        match (msg.get("id").and_then(Value::as_i64), msg.get("method").and_then(Value::as_str)) {
            (Some(id), None) => {
                let _ = responses.send((id, at, msg));
            }
            (_, Some(_)) if msg.get("id").is_some() => {
                write_message(writer, &json!({"jsonrpc": "2.0", "id": msg["id"], "result": null}));
            }
            (_, Some("textDocument/publishDiagnostics")) => {
                let uri = msg["params"]["uri"].as_str().unwrap_or_default().to_string();
                let version = msg["params"]["version"].as_i64();
                inbox.lock().unwrap_or_else(|e| e.into_inner()).publishes.entry(uri).or_default().push((at, version));
            }
            _ => {}
        }
    }
}
