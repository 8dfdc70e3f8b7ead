//! What both wire formats share: which API a path belongs to, what the
//! request asked for, and SSE events as they go on the wire.

use crate::{anthropic, openai};

/// Which provider's wire format a request path speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    Anthropic,
    OpenAi,
}

impl Api {
    /// `…/messages` is Anthropic, `…chat/completions` is OpenAI (query
    /// strings such as Azure's `?api-version=` are ignored); anything else is
    /// not a model endpoint.
    pub(crate) fn for_path(target: &str) -> Option<Api> {
        let path = target.split(['?', '#']).next().unwrap_or_default();
        let path = path.trim_end_matches('/');
        if path.ends_with("/messages") {
            Some(Api::Anthropic)
        } else if path.ends_with("chat/completions") {
            Some(Api::OpenAi)
        } else {
            None
        }
    }

    pub(crate) fn stream(self, ex: &Exchange, content: &Content<'_>) -> Stream {
        match self {
            Api::Anthropic => anthropic::stream(ex, content),
            Api::OpenAi => openai::stream(ex, content),
        }
    }

    /// The delta event carrying `fragment`, shaped as in [`Api::stream`].
    pub(crate) fn delta(self, ex: &Exchange, content: &Content<'_>, fragment: &str) -> SseEvent {
        match self {
            Api::Anthropic => anthropic::delta(content, fragment),
            Api::OpenAi => openai::delta(ex, content, fragment),
        }
    }

    /// The complete non-streamed JSON body.
    pub(crate) fn body(self, ex: &Exchange, content: &Content<'_>) -> String {
        match self {
            Api::Anthropic => anthropic::body(ex, content),
            Api::OpenAi => openai::body(ex, content),
        }
    }

    /// The provider's JSON error body for an HTTP error `status`.
    pub(crate) fn error_body(self, status: u16, message: &str) -> String {
        match self {
            Api::Anthropic => anthropic::error_body(status, message),
            Api::OpenAi => openai::error_body(status, message),
        }
    }

    /// An error reported inside an already started stream.
    pub(crate) fn stream_error(self, message: &str) -> SseEvent {
        match self {
            Api::Anthropic => anthropic::stream_error(message),
            Api::OpenAi => openai::stream_error(message),
        }
    }

    /// Status and message of the provider's "overloaded" answer.
    pub(crate) fn overloaded(self) -> (u16, &'static str) {
        match self {
            Api::Anthropic => (529, "Overloaded"),
            Api::OpenAi => (503, "The engine is currently overloaded, please try again later"),
        }
    }

    /// Response headers every answer of this provider carries.
    pub(crate) fn common_headers(self, ex: &Exchange) -> Vec<(&'static str, String)> {
        match self {
            Api::Anthropic => vec![("request-id", format!("req_testkit_{}", ex.seq))],
            Api::OpenAi => vec![("x-request-id", format!("req_testkit_{}", ex.seq))],
        }
    }
}

/// What the request asked for, as far as the answer depends on it.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    /// 1-based arrival number of the request; used in ids.
    pub seq: usize,
    /// `model` from the request body, echoed in the answer.
    pub model: String,
    pub stream: bool,
    /// OpenAI `stream_options.include_usage`.
    pub include_usage: bool,
    /// A deterministic stand-in for the prompt's token count.
    pub input_tokens: u64,
}

impl Exchange {
    pub(crate) fn new(seq: usize, body: &serde_json::Value, raw_body: &str) -> Exchange {
        Exchange {
            seq,
            model: body["model"].as_str().unwrap_or("unknown-model").to_owned(),
            stream: body["stream"] == true,
            include_usage: body["stream_options"]["include_usage"] == true,
            input_tokens: (raw_body.len() as u64).div_ceil(4).max(1),
        }
    }
}

/// What a successful answer carries.
pub(crate) enum Content<'a> {
    Text(&'a [String]),
    Tool { id: &'a str, name: &'a str, chunks: &'a [String] },
}

impl Content<'_> {
    pub(crate) fn chunks(&self) -> &[String] {
        match self {
            Content::Text(chunks) | Content::Tool { chunks, .. } => chunks,
        }
    }

    pub(crate) fn joined(&self) -> String {
        self.chunks().concat()
    }

    /// One output token per chunk: deterministic and easy to assert.
    pub(crate) fn output_tokens(&self) -> u64 {
        self.chunks().len() as u64
    }
}

/// One server-sent event: `event: NAME` (Anthropic only) and one data line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    pub name: Option<&'static str>,
    pub data: String,
}

impl SseEvent {
    pub(crate) fn json<T: serde::Serialize>(name: Option<&'static str>, value: &T) -> SseEvent {
        SseEvent {
            name,
            // Serializing our own wire structs cannot fail (string keys only).
            data: serde_json::to_string(value).unwrap_or_default(),
        }
    }

    pub(crate) fn render(&self) -> String {
        match self.name {
            Some(name) => format!("event: {name}\ndata: {}\n\n", self.data),
            None => format!("data: {}\n\n", self.data),
        }
    }

    /// The same event with its JSON cut off just inside the delta object
    /// (`… "delta":{`), so the data line cannot parse.
    pub(crate) fn malformed(&self) -> SseEvent {
        SseEvent { name: self.name, data: truncate_json(&self.data, "\"delta\":{") }
    }
}

/// Cuts `json` right after the first `marker`, or in half when there is
/// none. A strict prefix of a JSON object never parses.
pub(crate) fn truncate_json(json: &str, marker: &str) -> String {
    match json.find(marker) {
        Some(at) => json[..at + marker.len()].to_owned(),
        None => first_half(json).to_owned(),
    }
}

/// The first half of `text` (at least one byte of a non-empty text, never
/// all of it), cut on a char boundary.
pub(crate) fn first_half(text: &str) -> &str {
    let mut half = text.len() / 2;
    while !text.is_char_boundary(half) {
        half -= 1;
    }
    if half == 0 && text.len() > 1 {
        half = text.chars().next().map_or(0, char::len_utf8);
    }
    &text[..half]
}

/// A streamed answer, split where scripts can cut or corrupt it.
pub(crate) struct Stream {
    /// Events before the first delta (`message_start`, the role chunk, …).
    pub prelude: Vec<SseEvent>,
    /// One event per scripted chunk.
    pub deltas: Vec<SseEvent>,
    /// Events after the last delta, through `message_stop` / `[DONE]`.
    pub epilogue: Vec<SseEvent>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_pick_the_api() {
        assert_eq!(Api::for_path("/v1/messages"), Some(Api::Anthropic));
        assert_eq!(Api::for_path("/anthropic/v1/messages?beta=true"), Some(Api::Anthropic));
        assert_eq!(Api::for_path("/v1/chat/completions"), Some(Api::OpenAi));
        assert_eq!(Api::for_path("/openai/deployments/x/chat/completions?api-version=1"), Some(Api::OpenAi));
        assert_eq!(Api::for_path("/v1/models"), None);
        assert_eq!(Api::for_path("/v1/messages/count_tokens"), None);
    }

    #[test]
    fn truncated_json_never_parses() {
        let json = r#"{"a":"ü","delta":{"b":1}}"#;
        assert_eq!(truncate_json(json, "\"delta\":{"), r#"{"a":"ü","delta":{"#);
        let half = truncate_json(json, "\"missing\":");
        assert!(json.starts_with(&half) && half.len() < json.len());
        assert!(serde_json::from_str::<serde_json::Value>(&half).is_err());
        assert_eq!(first_half("{}"), "{");
    }
}
