//! Every diagnostic code with its range, and the front matter forms that must
//! parse cleanly (CRLF, BOM, tabs, quoting, comments).

mod common;

use common::{covered, parse_text, strings};
use specwright_steering::{Inclusion, codes};

/// Parses `text` and renders each diagnostic as
/// `line severity code `covered text``.
fn diags(text: &str) -> Vec<String> {
    let f = parse_text(text);
    f.diagnostics
        .iter()
        .map(|d| format!("{} {} {} `{}`", d.range.start.line, d.severity.as_str(), d.code, covered(text, d)))
        .collect()
}

fn check(text: &str, expected: &[&str]) {
    assert_eq!(diags(text), strings(expected), "in:\n{text}");
}

#[test]
fn unknown_inclusion() {
    check("---\ninclusion: never\n---\n", &["1 error steering-unknown-inclusion `never`"]);
    assert_eq!(parse_text("---\ninclusion: never\n---\n").inclusion, Inclusion::Manual, "read as manual");
    check(
        "---\ninclusion: FileMatch\nfileMatchPattern: \"*.ts\"\n---\n",
        &["1 warning steering-unknown-inclusion `FileMatch`"],
    );
    assert_eq!(parse_text("---\ninclusion: file_match\nfileMatchPattern: a\n---\n").inclusion, Inclusion::FileMatch);
    check("---\ninclusion: \"sometimes\"\n---\n", &["1 error steering-unknown-inclusion `sometimes`"]);
    check("---\ninclusion:\n---\n", &["1 warning steering-unknown-inclusion `inclusion`"]);
}

#[test]
fn bad_pattern() {
    check(
        "---\ninclusion: fileMatch\nfileMatchPattern:\n  - \"src/{a\"\n  - ok/**\n---\n",
        &["3 error steering-bad-pattern `src/{a`"],
    );
    check(
        "---\ninclusion: fileMatch\nfileMatchPattern: \"a.ts,,b.ts\"\n---\n",
        &["2 warning steering-bad-pattern `a.ts,,b.ts`"],
    );
    check(
        "---\ninclusion: fileMatch\nfileMatchPattern: '*.ts, /abs/**'\n---\n",
        &["2 warning steering-bad-pattern `/abs/**`"],
    );
    check(
        "---\ninclusion: fileMatch\nfileMatchPattern: [ok, \"src/[z-a]\"]\n---\n",
        &["2 error steering-bad-pattern `src/[z-a]`"],
    );
    let f = parse_text("---\ninclusion: fileMatch\nfileMatchPattern: \"a.ts,,b.ts\"\n---\n");
    assert_eq!(f.patterns, ["a.ts", "b.ts"]);
}

#[test]
fn missing_file_and_outside() {
    check("Body\nsee #[[file:gone.md]] now\n", &["1 error steering-missing-file `gone.md`"]);
    check(
        "#[[file:../x]] #[[file:/etc/hosts]]\n",
        &["0 error steering-file-outside-workspace `../x`", "0 error steering-file-outside-workspace `/etc/hosts`"],
    );
}

#[test]
fn missing_pattern() {
    check("---\ninclusion: fileMatch\n---\n", &["1 error steering-missing-pattern `fileMatch`"]);
    check(
        "---\ninclusion: fileMatch\nfileMatchPattern:\n---\n",
        &["2 error steering-missing-pattern `fileMatchPattern`"],
    );
    check(
        "---\ninclusion: fileMatch\nfileMatchPattern: []\n---\n",
        &["2 error steering-missing-pattern `fileMatchPattern`"],
    );
}

#[test]
fn missing_description() {
    check("---\ninclusion: auto\nname: x\n---\n", &["1 warning steering-missing-description `auto`"]);
    check("---\ninclusion: auto\ndescription: \"\"\n---\n", &["2 warning steering-missing-description `description`"]);
    check("---\ninclusion: auto\ndescription: When testing\n---\n", &[]);
}

#[test]
fn front_matter_problems() {
    // Unterminated: an error on the opening line, and the whole text is body.
    let text = "---\ninclusion: manual\nbody\n";
    check(text, &["0 error steering-front-matter `---`"]);
    let f = parse_text(text);
    assert_eq!((f.inclusion, f.body.as_str()), (Inclusion::Always, text));

    check("---\njust some text\n---\n", &["1 error steering-front-matter `just some text`"]);
    check("---\ntitle: Git\ninclusion: always\n---\n", &["1 hint steering-front-matter `title`"]);
    check("---\nInclusion: always\n---\n", &["1 hint steering-front-matter `Inclusion`"]);
    check("---\ninclusion: manual\ninclusion: always\n---\n", &["2 warning steering-front-matter `inclusion`"]);
    assert_eq!(parse_text("---\ninclusion: manual\ninclusion: always\n---\n").inclusion, Inclusion::Always);
    check("---\ninclusion: [always]\n---\n", &["1 error steering-front-matter `[always]`"]);
    check("---\nname: \"open\n---\n", &["1 error steering-front-matter `\"open`"]);
    check("---\nname: \"a\\qb\"\n---\n", &["1 error steering-front-matter `\\q`"]);
    check("---\nname: \"a\" b\n---\n", &["1 error steering-front-matter `b`"]);
    check("---\n  indented: x\n---\n", &["1 error steering-front-matter `indented: x`"]);
    check("---\n- item\n---\n", &["1 error steering-front-matter `- item`"]);
    check(
        "---\nfileMatchPattern: [a, b\n---\n",
        &["1 error steering-front-matter `[`", "1 hint steering-front-matter `fileMatchPattern`"],
    );
    check(
        "---\ninclusion: always\nfileMatchPattern: \"*.ts\"\n---\n",
        &["2 hint steering-front-matter `fileMatchPattern`"],
    );
    check("---\ndescription: Use when: editing\n---\n", &["1 warning steering-front-matter `Use when: editing`"]);
}

#[test]
fn misspelt_keys_get_the_closest_key() {
    let message = |text: &str| parse_text(text).diagnostics[0].message.clone();
    let msg = message("---\nfileMatchPatern: \"*.ts\"\n---\n");
    assert!(msg.starts_with("unknown key `fileMatchPatern` (did you mean `fileMatchPattern`?)"), "{msg}");
    assert!(message("---\nInclusion: always\n---\n").contains("(did you mean `inclusion`?)"));
    assert!(!message("---\ntitle: Git\n---\n").contains("did you mean"), "no key is close to `title`");
}

#[test]
fn unquoted_yaml_specials_warn_but_work() {
    let text = "---\ninclusion: fileMatch\nfileMatchPattern: **/*.ts\n---\n";
    check(text, &["2 warning steering-front-matter `**/*.ts`"]);
    assert_eq!(parse_text(text).patterns, ["**/*.ts"]);
    let text = "---\ninclusion: fileMatch\nfileMatchPattern: {src/**,lib/**}\n---\n";
    check(text, &["2 warning steering-front-matter `{src/**,lib/**}`"]);
    assert_eq!(parse_text(text).patterns, ["{src/**,lib/**}"]);
}

#[test]
fn every_code_is_exercised_above() {
    // Keeps `codes::ALL` and the tests in this file in step.
    let source = include_str!("diagnostics.rs");
    for code in codes::ALL {
        assert!(source.contains(&format!(" {code} `")), "{code} has no test");
    }
}

#[test]
fn crlf() {
    let text = "---\r\ninclusion: fileMatch\r\nfileMatchPattern: \"src/**\" # c\r\n---\r\nBody\r\n";
    let f = parse_text(text);
    assert_eq!(
        (f.inclusion, f.patterns.clone(), f.body.as_str()),
        (Inclusion::FileMatch, strings(&["src/**"]), "Body\r\n")
    );
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    check("---\r\ninclusion: bogus\r\n---\r\n", &["1 error steering-unknown-inclusion `bogus`"]);
    let d = &parse_text("---\r\ninclusion: bogus\r\n---\r\n").diagnostics[0];
    assert_eq!((d.range.start.character, d.range.end.character), (11, 16));
}

#[test]
fn bom() {
    let f = parse_text("\u{feff}---\ninclusion: manual\n---\nx");
    assert_eq!((f.inclusion, f.body.as_str()), (Inclusion::Manual, "x"));
    assert!(f.diagnostics.is_empty());
    let f = parse_text("\u{feff}# Title\n");
    assert_eq!((f.inclusion, f.body.as_str()), (Inclusion::Always, "# Title\n"));
    // Ranges count the BOM as the text's first UTF-16 unit, as given.
    let d = &parse_text("\u{feff}---\ninclusion: nope\n---\n").diagnostics[0];
    assert_eq!((d.range.start.line, d.range.start.character), (1, 11));
}

#[test]
fn tabs() {
    let text = "---\ninclusion:\tfileMatch\t# tab comment\nfileMatchPattern:\n\t- \"*.rs\"\n\t-\t'*.toml'\n---\t\nbody";
    let f = parse_text(text);
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    assert_eq!(
        (f.inclusion, f.patterns.clone(), f.body.as_str()),
        (Inclusion::FileMatch, strings(&["*.rs", "*.toml"]), "body")
    );
}

#[test]
fn quoting_and_comments() {
    let text = r#"---
# a comment line
inclusion: 'auto'   # trailing comment
name: "api: v2"
description: 'It''s for #tags and "quotes"'
fileMatchPattern:
  # comment between items
  - 'a' # after an item

  - "b\u00e9"
---
Body
"#;
    let f = parse_text(text);
    assert_eq!(f.inclusion, Inclusion::Auto);
    assert_eq!(f.name.as_deref(), Some("api: v2"));
    assert_eq!(f.description.as_deref(), Some("It's for #tags and \"quotes\""));
    assert_eq!(f.patterns, ["a", "bé"]);
    assert_eq!(f.body, "Body\n");
    assert_eq!(diags(text), ["5 hint steering-front-matter `fileMatchPattern`"]);
}

#[test]
fn block_and_folded_values() {
    let f = parse_text("---\ninclusion: auto\ndescription: >\n  When working\n  on endpoints\nname:\n  api\n---\n");
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    assert_eq!(f.description.as_deref(), Some("When working on endpoints"));
    assert_eq!(f.name.as_deref(), Some("api"));
    let f = parse_text("---\ninclusion: auto\ndescription: When working\n  on endpoints\n---\n");
    assert_eq!(f.description.as_deref(), Some("When working on endpoints"));
    let f = parse_text("---\ninclusion: fileMatch\nfileMatchPattern: [\n  \"a/**\",\n  b/**, # c\n]\n---\n");
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    assert_eq!(f.patterns, ["a/**", "b/**"]);
}

#[test]
fn delimiters_and_empty_documents() {
    for (text, body) in [
        ("", ""),
        ("---\n---\nbody", "body"),
        ("--- \ninclusion: always\n...\nbody", "body"),
        ("---\ninclusion: always\n---", ""),
        ("# No front matter\n---\nlater rule\n", "# No front matter\n---\nlater rule\n"),
    ] {
        let f = parse_text(text);
        assert_eq!((f.inclusion, f.body.as_str()), (Inclusion::Always, body), "{text:?}");
        assert!(f.diagnostics.is_empty(), "{text:?}: {:?}", f.diagnostics);
    }
}

#[test]
fn never_panics_on_prefixes_and_odd_bytes() {
    let samples = [
        "\u{feff}---\r\ninclusion: \"fi\\u00\"\r\nfileMatchPattern: [a, 'b'', {c,\r\n  - x\r\ndescription: |+\r\n\t y\r\n---\r\n#[[file:",
        "---\nk: >-2x\n  a\n\n  b\nl: [\"\\U0001F600\", '😀', 𝄞]\n: \n'q: v\n\"unterminated: key\n---\n`#[[file:a]]`#[[file:b]]``",
        "---\nname: \"\\x\"\nname: \"\\xZZ\"\ndescription: \"\\u12\"\n- \n-\n---",
    ];
    for s in samples {
        let mut cut = 0;
        while cut <= s.len() {
            if s.is_char_boundary(cut) {
                let f = parse_text(&s[..cut]);
                for d in &f.diagnostics {
                    assert!(d.range.start <= d.range.end, "{d:?}");
                }
            }
            cut += 1;
        }
    }
}
