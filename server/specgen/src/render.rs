//! Deterministic Markdown, in Kiro's layout, from the structured documents.
//! Rendering is append-only in document order, so rendering a growing
//! partial document yields a growing text (used for live previews).

use crate::documents::{BugfixDoc, Criterion, DesignDoc, Pattern, RequirementsDoc, TasksDoc};

/// Joins pieces with blank lines; each piece is final once rendered.
struct Out(String);

impl Out {
    fn new(title: &str) -> Self {
        Self(format!("# {title}\n"))
    }

    fn block(&mut self, text: &str) {
        let text = text.trim_end();
        if !text.is_empty() {
            self.0.push('\n');
            self.0.push_str(text);
            self.0.push('\n');
        }
    }

    fn finish(self) -> String {
        self.0
    }
}

/// One line of prose: no line breaks, no surrounding space.
fn line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A clause without its leading keyword or trailing period.
fn clause(s: &str, keywords: &[&str]) -> String {
    let line = line(s);
    let mut s = line.as_str();
    loop {
        let before = s.len();
        for k in keywords {
            if let Some(rest) = strip_keyword(s, k) {
                s = rest;
            }
        }
        if s.len() == before {
            break;
        }
    }
    s.trim_end_matches(['.', ',', ';', ' ']).to_string()
}

/// `s` after a leading `keyword` (any ASCII case) and the spaces or commas
/// that end it; `None` when `s` does not start with the keyword as a word.
/// The text is the model's, in any script: the keyword's length is a byte
/// count in `s` only when it falls on a character boundary, hence
/// `split_at_checked`.
fn strip_keyword<'a>(s: &'a str, keyword: &str) -> Option<&'a str> {
    let (head, rest) = s.split_at_checked(keyword.len())?;
    (head.eq_ignore_ascii_case(keyword) && rest.starts_with([' ', ','])).then(|| rest.trim_start_matches([' ', ',']))
}

/// The EARS sentence of a criterion.
pub fn ears(c: &Criterion) -> String {
    let system = clause(&c.system, &["THE"]);
    let system = if system.is_empty() { "system".to_string() } else { system };
    let response = clause(&c.response, &["SHALL"]);
    let condition = clause(&c.condition, &["WHEN", "WHILE", "IF", "WHERE", "THEN"]);
    let condition = condition.strip_suffix(" THEN").unwrap_or(&condition).trim_end_matches(',').to_string();
    match (c.pattern.keyword(), condition.is_empty()) {
        (None, _) | (Some(_), true) => format!("THE {system} SHALL {response}"),
        (Some(k), false) if c.pattern == Pattern::Unwanted => {
            format!("{k} {condition}, THEN THE {system} SHALL {response}")
        }
        (Some(k), false) => format!("{k} {condition}, THE {system} SHALL {response}"),
    }
}

pub fn requirements(doc: &RequirementsDoc) -> String {
    let mut out = Out::new("Requirements Document");
    if !doc.introduction.trim().is_empty() {
        out.block(&format!("## Introduction\n\n{}", doc.introduction.trim()));
    }
    let terms: Vec<String> =
        doc.glossary.iter().filter(|t| !t.term.trim().is_empty()).map(|t| labelled(&t.term, &t.definition)).collect();
    if !terms.is_empty() {
        out.block(&format!("## Glossary\n\n{}", terms.join("\n")));
    }
    if !doc.requirements.is_empty() {
        out.block("## Requirements");
    }
    for (i, r) in doc.requirements.iter().enumerate() {
        out.block(&format!("### Requirement {}: {}", i + 1, line(&r.title)));
        let s = &r.user_story;
        if !s.role.trim().is_empty() {
            let role = clause(&s.role, &["As"]);
            out.block(&format!(
                "**User Story:** As {role}, I want {}, so that {}",
                clause(&s.capability, &["I want"]),
                clause(&s.benefit, &["so that"])
            ));
        }
        if !r.acceptance_criteria.is_empty() {
            let items: Vec<String> =
                r.acceptance_criteria.iter().enumerate().map(|(j, c)| format!("{}. {}", j + 1, ears(c))).collect();
            out.block(&format!("#### Acceptance Criteria\n\n{}", items.join("\n")));
        }
    }
    out.finish()
}

pub fn bugfix(doc: &BugfixDoc) -> String {
    let mut out = Out::new("Bugfix Requirements Document");
    if !doc.introduction.trim().is_empty() {
        out.block(&format!("## Introduction\n\n{}", doc.introduction.trim()));
    }
    // The heading comes with the first clause: a preview shown before the
    // introduction is complete must not have it, or the introduction could
    // not be appended after it.
    if [&doc.current_behavior, &doc.expected_behavior, &doc.unchanged_behavior].iter().any(|c| !c.is_empty()) {
        out.block("## Bug Analysis");
    }
    let sections = [
        (1, "Current Behavior (Defect)", &doc.current_behavior, ""),
        (2, "Expected Behavior (Correct)", &doc.expected_behavior, "SHALL "),
        (3, "Unchanged Behavior (Regression Prevention)", &doc.unchanged_behavior, "SHALL CONTINUE TO "),
    ];
    for (n, title, clauses, modal) in sections {
        if clauses.is_empty() {
            continue;
        }
        let items: Vec<String> = clauses
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let behavior = clause(&c.behavior, &["the system", "SHALL", "CONTINUE TO"]);
                let condition = clause(&c.condition, &["WHEN"]);
                // Trimmed, so the item reads the same whether or not another follows (previews only grow).
                format!("{n}.{} WHEN {condition} THEN the system {modal}{behavior}", j + 1).trim_end().to_string()
            })
            .collect();
        out.block(&format!("### {title}\n\n{}", items.join("\n")));
    }
    out.finish()
}

pub fn design(doc: &DesignDoc) -> String {
    let mut out = Out::new("Design Document");
    if !doc.overview.trim().is_empty() {
        out.block(&format!("## Overview\n\n{}", doc.overview.trim()));
    }
    if !doc.architecture.trim().is_empty() {
        out.block(&format!("## Architecture\n\n{}", doc.architecture.trim()));
    }
    let diagram = strip_fence(&doc.architecture_diagram);
    if !diagram.is_empty() {
        out.block(&format!("```mermaid\n{diagram}\n```"));
    }
    if !doc.components.is_empty() {
        out.block("## Components and Interfaces");
    }
    for c in &doc.components {
        let mut text = format!("### {}\n\n{}", line(&c.name), c.responsibility.trim());
        let interface = strip_fence(&c.interface);
        if !interface.is_empty() {
            text.push_str(&format!("\n\n```\n{interface}\n```"));
        }
        out.block(&text);
    }
    if !doc.data_models.is_empty() {
        out.block("## Data Models");
    }
    for m in &doc.data_models {
        let mut text = format!("### {}\n\n{}", line(&m.name), m.description.trim());
        if !m.fields.is_empty() {
            text.push_str("\n\n| Field | Type | Description |\n|---|---|---|");
            for f in &m.fields {
                text.push_str(&format!("\n| {} | {} | {} |", cell(&f.name), cell(&f.field_type), cell(&f.description)));
            }
        }
        out.block(&text);
    }
    if !doc.correctness_properties.is_empty() {
        out.block("## Correctness Properties");
    }
    for (i, p) in doc.correctness_properties.iter().enumerate() {
        let mut text = format!("### Property {}: {}\n\n{}", i + 1, line(&p.title), line(&p.statement));
        let ids: Vec<&str> = p.validates.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
        if !ids.is_empty() {
            text.push_str(&format!("\n\n**Validates: Requirements {}**", ids.join(", ")));
        }
        out.block(&text);
    }
    if !doc.error_handling.is_empty() {
        let items: Vec<String> = doc.error_handling.iter().map(|e| labelled(&e.scenario, &e.handling)).collect();
        out.block(&format!("## Error Handling\n\n{}", items.join("\n")));
    }
    if !doc.testing_strategy.trim().is_empty() {
        out.block(&format!("## Testing Strategy\n\n{}", doc.testing_strategy.trim()));
    }
    out.finish()
}

pub fn tasks(doc: &TasksDoc) -> String {
    let mut out = Out::new("Implementation Plan");
    for (i, t) in doc.tasks.iter().enumerate() {
        let n = i + 1;
        let mut text = format!("- [ ] {n}. {}", line(&t.title));
        push_details(&mut text, "  ", &t.details, &t.requirements);
        for (j, s) in t.subtasks.iter().enumerate() {
            let star = if s.optional { "*" } else { "" };
            text.push_str(&format!("\n\n- [ ]{star} {n}.{} {}", j + 1, line(&s.title)));
            push_details(&mut text, "  ", &s.details, &s.requirements);
        }
        out.block(&text);
    }
    out.finish()
}

fn push_details(text: &mut String, indent: &str, details: &[String], requirements: &[String]) {
    for d in details.iter().map(|d| line(d)).filter(|d| !d.is_empty()) {
        text.push_str(&format!("\n{indent}- {d}"));
    }
    let ids: Vec<&str> = requirements.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if !ids.is_empty() {
        text.push_str(&format!("\n{indent}- _Requirements: {}_", ids.join(", ")));
    }
}

/// `- **label**: text`, without trailing space even when `text` is empty,
/// so that the line reads the same whether or not another item follows it
/// (previews only grow).
fn labelled(label: &str, text: &str) -> String {
    format!("- **{}**: {}", line(label), line(text)).trim_end().to_string()
}

fn cell(s: &str) -> String {
    line(s).replace('|', "\\|")
}

/// A code block's content without a surrounding fence the model may have added.
fn strip_fence(s: &str) -> String {
    let t = s.trim();
    let Some(rest) = t.strip_prefix("```") else { return t.to_string() };
    let body = rest.split_once('\n').map_or("", |(_, b)| b);
    body.trim_end().strip_suffix("```").unwrap_or(body).trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(pattern: Pattern, condition: &str, system: &str, response: &str) -> Criterion {
        Criterion { pattern, condition: condition.into(), system: system.into(), response: response.into() }
    }

    #[test]
    fn ears_sentences_are_normalised() {
        assert_eq!(
            ears(&c(Pattern::Event, "WHEN a user logs in.", "the API", "SHALL issue a token.")),
            "WHEN a user logs in, THE API SHALL issue a token"
        );
        assert_eq!(
            ears(&c(Pattern::Unwanted, "the password is wrong", "Auth_Service", "reject it")),
            "IF the password is wrong, THEN THE Auth_Service SHALL reject it"
        );
        assert_eq!(ears(&c(Pattern::Ubiquitous, "", "THE Store", "keep hashes")), "THE Store SHALL keep hashes");
        assert_eq!(
            ears(&c(Pattern::State, "", "Api", "x")),
            "THE Api SHALL x",
            "no condition falls back to ubiquitous"
        );
    }

    #[test]
    fn keywords_are_stripped_from_text_in_any_script() {
        // Japanese letters are 3 bytes: no keyword's length (2, 4, 5) falls on a boundary.
        assert_eq!(
            ears(&c(Pattern::Event, "利用者がログインする", "認証", "トークンを発行する")),
            "WHEN 利用者がログインする, THE 認証 SHALL トークンを発行する"
        );
        assert_eq!(
            ears(&c(Pattern::State, "WHEN 利用者が待つ。", "THE 認証サービス", "SHALL 待つ")),
            "WHILE 利用者が待つ。, THE 認証サービス SHALL 待つ"
        );
        assert_eq!(clause("Aé x", &["As"]), "Aé x");
        assert_eq!(clause("é", &["THE"]), "é");
        assert_eq!(clause("SHALL, SHALL  🎌.", &["SHALL"]), "🎌");
        assert_eq!(strip_keyword("when x", "WHEN"), Some("x"));
        assert_eq!(strip_keyword("whenx", "WHEN"), None);
        assert_eq!(strip_keyword("WHE", "WHEN"), None);
    }

    #[test]
    fn fences_inside_fields_are_stripped() {
        assert_eq!(strip_fence("```mermaid\nflowchart TD\n  A-->B\n```"), "flowchart TD\n  A-->B");
        assert_eq!(strip_fence("flowchart TD"), "flowchart TD");
    }
}
