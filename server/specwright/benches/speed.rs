//! The speed figures of issue #2, measured side by side with their targets
//! in one run: `cargo bench -p specwright --bench speed`.
//!
//! 1. `specwright check` (the release binary, a whole process) over the
//!    whole corpus at `../shared/corpus/kiro`: target under 300 ms.
//! 2. Re-checking the corpus's largest `tasks.md` after a one-character
//!    edit (re-parse that document, re-check its spec): target under 5 ms median.
//! 3. Hover and definition through the real server over stdio, measured
//!    from request written to response read: target under 10 ms.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use specwright_spec::{DocKind, Spec, analyze, discover_specs};

fn corpus() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/kiro");
    assert!(dir.is_dir(), "THE CORPUS IS MISSING at {}: the benchmark needs it", dir.display());
    dir.canonicalize().unwrap_or(dir)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

struct Row {
    what: String,
    median: Duration,
    best: Duration,
    target: Duration,
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is configurable.
    let corpus = corpus();
    let bin = env!("CARGO_BIN_EXE_specwright");
    let mut rows = Vec::new();

    // 1. The whole corpus through the real binary.
    let run = || {
        let t = Instant::now();
        let out = Command::new(bin).args(["check", "--format", "json"]).arg(&corpus).stdout(Stdio::piped()).output();
        let elapsed = t.elapsed();
        let out = out.expect("specwright runs");
        let report: Value = serde_json::from_slice(&out.stdout).expect("the report is JSON");
        assert_eq!(report["summary"]["specs"], 126, "the corpus has 126 spec folders");
        elapsed
    };
    run(); // warm the page cache
    let times: Vec<Duration> = (0..15).map(|_| run()).collect();
    rows.push(Row {
        what: "`specwright check` over the corpus (126 specs, 8 MB), whole process".into(),
        best: *times.iter().min().expect("runs"),
        median: median(times),
        target: Duration::from_millis(300),
    });

    // 2. One-character edit of the largest tasks.md, re-parse and re-check.
    let (largest, size) = largest_tasks(&corpus);
    let mut spec = Spec::load(largest.parent().expect("a spec folder"));
    let text = std::fs::read_to_string(&largest).expect("readable");
    let marker = text.find("- [ ]").or_else(|| text.find("- [x]")).expect("a task") + 3;
    let mut times = Vec::new();
    for i in 0..400 {
        let mut edited = text.clone();
        edited.replace_range(marker..marker + 1, if i % 2 == 0 { "x" } else { " " });
        let t = Instant::now();
        spec.set_document(DocKind::Tasks, Some(edited));
        let analysis = analyze(&spec);
        times.push(t.elapsed());
        assert!(analysis.summary.tasks > 0);
    }
    rows.push(Row {
        what: format!("re-check after a one-character edit of the largest tasks.md ({} KB)", size / 1024),
        best: *times.iter().min().expect("runs"),
        median: median(times),
        target: Duration::from_millis(5),
    });

    // 3. Hover and definition through the real server.
    let (hover, definition) = lsp_latency(bin, &largest);
    rows.push(Row {
        what: "hover on a cited id, real server over stdio (round trip)".into(),
        best: *hover.iter().min().expect("runs"),
        median: median(hover),
        target: Duration::from_millis(10),
    });
    rows.push(Row {
        what: "definition of a cited id, real server over stdio (round trip)".into(),
        best: *definition.iter().min().expect("runs"),
        median: median(definition),
        target: Duration::from_millis(10),
    });

    eprintln!();
    let mut out = String::from("| measurement | median | best | target | within target |\n|---|---:|---:|---:|---|\n");
    for r in &rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.what,
            ms(r.median),
            ms(r.best),
            ms(r.target),
            if r.median < r.target { "yes" } else { "NO" }
        ));
    }
    std::io::stderr().write_all(out.as_bytes()).expect("stderr");
}

fn largest_tasks(corpus: &Path) -> (PathBuf, u64) {
    let mut best = (PathBuf::new(), 0);
    for repo in std::fs::read_dir(corpus).expect("corpus").filter_map(Result::ok) {
        for dir in discover_specs(&repo.path()) {
            let path = dir.join("tasks.md");
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if size > best.1 {
                best = (path, size);
            }
        }
    }
    best
}

/// A minimal blocking LSP client: enough to time requests.
struct Lsp {
    child: std::process::Child,
    reader: BufReader<std::process::ChildStdout>,
    next_id: i64,
}

impl Lsp {
    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        let stdin = self.child.stdin.as_mut().expect("stdin");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    }

    fn read(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).expect("read header");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().expect("length");
            }
        }
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).expect("read body");
        serde_json::from_slice(&body).expect("JSON")
    }

    /// Sends a request and reads until its response, answering server requests.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.read();
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            if let (Some(server_id), Some(_)) = (msg.get("id"), msg.get("method")) {
                let reply = json!({"jsonrpc": "2.0", "id": server_id, "result": null});
                self.send(&reply);
            }
        }
    }
}

fn lsp_latency(bin: &str, tasks: &Path) -> (Vec<Duration>, Vec<Duration>) {
    let mut child = Command::new(bin)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut lsp = Lsp { child, reader, next_id: 0 };
    let spec_dir = tasks.parent().expect("spec");
    let root = spec_dir.parent().and_then(Path::parent).and_then(Path::parent).expect("workspace root");
    let root_uri = format!("file://{}", root.display());
    lsp.request("initialize", json!({"processId": null, "rootUri": root_uri, "capabilities": {}}));
    lsp.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let text = std::fs::read_to_string(tasks).expect("tasks.md");
    let uri = format!("file://{}", tasks.display());
    lsp.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}));
    // The position of the first cited id.
    let (line, character) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("_Requirements: ").map(|c| (i, c + "_Requirements: ".len() + 1)))
        .expect("a citation");
    let position = json!({"line": line, "character": character});
    let params = json!({"textDocument": {"uri": uri}, "position": position});
    let first = lsp.request("textDocument/hover", params.clone());
    assert!(first["result"]["contents"]["value"].as_str().is_some_and(|v| !v.is_empty()), "hover answers: {first}");
    let mut hover = Vec::new();
    let mut definition = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let r = lsp.request("textDocument/hover", params.clone());
        hover.push(t.elapsed());
        assert!(r.get("result").is_some());
        let t = Instant::now();
        let r = lsp.request("textDocument/definition", params.clone());
        definition.push(t.elapsed());
        assert!(r["result"].is_object() || r["result"].is_array(), "definition answers: {r}");
    }
    lsp.request("shutdown", Value::Null);
    lsp.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = lsp.child.wait();
    (hover, definition)
}
