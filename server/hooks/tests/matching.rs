//! Which hooks an event fires.

mod common;

use common::one;
use specwright_hooks::{Event, EventKind, matches};

fn legacy(ty: &str, patterns: &str, enabled: bool) -> specwright_hooks::Hook {
    let text = format!(
        r#"{{"enabled": {enabled}, "name": "h", "when": {{"type": "{ty}", "patterns": {patterns}}},
             "then": {{"type": "askAgent", "prompt": "p"}}}}"#
    );
    one("h.kiro.hook", &text)
}

fn v1(trigger: &str, matcher: Option<&str>) -> specwright_hooks::Hook {
    let matcher = matcher.map(|m| format!(r#""matcher": {},"#, serde_json::to_string(m).unwrap())).unwrap_or_default();
    let text = format!(
        r#"{{"version": "v1", "hooks": [{{"name": "h", "trigger": "{trigger}", {matcher}
             "action": {{"type": "command", "command": "x"}}}}]}}"#
    );
    one("h.json", &text)
}

#[test]
fn globs_with_double_star_and_brace_sets() {
    let h = legacy("fileEdited", r#"["src/**/*.{ts,tsx}", "*.md"]"#, true);
    let saved = |p| matches(&h, &Event::file(EventKind::FileSaved, p));
    assert!(saved("src/a.ts"));
    assert!(saved("src/deep/er/b.tsx"));
    assert!(saved("./src/a.ts"), "a leading ./ is ignored");
    assert!(saved("src\\win\\c.ts"), "backslashes are separators");
    assert!(saved("README.md"));
    assert!(!saved("docs/README.md"), "`*` stays within one folder");
    assert!(!saved("src/a.js"));
    assert!(!saved("lib/src/a.ts"), "patterns are anchored at the workspace root");
    assert!(!matches(&h, &Event::new(EventKind::FileSaved)), "a file trigger needs a path");
    assert!(!matches(&h, &Event::file(EventKind::FileCreated, "src/a.ts")), "other kinds do not fire");
}

#[test]
fn created_and_deleted() {
    let h = legacy("fileCreated", r#"["**/*.py"]"#, true);
    assert!(matches(&h, &Event::file(EventKind::FileCreated, "a/b.py")));
    assert!(matches(&h, &Event::file(EventKind::FileCreated, "b.py")));
    assert!(!matches(&h, &Event::file(EventKind::FileDeleted, "b.py")));
    let h = legacy("fileDeleted", r#"["**/*.py"]"#, true);
    assert!(matches(&h, &Event::file(EventKind::FileDeleted, "b.py")));
}

#[test]
fn v1_regex_matchers() {
    let h = v1("PostFileSave", Some(r"^src/.*\.rs$"));
    assert!(matches(&h, &Event::file(EventKind::FileSaved, "src/lib.rs")));
    assert!(!matches(&h, &Event::file(EventKind::FileSaved, "tests/lib.rs")));
    let h = v1("FileCreate", Some(r"\.ts"));
    assert!(matches(&h, &Event::file(EventKind::FileCreated, "a/b.tsx")), "unanchored, as RegExp.test");
    let h = v1("FileDelete", None);
    assert!(matches(&h, &Event::file(EventKind::FileDeleted, "anything")), "no matcher matches every file");
    let h = v1("PreToolUse", Some("^(write|edit)$"));
    assert!(matches(&h, &Event::tool(EventKind::PreToolUse, "write")));
    assert!(!matches(&h, &Event::tool(EventKind::PreToolUse, "read")));
    let h = v1("PostToolUse", None);
    assert!(matches(&h, &Event::new(EventKind::PostToolUse)));
}

#[test]
fn non_file_triggers() {
    for (name, kind) in [
        ("Manual", EventKind::Manual),
        ("PromptSubmit", EventKind::PromptSubmit),
        ("AgentStop", EventKind::AgentStop),
        ("PreTaskExecution", EventKind::PreTaskExecution),
        ("PostTaskExecution", EventKind::PostTaskExecution),
    ] {
        let h = v1(name, None);
        for other in EventKind::ALL {
            assert_eq!(matches(&h, &Event::new(other)), other == kind, "{name} on {other:?}");
        }
    }
    let h = one(
        "h.kiro.hook",
        r#"{"name": "h", "when": {"type": "preToolUse"}, "then": {"type": "askAgent", "prompt": "p"}}"#,
    );
    assert!(matches(&h, &Event::tool(EventKind::PreToolUse, "x")), "no toolTypes: every tool");
}

#[test]
fn disabled_hooks_never_match() {
    let h = legacy("fileEdited", r#"["**/*"]"#, false);
    assert!(!h.enabled);
    for kind in EventKind::ALL {
        assert!(!matches(&h, &Event::file(kind, "a.ts")));
        assert!(!matches(&h, &Event::new(kind)));
    }
}
