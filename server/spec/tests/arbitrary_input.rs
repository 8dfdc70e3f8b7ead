//! Parsing never fails and never panics (see the crate docs): any text, as
//! any document of a spec, gives a model, and every diagnostic points into
//! the document it is about. The inputs are arbitrary strings, arbitrary
//! bytes read lossily, and strings assembled from the fragments specs are
//! made of, which reach far more of the parser than random text does.

use std::path::PathBuf;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config;

use specwright_spec::query::{self, OutlineItem};
use specwright_spec::{Code, DocKind, Document, Position, Range, Spec, TaskStatus, analyze};

/// How lines of spec documents begin.
const LINE_STARTS: &[&str] = &[
    "",
    "# Requirements",
    "### Requirement 1: Sign in",
    "### Requirement 2",
    "### Requirement ",
    "### 1. ",
    "#### Acceptance Criteria",
    "## Glossary",
    "- **Term**: ",
    "**User Story:** ",
    "### Current Behavior",
    "### Expected Behavior",
    "### Unchanged Behavior",
    "### Property 1: ",
    "**Validates: Requirements ",
    "1. ",
    "1.1 ",
    "2.1. ",
    "- ",
    "- [ ] 1. ",
    "- [x] 2. ",
    "  - [-] 1.1 ",
    "- [~] ",
    "- [ ]* ",
    "  - [ ]\\* ",
    "  - _Requirements: ",
    "  ",
    "\t",
    "```",
    "```json",
    "```mermaid",
    "```markdown",
    "~~~",
    "## Task Dependency Graph",
];

/// Pieces of the rest of a line, including the awkward ones: tabs, emoji
/// (two UTF-16 units), fences, half-written JSON and ids out of range.
const FRAGMENTS: &[&str] = &[
    "WHEN ",
    "THE System SHALL ",
    "SHALL CONTINUE TO ",
    "1.1",
    "1.2",
    "2.3",
    "3",
    "0",
    "999999999999",
    ".",
    "-",
    "–",
    ":",
    ", ",
    " and ",
    "(",
    "R",
    "FR-",
    "All",
    "_Requirements: ",
    "Validates: ",
    "_",
    "**",
    "*",
    "[ ]",
    "```",
    "{\"waves\": [",
    "{\"tasks\": [\"1\", 2]}",
    "[\"1.1\"]",
    "]}",
    "{\"specId\": ",
    "\"specType\": 3",
    "\"workflowType\": \"design-first\"",
    "}",
    "\"",
    "\t",
    " ",
    "\r",
    "🎃",
    "é",
    "\u{feff}",
    "\u{0}",
];

/// Whole lines (and a few blocks) of well-formed specs, so that the parts that depend on
/// earlier lines (criteria under `Acceptance Criteria`, citations under a
/// task) are reached often.
const WHOLE_LINES: &[&str] = &[
    "### Requirement 1: Sign in\n\n#### Acceptance Criteria\n\n1. WHEN a user signs in, THE System SHALL open a session",
    "### Requirement 3\n#### Acceptance Criteria\n- THE System SHALL log\n3.2. IF it fails, THEN THE System SHALL retry",
    "### Current Behavior\n1.1 WHEN x THEN y\n### Expected Behavior\n2.1 WHEN x THEN the system SHALL z",
    "- [x] 1. Build it\n  - [ ] 1.1 Part\n    - _Requirements: 1.1, 3.1-3.2_",
    "## Task Dependency Graph\n\n```json\n[[\"1\", \"1.1\"], {\"tasks\": [2]}]\n```",
    "### Requirement 1: Sign in",
    "### Requirement 2: Sign out",
    "#### Acceptance Criteria",
    "1. WHEN a user signs in, THE System SHALL open a session",
    "2. THE System SHALL log every attempt",
    "1.1 WHEN the token expired THEN the system SHALL CONTINUE TO redirect",
    "- [ ] 1. Build it",
    "- [x] 1. Build it",
    "  - [ ] 1.1 Part",
    "  - [ ]* 1.2 Optional part",
    "  - _Requirements: 1.1, 1.2-1.3, R2.1, 2, All_",
    "**Validates: Requirements 1.1, 2.1**",
    "## Task Dependency Graph",
    "```json",
    "{\"waves\": [{\"tasks\": [\"1\", \"1.1\", \"9\"]}]}",
    "```",
];

/// Text in other scripts and the characters that break byte arithmetic:
/// CJK and Korean (3 bytes), right-to-left text and bidi controls, emoji
/// (4 bytes, 2 UTF-16 units) with ZWJ sequences, skin tones and flags,
/// combining marks alone and stacked, characters whose case mapping
/// changes their byte length, NUL, controls and Unicode line separators.
const UNICODE: &[&str] = &[
    "要件",
    "ログイン",
    "利用者が",
    "システムは",
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
    "n\u{303}\u{323}",
    "İ",
    "ß",
    "ﬁ",
    "Ⱥ",
    "\u{212a}",
    "\0",
    "\u{7}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "１．",
    "ＷＨＥＮ",
    "：",
];

/// A spec-like line: a whole line, or a line start followed by fragments
/// and bits of arbitrary text.
fn line() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        4 => proptest::sample::select(FRAGMENTS).prop_map(str::to_string),
        1 => "\\PC{0,6}",
    ];
    let assembled = (proptest::sample::select(LINE_STARTS), vec(fragment, 0..6))
        .prop_map(|(start, rest)| start.to_string() + &rest.concat());
    prop_oneof![
        1 => proptest::sample::select(WHOLE_LINES).prop_map(str::to_string),
        2 => assembled,
    ]
}

/// A spec-like document: up to 40 such lines, ended by `\n` or `\r\n`
/// (or not at all, which joins two lines).
fn spec_like() -> impl Strategy<Value = String> {
    let ending = proptest::sample::select(&["\n", "\n", "\n", "\r\n", ""][..]);
    vec((line(), ending), 0..40).prop_map(|lines| lines.into_iter().map(|(l, e)| l + e).collect())
}

/// A spec-like line in which most of the text is in other scripts or
/// made of awkward characters, around the fragments spec syntax needs.
fn unicode_line() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        2 => proptest::sample::select(FRAGMENTS).prop_map(str::to_string),
        3 => proptest::sample::select(UNICODE).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
    ];
    let assembled = (proptest::sample::select(LINE_STARTS), vec(fragment, 0..8))
        .prop_map(|(start, rest)| start.to_string() + &rest.concat());
    prop_oneof![
        1 => proptest::sample::select(WHOLE_LINES).prop_map(str::to_string),
        3 => assembled,
    ]
}

fn unicode_spec_like() -> impl Strategy<Value = String> {
    let ending = proptest::sample::select(&["\n", "\n", "\n", "\r\n", ""][..]);
    vec((unicode_line(), ending), 0..40).prop_map(|lines| lines.into_iter().map(|(l, e)| l + e).collect())
}

/// One line of criterion text in any script: no line break, no emphasis
/// or code marks, headings or escapes (Markdown the writer must mean), not blank.
fn unicode_sentence() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(UNICODE).prop_map(str::to_string),
        1 => "[^\\p{Cc}\\p{Zl}\\p{Zp}*_`#<>\\\\\\s]{1,3}",
        1 => Just(" ".to_string()),
    ];
    vec(piece, 1..8).prop_map(|p| {
        let text: String = p.concat().chars().filter(|c| !c.is_control() && !c.is_whitespace() || *c == ' ').collect();
        format!("語{}", text.trim_end())
    })
}

/// Every diagnostic is about a document the spec has (or is a missing
/// document), and its range lies within that document.
fn check_diagnostics(spec: &Spec) {
    let analysis = analyze(spec);
    for d in &analysis.diagnostics {
        let Some(doc) = spec.document(d.doc) else {
            assert_eq!(d.code, Code::MissingDocument, "{d:?} is on a document the spec lacks");
            continue;
        };
        assert_within(doc, d.range, &format!("{d:?}"));
        // The start is a real position: it survives a round trip through a byte offset.
        let offset = doc.index.offset(&doc.text, d.range.start);
        assert_eq!(doc.index.position(&doc.text, offset), d.range.start, "{d:?}");
    }
}

fn assert_within(doc: &Document, range: Range, what: &str) {
    let lines = doc.index.line_count();
    assert!(range.start <= range.end, "{what}: start after end");
    assert!((range.start.line as usize) < lines, "{what}: starts after the last line ({lines} lines)");
    assert!((range.end.line as usize) < lines, "{what}: ends after the last line ({lines} lines)");
}

/// Outline entries lie within their document, and each selection lies in
/// its entry's range (editors reject outlines where it does not).
fn check_outline(doc: &Document, items: &[OutlineItem]) {
    for item in items {
        let what = format!("outline entry {:?}", item.name);
        assert_within(doc, item.range, &what);
        assert_within(doc, item.selection_range, &what);
        assert!(
            item.range.start <= item.selection_range.start && item.selection_range.end <= item.range.end,
            "{what}: selection {:?} outside range {:?}",
            item.selection_range,
            item.range
        );
        check_outline(doc, &item.children);
    }
}

/// Runs everything an editor might ask at a few positions of every document.
fn exercise_queries(spec: &Spec, positions: &[(u32, u32)]) {
    let analysis = analyze(spec);
    for (kind, doc) in spec.documents() {
        check_outline(doc, &query::outline(spec, kind));
        let mut probes: Vec<Position> = positions.iter().map(|&(l, c)| Position::new(l, c)).collect();
        probes.extend(analysis.diagnostics.iter().filter(|d| d.doc == kind).map(|d| d.range.start));
        for pos in probes {
            let Some(target) = query::target_at(spec, kind, pos) else { continue };
            for id in query::ids_of(spec, target) {
                let _ = query::definition(spec, id);
                let _ = query::references(spec, id);
                let _ = query::hover(spec, &analysis, id);
            }
        }
        for (line, &(_, c)) in doc.text.lines().zip(positions.iter().cycle()) {
            let _ = query::in_citation_list(line, c);
        }
    }
    let _ = query::completion_ids(spec);
    let _ = query::symbols(spec);
    if let Some(tasks) = &spec.tasks {
        for task in &tasks.model.tasks {
            let (range, marker) =
                query::status_edit(spec, &task.id(), TaskStatus::Done).expect("every task has an edit");
            assert_eq!(marker, "x");
            assert_eq!(range.start.line, range.end.line);
        }
    }
}

/// Each text as every document kind, and all of them as one spec.
fn check_texts(texts: &[String], positions: &[(u32, u32)]) {
    let dir = PathBuf::from("/ws/.kiro/specs/arbitrary");
    for (i, kind) in DocKind::ALL.into_iter().enumerate() {
        let text = &texts[i % texts.len()];
        let spec = Spec::from_texts(dir.clone(), [(kind, text.as_str())]);
        check_diagnostics(&spec);
        exercise_queries(&spec, positions);
    }
    let all = Spec::from_texts(
        dir.clone(),
        DocKind::ALL.into_iter().enumerate().map(|(i, kind)| (kind, texts[i % texts.len()].as_str())),
    );
    check_diagnostics(&all);
    exercise_queries(&all, positions);
    // A bugfix spec: without requirements.md, bugfix.md is read.
    let bugfix = Spec::from_texts(
        dir,
        DocKind::ALL
            .into_iter()
            .enumerate()
            .filter(|&(_, kind)| kind != DocKind::Requirements)
            .map(|(i, kind)| (kind, texts[i % texts.len()].as_str())),
    );
    check_diagnostics(&bugfix);
    exercise_queries(&bugfix, positions);
}

fn positions() -> impl Strategy<Value = Vec<(u32, u32)>> {
    vec((0u32..40, prop_oneof![0u32..80, Just(u32::MAX)]), 1..6)
}

/// 256 cases each, or `PROPTEST_CASES` for a longer run. Failures are
/// reported with their shrunk input: turn them into cases of
/// [`awkward_inputs`] rather than keeping regression files.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256);
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn spec_like_text_never_panics(texts in vec(spec_like(), 1..7), positions in positions()) {
        check_texts(&texts, &positions);
    }

    #[test]
    fn arbitrary_text_never_panics(texts in vec(any::<String>(), 1..7), positions in positions()) {
        check_texts(&texts, &positions);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(vec(any::<u8>(), 0..400), 1..7), positions in positions()) {
        let texts: Vec<String> = bytes.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
        check_texts(&texts, &positions);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn unicode_spec_like_text_never_panics(texts in vec(unicode_spec_like(), 1..7), positions in positions()) {
        check_texts(&texts, &positions);
    }

    /// Every character boundary of a text full of multi-byte characters maps
    /// to an LSP position and back to itself.
    #[test]
    fn positions_round_trip_in_any_script(text in unicode_spec_like()) {
        let index = specwright_spec::LineIndex::new(&text);
        for offset in text.char_indices().map(|(i, _)| i).chain([text.len()]) {
            let pos = index.position(&text, offset);
            prop_assert_eq!(index.offset(&text, pos), offset, "{:?} at {}", pos, offset);
        }
    }

    /// Criteria written in any script are read with their text, and their
    /// ranges (UTF-16 columns) cover exactly that text.
    #[test]
    fn criteria_in_any_script_keep_text_and_range(
        requirements in vec((unicode_sentence(), vec(unicode_sentence(), 1..4)), 1..4),
    ) {
        let mut text = "# Requirements Document\n\n## Requirements\n".to_string();
        for (i, (title, criteria)) in requirements.iter().enumerate() {
            text.push_str(&format!("\n### Requirement {}: {title}\n\n#### Acceptance Criteria\n\n", i + 1));
            for (j, c) in criteria.iter().enumerate() {
                text.push_str(&format!("{}. WHEN {c}, THE システム SHALL {c}\n", j + 1));
            }
        }
        let spec = Spec::from_texts(PathBuf::from("/ws/.kiro/specs/u"), [(DocKind::Requirements, text.as_str())]);
        let doc = spec.document(DocKind::Requirements).expect("requirements.md");
        let model = &spec.requirements.as_ref().expect("parsed").model;
        prop_assert_eq!(model.requirements.len(), requirements.len());
        for (read, (title, criteria)) in model.requirements.iter().zip(&requirements) {
            prop_assert_eq!(read.title.as_deref(), Some(title.as_str()));
            prop_assert_eq!(read.criteria.len(), criteria.len());
            for (c, written) in read.criteria.iter().zip(criteria) {
                let sentence = format!("WHEN {written}, THE システム SHALL {written}");
                prop_assert_eq!(&c.text, &sentence);
                prop_assert!(c.ears.is_some(), "{:?}", c.text);
                let covered = &doc.text[doc.index.offset(&doc.text, c.range.start)..doc.index.offset(&doc.text, c.range.end)];
                prop_assert!(covered.ends_with(&sentence), "{:?} covers {:?}", c.range, covered);
            }
        }
        check_diagnostics(&spec);
    }
}

/// Inputs that once looked risky, kept as plain tests.
#[test]
fn awkward_inputs() {
    let cases = [
        "",
        "\n",
        "\r\n\r\n",
        "```",
        "```\n```",
        "```markdown\n```",
        "- [x]",
        "### Requirement 999999999999",
        "_Requirements: 1.1-999999999.999999999_",
        "_Requirements: 4294967295.4294967295-1_",
        "{\"specId\": 🎃}",
        "🎃",
        "\u{feff}# Requirements",
        "## Task Dependency Graph\n```json\n",
        "## Task Dependency Graph\n```json\n{\"waves\": [[\"x\"]]}\n```",
    ];
    for text in cases {
        check_texts(&[text.to_string()], &[(0, 0), (0, 1), (1, 0), (0, u32::MAX)]);
    }
}
