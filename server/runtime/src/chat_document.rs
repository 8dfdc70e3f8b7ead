//! Chat in a Markdown document, for editors with no Specwright client: the
//! conversation lives in `.kiro/chat/<session>.md`; the user writes under
//! the last `## You` heading and saves, the answer is appended under
//! `## Specwright`, followed by a fresh `## You`.
//!
//! ```markdown
//! # Chat: login.ts
//!
//! <!-- specwright-chat session=s18c2f… — write under "## You" and save to send. -->
//!
//! ## You
//!
//! Why does this function return early?
//!
//! ## Specwright
//!
//! Because …
//!
//! ## You
//!
//! ```
//!
//! The format is plain Markdown: headings are found outside code fences
//! only, so a pasted snippet holding `## You` changes nothing.

/// Where chat documents live, relative to the workspace folder.
pub const FOLDER: &str = ".kiro/chat";

const YOU: &str = "## You";
const ANSWER: &str = "## Specwright";
const MARKER: &str = "<!-- specwright-chat session=";

/// The path of a session's document, relative to the workspace folder.
pub fn relative_path(session: &str) -> String {
    format!("{FOLDER}/{session}.md")
}

/// Whether a workspace-relative path (`/`-separated) is a chat document.
pub fn is_chat_document(rel: &str) -> bool {
    rel.strip_prefix(FOLDER)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| !name.contains('/') && name.ends_with(".md"))
}

/// A new document for `session`: its title, the marker, what the user
/// pointed at (`about`, sent with the first question), and the `## You`
/// heading under which the user writes.
pub fn new_document(session: &str, title: &str, about: Option<&str>) -> String {
    let mut text = format!(
        "# Chat: {title}\n\n{MARKER}{session} — write under \"## You\" and save to send. -->\n\n",
        title = title.replace('\n', " ")
    );
    if let Some(about) = about.map(str::trim).filter(|a| !a.is_empty()) {
        text.push_str(about);
        text.push_str("\n\n");
    }
    text.push_str(YOU);
    text.push_str("\n\n");
    text
}

/// What a saved document asks: the session and the text of its last
/// `## You` section, when that section is the last one and holds more than
/// whitespace and comments. The first question carries what stands before
/// the first `## You` (what the user pointed at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub session: String,
    pub prompt: String,
}

/// The question a saved document holds, if any (see [`Pending`]).
pub fn pending(text: &str) -> Option<Pending> {
    let session = session_of(text)?;
    let headings = headings(text);
    let &(last, body_start) = headings.last()?;
    if last != YOU {
        return None;
    }
    let question = strip_comments(&text[body_start..]).trim().to_string();
    if question.is_empty() {
        return None;
    }
    let prompt = match headings.as_slice() {
        [(_, first_body)] => {
            // The first question: with what the user pointed at.
            let heading_start = text[..*first_body].trim_end().len() - YOU.len();
            let preamble = text[..heading_start].split_once("-->").map_or("", |(_, rest)| rest);
            let preamble = strip_comments(preamble).trim().to_string();
            if preamble.is_empty() { question } else { format!("{preamble}\n\n{question}") }
        }
        _ => question,
    };
    Some(Pending { session, prompt })
}

/// The `## You` and `## Specwright` headings outside code fences, each with
/// the offset where its body starts.
fn headings(text: &str) -> Vec<(&'static str, usize)> {
    let mut found = Vec::new();
    let mut offset = 0;
    let mut fence: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        let start = trimmed.trim_start();
        match &fence {
            Some(open) if start.starts_with(open.as_str()) => fence = None,
            Some(_) => {}
            None if start.starts_with("```") || start.starts_with("~~~") => {
                fence = Some(start.chars().take_while(|c| *c == '`' || *c == '~').collect());
            }
            None if trimmed == YOU => found.push((YOU, offset + line.len())),
            None if trimmed == ANSWER => found.push((ANSWER, offset + line.len())),
            None => {}
        }
        offset += line.len();
    }
    found
}

/// The text appended after a turn: the answer under `## Specwright` (with
/// one line per tool call before it), then a fresh `## You`. `document`
/// is the current text, so the appended part starts on a line of its own.
pub fn answer_block(document: &str, answer: &str, tool_lines: &[String]) -> String {
    let mut block = String::new();
    if !document.ends_with('\n') {
        block.push('\n');
    }
    if !document.ends_with("\n\n") {
        block.push('\n');
    }
    block.push_str(ANSWER);
    block.push_str("\n\n");
    for line in tool_lines {
        block.push_str(&format!("> {}\n", line.replace('\n', " ")));
    }
    if !tool_lines.is_empty() {
        block.push('\n');
    }
    let answer = answer.trim();
    block.push_str(if answer.is_empty() { "_(no answer)_" } else { answer });
    // An answer that opened a fence and never closed it must not swallow
    // the next heading.
    if answer.matches("```").count() % 2 == 1 {
        block.push_str("\n```");
    }
    block.push_str(&format!("\n\n{YOU}\n\n"));
    block
}

fn session_of(text: &str) -> Option<String> {
    let start = text.find(MARKER)? + MARKER.len();
    let id: String = text[start..].chars().take_while(char::is_ascii_alphanumeric).collect();
    (!id.is_empty()).then_some(id)
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_document_is_not_pending_until_the_user_writes() {
        let doc = new_document("s1a", "login.ts", None);
        assert_eq!(pending(&doc), None);
        let doc = format!("{doc}Why?\n");
        assert_eq!(pending(&doc), Some(Pending { session: "s1a".into(), prompt: "Why?".into() }));
    }

    #[test]
    fn what_the_user_pointed_at_goes_with_the_first_question_only() {
        let about = "About `a.ts` lines 1–2:\n```ts\nconst a = 1;\n```";
        let doc = new_document("s1a", "a.ts", Some(about));
        assert_eq!(pending(&doc), None, "nothing is asked until the user writes");
        let doc = format!("{doc}Why 1?\n");
        assert_eq!(pending(&doc).map(|p| p.prompt), Some(format!("{about}\n\nWhy 1?")));
        let doc = format!("{doc}{}And 2?\n", answer_block(&doc, "Because.", &[]));
        assert_eq!(pending(&doc).map(|p| p.prompt), Some("And 2?".into()));
    }

    #[test]
    fn an_answered_question_is_not_pending_and_the_next_one_is() {
        let doc = format!("{}Why?\n", new_document("s2", "t", None));
        let doc = format!("{doc}{}", answer_block(&doc, "Because.", &["✓ read_file a.ts".into()]));
        assert_eq!(pending(&doc), None, "{doc}");
        assert!(doc.contains("## Specwright\n\n> ✓ read_file a.ts\n\nBecause.\n\n## You\n\n"), "{doc}");
        let doc = format!("{doc}And then?\n<!-- a note -->\n");
        assert_eq!(pending(&doc).map(|p| p.prompt), Some("And then?".into()));
    }

    #[test]
    fn headings_inside_code_fences_are_text() {
        let doc = format!("{}```md\n## Specwright\n```\nexplain this\n", new_document("s3", "t", None));
        assert_eq!(pending(&doc).map(|p| p.prompt), Some("```md\n## Specwright\n```\nexplain this".into()));
        let unclosed = answer_block("x\n\n", "```rust\nfn main() {}", &[]);
        assert!(unclosed.ends_with("```\n\n## You\n\n"), "{unclosed}");
    }

    #[test]
    fn documents_without_a_session_or_with_garbage_are_ignored() {
        assert_eq!(pending("## You\n\nhello\n"), None);
        assert_eq!(pending("<!-- specwright-chat session=../../x -->\n## You\nhi"), None);
        assert_eq!(pending(""), None);
        assert!(is_chat_document(".kiro/chat/s1.md"));
        assert!(!is_chat_document(".kiro/chat/sub/s1.md"));
        assert!(!is_chat_document(".kiro/specs/x/requirements.md"));
    }
}
