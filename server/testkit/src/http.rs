//! Just enough HTTP/1.1 for one request per connection: read a request
//! (Content-Length or chunked body, `Expect: 100-continue`), write a head.
//! Every response says `connection: close`, so the server never has to find
//! where a second request would start.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Longest request line, header line or chunk-size line we accept.
const MAX_LINE: u64 = 64 * 1024;
const MAX_HEADERS: usize = 256;
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A request as read off the wire; header names are lowercased.
pub(crate) struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads one request. `InvalidData` means the client sent something that is
/// not HTTP/1.x; the caller answers 400.
pub(crate) async fn read_request<S>(conn: &mut S) -> io::Result<Request>
where
    S: AsyncBufRead + AsyncWrite + Unpin,
{
    // RFC 9112 §2.2: ignore empty lines before the request line.
    let mut line = read_line(conn).await?;
    while line.is_empty() {
        line = read_line(conn).await?;
    }
    let mut parts = line.split_ascii_whitespace();
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(format!("bad request line: {line:?}")));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(invalid(format!("unsupported version: {version:?}")));
    }
    let (method, target) = (method.to_owned(), target.to_owned());

    let mut headers = Vec::new();
    loop {
        let line = read_line(conn).await?;
        if line.is_empty() {
            break;
        }
        if headers.len() == MAX_HEADERS {
            return Err(invalid("too many headers".into()));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid(format!("bad header line: {line:?}")));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut request = Request { method, target, headers, body: Vec::new() };

    if request.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        conn.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        conn.flush().await?;
    }

    let chunked = request.header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        request.body = read_chunked(conn).await?;
    } else if let Some(length) = request.header("content-length") {
        let length: usize = length.parse().map_err(|_| invalid(format!("bad content-length: {length:?}")))?;
        if length > MAX_BODY {
            return Err(invalid("body too large".into()));
        }
        let mut body = vec![0; length];
        conn.read_exact(&mut body).await?;
        request.body = body;
    }
    Ok(request)
}

async fn read_chunked<S: AsyncBufRead + Unpin>(conn: &mut S) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = read_line(conn).await?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| invalid(format!("bad chunk size: {line:?}")))?;
        if size == 0 {
            // Trailer fields, then the empty line that ends the message.
            while !read_line(conn).await?.is_empty() {}
            return Ok(body);
        }
        if body.len().saturating_add(size) > MAX_BODY {
            return Err(invalid("body too large".into()));
        }
        let start = body.len();
        body.resize(start + size, 0);
        conn.read_exact(&mut body[start..]).await?;
        if !read_line(conn).await?.is_empty() {
            return Err(invalid("chunk not followed by CRLF".into()));
        }
    }
}

/// Reads one line, without its CRLF (or bare LF).
async fn read_line<S: AsyncBufRead + Unpin>(conn: &mut S) -> io::Result<String> {
    let mut buf = Vec::new();
    let n = (&mut *conn).take(MAX_LINE).read_until(b'\n', &mut buf).await?;
    if n == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    if buf.last() != Some(&b'\n') {
        return Err(invalid("line too long or cut short".into()));
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// The status line and headers of a response, ending with the blank line.
/// `connection: close` is always added.
pub(crate) fn head(status: u16, headers: &[(&str, String)]) -> String {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("connection: close\r\n\r\n");
    head
}

/// Writes a complete response with a `content-length` body.
pub(crate) async fn write_full<W: AsyncWrite + Unpin>(
    out: &mut W,
    status: u16,
    headers: &[(&str, String)],
    body: &str,
) -> io::Result<()> {
    let mut all = headers.to_vec();
    all.push(("content-length", body.len().to_string()));
    out.write_all(head(status, &all).as_bytes()).await?;
    out.write_all(body.as_bytes()).await?;
    out.flush().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        _ => "Unknown",
    }
}
