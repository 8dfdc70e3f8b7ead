//! Reading a JSON document that is still arriving. [`parse_prefix`] turns
//! any prefix of a JSON text into the value it has so far: complete
//! members are kept, an unfinished string, number or literal is dropped,
//! an unfinished element of an array is left out whole, and open arrays and
//! objects are closed. Used for live previews of structured output: list
//! items (requirements, tasks, terms) appear only once complete, so the
//! rendered preview only ever grows.

use serde_json::{Map, Value};

/// The value a JSON prefix holds so far (`None` if nothing yet).
pub fn parse_prefix(text: &str) -> Option<Value> {
    let mut p = Parser { s: text.as_bytes(), i: 0, text };
    p.ws();
    p.value().map(|(v, _)| v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    text: &'a str,
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
            b'{' => Some(self.object()),
            b'[' => Some(self.array()),
            b'"' => self.string().map(|s| (Value::String(s), true)),
            _ => self.scalar().map(|v| (v, true)),
        }
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
}
