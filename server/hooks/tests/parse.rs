//! Both formats: valid examples into the model, and every diagnostic code
//! with the text its range covers.

mod common;

use common::{clean, diags, one, slice};
use specwright_hooks::{Action, Format, Severity, Trigger, codes, parse};
use std::path::Path;

const LEGACY: &str = r#"{
  "enabled": true,
  "name": "Lint on save",
  "description": "Runs the linter",
  "version": "1",
  "when": {
    "type": "fileEdited",
    "patterns": ["src/**/*.ts", "*.{json,md}"]
  },
  "then": {
    "type": "askAgent",
    "prompt": "Lint the file"
  }
}
"#;

const V1: &str = r#"{
  "version": "v1",
  "hooks": [
    {
      "name": "Format",
      "trigger": "PostFileSave",
      "matcher": "\\.rs$",
      "action": {"type": "command", "command": "cargo fmt"},
      "timeout": 30
    },
    {
      "name": "Review",
      "description": "Ask for a review",
      "trigger": "Manual",
      "action": {"type": "agent", "prompt": "Review my changes"},
      "enabled": false
    }
  ]
}"#;

#[test]
fn legacy_hook_into_the_model() {
    let h = one(".kiro/hooks/lint.kiro.hook", LEGACY);
    assert_eq!(h.name, "Lint on save");
    assert_eq!(h.description.as_deref(), Some("Runs the linter"));
    assert!(h.enabled);
    let Trigger::FileSaved { patterns } = &h.trigger else { panic!("{:?}", h.trigger) };
    assert_eq!(patterns.sources(), ["src/**/*.ts", "*.{json,md}"]);
    assert_eq!(h.action, Action::AskAgent { prompt: "Lint the file".into() });
    assert_eq!(h.source.format, Format::Legacy);
    assert_eq!(h.source.index_in_file, 0);
    assert_eq!(slice(LEGACY, h.range), LEGACY.trim_end());
}

#[test]
fn legacy_run_command_defaults_and_other_triggers() {
    let text = r#"{"name": "t", "when": {"type": "userTriggered"}, "then": {"type": "runCommand", "command": "make"}}"#;
    let h = one("a.kiro.hook", text);
    assert!(h.enabled, "enabled defaults to true");
    assert_eq!(h.trigger, Trigger::Manual);
    assert_eq!(h.action, Action::RunCommand { command: "make".into(), timeout_secs: 60 });

    let text = r#"{"name": "t", "when": {"type": "preToolUse", "toolTypes": ["write"]},
                   "then": {"type": "runCommand", "command": "x", "timeout": 5}}"#;
    let h = one("a.kiro.hook", text);
    let Trigger::PreToolUse { tool_types } = &h.trigger else { panic!() };
    assert_eq!(tool_types.sources(), ["write"]);
    assert_eq!(h.action, Action::RunCommand { command: "x".into(), timeout_secs: 5 });

    for (ty, trigger) in [
        ("promptSubmit", Trigger::PromptSubmit),
        ("agentStop", Trigger::AgentStop),
        ("preTaskExecution", Trigger::PreTaskExecution),
        ("postTaskExecution", Trigger::PostTaskExecution),
    ] {
        let text =
            format!(r#"{{"name": "t", "when": {{"type": "{ty}"}}, "then": {{"type": "askAgent", "prompt": "p"}}}}"#);
        assert_eq!(one("a.kiro.hook", &text).trigger, trigger);
    }
}

#[test]
fn v1_hooks_into_the_model() {
    let file = clean(".kiro/hooks/hooks.json", V1);
    assert_eq!(file.format, Format::V1);
    let [fmt, review] = &file.hooks[..] else { panic!("{:?}", file.hooks) };
    assert_eq!(fmt.name, "Format");
    let Trigger::FileSaved { patterns } = &fmt.trigger else { panic!() };
    assert_eq!(patterns.sources(), ["\\.rs$"]);
    assert_eq!(fmt.action, Action::RunCommand { command: "cargo fmt".into(), timeout_secs: 30 });
    assert!(slice(V1, fmt.range).starts_with("{\n      \"name\": \"Format\""));
    assert!(slice(V1, fmt.range).ends_with("\"timeout\": 30\n    }"));
    assert_eq!(review.trigger, Trigger::Manual);
    assert!(!review.enabled);
    assert_eq!(review.source.index_in_file, 1);
    assert_eq!(review.action, Action::AskAgent { prompt: "Review my changes".into() });
}

#[test]
fn invalid_json() {
    assert_eq!(diags("a.kiro.hook", "{\"name\": \"x\",\n}"), [(codes::INVALID_JSON, ",".into())]);
    assert_eq!(diags("a.json", "{\"version\": v1}"), [(codes::INVALID_JSON, "v".into())]);
    assert_eq!(diags("a.json", ""), [(codes::INVALID_JSON, "".into())]);
    let file = parse(Path::new("a.kiro.hook"), "{\n  \"name\": \"x\"\n  \"when\": {}\n}");
    let d = &file.diagnostics[0];
    assert_eq!((d.range.start.line, d.range.start.character), (2, 2));
    assert!(d.message.contains("expected `,` or `}`"), "{}", d.message);
}

#[test]
fn unknown_trigger_names_the_expected_values() {
    let text = r#"{"name": "t", "when": {"type": "manual", "button_text": "Go"}, "then": {"type": "askAgent", "prompt": "p"}}"#;
    let file = parse(Path::new("a.kiro.hook"), text);
    assert!(file.hooks.is_empty());
    let got: Vec<_> = file.diagnostics.iter().map(|d| (d.code, slice(text, d.range))).collect();
    assert_eq!(got, [(codes::UNKNOWN_KEY, "\"button_text\""), (codes::UNKNOWN_TRIGGER, "\"manual\"")]);
    let msg = &file.diagnostics[1].message;
    assert!(msg.starts_with("`when.type` must be one of fileEdited, fileCreated, fileDeleted, userTriggered"), "{msg}");
    assert!(msg.contains("did you mean `userTriggered`?"), "{msg}");
    assert_eq!(file.diagnostics[0].severity, Severity::Hint);

    let text = r#"{"version": "v1", "hooks": [{"name": "t", "trigger": "file_save", "action": {"type": "agent", "prompt": "p"}}]}"#;
    let file = parse(Path::new("a.json"), text);
    assert_eq!(slice(text, file.diagnostics[0].range), "\"file_save\"");
    assert!(file.diagnostics[0].message.contains("did you mean `PostFileSave`?"));
    assert!(file.diagnostics[0].message.contains("`hooks[0].trigger` must be one of PostFileSave, FileCreate"));
}

/// Every misspelt trigger and action gets the name within the fewest edits.
#[test]
fn typos_get_the_closest_name() {
    let legacy = |when: &str, then: &str| {
        format!(r#"{{"name": "t", "when": {{"type": "{when}"}}, "then": {{"type": "{then}", "prompt": "p"}}}}"#)
    };
    let message = |path: &str, text: &str| parse(Path::new(path), text).diagnostics[0].message.clone();
    let msg = message("a.kiro.hook", &legacy("userTriggerd", "askAgent"));
    assert!(msg.contains("`userTriggerd` is not a Kiro hook trigger (did you mean `userTriggered`?)"), "{msg}");
    let msg = message("a.kiro.hook", &legacy("promptSubmt", "askAgent"));
    assert!(msg.contains("(did you mean `promptSubmit`?)"), "{msg}");
    let msg = message("a.kiro.hook", &legacy("userTriggered", "askAgnet"));
    assert!(msg.contains("(did you mean `askAgent`?)"), "{msg}");
    let msg = message("a.kiro.hook", &legacy("somethingElse", "askAgent"));
    assert!(!msg.contains("did you mean"), "nothing is close: {msg}");

    let v1 = |trigger: &str, action: &str| {
        format!(
            r#"{{"version": "v1", "hooks": [{{"name": "t", "trigger": "{trigger}", "action": {{"type": "{action}", "command": "x"}}}}]}}"#
        )
    };
    let msg = message("a.json", &v1("PostFileSaved", "command"));
    assert!(msg.contains("(did you mean `PostFileSave`?)"), "{msg}");
    let msg = message("a.json", &v1("Manual", "comand"));
    assert!(msg.contains("(did you mean `command`?)"), "{msg}");
}

/// A key Kiro reads in another object of the file says where it goes; an
/// unknown key close to a known one gets it as a suggestion.
#[test]
fn misplaced_and_misspelt_keys_say_where_they_go() {
    let hints = |path: &str, text: &str| -> Vec<String> {
        let file = parse(Path::new(path), text);
        assert!(file.diagnostics.iter().all(|d| d.code == codes::UNKNOWN_KEY), "{:#?}", file.diagnostics);
        file.diagnostics.iter().map(|d| d.message.clone()).collect()
    };
    let text = r#"{"name": "t", "timeout": 5, "desciption": "d", "when": {"type": "userTriggered"},
                   "then": {"type": "runCommand", "command": "x"}}"#;
    assert_eq!(
        hints("a.kiro.hook", text),
        [
            "Kiro ignores `timeout` here: `timeout` goes in `then`",
            "Kiro ignores `desciption` (did you mean `description`?); a `.kiro.hook` has `enabled`, `name`, \
             `description`, `version`, `when`, `then`",
        ]
    );
    let text = r#"{"version": "v1", "hooks": [{"name": "t", "trigger": "Manual", "command": "x",
                   "action": {"type": "command", "command": "x", "matcher": ".*"}}]}"#;
    assert_eq!(
        hints("a.json", text),
        [
            "Kiro ignores `hooks[0].command` here: `command` goes in `hooks[0].action`",
            "Kiro ignores `hooks[0].action.matcher` here: `matcher` goes in `hooks[0]`",
        ]
    );
}

/// `timeout` belongs to a v1 hook; inside its `action` it means the same.
#[test]
fn a_v1_timeout_is_read_in_the_hook_or_in_its_action() {
    let hook = |timeouts: &str, action_timeout: &str| {
        format!(
            r#"{{"version": "v1", "hooks": [{{"name": "t", "trigger": "Manual"{timeouts},
                 "action": {{"type": "command", "command": "x"{action_timeout}}}}}]}}"#
        )
    };
    let h = one("a.json", &hook("", r#", "timeout": 5"#));
    assert_eq!(h.action, Action::RunCommand { command: "x".into(), timeout_secs: 5 });
    let h = one("a.json", &hook(r#", "timeout": 7"#, ""));
    assert_eq!(h.action, Action::RunCommand { command: "x".into(), timeout_secs: 7 });

    // Both: the hook's wins, with a warning on the other.
    let text = hook(r#", "timeout": 7"#, r#", "timeout": 5"#);
    let file = parse(Path::new("a.json"), &text);
    assert_eq!(file.hooks[0].action, Action::RunCommand { command: "x".into(), timeout_secs: 7 });
    let d = &file.diagnostics[..];
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!((d[0].code, d[0].severity), (codes::DUPLICATE_KEY, Severity::Warning));
    assert_eq!(
        d[0].message,
        "`hooks[0].action.timeout` is given beside `hooks[0].timeout`; the hook's `timeout` is used"
    );
    assert_eq!(diags("a.json", &hook("", r#", "timeout": 0"#)), [(codes::WRONG_TYPE, "0".into())]);
}

#[test]
fn missing_fields() {
    // Top-level keys are reported at the opening brace; nested ones at the
    // key of their object.
    let text = r#"{"when": {"type": "fileEdited"}, "then": {"type": "runCommand"}}"#;
    let got = diags("a.kiro.hook", text);
    assert_eq!(
        got,
        [
            (codes::MISSING_FIELD, "{".into()),
            (codes::MISSING_FIELD, "\"when\"".into()),
            (codes::MISSING_FIELD, "\"then\"".into()),
        ]
    );
    let file = parse(Path::new("a.kiro.hook"), text);
    assert!(file.diagnostics[1].message.contains("`when.patterns`"), "{}", file.diagnostics[1].message);
    assert!(file.diagnostics[2].message.contains("`then.command`"));

    assert_eq!(diags("a.kiro.hook", r#"{"name": " "}"#)[0], (codes::MISSING_FIELD, "\" \"".into()));
    let got = diags("a.json", r#"{"hooks": [{"name": "n", "action": {"type": "agent", "prompt": "p"}}]}"#);
    assert_eq!(got, [(codes::MISSING_FIELD, "{".into()), (codes::MISSING_FIELD, "{".into())]);
}

#[test]
fn wrong_types() {
    let text = r#"{"name": 1, "enabled": "yes", "when": {"type": "fileEdited", "patterns": "src/**"},
                  "then": {"type": "runCommand", "command": "x", "timeout": -1}}"#;
    let got = diags("a.kiro.hook", text);
    assert_eq!(
        got,
        [
            (codes::WRONG_TYPE, "1".into()),
            (codes::WRONG_TYPE, "\"yes\"".into()),
            (codes::WRONG_TYPE, "\"src/**\"".into()),
            (codes::WRONG_TYPE, "-1".into()),
        ]
    );
}

#[test]
fn bad_patterns() {
    let text = r#"{"name": "t", "when": {"type": "fileCreated", "patterns": ["ok/**", "src/[a.ts"]},
                   "then": {"type": "askAgent", "prompt": "p"}}"#;
    assert_eq!(diags("a.kiro.hook", text), [(codes::BAD_PATTERN, "\"src/[a.ts\"".into())]);
    let text = r#"{"name": "t", "when": {"type": "fileDeleted", "patterns": []}, "then": {"type": "askAgent", "prompt": "p"}}"#;
    assert_eq!(diags("a.kiro.hook", text), [(codes::BAD_PATTERN, "[]".into())]);
    let text = r#"{"version": "v1", "hooks": [{"name": "t", "trigger": "FileCreate", "matcher": "(src",
                   "action": {"type": "agent", "prompt": "p"}}]}"#;
    assert_eq!(diags("a.json", text), [(codes::BAD_PATTERN, "\"(src\"".into())]);
}

#[test]
fn unknown_actions() {
    let text = r#"{"name": "t", "when": {"type": "userTriggered"}, "then": {"type": "ai_task", "prompt": "p"}}"#;
    let file = parse(Path::new("a.kiro.hook"), text);
    assert_eq!(slice(text, file.diagnostics[0].range), "\"ai_task\"");
    assert_eq!(file.diagnostics[0].code, codes::UNKNOWN_ACTION);
    assert!(file.diagnostics[0].message.contains("must be `askAgent` or `runCommand`"));
    assert!(file.diagnostics[0].message.contains("did you mean `askAgent`?"));

    let text = r#"{"version": "v1", "hooks": [{"name": "t", "trigger": "Manual", "action": {"type": "shell", "command": "x"}}]}"#;
    let file = parse(Path::new("a.json"), text);
    assert_eq!(slice(text, file.diagnostics[0].range), "\"shell\"");
    assert!(file.diagnostics[0].message.contains("did you mean `command`?"));
}

#[test]
fn unknown_and_duplicate_keys_are_hints_and_warnings_only() {
    let text = r#"{"name": "t", "shortName": "x", "name": "u", "when": {"type": "userTriggered"},
                   "then": {"type": "askAgent", "prompt": "p"}}"#;
    let file = parse(Path::new("a.kiro.hook"), text);
    let got: Vec<_> = file.diagnostics.iter().map(|d| (d.code, d.severity, slice(text, d.range))).collect();
    assert_eq!(
        got,
        [(codes::DUPLICATE_KEY, Severity::Warning, "\"name\""), (codes::UNKNOWN_KEY, Severity::Hint, "\"shortName\""),]
    );
    assert_eq!(file.hooks.len(), 1, "hints and warnings keep the hook");
    assert_eq!(file.hooks[0].name, "u", "the last duplicate wins");
}

#[test]
fn unknown_formats() {
    // A `.json` in another shape, a legacy hook saved as `.json`, a wrong version.
    let got = diags("a.json", r#"{"name": "x", "event": "file:create"}"#);
    assert_eq!(got, [(codes::UNKNOWN_FORMAT, "{".into())]);
    let file = parse(Path::new("a.json"), LEGACY);
    assert_eq!(file.diagnostics.len(), 1);
    assert!(file.diagnostics[0].message.contains("rename it to `*.kiro.hook`"));
    let text = V1.replace("\"v1\"", "\"v2\"");
    assert_eq!(diags("a.json", &text), [(codes::UNKNOWN_FORMAT, "\"v2\"".into())]);
    assert!(parse(Path::new("a.json"), &text).hooks.is_empty(), "a file-level error drops every hook");
    assert_eq!(diags("a.kiro.hook", "[1]"), [(codes::UNKNOWN_FORMAT, "[1]".into())]);
    assert_eq!(diags("a.kiro.hook", V1)[0].0, codes::UNKNOWN_FORMAT);
}

#[test]
fn ranges_count_utf16_columns() {
    let text =
        "{\"name\": \"𝄞\", \"when\": {\"type\": \"nope\"}, \"then\": {\"type\": \"askAgent\", \"prompt\": \"p\"}}";
    let file = parse(Path::new("a.kiro.hook"), text);
    let d = &file.diagnostics[0];
    // `{"name": "𝄞", "when": {"type": ` is 31 chars; the clef counts twice.
    assert_eq!((d.range.start.character, d.range.end.character), (32, 38));
}

#[test]
fn every_code_is_documented_and_unique() {
    let mut all = codes::ALL.to_vec();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), codes::ALL.len());
    assert!(all.iter().all(|c| c.starts_with("hook-")));
}

#[test]
fn v1_agent_triggers_under_both_names() {
    for (name, kind) in [
        ("PromptSubmit", specwright_hooks::EventKind::PromptSubmit),
        ("UserPromptSubmit", specwright_hooks::EventKind::PromptSubmit),
        ("AgentStop", specwright_hooks::EventKind::AgentStop),
        ("Stop", specwright_hooks::EventKind::AgentStop),
    ] {
        let text = format!(
            r#"{{"version": "v1", "hooks": [{{"name": "t", "trigger": "{name}", "action": {{"type": "command", "command": "true"}}}}]}}"#
        );
        let file = clean(".kiro/hooks/hooks.json", &text);
        assert_eq!(file.hooks[0].trigger.kind(), kind, "{name}");
    }
}
