//! The exported functions and classes of a TS/TSX/JS file, read off the
//! tree-sitter tree: only top-level statements are looked at.
//!
//! Invariant: never panics. Every slice of the text goes through
//! `str::get`; a parse cut short by its time budget yields nothing.

use std::time::{Duration, Instant};

use specwright_index::Lang;
use specwright_spec::LineIndex;
use tree_sitter::{Language, Node, ParseOptions, ParseState, Parser, Tree};

use super::{ExportKind, Exported};

/// The name given to an anonymous default export (`export default class {}`).
pub(super) const ANONYMOUS_DEFAULT: &str = "default";

/// Parses `text` with the grammar of `lang`; `None` for languages other than
/// TypeScript, TSX and JavaScript, or when the time budget runs out.
pub(super) fn parse(lang: Lang, text: &str) -> Option<Tree> {
    let language: Language = match lang {
        Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Lang::Rust | Lang::Python | Lang::Go => return None,
    };
    let mut parser = Parser::new();
    parser.set_language(&language).ok()?;
    // Error recovery on some garbage is super-linear: bound it, as the index does.
    let per_kib = Duration::from_millis(20).saturating_mul(u32::try_from(text.len() / 1024).unwrap_or(u32::MAX));
    let deadline = Instant::now() + (Duration::from_secs(1) + per_kib).min(Duration::from_secs(10));
    let bytes = text.as_bytes();
    let mut past_deadline = |_: &ParseState| Instant::now() > deadline;
    let options = ParseOptions::new().progress_callback(&mut past_deadline);
    parser.parse_with_options(&mut |offset, _| bytes.get(offset..).unwrap_or_default(), None, Some(options))
}

pub(super) fn node_text<'t>(node: Node<'_>, text: &'t str) -> &'t str {
    text.get(node.start_byte()..node.end_byte()).unwrap_or_default()
}

/// A function or class declared at the top level, exported or not.
struct Local<'t> {
    name: String,
    kind: ExportKind,
    is_async: bool,
    methods: Vec<String>,
    name_node: Node<'t>,
    /// The statement that declares it (a whole `const` for arrow functions).
    decl: Node<'t>,
}

pub(super) fn exported_symbols(lang: Lang, text: &str) -> Vec<Exported> {
    let Some(tree) = parse(lang, text) else {
        return Vec::new();
    };
    let lines = LineIndex::new(text);
    let range = |node: Node<'_>| lines.range(text, node.start_byte(), node.end_byte());
    let root = tree.root_node();
    let statements: Vec<Node<'_>> = named_children(root);

    let locals: Vec<Local<'_>> = statements.iter().flat_map(|s| declared(*s, text)).collect();
    let local = |name: &str| locals.iter().find(|l| l.name == name);
    let from_local = |l: &Local<'_>, name: String, is_default: bool| Exported {
        name,
        kind: l.kind,
        is_default,
        is_async: l.is_async,
        methods: l.methods.clone(),
        range: range(l.name_node),
        span: range(l.decl),
    };

    let mut out: Vec<Exported> = Vec::new();
    for statement in statements.iter().filter(|s| s.kind() == "export_statement") {
        // Re-exports (`export { a } from './a'`) and `export type { … }` cover
        // symbols defined elsewhere, or no value at all.
        if statement.child_by_field_name("source").is_some() || has_token(*statement, "type") {
            continue;
        }
        let is_default = has_token(*statement, "default");
        if let Some(declaration) = statement.child_by_field_name("declaration") {
            for l in declared(declaration, text) {
                let mut e = from_local(&l, l.name.clone(), is_default);
                e.span = range(*statement);
                out.push(e);
            }
        } else if let Some(value) = statement.child_by_field_name("value") {
            let value = unwrap_parens(value);
            if value.kind() == "identifier" {
                if let Some(l) = local(node_text(value, text)) {
                    out.push(from_local(l, l.name.clone(), true));
                }
            } else if let Some((kind, is_async, methods)) = function_or_class(value, text) {
                let name =
                    value.child_by_field_name("name").map_or(ANONYMOUS_DEFAULT, |n| node_text(n, text)).to_owned();
                let keywords_end = token(*statement, "default").map_or(value.start_byte(), |d| d.end_byte());
                let keywords_start = token(*statement, "export").map_or(statement.start_byte(), |e| e.start_byte());
                let name_range = match value.child_by_field_name("name") {
                    Some(n) => range(n),
                    None => lines.range(text, keywords_start, keywords_end),
                };
                out.push(Exported {
                    name,
                    kind,
                    is_default: true,
                    is_async,
                    methods,
                    range: name_range,
                    span: range(*statement),
                });
            }
        } else {
            let clauses = named_children(*statement).into_iter().filter(|c| c.kind() == "export_clause");
            for specifier in clauses.flat_map(named_children).filter(|s| s.kind() == "export_specifier") {
                let Some(name) = specifier.child_by_field_name("name") else { continue };
                let Some(l) = local(node_text(name, text)) else { continue };
                match specifier.child_by_field_name("alias").map(|a| node_text(a, text)) {
                    Some("default") => out.push(from_local(l, l.name.clone(), true)),
                    Some(alias) => out.push(from_local(l, alias.to_owned(), false)),
                    None => out.push(from_local(l, l.name.clone(), false)),
                }
            }
        }
    }
    // Overloads and repeated lists name a symbol more than once: keep the first.
    let mut seen: Vec<(String, bool)> = Vec::new();
    out.retain(|e| {
        let key = (e.name.clone(), e.is_default);
        let fresh = !seen.contains(&key);
        seen.push(key);
        fresh
    });
    out
}

/// The functions and classes a statement declares.
fn declared<'t>(node: Node<'t>, text: &str) -> Vec<Local<'t>> {
    match node.kind() {
        "function_declaration"
        | "generator_function_declaration"
        | "class_declaration"
        | "abstract_class_declaration" => {
            let Some(name_node) = node.child_by_field_name("name") else { return Vec::new() };
            let Some((kind, is_async, methods)) = function_or_class(node, text) else { return Vec::new() };
            vec![Local { name: node_text(name_node, text).to_owned(), kind, is_async, methods, name_node, decl: node }]
        }
        "lexical_declaration" | "variable_declaration" => named_children(node)
            .into_iter()
            .filter(|d| d.kind() == "variable_declarator")
            .filter_map(|d| {
                let name_node = d.child_by_field_name("name").filter(|n| n.kind() == "identifier")?;
                let value = unwrap_parens(d.child_by_field_name("value")?);
                let (kind, is_async, methods) = function_or_class(value, text)?;
                Some(Local {
                    name: node_text(name_node, text).to_owned(),
                    kind,
                    is_async,
                    methods,
                    name_node,
                    decl: node,
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a declaration or expression is a function or a class, and what
/// the test needs to know of it.
fn function_or_class(node: Node<'_>, text: &str) -> Option<(ExportKind, bool, Vec<String>)> {
    match node.kind() {
        "function_declaration"
        | "generator_function_declaration"
        | "function_expression"
        | "function"
        | "generator_function"
        | "arrow_function" => Some((ExportKind::Function, has_token(node, "async"), Vec::new())),
        "class_declaration" | "abstract_class_declaration" | "class" => {
            let methods = node.child_by_field_name("body").map(|b| public_methods(b, text)).unwrap_or_default();
            Some((ExportKind::Class, false, methods))
        }
        _ => None,
    }
}

/// The public methods of a class body: not `private`/`protected`, not
/// `#private`, not the constructor, not accessors, not computed names.
fn public_methods(body: Node<'_>, text: &str) -> Vec<String> {
    let mut methods: Vec<String> = Vec::new();
    for method in named_children(body).into_iter().filter(|m| m.kind() == "method_definition") {
        let Some(name_node) = method.child_by_field_name("name") else { continue };
        if name_node.kind() != "property_identifier" {
            continue;
        }
        let name = node_text(name_node, text);
        let mut cursor = method.walk();
        let modifiers: Vec<Node<'_>> =
            method.children(&mut cursor).take_while(|c| c.start_byte() < name_node.start_byte()).collect();
        let hidden = modifiers
            .iter()
            .any(|m| m.kind() == "accessibility_modifier" && matches!(node_text(*m, text), "private" | "protected"));
        let accessor = modifiers.iter().any(|m| !m.is_named() && matches!(m.kind(), "get" | "set" | "static get"));
        if hidden || accessor || name == "constructor" || methods.iter().any(|m| m == name) {
            continue;
        }
        methods.push(name.to_owned());
    }
    methods
}

fn unwrap_parens(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

pub(super) fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// The anonymous child token `kind` (`export`, `default`, `async`, `type`).
pub(super) fn token<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).find(|c| !c.is_named() && c.kind() == kind)
}

fn has_token(node: Node<'_>, kind: &str) -> bool {
    token(node, kind).is_some()
}
