//! The server's own overhead on a streamed generation, measured against the
//! scripted model server in one run: `cargo bench -p specwright --bench generation`.
//!
//! For each run, the release binary serves LSP over stdio and generates a
//! requirements document that the scripted server drips as Markdown (the
//! path that streams every delta). Overhead is the time from the model
//! writing the first content chunk to the client receiving the first
//! `specwright/stream` notification; throughput compares the bytes per
//! second the client received with those the model sent. Targets (issue
//! #3): overhead under 5 ms median; throughput no lower than the model's.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use specwright_testkit::{Reply, ScriptedServer};
use support::{Client, TempWorkspace};

const CHUNKS: usize = 120;
const DELAY_MS: u64 = 4;
const RUNS: usize = 12;

fn document_chunks() -> Vec<String> {
    let mut doc =
        String::from("# Requirements Document\n\n## Introduction\n\nUsers sign up and log in.\n\n## Requirements\n");
    for n in 1..=12 {
        doc.push_str(&format!(
            "\n### Requirement {n}: Capability {n}\n\n**User Story:** As a user, I want capability {n}, so that I benefit.\n\n#### Acceptance Criteria\n\n1. WHEN a user asks for capability {n}, THE API SHALL provide it\n2. IF the request is invalid, THEN THE API SHALL reject it\n"
        ));
    }
    let bytes: Vec<char> = doc.chars().collect();
    let size = bytes.len().div_ceil(CHUNKS);
    bytes.chunks(size).map(|c| c.iter().collect()).collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let chunks = document_chunks();
    let mut rows = Vec::new();
    for (provider, suffix) in [("openai", "/v1"), ("anthropic", "")] {
        let mut overheads = Vec::new();
        let mut ratios = Vec::new();
        let mut model_rates = Vec::new();
        let mut client_rates = Vec::new();
        for run in 0..RUNS {
            let server = ScriptedServer::start(vec![Reply::Text { chunks: chunks.clone(), delay_ms: DELAY_MS }])
                .await
                .expect("scripted server");
            let ws = TempWorkspace::new(&format!("bench-gen-{provider}-{run}"));
            let client = Client::spawn_binary();
            let options = json!({"specwright": {"model": {
                "provider": provider, "model": "bench", "baseUrl": format!("{}{suffix}", server.base_url()),
                "structuredOutput": false, "maxRetries": 0
            }}});
            client.initialize_with(&[ws.root.as_path()], options, true).await;
            let result = client
                .request(
                    "workspace/executeCommand",
                    json!({"command": "specwright.spec.create", "arguments": [{"prompt": "bench", "name": "bench"}]}),
                )
                .await;
            assert!(result.is_ok(), "generation succeeds: {result:?}");
            let stream = client.timed_notifications("specwright/stream");
            let streamed: usize = stream.iter().filter_map(|(_, p)| p["delta"].as_str().map(str::len)).sum();
            let timing = server.timings().into_iter().next().expect("the model answered");
            let content: Vec<&(Instant, String)> =
                timing.writes.iter().filter(|(_, w)| w.contains("delta") || w.contains("content")).collect();
            let model_first = timing
                .writes
                .iter()
                .find(|(_, w)| w.contains("# Requirements Document"))
                .map(|(t, _)| *t)
                .expect("the first content chunk");
            let model_last = content.last().map(|(t, _)| *t).expect("content");
            let (client_first, client_last) = (stream[0].0, stream[stream.len() - 1].0);
            overheads.push(client_first.saturating_duration_since(model_first));
            let model_rate = streamed as f64 / model_last.duration_since(model_first).as_secs_f64().max(1e-9);
            let client_rate = streamed as f64 / client_last.duration_since(client_first).as_secs_f64().max(1e-9);
            model_rates.push(model_rate);
            client_rates.push(client_rate);
            ratios.push(client_rate / model_rate);
            client.shutdown_and_exit().await;
        }
        ratios.sort_by(f64::total_cmp);
        model_rates.sort_by(f64::total_cmp);
        client_rates.sort_by(f64::total_cmp);
        rows.push((provider, median(overheads), ratios[RUNS / 2], model_rates[RUNS / 2], client_rates[RUNS / 2]));
    }
    let mut out = String::from(
        "| provider wire format | overhead to first chunk (median) | target | model bytes/s | client bytes/s | client/model | within target |\n|---|---:|---:|---:|---:|---:|---|\n",
    );
    for (provider, overhead, ratio, model, client) in rows {
        let ok = overhead < Duration::from_millis(5) && ratio >= 0.95;
        out.push_str(&format!(
            "| {provider} | {} | 5.000 ms | {model:.0} | {client:.0} | {ratio:.3} | {} |\n",
            ms(overhead),
            if ok { "yes" } else { "NO" }
        ));
    }
    eprintln!("\n{out}");
}
