//! The agent's own overhead per tool step, measured in one run against its
//! target: `cargo bench -p specwright-agent --bench agent_step`.
//!
//! [`run_turn`] drives an in-memory model that answers at once: a tool call
//! per step for [`STEPS`] steps, then a final text. The model stamps the
//! instant it is entered and the instant it returns; the tool stamps the
//! instant it starts and the instant it returns. The agent's overhead of a
//! step is everything else: from the previous tool returning (or the turn
//! starting) to the model being entered, plus from the model returning to the
//! tool starting (the last step: from the model's final answer to the turn
//! returning). Model and tool work are excluded by construction.
//!
//! History grows as in a real turn: every step adds the assistant's call and
//! the tool's result, the system prompt is the real one (instructions and a
//! repository map of the benchmark's workspace), and every tool of the agent
//! is offered. Three workloads:
//!
//! 1. a no-op tool with a short answer;
//! 2. a no-op tool answering 4 KB (what reading a small file costs the
//!    history), so the history reaches about 0.8 MB by step 200;
//! 3. the real `read_file` and `edit_file` tools, alternating, on a 254-line
//!    file of a temporary workspace through [`DiskHost`] (autopilot: atomic
//!    writes).
//!
//! Target (the issue): overhead under 10 ms at p95.
//!
//! Not part of the figure, printed beside it: what the model layer
//! (`HttpModel::chat`) does to every request before it leaves, which also
//! grows with the history: [`redact_request`] (a copy of the request with
//! every text scanned for secrets) and encoding it as JSON. The in-memory
//! model does the same work inside its own time and reports it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use specwright_agent::{AgentEvent, DiskHost, Limits, Tool, ToolContext, ToolError, Workspace, run_turn};
use specwright_models::{
    BoxFuture, CancellationToken, ChatRequest, ChatResponse, EventSink, Message, Model, ModelError, StreamEvent,
    ToolCall, Usage, redact_request,
};

/// Tool steps in one turn, turns per workload (after one warm-up turn).
const STEPS: usize = 200;
const TURNS: usize = 5;
const TARGET: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    ModelIn,
    ModelOut,
    ToolIn,
    ToolOut,
}

/// The instants the model and the tools stamp, in order.
#[derive(Default)]
struct Clock {
    marks: Mutex<Vec<(Mark, Instant)>>,
}

impl Clock {
    fn mark(&self, mark: Mark, at: Instant) {
        self.marks.lock().unwrap_or_else(|e| e.into_inner()).push((mark, at));
    }

    fn take(&self) -> Vec<(Mark, Instant)> {
        std::mem::take(&mut *self.marks.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// What the model calls at each step.
#[derive(Clone, Copy)]
enum Script {
    /// `noop` every step.
    Noop,
    /// `read_file` then `edit_file` of [`EDITED`], alternating.
    ReadEdit,
}

const EDITED: &str = "src/store.ts";

/// A model that answers at once, from a script.
struct InstantModel {
    clock: Arc<Clock>,
    script: Script,
    steps: usize,
    /// Model calls in the current turn.
    calls: AtomicUsize,
    /// Per call: the model layer's request preparation (redaction + JSON),
    /// and the request's JSON size.
    prep: Mutex<Vec<(Duration, usize)>>,
}

impl InstantModel {
    fn call(&self, n: usize) -> ToolCall {
        let id = format!("call_{n}");
        match self.script {
            Script::Noop => ToolCall { id, name: "noop".into(), input: json!({"n": n}) },
            Script::ReadEdit if n.is_multiple_of(2) => {
                ToolCall { id, name: "read_file".into(), input: json!({"path": EDITED}) }
            }
            Script::ReadEdit => {
                let edit = n / 2;
                ToolCall {
                    id,
                    name: "edit_file".into(),
                    input: json!({
                        "path": EDITED,
                        "old_str": format!("export const step = {edit};"),
                        "new_str": format!("export const step = {};", edit + 1),
                    }),
                }
            }
        }
    }
}

impl Model for InstantModel {
    fn describe(&self) -> String {
        "instant".into()
    }

    fn supports_structured_output(&self) -> bool {
        false
    }

    fn chat<'a>(
        &'a self,
        request: &'a ChatRequest,
        _cancel: &'a CancellationToken,
        sink: EventSink<'a>,
    ) -> BoxFuture<'a, Result<ChatResponse, ModelError>> {
        Box::pin(async move {
            let entered = Instant::now();
            let n = self.calls.fetch_add(1, Ordering::Relaxed);
            // What HttpModel::chat does before the request leaves.
            let t = Instant::now();
            let (clean, _) = redact_request(request);
            let body = serde_json::to_vec(&(&clean.system, &clean.messages, &clean.tools)).expect("JSON");
            self.prep.lock().unwrap_or_else(|e| e.into_inner()).push((t.elapsed(), body.len()));
            drop((clean, body));
            let response = if n < self.steps {
                ChatResponse {
                    tool_calls: vec![self.call(n)],
                    usage: Usage { input_tokens: 1, output_tokens: 1 },
                    stop_reason: Some("tool_use".into()),
                    ..ChatResponse::default()
                }
            } else {
                for chunk in ["Done: ", "every step ", "ran."] {
                    sink(StreamEvent::Text(chunk.into()));
                }
                ChatResponse {
                    text: "Done: every step ran.".into(),
                    stop_reason: Some("end_turn".into()),
                    ..Default::default()
                }
            };
            self.clock.mark(Mark::ModelIn, entered);
            self.clock.mark(Mark::ModelOut, Instant::now());
            Ok(response)
        })
    }
}

/// A tool that answers at once with a fixed text.
struct Noop {
    clock: Arc<Clock>,
    output: String,
}

impl Tool for Noop {
    fn name(&self) -> &'static str {
        "noop"
    }

    fn description(&self) -> &'static str {
        "Does nothing and answers a fixed text."
    }

    fn input_schema(&self) -> Value {
        json!({"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": false})
    }

    fn run<'a>(&'a self, _input: Value, _cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(async move {
            let started = Instant::now();
            let output = self.output.clone();
            self.clock.mark(Mark::ToolIn, started);
            self.clock.mark(Mark::ToolOut, Instant::now());
            Ok(output)
        })
    }
}

/// A real tool, timed.
struct Timed {
    clock: Arc<Clock>,
    inner: Box<dyn Tool>,
}

impl Tool for Timed {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn description(&self) -> &'static str {
        self.inner.description()
    }

    fn input_schema(&self) -> Value {
        self.inner.input_schema()
    }

    fn run<'a>(&'a self, input: Value, cx: &'a ToolContext<'a>) -> BoxFuture<'a, Result<String, ToolError>> {
        Box::pin(async move {
            let started = Instant::now();
            let result = self.inner.run(input, cx).await;
            self.clock.mark(Mark::ToolIn, started);
            self.clock.mark(Mark::ToolOut, Instant::now());
            result
        })
    }
}

/// The per-step overheads of one turn from its marks.
fn overheads(marks: &[(Mark, Instant)], start: Instant, end: Instant, steps: usize) -> Vec<Duration> {
    let expected: Vec<Mark> = (0..steps)
        .flat_map(|_| [Mark::ModelIn, Mark::ModelOut, Mark::ToolIn, Mark::ToolOut])
        .chain([Mark::ModelIn, Mark::ModelOut])
        .collect();
    let got: Vec<Mark> = marks.iter().map(|(m, _)| *m).collect();
    assert_eq!(got, expected, "one model call and one tool run per step");
    let at = |i: usize| marks[i].1;
    let mut out = Vec::with_capacity(steps + 1);
    let mut previous = start;
    for s in 0..steps {
        let b = 4 * s;
        out.push(at(b).duration_since(previous) + at(b + 2).duration_since(at(b + 1)));
        previous = at(b + 3);
    }
    let b = 4 * steps;
    out.push(at(b).duration_since(previous) + end.duration_since(at(b + 1)));
    out
}

fn percentiles(times: &[Duration]) -> (Duration, Duration, Duration) {
    let mut v = times.to_vec();
    v.sort();
    let at = |q: f64| v[((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1];
    (at(0.5), at(0.95), v[v.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// The benchmark's workspace: a small TypeScript project with a spec.
fn write_workspace(root: &Path) {
    let _ = std::fs::remove_dir_all(root);
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, text).expect("write");
    };
    for m in 0..20 {
        write(
            &format!("src/mod{m}.ts"),
            &format!(
                "import {{ Store }} from './store';\n\nexport function run{m}(store: Store): number {{\n  return store.size() + {m};\n}}\n"
            ),
        );
    }
    write(".kiro/steering/tech.md", "---\ninclusion: always\n---\n# Tech\n\nTypeScript, strict mode.\n");
    write(EDITED, &store_text());
}

/// [`EDITED`]'s text at the start of a turn: about 200 lines.
fn store_text() -> String {
    let mut text = String::from("export const step = 0;\n\nexport class Store {\n  private items: string[] = [];\n\n");
    for i in 0..35 {
        text.push_str(&format!(
            "  method{i}(value: string): number {{\n    if (value.length > {i}) {{\n      this.items.push(value);\n    }}\n    return this.items.length;\n  }}\n\n"
        ));
    }
    text.push_str("  size(): number {\n    return this.items.length;\n  }\n}\n");
    text
}

struct Row {
    what: &'static str,
    steps: Vec<Duration>,
    /// Per turn: wall time, and the overhead per step as the turn's wall
    /// time minus model and tool time, divided by the steps.
    per_turn: Vec<Duration>,
    prep: Vec<(Duration, usize)>,
    history_bytes: usize,
}

async fn workload(what: &'static str, root: &Path, script: Script, tool_output: Option<String>) -> Row {
    let clock = Arc::new(Clock::default());
    let workspace = Workspace::new(root).expect("workspace");
    let host = DiskHost { autopilot: true };
    let cancel = CancellationToken::new();
    let cx = ToolContext { workspace: &workspace, host: &host, cancel: &cancel, output_limit: 20_000 };
    let system = specwright_agent::prompt::system_prompt(&cx, None, &[]).await;
    let mut tools: Vec<Box<dyn Tool>> = specwright_agent::tools::all(&[])
        .into_iter()
        .map(|inner| Box::new(Timed { clock: Arc::clone(&clock), inner }) as Box<dyn Tool>)
        .collect();
    if let Some(output) = tool_output {
        tools.push(Box::new(Noop { clock: Arc::clone(&clock), output }));
    }
    let model = InstantModel {
        clock: Arc::clone(&clock),
        script,
        steps: STEPS,
        calls: AtomicUsize::new(0),
        prep: Mutex::new(Vec::new()),
    };
    let limits = Limits { max_steps: STEPS + 1, ..Limits::default() };
    let user = format!(
        "Tidy the store module step by step; read it first.\n\n{}",
        "Context the editor attached: the open file and the problems in it. ".repeat(16)
    );

    let mut row = Row { what, steps: Vec::new(), per_turn: Vec::new(), prep: Vec::new(), history_bytes: 0 };
    for turn in 0..=TURNS {
        std::fs::write(root.join(EDITED), store_text()).expect("reset the edited file");
        // The front end's side: events go to a forwarding task, as the
        // language server's chat does.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<AgentEvent>();
        let forward = tokio::spawn(async move {
            let mut n = 0usize;
            while let Some(event) = rx.recv().await {
                n += usize::from(matches!(event, AgentEvent::ToolResult { ok: true, .. }));
            }
            n
        });
        let mut on_event = |event: AgentEvent| {
            let _ = tx.send(event);
        };
        let mut history = vec![Message::user(user.clone())];
        model.calls.store(0, Ordering::Relaxed);
        model.prep.lock().unwrap_or_else(|e| e.into_inner()).clear();
        clock.take();
        let start = Instant::now();
        let outcome = run_turn(&model, Some(system.clone()), &mut history, &tools, &cx, &limits, &mut on_event).await;
        let end = Instant::now();
        drop(tx);
        let ok_results = forward.await.expect("forward");
        assert_eq!(outcome.steps, STEPS + 1, "{outcome:?}");
        assert_eq!(ok_results, STEPS, "every tool call succeeded");
        let marks = clock.take();
        if turn == 0 {
            continue; // warm-up
        }
        let steps = overheads(&marks, start, end, STEPS);
        let work: Duration = marks.chunks(2).map(|p| p[1].1.duration_since(p[0].1)).sum();
        row.per_turn.push((end - start).saturating_sub(work) / (STEPS as u32 + 1));
        row.steps.extend(steps);
        row.prep.extend(model.prep.lock().unwrap_or_else(|e| e.into_inner()).drain(..));
        row.history_bytes = serde_json::to_vec(&history).expect("JSON").len();
    }
    row
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-agent-step");
    write_workspace(&root);
    let root = root.canonicalize().expect("canonical");

    let rows = vec![
        workload("no-op tool, short answer", &root, Script::Noop, Some("ok".into())).await,
        workload("no-op tool, 4 KB answer", &root, Script::Noop, Some(format!("{}\n", "x".repeat(63)).repeat(64)))
            .await,
        workload("read_file + edit_file on disk (DiskHost)", &root, Script::ReadEdit, None).await,
    ];

    let mut out = format!(
        "\nagent overhead per step ({STEPS} tool steps + the final answer per turn, {TURNS} turns after a warm-up)\n\n\
         | workload | steps | history at the end | p50 | p95 | max | mean (wall − model − tools) | target (p95) | within target |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---|\n"
    );
    for row in &rows {
        let (p50, p95, max) = percentiles(&row.steps);
        let mean = row.per_turn.iter().sum::<Duration>() / row.per_turn.len() as u32;
        out.push_str(&format!(
            "| {} | {} | {:.0} KB | {} | {} | {} | {} | {} | {} |\n",
            row.what,
            row.steps.len(),
            row.history_bytes as f64 / 1024.0,
            ms(p50),
            ms(p95),
            ms(max),
            ms(mean),
            ms(TARGET),
            if p95 < TARGET { "PASS" } else { "FAIL" },
        ));
    }
    out.push_str("\nmedian overhead by step (history grows with every step)\n\n| workload |");
    let buckets = [(0, 50), (50, 100), (100, 150), (150, STEPS + 1)];
    for (from, to) in buckets {
        out.push_str(&format!(" steps {}–{} |", from + 1, to));
    }
    out.push_str("\n|---|---:|---:|---:|---:|\n");
    for row in &rows {
        out.push_str(&format!("| {} |", row.what));
        for (from, to) in buckets {
            let bucket: Vec<Duration> =
                row.steps.chunks(STEPS + 1).flat_map(|turn| turn[from..to.min(turn.len())].iter().copied()).collect();
            out.push_str(&format!(" {} |", ms(percentiles(&bucket).0)));
        }
        out.push('\n');
    }
    out.push_str(
        "\nnot in the figure: the model layer's preparation of each request (redact_request + JSON), per model call\n\n\
         | workload | calls | request at the end | p50 | p95 | max |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for row in &rows {
        let times: Vec<Duration> = row.prep.iter().map(|(d, _)| *d).collect();
        let (p50, p95, max) = percentiles(&times);
        let largest = row.prep.iter().map(|(_, n)| *n).max().unwrap_or(0);
        out.push_str(&format!(
            "| {} | {} | {:.0} KB | {} | {} | {} |\n",
            row.what,
            times.len(),
            largest as f64 / 1024.0,
            ms(p50),
            ms(p95),
            ms(max)
        ));
    }
    eprintln!("{out}");
    let _ = std::fs::remove_dir_all(&root);
}
