//! Malformed frames against the real binary over stdio: a request the
//! server cannot decode but whose `id` it can read is answered with a
//! JSON-RPC error for that id (invalid request for JSON of the wrong shape,
//! parse error for a body that is not JSON), interleaved with the
//! transport's own frames without splitting any; the session goes on and
//! ends cleanly. The client's reader is strict, so any broken frame on
//! stdout fails the test.

mod support;

use std::time::Duration;

use serde_json::json;
use support::*;

const EXIT_WITHIN: Duration = Duration::from_secs(5);

#[tokio::test]
async fn undecodable_requests_get_an_error_for_their_id_and_the_session_goes_on() {
    let ws = TempWorkspace::new("frames-e2e");
    demo::write(&ws);
    let tasks = ws.uri(demo::TASKS_PATH);
    let mut client = Client::spawn_binary();
    client.initialize(&ws.root).await;
    // The server is publishing diagnostics while the bad frames arrive.
    client.did_open(&ws.path(demo::TASKS_PATH)).await;

    let shape = client.raw_request(42, r#"{"jsonrpc":"2.0","id":42,"method":5}"#).await;
    assert_eq!(shape["id"], 42, "{shape}");
    assert_eq!(shape["error"]["code"], -32600, "invalid request: {shape}");
    let cut = client.raw_request(43, r#"{"jsonrpc":"2.0","id":43,"method":"textDocument/hover", "params": "#).await;
    assert_eq!(cut["id"], 43, "{cut}");
    assert_eq!(cut["error"]["code"], -32700, "parse error: {cut}");
    // Frames without a recoverable id are dropped silently, as before.
    client.send_raw_body("{not json").await;
    client.send_raw_body(r#"{"jsonrpc":"2.0","method":5}"#).await;

    // Normal requests still work.
    let hover = client.request_ok("textDocument/hover", doc_pos(&tasks, pos_of(demo::TASKS, "9.9"))).await;
    assert!(hover["contents"]["value"].as_str().is_some_and(|t| t.contains("does not exist")), "{hover}");
    client.wait_version(&tasks, 1).await;
    let specs = client.request_ok("specwright/specs", json!({})).await;
    assert_eq!(specs["specs"][0]["name"], "demo");

    // And the session ends cleanly.
    client.shutdown_and_exit().await;
    let status = client.wait_exit(EXIT_WITHIN).await;
    assert!(status.success(), "exit status {status:?}");
    client.wait_closed().await;
    assert!(client.protocol_errors().is_empty(), "stdout held non-LSP output: {:?}", client.protocol_errors());
    assert!(client.clean_eof(), "stdout ended inside a frame");
}

#[tokio::test]
async fn a_burst_of_bad_requests_is_answered_while_the_server_streams_its_own_messages() {
    let ws = TempWorkspace::new("frames-burst");
    demo::write(&ws);
    let mut client = Client::spawn_binary();
    client.initialize(&ws.root).await;
    let paths = [demo::TASKS_PATH, demo::REQUIREMENTS_PATH, demo::DESIGN_PATH];
    let (replies, ()) = tokio::join!(
        async {
            let mut replies = Vec::new();
            for id in 100..160 {
                let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":["x"]}}"#);
                replies.push((id, client.raw_request(id, &body).await));
            }
            replies
        },
        async {
            for path in paths {
                client.did_open(&ws.path(path)).await;
            }
        }
    );
    for (id, reply) in replies {
        assert_eq!(reply["id"], id);
        assert_eq!(reply["error"]["code"], -32600);
    }
    for path in paths {
        client.wait_version(&ws.uri(path), 1).await;
    }
    client.shutdown_and_exit().await;
    let status = client.wait_exit(EXIT_WITHIN).await;
    assert!(status.success(), "exit status {status:?}");
    client.wait_closed().await;
    assert!(client.protocol_errors().is_empty(), "{:?}", client.protocol_errors());
    assert!(client.clean_eof());
}
