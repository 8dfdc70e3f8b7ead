//! Whether a generated document holds together: parsed with the spec model,
//! checked with the spec's other documents, and reduced to a list of
//! problems a model can repair.

use std::path::PathBuf;

use specwright_spec::{Code, DocKind, Severity, Spec, analyze};

use crate::{DocTarget, Inputs};

/// The spec as it would be with `text` as its `target` document.
pub fn spec_with(target: DocTarget, text: &str, inputs: &Inputs) -> Spec {
    let existing = [
        (DocKind::Requirements, &inputs.requirements),
        (DocKind::Bugfix, &inputs.bugfix),
        (DocKind::Design, &inputs.design),
        (DocKind::Tasks, &inputs.tasks),
    ];
    let docs = existing.into_iter().filter_map(|(kind, t)| {
        if kind == target.doc_kind() { Some((kind, text)) } else { t.as_deref().map(|t| (kind, t)) }
    });
    Spec::from_texts(PathBuf::from(&inputs.spec_name), docs)
}

/// What is wrong with `text` as the `target` document, in sentences a model
/// (or a person) can act on. Empty when it holds together.
pub fn problems(target: DocTarget, text: &str, inputs: &Inputs) -> Vec<String> {
    let spec = spec_with(target, text, inputs);
    let analysis = analyze(&spec);
    let mut out = Vec::new();
    let headings = |doc: Option<&Vec<specwright_spec::requirements::Heading>>| -> Vec<String> {
        doc.map(|h| h.iter().map(|h| h.title.to_lowercase()).collect()).unwrap_or_default()
    };
    match target {
        DocTarget::Requirements | DocTarget::Bugfix => {
            let reqs = spec.requirements.as_ref().map(|r| &r.model);
            let count = reqs.map_or(0, |r| r.requirements.len());
            if count == 0 {
                out.push(if target == DocTarget::Bugfix {
                    "there is no Current / Expected / Unchanged Behavior section with numbered clauses".to_string()
                } else {
                    "there is no requirement (`### Requirement 1: Title`)".to_string()
                });
            }
            for r in reqs.map(|r| r.requirements.as_slice()).unwrap_or_default() {
                if r.criteria.is_empty() && target == DocTarget::Requirements {
                    out.push(format!("Requirement {} has no numbered acceptance criteria", r.number));
                }
            }
        }
        DocTarget::Design => {
            let titles = headings(spec.design.as_ref().map(|d| &d.model.headings));
            for section in
                ["overview", "architecture", "components", "data model", "error handling", "testing strategy"]
            {
                if !titles.iter().any(|t| t.contains(section)) {
                    out.push(format!("the section `## {}` is missing", capitalise(section)));
                }
            }
        }
        DocTarget::Tasks => {
            if spec.tasks.as_ref().is_none_or(|t| t.model.tasks.is_empty()) {
                out.push("there is no task (`- [ ] 1. Title`)".to_string());
            }
            if !analysis.summary.uncovered.is_empty() {
                let ids: Vec<String> = analysis.summary.uncovered.iter().map(ToString::to_string).collect();
                out.push(format!("acceptance criteria {} are not cited by any task", ids.join(", ")));
            }
        }
    }
    for d in analysis.diagnostics.iter().filter(|d| d.doc == target.doc_kind()) {
        let blocking = d.severity == Severity::Error || d.code == Code::NotEars;
        if blocking && d.code != Code::MissingDocument {
            out.push(format!("line {}: {}", d.range.start.line + 1, d.message));
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The document inside a model's Markdown answer: a wrapping code fence and
/// chatter before the first heading are removed.
pub fn extract_markdown(answer: &str) -> String {
    let text = answer.trim();
    let lines: Vec<&str> = text.lines().collect();
    // A fenced document: take the inside of the first ```markdown / ``` fence that holds a heading.
    if let Some(open) = lines.iter().position(|l| {
        let t = l.trim();
        t.starts_with("```")
            && matches!(t.trim_start_matches('`').trim().to_ascii_lowercase().as_str(), "" | "markdown" | "md")
    }) {
        let fence_len = lines[open].trim().bytes().take_while(|&b| b == b'`').count();
        let close = lines.iter().rposition(|l| {
            let t = l.trim();
            t.len() >= fence_len && t.bytes().all(|b| b == b'`')
        });
        if let Some(close) = close.filter(|&c| c > open) {
            let inner = &lines[open + 1..close];
            if inner.iter().any(|l| l.starts_with("# ")) {
                return finish(inner);
            }
        }
    }
    match lines.iter().position(|l| l.starts_with("# ")) {
        Some(start) => finish(&lines[start..]),
        // Sections without a title: keep them, drop the chatter before them.
        None => match lines.iter().position(|l| l.starts_with("## ")) {
            Some(start) => finish(&lines[start..]),
            None => format!("{text}\n"),
        },
    }
}

fn finish(lines: &[&str]) -> String {
    let mut out = lines.join("\n").trim_end().to_string();
    out.push('\n');
    out
}

/// The JSON object in an answer (a model may wrap it in a fence or prose).
pub fn extract_json(answer: &str) -> Option<serde_json::Value> {
    if let Ok(v) = serde_json::from_str(answer.trim()) {
        return Some(v);
    }
    let start = answer.find('{')?;
    let end = answer.rfind('}')?;
    serde_json::from_str(answer.get(start..=end)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chatter_and_fences_are_stripped() {
        let answer = "Sure! Here is the document:\n\n```markdown\n# Requirements Document\n\n## Introduction\n\nx\n```\n\nLet me know!";
        assert_eq!(extract_markdown(answer), "# Requirements Document\n\n## Introduction\n\nx\n");
        assert_eq!(extract_markdown("Here:\n# Design Document\n\n## Overview\n"), "# Design Document\n\n## Overview\n");
        let nested = "````markdown\n# Design Document\n\n```mermaid\nflowchart TD\n```\n````";
        assert_eq!(extract_markdown(nested), "# Design Document\n\n```mermaid\nflowchart TD\n```\n");
    }

    #[test]
    fn json_inside_prose() {
        assert_eq!(extract_json("```json\n{\"a\": 1}\n```").and_then(|v| v["a"].as_i64()), Some(1));
        assert_eq!(extract_json("no json"), None);
    }
}
