//! No input makes `parse_file` panic, and what it returns stays within the
//! text: lines and UTF-16 columns that exist, bounded signatures.

use proptest::prelude::*;
use specwright_index::{FileIndex, Lang, parse_file};

const LANGS: [Lang; 6] = [Lang::TypeScript, Lang::Tsx, Lang::JavaScript, Lang::Rust, Lang::Python, Lang::Go];

/// Fragments of every language, so that random text often parses into
/// half-valid declarations rather than one error node.
const TOKENS: &[&str] = &[
    "fn",
    "pub",
    "struct",
    "enum",
    "impl",
    "trait",
    "mod",
    "use",
    "macro_rules!",
    "static",
    "mut",
    "def",
    "class",
    "import",
    "from",
    "async",
    "await",
    "return",
    "lambda",
    "@",
    "self",
    "func",
    "package",
    "type",
    "interface",
    "var",
    "const",
    "let",
    "export",
    "default",
    "function",
    "new",
    "extends",
    "implements",
    "namespace",
    "declare",
    "=>",
    "<",
    ">",
    "/>",
    "</",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ":",
    "::",
    ";",
    ",",
    ".",
    "=",
    "*",
    "&",
    "'",
    "\"",
    "`",
    "#",
    "//",
    "/*",
    "*/",
    "\n",
    "\n    ",
    "\t",
    " ",
    "Foo",
    "bar",
    "X",
    "é",
    "😀",
    "\u{0}",
    "\r\n",
    "\u{feff}",
    "0",
    "1.5",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..120).prop_map(|t| t.join(" "))
}

fn check_bounds(text: &str, file: &FileIndex) {
    let lines: Vec<&str> = text.split('\n').collect();
    for def in &file.defs {
        assert!(!def.name.is_empty());
        assert!(def.column <= def.end_column, "{def:?}");
        assert!(def.signature.chars().count() <= 160, "{def:?}");
        let line = lines.get(def.line as usize).unwrap_or_else(|| panic!("line of {def:?}"));
        assert!(def.end_column as usize <= line.encode_utf16().count(), "{def:?}");
    }
    for r in &file.refs {
        assert!((r.line as usize) < lines.len(), "{r:?}");
        assert!(r.name.chars().count() > 1, "{r:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        for lang in LANGS {
            check_bounds(&text, &parse_file("x", &text, lang));
        }
    }

    #[test]
    fn token_soup_text(text in token_soup()) {
        for lang in LANGS {
            check_bounds(&text, &parse_file("x", &text, lang));
        }
    }
}
