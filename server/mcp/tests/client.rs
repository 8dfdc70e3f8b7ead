//! The MCP client against `@modelcontextprotocol/server-everything`, run
//! as a user configures it in `.kiro/settings/mcp.json` (`node …/dist/index.js
//! stdio`; installed by `scripts/setup-test-tools`): tools with their
//! schemas, a call, resources, a slow tool that times out (and the server
//! stays usable), a server killed by pid restarted on next use, disabled
//! servers and tools, shutdown, and the same server over streamable HTTP.
//! Also a Python SDK server whose tools change (`tests/changing_tools.py`).

mod common;

use std::path::Path;
use std::time::Duration;

use common::{alive, clients, everything, workspace};
use serde_json::json;
use specwright_mcp::client::{Content, McpError, ServerState};

#[tokio::test]
async fn lists_the_tools_of_server_everything_lazily() {
    let root = workspace("list", &json!({"mcpServers": {"everything": everything(json!({}))}}));
    let clients = clients(&root);
    let status = clients.status();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].state, ServerState::Stopped, "nothing starts before it is needed");
    assert_eq!(clients.pid("everything"), None);

    let tools = clients.tools("everything").await.expect("tools");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    for expected in ["echo", "get-sum", "trigger-long-running-operation"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let echo = tools.iter().find(|t| t.name == "echo").expect("echo");
    assert!(!echo.description.is_empty());
    assert_eq!(echo.input_schema["type"], "object");
    assert!(echo.input_schema["properties"]["message"].is_object(), "{}", echo.input_schema);

    let status = clients.status();
    assert_eq!(status[0].state, ServerState::Running);
    assert!(status[0].tools.contains(&"echo".to_string()));
    let pid = status[0].pid.expect("a child process");
    assert!(alive(pid));
    clients.shutdown().await;
    assert_eq!(clients.status()[0].state, ServerState::Stopped);
    for _ in 0..50 {
        if !alive(pid) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!alive(pid), "the server exits on shutdown");
}

#[tokio::test]
async fn calls_echo_and_reads_a_resource() {
    let root = workspace("echo", &json!({"mcpServers": {"everything": everything(json!({}))}}));
    let clients = clients(&root);
    let output =
        clients.call_tool("everything", "echo", json!({"message": "hello from specwright"})).await.expect("echo");
    assert!(!output.is_error);
    assert_eq!(output.text(), "Echo: hello from specwright");

    let sum = clients.call_tool("everything", "get-sum", json!({"a": 2, "b": 3})).await.expect("sum");
    assert!(sum.text().contains('5'), "{}", sum.text());

    let resources = clients.list_resources("everything").await.expect("resources");
    let uri = "demo://resource/static/document/architecture.md";
    assert!(resources.iter().any(|r| r.uri == uri), "{resources:?}");
    let contents = clients.read_resource("everything", uri).await.expect("read");
    match &contents[..] {
        [Content::Resource { uri: got, text: Some(text), .. }] => {
            assert_eq!(got, uri);
            assert!(!text.trim().is_empty());
        }
        other => panic!("one text resource, got {other:?}"),
    }

    let unknown = clients.call_tool("nope", "echo", json!({})).await.unwrap_err();
    assert_eq!(unknown, McpError::Unknown("nope".into()));
    clients.shutdown().await;
}

#[tokio::test]
async fn a_slow_tool_times_out_with_a_clear_error_and_the_server_stays_usable() {
    let root = workspace("slow", &json!({"mcpServers": {"everything": everything(json!({"timeout": 1000}))}}));
    let clients = clients(&root);
    clients.tools("everything").await.expect("started");
    let started = std::time::Instant::now();
    let err = clients
        .call_tool("everything", "trigger-long-running-operation", json!({"duration": 10, "steps": 5}))
        .await
        .unwrap_err();
    assert_eq!(err, McpError::Timeout(Duration::from_millis(1000)));
    let message = err.to_string();
    assert!(message.contains("did not answer within 1 s"), "{message}");
    assert!(message.contains("timeout"), "says what to raise: {message}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());

    let echo = clients.call_tool("everything", "echo", json!({"message": "still here"})).await.expect("echo");
    assert_eq!(echo.text(), "Echo: still here");
    assert_eq!(clients.status()[0].state, ServerState::Running);
    clients.shutdown().await;
}

#[tokio::test]
async fn a_server_killed_by_pid_is_restarted_on_next_use() {
    let root = workspace("crash", &json!({"mcpServers": {"everything": everything(json!({}))}}));
    let clients = clients(&root);
    clients.tools("everything").await.expect("started");
    let pid = clients.pid("everything").expect("pid");
    let killed = std::process::Command::new("kill").arg("-9").arg(pid.to_string()).status().expect("kill");
    assert!(killed.success());

    // The closed connection is noticed without a request.
    let mut state = ServerState::Running;
    for _ in 0..100 {
        state = clients.status()[0].state.clone();
        if state != ServerState::Running {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    match &state {
        ServerState::Failed(reason) => assert!(reason.contains("restarted on next use"), "{reason}"),
        other => panic!("the crash is seen: {other:?}"),
    }
    assert_eq!(clients.pid("everything"), None);

    let echo = clients.call_tool("everything", "echo", json!({"message": "again"})).await.expect("restarted");
    assert_eq!(echo.text(), "Echo: again");
    let new_pid = clients.pid("everything").expect("a new child");
    assert_ne!(new_pid, pid);
    assert_eq!(clients.status()[0].state, ServerState::Running);
    clients.shutdown().await;
}

#[tokio::test]
async fn a_server_that_cannot_start_fails_with_its_reason_and_is_not_retried_forever() {
    let root = workspace(
        "nostart",
        &json!({"mcpServers": {"broken": {"command": "node", "args": ["-e", "process.exit(3)"]}}}),
    );
    let clients = clients(&root);
    let first = clients.tools("broken").await.unwrap_err();
    assert!(matches!(&first, McpError::Start(m) if m.contains("could not start")), "{first:?}");
    assert!(matches!(clients.status()[0].state, ServerState::Failed(_)));
    let mut last = first;
    for _ in 0..specwright_mcp::client::MAX_RESTARTS + 1 {
        last = clients.tools("broken").await.unwrap_err();
    }
    assert!(matches!(&last, McpError::Failed(m) if m.contains("not restarted again")), "{last:?}");
}

#[tokio::test]
async fn disabled_servers_and_tools_are_not_offered() {
    let root = workspace(
        "disabled",
        &json!({"mcpServers": {
            "everything": everything(json!({"disabledTools": ["get-env"], "autoApprove": ["echo"]})),
            "off": everything(json!({"disabled": true})),
        }}),
    );
    let clients = clients(&root);
    let tools = clients.agent_tools().await;
    let names: Vec<&str> = tools.iter().map(|t| t.name()).collect();
    assert!(names.contains(&"everything__echo"), "{names:?}");
    assert!(names.contains(&"everything__trigger-long-running-operation"), "{names:?}");
    assert!(!names.contains(&"everything__get-env"), "disabledTools: {names:?}");
    assert!(!names.iter().any(|n| n.starts_with("off__")), "disabled server: {names:?}");
    assert!(names.iter().all(|n| n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))));
    let echo = tools.iter().find(|t| t.name() == "everything__echo").expect("echo");
    assert_eq!(echo.input_schema()["type"], "object");
    assert!(echo.description().contains("everything"), "{}", echo.description());

    let status = clients.status();
    assert_eq!(status[1].state, ServerState::Disabled);
    assert!(!status[0].tools.contains(&"get-env".to_string()));
    assert_eq!(clients.tools("off").await.unwrap_err(), McpError::Disabled("off".into()));
    let refused = clients.call_tool("everything", "get-env", json!({})).await.unwrap_err();
    assert!(refused.to_string().contains("disabledTools"), "{refused}");
    clients.shutdown().await;
}

/// server-everything over streamable HTTP (`url` + `headers` in mcp.json):
/// the same tools and calls as over stdio.
#[tokio::test]
async fn a_remote_server_over_streamable_http() {
    // A free port: bind, read it, release it for the server.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let mut server = tokio::process::Command::new("node")
        .arg(common::npm_server("server-everything"))
        .arg("streamableHttp")
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node");
    // Wait for its "listening" line.
    let stderr = server.stderr.take().expect("stderr");
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stderr));
    let listening = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("listening") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(listening, Ok(true), "server-everything did not start over HTTP");

    let root = workspace(
        "http",
        &json!({"mcpServers": {"remote": {
            "url": format!("http://127.0.0.1:{port}/mcp"),
            "headers": {"Authorization": "Bearer test-token", "X-Team": "specwright"},
            "autoApprove": ["echo"],
        }}}),
    );
    let clients = clients(&root);
    let tools = clients.tools("remote").await.expect("tools over HTTP");
    assert!(tools.iter().any(|t| t.name == "echo"), "{tools:?}");
    let echo = clients.call_tool("remote", "echo", json!({"message": "over http"})).await.expect("echo");
    assert_eq!(echo.text(), "Echo: over http");
    let status = clients.status();
    assert_eq!(status[0].state, ServerState::Running);
    assert_eq!(status[0].pid, None, "a remote server has no process of ours");
    clients.shutdown().await;
    let _ = server.kill().await;
}

/// A server that says its tools changed (`notifications/tools/list_changed`)
/// has them listed again: the agent's next turn sees the new tool.
#[tokio::test]
async fn tools_are_listed_again_when_the_server_says_they_changed() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = repo.join(".venv-test/bin/python");
    assert!(
        python.exists(),
        "the MCP Python SDK is needed: run scripts/setup-test-tools (it creates {})",
        python.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/changing_tools.py");
    let root = workspace(
        "changing",
        &json!({"mcpServers": {"changing": {"command": python.display().to_string(), "args": [script.display().to_string()]}}}),
    );
    let clients = clients(&root);
    let names = |tools: Vec<specwright_mcp::client::RemoteTool>| tools.into_iter().map(|t| t.name).collect::<Vec<_>>();
    assert_eq!(names(clients.tools("changing").await.expect("tools")), ["unlock"]);
    let out = clients.call_tool("changing", "unlock", json!({})).await.expect("unlock");
    assert_eq!(out.text(), "unlocked");
    // The notification comes before the answer; allow for its handling.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = names(clients.tools("changing").await.expect("tools"));
        if now.contains(&"secret".to_string()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the new tool never appeared: {now:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let agent_tools: Vec<String> = clients.agent_tools().await.iter().map(|t| t.name().to_string()).collect();
    assert!(agent_tools.contains(&"changing__secret".to_string()), "{agent_tools:?}");
    let secret = clients.call_tool("changing", "secret", json!({})).await.expect("secret");
    assert_eq!(secret.text(), "the secret is 42");
    clients.shutdown().await;
}
