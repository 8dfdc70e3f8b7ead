//! Code smells: for each smell, a fixture just over its threshold and one
//! at it, in TypeScript and at least one other language; thresholds, ranges
//! and UTF-16 columns; and a quick fuzz that nothing panics.

use specwright_analyzers::smells::{self, Lang, Smell, Thresholds, codes};
use specwright_spec::{Position, Range};

/// Every check off: a test turns on the one it is about.
const OFF: Thresholds = Thresholds {
    max_function_lines: 0,
    max_parameters: 0,
    max_nesting: 0,
    max_complexity: 0,
    max_class_lines: 0,
    max_class_members: 0,
    min_duplicate_lines: 0,
};

/// The smells of `text` as `code value line:col` strings (1-based line,
/// UTF-16 column).
fn check(lang: Lang, text: &str, thresholds: &Thresholds) -> Vec<String> {
    smells::analyze(lang, text, thresholds)
        .iter()
        .map(|s| format!("{} {} {}:{}", s.code, s.value, s.range.start.line + 1, s.range.start.character))
        .collect()
}

fn only(lang: Lang, text: &str, thresholds: &Thresholds) -> Smell {
    let found = smells::analyze(lang, text, thresholds);
    assert_eq!(found.len(), 1, "expected one smell, got {found:#?}");
    found.into_iter().next().unwrap_or_else(|| unreachable!())
}

fn range(line: u32, start: u32, end: u32) -> Range {
    Range::new(Position::new(line, start), Position::new(line, end))
}

// ---------------------------------------------------------------------------
// Long functions

const LINES_5: Thresholds = Thresholds { max_function_lines: 5, ..OFF };

#[test]
fn long_function_typescript() {
    let six =
        "function handle(a: number) {\n  const b = a + 1;\n  const c = b + 1;\n  const d = c + 1;\n  return d;\n}\n";
    let s = only(Lang::TypeScript, six, &LINES_5);
    assert_eq!(s.code, codes::LONG_FUNCTION);
    assert_eq!(s.message, "Function `handle` is 6 lines long (more than 5)");
    assert_eq!((s.value, s.threshold), (6, 5));
    assert_eq!(s.range, range(0, 9, 15));

    let five = "function handle(a: number) {\n  const b = a + 1;\n  const c = b + 1;\n  return c;\n}\n";
    assert_eq!(check(Lang::TypeScript, five, &LINES_5), Vec::<String>::new());
}

#[test]
fn long_function_python() {
    let six = "def handle(a):\n    b = a + 1\n    c = b + 1\n    d = c + 1\n    e = d + 1\n    return e\n";
    assert_eq!(check(Lang::Python, six, &LINES_5), ["smell-long-function 6 1:4"]);
    let five = "def handle(a):\n    b = a + 1\n    c = b + 1\n    d = c + 1\n    return d\n";
    assert_eq!(check(Lang::Python, five, &LINES_5), Vec::<String>::new());
}

#[test]
fn arrow_functions_are_named_after_their_variable_or_property() {
    let text = "const handle = () => {\n  a();\n  b();\n  c();\n  d();\n};\n\
                const o = {\n  run: function () {\n    a();\n    b();\n    c();\n    d();\n  },\n};\n\
                describe('x', () => {\n  a();\n  b();\n  c();\n  d();\n});\n";
    let found = smells::analyze(Lang::JavaScript, text, &LINES_5);
    let messages: Vec<&str> = found.iter().map(|s| s.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Function `handle` is 6 lines long (more than 5)",
            "Function `run` is 6 lines long (more than 5)",
            "Anonymous function is 6 lines long (more than 5)",
        ]
    );
    assert_eq!(found[0].range, range(0, 6, 12));
    assert_eq!(found[1].range, range(7, 2, 5));
    // An anonymous function is pointed at by its first line.
    assert_eq!(found[2].range, range(14, 14, 21));
}

// ---------------------------------------------------------------------------
// Too many parameters (the default threshold, 5)

#[test]
fn too_many_parameters_typescript() {
    let text = "export class Router {\n  handle(a: string, b: number, c?: boolean, d = 1, ...rest: string[]) {}\n  route(this: Router, a: A, { b }: B, [c]: C, d: D, e: E, f: F): void {}\n}\n";
    let s = only(Lang::TypeScript, text, &Thresholds::default());
    assert_eq!(s.code, codes::TOO_MANY_PARAMETERS);
    assert_eq!(s.message, "Method `route` has 6 parameters (more than 5)");
    assert_eq!(s.range, range(2, 2, 7));
}

#[test]
fn too_many_parameters_javascript_arrow() {
    let six = "const handle = (a, b, c, d, e, f) => a;\n";
    assert_eq!(check(Lang::JavaScript, six, &Thresholds::default()), ["smell-too-many-parameters 6 1:6"]);
    let five = "const handle = (a, b, c, d, e) => a;\nconst one = x => x;\n";
    assert_eq!(check(Lang::JavaScript, five, &Thresholds::default()), Vec::<String>::new());
}

#[test]
fn too_many_parameters_python_ignores_self() {
    let text = "class Router:\n    def handle(self, a, b, c, d, e):\n        pass\n\n    def route(self, a, b, *args, c, d=1, **kw):\n        pass\n";
    assert_eq!(check(Lang::Python, text, &Thresholds::default()), ["smell-too-many-parameters 6 5:8"]);
}

#[test]
fn too_many_parameters_rust_ignores_self() {
    let text = "impl Router {\n    fn handle(&self, a: u8, b: u8, c: u8, d: u8, e: u8) {}\n    fn route(&mut self, a: u8, b: u8, c: u8, d: u8, e: u8, f: u8) {}\n}\n";
    let s = only(Lang::Rust, text, &Thresholds::default());
    assert_eq!(s.message, "Method `route` has 6 parameters (more than 5)");
    assert_eq!(s.range, range(2, 7, 12));
}

// ---------------------------------------------------------------------------
// Deep nesting

const NESTING_2: Thresholds = Thresholds { max_nesting: 2, ..OFF };

#[test]
fn deep_nesting_typescript() {
    let three = "function walk(xs: number[]) {\n  for (const x of xs) {\n    if (x > 0) {\n      while (x) { x--; }\n    }\n  }\n}\n";
    let s = only(Lang::TypeScript, three, &NESTING_2);
    assert_eq!(s.code, codes::DEEP_NESTING);
    assert_eq!(s.message, "Function `walk` nests control blocks 3 deep (more than 2)");
    // The deepest block's first line.
    assert_eq!(s.range, range(3, 6, 24));

    // `else if` continues a chain: no deeper.
    let two = "function walk(xs: number[]) {\n  for (const x of xs) {\n    if (x > 0) {\n    } else if (x < 0) {\n    } else if (x == 0) {\n    } else {\n    }\n  }\n}\n";
    assert_eq!(check(Lang::TypeScript, two, &NESTING_2), Vec::<String>::new());
}

#[test]
fn deep_nesting_rust_and_python() {
    let rust3 = "fn walk(xs: &[i32]) {\n    for x in xs {\n        match x {\n            0 => loop {},\n            _ => {}\n        }\n    }\n}\n";
    assert_eq!(check(Lang::Rust, rust3, &NESTING_2), ["smell-deep-nesting 3 4:17"]);
    let rust2 = "fn walk(xs: &[i32]) {\n    for x in xs {\n        if *x > 0 {\n        } else if *x < 0 {\n            }\n    }\n}\n";
    assert_eq!(check(Lang::Rust, rust2, &NESTING_2), Vec::<String>::new());

    let py3 = "def walk(xs):\n    for x in xs:\n        with open(x) as f:\n            try:\n                pass\n            except OSError:\n                pass\n";
    assert_eq!(check(Lang::Python, py3, &NESTING_2), ["smell-deep-nesting 3 4:12"]);
    let py2 =
        "def walk(xs):\n    for x in xs:\n        if x:\n            pass\n        elif not x:\n            pass\n";
    assert_eq!(check(Lang::Python, py2, &NESTING_2), Vec::<String>::new());
}

#[test]
fn nested_functions_nest_on_their_own() {
    let text = "function outer(xs) {\n  for (const x of xs) {\n    xs.forEach((y) => {\n      if (y) {\n        if (x) {}\n      }\n    });\n  }\n}\n";
    assert_eq!(check(Lang::JavaScript, text, &NESTING_2), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// High complexity

const COMPLEXITY_3: Thresholds = Thresholds { max_complexity: 3, ..OFF };

#[test]
fn high_complexity_typescript() {
    // 1 + if + && + ternary = 4.
    let four =
        "function pick(a: number, b?: number) {\n  if (a > 0 && b) {\n    return a;\n  }\n  return b ? b : 0;\n}\n";
    let s = only(Lang::TypeScript, four, &COMPLEXITY_3);
    assert_eq!(s.code, codes::HIGH_COMPLEXITY);
    assert_eq!(s.message, "Function `pick` has a cyclomatic complexity of 4 (more than 3)");
    assert_eq!(s.range, range(0, 9, 13));

    // 1 + if + ?? = 3; the nested function's `||` and `if` are its own.
    let three = "function pick(a: number, b?: number) {\n  const f = (x) => { if (x || a) { return 1; } return 0; };\n  if (a > 0) {\n    return a;\n  }\n  return b ?? f(a);\n}\n";
    assert_eq!(check(Lang::TypeScript, three, &COMPLEXITY_3), Vec::<String>::new());
}

#[test]
fn high_complexity_counts_every_kind_of_decision() {
    let text = "function all(xs) {\n  for (;;) {}\n  for (const x of xs) {}\n  while (a) {}\n  do {} while (b);\n  switch (c) {\n    case 1: break;\n    case 2: break;\n    default: break;\n  }\n  try {} catch (e) {}\n  x ||= y;\n}\n";
    // 1 + for + for-of + while + do + 2 cases + catch + ||= = 9.
    assert_eq!(check(Lang::JavaScript, text, &COMPLEXITY_3), ["smell-high-complexity 9 1:9"]);
}

#[test]
fn high_complexity_python_and_rust() {
    // 1 + if + elif + and + comprehension for + comprehension if = 6.
    let py = "def pick(a, b):\n    if a and b:\n        return a\n    elif b:\n        return [x for x in b if x]\n";
    assert_eq!(check(Lang::Python, py, &Thresholds { max_complexity: 5, ..OFF }), ["smell-high-complexity 6 1:4"]);
    assert_eq!(check(Lang::Python, py, &Thresholds { max_complexity: 6, ..OFF }), Vec::<String>::new());

    // A match of n arms adds n - 1: 1 + 3 = 4; one arm less is 3.
    let rust4 = "fn pick(x: u8) -> u8 {\n    match x {\n        0 => 1,\n        1 => 2,\n        2 => 3,\n        _ => 4,\n    }\n}\n";
    assert_eq!(check(Lang::Rust, rust4, &COMPLEXITY_3), ["smell-high-complexity 4 1:3"]);
    let rust3 = "fn pick(x: u8) -> u8 {\n    match x {\n        0 => 1,\n        1 if x > 0 || x < 9 => 2,\n        _ => 4,\n    }\n}\n";
    assert_eq!(check(Lang::Rust, rust3, &COMPLEXITY_3), ["smell-high-complexity 4 1:3"]);
    let rust_closure = "fn pick(x: u8) -> u8 {\n    let f = |y: u8| if y > 0 && y < 9 { 1 } else { 0 };\n    if x > 0 { f(x) } else { 0 }\n}\n";
    assert_eq!(check(Lang::Rust, rust_closure, &COMPLEXITY_3), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Large classes

const MEMBERS_3: Thresholds = Thresholds { max_class_members: 3, ..OFF };

#[test]
fn large_class_typescript() {
    let four = "export class Store {\n  private items: string[] = [];\n  count = 0;\n  add(x: string) {}\n  get size() { return 0; }\n}\n";
    let s = only(Lang::TypeScript, four, &MEMBERS_3);
    assert_eq!(s.code, codes::LARGE_CLASS);
    assert_eq!(s.message, "Class `Store` has 4 members (more than 3)");
    assert_eq!(s.range, range(0, 13, 18));

    let three =
        "export class Store {\n  private items: string[] = [];\n  add(x: string) {}\n  get size() { return 0; }\n}\n";
    assert_eq!(check(Lang::TypeScript, three, &MEMBERS_3), Vec::<String>::new());
}

#[test]
fn large_class_lines_and_members_together() {
    let text = "class Store {\n  a = 1;\n  b = 2;\n  c = 3;\n  d = 4;\n}\n";
    let t = Thresholds { max_class_lines: 5, ..MEMBERS_3 };
    let s = only(Lang::JavaScript, text, &t);
    assert_eq!(s.message, "Class `Store` is 6 lines long (more than 5) and has 4 members (more than 3)");
    assert_eq!((s.value, s.threshold), (6, 5));
}

#[test]
fn large_class_python_and_rust() {
    let py4 = "class Store:\n    size = 0\n\n    def __init__(self):\n        pass\n\n    @property\n    def count(self):\n        return 0\n\n    def add(self, x):\n        pass\n";
    assert_eq!(check(Lang::Python, py4, &MEMBERS_3), ["smell-large-class 4 1:6"]);
    let py3 =
        "class Store:\n    size = 0\n\n    def add(self, x):\n        pass\n\n    def drop(self, x):\n        pass\n";
    assert_eq!(check(Lang::Python, py3, &MEMBERS_3), Vec::<String>::new());

    let rust4 = "impl Store {\n    const A: u8 = 1;\n    fn a(&self) {}\n    fn b(&self) {}\n    fn c(&self) {}\n}\n";
    let s = only(Lang::Rust, rust4, &MEMBERS_3);
    assert_eq!(s.message, "Impl block for `Store` has 4 members (more than 3)");
    assert_eq!(s.range, range(0, 5, 10));
    let rust3 = "struct Store {\n    a: u8,\n    b: u8,\n    c: u8,\n}\n";
    assert_eq!(check(Lang::Rust, rust3, &MEMBERS_3), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Duplicated blocks

const DUPLICATES_3: Thresholds = Thresholds { min_duplicate_lines: 3, ..OFF };

#[test]
fn duplicated_block_typescript() {
    let text = "function a() {\n  const x = load();\n  if (!x) {\n    throw new Error('none');\n  }\n  return x;\n}\n\n\
                function b() {\n  const x   = load();\n\n  if (!x) {\n    throw new Error('none');\n  }\n  return x.y;\n}\n";
    let s = only(Lang::TypeScript, text, &DUPLICATES_3);
    assert_eq!(s.code, codes::DUPLICATED_BLOCK);
    // Whitespace inside a line and blank lines do not matter; `}` lines
    // are skipped.
    assert_eq!(s.message, "These 3 lines repeat lines 2\u{2013}4");
    assert_eq!((s.value, s.threshold), (3, 3));
    assert_eq!(s.range, range(9, 2, 21));
    assert_eq!(s.related, [Range::new(Position::new(1, 2), Position::new(3, 28))]);

    let two = "function a() {\n  const x = load();\n  if (!x) {\n    return 1;\n  }\n}\n\
               function b() {\n  const x = load();\n  if (!x) {\n    return 2;\n  }\n}\n";
    assert_eq!(check(Lang::TypeScript, two, &DUPLICATES_3), Vec::<String>::new());
}

#[test]
fn duplicated_block_python_extends_to_the_whole_copy() {
    let text = "def a(x):\n    y = x + 1\n    z = y * 2\n    w = z - 3\n    v = w / 4\n    return v\n\n\
                def b(x):\n    y = x + 1\n    z = y * 2\n    w = z - 3\n    v = w / 4\n    return v\n";
    let found = smells::analyze(Lang::Python, text, &DUPLICATES_3);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].value, 5);
    assert_eq!(found[0].range, range(8, 4, 13));
    assert_eq!(found[0].message, "These 5 lines repeat lines 2\u{2013}6");
}

// ---------------------------------------------------------------------------
// Thresholds

#[test]
fn custom_thresholds_are_honoured() {
    let text = "function handle(a, b, c) {\n  if (a) {\n    if (b) {}\n  }\n}\n";
    assert_eq!(check(Lang::JavaScript, text, &Thresholds::default()), Vec::<String>::new());
    let strict = Thresholds {
        max_function_lines: 4,
        max_parameters: 2,
        max_nesting: 1,
        max_complexity: 2,
        ..Thresholds::default()
    };
    assert_eq!(
        check(Lang::JavaScript, text, &strict),
        [
            "smell-high-complexity 3 1:9",
            "smell-long-function 5 1:9",
            "smell-too-many-parameters 3 1:9",
            "smell-deep-nesting 2 3:4",
        ]
    );
}

#[test]
fn zero_disables_every_check() {
    let monster = "class A {\n  // one\n  // one\n  a = 1; b = 2;\n  m(a, b, c, d, e, f, g) {\n    if (a) { if (b) { if (c) { if (d) { if (e) { if (f) { g(); } } } } } }\n  }\n}\n";
    let everything = Thresholds {
        max_function_lines: 1,
        max_parameters: 1,
        max_nesting: 1,
        max_complexity: 1,
        max_class_lines: 1,
        max_class_members: 1,
        min_duplicate_lines: 1,
    };
    let mut found: Vec<&str> = smells::analyze(Lang::TypeScript, monster, &everything).iter().map(|s| s.code).collect();
    found.sort_unstable();
    let mut all = codes::ALL.to_vec();
    all.sort_unstable();
    assert_eq!(found, all);
    assert_eq!(check(Lang::TypeScript, monster, &OFF), Vec::<String>::new());
}

#[test]
fn thresholds_read_from_camel_case_settings_with_defaults() {
    let t: Thresholds = serde_json::from_str(r#"{"maxParameters": 3, "minDuplicateLines": 0}"#).unwrap();
    assert_eq!(t, Thresholds { max_parameters: 3, min_duplicate_lines: 0, ..Thresholds::default() });
    assert_eq!(
        Thresholds::default(),
        Thresholds {
            max_function_lines: 60,
            max_parameters: 5,
            max_nesting: 4,
            max_complexity: 10,
            max_class_lines: 300,
            max_class_members: 20,
            min_duplicate_lines: 8,
        }
    );
}

// ---------------------------------------------------------------------------
// Positions, languages, codes

#[test]
fn columns_are_utf16() {
    // é is 2 bytes and 1 UTF-16 unit; 𝄞 is 4 bytes and 2 units.
    let text = "/* é𝄞 */ function handle(a, b, c, d, e, f) {}\n";
    let s = only(Lang::TypeScript, text, &Thresholds::default());
    assert_eq!(s.range, range(0, 19, 25));
    let py = "x = '𝄞'; handle = lambda a, b, c, d, e, f: a\n";
    let s = only(Lang::Python, py, &Thresholds::default());
    assert_eq!(s.message, "Function `handle` has 6 parameters (more than 5)");
    assert_eq!(s.range, range(0, 10, 16));
}

#[test]
fn tsx_is_analyzed() {
    let text = "export const View = ({ a }: P) => {\n  return a ? <div>{a && <b/>}</div> : null;\n};\n";
    assert_eq!(check(Lang::Tsx, text, &COMPLEXITY_3), Vec::<String>::new());
    assert_eq!(check(Lang::Tsx, text, &Thresholds { max_complexity: 2, ..OFF }), ["smell-high-complexity 3 1:13"]);
}

#[test]
fn go_yields_nothing() {
    let text = "package main\n\nfunc handle(a, b, c, d, e, f, g int) {}\n";
    assert!(smells::parse(Lang::Go, text, None).is_none());
    assert_eq!(smells::analyze(Lang::Go, text, &Thresholds { max_parameters: 1, ..OFF }), []);
}

#[test]
fn smells_come_in_position_order() {
    let text = "function b(a, b, c, d, e, f) {}\nfunction a(a, b, c, d, e, f) {\n  if (a) { if (b) { if (c) { if (d) { if (e) {} } } } }\n}\n";
    let t = Thresholds { max_nesting: 4, ..Thresholds::default() };
    assert_eq!(
        check(Lang::TypeScript, text, &t),
        ["smell-too-many-parameters 6 1:9", "smell-too-many-parameters 6 2:9", "smell-deep-nesting 5 3:38"]
    );
}

#[test]
fn every_code_has_a_description() {
    assert_eq!(codes::ALL.len(), 6);
    for code in codes::ALL {
        assert!(code.starts_with("smell-"));
        assert_ne!(codes::description(code), codes::description("nope"), "{code}");
    }
}

#[test]
fn incremental_reparse_gives_the_same_smells() {
    let before = "function handle(a, b, c, d, e) {\n  return a;\n}\n";
    let after = "function handle(a, b, c, d, e, f) {\n  return a;\n}\n";
    let mut tree = smells::parse(Lang::TypeScript, before, None).unwrap();
    // Insert ", f" after "e".
    let at = before.find("e)").unwrap() + 1;
    tree.edit(&tree_sitter::InputEdit {
        start_byte: at,
        old_end_byte: at,
        new_end_byte: at + 3,
        start_position: tree_sitter::Point::new(0, at),
        old_end_position: tree_sitter::Point::new(0, at),
        new_end_position: tree_sitter::Point::new(0, at + 3),
    });
    assert_eq!(smells::diff_edit(before, after).as_ref().map(|e| (e.start_byte, e.new_end_byte)), Some((at, at + 3)));
    let reparsed = smells::parse(Lang::TypeScript, after, Some(&tree)).unwrap();
    let t = Thresholds::default();
    let incremental = smells::analyze_tree(Lang::TypeScript, after, &reparsed, &t);
    assert_eq!(incremental, smells::analyze(Lang::TypeScript, after, &t));
    assert_eq!(incremental.len(), 1);

    // A tree of another language is not reused, nor read as this one.
    let rust = smells::parse(Lang::Rust, "fn a() {}", None).unwrap();
    assert_eq!(smells::analyze_tree(Lang::TypeScript, after, &rust, &t), []);
    assert!(smells::parse(Lang::TypeScript, after, Some(&rust)).is_some());
}

#[test]
fn diff_edit_spans_every_change_between_two_texts() {
    assert_eq!(smells::diff_edit("same", "same"), None);
    // Two changes on different lines become one edit from the first to
    // the last; columns are bytes, as tree-sitter counts them.
    let e = smells::diff_edit("a\né = 1;\nb = 2;\n", "a\né = 10;\nc = 2;\n").unwrap();
    assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (8, 11, 12));
    assert_eq!((e.start_position.row, e.start_position.column), (1, 6));
    assert_eq!((e.old_end_position.row, e.old_end_position.column), (2, 1));
    assert_eq!((e.new_end_position.row, e.new_end_position.column), (2, 1));
    // Edits never cut a character: é (c3 a9) to è (c3 a8).
    let e = smells::diff_edit("xé", "xè").unwrap();
    assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (1, 3, 3));
    let e = smells::diff_edit("", "abc").unwrap();
    assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (0, 0, 3));
    let e = smells::diff_edit("aaa", "aa").unwrap();
    assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (2, 3, 2));
}

#[test]
fn incremental_reparse_after_many_edits_matches_a_full_parse() {
    let (_, base) = FIXTURES[0];
    let t = strict();
    let mut text = base.to_owned();
    let mut tree = smells::parse(Lang::TypeScript, &text, None).unwrap();
    let mut rng = Rng(7);
    for _ in 0..50 {
        let mut next = text.clone();
        let at = (0..=rng.below(next.len())).rev().find(|&i| next.is_char_boundary(i)).unwrap_or(0);
        match rng.below(3) {
            0 => next.insert_str(at, "if (a) { b(); }\n"),
            1 => next.insert(at, 'é'),
            _ => {
                let end = (at..=next.len().min(at + 5)).rev().find(|&i| next.is_char_boundary(i)).unwrap_or(at);
                next.replace_range(at..end, "");
            }
        }
        if let Some(edit) = smells::diff_edit(&text, &next) {
            tree.edit(&edit);
        }
        tree = smells::parse(Lang::TypeScript, &next, Some(&tree)).unwrap();
        assert_eq!(
            smells::analyze_tree(Lang::TypeScript, &next, &tree, &t),
            smells::analyze(Lang::TypeScript, &next, &t),
            "{next}"
        );
        text = next;
    }
}

// ---------------------------------------------------------------------------
// Never panics

const FIXTURES: &[(Lang, &str)] = &[
    (
        Lang::TypeScript,
        "import { x } from './x';\n/* é𝄞 */ export class A<T> extends B implements C {\n  private f = (a: T, b?: number, ...c: T[]) => a ?? b;\n  m(this: A<T>, { d }: D): void {\n    for (const k in d) { if (k && d[k]) { switch (k) { case 'a': break; default: } } else if (k) {} }\n    try { x(); } catch { } finally { }\n  }\n}\nexport default function (q) { return q ? 1 : 2; }\n",
    ),
    (
        Lang::Tsx,
        "const V = ({ a }: { a: string }) => <div onClick={() => a || b}>{a ? <b/> : null}</div>;\nexport function W() { return <V a='é'/>; }\n",
    ),
    (
        Lang::JavaScript,
        "module.exports.run = async function* (a, b = 1) { with (a) { do { yield b; } while (a--); } };\nclass K { #p = 1; static s() { label: for (;;) { break label; } } }\nconst o = { 'k': () => {}, [c]: function () {} };\n",
    ),
    (
        Lang::Rust,
        "impl<T: Clone> S<T> {\n    pub fn f(&self, a: u8, b: &mut [T]) -> Option<u8> {\n        let g = |x| x && a > 0 || b.is_empty();\n        loop { match a { 0 if g(true) => return None, _ => break } }\n        if let Some(x) = b.first() { while a > 0 { for _ in 0..a {} } } else if a == 1 {}\n        Some(a?)\n    }\n}\ntrait Tr { fn x(&self); const C: u8; }\nstruct P { a: u8, b: String }\n",
    ),
    (
        Lang::Python,
        "@dataclass\nclass A(B, metaclass=M):\n    x: int = 0\n    def m(self, a, /, b, *, c=1, **kw):\n        with open(a) as f, open(b) as g:\n            match c:\n                case 1 if a: pass\n                case _: pass\n        try:\n            pass\n        except* ValueError:\n            pass\n        return [y for y in a if y and not b] or (lambda q: q)(c) if a else None\n",
    ),
    (Lang::Go, "package p\nfunc f(a int) int { if a > 0 { return 1 }; return 0 }\n"),
];

/// A small xorshift generator: the fuzz is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

fn strict() -> Thresholds {
    Thresholds {
        max_function_lines: 1,
        max_parameters: 1,
        max_nesting: 1,
        max_complexity: 1,
        max_class_lines: 1,
        max_class_members: 1,
        min_duplicate_lines: 1,
    }
}

#[test]
fn fixtures_parse_and_smell_everywhere() {
    for (lang, text) in FIXTURES {
        let found = smells::analyze(*lang, text, &strict());
        assert_eq!(found.is_empty(), *lang == Lang::Go, "{lang:?}: {found:#?}");
    }
}

#[test]
fn truncated_fixtures_never_panic() {
    for (lang, text) in FIXTURES {
        for (cut, _) in text.char_indices() {
            let prefix = text.get(..cut).unwrap_or_default();
            let suffix = text.get(cut..).unwrap_or_default();
            for t in [strict(), Thresholds::default()] {
                let _ = smells::analyze(*lang, prefix, &t);
                let _ = smells::analyze(*lang, suffix, &t);
            }
        }
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    const ALPHABET: &[u8] =
        b"{}()[];:,.?!&|=<>+-*/%'\"` \n\t\r\\#@$_abcdefxyzifforwhileclassfnletdeflambdamatchcase0123456789";
    let langs = [Lang::TypeScript, Lang::Tsx, Lang::JavaScript, Lang::Rust, Lang::Python, Lang::Go];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..300 {
        let len = rng.below(400);
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if round % 3 == 0 {
                    // Raw bytes, invalid UTF-8 included (made lossy below).
                    (rng.next() & 0xFF) as u8
                } else {
                    ALPHABET[rng.below(ALPHABET.len())]
                }
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        for lang in langs {
            let _ = smells::analyze(lang, &text, &strict());
        }
    }
    // Splices of the fixtures: real syntax in unusual places.
    for _ in 0..200 {
        let (lang, a) = FIXTURES[rng.below(FIXTURES.len())];
        let (_, b) = FIXTURES[rng.below(FIXTURES.len())];
        let cut_a = (0..=rng.below(a.len())).rev().find(|&i| a.is_char_boundary(i)).unwrap_or(0);
        let cut_b = (0..=rng.below(b.len())).rev().find(|&i| b.is_char_boundary(i)).unwrap_or(0);
        let text = format!("{}{}{}", &a[..cut_a], &b[cut_b..], &a[..cut_a]);
        let _ = smells::analyze(lang, &text, &strict());
    }
}

#[test]
fn deeply_nested_input_does_not_overflow() {
    let depth = 5_000;
    let text = format!("function f() {{ {}x{} }}", "if (a) { ".repeat(depth), " }".repeat(depth));
    let found = smells::analyze(Lang::JavaScript, &text, &Thresholds::default());
    assert!(found.iter().any(|s| s.code == codes::DEEP_NESTING && s.value == depth as u32), "{found:#?}");
    let brackets = "([{".repeat(20_000);
    for lang in [Lang::TypeScript, Lang::Rust, Lang::Python] {
        let _ = smells::analyze(lang, &brackets, &strict());
    }
}
