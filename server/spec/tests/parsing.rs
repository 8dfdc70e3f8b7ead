//! The shapes of spec documents the parser tolerates, and the model and
//! ranges it makes of them. Ranges are LSP coordinates: 0-based lines and
//! 0-based UTF-16 columns, end exclusive.

use std::path::PathBuf;

use specwright_spec::design::Design;
use specwright_spec::requirements::{CriterionRole, EarsPattern, Requirements};
use specwright_spec::tasks::Tasks;
use specwright_spec::{CitationTarget, DocKind, LineIndex, Position, Range, ReqId, Spec, TaskStatus};

// ---------------------------------------------------------------------------
// Helpers

fn spec(kind: DocKind, text: &str) -> Spec {
    Spec::from_texts(PathBuf::from("/ws/.kiro/specs/demo"), [(kind, text)])
}

fn requirements(text: &str) -> Requirements {
    spec(DocKind::Requirements, text).requirements.expect("requirements.md is parsed").model
}

fn bugfix(text: &str) -> Requirements {
    spec(DocKind::Bugfix, text).requirements.expect("bugfix.md is parsed").model
}

fn tasks(text: &str) -> Tasks {
    spec(DocKind::Tasks, text).tasks.expect("tasks.md is parsed").model
}

fn design(text: &str) -> Design {
    spec(DocKind::Design, text).design.expect("design.md is parsed").model
}

fn range(start_line: u32, start_char: u32, end_line: u32, end_char: u32) -> Range {
    Range::new(Position::new(start_line, start_char), Position::new(end_line, end_char))
}

/// The text a range covers.
fn slice(text: &str, range: Range) -> &str {
    let index = LineIndex::new(text);
    &text[index.offset(text, range.start)..index.offset(text, range.end)]
}

fn criterion_ids(doc: &Requirements) -> Vec<String> {
    doc.requirements.iter().flat_map(|r| r.criteria.iter().map(|c| c.id().to_string())).collect()
}

fn numbers_and_titles(doc: &Requirements) -> Vec<(u32, Option<&str>)> {
    doc.requirements.iter().map(|r| (r.number, r.title.as_deref())).collect()
}

// ---------------------------------------------------------------------------
// requirements.md

#[test]
fn requirement_heading_styles() {
    let text = "\
# Requirements Document

### Requirement 1

#### Acceptance Criteria

1. THE System SHALL open a session

### Requirement 2: Sign in

### Requirement 3 – Sign out

## Requirement 4. Audit
";
    let doc = requirements(text);
    assert_eq!(doc.title.as_deref(), Some("Requirements Document"));
    assert_eq!(
        numbers_and_titles(&doc),
        vec![(1, None), (2, Some("Sign in")), (3, Some("Sign out")), (4, Some("Audit"))]
    );
    let third = &doc.requirements[2];
    assert_eq!(third.heading_range, range(10, 0, 10, 28));
    assert_eq!(third.number_range, range(10, 16, 10, 17));
    assert_eq!(slice(text, third.number_range), "3");
    // A requirement runs from its heading to the line before the next one.
    assert_eq!(doc.requirements[0].range, range(2, 0, 7, 0));
    assert_eq!(criterion_ids(&doc), ["1.1"]);
    let levels: Vec<u8> = doc.headings.iter().map(|h| h.level).collect();
    assert_eq!(levels, [1, 3, 4, 3, 3, 2]);
}

#[test]
fn numbered_headings_are_requirements_only_without_requirement_headings() {
    let numbered = "\
# Requirements

### 1. Sign in

#### Acceptance Criteria

1. WHEN a user signs in, THE System SHALL open a session

### 2) Sign out
";
    let doc = requirements(numbered);
    assert_eq!(numbers_and_titles(&doc), vec![(1, Some("Sign in")), (2, Some("Sign out"))]);
    assert_eq!(criterion_ids(&doc), ["1.1"]);
    assert_eq!(slice(numbered, doc.requirements[1].number_range), "2");

    // Where `Requirement N` headings exist, `### 1. …` is an ordinary heading.
    let mixed = "\
### Requirement 1: Sign in

### 2. Notes
";
    assert_eq!(numbers_and_titles(&requirements(mixed)), vec![(1, Some("Sign in"))]);
}

#[test]
fn criterion_numbering_styles() {
    let text = "\
### Requirement 1: Sign in

#### Acceptance Criteria

1.1. WHEN a user signs in, THE System SHALL open a session
1.2 THE System SHALL log the attempt
- 3. THE System SHALL lock after five failures
**4.** THE System SHALL show a captcha

### Requirement 2: Sign out

#### Acceptance Criteria

1. WHEN a user signs out,
   THE System SHALL close the session
2) THE System SHALL forget the token
";
    let doc = requirements(text);
    assert_eq!(criterion_ids(&doc), ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2"]);
    let c = &doc.requirements[0].criteria;
    assert_eq!(slice(text, c[0].number_range), "1.1");
    assert_eq!(slice(text, c[1].number_range), "1.2");
    assert_eq!(slice(text, c[2].number_range), "3");
    assert_eq!(slice(text, c[3].number_range), "4");
    assert_eq!(c[0].text, "WHEN a user signs in, THE System SHALL open a session");
    assert_eq!(c[3].text, "THE System SHALL show a captcha");
    assert_eq!(c[0].range, range(4, 0, 4, 58));
    // A continuation line joins the statement and extends its range.
    let wrapped = &doc.requirements[1].criteria[0];
    assert_eq!(wrapped.text, "WHEN a user signs out, THE System SHALL close the session");
    assert_eq!(wrapped.range, range(13, 0, 14, 37));
    assert_eq!(wrapped.ears, Some(EarsPattern::EventDriven));
    assert!(c.iter().all(|c| c.role == CriterionRole::Acceptance));
}

#[test]
fn ears_patterns() {
    let text = "\
### Requirement 1: Patterns

#### Acceptance Criteria

1. THE System SHALL log in
2. WHEN asked, THE System SHALL answer
3. WHILE busy, THE System SHALL queue
4. IF it fails, THEN THE System SHALL retry
5. WHERE audit is on, THE System SHALL record
6. FOR ALL inputs, THE System SHALL terminate
7. The System logs in
8. WHEN asked the System answers
";
    let patterns: Vec<Option<EarsPattern>> =
        requirements(text).requirements[0].criteria.iter().map(|c| c.ears).collect();
    assert_eq!(
        patterns,
        [
            Some(EarsPattern::Ubiquitous),
            Some(EarsPattern::EventDriven),
            Some(EarsPattern::StateDriven),
            Some(EarsPattern::UnwantedBehavior),
            Some(EarsPattern::Optional),
            Some(EarsPattern::Universal),
            None,
            None,
        ]
    );
}

#[test]
fn unnumbered_bullet_criteria_are_numbered_in_order() {
    let text = "\
### Requirement 1: Sign in

#### Acceptance Criteria

- WHEN a user signs in, THE System SHALL open a session
- THE System SHALL log the attempt
";
    let doc = requirements(text);
    assert_eq!(criterion_ids(&doc), ["1.1", "1.2"]);
    // There is no number to point at: the range is empty, before the statement.
    assert_eq!(doc.requirements[0].criteria[1].number_range, range(5, 2, 5, 2));
}

#[test]
fn user_stories_and_glossary() {
    let text = "\
# Requirements

## Glossary

- **Session**: the time a user is signed in
- **Token:** a signed secret
**Audit Trail** – the log of every attempt

## Requirements

### Requirement 1: Sign in

**User Story:** As a user, I want to sign in, so that I can work.

#### Acceptance Criteria

1. THE System SHALL open a session

### Requirement 2: Sign out

User Story: As a user, I want to sign out.
";
    let doc = requirements(text);
    let terms: Vec<(&str, &str)> = doc.glossary.iter().map(|t| (t.term.as_str(), t.definition.as_str())).collect();
    assert_eq!(
        terms,
        [
            ("Session", "the time a user is signed in"),
            ("Token", "a signed secret"),
            ("Audit Trail", "the log of every attempt"),
        ]
    );
    assert_eq!(doc.glossary[1].range, range(5, 0, 5, 28));
    let stories: Vec<Option<&str>> = doc.requirements.iter().map(|r| r.user_story.as_deref()).collect();
    assert_eq!(
        stories,
        [Some("As a user, I want to sign in, so that I can work."), Some("As a user, I want to sign out.")]
    );
    assert_eq!(criterion_ids(&doc), ["1.1"]);
}

#[test]
fn a_document_wrapped_in_a_markdown_fence_is_unwrapped() {
    let text = "\
```markdown
# Requirements

### Requirement 1: Sign in

#### Acceptance Criteria

1. THE System SHALL open a session
```
";
    let doc = requirements(text);
    assert_eq!(doc.title.as_deref(), Some("Requirements"));
    assert_eq!(criterion_ids(&doc), ["1.1"]);
    // The closing fence is not a continuation of the last criterion.
    let last = &doc.requirements[0].criteria[0];
    assert_eq!(last.text, "THE System SHALL open a session");
    assert_eq!(last.range, range(7, 0, 7, 34));
}

#[test]
fn fenced_examples_are_not_read_as_criteria() {
    let text = "\
### Requirement 1: Sign in

#### Acceptance Criteria

1. THE System SHALL accept this payload:
```json
2. {\"not\": \"a criterion\"}
```
3. THE System SHALL reply
";
    assert_eq!(criterion_ids(&requirements(text)), ["1.1", "1.3"]);
}

#[test]
fn crlf_line_endings() {
    let text =
        "### Requirement 1: Sign in\r\n\r\n#### Acceptance Criteria\r\n\r\n1. THE System SHALL open a session\r\n";
    let doc = requirements(text);
    let req = &doc.requirements[0];
    assert_eq!(req.title.as_deref(), Some("Sign in"));
    assert_eq!(req.heading_range, range(0, 0, 0, 26));
    assert_eq!(req.criteria[0].range, range(4, 0, 4, 34));
    assert_eq!(req.criteria[0].text, "THE System SHALL open a session");
}

#[test]
fn empty_documents() {
    for kind in DocKind::ALL {
        // Parsing an empty file gives an empty model and never fails.
        let spec = spec(kind, "");
        assert!(spec.document(kind).is_some(), "{kind:?}");
    }
    let doc = requirements("");
    assert!(doc.title.is_none() && doc.requirements.is_empty() && doc.glossary.is_empty() && doc.headings.is_empty());
    let t = tasks("");
    assert!(t.tasks.is_empty() && t.citations.is_empty() && t.dependency_graph.is_none());
    let d = design("");
    assert!(d.properties.is_empty() && d.citations.is_empty() && d.mermaid.is_empty());
}

// ---------------------------------------------------------------------------
// bugfix.md

#[test]
fn bugfix_sections_are_requirements_1_2_3() {
    let text = "\
# Bugfix: Login loop

## Bug Analysis

### Current Behavior (Defect)

1.1 WHEN the token expired THEN the system redirects forever

### Expected Behavior (Correct)

2.1 WHEN the token expired THEN the system SHALL ask for the password

### Unchanged Behavior (Regression Prevention)

3.1 WHEN the token is valid THEN the system SHALL CONTINUE TO open the dashboard
";
    let doc = bugfix(text);
    assert_eq!(
        numbers_and_titles(&doc),
        vec![
            (1, Some("Current Behavior (Defect)")),
            (2, Some("Expected Behavior (Correct)")),
            (3, Some("Unchanged Behavior (Regression Prevention)")),
        ]
    );
    let roles: Vec<CriterionRole> = doc.requirements.iter().flat_map(|r| r.criteria.iter().map(|c| c.role)).collect();
    assert_eq!(
        roles,
        [CriterionRole::CurrentBehavior, CriterionRole::ExpectedBehavior, CriterionRole::UnchangedBehavior]
    );
    assert_eq!(criterion_ids(&doc), ["1.1", "2.1", "3.1"]);
    assert_eq!(doc.requirements[2].criteria[0].ears, Some(EarsPattern::EventDriven));
    // The section's number is its whole title.
    assert_eq!(slice(text, doc.requirements[0].number_range), "Current Behavior (Defect)");
}

// ---------------------------------------------------------------------------
// tasks.md

const TASKS: &str = "\
# Implementation Plan

- [ ] 1. Set up the project
  - Create the crate
  - _Requirements: 1.1, 2.3_
- [ ] 1.1 Write the parser
- [x] 2. Parse tasks
  - [-] 2.1 Markers
  - [~] 2.2 Queued work
  - [ ]* 2.3 Optional tests
  - [ ]\\* 2.4 Escaped optional
* [X] 3. **Bold** title
  - [ ] Unnumbered child
";

#[test]
fn task_lines() {
    let t = tasks(TASKS);
    assert_eq!(t.title.as_deref(), Some("Implementation Plan"));
    let rows: Vec<(String, &str, TaskStatus, bool, Option<usize>)> =
        t.tasks.iter().map(|t| (t.id(), t.title.as_str(), t.status, t.optional, t.parent)).collect();
    assert_eq!(
        rows,
        [
            ("1".into(), "Set up the project", TaskStatus::NotStarted, false, None),
            // Not indented, but 1.1 is a sub-task of 1 by its number.
            ("1.1".into(), "Write the parser", TaskStatus::NotStarted, false, Some(0)),
            ("2".into(), "Parse tasks", TaskStatus::Done, false, None),
            ("2.1".into(), "Markers", TaskStatus::InProgress, false, Some(2)),
            ("2.2".into(), "Queued work", TaskStatus::Queued, false, Some(2)),
            ("2.3".into(), "Optional tests", TaskStatus::NotStarted, true, Some(2)),
            ("2.4".into(), "Escaped optional", TaskStatus::NotStarted, true, Some(2)),
            ("3".into(), "Bold title", TaskStatus::Done, false, None),
            // Unnumbered tasks are known by their 1-based line.
            ("L13".into(), "Unnumbered child", TaskStatus::NotStarted, false, Some(7)),
        ]
    );
    let subtasks: Vec<bool> = t.tasks.iter().map(|t| t.is_subtask()).collect();
    assert_eq!(subtasks, [false, true, false, true, true, true, true, false, true]);
    assert_eq!(t.children(2).collect::<Vec<_>>(), [3, 4, 5, 6]);
    assert_eq!(t.find("2.2"), Some(4));
    assert_eq!(t.find("L13"), Some(8));
    assert_eq!(t.find("9"), None);
}

#[test]
fn task_ranges_and_details() {
    let t = tasks(TASKS);
    let first = &t.tasks[0];
    assert_eq!(first.line_range, range(2, 0, 2, 27));
    // The task's range takes in its detail lines, citations included.
    assert_eq!(first.range, range(2, 0, 4, 28));
    assert_eq!(first.marker_range, range(2, 3, 2, 4));
    // Citation lines are not details.
    assert_eq!(first.details, ["Create the crate"]);
    let sub = &t.tasks[3];
    assert_eq!(sub.indent, 2);
    assert_eq!(slice(TASKS, sub.marker_range), "-");
    assert_eq!(t.task_at_line(3), Some(0));
    assert_eq!(t.task_at_line(7), Some(3));
    assert_eq!(t.task_at_line(1), None);
}

#[test]
fn citation_lists() {
    let text = "\
- [ ] 1. Cite things
  - _Requirements: 1.1, 2.3_
  - _Requirements: 1.1-1.3, R1.1, FR-1.1, All_
  - **Requirements:** 2.2 (accessibility), 3 and 4
  - Requirements: 5.1.
";
    let t = tasks(text);
    let cited: Vec<(&str, &CitationTarget)> = t.citations.iter().map(|c| (c.text.as_str(), &c.target)).collect();
    let id = |s: &str| CitationTarget::Id(ReqId::parse(s).expect("valid id"));
    assert_eq!(
        cited,
        [
            ("1.1", &id("1.1")),
            ("2.3", &id("2.3")),
            ("1.1-1.3", &CitationTarget::Range(ReqId::criterion(1, 1), ReqId::criterion(1, 3))),
            ("R1.1", &id("1.1")),
            ("FR-1.1", &id("1.1")),
            ("All", &CitationTarget::FreeText),
            // A remark after the id is not part of it.
            ("2.2", &id("2.2")),
            ("3", &CitationTarget::Id(ReqId::requirement(3))),
            ("4", &CitationTarget::Id(ReqId::requirement(4))),
            ("5.1", &id("5.1")),
        ]
    );
    // Each citation's range covers exactly its text, and it belongs to the task.
    for c in &t.citations {
        assert_eq!(slice(text, c.range), c.text);
        assert_eq!(c.owner, Some(0));
    }
    assert_eq!(t.citations[1].range, range(1, 24, 1, 27));
}

#[test]
fn citations_outside_tasks_have_no_owner() {
    let text = "\
# Plan

_Requirements: 1.1_

- [ ] 1. Task
  - _Requirements: 1.2_

Requirements: 1.3
";
    let t = tasks(text);
    let owners: Vec<(&str, Option<usize>)> = t.citations.iter().map(|c| (c.text.as_str(), c.owner)).collect();
    assert_eq!(owners, [("1.1", None), ("1.2", Some(0)), ("1.3", None)]);
}

#[test]
fn dependency_graph() {
    let text = "\
- [ ] 1. One
- [ ] 2. Two

## Task Dependency Graph

```json
{
  \"waves\": [
    {\"id\": 0, \"tasks\": [\"1\"]},
    {\"id\": 1, \"tasks\": [\"2\", 3]}
  ]
}
```
";
    let graph = tasks(text).dependency_graph.expect("the graph is read");
    assert_eq!(graph.error, None);
    assert_eq!(graph.waves, [vec!["1".to_string()], vec!["2".to_string(), "3".to_string()]]);
    // From the opening fence to the end of the closing one.
    assert_eq!(graph.range, range(5, 0, 12, 3));
    // The graph's tasks are not tasks of the plan, and a json block elsewhere is no graph.
    let elsewhere = "## Notes\n\n```json\n[[\"1\"]]\n```\n";
    assert!(tasks(elsewhere).dependency_graph.is_none());
}

// ---------------------------------------------------------------------------
// design.md

#[test]
fn design_properties_citations_and_diagrams() {
    let text = "\
# Design Document

## Architecture

```mermaid
graph TD
  A[Client] --> B[Server]
```

## Correctness Properties

### Property 1: Sessions expire

*For any* session, it expires.

**Validates: Requirements 1.1, 5.5**

### Property 2 – Tokens rotate
**Validates: Requirements 2.1**

**Property 3: Bold paragraphs count too**
**Validates: Requirements 3.1**

## Testing Strategy
";
    let d = design(text);
    assert_eq!(d.title.as_deref(), Some("Design Document"));
    let props: Vec<(u32, Option<&str>)> = d.properties.iter().map(|p| (p.number, p.title.as_deref())).collect();
    assert_eq!(
        props,
        [(1, Some("Sessions expire")), (2, Some("Tokens rotate")), (3, Some("Bold paragraphs count too"))]
    );
    assert_eq!(d.properties[0].heading_range, range(11, 0, 11, 31));
    let cited: Vec<(&str, Option<usize>)> = d.citations.iter().map(|c| (c.text.as_str(), c.owner)).collect();
    assert_eq!(cited, [("1.1", Some(0)), ("5.5", Some(0)), ("2.1", Some(1)), ("3.1", Some(2))]);
    assert_eq!(d.citations[1].range, range(15, 31, 15, 34));
    for c in &d.citations {
        assert_eq!(slice(text, c.range), c.text);
    }
    // The diagram's lines, fences included.
    assert_eq!(d.mermaid, [range(4, 0, 7, 3)]);
    let headings: Vec<&str> = d.headings.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Design Document",
            "Architecture",
            "Correctness Properties",
            "Property 1: Sessions expire",
            "Property 2 – Tokens rotate",
            "Testing Strategy"
        ]
    );
}

// ---------------------------------------------------------------------------
// UTF-16 columns

#[test]
fn columns_count_utf16_units() {
    // 🎃 is 4 bytes in UTF-8 and 2 units in UTF-16: the id after it starts at
    // column 29, not at its byte offset 31.
    let text = "# Design\n\n🎃 **Validates: Requirements 1.1**\n";
    let d = design(text);
    assert_eq!(d.citations[0].range, range(2, 29, 2, 32));
    assert_eq!(slice(text, d.citations[0].range), "1.1");

    let text = "- [ ] 1. Carve\n  - _Requirements: 1.1 (🎃 spooky), 1.2_\n";
    let t = tasks(text);
    assert_eq!(t.citations[1].range, range(1, 36, 1, 39));
    assert_eq!(slice(text, t.citations[1].range), "1.2");

    let text = "### Requirement 7: 🎃 Pumpkins\n";
    let doc = requirements(text);
    assert_eq!(doc.requirements[0].heading_range, range(0, 0, 0, 30));
    assert_eq!(doc.requirements[0].title.as_deref(), Some("🎃 Pumpkins"));
}
