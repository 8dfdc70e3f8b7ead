//! Steering documents in any script: front matter whose values are
//! Japanese, Arabic, emoji with ZWJ sequences, combining marks, NUL (as the
//! `\0` escape) and characters whose case mapping changes their byte length
//! read back as written, and every range (UTF-16 columns) covers exactly
//! the text it is about.

mod common;

use common::parse_text;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;
use specwright_spec::{LineIndex, Range, Severity};
use specwright_steering::{Inclusion, codes};

const PIECES: &[&str] = &[
    "日本語",
    "ステアリング",
    "한국어",
    "مرحبا",
    "שלום",
    "\u{200f}",
    "\u{202e}",
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
    "\t",
    " ",
    "'",
    "\"",
    "\\",
    "#",
    ": ",
    "- ",
    "[",
    "]",
    ",",
    "---",
    "inclusion",
];

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
    ];
    vec(piece, 0..10).prop_map(|p| p.concat())
}

/// A value for a double-quoted scalar: `"` and `\` escaped, controls and
/// Unicode line breaks written as `\0`, `\t` or `\UXXXXXXXX`.
fn double_quoted(value: &str) -> String {
    let mut out = String::from('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\U{:08x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value for a single-quoted scalar (`'` doubled), on one line.
fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Text a single-quoted value can hold verbatim: one line, no controls.
fn one_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}')).collect()
}

/// The text `range` covers.
fn covered(text: &str, range: Range) -> &str {
    let index = LineIndex::new(text);
    &text[index.offset(text, range.start)..index.offset(text, range.end)]
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256);
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config())]

    /// Names, descriptions and patterns in any script read back as written;
    /// the body is the text after the front matter.
    #[test]
    fn values_in_any_script_read_back(name in text(), description in text(), dir in text(), body in text()) {
        let name = format!("名前{}", one_line(&name));
        let description = format!("説明{description}");
        // A glob of one piece: no separators or glob syntax of its own.
        let dir: String = one_line(&dir).chars().filter(|c| !"{}[]*?,\\/!'\"".contains(*c)).collect();
        let pattern = format!("src/{}/**/*.md", dir.trim());
        let text = format!(
            "---\ninclusion: fileMatch\nfileMatchPattern: [{}]\nname: {}\ndescription: {}\n---\n{body}",
            double_quoted(&pattern),
            single_quoted(&name),
            double_quoted(&description),
        );
        let f = parse_text(&text);
        let errors: Vec<_> = f.diagnostics.iter().filter(|d| d.severity <= Severity::Warning).collect();
        prop_assert!(errors.is_empty(), "{errors:#?}\n{text}");
        prop_assert_eq!(f.inclusion, Inclusion::FileMatch);
        prop_assert_eq!(f.name.as_deref(), Some(name.trim()));
        prop_assert_eq!(f.description.as_deref(), Some(description.trim()));
        prop_assert_eq!(f.patterns, vec![pattern]);
        prop_assert_eq!(f.body, body);
    }

    /// A bad glob in any script is reported on exactly its text, also after
    /// multi-byte characters on the same line and in earlier patterns.
    #[test]
    fn a_bad_pattern_is_reported_on_its_text(before in text(), bad in text()) {
        let before: String = one_line(&before).chars().filter(|c| !"{}[],'\\".contains(*c)).collect();
        let good = format!("docs/{}/*.md", before.trim());
        let bad = format!("{}[日本", one_line(&bad).replace(['\'', ',', '{', '}', '[', ']', '\\'], ""));
        let text = format!("---\ninclusion: fileMatch\nfileMatchPattern: '{good}, {bad}'\n---\n");
        let f = parse_text(&text);
        let reported: Vec<&str> =
            f.diagnostics.iter().filter(|d| d.code == codes::BAD_PATTERN).map(|d| covered(&text, d.range)).collect();
        prop_assert_eq!(reported, vec![bad.trim()], "{:#?}", f.diagnostics);
    }

    /// `#[[file:…]]` references in any script: each range covers its target.
    #[test]
    fn include_ranges_cover_their_targets(lead in text(), targets in vec(text(), 1..4)) {
        let lead = one_line(&lead).replace(['`', '#', '['], "");
        let targets: Vec<String> =
            targets.iter().map(|t| format!("資料/{}.md", one_line(t).replace(['`', ']', '['], "").trim())).collect();
        let refs: Vec<String> = targets.iter().map(|t| format!("#[[file:{t}]]")).collect();
        let text = format!("---\ninclusion: always\n---\n{lead} {}\n", refs.join(" 🎌 "));
        let f = parse_text(&text);
        let read: Vec<(&str, &str)> = f.includes.iter().map(|i| (i.target.as_str(), covered(&text, i.range))).collect();
        let expected: Vec<(&str, &str)> = targets.iter().map(|t| (t.trim(), t.trim())).collect();
        prop_assert_eq!(read, expected);
    }

    /// Any text in any script: no panic, every range inside the text and on
    /// character boundaries, the body a suffix of the text.
    #[test]
    fn any_text_parses(lines in vec(text(), 0..12), endings in vec(select(&["\n", "\r\n", ""][..]), 12)) {
        let text: String = lines.iter().zip(&endings).map(|(l, e)| format!("{l}{e}")).collect();
        for text in [text.clone(), format!("---\n{text}\n---\n{text}")] {
            let f = parse_text(&text);
            let index = LineIndex::new(&text);
            for r in f.diagnostics.iter().map(|d| d.range).chain(f.includes.iter().map(|i| i.range)) {
                prop_assert!(r.start <= r.end && (r.end.line as usize) < index.line_count(), "{r:?}");
                let (a, b) = (index.offset(&text, r.start), index.offset(&text, r.end));
                prop_assert_eq!(index.position(&text, a), r.start, "the start is a real position");
                prop_assert_eq!(index.position(&text, b), r.end, "the end is a real position");
            }
            prop_assert!(text.ends_with(f.body.as_str()));
        }
    }
}
