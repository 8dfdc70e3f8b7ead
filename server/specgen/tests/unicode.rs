//! Model text in any script goes through every renderer and the preview
//! parser without a panic, and means the same once rendered: CJK, Korean,
//! right-to-left text and bidi controls, emoji with ZWJ sequences, skin tones
//! and flags, combining marks, characters whose case mapping changes their
//! byte length, NUL and other controls, and lone surrogates escaped in the
//! model's JSON (`"\ud800"`). EARS keywords are mixed in, in any case, since
//! stripping them is where byte offsets meet the model's text.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;
use serde_json::Value;

use specwright_spec::LineIndex;
use specwright_spec::design::parse_design;
use specwright_spec::requirements::{ears_pattern, parse_bugfix, parse_requirements};
use specwright_spec::tasks::parse_tasks;
use specwright_specgen::documents::{
    BugfixDoc, Clause, Component, Criterion, DataModel, DesignDoc, ErrorCase, Field, Pattern, Property, Requirement,
    RequirementsDoc, SubTask, Task, TasksDoc, Term, UserStory,
};
use specwright_specgen::{DocTarget, naming, partial, render, render_value, template, validate};

/// Pieces of text that have broken text handling somewhere.
const PIECES: &[&str] = &[
    // CJK and Korean (3-byte characters: no EARS keyword's length lands on a boundary)
    "要件",
    "ログイン",
    "利用者",
    "한국어",
    "中文",
    // right to left, and bidi controls
    "مرحبا",
    "שלום",
    "\u{200f}",
    "\u{202e}",
    // emoji: ZWJ family, rainbow flag, skin tone, a flag, a keycap
    "😀",
    "👨\u{200d}👩\u{200d}👧\u{200d}👦",
    "🏳\u{fe0f}\u{200d}🌈",
    "👍🏽",
    "🇯🇵",
    "1\u{fe0f}\u{20e3}",
    // combining marks, alone and stacked on a letter
    "\u{301}",
    "e\u{301}",
    "n\u{303}\u{323}",
    // case mappings that change the byte length
    "İ",
    "ß",
    "ﬁ",
    "Ⱥ",
    "\u{212a}",
    // NUL, controls and separators
    "\0",
    "\u{7}",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "\t",
    // EARS keywords and the words the renderer strips, in any case
    "WHEN ",
    "when",
    "While ",
    "IF ",
    "If",
    "THEN ",
    "WHERE ",
    "THE ",
    "the",
    "SHALL ",
    "shall,",
    "As ",
    "I want ",
    "so that ",
    "the system ",
    "CONTINUE TO ",
    ", ",
    ".",
    " ",
];

/// A marker that [`with_lone_surrogates`] turns into `\ud800` escapes in the JSON text.
const LONE: &str = "⟦lone⟧";

/// Text of one field, made of [`PIECES`] and arbitrary characters.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => "\\PC{0,3}",
    ];
    vec(piece, 0..8).prop_map(|p| p.concat())
}

/// [`text`], sometimes with the marker for a lone surrogate.
fn model_text() -> impl Strategy<Value = String> {
    prop_oneof![9 => text(), 1 => text().prop_map(|t| format!("{t}{LONE}"))]
}

/// Several lines of prose. Each starts with a word, so that prose never
/// starts a heading, list item or fence: the Markdown structure of free text
/// is the model's to get right, and these properties are about characters.
fn paragraphs() -> impl Strategy<Value = String> {
    vec(text(), 0..4).prop_map(|lines| {
        lines.iter().map(|l| format!("段落 {}", l.replace(['\n', '\r'], " "))).collect::<Vec<_>>().join("\n")
    })
}

fn pattern() -> impl Strategy<Value = Pattern> {
    select(&Pattern::ALL[..])
}

fn criterion() -> impl Strategy<Value = Criterion> {
    (pattern(), model_text(), model_text(), model_text()).prop_map(|(pattern, condition, system, response)| Criterion {
        pattern,
        condition,
        system,
        response,
    })
}

fn requirements_doc() -> impl Strategy<Value = RequirementsDoc> {
    let term = (text(), text()).prop_map(|(term, definition)| Term { term, definition });
    let story =
        (text(), text(), text()).prop_map(|(role, capability, benefit)| UserStory { role, capability, benefit });
    let requirement = (model_text(), story, vec(criterion(), 0..4))
        .prop_map(|(title, user_story, criteria)| Requirement { title, user_story, acceptance_criteria: criteria });
    (paragraphs(), vec(term, 0..3), vec(requirement, 0..4))
        .prop_map(|(introduction, glossary, requirements)| RequirementsDoc { introduction, glossary, requirements })
}

fn bugfix_doc() -> impl Strategy<Value = BugfixDoc> {
    let clauses = || vec((text(), model_text()).prop_map(|(condition, behavior)| Clause { condition, behavior }), 0..3);
    (paragraphs(), clauses(), clauses(), clauses()).prop_map(
        |(introduction, current_behavior, expected_behavior, unchanged_behavior)| BugfixDoc {
            introduction,
            current_behavior,
            expected_behavior,
            unchanged_behavior,
        },
    )
}

fn design_doc() -> impl Strategy<Value = DesignDoc> {
    let component = (text(), paragraphs(), paragraphs()).prop_map(|(name, responsibility, interface)| Component {
        name,
        responsibility,
        interface,
    });
    let field =
        (text(), text(), text()).prop_map(|(name, field_type, description)| Field { name, field_type, description });
    let model = (text(), paragraphs(), vec(field, 0..3)).prop_map(|(name, description, fields)| DataModel {
        name,
        description,
        fields,
    });
    let property = (model_text(), text(), vec(select(&["1.1", "2.3", "R1", "要件1"][..]), 0..3)).prop_map(
        |(title, statement, ids)| Property { title, statement, validates: ids.into_iter().map(String::from).collect() },
    );
    let error = (text(), text()).prop_map(|(scenario, handling)| ErrorCase { scenario, handling });
    (
        (paragraphs(), paragraphs(), paragraphs()),
        vec(component, 0..3),
        vec(model, 0..3),
        vec(property, 0..4),
        vec(error, 0..3),
        paragraphs(),
    )
        .prop_map(
            |(
                (overview, architecture, architecture_diagram),
                components,
                data_models,
                correctness_properties,
                error_handling,
                testing_strategy,
            )| DesignDoc {
                overview,
                architecture,
                architecture_diagram,
                components,
                data_models,
                correctness_properties,
                error_handling,
                testing_strategy,
            },
        )
}

/// Tasks with titles that start with a word (a task without a title renders
/// as `- [ ] 1.`, which reads as a task titled "1.": the model's to avoid).
fn tasks_doc() -> impl Strategy<Value = TasksDoc> {
    let ids = vec(select(&["1.1", "1.2", "2.1", "3"][..]).prop_map(String::from), 0..3);
    let title = || model_text().prop_map(|t| format!("課題 {t}"));
    let subtask = (title(), vec(text(), 0..2), ids.clone(), any::<bool>())
        .prop_map(|(title, details, requirements, optional)| SubTask { title, details, requirements, optional });
    let task = (title(), vec(text(), 0..2), ids, vec(subtask, 0..3))
        .prop_map(|(title, details, requirements, subtasks)| Task { title, details, requirements, subtasks });
    vec(task, 0..5).prop_map(|tasks| TasksDoc { tasks })
}

/// The JSON text the model would send, with each [`LONE`] marker made a
/// lone surrogate escape (which no JSON parser accepts as a string).
fn with_lone_surrogates(json: &str) -> String {
    json.replace(LONE, "\\ud800")
}

/// One line of prose, as the renderer writes one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Prefixes of `text` at character boundaries: all of them for short texts,
/// about 300 evenly spaced ones (and the whole text) for long ones.
fn prefixes(text: &str) -> Vec<&str> {
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let step = (bounds.len() / 300).max(1);
    let mut out: Vec<&str> = bounds.iter().step_by(step).map(|&i| &text[..i]).collect();
    out.push(text);
    out
}

/// What the preview shows for `raw`, as `generate` computes it.
fn preview(target: DocTarget, raw: &str) -> String {
    partial::parse_prefix(raw).and_then(|v| render_value(target, v)).unwrap_or_default()
}

/// Streaming `json` (the model's answer): every preview extends the one
/// before, and the document rendered from the whole answer extends them all.
fn check_previews(target: DocTarget, json: &str) {
    let mut last = String::new();
    for prefix in prefixes(json) {
        let shown = preview(target, prefix);
        assert!(shown.starts_with(&last), "the preview shrank at {prefix:?}:\n{last:?}\n→ {shown:?}");
        last = shown;
    }
    if let Ok(whole) = serde_json::from_str::<Value>(json) {
        assert_eq!(partial::parse_prefix(json), Some(whole), "the whole answer reads as JSON does");
    }
    if let Some(final_text) = validate::extract_json(json).and_then(|v| render_value(target, v)) {
        assert!(final_text.starts_with(&last), "the document does not extend the last preview");
    } else {
        assert!(json.contains("\\ud800"), "only a lone surrogate makes the answer unreadable: {json}");
    }
}

/// `preview` grows into `later`: every member it has is in `later` and
/// grows into it, and every element of its arrays is complete (equal).
fn grows_into(preview: &Value, later: &Value) -> bool {
    match (preview, later) {
        (Value::Object(a), Value::Object(b)) => a.iter().all(|(k, v)| b.get(k).is_some_and(|w| grows_into(v, w))),
        (Value::Array(a), Value::Array(b)) => a.len() <= b.len() && a.iter().zip(b).all(|(x, y)| x == y),
        (a, b) => a == b,
    }
}

/// Any JSON value with text from [`text`], at most 4 levels deep; numbers
/// are integers, which print and read back exactly.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((text(), inner), 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// 128 cases each, or `PROPTEST_CASES`.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(128);
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config())]

    /// Every criterion renders as one EARS sentence the spec model recognises.
    #[test]
    fn every_criterion_renders_as_ears(c in criterion()) {
        let sentence = render::ears(&c);
        prop_assert!(!sentence.contains('\n'), "{sentence:?}");
        // Without a condition (once its keywords and punctuation are gone) the sentence is ubiquitous.
        let keyword = c.pattern.keyword().unwrap_or("THE");
        prop_assert!(sentence.starts_with(keyword) || sentence.starts_with("THE "), "{sentence:?} for {c:?}");
        prop_assert!(ears_pattern(&sentence).is_some(), "not EARS: {sentence:?}");
    }

    /// requirements.md read back has the requirements and criteria it was
    /// rendered from, each criterion with its sentence.
    #[test]
    fn requirements_render_and_read_back(doc in requirements_doc()) {
        let text = render::requirements(&doc);
        let parsed = parse_requirements(&text, &LineIndex::new(&text));
        prop_assert_eq!(parsed.requirements.len(), doc.requirements.len(), "{}", text);
        for (read, written) in parsed.requirements.iter().zip(&doc.requirements) {
            prop_assert_eq!(read.criteria.len(), written.acceptance_criteria.len(), "{}", text);
            for (c, w) in read.criteria.iter().zip(&written.acceptance_criteria) {
                // The spec model reads `**` as emphasis and drops it.
                let (read, written) = (c.text.replace("**", ""), render::ears(w).replace("**", ""));
                prop_assert_eq!(read.trim(), written.trim());
                prop_assert!(c.ears.is_some(), "not EARS: {:?}", c.text);
            }
        }
    }

    /// bugfix.md read back has one clause per written clause, in its section.
    #[test]
    fn bugfix_renders_and_reads_back(doc in bugfix_doc()) {
        let text = render::bugfix(&doc);
        let parsed = parse_bugfix(&text, &LineIndex::new(&text));
        let sections = [&doc.current_behavior, &doc.expected_behavior, &doc.unchanged_behavior];
        let written: Vec<(u32, usize)> =
            (1..).zip(sections).filter(|(_, s)| !s.is_empty()).map(|(n, s)| (n, s.len())).collect();
        let read: Vec<(u32, usize)> = parsed.requirements.iter().map(|r| (r.number, r.criteria.len())).collect();
        prop_assert_eq!(read, written, "{}", text);
    }

    /// design.md read back has its correctness properties, numbered in order,
    /// and its one architecture diagram.
    #[test]
    fn design_renders_and_reads_back(doc in design_doc()) {
        let text = render::design(&doc);
        let parsed = parse_design(&text, &LineIndex::new(&text));
        let numbers: Vec<u32> = parsed.properties.iter().map(|p| p.number).collect();
        let expected: Vec<u32> = (1..).take(doc.correctness_properties.len()).collect();
        prop_assert_eq!(numbers, expected, "{}", text);
        let diagram = usize::from(!doc.architecture_diagram.trim().is_empty());
        prop_assert_eq!(parsed.mermaid.len(), diagram, "{}", text);
    }

    /// tasks.md read back has every task and sub-task, with its number,
    /// optional flag, parent and title.
    #[test]
    fn tasks_render_and_read_back(doc in tasks_doc()) {
        let text = render::tasks(&doc);
        let parsed = parse_tasks(&text, &LineIndex::new(&text));
        let mut expected = Vec::new();
        for (i, t) in doc.tasks.iter().enumerate() {
            expected.push((format!("{}", i + 1), false, one_line(&t.title).replace("**", "")));
            for (j, s) in t.subtasks.iter().enumerate() {
                expected.push((format!("{}.{}", i + 1, j + 1), s.optional, one_line(&s.title).replace("**", "")));
            }
        }
        let read: Vec<(String, bool, String)> =
            parsed.tasks.iter().map(|t| (t.id(), t.optional, t.title.trim_end().to_string())).collect();
        prop_assert_eq!(read, expected, "{}", text);
    }

    /// Streaming a requirements answer: previews only grow, into the document.
    #[test]
    fn requirements_previews_only_grow(doc in requirements_doc()) {
        let json = with_lone_surrogates(&serde_json::to_string(&doc).expect("serialisable"));
        check_previews(DocTarget::Requirements, &json);
    }

    #[test]
    fn bugfix_previews_only_grow(doc in bugfix_doc()) {
        let json = with_lone_surrogates(&serde_json::to_string(&doc).expect("serialisable"));
        check_previews(DocTarget::Bugfix, &json);
    }

    #[test]
    fn design_previews_only_grow(doc in design_doc()) {
        let json = with_lone_surrogates(&serde_json::to_string_pretty(&doc).expect("serialisable"));
        check_previews(DocTarget::Design, &json);
    }

    #[test]
    fn tasks_previews_only_grow(doc in tasks_doc()) {
        let json = with_lone_surrogates(&serde_json::to_string(&doc).expect("serialisable"));
        check_previews(DocTarget::Tasks, &json);
    }

    /// Any JSON document read prefix by prefix: each reading grows into the
    /// next and into the document, and the whole text reads as the document.
    #[test]
    fn json_prefixes_grow_into_the_document(v in json_value(), pretty in any::<bool>()) {
        let v = if v.is_object() || v.is_array() { v } else { Value::Array(vec![v]) };
        let json = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }.expect("json");
        let mut last: Option<Value> = None;
        for prefix in prefixes(&json) {
            let read = partial::parse_prefix(prefix);
            if let (Some(before), Some(now)) = (&last, &read) {
                prop_assert!(grows_into(before, now), "{before} does not grow into {now}");
            }
            prop_assert!(last.is_none() || read.is_some(), "a reading vanished at {prefix:?}");
            if let Some(now) = &read {
                prop_assert!(grows_into(now, &v), "{now} does not grow into {v}");
            }
            last = read;
        }
        prop_assert_eq!(partial::parse_prefix(&json), Some(v));
    }

    /// Any text at all, JSON or not, gives a preview or none, never a panic.
    #[test]
    fn any_text_previews_without_panic(raw in prop_oneof![
        any::<String>(),
        vec(prop_oneof![text(), select(&["{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\ud800", "\\udc00", "null", "1"][..]).prop_map(String::from)], 0..40).prop_map(|p| p.concat()),
    ]) {
        for target in [DocTarget::Requirements, DocTarget::Bugfix, DocTarget::Design, DocTarget::Tasks] {
            for prefix in prefixes(&raw) {
                let _ = preview(target, prefix);
            }
            let _ = validate::extract_json(&raw).and_then(|v| render_value(target, v));
            let _ = validate::extract_markdown(&raw);
        }
    }

    /// Templates and folder names from a description in any script.
    #[test]
    fn descriptions_in_any_script(description in text()) {
        let name = naming::derive_name(&description);
        prop_assert!(naming::is_valid_name(&name), "{name:?}");
        let text = template::requirements(&description);
        let parsed = parse_requirements(&text, &LineIndex::new(&text));
        prop_assert!(!parsed.requirements.is_empty(), "{text}");
        let text = template::bugfix(&description);
        prop_assert!(!parse_bugfix(&text, &LineIndex::new(&text)).requirements.is_empty(), "{text}");
        let _ = template::design(&description, Some(&parsed));
        let _ = template::tasks(Some(&parsed));
    }
}

#[test]
fn lone_surrogates_leave_the_preview_where_it_was() {
    let json = r#"{"introduction": "前置き", "glossary": [{"term": "\ud800", "definition": "x"}], "requirements": []}"#;
    check_previews(DocTarget::Requirements, json);
    assert_eq!(preview(DocTarget::Requirements, json), "# Requirements Document\n\n## Introduction\n\n前置き\n");
    // A surrogate pair is one character.
    let pair = r#"{"introduction": "\ud83d\ude00 ok"}"#;
    assert_eq!(preview(DocTarget::Requirements, pair), "# Requirements Document\n\n## Introduction\n\n😀 ok\n");
}
