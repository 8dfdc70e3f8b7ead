//! `set_enabled`: the smallest edit, everything else byte-identical.

mod common;

use std::path::Path;

use common::slice;
use specwright_hooks::{parse, set_enabled};
use specwright_spec::LineIndex;

fn apply(text: &str, i: usize, enabled: bool) -> String {
    let (range, new) = set_enabled(text, i, enabled).expect("an edit");
    let index = LineIndex::new(text);
    let (s, e) = (index.offset(text, range.start), index.offset(text, range.end));
    format!("{}{new}{}", &text[..s], &text[e..])
}

const LEGACY: &str = "{\n  \"enabled\": true,\n  \"name\": \"x\",\n  \"custom\": {\"keep\": [1, 2]},\n  \"when\": {\"type\": \"userTriggered\"},\n  \"then\": {\"type\": \"askAgent\", \"prompt\": \"p\"}\n}\n";

#[test]
fn replaces_only_the_value() {
    let (range, new) = set_enabled(LEGACY, 0, false).unwrap();
    assert_eq!(slice(LEGACY, range), "true");
    assert_eq!(new, "false");
    let out = apply(LEGACY, 0, false);
    assert_eq!(out, LEGACY.replacen("\"enabled\": true", "\"enabled\": false", 1));
    let file = parse(Path::new("x.kiro.hook"), &out);
    assert!(!file.hooks[0].enabled);
    assert_eq!(apply(&out, 0, true), LEGACY, "round trip");
}

#[test]
fn inserts_the_key_when_absent_with_the_file_indentation() {
    let text = LEGACY.replace("  \"enabled\": true,\n", "");
    let out = apply(&text, 0, false);
    assert_eq!(out, LEGACY.replace("\"enabled\": true", "\"enabled\": false"));
    let file = parse(Path::new("x.kiro.hook"), &out);
    assert_eq!(file.hooks.len(), 1);
    assert!(!file.hooks[0].enabled);
    // One-line object.
    let text = r#"{"name": "x", "when": {"type": "userTriggered"}, "then": {"type": "askAgent", "prompt": "p"}}"#;
    let out = apply(text, 0, false);
    assert_eq!(out, text.replacen("{\"name\"", "{\"enabled\": false, \"name\"", 1));
    assert!(!parse(Path::new("x.kiro.hook"), &out).hooks[0].enabled);
    assert_eq!(apply("{}", 0, true), "{\"enabled\": true}");
}

#[test]
fn v1_edits_the_indexed_hook_only() {
    let text = r#"{
  "version": "v1",
  "hooks": [
    {"name": "a", "trigger": "Manual", "action": {"type": "agent", "prompt": "p"}, "enabled": true},
    {
      "name": "b",
      "trigger": "Manual",
      "x-extra": 1,
      "action": {"type": "agent", "prompt": "p"}
    }
  ]
}"#;
    let out = apply(text, 0, false);
    assert_eq!(out, text.replacen("\"enabled\": true", "\"enabled\": false", 1));
    let out = apply(&out, 1, false);
    assert_eq!(out.matches("\"enabled\": false").count(), 2);
    assert!(out.contains("{\n      \"enabled\": false,\n      \"name\": \"b\","), "{out}");
    assert!(out.contains("\"x-extra\": 1"), "unknown keys kept");
    let file = parse(Path::new("h.json"), &out);
    assert_eq!(file.hooks.len(), 2);
    assert!(file.hooks.iter().all(|h| !h.enabled));
}

#[test]
fn none_when_there_is_no_such_hook() {
    assert_eq!(set_enabled("{not json", 0, true), None);
    assert_eq!(set_enabled(LEGACY, 1, true), None);
    assert_eq!(set_enabled(r#"{"version": "v1", "hooks": []}"#, 0, true), None);
    assert_eq!(set_enabled("[]", 0, true), None);
}
