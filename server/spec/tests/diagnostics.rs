//! Every diagnostic Specwright reports, one small spec per code.
//!
//! Each test builds a spec from inline documents, runs [`analyze`], renders
//! every diagnostic as one line and compares the whole list:
//!
//! ```text
//! tasks.md:4:25-28 error[dangling-reference] requirement 1.5 does not exist …
//! ```
//!
//! `4:25-28` is the range with 1-based lines and 1-based UTF-16 columns,
//! half-open (`25-28` is three characters); a range over several lines is
//! written `3:1-5:4`. The list is in the order `analyze` gives: by document (in
//! `DocKind` order), then start position, then code.

use std::path::PathBuf;

use specwright_spec::{Code, Diagnostic, DocKind, ReqId, Spec, Summary, analyze};

// ---------------------------------------------------------------------------
// Harness

fn spec(files: &[(DocKind, &str)]) -> Spec {
    Spec::from_texts(PathBuf::from("/ws/.kiro/specs/demo"), files.iter().copied())
}

fn render(d: &Diagnostic) -> String {
    let (s, e) = (d.range.start, d.range.end);
    let end =
        if s.line == e.line { format!("{}", e.character + 1) } else { format!("{}:{}", e.line + 1, e.character + 1) };
    format!(
        "{}:{}:{}-{} {}[{}] {}",
        d.doc.file_name(),
        s.line + 1,
        s.character + 1,
        end,
        d.severity.as_str(),
        d.code.as_str(),
        d.message
    )
}

fn rendered(spec: &Spec) -> Vec<String> {
    analyze(spec).diagnostics.iter().map(render).collect()
}

/// Analyzes the spec made of `files` and asserts its diagnostics, in order.
fn check(files: &[(DocKind, &str)], expected: &[&str]) {
    let got = rendered(&spec(files));
    assert_eq!(got, expected, "\n  got:\n    {}\n", got.join("\n    "));
}

fn ids(list: &[&str]) -> Vec<ReqId> {
    list.iter().map(|s| ReqId::parse(s).expect("test ids are valid")).collect()
}

// ---------------------------------------------------------------------------
// Fixtures shared by the tests that are about one document only.

/// Requirement 1 with two EARS criteria.
const REQUIREMENTS: &str = "\
# Requirements

### Requirement 1: Login

#### Acceptance Criteria

1. WHEN a user signs in, THE System SHALL open a session
2. THE System SHALL log every attempt
";

const DESIGN: &str = "\
# Design

### Property 1: Sessions open
**Validates: Requirements 1.1**
";

/// Covers both criteria of [`REQUIREMENTS`].
const TASKS: &str = "\
# Implementation Plan

- [ ] 1. Build login
  - _Requirements: 1.1, 1.2_
";

/// The three documents, with `overrides` replacing those of the same kind
/// and adding the others.
fn with<'a>(overrides: &[(DocKind, &'a str)]) -> Vec<(DocKind, &'a str)> {
    let mut files = vec![(DocKind::Requirements, REQUIREMENTS), (DocKind::Design, DESIGN), (DocKind::Tasks, TASKS)];
    for &(kind, text) in overrides {
        files.retain(|(k, _)| *k != kind);
        files.push((kind, text));
    }
    files
}

/// Fails to compile when a code is added, so that it gets a test here.
#[test]
fn every_code_has_a_test() {
    for code in Code::ALL {
        let test = match code {
            Code::DanglingReference => "dangling_reference",
            Code::UncoveredCriterion => "uncovered_criterion",
            Code::NotEars => "not_ears",
            Code::DuplicateId => "duplicate_id",
            Code::ParentDoneWithOpenSubtask => "parent_done_with_open_subtask",
            Code::MissingDocument => "missing_document",
            Code::MalformedConfig => "malformed_config",
            Code::MalformedDependencyGraph => "malformed_dependency_graph",
            Code::UnreadableFile => "unreadable_file",
        };
        assert_eq!(test.replace('_', "-"), code.as_str());
    }
}

// ---------------------------------------------------------------------------
// A clean spec

#[test]
fn clean_spec_has_no_diagnostics() {
    let requirements = "\
# Requirements Document

## Introduction

A demo.

## Glossary

- **System**: the demo service

## Requirements

### Requirement 1: Login

**User Story:** As a user, I want to sign in, so that I can work.

#### Acceptance Criteria

1. WHEN a user signs in with valid credentials, THE System SHALL open a session
2. IF the password is wrong, THEN THE System SHALL reject the attempt
3. WHILE a session is open, THE System SHALL refresh its token
4. WHERE single sign-on is enabled, THE System SHALL offer it
5. FOR ALL sessions, THE System SHALL expire them after one hour

### Requirement 2: Logout

**User Story:** As a user, I want to sign out.

#### Acceptance Criteria

1. WHEN a user signs out, THE System SHALL close the session
2. THE System SHALL forget the token
";
    let design = "\
# Design

## Architecture

```mermaid
graph TD
  A --> B
```

## Correctness Properties

### Property 1: Sessions expire
**Validates: Requirements 1.5, 2.1**
";
    let tasks = "\
# Implementation Plan

- [x] 1. Build login
  - [x] 1.1 Form and session
    - _Requirements: 1.1, 1.2_
  - [x] 1.2 Tokens
    - _Requirements: 1.3-1.5_
  - [ ]* 1.3 Load test (optional)
- [-] 2. Build logout
  - _Requirements: 2_

## Task Dependency Graph

```json
{\"waves\": [{\"id\": 0, \"tasks\": [\"1.1\", \"1.2\"]}, {\"id\": 1, \"tasks\": [\"1.3\", \"2\"]}]}
```
";
    let config = r#"{"specId": "0b1c", "workflowType": "requirements-first", "specType": "feature"}"#;
    let meta = r#"{"tasks": {"1.1": "done"}}"#;
    check(
        &[
            (DocKind::Requirements, requirements),
            (DocKind::Design, design),
            (DocKind::Tasks, tasks),
            (DocKind::Config, config),
            (DocKind::TasksMeta, meta),
        ],
        &[],
    );
}

#[test]
fn an_empty_folder_misses_every_document() {
    // With no document to anchor on, the diagnostics sit on the missing requirements.md.
    check(
        &[],
        &[
            "requirements.md:1:1-1 warning[missing-document] spec 'demo' has no requirements.md",
            "requirements.md:1:1-1 information[missing-document] spec 'demo' has no design.md yet",
            "requirements.md:1:1-1 information[missing-document] spec 'demo' has no tasks.md yet",
        ],
    );
}

// ---------------------------------------------------------------------------
// dangling-reference

#[test]
fn dangling_reference() {
    let tasks = "\
# Implementation Plan

- [ ] 1. Build login
  - _Requirements: 1.1, 1.5_
- [ ] 2. Audit
  - _Requirements: 1.1-1.3, R1.9, 4, 2-3, 1.2_
";
    let design = "\
# Design

### Property 1: Sessions open
**Validates: Requirements 1.1, 2.1**
";
    check(
        &with(&[(DocKind::Tasks, tasks), (DocKind::Design, design)]),
        &[
            "design.md:4:32-35 error[dangling-reference] criterion 2.1 does not exist in requirements.md",
            "tasks.md:4:25-28 error[dangling-reference] criterion 1.5 does not exist in requirements.md \
             (Requirement 1 has criteria 1.1, 1.2)",
            // A range names every id it spans: 1.1 and 1.2 exist, 1.3 does not.
            "tasks.md:6:20-27 error[dangling-reference] criterion 1.3 does not exist in requirements.md \
             (Requirement 1 has criteria 1.1, 1.2)",
            // Prefixes are ignored: R1.9 is 1.9.
            "tasks.md:6:29-33 error[dangling-reference] criterion 1.9 does not exist in requirements.md \
             (Requirement 1 has criteria 1.1, 1.2)",
            "tasks.md:6:35-36 error[dangling-reference] requirement 4 does not exist in requirements.md",
            "tasks.md:6:38-41 error[dangling-reference] requirements 2, 3 do not exist in requirements.md",
        ],
    );
}

#[test]
fn dangling_reference_needs_a_requirements_document() {
    // Without requirements.md nothing can dangle; only the missing document is reported.
    let tasks = "\
- [ ] 1. Build login
  - _Requirements: 7.7_
";
    check(
        &[(DocKind::Design, DESIGN), (DocKind::Tasks, tasks)],
        &["design.md:1:1-1 warning[missing-document] spec 'demo' has no requirements.md"],
    );
}

// ---------------------------------------------------------------------------
// uncovered-criterion

#[test]
fn uncovered_criterion() {
    let requirements = "\
# Requirements

### Requirement 1: Login

#### Acceptance Criteria

1. WHEN a user signs in, THE System SHALL open a session
2. THE System SHALL log every attempt

### Requirement 2: Logout

#### Acceptance Criteria

1. WHEN a user signs out, THE System SHALL close the session
2. THE System SHALL forget the token

### Requirement 3: Audit

#### Acceptance Criteria

1. THE System SHALL keep an audit trail
";
    // `2` names a whole requirement and covers all its criteria; `All` is
    // free text and covers nothing; design.md citations never cover.
    let tasks = "\
# Implementation Plan

- [ ] 1. Build login
  - _Requirements: 1.1_
- [ ] 2. Build logout
  - _Requirements: 2_
- [ ] 3. Everything else
  - _Requirements: All_
";
    let design = "\
# Design

**Property 1: Everything is audited**
**Validates: Requirements 1.2, 3.1**
";
    check(
        &[(DocKind::Requirements, requirements), (DocKind::Design, design), (DocKind::Tasks, tasks)],
        &[
            "requirements.md:8:1-38 warning[uncovered-criterion] criterion 1.2 is not covered by any task in tasks.md",
            "requirements.md:21:1-40 warning[uncovered-criterion] criterion 3.1 is not covered by any task in tasks.md",
        ],
    );
}

#[test]
fn uncovered_criterion_needs_a_tasks_document() {
    // Before tasks.md exists nothing is reported as uncovered (the summary
    // still lists the criteria).
    let files = [(DocKind::Requirements, REQUIREMENTS), (DocKind::Design, DESIGN)];
    check(&files, &["requirements.md:1:1-1 information[missing-document] spec 'demo' has no tasks.md yet"]);
    assert_eq!(analyze(&spec(&files)).summary.uncovered, ids(&["1.1", "1.2"]));
}

// ---------------------------------------------------------------------------
// not-ears

#[test]
fn not_ears() {
    let requirements = "\
# Requirements

### Requirement 1: Login

#### Acceptance Criteria

1. The user can sign in
2. WHEN a user signs in the session opens
3. Users SHALL be able to sign out
4. IF the password is wrong, THEN THE System SHALL reject the attempt
5. **WHILE** offline, THE System SHALL queue requests
6. FOR EACH request, THE System SHALL log it
7. WHEN a user signs out,
   THE System SHALL close the session
";
    let tasks = "\
# Implementation Plan

- [ ] 1. Build login
  - _Requirements: 1_
";
    check(
        &with(&[(DocKind::Requirements, requirements), (DocKind::Tasks, tasks)]),
        &[
            "requirements.md:7:1-24 warning[not-ears] criterion 1.1 is not in EARS form: expected THE <system> SHALL \
             <response>, optionally opened by WHEN, WHILE, IF or WHERE <condition>",
            "requirements.md:8:1-42 warning[not-ears] criterion 1.2 is not in EARS form: expected THE <system> SHALL \
             <response>, optionally opened by WHEN, WHILE, IF or WHERE <condition>",
            "requirements.md:9:1-35 warning[not-ears] criterion 1.3 is not in EARS form: expected THE <system> SHALL \
             <response>, optionally opened by WHEN, WHILE, IF or WHERE <condition>",
        ],
    );
}

// ---------------------------------------------------------------------------
// duplicate-id

#[test]
fn duplicate_id() {
    let requirements = "\
# Requirements

### Requirement 1: Login

#### Acceptance Criteria

1. THE System SHALL open a session
1. THE System SHALL log every attempt

### Requirement 1: Login again

#### Acceptance Criteria

2. THE System SHALL close the session
";
    let tasks = "\
# Implementation Plan

- [ ] 1. Build login
  - _Requirements: 1_
- [ ] 1. Build login again
- [ ] 2. Build logout
  - [ ] 2.1 Button
  - [ ] 2.1 Another button
";
    check(
        &with(&[(DocKind::Requirements, requirements), (DocKind::Tasks, tasks)]),
        &[
            "requirements.md:8:1-2 error[duplicate-id] criterion 1.1 is defined twice (first on line 7)",
            "requirements.md:10:17-18 error[duplicate-id] Requirement 1 is defined twice (first on line 3)",
            // Citing requirement 1 covers the criteria of its first definition only.
            "requirements.md:14:1-38 warning[uncovered-criterion] criterion 1.2 is not covered by any task in tasks.md",
            "tasks.md:5:1-27 error[duplicate-id] task 1 is numbered twice (first on line 3)",
            "tasks.md:8:1-27 error[duplicate-id] task 2.1 is numbered twice (first on line 7)",
        ],
    );
}

#[test]
fn duplicate_criteria_numbered_with_their_requirement() {
    // `1.2.` under Requirement 2 names criterion 1.2 (ids resolve as written),
    // which Requirement 1 already defines.
    let requirements = "\
# Requirements

### Requirement 1: Login

#### Acceptance Criteria

1.1. THE System SHALL open a session
1.2. THE System SHALL log every attempt

### Requirement 2: Logout

#### Acceptance Criteria

1.2. THE System SHALL close the session
";
    check(
        &with(&[(DocKind::Requirements, requirements)]),
        &["requirements.md:14:1-4 error[duplicate-id] criterion 1.2 is defined twice (first on line 8)"],
    );
}

#[test]
fn a_repeated_requirement_heading_is_reported_once() {
    // The second `Requirement 2` repeats the criteria numbers of the first:
    // one diagnostic on the heading, none for each criterion it repeats; a
    // criterion repeated under the same heading still is one.
    let requirements = "\
# Requirements

### Requirement 1: Login

#### Acceptance Criteria

1. THE System SHALL open a session

### Requirement 2: Logout

#### Acceptance Criteria

1. THE System SHALL close the session
2. THE System SHALL forget the token

### Requirement 2: Audit

#### Acceptance Criteria

1. THE System SHALL keep a trail
2. THE System SHALL keep it a year
2. THE System SHALL keep it a year, really
";
    let tasks = "\
# Implementation Plan

- [ ] 1. Build it
  - _Requirements: 1, 2_
";
    check(
        &with(&[(DocKind::Requirements, requirements), (DocKind::Tasks, tasks)]),
        &[
            "requirements.md:16:17-18 error[duplicate-id] Requirement 2 is defined twice (first on line 9)",
            "requirements.md:22:1-2 error[duplicate-id] criterion 2.2 is defined twice (first on line 21)",
        ],
    );
}

#[test]
fn a_dangling_criterion_lists_the_requirements_criteria_once_each() {
    let requirements = "\
# Requirements

### Requirement 1: Login

#### Acceptance Criteria

1. THE System SHALL open a session
2. THE System SHALL log every attempt
2. THE System SHALL log every failure
";
    let tasks = "\
# Implementation Plan

- [ ] 1. Build login
  - _Requirements: 1, 1.7-1.8_
";
    check(
        &with(&[(DocKind::Requirements, requirements), (DocKind::Tasks, tasks)]),
        &[
            "requirements.md:9:1-2 error[duplicate-id] criterion 1.2 is defined twice (first on line 8)",
            "tasks.md:4:23-30 error[dangling-reference] criteria 1.7, 1.8 do not exist in requirements.md \
             (Requirement 1 has criteria 1.1, 1.2)",
        ],
    );
}

// ---------------------------------------------------------------------------
// parent-done-with-open-subtask

#[test]
fn parent_done_with_open_subtask() {
    let tasks = "\
# Implementation Plan

- [x] 1. Build login
  - _Requirements: 1_
  - [x] 1.1 Form
  - [ ] 1.2 Session
  - [-] 1.3 Cookies
  - [~] 1.4 Remember me
  - [ ]* 1.5 Load test
- [x] 2. Build logout
  - [x] 2.1 Button
  - [ ]* 2.2 Polish
- [ ] 3. Audit
  - [x] 3.1 Trail
- [X] Unnumbered parent
  - [ ] Unnumbered child
";
    check(
        &with(&[(DocKind::Tasks, tasks)]),
        &[
            // Optional sub-tasks (1.5, 2.2) never hold their parent open.
            "tasks.md:3:4-5 warning[parent-done-with-open-subtask] task 1 is marked done but sub-tasks \
             1.2 (not started), 1.3 (in progress), 1.4 (queued) are not",
            "tasks.md:15:4-5 warning[parent-done-with-open-subtask] task L15 is marked done but sub-task \
             L16 (not started) is not",
        ],
    );
}

// ---------------------------------------------------------------------------
// missing-document

#[test]
fn missing_document() {
    // Diagnostics about the folder sit at the start of its first document.
    check(
        &[(DocKind::Requirements, REQUIREMENTS)],
        &[
            "requirements.md:1:1-1 information[missing-document] spec 'demo' has no design.md yet",
            "requirements.md:1:1-1 information[missing-document] spec 'demo' has no tasks.md yet",
        ],
    );
    check(
        &[(DocKind::Tasks, TASKS)],
        &[
            "tasks.md:1:1-1 warning[missing-document] spec 'demo' has no requirements.md",
            "tasks.md:1:1-1 information[missing-document] spec 'demo' has no design.md yet",
        ],
    );
}

#[test]
fn missing_document_of_design_first_and_bugfix_specs() {
    // A design-first spec writes its requirements after the design.
    let design_first = r#"{"specId": "x", "workflowType": "design-first"}"#;
    check(
        &[(DocKind::Design, DESIGN), (DocKind::Config, design_first)],
        &[
            "design.md:1:1-1 information[missing-document] spec 'demo' has no requirements.md",
            "design.md:1:1-1 information[missing-document] spec 'demo' has no tasks.md yet",
        ],
    );
    // ...but once tasks.md exists the requirements are overdue.
    check(
        &[(DocKind::Design, DESIGN), (DocKind::Tasks, TASKS), (DocKind::Config, design_first)],
        &["design.md:1:1-1 warning[missing-document] spec 'demo' has no requirements.md"],
    );
    // A bugfix spec (by its config) misses bugfix.md, not requirements.md.
    let bugfix = r#"{"specId": "x", "workflowType": "requirements-first", "specType": "bugfix"}"#;
    check(
        &[(DocKind::Design, DESIGN), (DocKind::Tasks, TASKS), (DocKind::Config, bugfix)],
        &["design.md:1:1-1 warning[missing-document] spec 'demo' has no bugfix.md"],
    );
}

// ---------------------------------------------------------------------------
// malformed-config

#[test]
fn malformed_config() {
    check(
        &with(&[(DocKind::Config, "{\n  \"specId\": \"demo\",\n}\n")]),
        &[".config.kiro:3:1-2 error[malformed-config] .config.kiro: not valid JSON: trailing comma at line 3 column 1"],
    );
    check(
        &with(&[(DocKind::Config, "{\n  \"specId\": 7,\n  \"specType\": \"feature\"\n}\n")]),
        &[".config.kiro:2:3-11 error[malformed-config] .config.kiro: `specId` should be a string, not a number"],
    );
    check(
        &with(&[(DocKind::Config, "{\"specId\": \"x\", \"specType\": \"chore\", \"workflowType\": \"vibes\"}")]),
        &[
            ".config.kiro:1:17-27 error[malformed-config] .config.kiro: `specType` is \"chore\"; \
             Kiro knows \"feature\" and \"bugfix\"",
            ".config.kiro:1:38-52 error[malformed-config] .config.kiro: workflow \"vibes\" is not \
             \"requirements-first\" or \"design-first\"",
        ],
    );
    check(
        &with(&[(DocKind::Config, "[1, 2]")]),
        &[".config.kiro:1:1-7 error[malformed-config] .config.kiro: `.config.kiro` should be a JSON object such as \
           {\"specId\": \"…\", \"workflowType\": \"requirements-first\", \"specType\": \"feature\"}"],
    );
    // Unknown keys are fine.
    check(&with(&[(DocKind::Config, r#"{"specId": "x", "color": 3}"#)]), &[]);
}

#[test]
fn malformed_tasks_meta() {
    check(
        &with(&[(DocKind::TasksMeta, "{\"tasks\": [}")]),
        &[".tasks-meta.json:1:12-13 error[malformed-config] .tasks-meta.json: not valid JSON: \
           expected value at line 1 column 12"],
    );
    // Any JSON value is accepted.
    check(&with(&[(DocKind::TasksMeta, "[]")]), &[]);
}

// ---------------------------------------------------------------------------
// malformed-dependency-graph

const TASKS_WITH_GRAPH: &str = "\
# Implementation Plan

- [ ] 1. Build login
  - _Requirements: 1.1, 1.2_
- [ ] 2. Audit

## Task Dependency Graph

```json
GRAPH
```
";

fn tasks_with_graph(graph: &str) -> String {
    TASKS_WITH_GRAPH.replace("GRAPH", graph)
}

#[test]
fn malformed_dependency_graph() {
    let unknown = tasks_with_graph(r#"{"waves": [{"id": 0, "tasks": ["1", "2"]}, {"id": 1, "tasks": ["3", "2.5"]}]}"#);
    check(
        &with(&[(DocKind::Tasks, &unknown)]),
        &["tasks.md:9:1-11:4 warning[malformed-dependency-graph] the Task Dependency Graph names tasks that do not \
           exist: 3, 2.5"],
    );
    let invalid = tasks_with_graph(r#"{"waves": [["1"], }"#);
    check(
        &with(&[(DocKind::Tasks, &invalid)]),
        &["tasks.md:9:1-11:4 warning[malformed-dependency-graph] the Task Dependency Graph cannot be read: \
           expected value at line 1 column 19"],
    );
    let not_waves = tasks_with_graph(r#"{"waves": 3}"#);
    check(
        &with(&[(DocKind::Tasks, &not_waves)]),
        &["tasks.md:9:1-11:4 warning[malformed-dependency-graph] the Task Dependency Graph cannot be read: \
           expected a list of waves"],
    );
    let not_ids = tasks_with_graph(r#"[["1"], 2]"#);
    check(
        &with(&[(DocKind::Tasks, &not_ids)]),
        &["tasks.md:9:1-11:4 warning[malformed-dependency-graph] the Task Dependency Graph cannot be read: \
           each wave should list task ids"],
    );
    // A bare list of waves, with `taskIds` or plain lists, numbers or strings.
    let plain = tasks_with_graph(r#"[["1"], {"taskIds": [2]}]"#);
    check(&with(&[(DocKind::Tasks, &plain)]), &[]);
}

// ---------------------------------------------------------------------------
// unreadable-file

#[test]
fn unreadable_file() {
    // A `tasks.md` that is a folder cannot be read.
    let dir = std::env::temp_dir().join(format!("specwright-unreadable-{}", std::process::id())).join("demo");
    std::fs::create_dir_all(dir.join("tasks.md")).expect("temp dir");
    std::fs::write(dir.join("requirements.md"), REQUIREMENTS).expect("temp file");
    std::fs::write(dir.join("design.md"), DESIGN).expect("temp file");
    let got = rendered(&Spec::load(&dir));
    std::fs::remove_dir_all(dir.parent().expect("has a parent")).expect("clean up");
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[0], "requirements.md:1:1-1 information[missing-document] spec 'demo' has no tasks.md yet");
    assert!(
        got[1].starts_with("tasks.md:1:1-1 error[unreadable-file] tasks.md could not be read: is a folder, not a file"),
        "{}",
        got[1]
    );
}

// ---------------------------------------------------------------------------
// A bugfix spec

const BUGFIX: &str = "\
# Bugfix: Login loop

## Introduction

Users with an expired token are redirected forever.

## Bug Analysis

### Current Behavior (Defect)

1.1 WHEN a user with an expired token signs in THEN the system redirects to the login page again
1.2 WHEN that happens the browser tab hangs

### Expected Behavior (Correct)

2.1 WHEN a user with an expired token signs in THEN the system SHALL ask for the password again
2.2 WHEN the token is refreshed THEN the system SHALL keep the session

### Unchanged Behavior (Regression Prevention)

3.1 WHEN a user with a valid token signs in THEN the system SHALL CONTINUE TO open the dashboard
3.2 The remember-me cookie keeps working
";

#[test]
fn bugfix_spec() {
    // Current behavior (1.x) describes the defect: it is not EARS and no task
    // has to cite it, but citing it is fine. 2.2 and 3.2 are not covered.
    let tasks = "\
# Implementation Plan

- [ ] 1. Write a test that reproduces the loop
  - _Requirements: 1.1_
- [ ] 2. Fix the redirect
  - _Requirements: 2.1, 2.9_
- [ ] 3. Check the dashboard still opens
  - _Requirements: 3.1_
";
    check(
        &[(DocKind::Bugfix, BUGFIX), (DocKind::Design, DESIGN), (DocKind::Tasks, tasks)],
        &[
            "bugfix.md:17:1-71 warning[uncovered-criterion] criterion 2.2 is not covered by any task in tasks.md",
            "bugfix.md:22:1-41 warning[uncovered-criterion] criterion 3.2 is not covered by any task in tasks.md",
            "bugfix.md:22:1-41 warning[not-ears] criterion 3.2 is not in EARS form: expected THE <system> SHALL \
             <response>, optionally opened by WHEN, WHILE, IF or WHERE <condition>",
            "tasks.md:6:25-28 error[dangling-reference] criterion 2.9 does not exist in bugfix.md \
             (Requirement 2 has criteria 2.1, 2.2)",
        ],
    );
    let analysis = analyze(&spec(&[(DocKind::Bugfix, BUGFIX), (DocKind::Tasks, tasks)]));
    assert_eq!(analysis.summary.uncovered, ids(&["2.2", "3.2"]));
    assert_eq!((analysis.summary.requirements, analysis.summary.criteria), (3, 6));
}

#[test]
fn bugfix_spec_without_tasks_reports_missing_documents_by_bugfix_names() {
    check(
        &[(DocKind::Bugfix, BUGFIX)],
        &[
            "bugfix.md:1:1-1 information[missing-document] spec 'demo' has no design.md yet",
            "bugfix.md:1:1-1 information[missing-document] spec 'demo' has no tasks.md yet",
            "bugfix.md:22:1-41 warning[not-ears] criterion 3.2 is not in EARS form: expected THE <system> SHALL \
             <response>, optionally opened by WHEN, WHILE, IF or WHERE <condition>",
        ],
    );
}

// ---------------------------------------------------------------------------
// Summary

#[test]
fn summary_figures() {
    let requirements = "\
# Requirements

### Requirement 1: Login

#### Acceptance Criteria

1. WHEN a user signs in, THE System SHALL open a session
2. THE System SHALL log every attempt
3. THE System SHALL lock the account after five failures

### Requirement 2: Logout

#### Acceptance Criteria

1. WHEN a user signs out, THE System SHALL close the session
2. THE System SHALL forget the token

### Requirement 3: Audit

#### Acceptance Criteria

1. THE System SHALL keep an audit trail
";
    let tasks = "\
# Implementation Plan

- [x] 1. Build login
  - [x] 1.1 Form
    - _Requirements: 1.1-1.3_
  - [x] 1.2 Lockout
    - _Requirements: R1.3, 1.7_
  - [ ]* 1.3 Load test
- [-] 2. Build logout
  - [ ] 2.1 Button
    - _Requirements: 2, All_
  - [ ]\\* 2.2 Polish
- [ ] 3. Wire it up
  - _Requirements: 9_
";
    let design = "\
# Design

### Property 1: Sessions close
**Validates: Requirements 2.1, 3.1**
";
    let spec = spec(&[(DocKind::Requirements, requirements), (DocKind::Design, design), (DocKind::Tasks, tasks)]);
    let analysis = analyze(&spec);
    assert_eq!(
        analysis.summary,
        Summary {
            requirements: 3,
            criteria: 6,
            tasks: 3,
            subtasks: 5,
            done: 3,
            optional: 2,
            // 1.1-1.3 (3), R1.3, 1.7, 2, 9 in tasks.md; 2.1, 3.1 in design.md. `All` counts nothing.
            references: 9,
            dangling: ids(&["1.7", "9"]),
            // 3.1 is cited by design.md only.
            uncovered: ids(&["3.1"]),
        }
    );
    // Coverage records which tasks (by index in document order) cite each
    // criterion: 1.3 is cited by 1.1 (through the range) and 1.2.
    assert_eq!(analysis.coverage[&ReqId::criterion(1, 3)], vec![1, 2]);
    assert_eq!(analysis.coverage[&ReqId::criterion(2, 2)], vec![5]);
    assert_eq!(analysis.tasks_covering_requirement(&spec, 1), vec![1, 2]);
    assert_eq!(analysis.tasks_covering_requirement(&spec, 3), Vec::<usize>::new());
}
