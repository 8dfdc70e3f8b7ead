//! `specwright-model-mock`: the scripted model server as a process, for the
//! editor clients' tests (Neovim, VS Code), which cannot link Rust.
//!
//! ```text
//! specwright-model-mock --port N --script FILE.json [--record FILE.jsonl]
//! specwright-model-mock --help    # the script format
//! ```
//!
//! The script is a JSON array of `Reply` values, e.g.
//! `[{"text": {"chunks": ["# Req", "uirements"], "delay_ms": 5}}, "overloaded"]`.
//! Once bound it prints `listening on http://127.0.0.1:PORT` on stdout (its
//! only stdout line), then serves until killed. `--port 0` picks a free port.
//! `--record` appends every request to FILE as one JSON line.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use specwright_testkit::{Reply, ScriptedServer, ServerConfig};

const USAGE: &str = "usage: specwright-model-mock --port N --script FILE.json [--record FILE.jsonl]";

/// `--help`: the usage and the script format, printed on stdout.
const HELP: &str = r##"specwright-model-mock: a scripted model server on 127.0.0.1 speaking the
Anthropic Messages API (POST …/v1/messages) and the OpenAI Chat Completions
API (POST …/v1/chat/completions) byte for byte, SSE streaming included.
For tests; to try Specwright without a key, `specwright demo` is simpler.

usage: specwright-model-mock --port N --script FILE.json [--record FILE.jsonl]

  --port N         port on 127.0.0.1; 0 picks a free one (default 0)
  --script FILE    the replies, a JSON array (required)
  --record FILE    append every request to FILE, one JSON object per line
                   (method, path, headers, body, raw_body)
  -h, --help       this text

Once bound it prints `listening on http://127.0.0.1:PORT` (its only stdout
line) and serves until killed. Point a client at it with
  SPECWRIGHT_PROVIDER=openai    SPECWRIGHT_BASE_URL=http://127.0.0.1:PORT/v1
  SPECWRIGHT_PROVIDER=anthropic SPECWRIGHT_BASE_URL=http://127.0.0.1:PORT
No key is needed on loopback.

THE SCRIPT
Each model request takes the next reply, in order; the wire format follows
the request's path, and the answer is streamed when the request asks for it
("stream": true). When the script runs out, requests get a 500 saying so.
A reply is one of:

  {"text": {"chunks": ["# Requ", "irements…"], "delay_ms": 5}}
      a successful answer, sent as these deltas, delay_ms between two
  {"tool_call": {"id": "call_1", "name": "read_file",
                 "arguments_chunks": ["{\"path\":", "\"a.txt\"}"], "delay_ms": 0}}
      a tool call whose JSON arguments arrive in these fragments
  {"status": {"status": 429, "retry_after": 2, "message": "slow down"}}
      an HTTP error with the provider's error body (retry_after optional)
  "overloaded"
      Anthropic's 529 overloaded_error (a 503 on the OpenAI path)
  {"cut_after": {"chunks": ["a", "b", "c"], "after": 1}}
      the first `after` chunks, then the connection closes mid-stream
  {"malformed_chunk": {"chunks": ["a", "b"], "at": 1}}
      a stream whose event carrying chunks[at] has its JSON cut short
  {"stream_error": {"chunks": ["a"], "after": 1, "message": "boom"}}
      the first `after` chunks, then an in-stream error event
  {"hang": {"ms": 30000}}
      nothing for ms milliseconds, then the connection closes
  {"raw": {"status": 200, "headers": [["x-a", "1"]], "body": "…"}}
      exactly this status, these headers and this body

Token counts are deterministic: input = the request body's bytes / 4 (rounded
up), output = the number of chunks.

Example, a streamed answer then a rate limit:
  [{"text": {"chunks": ["Hello", ", world"]}}, {"status": {"status": 429, "message": "slow down"}}]
"##;

struct Args {
    port: u16,
    script: PathBuf,
    record: Option<PathBuf>,
}

/// `Ok(None)`: `--help` was asked for.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let (mut port, mut script, mut record) = (None, None, None);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--port" => {
                port = Some(value.parse::<u16>().map_err(|_| format!("--port: not a port number: {value:?}"))?);
            }
            "--script" => script = Some(PathBuf::from(value)),
            "--record" => record = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown argument {flag:?}\n{USAGE}")),
        }
    }
    Ok(Some(Args {
        port: port.unwrap_or(0),
        script: script.ok_or_else(|| format!("--script is required\n{USAGE}"))?,
        record,
    }))
}

fn read_script(path: &PathBuf) -> Result<Vec<Reply>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read script {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("bad script {}: {e}", path.display()))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            let mut stdout = std::io::stdout().lock();
            return match stdout.write_all(HELP.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            };
        }
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let script = match read_script(&args.script) {
        Ok(script) => script,
        Err(message) => {
            eprintln!("specwright-model-mock: {message}");
            return ExitCode::from(2);
        }
    };
    let config = ServerConfig { port: args.port, record_to: args.record };
    let server = match ScriptedServer::start_with(config, script).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("specwright-model-mock: cannot listen on port {}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    // The one stdout line, which the editor tests wait for.
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "listening on {}", server.base_url()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
