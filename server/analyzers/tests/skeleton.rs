//! Unit-test skeletons: framework detection, exported symbols, test paths,
//! the created and extended test files, and a real `node --test` run that
//! proves the generated cases fail until written.

use std::path::{Path, PathBuf};
use std::process::Command;

use specwright_analyzers::skeleton::{
    Edit, ExportKind, Exported, Framework, Request, detect_framework, exported_symbols, is_test_file, skeleton,
    test_path_candidates, test_path_for,
};
use specwright_index::Lang;
use specwright_spec::{LineIndex, Position, Range};

// ---------------------------------------------------------------------------
// Helpers

struct Case<'a> {
    source: &'a str,
    source_text: &'a str,
    test: &'a str,
    existing: Option<&'a str>,
    framework: Framework,
    esm: Option<&'a str>,
}

impl Case<'_> {
    fn symbols(&self) -> Vec<Exported> {
        let lang = Lang::of(Path::new(self.source)).expect("a JS/TS source");
        exported_symbols(lang, self.source_text)
    }

    fn run(&self) -> Edit {
        self.run_for(&self.symbols())
    }

    fn run_for(&self, symbols: &[Exported]) -> Edit {
        skeleton(&Request {
            source_path: Path::new(self.source),
            test_path: Path::new(self.test),
            symbols,
            existing_test: self.existing,
            framework: self.framework,
            esm_extension: self.esm,
        })
    }
}

/// The test file after the edit; checks that an `Extend` only inserts.
fn apply(existing: &str, edit: &Edit) -> String {
    match edit {
        Edit::Create { text } => text.clone(),
        Edit::UpToDate => existing.to_owned(),
        Edit::Extend { at, text, import_at, import_text } => {
            let lines = LineIndex::new(existing);
            let end = lines.offset(existing, *at);
            assert_eq!(end, existing.len(), "the cases go at the end of the file");
            let mut out = existing.to_owned();
            out.insert_str(end, text);
            if let Some(imports) = import_text {
                let at = lines.offset(existing, *import_at);
                assert!(at < end, "imports go before the cases, at a different position");
                out.insert_str(at, imports);
            }
            out
        }
    }
}

fn range(start: (u32, u32), end: (u32, u32)) -> Range {
    Range::new(Position::new(start.0, start.1), Position::new(end.0, end.1))
}

// ---------------------------------------------------------------------------
// Framework

#[test]
fn framework_from_package_json() {
    let cases = [
        (r#"{"devDependencies": {"vitest": "^2.0.0", "typescript": "^5"}}"#, Framework::Vitest),
        (r#"{"dependencies": {"vitest": "1"}, "devDependencies": {"jest": "29"}}"#, Framework::Vitest),
        (r#"{"devDependencies": {"jest": "^29.7.0"}}"#, Framework::Jest),
        (r#"{"devDependencies": {"ts-jest": "^29"}}"#, Framework::Jest),
        (r#"{"devDependencies": {"@jest/globals": "^29"}}"#, Framework::Jest),
        (r#"{"name": "x", "jest": {"preset": "ts-jest"}}"#, Framework::Jest),
        (r#"{"scripts": {"test": "vitest run"}}"#, Framework::Vitest),
        (r#"{"scripts": {"test": "NODE_ENV=test ./node_modules/.bin/jest --ci"}}"#, Framework::Jest),
        (r#"{"type": "module", "scripts": {"test": "node --test"}}"#, Framework::NodeTest),
        (r#"{"name": "nothing-known"}"#, Framework::NodeTest),
        ("", Framework::NodeTest),
        ("{ not json", Framework::NodeTest),
        ("[1, 2]", Framework::NodeTest),
        (r#"{"devDependencies": "jest"}"#, Framework::NodeTest),
    ];
    for (json, expected) in cases {
        assert_eq!(detect_framework(json), expected, "{json}");
    }
    assert_eq!(Framework::Jest.name(), "jest");
    assert_eq!(Framework::Vitest.name(), "vitest");
    assert_eq!(Framework::NodeTest.name(), "node:test");
}

// ---------------------------------------------------------------------------
// Exported symbols

const WIDGET_TS: &str = r#"import { helper } from './helper';

export function add(a: number, b: number): number {
  return a + b;
}

export async function fetchUser(id: string): Promise<string> {
  return helper(id);
}

export const double = (n: number) => n * 2;

export const triple = async function (n: number) { return n * 3; };

export const notAFunction = 42;

function local(): void {}

class Hidden {}

function listed(): number { return 1; }

export { listed, Hidden as Shown };
export { elsewhere } from './elsewhere';
export type { Options } from './options';
export interface Props { size: number }

export default class {
  constructor() {}
  render(): string { return ''; }
  static create() { return 1; }
  private secret() {}
  protected guarded() {}
  #hidden() {}
  get size() { return 1; }
  public update() {}
  async save() {}
}
"#;

#[test]
fn exported_functions_and_classes() {
    let symbols = exported_symbols(Lang::TypeScript, WIDGET_TS);
    let summary: Vec<(&str, ExportKind, bool, bool, Vec<&str>)> = symbols
        .iter()
        .map(|e| (e.name.as_str(), e.kind, e.is_default, e.is_async, e.methods.iter().map(String::as_str).collect()))
        .collect();
    use ExportKind::{Class, Function};
    assert_eq!(
        summary,
        vec![
            ("add", Function, false, false, vec![]),
            ("fetchUser", Function, false, true, vec![]),
            ("double", Function, false, false, vec![]),
            ("triple", Function, false, true, vec![]),
            ("listed", Function, false, false, vec![]),
            ("Shown", Class, false, false, vec![]),
            ("default", Class, true, false, vec!["render", "create", "update", "save"]),
        ]
    );
    // The name, and the whole declaration with `export`.
    assert_eq!(symbols[0].range, range((2, 16), (2, 19)));
    assert_eq!(symbols[0].span, range((2, 0), (4, 1)));
    assert_eq!(symbols[2].range, range((10, 13), (10, 19)));
    assert_eq!(symbols[2].span, range((10, 0), (10, 43)));
    // Exported by a list: the local declaration.
    assert_eq!(symbols[4].range, range((20, 9), (20, 15)));
    assert_eq!(symbols[4].span, range((20, 0), (20, 39)));
    // Anonymous default: the `export default` keywords, and the whole class.
    assert_eq!(symbols[6].range, range((27, 0), (27, 14)));
    assert_eq!(symbols[6].span, range((27, 0), (37, 1)));
    assert_eq!(symbols[6].display_name(Path::new("src/widget.ts")), "widget");
    assert_eq!(symbols[0].display_name(Path::new("src/widget.ts")), "add");
}

#[test]
fn default_exports_by_name_and_in_javascript() {
    let named = exported_symbols(Lang::Tsx, "export default function App() { return <div/>; }\n");
    assert_eq!(named.len(), 1);
    assert_eq!((named[0].name.as_str(), named[0].is_default, named[0].kind), ("App", true, ExportKind::Function));
    assert_eq!(named[0].range, range((0, 24), (0, 27)));

    let later = exported_symbols(Lang::JavaScript, "class Store { get() {} }\nexport default Store;\n");
    assert_eq!(later.len(), 1);
    assert_eq!(
        (later[0].name.as_str(), later[0].is_default, later[0].methods.clone()),
        ("Store", true, vec!["get".into()])
    );

    let arrow = exported_symbols(Lang::JavaScript, "export default async () => {};\nexport function* gen() {}\n");
    let summary: Vec<(&str, bool, bool)> = arrow.iter().map(|e| (e.name.as_str(), e.is_default, e.is_async)).collect();
    assert_eq!(summary, vec![("default", true, true), ("gen", false, false)]);

    let aliased = exported_symbols(Lang::TypeScript, "const f = () => 1;\nexport { f as default };\n");
    assert_eq!((aliased[0].name.as_str(), aliased[0].is_default), ("f", true));

    // Overloads name a function once; other languages yield nothing.
    let overloads = "export function p(a: string): string;\nexport function p(a: number): number;\nexport function p(a: any) { return a; }\n";
    assert_eq!(exported_symbols(Lang::TypeScript, overloads).len(), 1);
    assert!(exported_symbols(Lang::Rust, "pub fn f() {}").is_empty());
}

// ---------------------------------------------------------------------------
// Test paths

#[test]
fn test_paths() {
    let source = Path::new("src/foo.ts");
    let p = |s: &str| PathBuf::from(s);
    assert_eq!(test_path_for(source, &[], false), p("src/foo.test.ts"));
    assert_eq!(test_path_for(source, &[], true), p("src/foo.spec.ts"));
    assert_eq!(test_path_for(source, &[p("src/foo.spec.ts")], false), p("src/foo.spec.ts"));
    assert_eq!(test_path_for(source, &[p("src/__tests__/foo.test.ts")], true), p("src/__tests__/foo.test.ts"));
    assert_eq!(test_path_for(source, &[p("src/__tests__/foo.ts")], false), p("src/__tests__/foo.ts"));
    // Beside the source wins over __tests__; .test over .spec.
    let both = [p("src/__tests__/foo.test.ts"), p("src/foo.spec.ts"), p("src/foo.test.ts")];
    assert_eq!(test_path_for(source, &both, true), p("src/foo.test.ts"));
    // The same family of extensions, not another.
    assert_eq!(test_path_for(Path::new("src/App.tsx"), &[p("src/App.test.ts")], false), p("src/App.test.ts"));
    assert_eq!(test_path_for(source, &[p("src/foo.test.js")], false), p("src/foo.test.ts"));
    assert_eq!(test_path_for(Path::new("lib/math.mjs"), &[], false), p("lib/math.test.mjs"));
    assert_eq!(test_path_for(Path::new("a.service.ts"), &[], false), p("a.service.test.ts"));

    let candidates = test_path_candidates(source);
    assert_eq!(candidates[..3], [p("src/foo.test.ts"), p("src/foo.test.tsx"), p("src/foo.test.mts")]);
    assert_eq!(candidates[4], p("src/foo.spec.ts"));
    assert!(candidates.contains(&p("src/__tests__/foo.spec.ts")));
    assert_eq!(candidates.len(), 20);

    assert!(is_test_file(Path::new("src/foo.test.ts")));
    assert!(is_test_file(Path::new("src/foo.spec.tsx")));
    assert!(is_test_file(Path::new("src/__tests__/foo.ts")));
    assert!(!is_test_file(Path::new("src/testing.ts")));
}

// ---------------------------------------------------------------------------
// Created files

const CART_TS: &str = "export function add(a: number, b: number) { return a + b; }
export async function load(): Promise<void> {}
export default class Cart {
  total() { return 0; }
}
";

fn cart(framework: Framework) -> Case<'static> {
    Case { source: "src/cart.ts", source_text: CART_TS, test: "src/cart.test.ts", existing: None, framework, esm: None }
}

const CART_CASES_EXPECT: &str = "describe('add', () => {
  it('works', () => {
    expect(add).toBeDefined();
    throw new Error('Test not written yet: add');
  });
});

describe('load', () => {
  it('works', async () => {
    expect(load).toBeDefined();
    throw new Error('Test not written yet: load');
  });
});

describe('Cart', () => {
  it('total', () => {
    expect(Cart).toBeDefined();
    throw new Error('Test not written yet: Cart.total');
  });
});
";

#[test]
fn creates_a_jest_file() {
    let expected = format!("import Cart, {{ add, load }} from './cart';\n\n{CART_CASES_EXPECT}");
    assert_eq!(cart(Framework::Jest).run(), Edit::Create { text: expected });
}

#[test]
fn creates_a_vitest_file() {
    let expected = format!(
        "import {{ describe, it, expect }} from 'vitest';\nimport Cart, {{ add, load }} from './cart';\n\n{CART_CASES_EXPECT}"
    );
    assert_eq!(cart(Framework::Vitest).run(), Edit::Create { text: expected });
}

#[test]
fn creates_a_node_test_file_with_esm_extensions() {
    let case = Case { test: "src/__tests__/cart.test.ts", esm: Some(".js"), ..cart(Framework::NodeTest) };
    let expected = "import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Cart, { add, load } from '../cart.js';

describe('add', () => {
  it('works', () => {
    assert.ok(add);
    assert.fail('Test not written yet: add');
  });
});

describe('load', () => {
  it('works', async () => {
    assert.ok(load);
    assert.fail('Test not written yet: load');
  });
});

describe('Cart', () => {
  it('total', () => {
    assert.ok(Cart);
    assert.fail('Test not written yet: Cart.total');
  });
});
";
    assert_eq!(case.run(), Edit::Create { text: expected.into() });
}

#[test]
fn anonymous_defaults_and_classes_without_methods() {
    let case = Case {
        source: "src/components/user-card.tsx",
        source_text: "export default class { private x() {} }\nexport class Empty {}\n",
        test: "test/user-card.test.tsx",
        existing: None,
        framework: Framework::Jest,
        esm: None,
    };
    let expected = "import UserCard, { Empty } from '../src/components/user-card';

describe('user-card', () => {
  it('can be constructed', () => {
    expect(UserCard).toBeDefined();
    throw new Error('Test not written yet: user-card');
  });
});

describe('Empty', () => {
  it('can be constructed', () => {
    expect(Empty).toBeDefined();
    throw new Error('Test not written yet: Empty');
  });
});
";
    assert_eq!(case.run(), Edit::Create { text: expected.into() });
}

// ---------------------------------------------------------------------------
// Extended files

const CART_TEST_VITEST: &str = "import { describe, it, expect } from 'vitest';
import { add } from './cart';

describe('add', () => {
  it('adds', () => {
    expect(add(1, 2)).toBe(3);
  });
});
";

#[test]
fn extends_with_the_missing_symbols_only() {
    let case = Case { existing: Some(CART_TEST_VITEST), ..cart(Framework::Vitest) };
    let edit = case.run();
    assert_eq!(
        edit,
        Edit::Extend {
            at: Position::new(8, 0),
            text: "\n".to_owned() + &CART_CASES_EXPECT[CART_CASES_EXPECT.find("describe('load'").unwrap()..],
            import_at: Position::new(2, 0),
            import_text: Some("import Cart, { load } from './cart';\n".into()),
        }
    );
    let after = apply(CART_TEST_VITEST, &edit);
    assert!(after.starts_with("import { describe, it, expect } from 'vitest';\nimport { add } from './cart';\nimport Cart, { load } from './cart';\n\ndescribe('add'"));
    assert!(after.ends_with("throw new Error('Test not written yet: Cart.total');\n  });\n});\n"));
    // Applying it again changes nothing.
    assert_eq!(Case { existing: Some(&after), ..cart(Framework::Vitest) }.run(), Edit::UpToDate);
}

#[test]
fn extends_an_existing_import_inside_its_braces() {
    let case = Case { existing: Some(CART_TEST_VITEST), ..cart(Framework::Vitest) };
    let load: Vec<Exported> = case.symbols().into_iter().filter(|s| s.name == "load").collect();
    let edit = case.run_for(&load);
    let Edit::Extend { import_at, import_text, .. } = &edit else { panic!("{edit:?}") };
    assert_eq!((*import_at, import_text.as_deref()), (Position::new(1, 12), Some(", load")));
    let after = apply(CART_TEST_VITEST, &edit);
    assert_eq!(
        after,
        CART_TEST_VITEST.replace("{ add }", "{ add, load }")
            + "
describe('load', () => {
  it('works', async () => {
    expect(load).toBeDefined();
    throw new Error('Test not written yet: load');
  });
});
"
    );
}

#[test]
fn extends_a_file_without_imports_and_reuses_existing_bindings() {
    // Jest globals, a title that starts with the name, no final newline.
    let existing = "test('add works', () => {\n  expect(1).toBe(1);\n});";
    let case = Case { existing: Some(existing), ..cart(Framework::Jest) };
    let after = apply(existing, &case.run());
    assert_eq!(
        after,
        "import Cart, { load } from './cart';\n".to_owned()
            + existing
            + "\n\n"
            + &CART_CASES_EXPECT[CART_CASES_EXPECT.find("describe('load'").unwrap()..]
    );

    // node:test: `assert` and the source are already imported (under other
    // names, and with an extension); only `describe`/`it` and the cases are new.
    let existing = "import test from 'node:test';\nimport assert from 'node:assert';\nimport * as cart from './cart.js';\n\ntest('addition', () => {});\n";
    let case = Case { existing: Some(existing), ..cart(Framework::NodeTest) };
    let edit = case.run();
    let Edit::Extend { import_at, import_text, text, .. } = &edit else { panic!("{edit:?}") };
    assert_eq!(*import_at, Position::new(3, 0));
    assert_eq!(import_text.as_deref(), Some("import { describe, it } from 'node:test';\n"));
    assert!(text.starts_with("\ndescribe('add', () => {\n  it('works', () => {\n    assert.ok(cart.add);\n"), "{text}");
    assert!(text.contains("    assert.ok(cart.default);\n    assert.fail('Test not written yet: Cart.total');\n"));
}

#[test]
fn imports_and_cases_at_the_same_end_become_one_insertion() {
    let existing = "import { add } from './cart';";
    let case = Case { existing: Some(existing), ..cart(Framework::Jest) };
    let load: Vec<Exported> = case.symbols().into_iter().filter(|s| s.name != "add").collect();
    let Edit::Extend { at, text, import_text, .. } = case.run_for(&load) else { panic!() };
    assert_eq!(at, Position::new(0, 29));
    assert_eq!(import_text, None);
    assert!(text.starts_with("\nimport Cart, { load } from './cart';\n\ndescribe('load'"), "{text}");

    let empty = Case { existing: Some(""), ..cart(Framework::Jest) }.run();
    let created = cart(Framework::Jest).run();
    assert_eq!(apply("", &empty), apply("", &created));
}

#[test]
fn up_to_date_when_every_symbol_has_a_case() {
    let existing = "import Cart, { add, load } from './cart';\n\ndescribe(\"add\", () => {});\ndescribe(`load`, () => {});\nit('Cart.total sums', () => {});\n";
    assert_eq!(Case { existing: Some(existing), ..cart(Framework::Jest) }.run(), Edit::UpToDate);
    // `adder` does not cover `add`.
    let existing = "describe('adder', () => {});\ndescribe('load', () => {});\ndescribe('Cart', () => {});\n";
    assert!(matches!(Case { existing: Some(existing), ..cart(Framework::Jest) }.run(), Edit::Extend { .. }));
    // Nothing requested.
    assert_eq!(cart(Framework::Jest).run_for(&[]), Edit::UpToDate);
}

// ---------------------------------------------------------------------------
// Robustness

#[test]
fn never_panics_on_garbage() {
    let pieces = [
        "export ",
        "default ",
        "class ",
        "function ",
        "async ",
        "{",
        "}",
        "(",
        ")",
        "=>",
        "const ",
        "= ",
        "import ",
        "from ",
        "'./x'",
        "\"",
        "`",
        "describe(",
        "it('",
        "\\",
        "#",
        "private ",
        "𝄞",
        "é",
        "\n",
        ";",
        ",",
        " as ",
        "*",
        "type ",
        "<div>",
        "/*",
        "//",
    ];
    let mut seed: u64 = 0x5eed;
    for round in 0..300 {
        let mut text = String::new();
        for _ in 0..(round % 60) {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        for lang in [Lang::TypeScript, Lang::Tsx, Lang::JavaScript] {
            let symbols = exported_symbols(lang, &text);
            for framework in [Framework::Jest, Framework::Vitest, Framework::NodeTest] {
                let edit = skeleton(&Request {
                    source_path: Path::new(""),
                    test_path: Path::new("x.test.ts"),
                    symbols: &symbols,
                    existing_test: Some(&text),
                    framework,
                    esm_extension: None,
                });
                let _ = apply(&text, &edit);
            }
        }
        let _ = detect_framework(&text);
    }
    let deep = "(".repeat(50_000) + &"export class A {}".repeat(100);
    let _ = exported_symbols(Lang::TypeScript, &deep);
    let _ = test_path_candidates(Path::new(""));
    let _ = test_path_for(Path::new("/"), &[], false);
}

// ---------------------------------------------------------------------------
// A real runner

const MATH_MJS: &str = "export function add(a, b) {
  return a + b;
}

export async function later() {
  return 1;
}

export default class {
  greet() {
    return 'hi';
  }
}
";

/// Runs `node --test` on one file in `dir`; returns (succeeded, output).
fn node_test(dir: &Path, file: &str) -> (bool, String) {
    let output = Command::new("node")
        .arg("--test")
        .arg(file)
        .current_dir(dir)
        .output()
        .expect("`node` must be on PATH for this test (Node 20 or later)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn node_runs_the_skeleton_and_it_fails_until_written() {
    let dir = std::env::temp_dir().join(format!(
        "specwright-skeleton-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("math.mjs"), MATH_MJS).unwrap();
    let source = dir.join("math.mjs");
    let test_path = test_path_for(&source, &[], false);
    assert_eq!(test_path, dir.join("math.test.mjs"));
    let symbols = exported_symbols(Lang::JavaScript, MATH_MJS);
    let request = |symbols, existing_test| Request {
        source_path: &source,
        test_path: &test_path,
        symbols,
        existing_test,
        framework: Framework::NodeTest,
        esm_extension: None,
    };

    // Created: every case fails, with the placeholder's message.
    let Edit::Create { text } = skeleton(&request(&symbols, None)) else { panic!() };
    assert!(text.contains("from './math.mjs';"), "{text}");
    std::fs::write(&test_path, &text).unwrap();
    let (ok, output) = node_test(&dir, "math.test.mjs");
    assert!(!ok, "an unwritten skeleton must fail:\n{output}");
    for name in ["add", "later", "math.greet"] {
        assert!(output.contains(&format!("Test not written yet: {name}")), "{name}:\n{output}");
    }
    assert!(output.contains("fail 3") && output.contains("pass 0"), "{output}");

    // Without the placeholder lines the file runs green: imports and
    // bindings are right, and the placeholder is the only failure.
    let written: String = text.lines().filter(|l| !l.contains("assert.fail(")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&test_path, &written).unwrap();
    let (ok, output) = node_test(&dir, "math.test.mjs");
    assert!(ok, "{output}");

    // Extended: a file covering `add` gains cases for the rest, which fail.
    let existing = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './math.mjs';\n\ntest('add sums', () => {\n  assert.equal(add(1, 2), 3);\n});\n";
    let edit = skeleton(&request(&symbols, Some(existing)));
    let extended = apply(existing, &edit);
    std::fs::write(&test_path, &extended).unwrap();
    let (ok, output) = node_test(&dir, "math.test.mjs");
    assert!(!ok, "{output}");
    assert!(output.contains("pass 1") && output.contains("fail 2"), "{extended}\n{output}");
    assert!(!output.contains("Test not written yet: add"), "{output}");

    std::fs::remove_dir_all(&dir).ok();
}
