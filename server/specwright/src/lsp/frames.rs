//! Guards around the transport (tower-lsp-server's `Server`), which owns
//! the framing of messages on both streams.
//!
//! Input: tower-lsp-server answers an undecodable message with a parse
//! error, but its `FramedRead` then ends the input stream (tokio-util stops
//! after a decoder error), so one bad frame from a client or proxy would end
//! the whole session. Frames whose header can be read are complete, so the
//! stream is still in step after one: [`forward_valid`] drops the
//! undecodable ones and passes the rest through unchanged. A dropped frame
//! is logged by its size and the reason, never its content (it may hold a
//! secret), and answered with a JSON-RPC error (`-32700` when it is not
//! JSON, `-32600` when it is JSON but not a message) when its `id` can be
//! recovered, so the client's request does not wait forever. A header that
//! cannot be read leaves no way to find the next frame, so that ends the
//! input, as before.
//!
//! Output: those error replies must reach the client's stream without
//! splitting one of the transport's frames. [`guard`] has the transport
//! write into a pipe, and one writer copies whole frames, the transport's
//! and the error replies, to the real output.

use std::future::Future;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Largest body accepted (LSP messages with whole documents stay far below).
const MAX_BODY: usize = 256 << 20;

/// JSON-RPC's code for a body that is not JSON.
const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's code for JSON that is not a request.
const INVALID_REQUEST: i64 = -32600;

/// Frames waiting for the writer, per source; small, so that a client that
/// stops reading slows the server down instead of filling memory.
const QUEUE: usize = 16;

/// Runs `transport` between `input` and `output` behind the guards:
/// `transport` is given the stream it reads frames from and the stream it
/// writes frames to, and is done when the session is (after `exit`, or at
/// the end of its input). Returns once everything the transport and the
/// guard wrote has been written to `output`.
pub async fn guard<I, O, T, F>(input: I, output: O, transport: T)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
    T: FnOnce(DuplexStream, DuplexStream) -> F,
    F: Future<Output = ()>,
{
    let (to_transport, transport_input) = tokio::io::duplex(1 << 16);
    let (transport_output, from_transport) = tokio::io::duplex(1 << 16);
    let (frames_tx, frames) = mpsc::channel(QUEUE);
    let (replies_tx, replies) = mpsc::channel(QUEUE);
    let transport = transport(transport_input, transport_output);
    let forward = forward_valid(input, to_transport, replies_tx);
    tokio::pin!(transport, forward);
    let session = async {
        tokio::select! {
            () = &mut transport => {}
            // The input ended: the transport sees the end and finishes its work.
            () = &mut forward => transport.await,
        }
    };
    // The transport closes its output when it is done, which ends the reader,
    // which ends the writer.
    tokio::join!(session, read_frames(from_transport, frames_tx), write_frames(frames, replies, output));
}

/// Copies well-formed messages from `input` to `output` until the end of
/// `input`, a header that cannot be read, or the `exit` notification.
/// Undecodable messages are dropped; those whose `id` is known are answered
/// through `replies` (bodies of JSON-RPC error responses).
pub async fn forward_valid<I, O>(input: I, mut output: O, replies: mpsc::Sender<Vec<u8>>)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let body = match read_frame(&mut input).await {
            Ok(Some(body)) => body,
            Ok(None) => return,
            Err(e) => {
                tracing::error!("closing the connection: {e}");
                return;
            }
        };
        let exit = match examine(&body) {
            Ok(exit) => exit,
            Err(undecodable) => {
                let answered = undecodable.reply.is_some();
                tracing::warn!(
                    "dropped an undecodable message of {} bytes: {}{}",
                    body.len(),
                    undecodable.reason,
                    if answered { "; answered with an error" } else { "" }
                );
                if let Some(reply) = undecodable.reply {
                    // The writer is gone only once the session has ended.
                    let _ = replies.send(reply).await;
                }
                continue;
            }
        };
        if write_frame(&mut output, &body).await.is_err() {
            return;
        }
        // The transport stops reading at `exit`; reading on would leave a
        // blocking read of stdin behind that delays the process's exit.
        if exit {
            return;
        }
    }
}

/// Reads the transport's frames and queues them for the writer until the
/// transport closes its output.
async fn read_frames(from_transport: DuplexStream, frames: mpsc::Sender<Vec<u8>>) {
    let mut reader = BufReader::new(from_transport);
    loop {
        match read_frame(&mut reader).await {
            Ok(Some(body)) => {
                if frames.send(body).await.is_err() {
                    return;
                }
            }
            Ok(None) => return,
            Err(e) => {
                // The transport frames its own output, so this is a bug; keep
                // reading so that the transport never blocks on a full pipe.
                tracing::error!("the transport wrote a broken frame ({e}); its further output is lost");
                let _ = tokio::io::copy(&mut reader, &mut tokio::io::sink()).await;
                return;
            }
        }
    }
}

/// Writes whole frames, the transport's and the error replies, to `output`
/// until the transport's frames end; replies queued by then are written too.
/// After a write error the frames are still consumed (and dropped), so that
/// nothing upstream blocks on a client that has gone.
async fn write_frames<O: AsyncWrite>(
    mut frames: mpsc::Receiver<Vec<u8>>,
    mut replies: mpsc::Receiver<Vec<u8>>,
    output: O,
) {
    tokio::pin!(output);
    let mut broken = false;
    let mut replies_open = true;
    loop {
        let body = tokio::select! {
            frame = frames.recv() => match frame {
                Some(body) => body,
                None => break,
            },
            reply = replies.recv(), if replies_open => match reply {
                Some(body) => body,
                None => {
                    replies_open = false;
                    continue;
                }
            },
        };
        broken = broken || write_frame(&mut output, &body).await.is_err();
    }
    while let Ok(body) = replies.try_recv() {
        broken = broken || write_frame(&mut output, &body).await.is_err();
    }
    if !broken {
        let _ = output.shutdown().await;
    }
}

async fn write_frame<O: AsyncWrite + Unpin>(output: &mut O, body: &[u8]) -> std::io::Result<()> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    output.write_all(header.as_bytes()).await?;
    output.write_all(body).await?;
    output.flush().await
}

/// Why a message cannot be passed to the transport, and the error to
/// answer it with when its `id` is known.
struct Undecodable {
    /// Says what is wrong, never what the message holds.
    reason: String,
    reply: Option<Vec<u8>>,
}

/// Whether the transport can decode the body: `Ok(true)` for `exit`.
fn examine(body: &[u8]) -> Result<bool, Undecodable> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(Undecodable::answered("not UTF-8", PARSE_ERROR, recover_id(body)));
    };
    if serde_json::from_str::<Response>(text).is_ok() {
        return Ok(false);
    }
    if let Ok(request) = serde_json::from_str::<Request>(text) {
        return Ok(request.method() == "exit");
    }
    match serde_json::from_str::<Value>(text) {
        Err(e) => {
            // The category and position only: serde's message may quote the text.
            let reason = format!("not JSON ({:?} error at line {}, column {})", e.classify(), e.line(), e.column());
            Err(Undecodable::answered(&reason, PARSE_ERROR, recover_id(body)))
        }
        Ok(value) => {
            Err(Undecodable::answered("not a JSON-RPC request or response", INVALID_REQUEST, request_id(&value)))
        }
    }
}

impl Undecodable {
    fn answered(reason: &str, code: i64, id: Option<Value>) -> Self {
        let message = if code == PARSE_ERROR { "Parse error" } else { "Invalid request" };
        let reply = id.map(|id| {
            let response = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
            response.to_string().into_bytes()
        });
        Self { reason: reason.to_string(), reply }
    }
}

/// The id of a JSON object that meant to be a request: a number or string
/// `id`, and no `result` or `error` (a response is never answered).
fn request_id(value: &Value) -> Option<Value> {
    let object = value.as_object()?;
    if object.contains_key("result") || object.contains_key("error") {
        return None;
    }
    object.get("id").filter(|id| id.is_number() || id.is_string()).cloned()
}

/// The `id` of a request whose body is not JSON (cut short, or broken after
/// its id), read from the members of its top-level object up to where they
/// break. `None` when no whole `id` comes before the break, or when a
/// `result` or `error` member says it is a response. Iterative: the body
/// may nest arbitrarily deep.
fn recover_id(body: &[u8]) -> Option<Value> {
    let mut s = Scanner { b: body, i: 0 };
    s.ws();
    if !s.eat(b'{') {
        return None;
    }
    let mut id = None;
    loop {
        s.ws();
        let Some(key) = s.string() else { break };
        if matches!(key, b"\"result\"" | b"\"error\"") {
            return None;
        }
        s.ws();
        if !s.eat(b':') {
            break;
        }
        s.ws();
        let start = s.i;
        let Some(end) = s.skip_value() else { break };
        if key == b"\"id\"" {
            id = serde_json::from_slice::<Value>(&body[start..end]).ok().filter(|v| v.is_number() || v.is_string());
        }
        s.ws();
        if !s.eat(b',') {
            break;
        }
    }
    id
}

/// A cursor over JSON-ish bytes for [`recover_id`].
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.b.get(self.i) == Some(&byte);
        if found {
            self.i += 1;
        }
        found
    }

    /// A whole string literal, quotes included; `None` if there is none
    /// here or it does not close.
    fn string(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        if !self.eat(b'"') {
            return None;
        }
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return self.b.get(start..self.i);
                }
                _ => self.i += 1,
            }
        }
        None
    }

    /// Skips one value; its end, or `None` if it does not end within the
    /// body (a number at the very end might still have grown).
    fn skip_value(&mut self) -> Option<usize> {
        match *self.b.get(self.i)? {
            b'"' => self.string().map(|_| self.i),
            b'{' | b'[' => {
                let mut depth = 0usize;
                while let Some(&c) = self.b.get(self.i) {
                    match c {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return Some(self.i);
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
                None
            }
            _ => {
                let start = self.i;
                while self
                    .b
                    .get(self.i)
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.i += 1;
                }
                (self.i > start && self.i < self.b.len()).then_some(self.i)
            }
        }
    }
}

/// One frame's body; `Ok(None)` at the end of the input between frames.
/// Errors name what is wrong, never the bytes read.
async fn read_frame<R: AsyncRead + Unpin>(input: &mut BufReader<R>) -> Result<Option<Vec<u8>>, String> {
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let n = (&mut *input).take(8192).read_until(b'\n', &mut line).await.map_err(|e| format!("read error: {e}"))?;
        if n == 0 {
            return if first { Ok(None) } else { Err("the input ended inside a header".into()) };
        }
        first = false;
        let line = line.strip_suffix(b"\n").ok_or("a header line is too long")?;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            if length.is_none() {
                return Err("a message has no Content-Length header".into());
            }
            break;
        }
        let line = std::str::from_utf8(line).map_err(|_| "a header is not UTF-8".to_string())?;
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("a header line of {} bytes is not `name: value`", line.len()));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let n: usize = value.trim().parse().map_err(|_| "a Content-Length is not a number".to_string())?;
            if n > MAX_BODY {
                return Err(format!("a message of {n} bytes is too large"));
            }
            length = Some(n);
        }
    }
    let mut body = vec![0; length.unwrap_or(0)];
    input.read_exact(&mut body).await.map_err(|e| format!("the input ended inside a message: {e}"))?;
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// What `forward_valid` passes on, and the error replies it queues.
    async fn filter(input: &[u8]) -> (String, Vec<Value>) {
        let mut out = Vec::new();
        let (tx, mut rx) = mpsc::channel(64);
        forward_valid(input, &mut out, tx).await;
        let mut replies = Vec::new();
        while let Ok(body) = rx.try_recv() {
            replies.push(serde_json::from_slice(&body).expect("a reply is JSON"));
        }
        (String::from_utf8(out).unwrap_or_default(), replies)
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn error(id: Value, code: i64) -> Value {
        let message = if code == PARSE_ERROR { "Parse error" } else { "Invalid request" };
        json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
    }

    #[tokio::test]
    async fn passes_messages_and_drops_undecodable_ones() {
        let ok = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let response = r#"{"jsonrpc":"2.0","id":7,"result":null}"#;
        let input =
            [frame("{not json"), frame(ok), frame("[1,2]"), frame(r#"{"jsonrpc":"2.0","method":5}"#), frame(response)]
                .concat();
        let (passed, replies) = filter(input.as_bytes()).await;
        assert_eq!(passed, [frame(ok), frame(response)].concat());
        assert_eq!(replies, Vec::<Value>::new(), "no id, no reply");
    }

    #[tokio::test]
    async fn undecodable_requests_with_an_id_are_answered() {
        let later = r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
        let mut input = [
            frame(r#"{"jsonrpc":"2.0","id":42,"method":5}"#),
            frame(r#"{"jsonrpc":"2.0","id":43,"method":"textDocument/hover", "params": "#),
            frame(r#"{"jsonrpc":"2.0","id":"a\"b","method":"x","params":{"id":9,"x":[1,{"y":"}"}]},"#),
            frame(r#"{"jsonrpc":"2.0","id":44,"method":"\ud800"}"#),
            frame(r#"{"id":45,"method":"initialize"}"#),
            // Responses and notifications are never answered.
            frame(r#"{"jsonrpc":"1.0","id":46,"result":1}"#),
            frame(r#"{"jsonrpc":"2.0","result":1,"id":47"#),
            frame(r#"{"jsonrpc":"2.0","method":5,"params":{"id":48}}"#),
        ]
        .concat()
        .into_bytes();
        let not_utf8 = b"{\"jsonrpc\":\"2.0\",\"id\":49,\"method\":\"\xff\"}";
        input.extend_from_slice(format!("Content-Length: {}\r\n\r\n", not_utf8.len()).as_bytes());
        input.extend_from_slice(not_utf8);
        input.extend_from_slice(frame(later).as_bytes());
        let (passed, replies) = filter(&input).await;
        assert_eq!(passed, frame(later), "the stream stays in step");
        assert_eq!(
            replies,
            [
                error(json!(42), INVALID_REQUEST),
                error(json!(43), PARSE_ERROR),
                error(json!("a\"b"), PARSE_ERROR),
                error(json!(44), PARSE_ERROR),
                error(json!(45), INVALID_REQUEST),
                error(json!(49), PARSE_ERROR),
            ]
        );
    }

    #[test]
    fn ids_are_recovered_from_the_top_level_object_only() {
        let id = |s: &str| recover_id(s.as_bytes());
        assert_eq!(id(r#"{"id": 3, "method": "#), Some(json!(3)));
        assert_eq!(id(r#" { "params": {"id": 1, "a": ["]", "}"]}, "id" : "x" ,"#), Some(json!("x")));
        assert_eq!(id(r#"{"params": {"id": 1"#), None, "a nested id is not the message's");
        assert_eq!(id(r#"{"method": "x", "id": 12"#), None, "a number at the end may still grow");
        assert_eq!(id(r#"{"id": 12 "#), Some(json!(12)));
        assert_eq!(id(r#"{"id": {"a": 1}, "method": "#), None, "ids are numbers or strings");
        assert_eq!(id(r#"{"id": 5, "error": "#), None, "a response");
        assert_eq!(id(r#"["id", 5]"#), None);
        assert_eq!(id(r#"{"id": "\"#), None);
        assert_eq!(id(""), None);
        let deep = format!(r#"{{"params": {}"#, "[".repeat(100_000));
        assert_eq!(id(&deep), None, "deep nesting is scanned, not recursed into");
        let deep_then_id = format!(r#"{{"params": {}{}, "id": 7}}"#, "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(id(&deep_then_id), Some(json!(7)));
    }

    #[tokio::test]
    async fn stops_after_exit_and_at_a_broken_header() {
        let exit = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let later = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        assert_eq!(filter([frame(exit), frame(later)].concat().as_bytes()).await.0, frame(exit));
        assert_eq!(filter(["garbage\r\n\r\n".to_string(), frame(later)].concat().as_bytes()).await.0, "");
        let typed = format!("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}", frame(later));
        assert_eq!(filter(typed.as_bytes()).await.0, frame(later));
    }

    /// A log sink for one test.
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Log {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn dropped_messages_are_logged_by_size_never_by_content() {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        let _default = tracing::subscriber::set_default(subscriber);
        // Another test's thread may have cached "no subscriber wants this
        // event" for these callsites first; ask again with this one set.
        tracing::callsite::rebuild_interest_cache();
        let secret = "sk-live-0123456789abcdef";
        let bodies = [
            format!(r#"{{"jsonrpc":"2.0","id":1,"method":"x","params":{{"key":"{secret}"#),
            format!(r#"{{"jsonrpc":"2.0","method":{{"key":"{secret}"}}}}"#),
            secret.to_string(),
        ];
        let input: String = bodies.iter().map(|b| frame(b)).chain([format!("{secret}\r\n\r\n")]).collect();
        filter(input.as_bytes()).await;
        let logged = String::from_utf8(log.0.lock().unwrap_or_else(|e| e.into_inner()).clone()).unwrap_or_default();
        assert!(!logged.contains("sk-live"), "{logged}");
        for body in &bodies {
            assert!(logged.contains(&format!("message of {} bytes", body.len())), "{logged}");
        }
        assert!(logged.contains("answered with an error"), "{logged}");
        assert!(logged.contains("is not `name: value`"), "{logged}");
    }

    /// Reads all frames of `bytes`; fails on anything that is not a whole frame.
    async fn frames_of(bytes: &[u8]) -> Vec<Value> {
        let mut reader = BufReader::new(bytes);
        let mut out = Vec::new();
        while let Some(body) = read_frame(&mut reader).await.expect("whole frames") {
            out.push(serde_json::from_slice(&body).expect("JSON"));
        }
        out
    }

    #[tokio::test]
    async fn replies_are_written_between_whole_frames_of_the_transport() {
        // A transport that writes its frames a few bytes at a time while bad
        // requests arrive; the output must be whole frames only.
        let bad: String = (0..20).map(|i| frame(&format!(r#"{{"jsonrpc":"2.0","id":{i},"method":5}}"#))).collect();
        let exit = frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        let input = format!("{bad}{exit}");
        let mut output = Vec::new();
        guard(input.as_bytes(), &mut output, |mut from_client, mut to_client| async move {
            for i in 100..140 {
                let body = format!(
                    r#"{{"jsonrpc":"2.0","method":"window/logMessage","params":{{"n":{i},"text":"{}"}}}}"#,
                    "x".repeat(i)
                );
                for chunk in frame(&body).as_bytes().chunks(7) {
                    to_client.write_all(chunk).await.expect("write");
                    tokio::task::yield_now().await;
                }
            }
            // Read up to `exit`, then end as the real transport does.
            let mut reader = BufReader::new(&mut from_client);
            while let Ok(Some(body)) = read_frame(&mut reader).await {
                if body.windows(6).any(|w| w == b"\"exit\"") {
                    break;
                }
            }
            let _ = to_client.shutdown().await;
        })
        .await;
        let frames = frames_of(&output).await;
        let replies: Vec<&Value> = frames.iter().filter(|f| f.get("error").is_some()).collect();
        let logs: Vec<i64> = frames.iter().filter_map(|f| f["params"]["n"].as_i64()).collect();
        assert_eq!(replies.len(), 20, "{frames:?}");
        assert_eq!(logs, (100..140).collect::<Vec<_>>(), "the transport's frames, whole and in order");
        assert!(replies.iter().all(|r| r["error"]["code"] == INVALID_REQUEST));
    }
}
