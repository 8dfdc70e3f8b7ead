//! The YAML subset that steering front matter uses, parsed by hand so that
//! every value keeps its byte span (for precise diagnostics) and so that bad
//! input gives problems rather than errors.
//!
//! Supported: a block that opens with `---` on the first line (after an
//! optional byte-order mark) and closes with `---` or `...`; LF or CRLF line
//! ends; top-level `key: value` pairs; plain, `'single'` and `"double"`
//! (with escapes) quoted scalars; plain scalars continued on indented lines;
//! `|` and `>` block scalars; block lists (`- item`, indented or not) and flow
//! lists (`[a, "b"]`, also across lines); `#` comments; tabs as whitespace.
//! Not supported (reported, never a panic): nested mappings, anchors,
//! aliases, tags, multi-line quoted scalars.

use specwright_spec::Severity;

/// A byte span `start..end` of the whole file text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub(crate) const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
}

/// A scalar value and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Scalar {
    pub value: String,
    /// The whole token, quotes included.
    pub span: Span,
    /// Where `value` starts in the text when it is a verbatim copy of it (no
    /// escapes, no folding), so that parts of it can be located exactly.
    pub verbatim: Option<usize>,
}

impl Scalar {
    /// The span of `value[from..to]`, or of the whole token when the value is
    /// not a verbatim copy of the text.
    pub(crate) fn sub_span(&self, from: usize, to: usize) -> Span {
        match self.verbatim {
            Some(start) => Span::new(start + from, start + to),
            None => self.span,
        }
    }

    /// The span of the value itself (without quotes when possible).
    pub(crate) fn value_span(&self) -> Span {
        self.sub_span(0, self.value.len())
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// No value (`key:` alone); the span is where the value would be.
    Null(Span),
    Scalar(Scalar),
    List(Vec<Scalar>, Span),
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

/// A problem in the front matter's syntax (code `steering-front-matter`).
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub span: Span,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct FrontMatter {
    pub entries: Vec<Entry>,
    /// Byte offset at which the body starts.
    pub body_start: usize,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    /// End of the content, before `\r\n` or `\n`.
    end: usize,
    /// Start of the next line.
    next: usize,
}

fn lines(text: &str, from: usize) -> Vec<Line> {
    let mut out = Vec::new();
    let mut pos = from;
    while pos < text.len() {
        let (nl, next) = match text[pos..].find('\n') {
            Some(i) => (pos + i, pos + i + 1),
            None => (text.len(), text.len()),
        };
        let end = if nl > pos && text.as_bytes()[nl - 1] == b'\r' { nl - 1 } else { nl };
        out.push(Line { start: pos, end, next });
        pos = next;
    }
    out
}

const WS: [char; 2] = [' ', '\t'];

fn is_delimiter(line: &str, delim: &str) -> bool {
    line.trim_end_matches(WS) == delim
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start_matches(WS);
    t.is_empty() || t.starts_with('#')
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(WS).len()
}

fn is_dash_item(trimmed: &str) -> bool {
    trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t")
}

/// Splits `text` into front matter and body.
pub(crate) fn split(text: &str) -> FrontMatter {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let all = lines(text, bom);
    let mut fm = FrontMatter { body_start: bom, ..FrontMatter::default() };
    let Some(first) = all.first() else { return fm };
    if !is_delimiter(&text[first.start..first.end], "---") {
        return fm;
    }
    let close = all.iter().skip(1).position(|l| {
        let s = &text[l.start..l.end];
        is_delimiter(s, "---") || is_delimiter(s, "...")
    });
    let Some(close) = close.map(|c| c + 1) else {
        fm.problems.push(Problem {
            span: Span::new(first.start, first.end),
            severity: Severity::Error,
            message:
                "front matter is not closed: add a `---` line after it; the file is read as having no front matter"
                    .into(),
        });
        return fm;
    };
    let mut parser = Parser { text, lines: &all[1..close], i: 0, region_end: all[close].start, fm: &mut fm };
    parser.run();
    fm.body_start = all[close].next;
    fm
}

struct Parser<'a> {
    text: &'a str,
    lines: &'a [Line],
    i: usize,
    region_end: usize,
    fm: &'a mut FrontMatter,
}

impl<'a> Parser<'a> {
    fn line(&self, i: usize) -> &'a str {
        let l = self.lines[i];
        &self.text[l.start..l.end]
    }

    fn problem(&mut self, span: Span, severity: Severity, message: impl Into<String>) {
        self.fm.problems.push(Problem { span, severity, message: message.into() });
    }

    fn run(&mut self) {
        while self.i < self.lines.len() {
            let line = self.lines[self.i];
            let s = self.line(self.i);
            if is_blank_or_comment(s) {
                self.i += 1;
                continue;
            }
            let indent = indent_of(s);
            let trimmed = &s[indent..];
            let span = Span::new(line.start + indent, line.end);
            if indent > 0 {
                self.problem(
                    span,
                    Severity::Error,
                    "unexpected indented line: front matter holds top-level `key: value` pairs",
                );
                self.i += 1;
            } else if is_dash_item(trimmed) {
                self.problem(span, Severity::Error, "a list item must follow a key, as in `fileMatchPattern:`");
                self.i += 1;
            } else {
                self.entry();
            }
        }
    }

    fn entry(&mut self) {
        let line = self.lines[self.i];
        let s = self.line(self.i);
        self.i += 1;
        let Some(colon) = key_colon(s) else {
            self.problem(
                Span::new(line.start, line.end),
                Severity::Error,
                "expected `key: value` (for example `inclusion: always`)",
            );
            return;
        };
        let key_raw = s[..colon].trim_end_matches(WS);
        let key_span = Span::new(line.start, line.start + key_raw.len());
        let key = unquote_key(key_raw).to_string();
        let rest = &s[colon + 1..];
        let ws = indent_of(rest);
        let v = &rest[ws..];
        let vstart = line.start + colon + 1 + ws;
        let value = if v.is_empty() || v.starts_with('#') {
            self.block_value(&key, Span::new(line.start + colon + 1, line.start + colon + 1))
        } else if v.starts_with('|') || v.starts_with('>') {
            self.block_scalar(vstart, v)
        } else if v.starts_with('[') {
            self.flow_list(vstart)
        } else if v.starts_with('"') || v.starts_with('\'') {
            self.quoted_value(v, vstart)
        } else {
            self.plain_value(&key, v, vstart)
        };
        self.fm.entries.push(Entry { key, key_span, value });
    }

    /// A quoted scalar that must be the last thing on its line.
    fn quoted_value(&mut self, v: &str, vstart: usize) -> Value {
        match quoted(v, vstart) {
            Ok((scalar, used)) => {
                self.check_rest(&v[used..], vstart + used);
                Value::Scalar(scalar)
            }
            Err(p) => {
                self.fm.problems.push(p);
                Value::Null(Span::new(vstart, vstart + v.len()))
            }
        }
    }

    /// After a closing quote or bracket only a comment may follow.
    fn check_rest(&mut self, rest: &str, at: usize) {
        let ws = indent_of(rest);
        let r = &rest[ws..];
        if !r.is_empty() && !r.starts_with('#') {
            self.problem(
                Span::new(at + ws, at + rest.len()),
                Severity::Error,
                "unexpected text after the value; quote the whole value",
            );
        }
    }

    fn plain_value(&mut self, key: &str, v: &str, vstart: usize) -> Value {
        let first = strip_comment(v);
        self.warn_plain(key, first, vstart);
        let mut value = first.to_string();
        let mut end = vstart + first.len();
        let mut folded = false;
        // Indented lines continue a plain scalar, joined by spaces.
        while self.i < self.lines.len() {
            let s = self.line(self.i);
            if is_blank_or_comment(s) || indent_of(s) == 0 {
                break;
            }
            let t = strip_comment(&s[indent_of(s)..]);
            value.push(' ');
            value.push_str(t);
            end = self.lines[self.i].start + indent_of(s) + t.len();
            folded = true;
            self.i += 1;
        }
        let verbatim = (!folded).then_some(vstart);
        Value::Scalar(Scalar { value, span: Span::new(vstart, end), verbatim })
    }

    /// Warns about plain values that YAML proper (and so Kiro) reads
    /// differently from what they look like.
    fn warn_plain(&mut self, key: &str, v: &str, vstart: usize) {
        let span = Span::new(vstart, vstart + v.len());
        let Some(c) = v.chars().next() else { return };
        let why = match c {
            '*' => Some("`*` starts a YAML alias"),
            '&' => Some("`&` starts a YAML anchor"),
            '!' => Some("`!` starts a YAML tag"),
            '{' => Some("`{` starts a YAML mapping"),
            '@' | '`' | '%' => Some("this character is reserved in YAML"),
            _ => None,
        };
        if let Some(why) = why {
            self.problem(
                span,
                Severity::Warning,
                format!("{why}, so YAML does not read this as text; quote it: {key}: \"{v}\""),
            );
        } else if v.contains(": ") || v.ends_with(':') {
            self.problem(
                span,
                Severity::Warning,
                format!("a plain value cannot contain `: ` in YAML; quote it: {key}: \"{v}\""),
            );
        }
    }

    /// `key:` with nothing after it: a block list, an indented scalar, or null.
    fn block_value(&mut self, key: &str, null_span: Span) -> Value {
        let mut j = self.i;
        while j < self.lines.len() && is_blank_or_comment(self.line(j)) {
            j += 1;
        }
        if j >= self.lines.len() {
            return Value::Null(null_span);
        }
        let s = self.line(j);
        let indent = indent_of(s);
        if is_dash_item(&s[indent..]) {
            return self.block_list(j, null_span);
        }
        if indent == 0 {
            return Value::Null(null_span);
        }
        self.i = j;
        let start = self.lines[j].start + indent;
        let t = strip_comment(&s[indent..]);
        self.i += 1;
        self.plain_value(key, t, start)
    }

    fn block_list(&mut self, from: usize, null_span: Span) -> Value {
        let mut items = Vec::new();
        let mut j = from;
        let mut end = null_span.end;
        while j < self.lines.len() {
            let s = self.line(j);
            if is_blank_or_comment(s) {
                j += 1;
                continue;
            }
            let indent = indent_of(s);
            let t = &s[indent..];
            if !is_dash_item(t) {
                break;
            }
            let line = self.lines[j];
            j += 1;
            self.i = j;
            let after = &t[1..];
            let ws = indent_of(after);
            let item = &after[ws..];
            let istart = line.start + indent + 1 + ws;
            end = line.end;
            if item.is_empty() || item.starts_with('#') {
                continue;
            }
            if item.starts_with('"') || item.starts_with('\'') {
                match quoted(item, istart) {
                    Ok((sc, used)) => {
                        self.check_rest(&item[used..], istart + used);
                        items.push(sc);
                    }
                    Err(p) => self.fm.problems.push(p),
                }
            } else if item.starts_with('[') || key_colon(item).is_some() {
                self.problem(
                    Span::new(istart, line.end),
                    Severity::Error,
                    "nested lists and mappings are not supported here; write one value per item",
                );
            } else {
                let v = strip_comment(item);
                self.warn_plain("-", v, istart);
                items.push(Scalar {
                    value: v.to_string(),
                    span: Span::new(istart, istart + v.len()),
                    verbatim: Some(istart),
                });
            }
        }
        Value::List(items, Span::new(null_span.start, end))
    }

    fn block_scalar(&mut self, start: usize, header: &str) -> Value {
        #[derive(PartialEq)]
        enum Chomp {
            Clip,
            Strip,
            Keep,
        }
        let literal = header.starts_with('|');
        let mut chomp = Chomp::Clip;
        for (k, c) in header.char_indices().skip(1) {
            match c {
                '-' => chomp = Chomp::Strip,
                '+' => chomp = Chomp::Keep,
                '0'..='9' => {}
                ' ' | '\t' => {
                    self.check_rest(&header[k..], start + k);
                    break;
                }
                _ => {
                    self.problem(
                        Span::new(start, start + header.len()),
                        Severity::Error,
                        "a block scalar header is `|` or `>`, optionally with `-` or `+`",
                    );
                    break;
                }
            }
        }
        let mut body: Vec<&str> = Vec::new();
        let mut content_indent = None;
        let mut end = start + header.len();
        while self.i < self.lines.len() {
            let s = self.line(self.i);
            let blank = s.trim_start_matches(WS).is_empty();
            if !blank && indent_of(s) == 0 {
                break;
            }
            if !blank {
                let ind = *content_indent.get_or_insert(indent_of(s));
                body.push(&s[ind.min(indent_of(s))..]);
                end = self.lines[self.i].end;
            } else {
                body.push("");
            }
            self.i += 1;
        }
        let mut value = String::new();
        if literal {
            for l in &body {
                value.push_str(l);
                value.push('\n');
            }
        } else {
            let mut prev_text = false;
            for l in &body {
                if l.is_empty() {
                    value.push('\n');
                    prev_text = false;
                } else {
                    if prev_text {
                        value.push(' ');
                    }
                    value.push_str(l);
                    prev_text = true;
                }
            }
            if prev_text {
                value.push('\n');
            }
        }
        if chomp != Chomp::Keep {
            let trimmed_len = value.trim_end_matches('\n').len();
            value.truncate(trimmed_len);
            if chomp == Chomp::Clip && !value.is_empty() {
                value.push('\n');
            }
        }
        Value::Scalar(Scalar { value, span: Span::new(start, end), verbatim: None })
    }

    fn flow_list(&mut self, open: usize) -> Value {
        let text = self.text;
        let end = self.region_end;
        let bytes = text.as_bytes();
        let mut pos = open + 1;
        let mut items = Vec::new();
        let closed = loop {
            // Skip whitespace, newlines and comments.
            while pos < end {
                match bytes[pos] {
                    b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
                    b'#' => pos = line_end(text, pos, end),
                    _ => break,
                }
            }
            if pos >= end {
                break false;
            }
            match bytes[pos] {
                b']' => {
                    pos += 1;
                    break true;
                }
                b',' => pos += 1,
                b'"' | b'\'' => {
                    let le = line_end(text, pos, end);
                    match quoted(&text[pos..le], pos) {
                        Ok((sc, used)) => {
                            items.push(sc);
                            pos += used;
                        }
                        Err(p) => {
                            self.fm.problems.push(p);
                            pos = le;
                        }
                    }
                }
                _ => {
                    let start = pos;
                    let mut depth = 0usize;
                    while pos < end {
                        match bytes[pos] {
                            b'\r' | b'\n' => break,
                            b'{' | b'[' => depth += 1,
                            b'}' | b']' if depth > 0 => depth -= 1,
                            b']' | b',' if depth == 0 => break,
                            b'#' if pos > start && matches!(bytes[pos - 1], b' ' | b'\t') => break,
                            _ => {}
                        }
                        pos += 1;
                    }
                    let v = text[start..pos].trim_end_matches(WS);
                    if !v.is_empty() {
                        items.push(Scalar {
                            value: v.to_string(),
                            span: Span::new(start, start + v.len()),
                            verbatim: Some(start),
                        });
                    }
                }
            }
        };
        if closed {
            let le = line_end(text, pos, end);
            self.check_rest(&text[pos..le], pos);
        } else {
            self.problem(Span::new(open, open + 1), Severity::Error, "this `[` list is not closed with `]`");
        }
        // Continue after the line holding the last byte read.
        let last = pos.saturating_sub(1).max(open);
        self.i = self.lines.iter().position(|l| l.next > last).map_or(self.lines.len(), |k| k + 1);
        Value::List(items, Span::new(open, pos.min(end)))
    }
}

/// End of the line holding `pos` (before `\r\n`), at most `limit`.
fn line_end(text: &str, pos: usize, limit: usize) -> usize {
    let e = text[pos..limit].find('\n').map_or(limit, |i| pos + i);
    if e > pos && text.as_bytes()[e - 1] == b'\r' { e - 1 } else { e }
}

/// The byte index of the `:` that ends a key: the first one followed by
/// whitespace or the end of the line (after a quoted key, if any).
fn key_colon(s: &str) -> Option<usize> {
    let from = match s.chars().next() {
        Some(q @ ('"' | '\'')) => s[1..].find(q).map_or(0, |i| i + 2),
        _ => 0,
    };
    let b = s.as_bytes();
    (from..b.len()).find(|&i| b[i] == b':' && (i + 1 == b.len() || matches!(b[i + 1], b' ' | b'\t')))
}

fn unquote_key(k: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = k.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    k
}

/// A plain scalar without its trailing ` # comment` and whitespace.
fn strip_comment(v: &str) -> &str {
    let b = v.as_bytes();
    let cut = (1..b.len()).find(|&i| b[i] == b'#' && matches!(b[i - 1], b' ' | b'\t')).unwrap_or(b.len());
    v[..cut].trim_end_matches(WS)
}

/// Parses the quoted scalar at the start of `s` (which begins with `"` or
/// `'`); `base` is the offset of `s` in the text. Returns the scalar and the
/// bytes used.
fn quoted(s: &str, base: usize) -> Result<(Scalar, usize), Problem> {
    let double = s.starts_with('"');
    let q = if double { '"' } else { '\'' };
    let mut out = String::new();
    let mut escaped = false;
    let mut it = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = it.next() {
        if c == q {
            if !double && it.peek().is_some_and(|&(_, n)| n == '\'') {
                it.next();
                out.push('\'');
                escaped = true;
                continue;
            }
            let verbatim = (!escaped).then_some(base + 1);
            return Ok((Scalar { value: out, span: Span::new(base, base + i + 1), verbatim }, i + 1));
        }
        if c == '\\' && double {
            escaped = true;
            let bad = |to: usize, what: &str| Problem {
                span: Span::new(base + i, base + to),
                severity: Severity::Error,
                message: format!("unknown escape `{what}` in a double-quoted value; write `\\\\` for a backslash"),
            };
            let Some((j, e)) = it.next() else { break };
            let simple = match e {
                'n' => Some('\n'),
                't' | '\t' => Some('\t'),
                'r' => Some('\r'),
                '0' => Some('\0'),
                '"' => Some('"'),
                '\\' => Some('\\'),
                '/' => Some('/'),
                ' ' => Some(' '),
                'e' => Some('\u{1b}'),
                _ => None,
            };
            if let Some(ch) = simple {
                out.push(ch);
                continue;
            }
            let n = match e {
                'x' => 2,
                'u' => 4,
                'U' => 8,
                _ => return Err(bad(j + e.len_utf8(), &s[i..j + e.len_utf8()])),
            };
            let start = j + 1;
            let hex = s.get(start..start + n).filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
            let ch = hex.and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
            let Some(ch) = ch else {
                let to = (start + n).min(s.len());
                let to = (0..=to).rev().find(|&t| s.is_char_boundary(t)).unwrap_or(start);
                return Err(bad(to, &s[i..to]));
            };
            out.push(ch);
            for _ in 0..n {
                it.next();
            }
            continue;
        }
        out.push(c);
    }
    Err(Problem {
        span: Span::new(base, base + s.len()),
        severity: Severity::Error,
        message: "unterminated quoted value: close the quote on the same line".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<(String, String)> {
        let fm = split(text);
        assert!(fm.problems.is_empty(), "{:?}", fm.problems);
        fm.entries
            .into_iter()
            .map(|e| {
                let v = match e.value {
                    Value::Null(_) => "~".to_string(),
                    Value::Scalar(s) => s.value,
                    Value::List(items, _) => {
                        format!("[{}]", items.iter().map(|s| s.value.as_str()).collect::<Vec<_>>().join("|"))
                    }
                };
                (e.key, v)
            })
            .collect()
    }

    #[test]
    fn forms() {
        let got = entries(
            "---\na: plain # c\nb: \"x\\\\y\\u00e9\"\nc: 'it''s'\nd:\n  - one\n  - 'two'\ne: [p, \"q\", {r,s}]\nf: |\n  l1\n  l2\ng: >-\n  w1\n  w2\nh:\n---\n",
        );
        let want = [
            ("a", "plain"),
            ("b", "x\\yé"),
            ("c", "it's"),
            ("d", "[one|two]"),
            ("e", "[p|q|{r,s}]"),
            ("f", "l1\nl2\n"),
            ("g", "w1 w2"),
            ("h", "~"),
        ];
        let want: Vec<(String, String)> = want.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn multi_line_flow_list() {
        let got = entries("---\nk: [a,\n  b, # c\n  c]\nz: 1\n---\n");
        assert_eq!(got, vec![("k".into(), "[a|b|c]".into()), ("z".into(), "1".into())]);
    }
}
