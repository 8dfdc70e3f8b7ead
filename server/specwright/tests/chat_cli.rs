//! `specwright chat` through the real binary, its stdin piped, against the
//! scripted model server: one turn per line (a line ending with `\`
//! continues the message), the answers on stdout in order, the session's id
//! on stderr; `--session ID` continues a session where it stopped; an
//! unknown session is a usage error; the end of input ends the chat.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use serde_json::Value;
use specwright_testkit::{RecordedRequest, Reply, ScriptedServer};
use tokio::io::AsyncWriteExt;

fn temp(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-chat-cli-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The workspace folder and its own data folder (sessions live there,
/// never in the user's).
fn folders(label: &str) -> (PathBuf, PathBuf) {
    let root = temp(label);
    std::fs::write(root.join("README.md"), "# Chat test\n").expect("write");
    (root, temp(&format!("{label}-data")))
}

/// Runs `specwright chat ARGS --dir ROOT` with `input` on stdin (then its end).
async fn chat(root: &Path, data: &Path, server: &ScriptedServer, args: &[&str], input: &str) -> Output {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .arg("chat")
        .args(args)
        .arg("--dir")
        .arg(root)
        .env("SPECWRIGHT_PROVIDER", "openai")
        .env("SPECWRIGHT_BASE_URL", format!("{}/v1", server.base_url()))
        .env("SPECWRIGHT_MODEL", "cli-model")
        .env("SPECWRIGHT_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).await.expect("input written");
    drop(stdin);
    tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the chat ends at the end of its input")
        .expect("output")
}

/// The id `chat` prints first on stderr: `session <id> — …`.
fn session_id(stderr: &str) -> String {
    let line =
        stderr.lines().find(|l| l.starts_with("session ")).unwrap_or_else(|| panic!("no session line: {stderr}"));
    let id = line.split_whitespace().nth(1).expect("an id").to_string();
    assert!(line.contains(" — "), "{line}");
    assert!(!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    id
}

/// The user and assistant messages of an OpenAI request, in order.
fn conversation(request: &RecordedRequest) -> Vec<(String, String)> {
    request.body["messages"]
        .as_array()
        .unwrap_or_else(|| panic!("no messages: {}", request.raw_body))
        .iter()
        .filter(|m| m["role"] == "user" || m["role"] == "assistant")
        .map(|m| {
            let role = m["role"].as_str().unwrap_or_default().to_string();
            (role, m["content"].as_str().map(str::to_owned).unwrap_or_else(|| Value::to_string(&m["content"])))
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(r, t)| (r.to_string(), t.to_string())).collect()
}

#[tokio::test]
async fn two_messages_then_a_second_run_continues_the_same_session() {
    let (root, data) = folders("continue");
    let server = ScriptedServer::start(vec![Reply::chunks(["Answer ", "one."]), Reply::text("Answer two.")])
        .await
        .expect("server");
    let out = chat(&root, &data, &server, &[], "hello there\nfirst part \\\nsecond part\n").await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout, "Answer one.\nAnswer two.\n", "the answers in order, one per turn; stderr: {stderr}");
    let id = session_id(&stderr);
    assert!(stderr.starts_with(&format!("session {id} ")), "the id comes first: {stderr}");

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one request per message: {stderr}");
    assert_eq!(conversation(&requests[0]), pairs(&[("user", "hello there")]));
    assert_eq!(
        conversation(&requests[1]),
        pairs(&[("user", "hello there"), ("assistant", "Answer one."), ("user", "first part \nsecond part")]),
        "the continued line is one message, its lines joined by a newline"
    );
    // Kept in the data folder given, not in the workspace.
    let sessions: Vec<PathBuf> = walk(&data).into_iter().filter(|p| p.ends_with(format!("{id}.json"))).collect();
    assert_eq!(sessions.len(), 1, "{:?}", walk(&data));
    assert!(walk(&root).iter().all(|p| p.ends_with("README.md")), "nothing written in the workspace");

    let server = ScriptedServer::start(vec![Reply::text("Answer three.")]).await.expect("server");
    let out = chat(&root, &data, &server, &["--session", &id], "and a third\n").await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Answer three.\n");
    assert_eq!(session_id(&stderr), id, "the same session");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        conversation(&requests[0]),
        pairs(&[
            ("user", "hello there"),
            ("assistant", "Answer one."),
            ("user", "first part \nsecond part"),
            ("assistant", "Answer two."),
            ("user", "and a third"),
        ]),
        "the earlier messages come first"
    );
    let saved: Value = serde_json::from_slice(&std::fs::read(&sessions[0]).expect("session file")).expect("json");
    assert_eq!(saved["turns"], 3, "{saved}");
    assert_eq!(saved["messages"].as_array().map(Vec::len), Some(6), "{saved}");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn an_unknown_session_is_a_usage_error() {
    let (root, data) = folders("unknown");
    let server = ScriptedServer::start(Vec::new()).await.expect("server");
    for id in ["s0123456789abcdef", "../escape"] {
        let out = chat(&root, &data, &server, &["--session", id], "hello\n").await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{id}: {stderr}");
        assert!(stderr.contains(&format!("error: there is no session '{id}'")), "{id}: {stderr}");
        assert!(out.stdout.is_empty(), "{id}");
    }
    assert!(server.requests().is_empty(), "nothing reached the model");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn the_end_of_input_ends_the_chat() {
    let (root, data) = folders("eof");
    let server = ScriptedServer::start(Vec::new()).await.expect("server");
    for input in ["", "\n   \n\n"] {
        let out = chat(&root, &data, &server, &[], input).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{input:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{input:?}: {}", String::from_utf8_lossy(&out.stdout));
        session_id(&stderr);
    }
    assert!(server.requests().is_empty(), "blank lines are no messages");

    // A message whose last line still continues is sent at the end of input.
    let server = ScriptedServer::start(vec![Reply::text("Got it.")]).await.expect("server");
    let out = chat(&root, &data, &server, &[], "unfinished \\\nthought \\").await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Got it.\n");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(conversation(&requests[0]), pairs(&[("user", "unfinished \nthought \n")]));

    // A failed turn does not end the chat, but the exit code says so.
    let server =
        ScriptedServer::start(vec![Reply::status(400, "bad request"), Reply::text("Fine now.")]).await.expect("server");
    let out = chat(&root, &data, &server, &[], "first\nsecond\n").await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: the model failed"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("Fine now.\n"), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(server.requests().len(), 2, "the second message was still sent");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&data);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
