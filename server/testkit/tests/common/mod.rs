//! A raw HTTP/1.1 client over `tokio::net::TcpStream`: the tests must see
//! the bytes the server sends, not what a client library makes of them.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const ANTHROPIC: &str = "/v1/messages";
pub const OPENAI: &str = "/v1/chat/completions";

/// A response read until the server closed the connection.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Everything after the head, as received.
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }

    /// The SSE events of the body.
    pub fn events(&self) -> Vec<Sse> {
        parse_sse(&self.body)
    }
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub struct Sse {
    pub event: Option<String>,
    pub data: String,
}

impl Sse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("data is not JSON ({e}): {:?}", self.data))
    }
}

/// Splits an SSE body into events. A trailing event without its blank line
/// (a cut stream) is kept.
pub fn parse_sse(body: &str) -> Vec<Sse> {
    body.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut sse = Sse { event: None, data: String::new() };
            for line in block.lines() {
                if let Some(name) = line.strip_prefix("event: ") {
                    sse.event = Some(name.to_owned());
                } else if let Some(data) = line.strip_prefix("data: ") {
                    sse.data = data.to_owned();
                } else {
                    panic!("unexpected SSE line {line:?} in {body:?}");
                }
            }
            sse
        })
        .collect()
}

pub fn host(base_url: &str) -> &str {
    base_url.strip_prefix("http://").expect("base_url starts with http://")
}

/// A POST with a JSON body and `content-length`, plus `extra` headers.
pub fn post_bytes(base_url: &str, path: &str, body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        host(base_url),
        body.len()
    );
    for (name, value) in extra {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    request.into_bytes()
}

/// Sends `request` and reads until the server closes.
pub async fn exchange(base_url: &str, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(host(base_url)).await.expect("connect");
    stream.write_all(request).await.expect("write request");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("read response");
    out
}

pub async fn post(base_url: &str, path: &str, body: &Value) -> Response {
    post_with(base_url, path, &body.to_string(), &[]).await
}

pub async fn post_with(base_url: &str, path: &str, body: &str, extra: &[(&str, &str)]) -> Response {
    parse_response(&exchange(base_url, &post_bytes(base_url, path, body, extra)).await)
}

pub fn parse_response(bytes: &[u8]) -> Response {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no end of head in {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let mut parts = status_line.splitn(3, ' ');
    assert_eq!(parts.next(), Some("HTTP/1.1"), "{status_line}");
    let status = parts.next().and_then(|s| s.parse().ok()).expect("status code");
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(": ").expect("header line");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    Response { status, headers, body: body.to_owned() }
}

/// Sends `request` and returns each read with the time it arrived, from
/// the moment the request was written.
pub async fn timed_exchange(base_url: &str, request: &[u8]) -> Vec<(Duration, Vec<u8>)> {
    let mut stream = TcpStream::connect(host(base_url)).await.expect("connect");
    stream.write_all(request).await.expect("write request");
    let start = Instant::now();
    let mut reads = Vec::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = stream.read(&mut buf).await.expect("read");
        if n == 0 {
            return reads;
        }
        reads.push((start.elapsed(), buf[..n].to_vec()));
    }
}

/// `(event name, data JSON)` of every event, `[DONE]` as a string.
pub fn names_and_data(events: &[Sse]) -> Vec<(Option<String>, Value)> {
    events
        .iter()
        .map(|e| {
            let data = if e.data == "[DONE]" { Value::String(e.data.clone()) } else { e.json() };
            (e.event.clone(), data)
        })
        .collect()
}

/// What the server reports as input tokens for a request body.
pub fn input_tokens(body: &str) -> u64 {
    (body.len() as u64).div_ceil(4).max(1)
}
