//! The questions an editor asks of a spec (`specwright_spec::query`): what is
//! under the cursor, where an id is defined and cited, what hover shows,
//! where completion applies, how a task's status changes, and the outlines.

use std::path::PathBuf;

use specwright_spec::query::{self, Location, OutlineItem, OutlineKind, Target};
use specwright_spec::{DocKind, LineIndex, Position, Range, ReqId, Spec, TaskStatus, analyze};

const REQUIREMENTS: &str = "\
# Requirements

### Requirement 1: Sign in

**User Story:** As a user, I want to sign in, so that I can work.

#### Acceptance Criteria

1. WHEN a user signs in, THE System SHALL open a session
2. THE System SHALL log every attempt
3. THE System SHALL lock the account after five failures

### Requirement 2: Sign out

#### Acceptance Criteria

1. WHEN a user signs out, THE System SHALL close the session
";

/// Tasks by index: 0 `1`, 1 `1.1`, 2 `1.2`, 3 `2`, 4 `L10`.
/// Citations by index: 0 `1.2`, 1 `1.1-1.3`, 2 `1`, 3 `All`.
const TASKS: &str = "\
# Implementation Plan

- [ ] 1. Sign in
  - [x] 1.1 Form
    - _Requirements: 1.2_
  - [ ]* 1.2 Lockout
    - _Requirements: 1.1-1.3_
- [-] 2. Everything
  - _Requirements: 1, All_
- [ ] Unnumbered
";

/// Citations by index: 0 `1.2`, 1 `2.1`, 2 `2`.
const DESIGN: &str = "\
# Design

## Overview

```mermaid
graph TD
```

## Correctness Properties

### Property 1: Attempts are logged
**Validates: Requirements 1.2, 2.1**

### Property 2: Sessions close
**Validates: Requirements 2**

## Testing
";

fn demo() -> Spec {
    Spec::from_texts(
        PathBuf::from("/ws/.kiro/specs/demo"),
        [(DocKind::Requirements, REQUIREMENTS), (DocKind::Design, DESIGN), (DocKind::Tasks, TASKS)],
    )
}

fn pos(line: u32, character: u32) -> Position {
    Position::new(line, character)
}

fn range(start_line: u32, start_char: u32, end_line: u32, end_char: u32) -> Range {
    Range::new(pos(start_line, start_char), pos(end_line, end_char))
}

fn text_of(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Requirements => REQUIREMENTS,
        DocKind::Design => DESIGN,
        DocKind::Tasks => TASKS,
        _ => "",
    }
}

/// `tasks.md:5:22 1.2`: a location's file, 1-based line and column, and the text it covers.
fn place(loc: &Location) -> String {
    let text = text_of(loc.doc);
    let index = LineIndex::new(text);
    let covered = &text[index.offset(text, loc.range.start)..index.offset(text, loc.range.end)];
    format!("{}:{}:{} {}", loc.doc.file_name(), loc.range.start.line + 1, loc.range.start.character + 1, covered)
}

fn places(locs: &[Location]) -> Vec<String> {
    locs.iter().map(place).collect()
}

// ---------------------------------------------------------------------------
// target_at

#[test]
fn target_at() {
    let spec = demo();
    let at = |doc, line, character| query::target_at(&spec, doc, pos(line, character));
    // `    - _Requirements: 1.2_`: the id spans columns 21..24, both ends included.
    assert_eq!(at(DocKind::Tasks, 4, 20), Some(Target::Task(1)));
    assert_eq!(at(DocKind::Tasks, 4, 21), Some(Target::Citation { doc: DocKind::Tasks, index: 0 }));
    assert_eq!(at(DocKind::Tasks, 4, 24), Some(Target::Citation { doc: DocKind::Tasks, index: 0 }));
    assert_eq!(at(DocKind::Tasks, 8, 23), Some(Target::Citation { doc: DocKind::Tasks, index: 3 }));
    // Elsewhere in a task's lines: the task; outside any task: nothing.
    assert_eq!(at(DocKind::Tasks, 3, 12), Some(Target::Task(1)));
    assert_eq!(at(DocKind::Tasks, 9, 0), Some(Target::Task(4)));
    assert_eq!(at(DocKind::Tasks, 0, 3), None);
    assert_eq!(at(DocKind::Tasks, 1, 0), None);

    assert_eq!(at(DocKind::Design, 11, 31), Some(Target::Citation { doc: DocKind::Design, index: 1 }));
    assert_eq!(at(DocKind::Design, 10, 5), None);

    assert_eq!(at(DocKind::Requirements, 2, 5), Some(Target::Requirement(1)));
    assert_eq!(at(DocKind::Requirements, 9, 10), Some(Target::Criterion(ReqId::criterion(1, 2))));
    assert_eq!(at(DocKind::Requirements, 4, 3), None, "a user story is no target");
    assert_eq!(at(DocKind::Requirements, 99, 0), None);
    assert_eq!(at(DocKind::Config, 0, 0), None);
}

#[test]
fn ids_of_targets() {
    let spec = demo();
    let ids = |target| query::ids_of(&spec, target);
    let tasks = |index| Target::Citation { doc: DocKind::Tasks, index };
    assert_eq!(ids(tasks(0)), [ReqId::criterion(1, 2)]);
    assert_eq!(ids(tasks(1)), [ReqId::criterion(1, 1), ReqId::criterion(1, 2), ReqId::criterion(1, 3)]);
    assert_eq!(ids(tasks(2)), [ReqId::requirement(1)]);
    assert_eq!(ids(tasks(3)), [], "`All` names no id");
    assert_eq!(ids(Target::Task(0)), []);
}

// ---------------------------------------------------------------------------
// definition and references

#[test]
fn definition() {
    let spec = demo();
    let def = |id| query::definition(&spec, id);
    assert_eq!(def(ReqId::criterion(1, 2)), Some(Location { doc: DocKind::Requirements, range: range(9, 0, 9, 37) }));
    assert_eq!(def(ReqId::requirement(2)), Some(Location { doc: DocKind::Requirements, range: range(12, 0, 12, 27) }));
    assert_eq!(def(ReqId::criterion(1, 9)), None);
    assert_eq!(def(ReqId::requirement(9)), None);
}

#[test]
fn references_of_a_criterion() {
    let spec = demo();
    // 1.2 is cited directly, through a range, through its whole requirement,
    // and by a design property; `All` does not count.
    assert_eq!(
        places(&query::references(&spec, ReqId::criterion(1, 2))),
        ["tasks.md:5:22 1.2", "tasks.md:7:22 1.1-1.3", "tasks.md:9:20 1", "design.md:12:27 1.2"]
    );
    assert_eq!(places(&query::references(&spec, ReqId::criterion(1, 1))), ["tasks.md:7:22 1.1-1.3", "tasks.md:9:20 1"]);
    assert_eq!(places(&query::references(&spec, ReqId::criterion(2, 1))), ["design.md:12:32 2.1", "design.md:15:27 2"]);
    assert_eq!(places(&query::references(&spec, ReqId::criterion(3, 1))), Vec::<String>::new());
}

#[test]
fn references_of_a_requirement_include_those_of_its_criteria() {
    let spec = demo();
    assert_eq!(
        places(&query::references(&spec, ReqId::requirement(1))),
        ["tasks.md:5:22 1.2", "tasks.md:7:22 1.1-1.3", "tasks.md:9:20 1", "design.md:12:27 1.2"]
    );
    assert_eq!(places(&query::references(&spec, ReqId::requirement(2))), ["design.md:12:32 2.1", "design.md:15:27 2"]);
}

// ---------------------------------------------------------------------------
// hover

#[test]
fn hover_on_a_covered_criterion() {
    let spec = demo();
    let analysis = analyze(&spec);
    assert_eq!(
        query::hover(&spec, &analysis, ReqId::criterion(1, 2)).as_deref(),
        Some("**1.2** · Requirement 1: Sign in\n\nTHE System SHALL log every attempt\n\nCovered by task 1.1, 1.2, 2\n")
    );
}

#[test]
fn hover_on_an_uncovered_criterion() {
    // 2.1 is cited by design.md only, which does not cover it.
    let spec = demo();
    let analysis = analyze(&spec);
    assert_eq!(
        query::hover(&spec, &analysis, ReqId::criterion(2, 1)).as_deref(),
        Some(
            "**2.1** · Requirement 2: Sign out\n\nWHEN a user signs out, THE System SHALL close the session\n\n\
             Not covered by any task\n"
        )
    );
}

#[test]
fn hover_on_a_requirement() {
    let spec = demo();
    let analysis = analyze(&spec);
    assert_eq!(
        query::hover(&spec, &analysis, ReqId::requirement(1)).as_deref(),
        Some(
            "**Requirement 1: Sign in**\n\
             \n\
             As a user, I want to sign in, so that I can work.\n\
             \n\
             - **1.1** WHEN a user signs in, THE System SHALL open a session\n\
             - **1.2** THE System SHALL log every attempt\n\
             - **1.3** THE System SHALL lock the account after five failures\n\
             \n\
             Covered by task 1.1, 1.2, 2\n"
        )
    );
    assert_eq!(
        query::hover(&spec, &analysis, ReqId::requirement(2)).as_deref(),
        Some(
            "**Requirement 2: Sign out**\n\n- **2.1** WHEN a user signs out, THE System SHALL close the session\n\n\
             Not covered by any task\n"
        )
    );
    assert_eq!(query::hover(&spec, &analysis, ReqId::requirement(9)), None);
    assert_eq!(query::hover(&spec, &analysis, ReqId::criterion(1, 9)), None);
}

#[test]
fn hover_on_current_behavior_says_nothing_of_coverage() {
    // A bugfix's sections are requirements 1, 2 and 3.
    let bugfix = "\
### Current Behavior

1.1 WHEN the token expired THEN the system redirects forever
";
    let spec =
        Spec::from_texts(PathBuf::from("/ws/.kiro/specs/fix"), [(DocKind::Bugfix, bugfix), (DocKind::Tasks, "")]);
    let analysis = analyze(&spec);
    assert_eq!(
        query::hover(&spec, &analysis, ReqId::criterion(1, 1)).as_deref(),
        Some("**1.1** · Requirement 1: Current Behavior\n\nWHEN the token expired THEN the system redirects forever\n")
    );
}

// ---------------------------------------------------------------------------
// completion

#[test]
fn in_citation_list() {
    let line = "    - _Requirements: 1.1, ";
    assert!(!query::in_citation_list(line, 20));
    assert!(query::in_citation_list(line, 21));
    assert!(query::in_citation_list(line, 26));
    assert!(query::in_citation_list("**Validates: Requirements ", 26));
    assert!(!query::in_citation_list("- [ ] 1. Sign in", 10));
    assert!(!query::in_citation_list("", 0));
    // Columns are UTF-16 units: the list starts at 29, after 🎃 (2 units).
    let emoji = "🎃 **Validates: Requirements 1";
    assert!(!query::in_citation_list(emoji, 28));
    assert!(query::in_citation_list(emoji, 29));
}

#[test]
fn completion_ids() {
    let ids: Vec<(String, String)> =
        query::completion_ids(&demo()).into_iter().map(|(id, text)| (id.to_string(), text)).collect();
    let expected = [
        ("1", "Sign in"),
        ("1.1", "WHEN a user signs in, THE System SHALL open a session"),
        ("1.2", "THE System SHALL log every attempt"),
        ("1.3", "THE System SHALL lock the account after five failures"),
        ("2", "Sign out"),
        ("2.1", "WHEN a user signs out, THE System SHALL close the session"),
    ];
    assert_eq!(ids, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    // An untitled requirement is offered by its name.
    let untitled = Spec::from_texts(PathBuf::from("/d"), [(DocKind::Requirements, "### Requirement 4\n")]);
    assert_eq!(query::completion_ids(&untitled), [(ReqId::requirement(4), "Requirement 4".to_string())]);
    assert!(query::completion_ids(&Spec::from_texts(PathBuf::from("/d"), [])).is_empty());
}

// ---------------------------------------------------------------------------
// status_edit

/// Applies an edit to `text`.
fn apply(text: &str, (range, new_text): &(Range, String)) -> String {
    let index = LineIndex::new(text);
    let (start, end) = (index.offset(text, range.start), index.offset(text, range.end));
    format!("{}{new_text}{}", &text[..start], &text[end..])
}

#[test]
fn status_edit_replaces_the_marker_character_only() {
    let spec = demo();
    let edit = query::status_edit(&spec, "1.2", TaskStatus::Done).expect("task 1.2 exists");
    // `  - [ ]* 1.2 Lockout`: the space between the brackets.
    assert_eq!(edit, (range(5, 5, 5, 6), "x".to_string()));
    assert_eq!(apply(TASKS, &edit), TASKS.replace("  - [ ]* 1.2 Lockout", "  - [x]* 1.2 Lockout"));

    let edit = query::status_edit(&spec, "1.1", TaskStatus::InProgress).expect("task 1.1 exists");
    assert_eq!(edit, (range(3, 5, 3, 6), "-".to_string()));
    let edit = query::status_edit(&spec, "L10", TaskStatus::Queued).expect("the unnumbered task exists");
    assert_eq!(edit, (range(9, 3, 9, 4), "~".to_string()));
    assert_eq!(query::status_edit(&spec, "1", TaskStatus::NotStarted), Some((range(2, 3, 2, 4), " ".to_string())));

    // Re-parsing the edited text gives the new status.
    let edited = apply(TASKS, &query::status_edit(&spec, "2", TaskStatus::Done).expect("task 2 exists"));
    let spec = Spec::from_texts(PathBuf::from("/d"), [(DocKind::Tasks, edited.as_str())]);
    let tasks = &spec.tasks.as_ref().expect("tasks.md").model;
    assert_eq!(tasks.tasks[3].status, TaskStatus::Done);

    assert_eq!(query::status_edit(&spec, "7", TaskStatus::Done), None);
    assert_eq!(query::status_edit(&Spec::from_texts(PathBuf::from("/d"), []), "1", TaskStatus::Done), None);
}

// ---------------------------------------------------------------------------
// outline

/// An outline as indented lines: `name (kind) detail`.
fn tree(items: &[OutlineItem]) -> Vec<String> {
    fn walk(items: &[OutlineItem], depth: usize, out: &mut Vec<String>) {
        for item in items {
            let detail = item.detail.as_deref().map(|d| format!(" — {d}")).unwrap_or_default();
            out.push(format!("{}{} ({:?}){detail}", "  ".repeat(depth), item.name, item.kind));
            walk(&item.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(items, 0, &mut out);
    out
}

#[test]
fn outline_of_requirements() {
    let outline = query::outline(&demo(), DocKind::Requirements);
    assert_eq!(
        tree(&outline),
        [
            "Requirement 1: Sign in (Requirement) — As a user, I want to sign in, so that I can work.",
            "  1.1 WHEN a user signs in, THE System SHALL open a session (Criterion)",
            "  1.2 THE System SHALL log every attempt (Criterion)",
            "  1.3 THE System SHALL lock the account after five failures (Criterion)",
            "Requirement 2: Sign out (Requirement)",
            "  2.1 WHEN a user signs out, THE System SHALL close the session (Criterion)",
        ]
    );
    // A requirement runs to the line before the next; its heading is selected.
    assert_eq!((outline[0].range, outline[0].selection_range), (range(2, 0, 11, 0), range(2, 0, 2, 26)));
    assert_eq!(outline[1].range, range(12, 0, 17, 0));
    // A criterion's number is selected.
    let first = &outline[0].children[0];
    assert_eq!((first.range, first.selection_range), (range(8, 0, 8, 56), range(8, 0, 8, 1)));
}

#[test]
fn outline_of_bugfix_names_sections_by_their_titles() {
    let bugfix = "\
### Current Behavior (Defect)

1.1 WHEN the token expired THEN the system redirects forever

### Expected Behavior (Correct)

2.1 WHEN the token expired THEN the system SHALL ask for the password
";
    let spec = Spec::from_texts(PathBuf::from("/d"), [(DocKind::Bugfix, bugfix)]);
    assert_eq!(
        tree(&query::outline(&spec, DocKind::Bugfix)),
        [
            "Current Behavior (Defect) (Requirement)",
            "  1.1 WHEN the token expired THEN the system redirects forever (Criterion)",
            "Expected Behavior (Correct) (Requirement)",
            "  2.1 WHEN the token expired THEN the system SHALL ask for the password (Criterion)",
        ]
    );
}

#[test]
fn outline_truncates_long_criteria() {
    let long = format!("### Requirement 1\n\n#### Acceptance Criteria\n\n1. THE System SHALL {}\n", "x".repeat(100));
    let spec = Spec::from_texts(PathBuf::from("/d"), [(DocKind::Requirements, long.as_str())]);
    let outline = query::outline(&spec, DocKind::Requirements);
    let name = &outline[0].children[0].name;
    assert_eq!(name, &format!("1.1 THE System SHALL {}…", "x".repeat(80 - 17)));
}

#[test]
fn outline_of_design() {
    let outline = query::outline(&demo(), DocKind::Design);
    assert_eq!(
        tree(&outline),
        [
            "Design (Section)",
            "  Overview (Section)",
            "    Diagram 1 (Diagram)",
            "  Correctness Properties (Section)",
            "    Property 1: Attempts are logged (Property)",
            "    Property 2: Sessions close (Property)",
            "  Testing (Section)",
        ]
    );
    let overview = &outline[0].children[0];
    assert_eq!(overview.selection_range, range(2, 0, 2, 11));
    // A section runs to the next heading of its level or higher.
    assert_eq!(overview.range.start, pos(2, 0));
    assert_eq!(overview.range.end.line, 7);
    assert_eq!(overview.children[0].range, range(4, 0, 6, 3));
    // The last sections run to the end of the document (its empty last line).
    let end = pos(17, 0);
    assert_eq!(outline[0].range.end, end);
    assert_eq!(outline[0].children[2].range.end, end);
}

#[test]
fn outline_of_tasks() {
    let outline = query::outline(&demo(), DocKind::Tasks);
    assert_eq!(
        tree(&outline),
        [
            "1 Sign in (Task) — [ ] not started",
            "  1.1 Form (Task) — [x] done",
            "  1.2 Lockout (Task) — [ ] not started, optional",
            "2 Everything (Task) — [-] in progress",
            "Unnumbered (Task) — [ ] not started",
        ]
    );
    // A task's range takes in its details; its line is selected.
    let sub = &outline[0].children[1];
    assert_eq!((sub.range, sub.selection_range), (range(5, 0, 6, 29), range(5, 0, 5, 20)));
}

#[test]
fn outline_of_other_documents_is_empty() {
    let spec = demo();
    assert!(query::outline(&spec, DocKind::Config).is_empty());
    assert!(query::outline(&spec, DocKind::TasksMeta).is_empty());
    assert!(query::outline(&Spec::from_texts(PathBuf::from("/d"), []), DocKind::Tasks).is_empty());
}

#[test]
fn workspace_symbols() {
    let names: Vec<(String, OutlineKind)> = query::symbols(&demo()).into_iter().map(|(n, k, _)| (n, k)).collect();
    assert_eq!(names[0], ("demo: Requirement 1 Sign in".to_string(), OutlineKind::Requirement));
    assert_eq!(names[2], ("demo: Task 1 Sign in".to_string(), OutlineKind::Task));
    assert_eq!(names.len(), 2 + 5);
}
