//! An incremental Server-Sent Events parser (the WHATWG `text/event-stream`
//! format) over the byte chunks a response body arrives in.
//!
//! Chunks may split anything: a line, a `\r\n` pair, a UTF-8 sequence. Bytes
//! are buffered until a whole line is present, so text is only decoded at
//! line ends, where no multi-byte sequence can be open. An event is
//! dispatched at its blank line; one still open when the body ends was cut
//! and is not dispatched (a provider then reports the stream as cut).

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` name, when the server gave one (the default is `message`).
    pub event: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
}

/// Feed it chunks with [`SseParser::push`]; it returns the events they complete.
#[derive(Debug, Default)]
pub struct SseParser {
    /// The bytes of the current, unfinished line.
    line: Vec<u8>,
    /// The previous chunk ended with `\r`: a `\n` that starts the next one
    /// belongs to the same line end.
    after_cr: bool,
    /// At the very start of the stream (where a UTF-8 BOM is skipped).
    started: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Consumes one chunk and returns the events it completed, in order.
    pub fn push(&mut self, mut chunk: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        if chunk.is_empty() {
            return events;
        }
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&chunk[..end]);
            let crlf = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            if crlf {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            let line = std::mem::take(&mut self.line);
            if let Some(event) = self.line_done(&line) {
                events.push(event);
            }
        }
        self.line.extend_from_slice(chunk);
        events
    }

    /// Whether bytes or fields of an event are waiting for a line end or a
    /// blank line (the stream stopped in the middle of an event).
    pub fn has_partial_event(&self) -> bool {
        !self.line.is_empty() || self.has_data || self.event.is_some()
    }

    fn line_done(&mut self, line: &[u8]) -> Option<SseEvent> {
        let mut line = line;
        if !self.started {
            self.started = true;
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(b":") {
            return None; // a comment (keep-alive)
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_string()),
            // `id` and `retry` only matter for reconnection, which a model
            // stream never does; other fields are ignored by the standard.
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take().filter(|e| !e.is_empty());
        if !std::mem::take(&mut self.has_data) {
            return None; // an event without data is not dispatched
        }
        Some(SseEvent { event, data: std::mem::take(&mut self.data) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent { event: event.map(str::to_string), data: data.to_string() }
    }

    /// Parses `input` whole, then again split at every byte boundary, and
    /// checks that both agree with `expected`.
    fn check(input: &[u8], expected: &[SseEvent]) {
        let mut whole = SseParser::new();
        assert_eq!(whole.push(input), expected, "whole input");
        for split in 0..=input.len() {
            let mut p = SseParser::new();
            let mut got = p.push(&input[..split]);
            got.extend(p.push(&input[split..]));
            assert_eq!(got, expected, "split at {split}");
        }
        let mut p = SseParser::new();
        let got: Vec<_> = input.iter().flat_map(|b| p.push(std::slice::from_ref(b))).collect();
        assert_eq!(got, expected, "byte by byte");
    }

    #[test]
    fn plain_events_with_names() {
        check(
            b"event: message_start\ndata: {\"a\":1}\n\nevent: ping\ndata: {}\n\n",
            &[ev(Some("message_start"), "{\"a\":1}"), ev(Some("ping"), "{}")],
        );
    }

    #[test]
    fn every_kind_of_line_end() {
        let expected = [ev(None, "one"), ev(Some("x"), "two")];
        check(b"data: one\n\nevent: x\ndata: two\n\n", &expected);
        check(b"data: one\r\n\r\nevent: x\r\ndata: two\r\n\r\n", &expected);
        check(b"data: one\r\revent: x\rdata: two\r\r", &expected);
        check(b"data: one\r\n\nevent: x\rdata: two\n\r\n", &expected);
    }

    #[test]
    fn multi_line_data_is_joined_with_newlines() {
        check(b"data: {\ndata:  \"a\": 1\ndata: }\n\n", &[ev(None, "{\n \"a\": 1\n}")]);
        check(b"data\ndata:\n\n", &[ev(None, "\n")]);
    }

    #[test]
    fn comments_and_unknown_fields_are_ignored() {
        check(b": keep-alive\n\nid: 7\nretry: 100\nfoo: bar\ndata: x\n\n:\n\n", &[ev(None, "x")]);
    }

    #[test]
    fn events_without_data_are_not_dispatched() {
        check(b"event: ping\n\n\n\ndata: y\n\n", &[ev(None, "y")]);
    }

    #[test]
    fn a_field_without_space_after_the_colon() {
        check(b"event:e\ndata:d\n\n", &[ev(Some("e"), "d")]);
    }

    #[test]
    fn a_trailing_event_without_blank_line_is_not_dispatched() {
        let mut p = SseParser::new();
        assert_eq!(p.push(b"data: done\n\ndata: cut"), vec![ev(None, "done")]);
        assert!(p.has_partial_event());
        let mut p = SseParser::new();
        assert_eq!(p.push(b"data: done\n\ndata: cut\n"), vec![ev(None, "done")]);
        assert!(p.has_partial_event());
        let mut p = SseParser::new();
        p.push(b"data: done\n\n");
        assert!(!p.has_partial_event());
    }

    #[test]
    fn utf8_split_across_chunks() {
        check("data: héllo → 世界 🎉\n\n".as_bytes(), &[ev(None, "héllo → 世界 🎉")]);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        check(b"\xEF\xBB\xBFdata: x\n\n", &[ev(None, "x")]);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        check(b"data: a\xFFb\n\n", &[ev(None, "a\u{FFFD}b")]);
    }
}
