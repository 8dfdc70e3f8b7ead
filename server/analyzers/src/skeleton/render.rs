//! The text of a test skeleton, and the insertions that extend an existing
//! test file with it.

use std::path::{Component, Path};

use specwright_index::Lang;
use specwright_spec::{LineIndex, Position};

use super::exports::{self, named_children, node_text, token};
use super::{Edit, ExportKind, Exported, Framework, Request, file_stem};

/// One symbol to cover: the title of its `describe`, and the expression
/// the test file reaches it by.
struct Subject<'a> {
    title: String,
    binding: String,
    symbol: &'a Exported,
}

/// An import the test file needs: `import default, { imported as local } from 'module'`.
#[derive(Default)]
struct Import {
    module: String,
    default: Option<String>,
    named: Vec<(String, String)>,
}

impl Import {
    fn is_empty(&self) -> bool {
        self.default.is_none() && self.named.is_empty()
    }

    fn line(&self) -> String {
        let named: Vec<String> = self
            .named
            .iter()
            .map(
                |(imported, local)| if imported == local { imported.clone() } else { format!("{imported} as {local}") },
            )
            .collect();
        let clause = match (&self.default, named.is_empty()) {
            (Some(d), true) => d.clone(),
            (Some(d), false) => format!("{d}, {{ {} }}", named.join(", ")),
            (None, _) => format!("{{ {} }}", named.join(", ")),
        };
        format!("import {clause} from {};\n", quote(&self.module))
    }
}

pub(super) fn skeleton(request: &Request<'_>) -> Edit {
    let subjects = subjects(request);
    if subjects.is_empty() {
        return Edit::UpToDate;
    }
    let specifier = module_specifier(request.test_path, request.source_path, request.esm_extension);
    match request.existing_test {
        None => {
            let mut imports = framework_imports(request.framework);
            imports.push(source_import(&specifier, &subjects));
            let mut text: String = imports.iter().filter(|i| !i.is_empty()).map(Import::line).collect();
            text.push('\n');
            text.push_str(&blocks(request.framework, &subjects));
            Edit::Create { text }
        }
        Some(existing) => extend(request, existing, subjects, &specifier),
    }
}

/// The requested symbols, once each, with the bindings a new test file
/// would import them as.
fn subjects<'a>(request: &Request<'a>) -> Vec<Subject<'a>> {
    let reserved = framework_bindings(request.framework);
    let mut out: Vec<Subject<'a>> = Vec::new();
    for symbol in request.symbols {
        let title = symbol.display_name(request.source_path);
        if out.iter().any(|s| s.title == title && s.symbol.is_default == symbol.is_default) {
            continue;
        }
        let binding = if symbol.is_default && symbol.name == exports::ANONYMOUS_DEFAULT {
            identifier_from(&title, symbol.kind)
        } else {
            symbol.name.clone()
        };
        out.push(Subject { title, binding, symbol });
    }
    // A binding must not shadow the framework's, nor a default import
    // another symbol's name.
    let named: Vec<String> = out.iter().filter(|s| !s.symbol.is_default).map(|s| s.binding.clone()).collect();
    for s in &mut out {
        let clashes = reserved.contains(&s.binding.as_str()) || (s.symbol.is_default && named.contains(&s.binding));
        if clashes {
            s.binding.push_str(if s.symbol.is_default { "Default" } else { "UnderTest" });
        }
    }
    out
}

/// What the generated cases use from the framework, imported from where.
/// Jest's are globals (a project importing them from `@jest/globals` keeps
/// its own import; `expect` stays a global there too).
fn framework_imports(framework: Framework) -> Vec<Import> {
    let named = |names: &[&str]| names.iter().map(|n| (n.to_string(), n.to_string())).collect();
    match framework {
        Framework::Jest => Vec::new(),
        Framework::Vitest => {
            vec![Import { module: "vitest".into(), default: None, named: named(&["describe", "it", "expect"]) }]
        }
        Framework::NodeTest => vec![
            Import { module: "node:test".into(), default: None, named: named(&["describe", "it"]) },
            Import { module: "node:assert/strict".into(), default: Some("assert".into()), named: Vec::new() },
        ],
    }
}

fn framework_bindings(framework: Framework) -> &'static [&'static str] {
    match framework {
        Framework::Jest => &["describe", "it", "expect", "test", "jest"],
        Framework::Vitest => &["describe", "it", "expect", "test", "vi"],
        Framework::NodeTest => &["describe", "it", "test", "assert"],
    }
}

fn source_import(specifier: &str, subjects: &[Subject<'_>]) -> Import {
    let mut import = Import { module: specifier.to_owned(), ..Import::default() };
    for s in subjects {
        if s.symbol.is_default {
            import.default.get_or_insert_with(|| s.binding.clone());
        } else {
            import.named.push((s.symbol.name.clone(), s.binding.clone()));
        }
    }
    import
}

// ---------------------------------------------------------------------------
// Cases

fn blocks(framework: Framework, subjects: &[Subject<'_>]) -> String {
    subjects.iter().map(|s| block(framework, s)).collect::<Vec<_>>().join("\n")
}

/// One `describe` per symbol: one case for a function, one per public
/// method for a class (one "can be constructed" case when it has none).
fn block(framework: Framework, subject: &Subject<'_>) -> String {
    let symbol = subject.symbol;
    let cases: Vec<(String, String, bool)> = match symbol.kind {
        ExportKind::Function => vec![("works".into(), subject.title.clone(), symbol.is_async)],
        ExportKind::Class if symbol.methods.is_empty() => {
            vec![("can be constructed".into(), subject.title.clone(), false)]
        }
        ExportKind::Class => {
            symbol.methods.iter().map(|m| (m.clone(), format!("{}.{m}", subject.title), false)).collect()
        }
    };
    let mut out = format!("describe({}, () => {{\n", quote(&subject.title));
    for (i, (title, label, is_async)) in cases.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let message = quote(&format!("Test not written yet: {label}"));
        out.push_str(&format!("  it({}, {}() => {{\n", quote(title), if *is_async { "async " } else { "" }));
        // The first line uses the import (an unused one fails `noUnusedLocals`
        // and ts-jest's diagnostics); the second fails the case until written.
        match framework {
            Framework::NodeTest => {
                out.push_str(&format!("    assert.ok({});\n", subject.binding));
                out.push_str(&format!("    assert.fail({message});\n"));
            }
            Framework::Jest | Framework::Vitest => {
                out.push_str(&format!("    expect({}).toBeDefined();\n", subject.binding));
                out.push_str(&format!("    throw new Error({message});\n"));
            }
        }
        out.push_str("  });\n");
    }
    out.push_str("});\n");
    out
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A JavaScript identifier from a file stem: `user-card` → `userCard`
/// (`UserCard` for a class).
fn identifier_from(stem: &str, kind: ExportKind) -> String {
    let mut id = String::new();
    let parts = stem.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).filter(|p| !p.is_empty());
    for (i, part) in parts.enumerate() {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            if i == 0 && kind == ExportKind::Function {
                id.push(first);
            } else {
                id.extend(first.to_uppercase());
            }
            id.push_str(chars.as_str());
        }
    }
    if id.is_empty() {
        return "subject".into();
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    const RESERVED: [&str; 38] = [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "await",
    ];
    if RESERVED.contains(&id.as_str()) {
        id.push_str("Default");
    }
    id
}

// ---------------------------------------------------------------------------
// Module specifiers

/// The source as the test file imports it: relative, `./`-prefixed,
/// `/`-separated; `.ts`/`.tsx`/`.js`/`.jsx` dropped, or replaced by
/// `esm_extension`; `.mts`/`.mjs` → `.mjs` and `.cts`/`.cjs` → `.cjs` always
/// (Node needs them spelled out).
fn module_specifier(test: &Path, source: &Path, esm_extension: Option<&str>) -> String {
    let folder = |p: &Path| -> Vec<String> {
        p.parent()
            .map(|d| {
                d.components()
                    .filter(|c| !matches!(c, Component::CurDir))
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (from, to) = (folder(test), folder(source));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(to.into_iter().skip(common));
    let stem = file_stem(source).unwrap_or("index");
    let ext = source.extension().and_then(|e| e.to_str()).unwrap_or_default();
    parts.push(match (ext, esm_extension) {
        ("ts" | "tsx" | "js" | "jsx", None) => stem.to_owned(),
        ("ts" | "tsx" | "js" | "jsx", Some(esm)) => format!("{stem}{esm}"),
        ("mts" | "mjs", _) => format!("{stem}.mjs"),
        ("cts" | "cjs", _) => format!("{stem}.cjs"),
        _ => source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
    });
    let joined = parts.join("/");
    if joined.starts_with("../") { joined } else { format!("./{joined}") }
}

/// Whether two specifiers name the same module, extensions aside.
fn same_module(a: &str, b: &str) -> bool {
    fn bare(s: &str) -> &str {
        const EXTS: [&str; 8] = [".js", ".ts", ".mjs", ".mts", ".cjs", ".cts", ".jsx", ".tsx"];
        EXTS.iter().find_map(|e| s.strip_suffix(e)).unwrap_or(s)
    }
    bare(a) == bare(b)
}

// ---------------------------------------------------------------------------
// Extending

fn extend(request: &Request<'_>, existing: &str, mut subjects: Vec<Subject<'_>>, specifier: &str) -> Edit {
    let titles = test_titles(existing);
    subjects.retain(|s| !covers(&titles, &s.title) && !covers(&titles, &s.binding));
    if subjects.is_empty() {
        return Edit::UpToDate;
    }
    let lang = Lang::of(request.test_path)
        .filter(|l| matches!(l, Lang::TypeScript | Lang::Tsx | Lang::JavaScript))
        .unwrap_or(Lang::TypeScript);
    let imports = existing_imports(lang, existing);
    let bound: Vec<&str> = imports.iter().flat_map(ExistingImport::locals).collect();

    // The source: reuse what an existing import of it binds.
    let source = imports.iter().find(|i| !i.type_only && same_module(&i.specifier, specifier));
    let mut source_need =
        Import { module: source.map_or(specifier, |i| i.specifier.as_str()).to_owned(), ..Import::default() };
    for s in &mut subjects {
        let reused = source.and_then(|i| {
            let name = if s.symbol.is_default { "default" } else { s.symbol.name.as_str() };
            let direct = if s.symbol.is_default {
                i.default.clone()
            } else {
                i.named.iter().find(|(imported, _)| imported == name).map(|(_, local)| local.clone())
            };
            direct.or_else(|| i.namespace.as_ref().map(|ns| format!("{ns}.{name}")))
        });
        if let Some(binding) = reused {
            s.binding = binding;
            continue;
        }
        if bound.contains(&s.binding.as_str()) {
            s.binding.push_str("UnderTest");
        }
        if s.symbol.is_default {
            if let Some(d) = &source_need.default {
                s.binding = d.clone();
            } else {
                source_need.default = Some(s.binding.clone());
            }
        } else {
            source_need.named.push((s.symbol.name.clone(), s.binding.clone()));
        }
    }
    let mut needs = framework_imports(request.framework);
    for need in &mut needs {
        need.named.retain(|(_, local)| !bound.contains(&local.as_str()));
        if need.default.as_deref().is_some_and(|d| bound.contains(&d)) {
            need.default = None;
        }
    }
    needs.push(source_need);
    needs.retain(|n| !n.is_empty());

    let lines = LineIndex::new(existing);
    let end = lines.position(existing, existing.len());
    let (mut import_at, mut import_text) = match imports.last() {
        Some(last) => {
            let line = lines.position(existing, last.end).line;
            if (line as usize) + 1 < lines.line_count() {
                (Position::new(line + 1, 0), String::new())
            } else {
                (end, "\n".to_owned())
            }
        }
        None => (Position::new(0, 0), String::new()),
    };
    // One module short of named imports only, already imported with braces:
    // add the names inside them.
    let merge = match needs.as_slice() {
        [need] if need.default.is_none() => imports
            .iter()
            .filter(|i| !i.type_only && i.specifier == need.module)
            .find_map(|i| i.brace_insert)
            .map(|at| (at, need)),
        _ => None,
    };
    let import_text = if let Some((at, need)) = merge {
        import_at = lines.position(existing, at);
        let names: Vec<String> = need
            .named
            .iter()
            .map(
                |(imported, local)| if imported == local { imported.clone() } else { format!("{imported} as {local}") },
            )
            .collect();
        Some(format!(", {}", names.join(", ")))
    } else if needs.is_empty() {
        None
    } else {
        import_text.extend(needs.iter().map(Import::line));
        Some(import_text)
    };

    let separator = if existing.is_empty() || existing.ends_with("\n\n") {
        ""
    } else if existing.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let body = blocks(request.framework, &subjects);
    match import_text {
        // Both at the end of the file: one insertion, imports first.
        Some(imports) if import_at == end => {
            Edit::Extend { at: end, text: format!("{imports}\n{body}"), import_at, import_text: None }
        }
        import_text => Edit::Extend { at: end, text: format!("{separator}{body}"), import_at, import_text },
    }
}

/// An `import` statement of the test file.
struct ExistingImport {
    specifier: String,
    type_only: bool,
    default: Option<String>,
    namespace: Option<String>,
    /// `(imported, local)` of `{ imported as local }`.
    named: Vec<(String, String)>,
    /// Just after the last name inside the braces, if any.
    brace_insert: Option<usize>,
    end: usize,
}

impl ExistingImport {
    fn locals(&self) -> impl Iterator<Item = &str> {
        let named = self.named.iter().map(|(_, local)| local.as_str());
        self.default.as_deref().into_iter().chain(self.namespace.as_deref()).chain(named)
    }
}

fn existing_imports(lang: Lang, text: &str) -> Vec<ExistingImport> {
    let Some(tree) = exports::parse(lang, text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for statement in named_children(tree.root_node()).into_iter().filter(|s| s.kind() == "import_statement") {
        let quoted = statement.child_by_field_name("source").map_or("", |s| node_text(s, text));
        let specifier = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default().to_owned();
        let mut import = ExistingImport {
            specifier,
            type_only: token(statement, "type").is_some(),
            default: None,
            namespace: None,
            named: Vec::new(),
            brace_insert: None,
            end: statement.end_byte(),
        };
        let clauses = named_children(statement).into_iter().filter(|c| c.kind() == "import_clause");
        for part in clauses.flat_map(named_children) {
            match part.kind() {
                "identifier" => import.default = Some(node_text(part, text).to_owned()),
                "namespace_import" => {
                    import.namespace = named_children(part).first().map(|n| node_text(*n, text).to_owned());
                }
                "named_imports" => {
                    for specifier in named_children(part).into_iter().filter(|s| s.kind() == "import_specifier") {
                        let Some(name) = specifier.child_by_field_name("name") else { continue };
                        let name = node_text(name, text).to_owned();
                        let local = specifier
                            .child_by_field_name("alias")
                            .map_or(name.clone(), |a| node_text(a, text).to_owned());
                        import.named.push((name, local));
                        import.brace_insert = Some(specifier.end_byte());
                    }
                }
                _ => {}
            }
        }
        out.push(import);
    }
    out
}

/// The first argument of every `describe(…)`, `it(…)`, `test(…)` and
/// `suite(…)` call (with modifiers such as `.only`) that is a string literal.
fn test_titles(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    // Non-ASCII bytes count as identifier bytes, so words start and end on
    // character boundaries.
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let skip = |mut i: usize, pred: &dyn Fn(u8) -> bool| {
        while bytes.get(i).is_some_and(|b| pred(*b)) {
            i += 1;
        }
        i
    };
    let mut titles = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !ident(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        i = skip(i, &ident);
        let after_dot = start > 0 && bytes.get(start - 1) == Some(&b'.');
        if after_dot || !matches!(text.get(start..i), Some("describe" | "it" | "test" | "suite")) {
            continue;
        }
        let mut j = skip(i, &|b| b.is_ascii_whitespace());
        while bytes.get(j) == Some(&b'.') {
            j = skip(skip(j + 1, &|b| b.is_ascii_whitespace()), &ident);
            j = skip(j, &|b| b.is_ascii_whitespace());
        }
        if bytes.get(j) != Some(&b'(') {
            continue;
        }
        j = skip(j + 1, &|b| b.is_ascii_whitespace());
        let Some(&quote) = bytes.get(j).filter(|q| matches!(q, b'\'' | b'"' | b'`')) else { continue };
        let mut k = j + 1;
        while let Some(&b) = bytes.get(k) {
            if b == b'\\' {
                k += 2;
            } else if b == quote {
                titles.extend(text.get(j + 1..k));
                break;
            } else {
                k += 1;
            }
        }
    }
    titles
}

/// Whether a title is `name`, or starts with it followed by a non-identifier
/// character (`add returns`, `Widget.render`, not `adder`).
fn covers(titles: &[&str], name: &str) -> bool {
    titles.iter().any(|t| {
        t.strip_prefix(name)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$')))
    })
}
