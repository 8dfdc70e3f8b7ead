//! A guard in front of the transport's reader. tower-lsp-server answers an
//! undecodable message with a parse error, but its `FramedRead` then ends
//! the input stream (tokio-util stops after a decoder error), so one bad
//! frame from a client or proxy would end the whole session. Frames whose
//! header can be read are complete, so the stream is still in step after
//! one: we drop the undecodable ones (with a warning on stderr) and pass the
//! rest through unchanged. A header that cannot be read leaves no way to
//! find the next frame, so that ends the input, as before.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Largest body accepted (LSP messages with whole documents stay far below).
const MAX_BODY: usize = 256 << 20;

/// Copies well-formed messages from `input` to `output` until the end of
/// `input`, a header that cannot be read, or the `exit` notification.
pub async fn forward_valid<I, O>(input: I, mut output: O)
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
        let Some(exit) = decode(&body) else {
            tracing::warn!("dropped an undecodable message: {}", String::from_utf8_lossy(&body[..body.len().min(200)]));
            continue;
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
        // The transport stops reading at `exit`; reading on would leave a
        // blocking read of stdin behind that delays the process's exit.
        if exit {
            return;
        }
    }
}

/// Whether the transport can decode the body; `Some(true)` for `exit`.
fn decode(body: &[u8]) -> Option<bool> {
    let text = std::str::from_utf8(body).ok()?;
    if serde_json::from_str::<Response>(text).is_ok() {
        return Some(false);
    }
    let request = serde_json::from_str::<Request>(text).ok()?;
    Some(request.method() == "exit")
}

/// One frame's body; `Ok(None)` at the end of the input between frames.
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
            return Err(format!("not a header: {line:?}"));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let n: usize = value.trim().parse().map_err(|_| format!("bad Content-Length: {value:?}"))?;
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
    use super::*;

    async fn filter(input: &str) -> String {
        let mut out = Vec::new();
        forward_valid(input.as_bytes(), &mut out).await;
        String::from_utf8(out).unwrap_or_default()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn passes_messages_and_drops_undecodable_ones() {
        let ok = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let response = r#"{"jsonrpc":"2.0","id":7,"result":null}"#;
        let input =
            [frame("{not json"), frame(ok), frame("[1,2]"), frame(r#"{"jsonrpc":"2.0","method":5}"#), frame(response)]
                .concat();
        assert_eq!(filter(&input).await, [frame(ok), frame(response)].concat());
    }

    #[tokio::test]
    async fn stops_after_exit_and_at_a_broken_header() {
        let exit = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let later = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        assert_eq!(filter(&[frame(exit), frame(later)].concat()).await, frame(exit));
        assert_eq!(filter(&["garbage\r\n\r\n".to_string(), frame(later)].concat()).await, "");
        let typed = format!("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}", frame(later));
        assert_eq!(filter(&typed).await, frame(later));
    }
}
