//! Small helpers both wire formats share.

use serde_json::{Map, Value};

use crate::ModelError;

/// A tool's accumulated JSON input; no fragments at all means `{}`.
pub(crate) fn parse_input(json: &str, name: &str) -> Result<Value, ModelError> {
    if json.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_str(json)
        .map_err(|e| ModelError::Protocol(format!("the input of the tool call '{name}' is not JSON ({e})")))
}

/// [`parse_input`], keeping input that is not JSON as a JSON string of the
/// raw text: a malformed call is the caller's to report back to the model
/// (the agent answers it with an error result), not a failed answer.
pub(crate) fn input_or_raw(json: &str, name: &str) -> Value {
    parse_input(json, name).unwrap_or_else(|_| Value::String(json.to_string()))
}

/// A temperature as JSON: `0.2`, not the `0.20000000298023224` a plain
/// `f32` to `f64` conversion would send.
pub(crate) fn temperature(t: f32) -> Value {
    t.to_string().parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
}

/// The start of a long string, for error messages.
pub(crate) fn snippet(s: &str) -> String {
    const MAX: usize = 200;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperatures_are_sent_as_written() {
        assert_eq!(temperature(0.2).to_string(), "0.2");
        assert_eq!(temperature(1.0).to_string(), "1.0");
        assert_eq!(temperature(f32::NAN), Value::Null);
    }

    #[test]
    fn snippets_cut_on_char_boundaries() {
        assert_eq!(snippet("short"), "short");
        let long = "é".repeat(300);
        assert_eq!(snippet(&long).chars().count(), 201);
    }
}
