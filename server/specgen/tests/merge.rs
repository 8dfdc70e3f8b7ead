//! Updating tasks from requirements never loses work.

use specwright_spec::LineIndex;
use specwright_spec::requirements::parse_requirements;
use specwright_specgen::merge::merge_tasks;

const REQUIREMENTS: &str = "\
# Requirements Document

## Requirements

### Requirement 1: Sign up

#### Acceptance Criteria

1. WHEN a visitor signs up, THE API SHALL create the account
2. IF the email exists, THEN THE API SHALL reject it

### Requirement 3: Log out

#### Acceptance Criteria

1. WHEN a user logs out, THE API SHALL revoke the token
";

const EXISTING: &str = "\
# Implementation Plan

- [x] 1. Sign up
  - _Requirements: 1.1_

- [ ] 2. Password reset (requirement removed)
  - _Requirements: 2.1, 2.2_

- [x] 3. Old audit log (requirement removed, but done)
  - _Requirements: 2.3_

- [ ] 4. Checkpoint
  - _Requirements: All_

## Task Dependency Graph

```json
{\"waves\": [[\"1\"], [\"2\", \"3\"]]}
```
";

const PROPOSED: &str = "\
# Implementation Plan

- [ ] 1. Sign up
  - _Requirements: 1.1_

- [ ] 2. Reject duplicate emails
  - _Requirements: 1.2_

- [ ] 3. Log out
- [ ]* 3.1 Test revocation
  - _Requirements: 3.1_
";

#[test]
fn merge_keeps_work_drops_only_untouched_orphans_and_adds_uncovered() {
    let reqs = parse_requirements(REQUIREMENTS, &LineIndex::new(REQUIREMENTS));
    let out = merge_tasks(EXISTING, PROPOSED, &reqs);
    assert_eq!(out.dropped, ["2. Password reset (requirement removed)"]);
    assert_eq!(out.added, ["5", "6"]);
    assert!(out.uncovered.is_empty(), "{:?}", out.uncovered);
    let expected = "\
# Implementation Plan

- [x] 1. Sign up
  - _Requirements: 1.1_

- [x] 3. Old audit log (requirement removed, but done)
  - _Requirements: 2.3_

- [ ] 4. Checkpoint
  - _Requirements: All_

- [ ] 5. Reject duplicate emails
  - _Requirements: 1.2_

- [ ] 6. Log out
- [ ]* 6.1 Test revocation
  - _Requirements: 3.1_

## Task Dependency Graph

```json
{\"waves\": [[\"1\"], [\"2\", \"3\"]]}
```
";
    assert_eq!(out.text, expected);
}

#[test]
fn merge_with_nothing_new_changes_nothing() {
    let reqs = parse_requirements(REQUIREMENTS, &LineIndex::new(REQUIREMENTS));
    let complete = "# Implementation Plan\n\n- [ ] 1. All\n  - _Requirements: 1, 3_\n";
    let out = merge_tasks(complete, PROPOSED, &reqs);
    assert_eq!(out.text, complete);
    assert!(out.added.is_empty() && out.dropped.is_empty());
}

#[test]
fn added_tasks_cite_only_the_criteria_nothing_covered() {
    // 1.1 is covered already: the added tasks cite 1.2 and 3.1 only, and a
    // sub-task's line that cited 1.1 alone is dropped.
    let reqs = parse_requirements(REQUIREMENTS, &LineIndex::new(REQUIREMENTS));
    let existing = "# Implementation Plan\n\n- [x] 1. Sign up\n  - _Requirements: 1.1_\n";
    let proposed = "\
# Implementation Plan

- [ ] 1. Sign up and reject duplicates
  - _Requirements: 1.1, 1.2_
  - [ ] 1.1 Form
    - _Requirements: 1.1_

- [ ] 2. Everything else
  - _Requirements: 1, 3_
";
    let out = merge_tasks(existing, proposed, &reqs);
    assert_eq!(out.added, ["2", "3"]);
    let expected = "\
# Implementation Plan

- [x] 1. Sign up
  - _Requirements: 1.1_

- [ ] 2. Sign up and reject duplicates
  - _Requirements: 1.2_
  - [ ] 2.1 Form

- [ ] 3. Everything else
  - _Requirements: 3_
";
    assert_eq!(out.text, expected);
    assert!(out.uncovered.is_empty(), "{:?}", out.uncovered);
}
