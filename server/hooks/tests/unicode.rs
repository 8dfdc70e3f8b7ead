//! Hook files in any script, both formats: names, descriptions, prompts,
//! commands and patterns in Japanese, Arabic, emoji with ZWJ sequences,
//! combining marks and NUL, written raw or as `\uXXXX` escapes (surrogate
//! pairs included), read back as written; `set_enabled` edits them byte
//! for byte; a lone surrogate (`"\ud800"`) is an error on exactly its
//! string; and any text parses with every range on the text.

mod common;

use std::path::Path;

use common::slice;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;
use specwright_hooks::{Action, Trigger, codes, parse, set_enabled};
use specwright_spec::LineIndex;

const PIECES: &[&str] = &[
    "フック",
    "保存時",
    "한국어",
    "مرحبا",
    "שלום",
    "\u{200f}",
    "😀",
    "👨\u{200d}👩\u{200d}👧\u{200d}👦",
    "🏳\u{fe0f}\u{200d}🌈",
    "👍🏽",
    "🇯🇵",
    "\u{301}",
    "e\u{301}",
    "İ",
    "ß",
    "Ⱥ",
    "\u{212a}",
    "\u{feff}",
    "\0",
    "\u{85}",
    "\u{2028}",
    "\n",
    "\t",
    "\"",
    "\\",
    " ",
];

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
    ];
    vec(piece, 0..10).prop_map(|p| p.concat())
}

/// A JSON string literal for `s`: as `serde_json` writes it (non-ASCII
/// raw), or with every non-ASCII character as `\uXXXX` escapes (UTF-16,
/// so emoji become surrogate pairs), as some tools write JSON.
fn literal(s: &str, ascii_only: bool) -> String {
    let raw = serde_json::to_string(s).expect("a string serialises");
    if !ascii_only {
        return raw;
    }
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// A path segment for a glob: no separators or glob syntax of its own.
fn segment(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_control() && !"{}[]*?,\\/!".contains(*c)).collect();
    format!("部{}", s.trim())
}

/// `text` with the edit applied.
fn apply(text: &str, (range, new): (specwright_spec::Range, String)) -> String {
    let index = LineIndex::new(text);
    let (s, e) = (index.offset(text, range.start), index.offset(text, range.end));
    format!("{}{new}{}", &text[..s], &text[e..])
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256);
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config())]

    /// A legacy `.kiro.hook` in any script reads back as written, and
    /// toggling `enabled` changes that value only.
    #[test]
    fn legacy_hooks_in_any_script(
        name in text(), description in text(), prompt in text(), dir in text(),
        ascii_only in any::<bool>(), enabled in any::<bool>(), with_enabled in any::<bool>(),
    ) {
        let name = format!("名前{name}");
        let prompt = format!("指示{prompt}");
        let pattern = format!("src/{}/**/*.ts", segment(&dir));
        let enabled_line = if with_enabled { format!("\n  \"enabled\": {enabled},") } else { String::new() };
        let text = format!(
            "{{{enabled_line}\n  \"name\": {},\n  \"description\": {},\n  \"when\": {{\"type\": \"fileEdited\", \"patterns\": [{}]}},\n  \"then\": {{\"type\": \"askAgent\", \"prompt\": {}}}\n}}\n",
            literal(&name, ascii_only),
            literal(&description, ascii_only),
            literal(&pattern, ascii_only),
            literal(&prompt, ascii_only),
        );
        let path = Path::new(".kiro/hooks/h.kiro.hook");
        let file = parse(path, &text);
        prop_assert!(file.diagnostics.is_empty(), "{:#?}\n{}", file.diagnostics, text);
        prop_assert_eq!(file.hooks.len(), 1);
        let hook = &file.hooks[0];
        prop_assert_eq!(&hook.name, &name);
        prop_assert_eq!(hook.description.as_deref(), Some(description.as_str()));
        prop_assert_eq!(hook.enabled, enabled || !with_enabled);
        prop_assert_eq!(&hook.action, &Action::AskAgent { prompt: prompt.clone() });
        let Trigger::FileSaved { patterns } = &hook.trigger else { panic!("{:?}", hook.trigger) };
        prop_assert_eq!(patterns.sources(), [pattern.as_str()]);
        prop_assert_eq!(slice(&text, hook.range), text.trim_end());

        let toggled = apply(&text, set_enabled(&text, 0, !hook.enabled).expect("an edit"));
        let again = parse(path, &toggled);
        prop_assert!(again.diagnostics.is_empty(), "{:#?}\n{}", again.diagnostics, toggled);
        prop_assert_eq!(again.hooks[0].enabled, !hook.enabled);
        prop_assert_eq!(&again.hooks[0].name, &name);
        prop_assert_eq!(&again.hooks[0].action, &hook.action);
        // Toggling back restores the value; only `enabled` ever changed.
        let back = apply(&toggled, set_enabled(&toggled, 0, hook.enabled).expect("an edit"));
        let expected = if with_enabled { text.clone() } else { toggled.replacen("\"enabled\": false", "\"enabled\": true", 1) };
        prop_assert_eq!(back, expected);
    }

    /// A v1 file of several hooks in any script: each reads back, and
    /// toggling one leaves the others as they were.
    #[test]
    fn v1_hooks_in_any_script(
        hooks in vec((text(), text(), any::<bool>()), 1..4), ascii_only in any::<bool>(), pick in any::<prop::sample::Index>(),
    ) {
        let entries: Vec<String> = hooks
            .iter()
            .map(|(name, command, enabled)| {
                format!(
                    "    {{\"name\": {}, \"trigger\": \"Manual\", \"action\": {{\"type\": \"command\", \"command\": {}}}, \"enabled\": {enabled}}}",
                    literal(&format!("名前{name}"), ascii_only),
                    literal(&format!("echo {command}"), ascii_only),
                )
            })
            .collect();
        let text = format!("{{\n  \"version\": \"v1\",\n  \"hooks\": [\n{}\n  ]\n}}\n", entries.join(",\n"));
        let path = Path::new(".kiro/hooks/all.json");
        let file = parse(path, &text);
        prop_assert!(file.diagnostics.is_empty(), "{:#?}\n{}", file.diagnostics, text);
        let read: Vec<(String, Action, bool)> =
            file.hooks.iter().map(|h| (h.name.clone(), h.action.clone(), h.enabled)).collect();
        let written: Vec<(String, Action, bool)> = hooks
            .iter()
            .map(|(n, c, e)| {
                (format!("名前{n}"), Action::RunCommand { command: format!("echo {c}"), timeout_secs: 60 }, *e)
            })
            .collect();
        prop_assert_eq!(&read, &written);

        let i = pick.index(hooks.len());
        let toggled = apply(&text, set_enabled(&text, i, !hooks[i].2).expect("an edit"));
        let again = parse(path, &toggled);
        let mut expected = written;
        expected[i].2 = !expected[i].2;
        let read: Vec<(String, Action, bool)> =
            again.hooks.iter().map(|h| (h.name.clone(), h.action.clone(), h.enabled)).collect();
        prop_assert_eq!(read, expected);
    }

    /// A lone surrogate escape is an error covering exactly its string
    /// literal, in either format, wherever it sits among other characters.
    #[test]
    fn a_lone_surrogate_is_an_error_on_its_string(before in text(), after in text(), high in any::<bool>(), legacy in any::<bool>()) {
        let escape = if high { "\\ud800" } else { "\\udfff" };
        let before = serde_json::to_string(&before).expect("json");
        let after = serde_json::to_string(&after).expect("json");
        // `"…\ud800…"`: the literal of `before`, the escape, then the literal of `after`.
        let bad = format!("{}{escape}{}", &before[..before.len() - 1], &after[1..]);
        let text = if legacy {
            format!("{{\"name\": {bad}, \"when\": {{\"type\": \"userTriggered\"}}, \"then\": {{\"type\": \"askAgent\", \"prompt\": \"p\"}}}}")
        } else {
            format!("{{\"version\": \"v1\", \"hooks\": [{{\"name\": {bad}, \"trigger\": \"Manual\", \"action\": {{\"type\": \"agent\", \"prompt\": \"p\"}}}}]}}")
        };
        let path = if legacy { Path::new("h.kiro.hook") } else { Path::new("h.json") };
        let file = parse(path, &text);
        prop_assert!(file.hooks.is_empty());
        let covered: Vec<(&str, &str)> = file.diagnostics.iter().map(|d| (d.code, slice(&text, d.range))).collect();
        prop_assert_eq!(covered, vec![(codes::INVALID_JSON, bad.as_str())]);
    }

    /// Any text, JSON-shaped or not, parses in both formats: no panic, every
    /// range on real positions of the text.
    #[test]
    fn any_text_parses(parts in vec(prop_oneof![
        text(),
        select(&["{", "}", "[", "]", "\"", ":", ",", "\\u", "\\ud83d", "\\ude00", "\"name\"", "\"hooks\"", "\"version\": \"v1\"", "true", "1e999", "-0"][..]).prop_map(String::from),
    ], 0..30)) {
        let text = parts.concat();
        for path in ["h.kiro.hook", "h.json"] {
            let file = parse(Path::new(path), &text);
            let index = LineIndex::new(&text);
            let ranges = file.diagnostics.iter().map(|d| d.range).chain(file.hooks.iter().map(|h| h.range));
            for r in ranges {
                prop_assert!(r.start <= r.end, "{r:?}");
                let (a, b) = (index.offset(&text, r.start), index.offset(&text, r.end));
                prop_assert_eq!(index.position(&text, a), r.start);
                prop_assert_eq!(index.position(&text, b), r.end);
            }
            for i in 0..3 {
                if let Some(edit) = set_enabled(&text, i, false) {
                    let _ = apply(&text, edit);
                }
            }
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for unit in ["[", "{\"a\":"] {
        let text = unit.repeat(100_000);
        for path in ["h.kiro.hook", "h.json"] {
            let file = parse(Path::new(path), &text);
            assert!(file.hooks.is_empty());
            assert_eq!(file.diagnostics.len(), 1, "{:?}", file.diagnostics);
        }
    }
}
