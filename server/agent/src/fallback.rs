//! Tool calls for models without native tool support: the tools are
//! described in the system prompt, the model writes each call as a
//! `<tool_call>` block holding one JSON object, and the results come back
//! as `<tool_result>` blocks in the next user message.
//!
//! The format the model writes (one or more blocks per answer, optionally
//! inside a ``` fence):
//!
//! ```text
//! <tool_call>
//! {"name": "read_file", "arguments": {"path": "src/a.ts"}}
//! </tool_call>
//! ```
//!
//! Parsing is lenient (whitespace and case in the tags, a missing closing
//! tag, `input`/`args`/`parameters`/`params` for `arguments`, arguments as
//! a string holding JSON, trailing commas) and never panics: a block that
//! cannot be read is an `Err` whose message the model reads as the result.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Value};
use specwright_models::ToolSpec;

/// The most calls run from one answer; later blocks are reported, not run.
pub const MAX_CALLS: usize = 16;

const OPEN: &str = "<tool_call>";
const CLOSE: &str = "</tool_call>";

/// A call read from the model's text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedCall {
    pub name: String,
    /// What the model gave as arguments (an object unless the model erred;
    /// the loop refuses anything else with an error the model reads).
    pub arguments: Value,
}

/// Text for the system prompt: the call format and every tool's name,
/// description and input schema.
pub fn tool_instructions(specs: &[ToolSpec]) -> String {
    let mut out = String::from(
        "# Tools\n\n\
         You can call tools. Call a tool by writing a block in your answer, exactly in this form:\n\n\
         <tool_call>\n\
         {\"name\": \"read_file\", \"arguments\": {\"path\": \"src/a.ts\"}}\n\
         </tool_call>\n\n\
         Rules:\n\
         - Inside the block write one JSON object: \"name\" is the tool's name, \"arguments\" is an object \
         that follows the tool's input schema.\n",
    );
    out.push_str(&format!("- You may write several blocks in one answer (at most {MAX_CALLS}); they run in order.\n"));
    out.push_str(
        "- After your last block, stop writing and wait. The results come in the next message, one per call, as\n  \
         <tool_result name=\"read_file\">…</tool_result>\n  \
         (with error=\"true\" when the call failed: read the error and fix the call). \
         Never write <tool_result> blocks yourself.\n\
         - When you need no tool, answer without any block; that ends your turn.\n\n\
         ## Available tools\n",
    );
    for spec in specs {
        let schema = serde_json::to_string(&spec.input_schema).unwrap_or_else(|_| "{}".into());
        out.push_str(&format!("\n### {}\n{}\nInput schema: {}\n", spec.name, spec.description.trim(), schema));
    }
    out
}

fn open_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)<\s*tool_call\s*>").expect("valid regex"))
}

fn close_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)<\s*/\s*tool_call\s*>").expect("valid regex"))
}

/// Reads the `<tool_call>` blocks of an answer: returns the text without
/// them (unchanged when there is none) and one entry per block, in order,
/// `Err` holding what the model reads when a block cannot be used. At most
/// [`MAX_CALLS`] blocks are read; one more `Err` reports the rest.
pub fn parse_calls(text: &str) -> (String, Vec<Result<ParsedCall, String>>) {
    // Both lists are found in one linear pass each, so the work stays linear.
    let opens: Vec<(usize, usize)> = open_re().find_iter(text).map(|m| (m.start(), m.end())).collect();
    if opens.is_empty() {
        return (text.to_string(), Vec::new());
    }
    let closes: Vec<(usize, usize)> = close_re().find_iter(text).map(|m| (m.start(), m.end())).collect();
    let mut kept = String::new();
    let mut calls = Vec::new();
    let mut ignored = 0usize;
    let mut pos = 0;
    let mut next_close = 0;
    for (i, &(open_start, open_end)) in opens.iter().enumerate() {
        if open_start < pos {
            continue;
        }
        let next_open = opens.get(i + 1).map(|o| o.0);
        while next_close < closes.len() && closes[next_close].0 < open_end {
            next_close += 1;
        }
        // The block ends at its closing tag, else (a missing tag) at the next block or the end.
        let (body_end, block_end) = match closes.get(next_close) {
            Some(&(s, e)) if next_open.is_none_or(|o| s < o) => (s, e),
            _ => {
                let e = next_open.unwrap_or(text.len());
                (e, e)
            }
        };
        let before = &text[pos..open_start];
        let cut = fence_before(before);
        kept.push_str(&before[..cut]);
        pos = block_end;
        if cut < before.len() {
            pos += fence_after(&text[block_end..]);
        }
        if calls.len() < MAX_CALLS {
            calls.push(parse_body(&text[open_end..body_end]));
        } else {
            ignored += 1;
        }
    }
    kept.push_str(&text[pos..]);
    if ignored > 0 {
        calls.push(Err(format!(
            "only the first {MAX_CALLS} tool calls of an answer are run; {ignored} more were ignored: \
             call them again after reading these results"
        )));
    }
    (tidy(&kept), calls)
}

/// Where the text before a block ends when its last line opens a ``` fence
/// around the block (else its length).
fn fence_before(before: &str) -> usize {
    let trimmed = before.trim_end();
    let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
    let line = trimmed[line_start..].trim_start();
    match line.strip_prefix("```") {
        Some(info) if info.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') => line_start,
        _ => before.len(),
    }
}

/// How many bytes of `after` a closing ``` fence (and its line) takes.
fn fence_after(after: &str) -> usize {
    let rest = after.trim_start();
    let skipped = after.len() - rest.len();
    match rest.strip_prefix("```") {
        Some(tail) => {
            let line_end = tail.find('\n').map_or(tail.len(), |i| i + 1);
            if tail[..line_end].trim().is_empty() { skipped + 3 + line_end } else { 0 }
        }
        None => 0,
    }
}

/// The text with blocks removed: no runs of blank lines, trimmed.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut newlines = 0;
    for c in text.trim().chars() {
        if c == '\n' {
            newlines += 1;
            if newlines > 2 {
                continue;
            }
        } else if !c.is_whitespace() {
            newlines = 0;
        }
        out.push(c);
    }
    out
}

/// One block's content as a call.
fn parse_body(body: &str) -> Result<ParsedCall, String> {
    let value = parse_json_lenient(body).map_err(|e| {
        format!(
            "the tool call is not valid JSON ({e}); write one object like \
             {{\"name\": \"read_file\", \"arguments\": {{\"path\": \"src/a.ts\"}}}} between <tool_call> and </tool_call>"
        )
    })?;
    let Value::Object(mut object) = value else {
        return Err("the tool call must be one JSON object with \"name\" and \"arguments\"".into());
    };
    // OpenAI style: {"type": "function", "function": {"name": …, "arguments": …}}.
    if let Some(Value::Object(inner)) = object.get("function")
        && inner.get("name").is_some_and(Value::is_string)
    {
        object = inner.clone();
    }
    let name = ["name", "tool", "tool_name", "function"]
        .iter()
        .find_map(|k| match object.remove(*k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        })
        .ok_or_else(|| "the tool call has no \"name\" (a string naming the tool)".to_string())?;
    let arguments = match ["arguments", "input", "args", "parameters", "params"].iter().find_map(|k| object.remove(*k))
    {
        None => {
            // {"name": "read_file", "path": "a"}: the other keys are the arguments.
            object.remove("type");
            object.remove("id");
            Value::Object(object)
        }
        Some(Value::Null) => Value::Object(Map::new()),
        Some(Value::String(s)) if s.trim().is_empty() => Value::Object(Map::new()),
        Some(Value::String(s)) => parse_json_lenient(&s).map_err(|e| {
            format!("the arguments of '{name}' are a string that is not valid JSON ({e}); send them as one object")
        })?,
        Some(other) => other,
    };
    Ok(ParsedCall { name, arguments })
}

/// The JSON value in `text`: from its first `{` (or the whole text), with
/// trailing commas dropped and anything after the first value ignored.
fn parse_json_lenient(text: &str) -> Result<Value, String> {
    let start = text.find('{').unwrap_or(0);
    let end = text.rfind('}').map_or(text.len(), |i| i + 1).max(start);
    let candidate = text[start..end].trim();
    if candidate.is_empty() {
        return Err("the block is empty".into());
    }
    let first = match serde_json::from_str::<Value>(candidate) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let fixed = drop_trailing_commas(candidate);
    if let Ok(v) = serde_json::from_str::<Value>(&fixed) {
        return Ok(v);
    }
    // Something after the object (a second object, prose): take the first value.
    if let Some(Ok(v)) = serde_json::Deserializer::from_str(&fixed).into_iter::<Value>().next() {
        return Ok(v);
    }
    Err(first.to_string())
}

/// `text` without commas that directly precede `}` or `]` outside strings.
fn drop_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = text[i + 1..].trim_start().chars().next();
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The next user message after text calls: one `<tool_result>` block per
/// `(name, ok, output)`, in the order of the calls.
pub fn results_message(results: &[(String, bool, String)]) -> String {
    let mut out = String::new();
    for (name, ok, output) in results {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        let error = if *ok { "" } else { " error=\"true\"" };
        // A file holding a closing tag must not end the block early.
        let output = output.replace("</tool_result>", "<\\/tool_result>");
        out.push_str(&format!("<tool_result name=\"{}\"{error}>\n{output}\n</tool_result>", escape_attr(name)));
    }
    out
}

fn escape_attr(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Hides `<tool_call>…</tool_call>` from streamed text: feed the chunks to
/// [`StreamFilter::push`], then [`StreamFilter::finish`]. Only the exact
/// tags (any case) are recognised; other spellings stream as they are.
#[derive(Debug, Default)]
pub struct StreamFilter {
    pending: String,
    inside: bool,
}

impl StreamFilter {
    /// The part of the text so far that may be shown.
    pub fn push(&mut self, chunk: &str) -> String {
        self.pending.push_str(chunk);
        let mut out = String::new();
        loop {
            let tag = if self.inside { CLOSE } else { OPEN };
            if let Some(at) = find_ascii_ci(&self.pending, tag) {
                if !self.inside {
                    out.push_str(&self.pending[..at]);
                }
                self.pending.drain(..at + tag.len());
                self.inside = !self.inside;
                continue;
            }
            let keep = partial_suffix(&self.pending, tag);
            let cut = self.pending.len() - keep;
            if !self.inside {
                out.push_str(&self.pending[..cut]);
            }
            self.pending.drain(..cut);
            return out;
        }
    }

    /// What remains to show at the end of the answer.
    pub fn finish(&mut self) -> String {
        let rest = std::mem::take(&mut self.pending);
        if self.inside { String::new() } else { rest }
    }
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// The length of the longest end of `text` that begins `tag` (which starts
/// with `<`, an ASCII byte, so the cut is a character boundary).
fn partial_suffix(text: &str, tag: &str) -> usize {
    let bytes = text.as_bytes();
    let from = bytes.len().saturating_sub(tag.len() - 1);
    (from..bytes.len())
        .find(|&i| bytes[i] == b'<' && tag.as_bytes()[..bytes.len() - i].eq_ignore_ascii_case(&bytes[i..]))
        .map_or(0, |i| bytes.len() - i)
}
