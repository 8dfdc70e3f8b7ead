//! The spec tools (`read_spec`, `repo_map`, `get_diagnostics`) against a
//! temporary workspace holding a small spec and a little TypeScript.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use specwright_agent::tools::{self, GetDiagnostics, ReadSpec, RepoMap};
use specwright_agent::{FileChange, Host, Tool, ToolContext, ToolError, Workspace};
use specwright_models::{BoxFuture, CancellationToken};

/// A host that refuses every change and command: these tools only read.
struct TestHost;

impl Host for TestHost {
    fn apply(&self, change: FileChange) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move { Err(format!("{} was not changed: read-only test host", change.path().display())) })
    }

    fn approve_command(&self, _command: &str) -> BoxFuture<'_, bool> {
        Box::pin(async { false })
    }
}

const REQUIREMENTS: &str = "\
# Requirements Document

## Introduction

A tiny login feature.

## Requirements

### Requirement 1: Sign in

**User Story:** As a user, I want to sign in, so that I can see my data.

#### Acceptance Criteria

1. WHEN the user submits valid credentials THE system SHALL open a session
2. IF the password is wrong THEN THE system SHALL show an error

### Requirement 2: Sign out

**User Story:** As a user, I want to sign out, so that nobody else uses my session.

#### Acceptance Criteria

1. WHEN the user clicks sign out THE system SHALL end the session
";

const DESIGN: &str = "\
# Design Document

## Overview

Sessions live in a signed cookie.

## Components

The `SessionStore` keeps sessions in memory.
";

const TASKS: &str = "\
# Implementation Plan

- [x] 1. Build the session store
  - Keep sessions in memory
  - _Requirements: 1.1_
- [ ] 2. Show the password error
  - _Requirements: 1.2, 9.9_
- [ ] 3. Sign out
  - _Requirements: 2.1_
";

const SESSION_TS: &str = "\
import { hashToken } from './token';

export class SessionStore {
  open(user: string): string {
    return hashToken(user);
  }
}
";

const TOKEN_TS: &str = "\
import { SessionStore } from './session';

export function hashToken(value: string): string {
  return value.split('').reverse().join('');
}

export function freshStore(): SessionStore {
  return new SessionStore();
}
";

/// A temporary folder holding the workspace (`ws/`) and a folder beside it
/// (`outside/`), removed when dropped.
struct Fixture {
    base: PathBuf,
    workspace: Workspace,
    host: TestHost,
    cancel: CancellationToken,
}

impl Fixture {
    fn new(files: &[(&str, &str)]) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir().join(format!(
            "specwright-agent-spec-tools-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("ws")).unwrap();
        std::fs::create_dir_all(base.join("outside")).unwrap();
        std::fs::write(base.join("outside/other.ts"), "export const x = 1;\n").unwrap();
        for (path, text) in files {
            let path = base.join("ws").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let workspace = Workspace::new(&base.join("ws")).unwrap();
        Self { base, workspace, host: TestHost, cancel: CancellationToken::new() }
    }

    /// A workspace with the `login` spec and two TypeScript files.
    fn with_spec() -> Self {
        Self::new(&[
            (".kiro/specs/login/requirements.md", REQUIREMENTS),
            (".kiro/specs/login/design.md", DESIGN),
            (".kiro/specs/login/tasks.md", TASKS),
            ("src/session.ts", SESSION_TS),
            ("src/token.ts", TOKEN_TS),
        ])
    }

    fn root(&self) -> &Path {
        self.workspace.root()
    }

    async fn call(&self, tool: &dyn Tool, input: Value) -> Result<String, ToolError> {
        let cx =
            ToolContext { workspace: &self.workspace, host: &self.host, cancel: &self.cancel, output_limit: 20_000 };
        tool.run(input, &cx).await
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

#[test]
fn the_spec_tools_are_offered_after_the_others() {
    let all = tools::all(&[]);
    let names: Vec<_> = all.iter().map(|t| t.name()).collect();
    assert_eq!(names[names.len() - 3..], ["read_spec", "repo_map", "get_diagnostics"]);
    for tool in &all[all.len() - 3..] {
        assert_eq!(tool.input_schema()["type"], "object", "{}", tool.name());
        assert!(!tool.description().is_empty());
    }
}

// read_spec

#[tokio::test]
async fn read_spec_shows_requirements_criteria_design_and_tasks_with_ids() {
    let f = Fixture::with_spec();
    let out = f.call(&ReadSpec, json!({ "spec": "login" })).await.unwrap();
    assert!(out.contains("Requirement 1: Sign in"), "{out}");
    assert!(out.contains("Requirement 2: Sign out"), "{out}");
    assert!(out.contains("As a user, I want to sign in"), "{out}");
    assert!(out.contains("1.1 WHEN the user submits valid credentials THE system SHALL open a session"), "{out}");
    assert!(out.contains("1.2 IF the password is wrong"), "{out}");
    assert!(out.contains("2.1 WHEN the user clicks sign out"), "{out}");
    // The design keeps its headings and text.
    assert!(out.contains("## Components"), "{out}");
    assert!(out.contains("SessionStore"), "{out}");
    // Tasks with their ids, markers and citations.
    assert!(out.contains("- [x] 1 Build the session store (Requirements: 1.1)"), "{out}");
    assert!(out.contains("- [ ] 2 Show the password error (Requirements: 1.2, 9.9)"), "{out}");
    assert!(out.contains("- [ ] 3 Sign out (Requirements: 2.1)"), "{out}");
    // Requirements come before the design, the design before the tasks.
    let (req, design, tasks) =
        (out.find("Requirement 1").unwrap(), out.find("## Overview").unwrap(), out.find("- [x] 1").unwrap());
    assert!(req < design && design < tasks, "{out}");
}

#[tokio::test]
async fn read_spec_of_an_unknown_spec_lists_the_specs_that_exist() {
    let f = Fixture::with_spec();
    let err = f.call(&ReadSpec, json!({ "spec": "payments" })).await.unwrap_err();
    let ToolError::Failed(message) = &err else { panic!("{err:?}") };
    assert!(message.contains("payments"), "{message}");
    assert!(message.contains("login"), "{message}");
}

#[tokio::test]
async fn read_spec_refuses_names_that_are_not_plain_folder_names() {
    let f = Fixture::with_spec();
    for name in ["../x", "..", "login/../login", "", "a b", "/etc"] {
        let err = f.call(&ReadSpec, json!({ "spec": name })).await.unwrap_err();
        assert!(matches!(err, ToolError::InvalidInput(_)), "{name}: {err:?}");
    }
    let err = f.call(&ReadSpec, json!({})).await.unwrap_err();
    assert!(matches!(err, ToolError::InvalidInput(_)), "{err:?}");
}

// repo_map

#[tokio::test]
async fn repo_map_lists_the_files_that_reference_each_other() {
    let f = Fixture::with_spec();
    let out = f.call(&RepoMap, json!({})).await.unwrap();
    assert!(out.contains("src/session.ts"), "{out}");
    assert!(out.contains("src/token.ts"), "{out}");
    assert!(out.contains("SessionStore"), "{out}");
    assert!(out.contains("hashToken"), "{out}");

    let focused = f.call(&RepoMap, json!({ "focus": ["src/token.ts"] })).await.unwrap();
    assert!(focused.contains("src/token.ts"), "{focused}");
}

#[tokio::test]
async fn repo_map_refuses_a_focus_outside_the_workspace() {
    let f = Fixture::with_spec();
    let err = f.call(&RepoMap, json!({ "focus": ["../outside/other.ts"] })).await.unwrap_err();
    assert!(matches!(err, ToolError::OutsideWorkspace(_)), "{err:?}");
    let outside = f.root().parent().unwrap().join("outside/other.ts");
    let err = f.call(&RepoMap, json!({ "focus": [outside.to_string_lossy()] })).await.unwrap_err();
    assert!(matches!(err, ToolError::OutsideWorkspace(_)), "{err:?}");
    let err = f.call(&RepoMap, json!({ "focus": "src/token.ts" })).await.unwrap_err();
    assert!(matches!(err, ToolError::InvalidInput(_)), "{err:?}");
}

#[tokio::test]
async fn repo_map_of_a_workspace_without_code_says_so() {
    let f = Fixture::new(&[("notes.txt", "nothing to index\n")]);
    let out = f.call(&RepoMap, json!({})).await.unwrap();
    assert!(out.starts_with("No source files"), "{out}");
}

// get_diagnostics

#[tokio::test]
async fn get_diagnostics_reports_the_dangling_citation_with_its_code() {
    let f = Fixture::with_spec();
    let out = f.call(&GetDiagnostics, json!({})).await.unwrap();
    let line = out
        .lines()
        .find(|l| l.contains("dangling-reference"))
        .unwrap_or_else(|| panic!("no dangling-reference in:\n{out}"));
    // `- _Requirements: 1.2, 9.9_` is line 7 of tasks.md.
    assert!(line.starts_with(".kiro/specs/login/tasks.md:7:"), "{line}");
    assert!(line.contains("error dangling-reference"), "{line}");
    assert!(line.contains("9.9"), "{line}");
    assert!(out.contains("come from the editor"), "{out}");

    // Limited to the spec of a document inside it: the same finding.
    let scoped = f.call(&GetDiagnostics, json!({ "path": ".kiro/specs/login/tasks.md" })).await.unwrap();
    assert!(scoped.contains("dangling-reference"), "{scoped}");
    assert!(scoped.contains("in 1 spec"), "{scoped}");
}

#[tokio::test]
async fn get_diagnostics_of_a_clean_spec_finds_nothing() {
    let f = Fixture::new(&[
        (".kiro/specs/login/requirements.md", REQUIREMENTS),
        (".kiro/specs/login/design.md", DESIGN),
        (".kiro/specs/login/tasks.md", &TASKS.replace(", 9.9", "")),
    ]);
    let out = f.call(&GetDiagnostics, json!({ "path": ".kiro/specs/login" })).await.unwrap();
    assert!(!out.contains("dangling-reference"), "{out}");
    assert!(out.starts_with("No problems found in 1 spec"), "{out}");
}

#[tokio::test]
async fn get_diagnostics_refuses_a_path_outside_the_workspace() {
    let f = Fixture::with_spec();
    let err = f.call(&GetDiagnostics, json!({ "path": "../outside" })).await.unwrap_err();
    assert!(matches!(err, ToolError::OutsideWorkspace(_)), "{err:?}");
}
