//! Reading a JSON document that is still arriving. [`parse_prefix`] turns
//! any prefix of a JSON text into the value it has so far: complete
//! members are kept, an unfinished string, number or literal is dropped,
//! an unfinished element of an array is left out whole, and open arrays and
//! objects are closed. Used for live previews of structured output: list
//! items (requirements, tasks, terms) appear only once complete, so the
//! rendered preview only ever grows.
//!
//! Nesting is bounded ([`MAX_DEPTH`], as `serde_json` and the hook reader
//! bound it): the text is the model's, and a stream of `[[[[…` must not
//! overflow the stack. Beyond the bound there is no preview at all.

use serde_json::{Map, Value};

/// The deepest nesting of arrays and objects read; deeper text gives `None`.
pub const MAX_DEPTH: usize = 128;

/// The value a JSON prefix holds so far (`None` if nothing yet, or if the
/// text nests deeper than [`MAX_DEPTH`]).
pub fn parse_prefix(text: &str) -> Option<Value> {
    let mut p = Parser { s: text.as_bytes(), i: 0, text, depth: 0, too_deep: false };
    p.ws();
    let value = p.value().map(|(v, _)| v);
    if p.too_deep { None } else { value }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    text: &'a str,
    /// Arrays and objects open around the current position.
    depth: usize,
    /// Set once the text nested beyond [`MAX_DEPTH`]; parsing stops there.
    too_deep: bool,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }

    /// A value and whether it is complete.
    fn value(&mut self) -> Option<(Value, bool)> {
        self.ws();
        match *self.s.get(self.i)? {
            b'{' | b'[' => self.nested(),
            b'"' => self.string().map(|s| (Value::String(s), true)),
            _ => self.scalar().map(|v| (v, true)),
        }
    }

    /// An array or object, unless it would nest too deep: then `None`,
    /// which ends every enclosing value as incomplete without reading on.
    fn nested(&mut self) -> Option<(Value, bool)> {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return None;
        }
        self.depth += 1;
        let value = if self.s[self.i] == b'{' { self.object() } else { self.array() };
        self.depth -= 1;
        Some(value)
    }

    fn object(&mut self) -> (Value, bool) {
        self.i += 1;
        let mut map = Map::new();
        loop {
            self.ws();
            match self.s.get(self.i) {
                None => return (Value::Object(map), false),
                Some(b'}') => {
                    self.i += 1;
                    return (Value::Object(map), true);
                }
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                Some(b'"') => {}
                Some(_) => return (Value::Object(map), false),
            }
            let Some(key) = self.string() else { return (Value::Object(map), false) };
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return (Value::Object(map), false);
            }
            self.i += 1;
            match self.value() {
                Some((v, complete)) => {
                    map.insert(key, v);
                    if !complete {
                        return (Value::Object(map), false);
                    }
                }
                None => return (Value::Object(map), false),
            }
        }
    }

    fn array(&mut self) -> (Value, bool) {
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.ws();
            match self.s.get(self.i) {
                None => return (Value::Array(items), false),
                Some(b']') => {
                    self.i += 1;
                    return (Value::Array(items), true);
                }
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                Some(_) => {}
            }
            match self.value() {
                Some((v, true)) => items.push(v),
                _ => return (Value::Array(items), false),
            }
        }
    }

    /// A complete string, or `None` if it is unfinished.
    fn string(&mut self) -> Option<String> {
        let start = self.i;
        self.i += 1;
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return serde_json::from_str(self.text.get(start..self.i)?).ok();
                }
                _ => self.i += 1,
            }
        }
        None
    }

    /// A number or literal followed by a delimiter (so it cannot still grow).
    fn scalar(&mut self) -> Option<Value> {
        let start = self.i;
        while self.i < self.s.len() && !matches!(self.s[self.i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
        if self.i == self.s.len() {
            return None;
        }
        serde_json::from_str(self.text.get(start..self.i)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prefixes_keep_complete_members_only() {
        assert_eq!(parse_prefix(""), None);
        assert_eq!(parse_prefix("{"), Some(json!({})));
        assert_eq!(parse_prefix(r#"{"a": "x", "b": "unfin"#), Some(json!({"a": "x"})));
        assert_eq!(parse_prefix(r#"{"a": [1, 2, {"c": "d"}, {"e": "#), Some(json!({"a": [1, 2, {"c": "d"}]})));
        assert_eq!(parse_prefix(r#"{"o": {"p": "q", "r": "#), Some(json!({"o": {"p": "q"}})), "members stay partial");
        assert_eq!(parse_prefix(r#"{"n": 12"#), Some(json!({})), "a number may still grow");
        assert_eq!(parse_prefix(r#"{"s": "a\"b"}"#), Some(json!({"s": "a\"b"})));
        assert_eq!(parse_prefix(r#"{"t": true, "#), Some(json!({"t": true})));
    }

    #[test]
    fn every_prefix_of_a_document_parses() {
        let doc = r#"{"introduction": "Hi \u00e9 😀", "list": [{"x": [1, 2.5, null]}, "y"], "done": false}"#;
        for (i, _) in doc.char_indices() {
            let _ = parse_prefix(&doc[..i]);
        }
        assert_eq!(parse_prefix(doc), serde_json::from_str(doc).ok());
    }

    #[test]
    fn deep_nesting_gives_no_preview_instead_of_overflowing() {
        for unit in ["[", "{\"a\":", "[{\"a\": ", " [ "] {
            let deep = unit.repeat(100_000);
            assert_eq!(parse_prefix(&deep), None, "{unit:?} × 100 000");
            let closed = format!("{deep}1{}", "]".repeat(100_000));
            assert_eq!(parse_prefix(&closed), None);
        }
        let at_the_limit = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_prefix(&at_the_limit).is_some(), "{MAX_DEPTH} levels are read");
        let beyond = format!("[{at_the_limit}]");
        assert_eq!(parse_prefix(&beyond), None);
        let objects = format!("{}1{}", "{\"a\": ".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert!(parse_prefix(&objects).is_some());
    }
}
