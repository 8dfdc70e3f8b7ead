//! Compaction: before a conversation outgrows the model's context, its
//! older messages are replaced by a summary the model writes, and the most
//! recent ones are kept verbatim.
//!
//! Invariants:
//! - The kept tail starts with a genuine user message (text, not tool
//!   results), so no tool result is parted from its call and the roles
//!   still alternate as Anthropic requires: summary (user), acknowledgement
//!   (assistant), then the tail. When no such cut exists nothing changes.
//! - [`compact_session`] appends every message to the session's transcript
//!   on disk before any is replaced, and does not compact when it cannot.
//! - A failed or cancelled summary, or an empty one, changes nothing.

use specwright_models::{CancellationToken, ChatRequest, Content, Message, Model, ModelError, Role, StreamEvent};

use crate::session::{self, Session, SessionStore};

/// The start of the summary message that replaces the older messages.
pub const SUMMARY_PREFIX: &str = "Summary of the conversation so far:";

/// The assistant's answer to the summary, so that the kept tail, which
/// starts with a user message, still alternates.
pub const SUMMARY_ACK: &str = "Understood. I will continue from this summary.";

/// Most characters of one tool result, and of one tool call's input, that
/// the summary request shows (the transcript keeps them whole).
const TOOL_CHARS: usize = 2_000;

/// Most characters of one text the summary request shows.
const TEXT_CHARS: usize = 8_000;

/// Tokens every message costs beyond its content (role, framing), and
/// every tool call or result beyond its text (ids, names, framing).
const MESSAGE_OVERHEAD: usize = 4;
const TOOL_OVERHEAD: usize = 8;

const SYSTEM: &str = "You summarise a conversation between a user and a coding assistant, so that the assistant can \
continue it without the original messages. Write a faithful, compact summary: the user's goals and requests; the \
decisions made and why; the files read, created or changed (with their paths) and what changed; commands run and \
their outcome; the state of the work; open questions and next steps. Keep exact names, paths, identifiers and \
numbers. Do not add anything the conversation does not say. Answer with the summary only.";

/// How much of the model's context a conversation may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// The model's context window, in tokens. Compaction is due when the
    /// messages' estimate exceeds three quarters of it: the rest is left
    /// for the system prompt, the tools' schemas and the answer.
    pub context_tokens: usize,
    /// How many of the most recent messages are kept verbatim, at least
    /// (more when the cut must move back to a user message; never fewer
    /// than one).
    pub keep_recent: usize,
}

impl Budget {
    /// [`Budget::keep_recent`] unless set otherwise.
    pub const KEEP_RECENT: usize = 6;

    /// A budget for a context of `context_tokens`, keeping the default
    /// number of recent messages.
    pub fn new(context_tokens: usize) -> Self {
        Self { context_tokens, keep_recent: Self::KEEP_RECENT }
    }

    /// The estimate above which compaction is due.
    pub fn threshold(&self) -> usize {
        self.context_tokens - self.context_tokens / 4
    }
}

/// The estimated number of tokens `messages` take in a request: texts,
/// tool calls (name and serialized input) and tool results, priced by
/// [`specwright_index::tokens::count`], plus a small overhead for each
/// message and each tool part.
pub fn estimate_tokens(messages: &[Message]) -> usize {
    use specwright_index::tokens::count;
    messages
        .iter()
        .map(|message| {
            MESSAGE_OVERHEAD
                + message
                    .content
                    .iter()
                    .map(|part| match part {
                        Content::Text { text } => count(text),
                        Content::ToolUse { name, input, .. } => {
                            TOOL_OVERHEAD + count(name) + count(&serde_json::to_string(input).unwrap_or_default())
                        }
                        Content::ToolResult { content, .. } => TOOL_OVERHEAD + count(content),
                    })
                    .sum::<usize>()
        })
        .sum()
}

/// Whether `messages` exceed the budget's threshold and should be compacted.
pub fn needs_compaction(messages: &[Message], budget: &Budget) -> bool {
    estimate_tokens(messages) > budget.threshold()
}

/// Where the kept tail starts: the latest genuine user message that leaves
/// at least `keep_recent` messages after the cut, and at least one before
/// it to summarise. `None` when there is no such message; then nothing can
/// be compacted.
pub fn cut_point(messages: &[Message], keep_recent: usize) -> Option<usize> {
    let latest = messages.len().saturating_sub(keep_recent.max(1));
    (1..=latest).rev().find(|&i| is_genuine_user(&messages[i]))
}

/// A user message of text, not one carrying tool results (natively, or as
/// `<tool_result>` blocks for a model that writes its tool calls as text).
fn is_genuine_user(message: &Message) -> bool {
    message.role == Role::User
        && message.content.iter().any(|c| matches!(c, Content::Text { .. }))
        && message.content.iter().all(|c| match c {
            Content::Text { text } => !text.trim_start().starts_with("<tool_result "),
            _ => false,
        })
}

/// Asks `model` to summarise the messages before the cut ([`cut_point`])
/// and returns the summary message, its acknowledgement and the kept tail;
/// `messages` unchanged, without a request, when there is no cut. Compacts
/// whether or not [`needs_compaction`] says so. A model error, a
/// cancellation or an empty summary is an `Err`; the caller keeps the
/// original messages.
pub async fn compact(
    model: &dyn Model,
    messages: &[Message],
    budget: &Budget,
    cancel: &CancellationToken,
) -> Result<Vec<Message>, ModelError> {
    let Some(cut) = cut_point(messages, budget.keep_recent) else { return Ok(messages.to_vec()) };
    if cancel.is_cancelled() {
        return Err(ModelError::Cancelled);
    }
    let request = ChatRequest {
        system: Some(SYSTEM.into()),
        messages: vec![Message::user(format!(
            "Summarise this conversation:\n\n<conversation>\n{}</conversation>",
            render(&messages[..cut])
        ))],
        ..ChatRequest::default()
    };
    let response = model.chat(&request, cancel, &mut |_: StreamEvent| {}).await?;
    let summary = response.text.trim();
    if summary.is_empty() {
        return Err(ModelError::Protocol("the model answered the summary request with no text".into()));
    }
    let mut compacted = Vec::with_capacity(messages.len() - cut + 2);
    compacted.push(Message::user(format!("{SUMMARY_PREFIX}\n\n{summary}")));
    compacted.push(Message::assistant(SUMMARY_ACK));
    compacted.extend_from_slice(&messages[cut..]);
    Ok(compacted)
}

/// Compacts `session` when [`needs_compaction`] says so and a cut exists:
/// first appends its untranscribed messages to the transcript (and does not
/// compact when that fails), then replaces its messages by the compacted
/// ones. Afterwards every message of the session is accounted for in the
/// transcript ([`Session::transcribed`]): the kept tail is in it already,
/// and the summary pair is not a real message, so it is never appended.
/// `Ok(true)` when compacted; the caller saves the session.
pub async fn compact_session(
    store: &SessionStore,
    session: &mut Session,
    model: &dyn Model,
    budget: &Budget,
    cancel: &CancellationToken,
) -> Result<bool, String> {
    if !needs_compaction(&session.messages, budget) || cut_point(&session.messages, budget.keep_recent).is_none() {
        return Ok(false);
    }
    session::transcribe(store, session)
        .map_err(|e| format!("the session was not compacted: cannot write its transcript: {e}"))?;
    let compacted = compact(model, &session.messages, budget, cancel)
        .await
        .map_err(|e| format!("the session was not compacted: {e}"))?;
    session.messages = compacted;
    session.transcribed = session.messages.len();
    session.compactions += 1;
    Ok(true)
}

/// `messages` as a plain transcript for the summary request, long texts,
/// tool inputs and tool results clipped.
fn render(messages: &[Message]) -> String {
    let mut out = String::new();
    for message in messages {
        let speaker = match message.role {
            Role::User => "User",
            Role::Assistant => "Assistant",
        };
        for part in &message.content {
            let line = match part {
                Content::Text { text } => format!("{speaker}: {}", clip(text.trim(), TEXT_CHARS)),
                Content::ToolUse { name, input, .. } => {
                    let input = serde_json::to_string(input).unwrap_or_default();
                    format!("Assistant called the tool {name} with {}", clip(&input, TOOL_CHARS))
                }
                Content::ToolResult { content, is_error, .. } => {
                    let kind = if *is_error { "Tool error" } else { "Tool result" };
                    format!("{kind}: {}", clip(content.trim(), TOOL_CHARS))
                }
            };
            out.push_str(&line);
            out.push_str("\n\n");
        }
    }
    out
}

/// The first `limit` characters of `text`, saying how many were left out.
fn clip(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((at, _)) => {
            let left = text[at..].chars().count();
            format!("{} [… {left} more characters]", &text[..at])
        }
        None => text.to_string(),
    }
}
