//! Server behaviour shared by both formats: recording, script order and
//! exhaustion, timing, concurrency, request parsing, shutdown.

mod common;

use std::time::{Duration, Instant};

use common::{
    ANTHROPIC, OPENAI, exchange, host, parse_response, parse_sse, post, post_bytes, post_with, timed_exchange,
};
use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn requests_are_recorded_with_headers_and_body() {
    let server = ScriptedServer::start(vec![Reply::text("ok"), Reply::text("ok")]).await.unwrap();
    let body = json!({"model": "claude-test", "messages": [{"role": "user", "content": "hi"}]});
    let headers = [("X-Api-Key", "sk-test"), ("anthropic-version", "2023-06-01")];
    post_with(&server.base_url(), ANTHROPIC, &body.to_string(), &headers).await;
    post_with(&server.base_url(), OPENAI, "not json", &[]).await;

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(first.method, "POST");
    assert_eq!(first.path, "/v1/messages");
    assert_eq!(first.header("x-api-key"), Some("sk-test"));
    assert_eq!(first.header("X-API-KEY"), Some("sk-test"));
    assert_eq!(first.header("anthropic-version"), Some("2023-06-01"));
    assert!(first.headers.iter().any(|(n, v)| n == "x-api-key" && v == "sk-test"));
    assert_eq!(first.body, body);
    assert_eq!(first.raw_body, body.to_string());
    assert_eq!(requests[1].path, "/v1/chat/completions");
    assert_eq!(requests[1].body, Value::Null);
    assert_eq!(requests[1].raw_body, "not json");
}

#[tokio::test]
async fn chunked_request_bodies_are_decoded() {
    let server = ScriptedServer::start(vec![Reply::text("ok")]).await.unwrap();
    let body = r#"{"model":"m","stream":false}"#;
    let (a, b) = body.split_at(10);
    let request = format!(
        "POST /v1/messages HTTP/1.1\r\nhost: {}\r\ntransfer-encoding: chunked\r\n\r\n\
         {:x}\r\n{a}\r\n{:x};ext=1\r\n{b}\r\n0\r\nx-trailer: t\r\n\r\n",
        host(&server.base_url()),
        a.len(),
        b.len(),
    );
    let response = parse_response(&exchange(&server.base_url(), request.as_bytes()).await);

    assert_eq!(response.status, 200);
    assert_eq!(response.json()["content"][0]["text"], "ok");
    assert_eq!(server.requests()[0].raw_body, body);
    assert_eq!(server.requests()[0].body["model"], "m");
}

#[tokio::test]
async fn expect_continue_gets_100_before_the_body() {
    let server = ScriptedServer::start(vec![Reply::text("ok")]).await.unwrap();
    let body = r#"{"model":"m"}"#;
    let mut stream = TcpStream::connect(host(&server.base_url())).await.unwrap();
    let head = format!("POST /v1/messages HTTP/1.1\r\ncontent-length: {}\r\nexpect: 100-continue\r\n\r\n", body.len());
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut interim = [0; 25];
    stream.read_exact(&mut interim).await.unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();

    assert_eq!(parse_response(&rest).json()["content"][0]["text"], "ok");
}

#[tokio::test]
async fn exhausted_script_answers_500_until_pushed() {
    let server = ScriptedServer::start(vec![Reply::text("first")]).await.unwrap();
    let url = server.base_url();
    let request = json!({"model": "m"});

    assert_eq!(post(&url, ANTHROPIC, &request).await.status, 200);
    let exhausted = post(&url, ANTHROPIC, &request).await;
    assert_eq!(exhausted.status, 500);
    assert_eq!(exhausted.json()["type"], "error");
    assert_eq!(exhausted.json()["error"]["type"], "api_error");
    let message = exhausted.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("script exhausted"), "{message}");
    assert!(message.contains("#2"), "{message}");

    let exhausted = post(&url, OPENAI, &request).await;
    assert_eq!(exhausted.status, 500);
    assert_eq!(exhausted.json()["error"]["type"], "server_error");

    server.push(Reply::text("pushed"));
    assert_eq!(server.remaining(), 1);
    let response = post(&url, ANTHROPIC, &request).await;
    assert_eq!(response.json()["content"][0]["text"], "pushed");
    assert_eq!(server.remaining(), 0);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn unknown_paths_get_404_and_keep_the_script() {
    let server = ScriptedServer::start(vec![Reply::text("kept")]).await.unwrap();
    let response = post(&server.base_url(), "/v1/models", &json!({})).await;

    assert_eq!(response.status, 404);
    assert_eq!(server.remaining(), 1);
    assert_eq!(server.requests().len(), 1);
    let response = post(&server.base_url(), ANTHROPIC, &json!({})).await;
    assert_eq!(response.json()["content"][0]["text"], "kept");
}

#[tokio::test]
async fn garbage_gets_400() {
    let server = ScriptedServer::start(vec![]).await.unwrap();
    let response = parse_response(&exchange(&server.base_url(), b"NONSENSE\r\n\r\n").await);

    assert_eq!(response.status, 400);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn hang_sends_nothing_for_its_duration() {
    let server = ScriptedServer::start(vec![Reply::Hang { ms: 300 }]).await.unwrap();
    let request = post_bytes(&server.base_url(), ANTHROPIC, r#"{"stream":true}"#, &[]);
    let start = Instant::now();
    let bytes = exchange(&server.base_url(), &request).await;

    assert!(start.elapsed() >= Duration::from_millis(300), "{:?}", start.elapsed());
    assert!(bytes.is_empty());
}

#[tokio::test]
async fn hang_times_out_a_waiting_client() {
    let server = ScriptedServer::start(vec![Reply::Hang { ms: 5_000 }]).await.unwrap();
    let request = post_bytes(&server.base_url(), OPENAI, "{}", &[]);
    let waited = tokio::time::timeout(Duration::from_millis(100), exchange(&server.base_url(), &request)).await;

    assert!(waited.is_err(), "the hang answered early");
}

#[tokio::test]
async fn slow_chunks_arrive_one_by_one() {
    let server =
        ScriptedServer::start(vec![Reply::Text { chunks: vec!["a".into(), "b".into(), "c".into()], delay_ms: 80 }])
            .await
            .unwrap();
    let request = post_bytes(&server.base_url(), ANTHROPIC, r#"{"model":"m","stream":true}"#, &[]);
    let reads = timed_exchange(&server.base_url(), &request).await;

    // When each text delta arrived.
    let mut seen = String::new();
    let mut arrivals = Vec::new();
    for (at, bytes) in &reads {
        seen.push_str(std::str::from_utf8(bytes).unwrap());
        while arrivals.len() < 3 {
            let needle = format!("\"text\":\"{}\"}}", ["a", "b", "c"][arrivals.len()]);
            if !seen.contains(&needle) {
                break;
            }
            arrivals.push(*at);
        }
    }
    assert_eq!(arrivals.len(), 3, "{seen}");
    assert!(arrivals[0] < Duration::from_millis(70), "{arrivals:?}");
    assert!(arrivals[1] - arrivals[0] >= Duration::from_millis(70), "{arrivals:?}");
    assert!(arrivals[2] - arrivals[1] >= Duration::from_millis(70), "{arrivals:?}");
    let (_, body) = seen.split_once("\r\n\r\n").unwrap();
    assert_eq!(parse_sse(body).last().unwrap().event.as_deref(), Some("message_stop"));
}

#[tokio::test]
async fn unstreamed_text_waits_for_its_chunks() {
    let server =
        ScriptedServer::start(vec![Reply::Text { chunks: vec!["a".into(), "b".into(), "c".into()], delay_ms: 60 }])
            .await
            .unwrap();
    let start = Instant::now();
    let response = post(&server.base_url(), OPENAI, &json!({"model": "m"})).await;

    assert!(start.elapsed() >= Duration::from_millis(120));
    assert_eq!(response.json()["choices"][0]["message"]["content"], "abc");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_served_in_arrival_order() {
    let n = 16;
    let server = ScriptedServer::start((0..n).map(|i| Reply::text(format!("r{i}"))).collect()).await.unwrap();
    let url = server.base_url();
    let mut tasks = Vec::new();
    for i in 0..n {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"model": format!("m{i}")});
            post(&url, ANTHROPIC, &body).await
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        let response = task.await.unwrap();
        assert_eq!(response.status, 200);
        let message = response.json();
        answers.push((
            message["model"].as_str().unwrap().to_owned(),
            message["content"][0]["text"].as_str().unwrap().to_owned(),
        ));
    }

    // Request k (in arrival order) got reply k, whatever the client order.
    let requests = server.requests();
    assert_eq!(requests.len(), n);
    for (k, request) in requests.iter().enumerate() {
        let model = request.body["model"].as_str().unwrap();
        let (_, text) = answers.iter().find(|(m, _)| m == model).unwrap();
        assert_eq!(text, &format!("r{k}"));
    }
}

#[tokio::test]
async fn a_hanging_request_does_not_block_others() {
    let server = ScriptedServer::start(vec![Reply::Hang { ms: 2_000 }, Reply::text("fast")]).await.unwrap();
    let url = server.base_url();
    let hanging = tokio::spawn({
        let url = url.clone();
        async move { post(&url, ANTHROPIC, &json!({})).await }
    });
    assert!(server.wait_for_requests(1, Duration::from_secs(5)).await);

    let start = Instant::now();
    let response = post(&url, ANTHROPIC, &json!({})).await;
    assert_eq!(response.json()["content"][0]["text"], "fast");
    assert!(start.elapsed() < Duration::from_millis(1_000));
    hanging.abort();
}

#[tokio::test]
async fn wait_for_requests_times_out() {
    let server = ScriptedServer::start(vec![Reply::text("x")]).await.unwrap();
    assert!(!server.wait_for_requests(1, Duration::from_millis(50)).await);
    assert!(server.wait_for_requests(0, Duration::from_millis(50)).await);

    let url = server.base_url();
    let client = tokio::spawn(async move { post(&url, OPENAI, &json!({})).await });
    assert!(server.wait_for_requests(1, Duration::from_secs(5)).await);
    client.await.unwrap();
}

#[tokio::test]
async fn raw_replies_are_sent_as_given() {
    let server = ScriptedServer::start(vec![Reply::Raw {
        status: 418,
        headers: vec![("x-custom".into(), "yes".into())],
        body: "teapot".into(),
    }])
    .await
    .unwrap();
    let response = post(&server.base_url(), OPENAI, &json!({})).await;

    assert_eq!(response.status, 418);
    assert_eq!(response.header("x-custom"), Some("yes"));
    assert_eq!(response.header("content-length"), Some("6"));
    assert_eq!(response.body, "teapot");
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = ScriptedServer::start(vec![]).await.unwrap();
    let addr = server.addr();
    drop(server);

    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if TcpStream::connect(addr).await.is_err() {
            break;
        }
        assert!(Instant::now() < deadline, "still accepting after drop");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[test]
fn replies_deserialize_from_script_json() {
    let script: Vec<Reply> = serde_json::from_str(
        r##"[
            {"text": {"chunks": ["# Req", "uirements"], "delay_ms": 5}},
            {"text": {"chunks": ["no delay"]}},
            {"tool_call": {"id": "t1", "name": "read", "arguments_chunks": ["{}"]}},
            {"status": {"status": 429, "retry_after": 2, "message": "slow down"}},
            {"status": {"status": 401, "message": "bad key"}},
            "overloaded",
            {"cut_after": {"chunks": ["a", "b"], "after": 1}},
            {"malformed_chunk": {"chunks": ["a"], "at": 0}},
            {"stream_error": {"chunks": ["a"], "after": 1, "message": "m"}},
            {"hang": {"ms": 100}},
            {"raw": {"status": 200, "body": "{}"}}
        ]"##,
    )
    .unwrap();

    assert_eq!(
        script[..6],
        [
            Reply::Text { chunks: vec!["# Req".into(), "uirements".into()], delay_ms: 5 },
            Reply::chunks(["no delay"]),
            Reply::tool_call("t1", "read", "{}"),
            Reply::Status { status: 429, retry_after: Some(2), message: "slow down".into() },
            Reply::status(401, "bad key"),
            Reply::Overloaded,
        ]
    );
    assert_eq!(script[9], Reply::Hang { ms: 100 });
    for reply in &script {
        let round_trip: Reply = serde_json::from_value(serde_json::to_value(reply).unwrap()).unwrap();
        assert_eq!(&round_trip, reply);
    }
}
