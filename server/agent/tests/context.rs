//! Attaching context to a chat message: every kind of item against a
//! temporary workspace, confinement to it, withheld files and the budget.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use specwright_agent::context::{ContextItem, Problem, attach};
use specwright_agent::{DiskHost, ToolContext, Workspace};
use specwright_models::CancellationToken;

const REQUIREMENTS: &str = "\
# Requirements Document

## Requirements

### Requirement 1: Sign in

**User Story:** As a user, I want to sign in, so that I can see my data.

#### Acceptance Criteria

1. WHEN the user submits valid credentials THE system SHALL open a session
";

const TASKS: &str = "\
# Implementation Plan

- [ ] 1. Build the session store
  - _Requirements: 1.1_
";

const TOKEN_TS: &str = "\
export function hashToken(value: string): string {
  return value.split('').reverse().join('');
}
";

/// A temporary folder holding the workspace (`ws/`) and a folder beside it
/// (`outside/`), removed when dropped.
struct Fixture {
    base: PathBuf,
    workspace: Workspace,
    host: DiskHost,
    cancel: CancellationToken,
}

impl Fixture {
    fn new(files: &[(&str, &str)]) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir().join(format!(
            "specwright-agent-context-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("ws")).unwrap();
        std::fs::create_dir_all(base.join("outside")).unwrap();
        std::fs::write(base.join("outside/secret.txt"), "outside-content\n").unwrap();
        for (path, text) in files {
            let path = base.join("ws").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let workspace = Workspace::new(&base.join("ws")).unwrap();
        Self { base, workspace, host: DiskHost { autopilot: false }, cancel: CancellationToken::new() }
    }

    fn root(&self) -> &Path {
        self.workspace.root()
    }

    async fn attach(&self, items: &[ContextItem], budget: usize) -> String {
        let cx = ToolContext { workspace: &self.workspace, host: &self.host, cancel: &self.cancel, output_limit: 100 };
        attach("Please look.", items, &cx, budget).await
    }

    /// Runs `git args` in the workspace; panics when it fails.
    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(self.root())
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("git is installed");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

const BUDGET: usize = 50_000;

#[tokio::test]
async fn without_items_the_text_is_unchanged() {
    let f = Fixture::new(&[]);
    assert_eq!(f.attach(&[], BUDGET).await, "Please look.");
}

#[tokio::test]
async fn a_file_is_attached_with_its_text_by_relative_or_absolute_path() {
    let f = Fixture::new(&[("src/token.ts", TOKEN_TS)]);
    for path in [PathBuf::from("src/token.ts"), f.root().join("src/token.ts")] {
        let out = f.attach(&[ContextItem::File(path)], BUDGET).await;
        assert!(out.starts_with("Please look.\n\nAttached file `src/token.ts`:\n```ts\n"), "{out}");
        assert!(out.contains("export function hashToken(value: string): string {"), "{out}");
        assert!(out.ends_with("}\n```"), "{out}");
    }
}

#[tokio::test]
async fn a_missing_file_is_a_note() {
    let f = Fixture::new(&[]);
    let out = f.attach(&[ContextItem::File("nope.ts".into())], BUDGET).await;
    assert_eq!(out, "Please look.\n\nAttached file `nope.ts`: not included, it does not exist.");
}

#[tokio::test]
async fn a_path_outside_the_workspace_attaches_only_a_note() {
    let f = Fixture::new(&[]);
    let outside = f.base.join("outside/secret.txt");
    for item in [
        ContextItem::File("../outside/secret.txt".into()),
        ContextItem::File(outside.clone()),
        ContextItem::Folder("../outside".into()),
    ] {
        let out = f.attach(std::slice::from_ref(&item), BUDGET).await;
        assert!(!out.contains("outside-content"), "{out}");
        assert!(out.contains("it is outside the workspace."), "{item:?}: {out}");
        assert_eq!(out.lines().count(), 3, "one line of note: {out}");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_escaping_the_workspace_attaches_only_a_note() {
    let f = Fixture::new(&[]);
    std::os::unix::fs::symlink(f.base.join("outside/secret.txt"), f.root().join("link.txt")).unwrap();
    std::os::unix::fs::symlink(f.base.join("outside"), f.root().join("linked")).unwrap();
    for item in [ContextItem::File("link.txt".into()), ContextItem::Folder("linked".into())] {
        let out = f.attach(std::slice::from_ref(&item), BUDGET).await;
        assert!(!out.contains("outside-content") && !out.contains("secret.txt"), "{out}");
        assert!(
            out.contains("not included, it is outside the workspace.") || out.contains("not listed, it is outside")
        );
    }
}

#[tokio::test]
async fn an_env_file_is_withheld_with_the_reason() {
    let f = Fixture::new(&[(".env", "API_TOKEN=hunter2-very-secret\n")]);
    let out = f.attach(&[ContextItem::File(".env".into())], BUDGET).await;
    assert!(!out.contains("hunter2"), "{out}");
    assert_eq!(
        out,
        "Please look.\n\nAttached file `.env`: not included, it may hold credentials (its name matches `.env*`)."
    );
}

#[tokio::test]
async fn a_gitignored_file_is_withheld() {
    let f = Fixture::new(&[(".gitignore", "*.log\n"), ("debug.log", "private log line\n")]);
    let out = f.attach(&[ContextItem::File("debug.log".into())], BUDGET).await;
    assert!(!out.contains("private log line"), "{out}");
    assert!(out.contains("not included, it is ignored by .gitignore."), "{out}");
}

#[tokio::test]
async fn a_folder_lists_nested_files_but_not_ignored_ones() {
    let f = Fixture::new(&[
        (".gitignore", "*.log\nbuild/\n"),
        ("src/main.ts", "main();\n"),
        ("src/nested/deep.ts", "deep();\n"),
        ("src/debug.log", "log\n"),
        ("src/build/out.js", "out\n"),
    ]);
    let out = f.attach(&[ContextItem::Folder("src".into())], BUDGET).await;
    assert!(out.contains("Attached folder `src/` (3 entries):"), "{out}");
    assert!(out.contains("src/nested/deep.ts"), "{out}");
    assert!(out.contains("src/nested/\n"), "{out}");
    assert!(out.contains("src/main.ts"), "{out}");
    assert!(!out.contains("debug.log"), "{out}");
    assert!(!out.contains("build"), "{out}");

    let root = f.attach(&[ContextItem::Folder(".".into())], BUDGET).await;
    assert!(root.contains("Attached folder `./`"), "{root}");
    assert!(root.contains(".gitignore\n") && root.contains("src/nested/deep.ts"), "{root}");
}

#[tokio::test]
async fn a_spec_shows_its_requirements_with_criterion_ids_and_tasks() {
    let f = Fixture::new(&[(".kiro/specs/login/requirements.md", REQUIREMENTS), (".kiro/specs/login/tasks.md", TASKS)]);
    let out = f.attach(&[ContextItem::Spec("login".into())], BUDGET).await;
    assert!(out.contains("Attached spec `login`:"), "{out}");
    assert!(out.contains("1.1 WHEN the user submits valid credentials"), "{out}");
    assert!(out.contains("- [ ] 1 Build the session store (Requirements: 1.1)"), "{out}");

    let missing = f.attach(&[ContextItem::Spec("payments".into())], BUDGET).await;
    assert!(missing.contains("Attached spec `payments`: not included, there is no spec `payments`"), "{missing}");
    assert!(missing.contains("login"), "{missing}");
}

#[tokio::test]
async fn steering_documents_are_attached_with_their_inclusion() {
    let f = Fixture::new(&[
        (".kiro/steering/style.md", "---\ninclusion: manual\n---\nPrefer small functions.\n"),
        (".kiro/steering/tech.md", "Use TypeScript everywhere. #[[file:.env]]\n"),
        (".env", "API_TOKEN=hunter2-very-secret\n"),
    ]);
    let one = f.attach(&[ContextItem::Steering(Some(".kiro/steering/style.md".into()))], BUDGET).await;
    assert!(one.contains("Attached steering document `.kiro/steering/style.md`:"), "{one}");
    assert!(one.contains("### .kiro/steering/style.md (inclusion: manual)"), "{one}");
    assert!(one.contains("Prefer small functions."), "{one}");
    assert!(!one.contains("TypeScript"), "{one}");

    let all = f.attach(&[ContextItem::Steering(None)], BUDGET).await;
    assert!(all.contains("Prefer small functions."), "{all}");
    assert!(all.contains("### .kiro/steering/tech.md (inclusion: always)"), "{all}");
    assert!(all.contains("Use TypeScript everywhere."), "{all}");
    // A withheld file a document includes is named, not inlined.
    assert!(!all.contains("hunter2"), "{all}");
    assert!(all.contains("includes `.env`, not included: it may hold credentials"), "{all}");

    let not_steering = f.attach(&[ContextItem::Steering(Some(".env".into()))], BUDGET).await;
    assert!(not_steering.contains("not included, it is not a steering document"), "{not_steering}");
    assert!(!not_steering.contains("hunter2"), "{not_steering}");
}

#[tokio::test]
async fn the_codebase_map_names_defined_functions() {
    let f = Fixture::new(&[("src/token.ts", TOKEN_TS)]);
    let out = f.attach(&[ContextItem::Codebase], BUDGET).await;
    assert!(out.contains("Attached codebase map"), "{out}");
    assert!(out.contains("src/token.ts"), "{out}");
    assert!(out.contains("hashToken"), "{out}");
}

#[tokio::test]
async fn problems_are_listed_one_per_line() {
    let f = Fixture::new(&[]);
    let problems = vec![
        Problem {
            path: "src/token.ts".into(),
            line: 3,
            severity: "error".into(),
            message: "Cannot find name\n  'foo'.".into(),
            source: Some("ts".into()),
        },
        Problem {
            path: "README.md".into(),
            line: 1,
            severity: "warning".into(),
            message: "Long line".into(),
            source: None,
        },
    ];
    let out = f.attach(&[ContextItem::Problems(problems)], BUDGET).await;
    assert_eq!(
        out,
        "Please look.\n\nAttached problems (2):\nsrc/token.ts:3 error Cannot find name 'foo'. (ts)\nREADME.md:1 warning Long line"
    );
    let none = f.attach(&[ContextItem::Problems(Vec::new())], BUDGET).await;
    assert!(none.ends_with("Attached problems: none are reported."), "{none}");
}

#[tokio::test]
async fn the_git_diff_shows_changes_and_untracked_files_but_not_withheld_ones() {
    let f = Fixture::new(&[("a.txt", "one\n"), ("config/.env", "KEY=old-value\n")]);
    f.git(&["init", "-q"]);
    f.git(&["add", "-A", "-f"]);
    f.git(&["commit", "-q", "--no-verify", "-m", "first"]);
    std::fs::write(f.root().join("a.txt"), "two\n").unwrap();
    std::fs::write(f.root().join("config/.env"), "KEY=new-secret-value\n").unwrap();
    std::fs::write(f.root().join("new.txt"), "fresh\n").unwrap();

    let out = f.attach(&[ContextItem::GitDiff], BUDGET).await;
    assert!(out.contains("Attached git diff (against HEAD):"), "{out}");
    assert!(out.contains("diff --git a/a.txt b/a.txt"), "{out}");
    assert!(out.contains("\n-one\n+two\n"), "{out}");
    assert!(out.contains("Untracked files (not in the diff):\nnew.txt"), "{out}");
    assert!(!out.contains("new-secret-value") && !out.contains("old-value"), "{out}");
    assert!(out.contains("(the diff of `config/.env` is left out: it may hold credentials"), "{out}");

    // Committed: nothing left to show.
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "--no-verify", "-m", "second"]);
    let clean = f.attach(&[ContextItem::GitDiff], BUDGET).await;
    assert!(clean.ends_with("Attached git diff: no changes against HEAD."), "{clean}");
}

#[tokio::test]
async fn the_git_diff_before_the_first_commit_is_against_nothing() {
    let f = Fixture::new(&[("a.txt", "one\n")]);
    f.git(&["init", "-q"]);
    f.git(&["add", "a.txt"]);
    let out = f.attach(&[ContextItem::GitDiff], BUDGET).await;
    assert!(out.contains("against the empty tree (no commit yet)"), "{out}");
    assert!(out.contains("+one"), "{out}");
}

#[tokio::test]
async fn the_git_diff_of_a_folder_that_is_not_a_repository_is_a_note() {
    let f = Fixture::new(&[("a.txt", "one\n")]);
    let out = f.attach(&[ContextItem::GitDiff], BUDGET).await;
    assert_eq!(out, "Please look.\n\nAttached git diff: the workspace folder is not a git repository.");
}

#[tokio::test]
async fn sections_are_clipped_to_their_share_with_the_cut_shown() {
    let long: String = (1..=500).map(|i| format!("line {i:03} of the long file\n")).collect();
    let total = long.chars().count();
    let f = Fixture::new(&[("long.txt", &long), ("short.txt", "short\n")]);
    let items = [ContextItem::File("long.txt".into()), ContextItem::File("short.txt".into())];
    let out = f.attach(&items, 1_000).await;
    // The short file is whole; the long one gets the rest, cut at a line.
    assert!(out.contains("Attached file `short.txt`:\n```txt\nshort\n```"), "{out}");
    assert!(out.contains("line 001 of the long file"), "{out}");
    assert!(!out.contains("line 500"), "{out}");
    // 994 characters left for it: 38 whole lines of 26, without the last newline.
    assert_eq!(total, 13_000);
    assert!(out.contains("line 038 of the long file\n```\n[cut at 987 of 13000 characters]"), "{out}");
    assert!(!out.contains("line 039"), "{out}");
}
