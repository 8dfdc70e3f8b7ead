//! Any text parses: no panic, and every diagnostic and reference range lies
//! inside the text.

mod common;

use common::parse_text;
use proptest::prelude::*;

/// Front-matter-shaped fragments, so that generated texts reach deep into the
/// parser rather than stopping at the first line.
const FRAGMENTS: &[&str] = &[
    "---",
    "...",
    "\n",
    "\r\n",
    "\t",
    " ",
    "-",
    "- ",
    ": ",
    "#",
    "'",
    "\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\\",
    "\\u",
    "a",
    "é",
    "𝄞",
    "\u{feff}",
    "inclusion",
    "fileMatchPattern",
    "description",
    "auto",
    "fileMatch",
    "#[[file:",
    "]]",
    "`",
    "```",
    "|",
    ">-",
    "**/",
];

fn shaped() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80).prop_map(|parts| parts.concat())
}

fn check(text: &str) {
    let f = parse_text(text);
    let lines = text.split('\n').count() as u32;
    let ranges = f.diagnostics.iter().map(|d| d.range).chain(f.includes.iter().map(|i| i.range));
    for r in ranges {
        assert!(r.start <= r.end && r.end.line < lines, "{r:?} in {text:?}");
    }
    assert!(text.ends_with(f.body.as_str()), "the body is a suffix of the text");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn shaped_text(text in shaped()) {
        check(&text);
    }

    #[test]
    fn any_text(text in "\\PC{0,200}") {
        check(&text);
    }

    #[test]
    fn after_a_delimiter(text in "\\PC{0,200}") {
        check(&format!("---\n{text}\n---\n{text}"));
    }
}
