//! A small JSON reader that keeps byte spans. `serde_json` gives no spans, and
//! diagnostics and edits need the exact bytes of a key or value, so this
//! recursive-descent reader builds a tree of [`Value`]s with their spans and
//! leaves only string unescaping and number syntax to `serde_json`.
//!
//! [`parse`] accepts exactly JSON (RFC 8259), as Kiro's `JSON.parse` does:
//! no comments, no trailing commas (hook files). [`parse_jsonc`] accepts
//! comments (`//`, `/* */`) and trailing commas too, as VS Code, and so
//! Kiro's editor, reads every file named `mcp.json`. Duplicate keys are kept
//! in order; lookups take the last one, as `JSON.parse` does.

/// A JSON value and the byte span `start..end` of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Value>),
    Object(Vec<Member>),
}

/// One `"key": value` of an object; `key_start..key_end` includes the quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_start: usize,
    pub key_end: usize,
    pub value: Value,
}

/// Where and why the text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

impl Kind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

impl Value {
    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The last member named `key` (later duplicates win, as in `JSON.parse`).
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().rev().find(|m| m.key == key)
    }
}

const MAX_DEPTH: usize = 128;

/// Exactly JSON.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    parse_as(text, false)
}

/// JSON with comments and trailing commas.
pub fn parse_jsonc(text: &str) -> Result<Value, SyntaxError> {
    parse_as(text, true)
}

fn parse_as(text: &str, jsonc: bool) -> Result<Value, SyntaxError> {
    let mut p = Parser { s: text, b: text.as_bytes(), i: 0, depth: 0, jsonc };
    if text.starts_with('\u{feff}') {
        p.i = '\u{feff}'.len_utf8();
    }
    p.ws();
    if p.i >= p.b.len() {
        return Err(p.err_at(p.i, "the file is empty; expected a JSON object"));
    }
    let value = p.value()?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.err_at(p.i, "unexpected text after the end of the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
    /// Comments and trailing commas are allowed.
    jsonc: bool,
}

impl Parser<'_> {
    /// Skips whitespace (and, in JSONC, comments: an unterminated block
    /// comment runs to the end of the text, where a value is then missing).
    fn ws(&mut self) {
        loop {
            while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
                self.i += 1;
            }
            if !self.jsonc {
                return;
            }
            match (self.b.get(self.i), self.b.get(self.i + 1)) {
                (Some(b'/'), Some(b'/')) => {
                    while self.i < self.b.len() && self.b[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    self.i = self.s[self.i + 2..].find("*/").map_or(self.b.len(), |j| self.i + 2 + j + 2);
                }
                _ => return,
            }
        }
    }

    /// An error covering the character at `at` (empty at the end of text).
    fn err_at(&self, at: usize, message: &str) -> SyntaxError {
        let at = at.min(self.b.len());
        let len = self.s.get(at..).and_then(|r| r.chars().next()).map_or(0, char::len_utf8);
        SyntaxError { start: at, end: at + len, message: message.to_owned() }
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        self.ws();
        let Some(&c) = self.b.get(self.i) else {
            return Err(self.err_at(self.i, "unexpected end of file; expected a value"));
        };
        match c {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => {
                let (start, end, s) = self.string()?;
                Ok(Value { start, end, kind: Kind::String(s) })
            }
            b't' => self.literal("true", Kind::Bool(true)),
            b'f' => self.literal("false", Kind::Bool(false)),
            b'n' => self.literal("null", Kind::Null),
            b'-' | b'0'..=b'9' => self.number(),
            b'\'' => Err(self.err_at(self.i, "JSON strings use double quotes, not single quotes")),
            b'/' if self.jsonc => Err(self.err_at(self.i, "a comment starts with `//` or `/*`")),
            b'/' => Err(self.err_at(self.i, "JSON does not allow comments")),
            _ => Err(self.err_at(self.i, "expected a JSON value (object, array, string, number, true, false or null)")),
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Value, SyntaxError> {
        let start = self.i;
        if self.s[start..].starts_with(word) {
            self.i += word.len();
            Ok(Value { start, end: self.i, kind })
        } else {
            Err(self.err_at(start, "expected a JSON value (object, array, string, number, true, false or null)"))
        }
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.i;
        while self.i < self.b.len() && matches!(self.b[self.i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            self.i += 1;
        }
        match serde_json::from_str::<serde_json::Number>(&self.s[start..self.i]) {
            Ok(n) => Ok(Value { start, end: self.i, kind: Kind::Number(n) }),
            Err(_) => Err(SyntaxError { start, end: self.i, message: "invalid number".to_owned() }),
        }
    }

    /// A string token: its span (with quotes) and unescaped content.
    fn string(&mut self) -> Result<(usize, usize, String), SyntaxError> {
        let start = self.i;
        let mut j = start + 1;
        loop {
            match self.b.get(j) {
                None => {
                    return Err(SyntaxError {
                        start,
                        end: self.b.len(),
                        message: "unterminated string: missing the closing `\"`".to_owned(),
                    });
                }
                Some(b'"') => break,
                Some(b'\\') => j += 2,
                Some(b'\n') => {
                    return Err(SyntaxError {
                        start,
                        end: j,
                        message: "unterminated string: JSON strings cannot span lines (write `\\n`)".to_owned(),
                    });
                }
                Some(_) => j += 1,
            }
        }
        let end = j + 1;
        self.i = end;
        match serde_json::from_str::<String>(&self.s[start..end]) {
            Ok(s) => Ok((start, end, s)),
            Err(e) => Err(SyntaxError { start, end, message: format!("invalid string: {}", strip_position(&e)) }),
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at(self.i, "nesting is too deep"));
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Value, SyntaxError> {
        self.enter()?;
        let start = self.i;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value { start, end: self.i, kind: Kind::Array(items) });
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => {
                    let comma = self.i;
                    self.i += 1;
                    self.ws();
                    if self.b.get(self.i) == Some(&b']') {
                        if !self.jsonc {
                            return Err(self.err_at(comma, "trailing comma: JSON does not allow a comma before `]`"));
                        }
                        self.i += 1;
                        self.depth -= 1;
                        return Ok(Value { start, end: self.i, kind: Kind::Array(items) });
                    }
                }
                Some(b']') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value { start, end: self.i, kind: Kind::Array(items) });
                }
                _ => return Err(self.err_at(self.i, "expected `,` or `]` in the array")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, SyntaxError> {
        self.enter()?;
        let start = self.i;
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value { start, end: self.i, kind: Kind::Object(members) });
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.err_at(self.i, "expected a property name in double quotes"));
            }
            let (key_start, key_end, key) = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.err_at(self.i, "expected `:` after the property name"));
            }
            self.i += 1;
            let value = self.value()?;
            members.push(Member { key, key_start, key_end, value });
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => {
                    let comma = self.i;
                    self.i += 1;
                    self.ws();
                    if self.b.get(self.i) == Some(&b'}') {
                        if !self.jsonc {
                            return Err(self.err_at(comma, "trailing comma: JSON does not allow a comma before `}`"));
                        }
                        self.i += 1;
                        self.depth -= 1;
                        return Ok(Value { start, end: self.i, kind: Kind::Object(members) });
                    }
                }
                Some(b'}') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value { start, end: self.i, kind: Kind::Object(members) });
                }
                _ => return Err(self.err_at(self.i, "expected `,` or `}` after the property")),
            }
        }
    }
}

/// `serde_json`'s message without its " at line 1 column 7" suffix, which
/// refers to the token, not the file.
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_keys_and_values() {
        let text = r#" {"a": [1, "x\n"], "b": {"c": null}} "#;
        let v = parse(text).unwrap();
        assert_eq!((v.start, v.end), (1, text.len() - 1));
        let a = v.get("a").unwrap();
        assert_eq!(&text[a.key_start..a.key_end], r#""a""#);
        assert_eq!(&text[a.value.start..a.value.end], r#"[1, "x\n"]"#);
        let Kind::Array(items) = &a.value.kind else { panic!() };
        assert_eq!(items[1].kind, Kind::String("x\n".into()));
        let c = v.get("b").unwrap().value.get("c").unwrap();
        assert_eq!(&text[c.value.start..c.value.end], "null");
    }

    #[test]
    fn errors_point_at_the_offending_byte() {
        let cases = [
            ("{\"a\": 1,}", 7, "trailing comma"),
            ("{\"a\" 1}", 5, "expected `:`"),
            ("{'a': 1}", 1, "double quotes"),
            ("{\"a\": 1} x", 9, "unexpected text"),
            ("", 0, "empty"),
            ("{\"a\": \"\\q\"}", 6, "invalid string"),
            ("{\"a\": 01}", 6, "invalid number"),
        ];
        for (text, at, msg) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.start, at, "{text}: {e:?}");
            assert!(e.message.contains(msg), "{text}: {e:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).unwrap_err().message.contains("too deep"));
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let v = parse(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(v.get("a").unwrap().value.kind, Kind::Number(2.into()));
    }

    #[test]
    fn comments_and_trailing_commas_are_jsonc() {
        let text = "// servers\n{\"a\": [1, 2,], /* b */ \"b\": {\"c\": null,},}\n// end";
        let v = parse_jsonc(text).unwrap();
        let Kind::Array(items) = &v.get("a").unwrap().value.kind else { panic!() };
        assert_eq!(items.len(), 2);
        let b = v.get("b").unwrap();
        assert_eq!(&text[b.key_start..b.key_end], "\"b\"");
        assert_eq!(&text[b.value.start..b.value.end], "{\"c\": null,}");
        assert!(parse(text).is_err(), "plain JSON still refuses them");
    }

    #[test]
    fn jsonc_errors_point_at_the_offending_byte() {
        let cases = [
            ("{\"a\": 1,,}", 8, "expected a property name"),
            ("{\"a\": /* open", 13, "unexpected end of file"),
            ("{\"a\": /x}", 6, "a comment starts with"),
        ];
        for (text, at, msg) in cases {
            let e = parse_jsonc(text).unwrap_err();
            assert_eq!(e.start, at, "{text}: {e:?}");
            assert!(e.message.contains(msg), "{text}: {e:?}");
        }
    }
}
