//! Did a run weaken a test that existed before it? The gate compares each
//! test file's text before the run with its text after, and refuses the
//! task on any test removed, newly skipped, or left with fewer real
//! assertions; on a test file deleted or emptied; on a focus (`it.only`)
//! that silences the file's other tests; on a new Go build constraint.
//!
//! The scan is line- and token-based, not a parser: comments and the
//! contents of string literals are blanked first (so a commented-out
//! assertion no longer counts), then each language's test starts are found
//! and each test's body is measured — brace languages to the brace (or
//! paren) that closes it, Python by indentation, and never past the next
//! test's start. Tests are keyed by name (JS/TS by title, Python methods by
//! `Class.method`): a renamed test is a removed one, which errs on the side
//! of refusing. Trivial assertions (`assert True`, `assert!(true)`,
//! `assert_eq!(1, 1)`, `expect(true).toBe(true)`, `assert.ok(true)`) do not
//! count. Every pass is linear in the file's size.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::Range;

/// Whether a workspace-relative path (`/` or `\` separated) is a test file:
/// a source file under a `tests/`, `test/` or `__tests__/` folder,
/// `*_test.go`, `test_*.py`, `*_test.py`, `tests.py`,
/// `*.test.{ts,tsx,js,mjs,cjs,jsx,mts,cts}`, `*.spec.*`, or a `.rs` file
/// whose `text` holds `#[test]`, `#[…::test]` or `#[cfg(test)]`.
pub fn is_test_file(rel_path: &str, text: Option<&str>) -> bool {
    let path = rel_path.replace('\\', "/");
    let (dirs, name) = path.rsplit_once('/').unwrap_or(("", &path));
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let ext = ext.to_ascii_lowercase();
    let in_test_folder = dirs.split('/').any(|d| matches!(d, "tests" | "test" | "__tests__"));
    let js = ["ts", "tsx", "js", "mjs", "cjs", "jsx", "mts", "cts"].contains(&ext.as_str());
    (in_test_folder && language(&path).is_some())
        || name.ends_with("_test.go")
        || (ext == "py" && (stem.starts_with("test_") || stem.ends_with("_test") || stem == "tests"))
        || (js && stem.ends_with(".test"))
        || stem.rsplit_once(".spec").is_some_and(|(base, rest)| !base.is_empty() && rest.is_empty() && !ext.is_empty())
        || (ext == "rs"
            && text.is_some_and(|t| t.contains("#[test]") || t.contains("::test]") || t.contains("#[cfg(test)]")))
}

/// One way a run weakened a test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakening {
    /// The workspace-relative path, as given to [`compare`].
    pub file: String,
    /// The test, when the weakening is one test's; `None` for the file's.
    pub test: Option<String>,
    /// What happened. With a test it reads after `test '<name>'`
    /// (`removed`, `now skipped (#[ignore])`, `now has 0 assertions (had
    /// 3)`); without one it is a sentence (`test file deleted`).
    pub what: String,
}

impl fmt::Display for Weakening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.test {
            Some(test) => write!(f, "{}: test '{test}' {}", self.file, self.what),
            None => write!(f, "{}: {}", self.file, self.what),
        }
    }
}

/// How the run weakened the test file at `rel_path`: `before` is its text
/// before the run, `after` its text now (`None`: deleted). Empty when
/// nothing was weakened; new tests and new assertions are fine. A deleted
/// file counts when it was a test file ([`is_test_file`]) or held tests.
pub fn compare(rel_path: &str, before: &str, after: Option<&str>) -> Vec<Weakening> {
    let lang = language(rel_path);
    let file_level = |what: String| vec![Weakening { file: rel_path.to_string(), test: None, what }];
    let Some(after) = after else {
        let held_tests = lang.is_some_and(|l| !scan(before, l).tests.is_empty());
        return if is_test_file(rel_path, Some(before)) || held_tests {
            file_level("test file deleted".into())
        } else {
            Vec::new()
        };
    };
    let Some(lang) = lang else {
        let emptied = !before.trim().is_empty() && after.trim().is_empty();
        return if emptied { file_level("test file emptied".into()) } else { Vec::new() };
    };
    let (was, now) = (scan(before, lang), scan(after, lang));
    if !was.empty && now.empty {
        return file_level("test file emptied (nothing but comments and blank lines left)".into());
    }
    let mut found = Vec::new();
    let mut report = |test: Option<&str>, what: String| {
        found.push(Weakening { file: rel_path.to_string(), test: test.map(str::to_string), what });
    };
    for (name, b) in &was.tests {
        let Some(a) = now.tests.get(name).filter(|a| a.copies >= b.copies) else {
            report(Some(name), "removed".into());
            continue;
        };
        if a.skipped > b.skipped {
            report(Some(name), format!("now skipped ({})", a.skip.as_deref().unwrap_or("skip marker")));
        }
        if a.assertions < b.assertions {
            let counts = format!("now has {} (had {})", assertion_count(a.assertions), b.assertions);
            let what = match &a.trivial_example {
                Some(example) if a.trivial > b.trivial => format!("{counts}: `{example}` took their place"),
                _ => counts,
            };
            report(Some(name), what);
        }
    }
    if now.focused.len() > was.focused.len() {
        let added = now.focused.iter().find(|f| !was.focused.contains(f)).or(now.focused.last());
        let marker = added.map_or("only", String::as_str);
        report(None, format!("`{marker}` added: the file's other tests no longer run"));
    }
    if let Some(constraint) = &now.build_constraint
        && was.build_constraint.as_ref() != Some(constraint)
    {
        let change = if was.build_constraint.is_some() { "now" } else { "added" };
        report(None, format!("build constraint {change} `{constraint}`: the file's tests may no longer be built"));
    }
    found
}

/// `1 assertion`, `3 assertions`.
fn assertion_count(n: u32) -> String {
    if n == 1 { "1 assertion".into() } else { format!("{n} assertions") }
}

/// The languages whose tests are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Rust,
    Python,
    Go,
    Js,
}

/// The language of a path, by its extension.
fn language(rel_path: &str) -> Option<Lang> {
    let ext = rel_path.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "rs" => Some(Lang::Rust),
        "py" => Some(Lang::Python),
        "go" => Some(Lang::Go),
        "js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs" | "mts" | "cts" => Some(Lang::Js),
        _ => None,
    }
}

/// What a file's scan found.
#[derive(Debug, Default)]
struct Scan {
    /// Nothing but comments and whitespace.
    empty: bool,
    tests: BTreeMap<String, Tally>,
    /// Focus markers (`it.only`, `fdescribe`…), each occurrence.
    focused: Vec<String>,
    /// Go's `//go:build` line.
    build_constraint: Option<String>,
}

/// The tests of one name in a file (JS titles may repeat).
#[derive(Debug, Default)]
struct Tally {
    copies: u32,
    skipped: u32,
    /// The first skip marker seen.
    skip: Option<String>,
    /// Non-trivial assertions.
    assertions: u32,
    trivial: u32,
    trivial_example: Option<String>,
}

/// A test found in a file: its name, the byte range of its body, and what
/// skips it, if anything.
#[derive(Debug)]
struct Test {
    name: String,
    body: Range<usize>,
    skip: Option<String>,
}

/// Scans a file's text for its tests and their assertions.
fn scan(text: &str, lang: Lang) -> Scan {
    let src = Source::new(text, lang);
    let (tests, focused) = match lang {
        Lang::Rust => (rust_tests(&src), Vec::new()),
        Lang::Python => (python_tests(&src), Vec::new()),
        Lang::Go => (go_tests(&src), Vec::new()),
        Lang::Js => js_tests(&src),
    };
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for test in tests {
        let tally = tallies.entry(test.name).or_default();
        tally.copies += 1;
        if let Some(marker) = test.skip {
            tally.skipped += 1;
            tally.skip.get_or_insert(marker);
        }
        for assertion in assertions(&src, lang, test.body) {
            if assertion.is_trivial() {
                tally.trivial += 1;
                tally.trivial_example.get_or_insert(assertion.text);
            } else {
                tally.assertions += 1;
            }
        }
    }
    Scan {
        empty: src.code.trim().is_empty(),
        tests: tallies,
        focused,
        build_constraint: if lang == Lang::Go { go_build_constraint(text) } else { None },
    }
}

// ---------------------------------------------------------------------------
// The source, with comments and string contents blanked.

/// A file's text and its "code": the same bytes with comments and the
/// contents of string literals replaced by spaces (newlines and quotes
/// kept), so byte offsets agree between the two.
struct Source<'a> {
    text: &'a str,
    code: String,
    /// Literals that span lines.
    long_literals: Vec<Range<usize>>,
    /// Each opening bracket's matching closer.
    pairs: HashMap<usize, usize>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str, lang: Lang) -> Source<'a> {
        let (code, long_literals) = blank(text, lang);
        let pairs = bracket_pairs(code.as_bytes());
        Source { text, code, long_literals, pairs }
    }

    fn bytes(&self) -> &[u8] {
        self.code.as_bytes()
    }

    /// The original text of `range`, whitespace collapsed, at most 80
    /// characters (for messages and operand comparison).
    fn original(&self, range: Range<usize>) -> String {
        let floor = |mut i: usize| {
            i = i.min(self.text.len());
            while !self.text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let collapsed = collapse(self.text.get(floor(range.start)..floor(range.end)).unwrap_or(""));
        match collapsed.char_indices().nth(80) {
            Some((cut, _)) => format!("{}…", &collapsed[..cut]),
            None => collapsed,
        }
    }

    /// The code between `range`, empty when it is no valid slice.
    fn code(&self, range: Range<usize>) -> &str {
        self.code.get(range).unwrap_or("")
    }

    /// The index just past the bracket matching the one at `open`.
    fn close(&self, open: usize) -> Option<usize> {
        self.pairs.get(&open).map(|c| c + 1)
    }
}

/// `text` with comments and string contents blanked, and the literals that
/// span lines.
fn blank(text: &str, lang: Lang) -> (String, Vec<Range<usize>>) {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut long = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = comment_end(b, i, lang) {
            spaces(&mut out, i..end);
            i = end;
        } else if let Some((content, end)) = literal(b, i, lang) {
            if b[content.clone()].contains(&b'\n') {
                long.push(i..end);
            }
            spaces(&mut out, content);
            i = end;
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes start or end a blanked run, so `out` stays UTF-8.
    (String::from_utf8(out).unwrap_or_else(|_| text.to_string()), long)
}

/// Replaces `range` of `out` with spaces, newlines kept.
fn spaces(out: &mut [u8], range: Range<usize>) {
    for byte in &mut out[range] {
        if *byte != b'\n' {
            *byte = b' ';
        }
    }
}

/// The end of the comment starting at `i`, if one does.
fn comment_end(b: &[u8], i: usize, lang: Lang) -> Option<usize> {
    let line_end = |from: usize| b[from..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| from + p);
    match (lang, b[i], b.get(i + 1)) {
        (Lang::Python, b'#', _) => Some(line_end(i)),
        (Lang::Python, ..) => None,
        (_, b'/', Some(b'/')) => Some(line_end(i)),
        (_, b'/', Some(b'*')) => {
            let nested = lang == Lang::Rust;
            let (mut depth, mut j) = (1usize, i + 2);
            while j < b.len() {
                if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        return Some(j);
                    }
                } else if nested && b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            Some(b.len())
        }
        _ => None,
    }
}

/// The literal starting at `i`, if one does: its contents and its end.
fn literal(b: &[u8], i: usize, lang: Lang) -> Option<(Range<usize>, usize)> {
    let c = b[i];
    match lang {
        Lang::Rust if c == b'r' || c == b'b' => rust_raw_string(b, i),
        Lang::Rust if c == b'"' => Some(quoted(b, i + 1, b"\"", true, true)),
        Lang::Rust if c == b'\'' => rust_char(b, i),
        Lang::Python if c == b'"' || c == b'\'' => {
            let triple = [c, c, c];
            Some(if b[i..].starts_with(&triple) {
                quoted(b, i + 3, &triple, true, true)
            } else {
                quoted(b, i + 1, &[c], true, false)
            })
        }
        Lang::Go if c == b'`' => Some(quoted(b, i + 1, b"`", false, true)),
        Lang::Go if c == b'"' || c == b'\'' => Some(quoted(b, i + 1, &[c], true, false)),
        Lang::Js if c == b'`' => Some(quoted(b, i + 1, b"`", true, true)),
        Lang::Js if c == b'"' || c == b'\'' => Some(quoted(b, i + 1, &[c], true, false)),
        _ => None,
    }
}

/// A literal's contents from `start` to its closing `quote`: its contents'
/// range and the index past the quote. A single-line literal left open
/// ends at the line's end.
fn quoted(b: &[u8], start: usize, quote: &[u8], escapes: bool, multiline: bool) -> (Range<usize>, usize) {
    let mut j = start;
    while j < b.len() {
        if escapes && b[j] == b'\\' {
            j += 2;
        } else if b[j] == b'\n' && !multiline {
            return (start..j, j);
        } else if b[j..].starts_with(quote) {
            return (start..j, j + quote.len());
        } else {
            j += 1;
        }
    }
    (start..b.len(), b.len())
}

/// Rust's `r"…"`, `r#"…"#`, `br"…"` and `b"…"` at `i` (not inside an identifier).
fn rust_raw_string(b: &[u8], i: usize) -> Option<(Range<usize>, usize)> {
    if i > 0 && is_ident(b[i - 1]) {
        return None;
    }
    let mut j = i + usize::from(b[i] == b'b');
    if b.get(j) == Some(&b'"') {
        return Some(quoted(b, j + 1, b"\"", true, true));
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    if b.get(j + hashes) != Some(&b'"') {
        return None;
    }
    let mut close = vec![b'"'];
    close.extend(std::iter::repeat_n(b'#', hashes));
    Some(quoted(b, j + hashes + 1, &close, false, true))
}

/// Rust's char literal at `i` (`'a'`, `'\n'`, `'字'`); `None` for a lifetime.
fn rust_char(b: &[u8], i: usize) -> Option<(Range<usize>, usize)> {
    if b.get(i + 1) == Some(&b'\\') {
        let close = i + 3 + b.get(i + 3..)?.iter().take(10).position(|&c| c == b'\'')?;
        return Some((i + 1..close, close + 1));
    }
    let width = match b.get(i + 1)? {
        c if *c < 0x80 => 1,
        c if *c >= 0xf0 => 4,
        c if *c >= 0xe0 => 3,
        _ => 2,
    };
    (b.get(i + 1 + width) == Some(&b'\'')).then_some((i + 1..i + 1 + width, i + 2 + width))
}

/// Each opening bracket's matching closer, in one pass (a closer matches
/// the innermost open bracket of any kind).
fn bracket_pairs(code: &[u8]) -> HashMap<usize, usize> {
    let mut pairs = HashMap::new();
    let mut open = Vec::new();
    for (i, &c) in code.iter().enumerate() {
        match c {
            b'(' | b'[' | b'{' => open.push(i),
            b')' | b']' | b'}' => {
                if let Some(o) = open.pop() {
                    pairs.insert(o, i);
                }
            }
            _ => {}
        }
    }
    pairs
}

// ---------------------------------------------------------------------------
// Small helpers over code bytes.

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The identifier starting at `i`, if one does.
fn ident_at(b: &[u8], i: usize) -> Option<Range<usize>> {
    let first = *b.get(i)?;
    if !is_ident(first) || first.is_ascii_digit() {
        return None;
    }
    let len = b[i..].iter().take_while(|&&c| is_ident(c)).count();
    Some(i..i + len)
}

/// The identifiers (maximal runs of identifier bytes) starting in `range`.
fn idents(b: &[u8], range: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    let end = range.end.min(b.len());
    let mut i = range.start;
    std::iter::from_fn(move || {
        while i < end {
            if is_ident(b[i]) && (i == 0 || !is_ident(b[i - 1])) {
                let len = b[i..].iter().take_while(|&&c| is_ident(c)).count();
                let found = i..i + len;
                i += len;
                return Some(found);
            }
            i += 1;
        }
        None
    })
}

/// The byte before `i`, whitespace skipped.
fn byte_before(b: &[u8], i: usize) -> Option<u8> {
    b[..i.min(b.len())].iter().rev().find(|c| !c.is_ascii_whitespace()).copied()
}

/// `code`'s lines with their offsets.
fn lines(code: &str) -> impl Iterator<Item = (usize, &str)> {
    code.split_inclusive('\n').scan(0, |offset, line| {
        let at = *offset;
        *offset += line.len();
        Some((at, line))
    })
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The ranges of `range`'s comma-separated parts at bracket depth 0.
fn split_args(b: &[u8], range: Range<usize>) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, range.start);
    for i in range.clone() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(start..i);
                start = i + 1;
            }
            _ => {}
        }
    }
    if b[start..range.end].iter().any(|c| !c.is_ascii_whitespace()) {
        parts.push(start..range.end);
    }
    parts
}

/// The first call in `body` of one of `needles` (in code), as its original
/// text (a skip marker found in a test's body).
fn first_call(src: &Source, body: Range<usize>, needles: &[&str]) -> Option<String> {
    let code = src.code(body.clone());
    let found = needles.iter().filter_map(|n| code.find(n)).min()? + body.start;
    let b = src.bytes();
    let at = b[..found].iter().rposition(|&c| !is_ident(c) && c != b'.').map_or(0, |p| p + 1);
    let window = &b[at..(found + 200).min(b.len())];
    let line_end = window.iter().position(|&c| c == b'\n').map_or(at + window.len(), |p| at + p);
    let open = b[at..line_end].iter().position(|&c| c == b'(').map(|p| at + p);
    let end = open.and_then(|o| src.close(o)).filter(|&e| e <= line_end).unwrap_or(line_end);
    Some(src.original(at..end))
}

// ---------------------------------------------------------------------------
// Rust.

/// Rust tests: `#[test]`, `#[tokio::test]`, `#[rstest]`… followed by a
/// `fn`. Skipped by `#[ignore]`, a `#[cfg(…)]` on the test or on an
/// enclosing `mod` (other than `cfg(test)`), or a file-wide `#![cfg(…)]`.
fn rust_tests(src: &Source) -> Vec<Test> {
    let b = src.bytes();
    let mut found: Vec<(usize, String, usize, Option<String>)> = Vec::new();
    let mut scopes: Vec<(Range<usize>, String)> = Vec::new();
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == b'#').map(|p| i + p) {
        let (attrs, after) = rust_attributes(src, p);
        if attrs.is_empty() {
            i = p + 1;
            continue;
        }
        let item = rust_item(b, after);
        for attr in &attrs {
            let code = collapse(src.code(attr.clone()));
            let marker = || src.original(attr.clone());
            if code.starts_with("#![cfg") && code != "#![cfg(test)]" {
                scopes.push((0..b.len(), marker()));
            } else if let Some(("mod", _, header_end)) = item
                && code.starts_with("#[cfg")
                && code != "#[cfg(test)]"
                && let Some(open) = b[header_end..].iter().position(|&c| c == b'{' || c == b';')
                && b[header_end + open] == b'{'
            {
                let end = src.close(header_end + open).unwrap_or(b.len());
                scopes.push((p..end, format!("{} on mod", marker())));
            }
        }
        if let Some(("fn", name, header_end)) = item
            && attrs.iter().any(|a| is_rust_test_attribute(src.code(a.clone())))
        {
            let skip =
                attrs.iter().find(|a| is_rust_skip_attribute(src.code((*a).clone()))).map(|a| src.original(a.clone()));
            found.push((p, name, header_end, skip));
        }
        i = after.max(p + 1);
    }
    let starts: Vec<usize> = found.iter().map(|f| f.0).collect();
    found
        .into_iter()
        .enumerate()
        .map(|(n, (start, name, header_end, skip))| {
            let limit = starts.get(n + 1).copied().unwrap_or(b.len());
            let body = start..braced_end(src, header_end, limit);
            let skip = skip.or_else(|| scopes.iter().find(|(r, _)| r.contains(&start)).map(|(_, m)| m.clone()));
            Test { name, body, skip }
        })
        .collect()
}

/// The attributes (`#[…]`, `#![…]`) in a row from `p`, and where the
/// item after them starts.
fn rust_attributes(src: &Source, p: usize) -> (Vec<Range<usize>>, usize) {
    let b = src.bytes();
    let mut attrs = Vec::new();
    let mut q = p;
    loop {
        let open = match (b.get(q), b.get(q + 1), b.get(q + 2)) {
            (Some(b'#'), Some(b'['), _) => q + 1,
            (Some(b'#'), Some(b'!'), Some(b'[')) => q + 2,
            _ => break,
        };
        let Some(end) = src.close(open) else { break };
        attrs.push(q..end);
        q = skip_ws(b, end);
    }
    (attrs, q)
}

/// The item at `i` when it is a `fn` or a `mod`: its kind, name, and where
/// its name ends. Qualifiers (`pub(crate)`, `async`, `unsafe`, `const`,
/// `extern "C"`) are skipped.
fn rust_item(b: &[u8], mut i: usize) -> Option<(&'static str, String, usize)> {
    for _ in 0..6 {
        i = skip_ws(b, i);
        let word = ident_at(b, i)?;
        let text = std::str::from_utf8(&b[word.clone()]).ok()?;
        i = skip_ws(b, word.end);
        match text {
            "fn" | "mod" => {
                // `fn $name` in a macro: the macro's tests share the name `$name`.
                let dollar = usize::from(b.get(i) == Some(&b'$'));
                let name = ident_at(b, i + dollar)?;
                let kind = if text == "fn" { "fn" } else { "mod" };
                return Some((kind, String::from_utf8_lossy(&b[i..name.end]).into_owned(), name.end));
            }
            "pub" if b.get(i) == Some(&b'(') => i = b[i..].iter().position(|&c| c == b')').map(|p| i + p + 1)?,
            "extern" if b.get(i) == Some(&b'"') => i = b[i + 1..].iter().position(|&c| c == b'"').map(|p| i + p + 2)?,
            "pub" | "async" | "unsafe" | "const" | "extern" => {}
            _ => return None,
        }
    }
    None
}

/// `#[test]`, `#[tokio::test(…)]`, `#[rstest]`, `#[test_case(…)]`…
fn is_rust_test_attribute(code: &str) -> bool {
    let path = rust_attribute_path(code);
    path.rsplit("::").next() == Some("test")
        || ["rstest", "test_case", "wasm_bindgen_test", "quickcheck"].contains(&path.as_str())
}

/// `#[ignore]`, `#[ignore = "…"]`, `#[cfg(…)]`, `#[cfg_attr(…, ignore)]`.
fn is_rust_skip_attribute(code: &str) -> bool {
    match rust_attribute_path(code).as_str() {
        "ignore" | "cfg" => true,
        "cfg_attr" => code.contains("ignore"),
        _ => false,
    }
}

/// The path of an attribute: `tokio::test` for `#[tokio::test(flavor…)]`.
fn rust_attribute_path(code: &str) -> String {
    let inner = code.trim_start_matches(['#', '!', '[']);
    let end = inner.find(['(', '=', ']']).unwrap_or(inner.len());
    inner[..end].chars().filter(|c| !c.is_whitespace()).collect()
}

/// The end of a braced body whose header ends at `from`: past the `}`
/// matching the first `{`, but never past `limit`.
fn braced_end(src: &Source, from: usize, limit: usize) -> usize {
    let b = src.bytes();
    let limit = limit.min(b.len());
    let Some(open) = b[from.min(limit)..limit].iter().position(|&c| c == b'{').map(|p| from + p) else {
        return limit;
    };
    src.close(open).map_or(limit, |end| end.min(limit))
}

// ---------------------------------------------------------------------------
// Python.

/// Python's logical line: where it starts, its indentation, and where the
/// code after the indentation starts and the line ends.
struct LogicalLine {
    start: usize,
    indent: usize,
    code: Range<usize>,
}

/// The non-blank logical lines of Python code: a line continues while
/// brackets are open, after a trailing backslash, or inside a multi-line
/// string.
fn logical_lines(src: &Source) -> Vec<LogicalLine> {
    let mut out: Vec<LogicalLine> = Vec::new();
    let (mut depth, mut continues) = (0i64, false);
    let mut long = src.long_literals.iter().peekable();
    for (offset, line) in lines(&src.code) {
        while long.next_if(|l| l.end <= offset).is_some() {}
        let in_literal = long.peek().is_some_and(|l| l.start < offset);
        let end = offset + line.len();
        if continues || in_literal {
            if let Some(last) = out.last_mut() {
                last.code.end = end;
            }
        } else if !line.trim().is_empty() {
            let indent = line.len() - line.trim_start().len();
            out.push(LogicalLine { start: offset, indent, code: offset + indent..end });
        } else {
            continue;
        }
        for c in line.bytes() {
            match c {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = (depth - 1).max(0),
                _ => {}
            }
        }
        continues = depth > 0 || line.trim_end().ends_with('\\');
    }
    out
}

/// A Python block the scan is inside.
enum Block {
    Class { indent: usize, name: String, is_test: bool, skip: Option<String> },
    Def { indent: usize, test: Option<usize> },
}

impl Block {
    fn indent(&self) -> usize {
        match self {
            Block::Class { indent, .. } | Block::Def { indent, .. } => *indent,
        }
    }
}

/// Python tests: module-level `def test*` / `async def test*`, and `test*`
/// methods of classes whose name or bases hold `Test` (`TestCalc`,
/// `CalcTestCase(unittest.TestCase)`), outside functions. Skipped
/// by a decorator (`@pytest.mark.skip`, `skipif`, `xfail`,
/// `@unittest.skip…`, `expectedFailure`) on the test or its class, a
/// module-level `pytestmark` or `pytest.skip(…)`, or a skip call in the
/// body (`pytest.skip(`, `self.skipTest(`, `pytest.xfail(`).
fn python_tests(src: &Source) -> Vec<Test> {
    let mut tests: Vec<Test> = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut decorators: Vec<Range<usize>> = Vec::new();
    let mut module_skip: Option<String> = None;
    for line in logical_lines(src) {
        while blocks.last().is_some_and(|b| b.indent() >= line.indent) {
            if let Some(Block::Def { test: Some(n), .. }) = blocks.pop() {
                tests[n].body.end = line.start;
            }
        }
        let code = src.code(line.code.clone());
        if code.starts_with('@') {
            decorators.push(line.code);
            continue;
        }
        let decorated_skip = decorators
            .iter()
            .find(|d| ["skip", "xfail", "expectedFailure"].iter().any(|w| src.code((*d).clone()).contains(w)))
            .map(|d| src.original(d.clone()));
        decorators.clear();
        if let Some(rest) = code.strip_prefix("class ") {
            let name: String = rest.chars().take_while(|&c| c == '_' || c.is_alphanumeric()).collect();
            let in_function = blocks.iter().any(|b| matches!(b, Block::Def { .. }));
            let is_test = !in_function && rest.contains("Test");
            let inherited = match blocks.last() {
                Some(Block::Class { skip, .. }) => skip.clone(),
                _ => None,
            };
            blocks.push(Block::Class { indent: line.indent, name, is_test, skip: decorated_skip.or(inherited) });
        } else if let Some(rest) = code.strip_prefix("def ").or_else(|| code.strip_prefix("async def ")) {
            let name: String = rest.chars().take_while(|&c| c == '_' || c.is_alphanumeric()).collect();
            let owner = match blocks.last() {
                None => Some((String::new(), None)),
                Some(Block::Class { is_test: true, name, skip, .. }) => Some((format!("{name}."), skip.clone())),
                _ => None,
            };
            let test = match owner {
                Some((prefix, class_skip)) if name.starts_with("test") => {
                    let body = line.start..src.code.len();
                    tests.push(Test { name: format!("{prefix}{name}"), body, skip: decorated_skip.or(class_skip) });
                    Some(tests.len() - 1)
                }
                _ => None,
            };
            blocks.push(Block::Def { indent: line.indent, test });
        } else if blocks.is_empty()
            && ((code.starts_with("pytestmark") && (code.contains("skip") || code.contains("xfail")))
                || code.starts_with("pytest.skip("))
        {
            module_skip = Some(src.original(line.code));
        }
    }
    for test in &mut tests {
        if test.skip.is_none() {
            test.skip = module_skip.clone().or_else(|| {
                first_call(src, test.body.clone(), &["pytest.skip(", ".skipTest(", "pytest.xfail(", "SkipTest("])
            });
        }
    }
    tests
}

// ---------------------------------------------------------------------------
// Go.

/// Go tests: `func TestX(t *testing.T)` and `func FuzzX(f *testing.F)` at
/// the start of a line (not `TestMain`). Skipped by `t.Skip(`, `t.Skipf(`,
/// `t.SkipNow(` in the body.
fn go_tests(src: &Source) -> Vec<Test> {
    let b = src.bytes();
    let mut found: Vec<(usize, String, usize)> = Vec::new();
    for (offset, line) in lines(&src.code) {
        let Some(rest) = line.strip_prefix("func ") else { continue };
        let Some(name) = ident_at(b, offset + 5) else { continue };
        let name_text = &src.code[name.clone()];
        let is_test_name = ["Test", "Fuzz"]
            .iter()
            .any(|p| name_text.strip_prefix(p).is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_lowercase())));
        if is_test_name && name_text != "TestMain" && (rest.contains("*testing.T") || rest.contains("*testing.F")) {
            found.push((offset, name_text.to_string(), name.end));
        }
    }
    let starts: Vec<usize> = found.iter().map(|f| f.0).collect();
    found
        .into_iter()
        .enumerate()
        .map(|(n, (start, name, header_end))| {
            let limit = starts.get(n + 1).copied().unwrap_or(b.len());
            let body = start..braced_end(src, header_end, limit);
            let skip = first_call(src, body.clone(), &[".Skip(", ".Skipf(", ".SkipNow("]);
            Test { name, body, skip }
        })
        .collect()
}

/// The `//go:build` (or `// +build`) line before `package`.
fn go_build_constraint(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("package "))
        .find(|l| l.starts_with("//go:build") || l.starts_with("// +build"))
        .map(str::to_string)
}

// ---------------------------------------------------------------------------
// JavaScript and TypeScript.

const JS_TESTS: [&str; 7] = ["it", "test", "specify", "xit", "xtest", "xspecify", "fit"];
const JS_SUITES: [&str; 6] = ["describe", "context", "suite", "xdescribe", "xcontext", "fdescribe"];
/// Modifiers that take their own argument list before the test's:
/// `it.each(table)('title', fn)`, `it.skipIf(cond)('title', fn)`.
const JS_TABLES: [&str; 4] = ["each", "skipIf", "runIf", "for"];
const JS_SKIPS: [&str; 8] = ["skip", "todo", "skipIf", "runIf", "fails", "failing", "fixme", "fail"];
/// The modifiers a test or suite call may have; any other (`test.step`,
/// `test.beforeEach`, `test.describe.configure`) makes it no test.
const JS_MODIFIERS: [&str; 17] = [
    "only",
    "skip",
    "todo",
    "skipIf",
    "runIf",
    "fails",
    "failing",
    "fixme",
    "fail",
    "each",
    "for",
    "concurrent",
    "sequential",
    "shuffle",
    "describe",
    "parallel",
    "serial",
];

/// A call to a test or suite function.
struct JsCall {
    start: usize,
    open: usize,
    suite: bool,
    title: String,
    skip: Option<String>,
    focus: Option<String>,
}

/// JS/TS tests: `it(`, `test(`, `specify(` and their modifiers
/// (`it.only`, `test.each(…)(`, `test.concurrent`…), keyed by title;
/// `describe` nesting is ignored; hooks and steps (`test.beforeEach`,
/// `test.step`) are no tests. Skipped by `it.skip`, `test.skip`, `xit(`,
/// `xtest(`, `it.todo`, `skipIf`/`runIf`, `fails`, Playwright's `fixme` and
/// `fail`, an options object with `skip`/`todo`, a skipped suite around it
/// (`describe.skip`, `xdescribe`), or `this.skip()`/`t.skip()`/
/// `test.skip(condition)` in the body. Also returns the
/// file's focus markers (`it.only`, `fdescribe`, `{ only: true }`).
fn js_tests(src: &Source) -> (Vec<Test>, Vec<String>) {
    let b = src.bytes();
    let calls: Vec<JsCall> = idents(b, 0..b.len()).filter_map(|word| js_call(src, word)).collect();
    let focused = calls.iter().filter_map(|c| c.focus.clone()).collect();
    let skipped_suites: Vec<(Range<usize>, String)> = calls
        .iter()
        .filter(|c| c.suite)
        .filter_map(|c| Some((c.start..src.close(c.open).unwrap_or(b.len()), c.skip.clone()?)))
        .collect();
    let tests: Vec<&JsCall> = calls.iter().filter(|c| !c.suite).collect();
    let mut out = Vec::new();
    for (n, call) in tests.iter().enumerate() {
        let limit = tests.get(n + 1).map_or(b.len(), |next| next.start);
        let end = src.close(call.open).map_or(limit, |e| e.min(limit));
        let body = call.start..end;
        let skip = call
            .skip
            .clone()
            .or_else(|| skipped_suites.iter().find(|(r, _)| r.contains(&call.start)).map(|(_, m)| m.clone()))
            .or_else(|| first_call(src, call.open..end, &[".skip(", ".todo(", ".fixme(", "test.fail("]));
        out.push(Test { name: call.title.clone(), body, skip });
    }
    (out, focused)
}

/// The test or suite call whose function name is `word`, if it is one.
fn js_call(src: &Source, word: Range<usize>) -> Option<JsCall> {
    let b = src.bytes();
    let name = &src.code[word.clone()];
    let is_test = JS_TESTS.contains(&name);
    if (!is_test && !JS_SUITES.contains(&name)) || byte_before(b, word.start) == Some(b'.') {
        return None;
    }
    let (modifiers, open) = js_modifiers(src, word.end)?;
    if !modifiers.iter().all(|m| JS_MODIFIERS.contains(&m.as_str())) {
        return None;
    }
    let has = |m: &str| modifiers.iter().any(|x| x == m);
    let suite = !is_test || has("describe");
    let first = skip_ws(b, open + 1);
    let (title, literal_title) = js_title(src, open)?;
    if !literal_title && !has("todo") && !has_callback(src, open) {
        return None; // `test.skip(condition)` inside a test, or not a test at all
    }
    let options = js_options(src, first);
    let chain = src.original(word.start..open);
    let skip = if name.starts_with('x') || JS_SKIPS.iter().any(|m| has(m)) {
        Some(chain.clone())
    } else {
        options
            .as_ref()
            .filter(|o| object_flag(o.0.as_str(), "skip") || object_flag(o.0.as_str(), "todo"))
            .map(|o| o.1.clone())
    };
    let focus = if name.starts_with('f') || has("only") {
        Some(chain)
    } else {
        options.filter(|o| object_flag(o.0.as_str(), "only")).map(|o| o.1)
    };
    Some(JsCall { start: word.start, open, suite, title, skip, focus })
}

/// The modifiers after a test function's name (`.skip`, `.each(…)`) and
/// the index of the call's `(`.
fn js_modifiers(src: &Source, mut q: usize) -> Option<(Vec<String>, usize)> {
    let b = src.bytes();
    let mut modifiers: Vec<String> = Vec::new();
    let mut table_pending = false;
    for _ in 0..8 {
        q = skip_ws(b, q);
        match b.get(q)? {
            b'.' => {
                let m = ident_at(b, skip_ws(b, q + 1))?;
                let text = src.code[m.clone()].to_string();
                table_pending = JS_TABLES.contains(&text.as_str());
                modifiers.push(text);
                q = m.end;
            }
            b'(' if table_pending => {
                table_pending = false;
                q = src.close(q)?;
            }
            b'`' if table_pending => {
                table_pending = false;
                q += 1 + b[q + 1..].iter().position(|&c| c == b'`')? + 1;
            }
            b'(' => return Some((modifiers, q)),
            _ => return None,
        }
    }
    None
}

/// The title of the call opened at `open`: a string literal's contents, or
/// the first argument's text; and whether it was a literal.
fn js_title(src: &Source, open: usize) -> Option<(String, bool)> {
    let b = src.bytes();
    let first = skip_ws(b, open + 1);
    let quote = *b.get(first)?;
    if matches!(quote, b'\'' | b'"' | b'`') {
        let close = first + 1 + b[first + 1..].iter().position(|&c| c == quote)?;
        return Some((src.text.get(first + 1..close)?.to_string(), true));
    }
    let end = src.close(open).map_or(b.len(), |e| e - 1);
    let arg = split_args(b, first..end).into_iter().next()?;
    Some((src.original(arg), false))
}

/// Whether the call opened at `open` passes a function (`=>` or
/// `function` among its first 2000 bytes of arguments).
fn has_callback(src: &Source, open: usize) -> bool {
    let end = src.close(open).unwrap_or(src.code.len()).min(open + 2000);
    let args = &src.bytes()[open..end];
    args.windows(2).any(|w| w == b"=>") || args.windows(8).any(|w| w == b"function")
}

/// The options object given as the call's second argument (code, original
/// text), when there is one: `test('x', { skip: true }, () => …)`.
fn js_options(src: &Source, first: usize) -> Option<(String, String)> {
    let b = src.bytes();
    let after_title = match b.get(first)? {
        b'\'' | b'"' | b'`' => first + 1 + b[first + 1..].iter().position(|c| c == &b[first])? + 1,
        _ => return None,
    };
    let comma = skip_ws(b, after_title);
    if b.get(comma) != Some(&b',') {
        return None;
    }
    let open = skip_ws(b, comma + 1);
    if b.get(open) != Some(&b'{') {
        return None;
    }
    let end = src.close(open)?.min(open + 500);
    Some((String::from_utf8_lossy(&b[open..end]).into_owned(), src.original(open..end)))
}

/// Whether an object literal's code sets `key` (`{ skip: true }`,
/// `{ todo: 'later' }`); `{ skip: false }` does not.
fn object_flag(object: &str, key: &str) -> bool {
    object.match_indices(key).any(|(i, _)| {
        let bytes = object.as_bytes();
        let boundary = i == 0 || !is_ident(bytes[i - 1]);
        let value = object[i + key.len()..].trim_start();
        boundary && value.starts_with(':') && !value[1..].trim_start().starts_with("false")
    })
}

// ---------------------------------------------------------------------------
// Assertions.

/// What an assertion checks, as far as telling a trivial one goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Truthy,
    Falsy,
    Equal,
    NotEqual,
    Other,
}

impl Check {
    fn negated(self) -> Check {
        match self {
            Check::Truthy => Check::Falsy,
            Check::Falsy => Check::Truthy,
            Check::Equal => Check::NotEqual,
            Check::NotEqual => Check::Equal,
            Check::Other => Check::Other,
        }
    }
}

/// An assertion in a test's body: what it checks, its operands (original
/// text, whitespace collapsed) and its text.
#[derive(Debug)]
struct Assertion {
    check: Check,
    operands: Vec<String>,
    text: String,
}

impl Assertion {
    /// True whatever the code under test does: `assert!(true)`,
    /// `assert_eq!(1, 1)`, `assert x == x`, `expect(true).toBe(true)`,
    /// `assert.ok(true)`, `assert_ne!(1, 2)`.
    fn is_trivial(&self) -> bool {
        let ops = &self.operands;
        match self.check {
            Check::Truthy => ops.first().is_some_and(|o| truth(o) == Some(true)),
            Check::Falsy => ops.first().is_some_and(|o| truth(o) == Some(false)),
            Check::Equal => ops.len() >= 2 && same_operand(&ops[0], &ops[1]),
            Check::NotEqual => {
                ops.len() >= 2 && truth(&ops[0]).is_some() && truth(&ops[1]).is_some() && ops[0] != ops[1]
            }
            Check::Other => false,
        }
    }
}

/// Operands that are the same text and call nothing (`x` and `x`, `1` and
/// `1`; not `f()` and `f()`).
fn same_operand(a: &str, b: &str) -> bool {
    !a.is_empty() && a == b && !a.contains('(')
}

/// The truth of a literal operand (`true`, `!false`, `not False`, `1`,
/// `"x"`, `None`, `x == x`…); `None` when it is not a literal.
fn truth(operand: &str) -> Option<bool> {
    let op = operand.trim();
    if let Some(inner) = op.strip_prefix('(').and_then(|o| o.strip_suffix(')')) {
        return truth(inner);
    }
    if let Some(rest) = op.strip_prefix('!').or_else(|| op.strip_prefix("not ")) {
        return truth(rest).map(|t| !t);
    }
    for equals in ["===", "==", " is "] {
        if let Some((left, right)) = op.split_once(equals) {
            return same_operand(left.trim(), right.trim()).then_some(true);
        }
    }
    match op {
        "true" | "True" => return Some(true),
        "false" | "False" | "None" | "null" | "undefined" | "nil" => return Some(false),
        _ => {}
    }
    let unprefixed = op.trim_start_matches(['r', 'b', 'u', 'f']);
    if let Some(quote) = unprefixed.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))
        && unprefixed.len() >= 2
        && unprefixed.ends_with(quote)
    {
        return Some(unprefixed.len() > 2);
    }
    if op.starts_with(|c: char| c.is_ascii_digit())
        && op.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        let digits: String = op.chars().take_while(|c| c.is_ascii_digit() || *c == '_' || *c == '.').collect();
        return Some(digits.chars().any(|c| matches!(c, '1'..='9')));
    }
    None
}

/// The assertions in `body`.
fn assertions(src: &Source, lang: Lang, body: Range<usize>) -> Vec<Assertion> {
    match lang {
        Lang::Rust => rust_assertions(src, body),
        Lang::Python => python_assertions(src, body),
        Lang::Go => go_assertions(src, body),
        Lang::Js => js_assertions(src, body),
    }
}

/// An assertion made by the call from `start` whose arguments open at
/// `open`, leaving out its first `skip` operands (testify's `t`).
fn call_assertion(src: &Source, check: Check, start: usize, open: usize, skip: usize) -> Assertion {
    let end = src.close(open).unwrap_or(open + 1);
    Assertion { check, operands: operands(src, open, skip), text: src.original(start..end) }
}

/// The operands of the call whose arguments open at `open` (none when they
/// are too long to be a literal check).
fn operands(src: &Source, open: usize, skip: usize) -> Vec<String> {
    match src.close(open) {
        Some(end) if end - open <= 4096 => {
            split_args(src.bytes(), open + 1..end - 1).into_iter().skip(skip).map(|r| src.original(r)).collect()
        }
        _ => Vec::new(),
    }
}

/// Rust: macros whose name holds `assert` (`assert!`, `assert_eq!`,
/// `assert_ne!`, `debug_assert!`, `assert_matches!`, `prop_assert_eq!`…).
/// `panic!` and `.unwrap()` are not assertions.
fn rust_assertions(src: &Source, body: Range<usize>) -> Vec<Assertion> {
    let b = src.bytes();
    let mut out = Vec::new();
    for word in idents(b, body) {
        let name = &src.code[word.clone()];
        let bang = skip_ws(b, word.end);
        if !name.contains("assert") || b.get(bang) != Some(&b'!') {
            continue;
        }
        let open = skip_ws(b, bang + 1);
        if !matches!(b.get(open), Some(b'(' | b'[' | b'{')) {
            continue;
        }
        let check = if name.ends_with("assert") {
            Check::Truthy
        } else if name.ends_with("_eq") {
            Check::Equal
        } else if name.ends_with("_ne") {
            Check::NotEqual
        } else {
            Check::Other
        };
        out.push(call_assertion(src, check, word.start, open, 0));
    }
    out
}

/// Python: `assert …` statements, calls of `assert*` functions and methods
/// (`self.assertEqual(`, `assert_frame_equal(`, `mock.assert_called_with(`),
/// `pytest.raises(`, `pytest.warns(`.
fn python_assertions(src: &Source, body: Range<usize>) -> Vec<Assertion> {
    let b = src.bytes();
    let mut out = Vec::new();
    for word in idents(b, body.clone()) {
        let name = &src.code[word.clone()];
        let next = b.get(word.end).copied();
        let after_dot = word.start > 0 && b[word.start - 1] == b'.';
        if name == "assert" && !after_dot && next.is_some_and(|c| c.is_ascii_whitespace() || c == b'(') {
            out.push(python_assert_statement(src, word.start, body.end));
        } else if name.starts_with("assert") && name.len() > 6 && next == Some(b'(') && !defined_here(b, word.start) {
            let check = match name {
                "assertTrue" => Check::Truthy,
                "assertFalse" => Check::Falsy,
                n if n.contains("NotEqual") || n.contains("IsNot") => Check::NotEqual,
                n if n.contains("Equal") || n == "assertIs" => Check::Equal,
                _ => Check::Other,
            };
            out.push(call_assertion(src, check, word.start, word.end, 0));
        } else if matches!(name, "raises" | "warns")
            && next == Some(b'(')
            && src.code[..word.start].ends_with("pytest.")
        {
            out.push(call_assertion(src, Check::Other, word.start - 7, word.end, 0));
        }
    }
    out
}

/// Whether the identifier at `start` is the name in a `def` (a helper
/// such as `def assertBadOctet(…)` is no assertion; its calls are).
fn defined_here(b: &[u8], start: usize) -> bool {
    let before = &b[..start];
    let end = before.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(0, |p| p + 1);
    before[..end].ends_with(b"def") && (end == 3 || !is_ident(before[end - 4]))
}

/// The `assert` statement at `start`: its condition (before any message),
/// read as a comparison when it is one.
fn python_assert_statement(src: &Source, start: usize, limit: usize) -> Assertion {
    let b = src.bytes();
    let from = start + "assert".len();
    let limit = limit.min(from + 4096).min(b.len());
    let mut depth = 0i32;
    let mut end = limit;
    for i in from..limit {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'\n' if depth <= 0 && b[..i].last() != Some(&b'\\') => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let condition = split_args(b, from..end).into_iter().next().unwrap_or(from..from);
    let (check, operands) = python_comparison(src, condition);
    Assertion { check, operands, text: src.original(start..end) }
}

/// A condition as `a == b` (Equal), `a != b` / `a is not b` (NotEqual),
/// `a is b` (Equal) or a plain truth test.
fn python_comparison(src: &Source, condition: Range<usize>) -> (Check, Vec<String>) {
    let code = src.code(condition.clone());
    for (op, check) in
        [("==", Check::Equal), ("!=", Check::NotEqual), (" is not ", Check::NotEqual), (" is ", Check::Equal)]
    {
        if let Some(at) = code.find(op) {
            let left = condition.start..condition.start + at;
            let right = condition.start + at + op.len()..condition.end;
            return (check, vec![src.original(left), src.original(right)]);
        }
    }
    (Check::Truthy, vec![src.original(condition)])
}

const GO_FAILS: [&str; 6] = ["Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow"];

/// Go: `t.Error(`, `t.Errorf(`, `t.Fatal(`, `t.Fatalf(`, `t.Fail(`,
/// `t.FailNow(` (for every `*testing.T`/`*testing.F` parameter name in the
/// test, subtests' included), and testify's `assert.X(` / `require.X(`.
fn go_assertions(src: &Source, body: Range<usize>) -> Vec<Assertion> {
    let b = src.bytes();
    let code = src.code(body.clone());
    let testers: HashSet<&str> = ["*testing.T", "*testing.F"]
        .iter()
        .flat_map(|t| code.match_indices(t).map(|(i, _)| body.start + i))
        .filter_map(|at| {
            let end = b[..at].iter().rposition(|c| !c.is_ascii_whitespace())? + 1;
            let start = b[..end].iter().rposition(|&c| !is_ident(c)).map_or(0, |p| p + 1);
            src.code.get(start..end)
        })
        .collect();
    let mut out = Vec::new();
    for word in idents(b, body) {
        let receiver = &src.code[word.clone()];
        if b.get(word.end) != Some(&b'.') || byte_before(b, word.start) == Some(b'.') {
            continue;
        }
        let Some(method) = ident_at(b, word.end + 1) else { continue };
        if b.get(method.end) != Some(&b'(') {
            continue;
        }
        let method_name = &src.code[method.clone()];
        if testers.contains(receiver) && GO_FAILS.contains(&method_name) {
            out.push(call_assertion(src, Check::Other, word.start, method.end, 0));
        } else if receiver == "assert" || receiver == "require" {
            let check = match method_name {
                "True" => Check::Truthy,
                "False" => Check::Falsy,
                "Equal" | "EqualValues" | "Exactly" => Check::Equal,
                "NotEqual" => Check::NotEqual,
                _ => Check::Other,
            };
            out.push(call_assertion(src, check, word.start, method.end, 1));
        }
    }
    out
}

/// JS/TS: `expect(…)` chains (`expect.soft(…)` too), `assert(…)` and
/// `assert.x(…)` (`t.assert…` included).
fn js_assertions(src: &Source, body: Range<usize>) -> Vec<Assertion> {
    let b = src.bytes();
    let mut out = Vec::new();
    for word in idents(b, body) {
        let mut q = skip_ws(b, word.end);
        match &src.code[word.clone()] {
            "expect" => {
                if b.get(q) == Some(&b'.') && ident_at(b, q + 1).is_some_and(|m| &src.code[m.clone()] == "soft") {
                    q = skip_ws(b, q + 5);
                }
                if b.get(q) == Some(&b'(') {
                    out.push(expect_assertion(src, word.start, q));
                }
            }
            "assert" if b.get(q) == Some(&b'(') => out.push(call_assertion(src, Check::Truthy, word.start, q, 0)),
            "assert" if b.get(q) == Some(&b'.') => {
                let Some(method) = ident_at(b, skip_ws(b, q + 1)) else { continue };
                let open = skip_ws(b, method.end);
                if b.get(open) != Some(&b'(') {
                    continue;
                }
                let check = match &src.code[method] {
                    "ok" | "isOk" | "isTrue" => Check::Truthy,
                    "notOk" | "isNotOk" | "isFalse" => Check::Falsy,
                    "equal" | "strictEqual" | "deepEqual" | "deepStrictEqual" => Check::Equal,
                    "notEqual" | "notStrictEqual" | "notDeepEqual" | "notDeepStrictEqual" => Check::NotEqual,
                    _ => Check::Other,
                };
                out.push(call_assertion(src, check, word.start, open, 0));
            }
            _ => {}
        }
    }
    out
}

/// `expect(actual)[.not].matcher(expected)`.
fn expect_assertion(src: &Source, start: usize, open: usize) -> Assertion {
    let b = src.bytes();
    let Some(mut q) = src.close(open) else {
        return Assertion { check: Check::Other, operands: Vec::new(), text: src.original(start..open + 1) };
    };
    let mut negated = false;
    for _ in 0..6 {
        q = skip_ws(b, q);
        let Some(m) = (b.get(q) == Some(&b'.')).then(|| ident_at(b, skip_ws(b, q + 1))).flatten() else { break };
        let name = &src.code[m.clone()];
        let paren = skip_ws(b, m.end);
        if b.get(paren) != Some(&b'(') {
            negated ^= name == "not";
            q = m.end;
            continue;
        }
        let check = match name {
            "toBe" | "toEqual" | "toStrictEqual" => Check::Equal,
            "toBeTruthy" | "toBeTrue" => Check::Truthy,
            "toBeFalsy" | "toBeFalse" => Check::Falsy,
            _ => Check::Other,
        };
        let mut operands = operands(src, open, 0);
        operands.truncate(1);
        operands.extend(self::operands(src, paren, 0).into_iter().take(1));
        let end = src.close(paren).unwrap_or(paren + 1);
        let check = if negated { check.negated() } else { check };
        return Assertion { check, operands, text: src.original(start..end) };
    }
    Assertion { check: Check::Other, operands: Vec::new(), text: src.original(start..q) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The weakenings of `before` → `after` as `(test, what)` pairs.
    fn weakened(path: &str, before: &str, after: Option<&str>) -> Vec<(Option<String>, String)> {
        compare(path, before, after).into_iter().map(|w| (w.test, w.what)).collect()
    }

    fn test_names(path: &str, text: &str) -> Vec<String> {
        scan(text, language(path).expect("language")).tests.into_keys().collect()
    }

    // --- Rust ---------------------------------------------------------------

    const RUST_BEFORE: &str = r##"pub fn add(a: i32, b: i32) -> i32 {
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_two() {
        assert_eq!(add(2, 2), 4);
    }

    /// Negative numbers too.
    #[test]
    fn adds_negatives() {
        let sum = add(-2, -3);
        assert_eq!(sum, -5, "sum was {sum}");
        assert!(sum < 0);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn adds_async() {
        let brace = '{';
        let text = r#"}}} assert!(false) "#;
        assert_ne!(add(1, 1), 3, "{brace}{text}");
    }

    #[test]
    #[should_panic(expected = "overflow")]
    fn overflows() {
        add(i32::MAX, 1);
    }
}
"##;

    #[test]
    fn rust_tests_and_their_assertions_are_found() {
        let scan = scan(RUST_BEFORE, Lang::Rust);
        let counts: Vec<(&str, u32, u32)> =
            scan.tests.iter().map(|(n, t)| (n.as_str(), t.assertions, t.skipped)).collect();
        assert_eq!(counts, [("adds_async", 1, 0), ("adds_negatives", 2, 0), ("adds_two", 1, 0), ("overflows", 0, 0)]);
    }

    #[test]
    fn rust_assert_true_in_place_of_a_real_assertion() {
        let after = RUST_BEFORE.replace("assert_eq!(add(2, 2), 4);", "assert!(true);");
        let found = compare("src/lib.rs", RUST_BEFORE, Some(&after));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].test.as_deref(), Some("adds_two"));
        assert_eq!(found[0].what, "now has 0 assertions (had 1): `assert!(true)` took their place");
        assert_eq!(
            found[0].to_string(),
            "src/lib.rs: test 'adds_two' now has 0 assertions (had 1): `assert!(true)` took their place"
        );
    }

    #[test]
    fn rust_identical_literal_operands_are_trivial() {
        let after = RUST_BEFORE.replace("assert_eq!(add(2, 2), 4);", "assert_eq!(4, 4);");
        assert_eq!(
            weakened("src/lib.rs", RUST_BEFORE, Some(&after)),
            [(Some("adds_two".into()), "now has 0 assertions (had 1): `assert_eq!(4, 4)` took their place".into())]
        );
    }

    #[test]
    fn rust_ignore_added() {
        let after = RUST_BEFORE.replace("    #[test]\n    fn adds_two", "    #[test]\n    #[ignore]\n    fn adds_two");
        assert_eq!(
            weakened("src/lib.rs", RUST_BEFORE, Some(&after)),
            [(Some("adds_two".into()), "now skipped (#[ignore])".into())]
        );
        let reason = RUST_BEFORE.replace("#[tokio::test(", "#[ignore = \"flaky\"]\n    #[tokio::test(");
        assert_eq!(
            weakened("src/lib.rs", RUST_BEFORE, Some(&reason)),
            [(Some("adds_async".into()), "now skipped (#[ignore = \"flaky\"])".into())]
        );
    }

    #[test]
    fn rust_test_removed_commented_out_or_renamed() {
        let removed =
            RUST_BEFORE.replace("#[test]\n    fn adds_two() {\n        assert_eq!(add(2, 2), 4);\n    }\n", "");
        assert_eq!(weakened("src/lib.rs", RUST_BEFORE, Some(&removed)), [(Some("adds_two".into()), "removed".into())]);

        let commented = RUST_BEFORE.replace("        assert!(sum < 0);", "        // assert!(sum < 0);");
        assert_eq!(
            weakened("src/lib.rs", RUST_BEFORE, Some(&commented)),
            [(Some("adds_negatives".into()), "now has 1 assertion (had 2)".into())]
        );

        let renamed = RUST_BEFORE.replace("fn adds_two()", "fn adds_two_numbers()");
        assert_eq!(weakened("src/lib.rs", RUST_BEFORE, Some(&renamed)), [(Some("adds_two".into()), "removed".into())]);
    }

    #[test]
    fn rust_cfg_on_the_tests_module_skips_them() {
        let after = RUST_BEFORE.replace("#[cfg(test)]", "#[cfg(all(test, feature = \"never\"))]");
        let found = weakened("src/lib.rs", RUST_BEFORE, Some(&after));
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(
            found
                .iter()
                .all(|(_, what)| what.starts_with("now skipped (#[cfg(all(test, feature = \"never\"))] on mod"))
        );
        let file_wide = format!("#![cfg(any())]\n{RUST_BEFORE}");
        assert_eq!(weakened("tests/api.rs", RUST_BEFORE, Some(&file_wide)).len(), 4);
    }

    #[test]
    fn rust_harmless_changes_are_not_weakenings() {
        let reformatted = RUST_BEFORE
            .replace("assert_eq!(add(2, 2), 4);", "assert_eq!(\n            add(2, 2),\n            4\n        );")
            .replace("    ", "  ");
        assert_eq!(weakened("src/lib.rs", RUST_BEFORE, Some(&reformatted)), []);

        let more = RUST_BEFORE
            .replace("assert_eq!(add(2, 2), 4);", "assert_eq!(add(2, 2), 4);\n        assert_eq!(add(0, 0), 0);")
            + "\n#[test]\nfn adds_zero() {\n    assert_eq!(add(0, 1), 1);\n}\n";
        assert_eq!(weakened("src/lib.rs", RUST_BEFORE, Some(&more)), []);

        let unwrap_only =
            "#[test]\nfn parses() {\n    let n: i32 = \"4\".parse().unwrap();\n    if n != 4 { panic!(\"bad\") }\n}\n";
        assert_eq!(scan(unwrap_only, Lang::Rust).tests["parses"].assertions, 0, "panic! and unwrap are not assertions");
    }

    // --- Python -------------------------------------------------------------

    const PY_BEFORE: &str = r#"import pytest
from calc import add, div


def test_add():
    assert add(2, 2) == 4
    assert add(-1, 1) == 0


async def test_add_async():
    text = """
assert False
"""
    assert await add_async(1, 2) == 3, "async add"


def test_div_by_zero():
    with pytest.raises(ZeroDivisionError):
        div(1, 0)


class TestCalc:
    def test_div(self):
        # assert div(4, 2) == 3
        assert div(4, 2) == 2

    def helper(self):
        assert True


class CalcCase(unittest.TestCase):
    def test_sub(self):
        self.assertEqual(sub(3, 1), 2)
        self.assertTrue(sub(1, 1) == 0)
"#;

    #[test]
    fn python_tests_and_their_assertions_are_found() {
        let scan = scan(PY_BEFORE, Lang::Python);
        let counts: Vec<(&str, u32)> = scan.tests.iter().map(|(n, t)| (n.as_str(), t.assertions)).collect();
        assert_eq!(
            counts,
            [
                ("CalcCase.test_sub", 2),
                ("TestCalc.test_div", 1),
                ("test_add", 2),
                ("test_add_async", 1),
                ("test_div_by_zero", 1)
            ]
        );
    }

    #[test]
    fn python_function_deleted() {
        let after = PY_BEFORE.replace("def test_add():\n    assert add(2, 2) == 4\n    assert add(-1, 1) == 0\n", "");
        assert_eq!(
            weakened("tests/test_calc.py", PY_BEFORE, Some(&after)),
            [(Some("test_add".into()), "removed".into())]
        );
    }

    #[test]
    fn python_assert_true_replaces_assertions() {
        let after = PY_BEFORE.replace("    assert add(2, 2) == 4\n    assert add(-1, 1) == 0\n", "    assert True\n");
        assert_eq!(
            weakened("tests/test_calc.py", PY_BEFORE, Some(&after)),
            [(Some("test_add".into()), "now has 0 assertions (had 2): `assert True` took their place".into())]
        );
        let same = PY_BEFORE.replace("self.assertEqual(sub(3, 1), 2)", "self.assertEqual(2, 2)");
        assert_eq!(weakened("tests/test_calc.py", PY_BEFORE, Some(&same)).len(), 1);
    }

    #[test]
    fn python_skips_are_weakenings() {
        let marks = [
            "@pytest.mark.skip(reason=\"later\")\n",
            "@pytest.mark.skipif(sys.platform == \"linux\", reason=\"x\")\n",
            "@pytest.mark.xfail\n",
            "@unittest.skip(\"later\")\n",
        ];
        for mark in marks {
            let after = PY_BEFORE.replace("def test_add():", &format!("{mark}def test_add():"));
            let found = weakened("tests/test_calc.py", PY_BEFORE, Some(&after));
            assert_eq!(found.len(), 1, "{mark}: {found:?}");
            assert_eq!(found[0].0.as_deref(), Some("test_add"));
            assert!(found[0].1.starts_with("now skipped (@"), "{found:?}");
        }
        let in_body =
            PY_BEFORE.replace("    assert add(2, 2) == 4\n", "    pytest.skip(\"flaky\")\n    assert add(2, 2) == 4\n");
        assert_eq!(
            weakened("tests/test_calc.py", PY_BEFORE, Some(&in_body)),
            [(Some("test_add".into()), "now skipped (pytest.skip(\"flaky\"))".into())]
        );
        let class = PY_BEFORE.replace("class TestCalc:", "@pytest.mark.skip\nclass TestCalc:");
        assert_eq!(
            weakened("tests/test_calc.py", PY_BEFORE, Some(&class)),
            [(Some("TestCalc.test_div".into()), "now skipped (@pytest.mark.skip)".into())]
        );
        let module = PY_BEFORE.replace("from calc import", "pytestmark = pytest.mark.skip\nfrom calc import");
        assert_eq!(weakened("tests/test_calc.py", PY_BEFORE, Some(&module)).len(), 5);
    }

    #[test]
    fn python_harmless_changes_are_not_weakenings() {
        let reindented = PY_BEFORE.replace("    ", "  ");
        assert_eq!(weakened("tests/test_calc.py", PY_BEFORE, Some(&reindented)), []);
        let added = format!("{PY_BEFORE}\n\ndef test_mul():\n    assert mul(2, 3) == 6\n");
        assert_eq!(weakened("tests/test_calc.py", PY_BEFORE, Some(&added)), []);
        let helper_changed = PY_BEFORE.replace("    def helper(self):\n        assert True\n", "");
        assert_eq!(weakened("tests/test_calc.py", PY_BEFORE, Some(&helper_changed)), []);
    }

    // --- Go -----------------------------------------------------------------

    const GO_BEFORE: &str = r#"package calc

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAdd(t *testing.T) {
	if got := Add(2, 2); got != 4 {
		t.Errorf("Add(2, 2) = %d, want 4", got)
	}
}

func TestTable(t *testing.T) {
	cases := []struct{ a, b, want int }{{1, 1, 2}, {0, 0, 0}}
	for _, c := range cases {
		t.Run("case", func(tt *testing.T) {
			if Add(c.a, c.b) != c.want {
				tt.Fatalf("bad {")
			}
		})
	}
}

func TestRequire(t *testing.T) {
	require.Equal(t, 4, Add(2, 2))
	require.NoError(t, Check())
}

func TestMain(m *testing.M) {
	m.Run()
}

func helper(t *testing.T) {
	t.Error("not a test")
}
"#;

    #[test]
    fn go_tests_and_their_assertions_are_found() {
        let scan = scan(GO_BEFORE, Lang::Go);
        let counts: Vec<(&str, u32)> = scan.tests.iter().map(|(n, t)| (n.as_str(), t.assertions)).collect();
        assert_eq!(counts, [("TestAdd", 1), ("TestRequire", 2), ("TestTable", 1)]);
    }

    #[test]
    fn go_skip_removal_and_trivial_assertions() {
        let skipped =
            GO_BEFORE.replace("func TestAdd(t *testing.T) {\n", "func TestAdd(t *testing.T) {\n\tt.Skip(\"later\")\n");
        assert_eq!(
            weakened("calc_test.go", GO_BEFORE, Some(&skipped)),
            [(Some("TestAdd".into()), "now skipped (t.Skip(\"later\"))".into())]
        );
        let removed = GO_BEFORE.replace("func TestTable(", "func testTable(");
        assert_eq!(weakened("calc_test.go", GO_BEFORE, Some(&removed)), [(Some("TestTable".into()), "removed".into())]);
        let trivial = GO_BEFORE.replace("require.Equal(t, 4, Add(2, 2))", "require.Equal(t, 4, 4)");
        assert_eq!(weakened("calc_test.go", GO_BEFORE, Some(&trivial)).len(), 1);
        let truthy = GO_BEFORE.replace("require.Equal(t, 4, Add(2, 2))", "require.True(t, true)");
        assert_eq!(weakened("calc_test.go", GO_BEFORE, Some(&truthy)).len(), 1);
    }

    #[test]
    fn go_build_constraint_added() {
        let after = format!("//go:build ignore\n\n{GO_BEFORE}");
        assert_eq!(
            weakened("calc_test.go", GO_BEFORE, Some(&after)),
            [(None, "build constraint added `//go:build ignore`: the file's tests may no longer be built".into())]
        );
        assert_eq!(weakened("calc_test.go", &after, Some(GO_BEFORE)), []);
    }

    // --- JavaScript / TypeScript ----------------------------------------------

    const JS_BEFORE: &str = r#"import { describe, it, expect } from 'vitest';
import assert from 'node:assert';
import { add, div } from './calc';

describe('calc', () => {
  it('adds two', () => {
    expect(add(2, 2)).toBe(4);
    expect(add(-1, 1)).not.toBe(1);
  });

  it("divides", async () => {
    const text = `it('fake', () => { expect(1) })`;
    assert.strictEqual(div(4, 2), 2);
  });

  test.each([[1, 1, 2]])('adds %i and %i', (a, b, want) => {
    expect(add(a, b)).toEqual(want);
  });

  it('handles regex.test(s)', () => {
    const ok = /\d+/.test('12');
    assert(ok);
    assert.ok(/x/.test('x'));
  });
});
"#;

    #[test]
    fn js_tests_and_their_assertions_are_found() {
        let scan = scan(JS_BEFORE, Lang::Js);
        let counts: Vec<(&str, u32)> = scan.tests.iter().map(|(n, t)| (n.as_str(), t.assertions)).collect();
        assert_eq!(counts, [("adds %i and %i", 1), ("adds two", 2), ("divides", 1), ("handles regex.test(s)", 2)]);
    }

    #[test]
    fn js_it_to_it_skip_and_friends() {
        for skip in ["it.skip('adds two'", "xit('adds two'", "it.todo('adds two'", "it.skipIf(isCI)('adds two'"] {
            let after = JS_BEFORE.replace("it('adds two'", skip);
            assert_eq!(
                weakened("src/calc.test.ts", JS_BEFORE, Some(&after)),
                [(Some("adds two".into()), format!("now skipped ({})", skip.split("('").next().unwrap_or_default()))],
                "{skip}"
            );
        }
        let suite = JS_BEFORE.replace("describe('calc'", "describe.skip('calc'");
        assert_eq!(weakened("src/calc.test.ts", JS_BEFORE, Some(&suite)).len(), 4);
        let options = JS_BEFORE.replace("it(\"divides\", async", "it(\"divides\", { skip: 'later' }, async");
        assert_eq!(
            weakened("src/calc.test.ts", JS_BEFORE, Some(&options)),
            [(Some("divides".into()), "now skipped ({ skip: 'later' })".into())]
        );
        let in_body = JS_BEFORE
            .replace("assert.strictEqual(div(4, 2), 2);", "this.skip();\n    assert.strictEqual(div(4, 2), 2);");
        assert_eq!(weakened("src/calc.test.ts", JS_BEFORE, Some(&in_body)).len(), 1);
    }

    #[test]
    fn js_only_silences_the_other_tests() {
        let after = JS_BEFORE.replace("it(\"divides\"", "it.only(\"divides\"");
        assert_eq!(
            weakened("src/calc.test.ts", JS_BEFORE, Some(&after)),
            [(None, "`it.only` added: the file's other tests no longer run".into())]
        );
    }

    #[test]
    fn js_trivial_expectations() {
        for trivial in [
            "expect(true).toBe(true);",
            "expect(4).toEqual(4);",
            "assert.ok(true);",
            "assert(true);",
            "expect(1).toBeTruthy();",
        ] {
            let after = JS_BEFORE.replace("assert.strictEqual(div(4, 2), 2);", trivial);
            let found = weakened("src/calc.test.ts", JS_BEFORE, Some(&after));
            assert_eq!(found.len(), 1, "{trivial}: {found:?}");
            assert!(found[0].1.contains("took their place"), "{found:?}");
        }
        let removed = JS_BEFORE.replace("    expect(add(-1, 1)).not.toBe(1);\n", "");
        assert_eq!(
            weakened("src/calc.test.ts", JS_BEFORE, Some(&removed)),
            [(Some("adds two".into()), "now has 1 assertion (had 2)".into())]
        );
    }

    #[test]
    fn js_harmless_changes_are_not_weakenings() {
        let requoted = JS_BEFORE.replace("it('adds two'", "it(\"adds two\"").replace("  ", "    ");
        assert_eq!(weakened("src/calc.test.ts", JS_BEFORE, Some(&requoted)), []);
        let added = JS_BEFORE.replace(
            "describe('calc', () => {\n",
            "describe('calc', () => {\n  it('multiplies', () => {\n    expect(mul(2, 3)).toBe(6);\n  });\n\n",
        );
        assert_eq!(weakened("src/calc.test.ts", JS_BEFORE, Some(&added)), []);
    }

    #[test]
    fn node_test_and_playwright_styles() {
        let before = "import test from 'node:test';\nimport assert from 'node:assert/strict';\n\ntest('adds', (t) => {\n  assert.equal(add(1, 1), 2);\n  t.assert.ok(add(1, 1));\n});\n";
        assert_eq!(scan(before, Lang::Js).tests["adds"].assertions, 2);
        let skipped = before.replace("  assert.equal", "  t.skip('later');\n  assert.equal");
        assert_eq!(weakened("test/calc.test.mjs", before, Some(&skipped)).len(), 1);
        let conditional = "test.beforeEach(async ({ page }) => { await page.goto('/'); });\n\
            test('renders', async ({ page, browserName }) => {\n  test.skip(browserName === 'webkit', 'no');\n\
            await test.step('title', async () => { await expect(page).toHaveTitle(/x/); });\n});\n";
        let scan = scan(conditional, Lang::Js);
        assert_eq!(scan.tests.keys().collect::<Vec<_>>(), ["renders"]);
        assert_eq!(scan.tests["renders"].skipped, 1);
        assert_eq!(scan.tests["renders"].assertions, 1);
    }

    // --- Files --------------------------------------------------------------

    #[test]
    fn a_deleted_test_file_is_one_weakening() {
        assert_eq!(
            compare("src/calc.test.ts", JS_BEFORE, None),
            [Weakening { file: "src/calc.test.ts".into(), test: None, what: "test file deleted".into() }]
        );
        assert_eq!(weakened("tests/test_calc.py", PY_BEFORE, None).len(), 1);
        assert_eq!(weakened("src/calc.ts", "export const x = 1;\n", None), []);
    }

    #[test]
    fn an_emptied_or_commented_out_test_file_is_one_weakening() {
        assert_eq!(
            weakened("calc_test.go", GO_BEFORE, Some("\n")),
            [(None, "test file emptied (nothing but comments and blank lines left)".into())]
        );
        let commented: String = PY_BEFORE.lines().map(|l| format!("# {l}\n")).collect();
        assert_eq!(weakened("tests/test_calc.py", PY_BEFORE, Some(&commented)).len(), 1);
        assert_eq!(weakened("tests/data.json", "{\"a\": 1}", Some("")), [(None, "test file emptied".into())]);
    }

    #[test]
    fn test_files_are_recognised() {
        let yes = [
            "tests/api.rs",
            "server/x/tests/common/mod.rs",
            "pkg/calc_test.go",
            "tests/test_calc.py",
            "app/test_views.py",
            "app/views_test.py",
            "app/tests.py",
            "src/calc.test.ts",
            "src/calc.test.tsx",
            "src/calc.test.mjs",
            "src/calc.spec.js",
            "e2e/login.spec.ts",
            "src/__tests__/calc.js",
            "test\\unit\\calc.js",
        ];
        for path in yes {
            assert!(is_test_file(path, None), "{path}");
        }
        let no = [
            "src/calc.ts",
            "src/lib.rs",
            "pkg/calc.go",
            "app/views.py",
            "tests/fixtures/data.json",
            "docs/testing.md",
            "spec.ts",
            "contest.py",
        ];
        for path in no {
            assert!(!is_test_file(path, None), "{path}");
        }
        assert!(is_test_file("src/lib.rs", Some(RUST_BEFORE)));
        assert!(is_test_file("src/run.rs", Some("#[tokio::test]\nasync fn x() {}\n")));
        assert!(!is_test_file("src/lib.rs", Some("pub fn add() {}\n")));
    }

    #[test]
    fn literals_and_comments_are_blanked_in_place() {
        let text = "let s = \"a // b\"; // c 字\nlet r = r#\"x\"y\"#; let c = '\"'; let l: &'a str = \"é\";\n";
        let (code, _) = blank("let q = '\\''; let b = b'{'; f('\\n', \"}\")", Lang::Rust);
        assert_eq!(code, "let q = '  '; let b = b' '; f('  ', \" \")");
        let (code, _) = blank(text, Lang::Rust);
        assert_eq!(code.len(), text.len());
        assert_eq!(code, "let s = \"      \";         \nlet r = r#\"   \"#; let c = ' '; let l: &'a str = \"  \";\n");
        let (py, long) = blank("x = '''a\nb'''  # c\n", Lang::Python);
        assert_eq!(py, "x = ''' \n '''     \n");
        assert_eq!(long, vec![Range { start: 4, end: 13 }]);
    }

    #[test]
    fn test_names_survive_odd_layouts() {
        assert_eq!(
            test_names("a.rs", "#[test] fn one() { assert!(x()); }\n#[test]\npub(crate) async fn two() {}\n"),
            ["one", "two"]
        );
        assert_eq!(
            test_names(
                "a_test.go",
                "func TestX(t *testing.T) {}\nfunc Testx(t *testing.T) {}\nfunc Test(t *testing.T) {}\n"
            ),
            ["Test", "TestX"]
        );
        let generated = "macro_rules! t { ($name:ident) => { #[test] fn $name() { assert!(f()); } } }\n";
        assert_eq!(test_names("tests/m.rs", generated), ["$name"]);
        assert_eq!(
            test_names("a.test.js", "it(`with ${x} template`, () => {});\nregex.test('x');\n"),
            ["with ${x} template"]
        );
    }

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn random_text_never_panics() {
        let fragments = [
            "#[test]",
            "#[ignore]",
            "#![cfg(x)]",
            "fn ",
            "mod ",
            "t",
            "{",
            "}",
            "(",
            ")",
            "[",
            "]",
            "\"",
            "'",
            "`",
            "r#\"",
            "\"#",
            "//",
            "/*",
            "*/",
            "#",
            "\n",
            "    ",
            "\t",
            "\\",
            "def test_",
            "class Test",
            "@pytest.mark.skip",
            ":",
            "assert ",
            "assert!(",
            "assert_eq!(",
            ",",
            "==",
            "func Test",
            "(t *testing.T)",
            "t.Errorf(",
            "it(",
            "it.skip(",
            "it.each(",
            "describe.skip(",
            "expect(",
            ").toBe(",
            "assert.ok(",
            "=>",
            "字",
            "テスト",
            "é",
            "\u{1b}[",
            ".only(",
            "'''",
            "\"\"\"",
            "x",
            "1",
            "true",
        ];
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            let n = (rng.next() % 60) as usize;
            let text: String = (0..n).map(|_| fragments[(rng.next() % fragments.len() as u64) as usize]).collect();
            for path in ["a.rs", "test_a.py", "a_test.go", "a.test.ts", "a.txt"] {
                let cut = text.char_indices().map(|(i, _)| i).nth((rng.next() % 8) as usize).unwrap_or(0);
                let _ = compare(path, &text, Some(&text[cut..]));
                let _ = compare(path, &text, None);
            }
        }
    }

    #[test]
    fn huge_files_are_scanned_in_linear_time() {
        let started = std::time::Instant::now();
        let rust = "#[test]\nfn t() {\n    assert_eq!(f(1), 2); // 字\n}\n".repeat(60_000);
        assert!(rust.len() > 2_500_000);
        let _ = compare("tests/big.rs", &rust, Some(&rust));
        let unclosed = "it('x', () => { expect(".repeat(100_000);
        let _ = compare("a.test.js", &unclosed, Some(""));
        let nested = "assert!(".repeat(200_000);
        let _ = compare("tests/n.rs", &format!("#[test]\nfn n() {{ {nested} }}"), None);
        let python = "def test_x():\n    assert ".to_string() + &"x and ".repeat(500_000);
        let _ = compare("test_big.py", &python, Some(""));
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "took {:?}", started.elapsed());
    }
}
