//! `specwright-model-mock`: the scripted model server as a process, for the
//! editor clients' tests (Neovim, VS Code), which cannot link Rust.
//!
//! ```text
//! specwright-model-mock --port N --script FILE.json [--record FILE.jsonl]
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

struct Args {
    port: u16,
    script: PathBuf,
    record: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut port, mut script, mut record) = (None, None, None);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_owned());
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
    Ok(Args {
        port: port.unwrap_or(0),
        script: script.ok_or_else(|| format!("--script is required\n{USAGE}"))?,
        record,
    })
}

fn read_script(path: &PathBuf) -> Result<Vec<Reply>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read script {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("bad script {}: {e}", path.display()))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
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
