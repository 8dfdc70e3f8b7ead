//! One file's definitions, references and imports, from tree-sitter.
//!
//! Each language has one query, written below as plain patterns. Captures
//! name their role: `@def.<kind>` on a declaration with its `@name`,
//! `@ref` on a referenced name, `@import` on a module specifier. What the
//! patterns cannot say (is this `const` an arrow function? which impl holds
//! this `fn`? is this declaration local to a function body?) is decided in
//! code afterwards, from the tree.
//!
//! Invariant: never panics, whatever the text. Tree-sitter recovers from
//! syntax errors; every slice of the text goes through `str::get`.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::LazyLock;

use std::time::{Duration, Instant};

use tree_sitter::{
    Language, Node, ParseOptions, ParseState, Parser, Query, QueryCursor, QueryCursorOptions, QueryCursorState,
    StreamingIterator,
};

use crate::{Def, FileIndex, Lang, Ref, SymbolKind};

/// Parses one file and returns what it defines, references and imports.
/// `path` is stored as given (relative, `/`-separated by convention).
pub fn parse_file(path: &str, text: &str, lang: Lang) -> FileIndex {
    let mut index = FileIndex { path: path.to_owned(), lang: Some(lang), ..FileIndex::default() };
    let Some(spec) = Spec::of(lang) else {
        return index;
    };
    let deadline = Instant::now() + time_budget(text.len());
    let tree = PARSER.with(|parser| {
        let mut parser = parser.try_borrow_mut().ok()?;
        // A parse halted by the deadline would otherwise resume, on the
        // next call, where it stopped.
        parser.reset();
        parser.set_language(&spec.language).ok()?;
        let bytes = text.as_bytes();
        let mut past_deadline = |_: &ParseState| Instant::now() > deadline;
        let options = ParseOptions::new().progress_callback(&mut past_deadline);
        parser.parse_with_options(&mut |offset, _| bytes.get(offset..).unwrap_or_default(), None, Some(options))
    });
    let Some(tree) = tree else {
        return index;
    };
    Collector::new(text, lang).run(spec, tree.root_node(), deadline, &mut index);
    index.count_refs();
    index
}

/// How long one file may take to parse and query. Error recovery on some
/// garbage is super-linear; past the budget the file yields what was found
/// so far (nothing, if parsing itself ran out).
fn time_budget(len: usize) -> Duration {
    let per_kib = Duration::from_millis(20).saturating_mul(u32::try_from(len / 1024).unwrap_or(u32::MAX));
    (Duration::from_secs(1) + per_kib).min(Duration::from_secs(10))
}

/// Longest signature kept, in characters (an ellipsis marks a cut).
const MAX_SIGNATURE_CHARS: usize = 160;
/// How much raw text a signature is taken from, before collapsing whitespace.
const MAX_SIGNATURE_SOURCE_BYTES: usize = 640;

thread_local! {
    // Parsers are not `Sync`; one per thread, its language set per call.
    static PARSER: RefCell<Parser> = RefCell::new(Parser::new());
}

// ---------------------------------------------------------------------------
// Queries

/// Shared by TypeScript, TSX and JavaScript (the TypeScript grammar extends
/// the JavaScript one).
const JS_COMMON: &str = r#"
(function_declaration name: (_) @name) @def.function
(generator_function_declaration name: (_) @name) @def.function
(class_declaration name: (_) @name) @def.class
(class_body (method_definition name: (_) @name) @def.method)

(export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name) @def.var))
(export_statement declaration: (variable_declaration (variable_declarator name: (identifier) @name) @def.var))
(program (lexical_declaration
  (variable_declarator name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @def.var))
(program (variable_declaration
  (variable_declarator name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @def.var))

(call_expression function: (identifier) @ref)
(call_expression function: (member_expression property: (property_identifier) @ref))
(new_expression constructor: (identifier) @ref)
(new_expression constructor: (member_expression property: (property_identifier) @ref))
(decorator (identifier) @ref)
(import_specifier name: (identifier) @ref)
(import_clause (identifier) @ref)
(export_specifier name: (identifier) @ref)

(import_statement source: (string (string_fragment) @import))
(export_statement source: (string (string_fragment) @import))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @import)))
((call_expression function: (identifier) @_require arguments: (arguments . (string (string_fragment) @import)))
  (#eq? @_require "require"))
"#;

const JS_ONLY: &str = r#"
(field_definition property: (_) @name) @def.field
(class_heritage (identifier) @ref)
(class_heritage (member_expression property: (property_identifier) @ref))
"#;

const TS_ONLY: &str = r#"
(function_signature name: (_) @name) @def.function
(abstract_class_declaration name: (_) @name) @def.class
(abstract_method_signature name: (_) @name) @def.method
(public_field_definition name: (_) @name) @def.field
(interface_declaration name: (_) @name) @def.interface
(interface_body (method_signature name: (_) @name) @def.method)
(interface_body (property_signature name: (_) @name) @def.field)
(type_alias_declaration name: (_) @name) @def.type
(enum_declaration name: (_) @name) @def.enum
(internal_module name: (_) @name) @def.module
(module name: (_) @name) @def.module

(type_identifier) @ref
(extends_clause value: (identifier) @ref)
(extends_clause value: (member_expression property: (property_identifier) @ref))
"#;

/// JavaScript and TSX; plain TypeScript has no JSX nodes.
const JSX: &str = r#"
(jsx_opening_element name: (identifier) @ref.jsx)
(jsx_self_closing_element name: (identifier) @ref.jsx)
(jsx_opening_element name: (member_expression property: (property_identifier) @ref.jsx))
(jsx_self_closing_element name: (member_expression property: (property_identifier) @ref.jsx))
"#;

const RUST: &str = r#"
(function_item name: (_) @name) @def.function
(function_signature_item name: (_) @name) @def.function
(struct_item name: (_) @name) @def.struct
(union_item name: (_) @name) @def.struct
(enum_item name: (_) @name) @def.enum
(trait_item name: (_) @name) @def.trait
(type_item name: (_) @name) @def.type
(const_item name: (_) @name) @def.constant
(static_item name: (_) @name) @def.static
(mod_item name: (_) @name) @def.module
(macro_definition name: (_) @name) @def.function

(call_expression function: (identifier) @ref)
(call_expression function: (field_expression field: (field_identifier) @ref))
(call_expression function: (scoped_identifier name: (identifier) @ref))
(call_expression function: (scoped_identifier path: (identifier) @ref))
(generic_function function: (identifier) @ref)
(generic_function function: (field_expression field: (field_identifier) @ref))
(generic_function function: (scoped_identifier name: (identifier) @ref))
(macro_invocation macro: (identifier) @ref)
(type_identifier) @ref

(use_declaration argument: (_) @use)
(extern_crate_declaration name: (identifier) @import)
(mod_item name: (identifier) @import !body)
"#;

const PYTHON: &str = r#"
(function_definition name: (_) @name) @def.function
(class_definition name: (_) @name) @def.class
(module (expression_statement (assignment left: (identifier) @name) @def.constant)
  (#match? @name "^[A-Z_][A-Z0-9_]*$"))
(type_alias_statement left: (type (identifier) @name)) @def.type

(call function: (identifier) @ref)
(call function: (attribute attribute: (identifier) @ref))
(decorator (identifier) @ref)
(decorator (attribute attribute: (identifier) @ref))
(type) @refs.in
(class_definition superclasses: (argument_list) @refs.in)
(import_from_statement name: (dotted_name (identifier) @ref .))
(import_from_statement name: (aliased_import name: (dotted_name (identifier) @ref .)))

(import_statement name: (dotted_name) @import)
(import_statement name: (aliased_import name: (dotted_name) @import))
(import_from_statement module_name: (_) @import)
"#;

const GO: &str = r#"
(function_declaration name: (_) @name) @def.function
(method_declaration name: (_) @name) @def.method
(type_spec name: (_) @name) @def.gotype
(type_alias name: (_) @name) @def.type
(const_spec name: (identifier) @name) @def.constant
(var_spec name: (identifier) @name) @def.variable
(method_elem name: (_) @name) @def.method

(call_expression function: (identifier) @ref)
(call_expression function: (selector_expression field: (field_identifier) @ref))
(type_identifier) @ref

(import_spec path: (_) @import)
"#;

/// Names too common to be worth a reference: builtins and preludes that a
/// project rarely defines itself.
#[rustfmt::skip]
const JS_NOISE: &[&str] = &[
    "require", "Promise", "Array", "Object", "String", "Number", "Boolean", "Symbol", "Error",
    "Date", "Map", "Set", "RegExp", "JSON", "Record", "Partial", "Readonly", "Pick", "Omit",
    "Required", "ReturnType", "Parameters", "Awaited",
];
#[rustfmt::skip]
const RUST_NOISE: &[&str] = &[
    "Self", "Some", "None", "Ok", "Err", "Box", "Vec", "String", "Option", "Result", "println",
    "eprintln", "print", "eprint", "format", "format_args", "write", "writeln", "vec", "panic",
    "assert", "assert_eq", "assert_ne", "debug_assert", "debug_assert_eq", "debug_assert_ne",
    "matches", "todo", "unimplemented", "unreachable", "dbg", "concat", "stringify", "env",
    "include_str", "include_bytes", "cfg", "line", "file", "column", "module_path",
];
#[rustfmt::skip]
const PYTHON_NOISE: &[&str] = &[
    "print", "len", "range", "str", "int", "float", "bool", "bytes", "list", "dict", "set", "tuple",
    "type", "object", "isinstance", "issubclass", "super", "getattr", "setattr", "hasattr", "open",
    "enumerate", "zip", "sorted", "reversed", "min", "max", "sum", "any", "all", "repr", "iter",
    "next", "map", "filter", "None", "self", "cls",
];
#[rustfmt::skip]
const GO_NOISE: &[&str] = &[
    "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
    "uint64", "uintptr", "float32", "float64", "complex64", "complex128", "bool", "byte", "rune",
    "error", "any", "comparable", "make", "len", "cap", "append", "new", "panic", "recover", "copy",
    "delete", "close", "print", "println", "min", "max", "clear",
];

/// What a capture means.
#[derive(Debug, Clone, Copy)]
enum Role {
    Def(DefKind),
    Name,
    Ref,
    /// A JSX element name: a reference only when capitalised (`<Button>`,
    /// not `<div>`).
    RefJsx,
    /// Every identifier inside the node is a reference (Python annotations,
    /// base classes).
    RefsIn,
    Import,
    /// A Rust `use` tree: imports and imported names.
    Use,
    Other,
}

#[derive(Debug, Clone, Copy)]
enum DefKind {
    Fixed(SymbolKind),
    /// A JS/TS declarator: function, constant or variable.
    JsVar,
    /// A class field: a method when its value is a function.
    JsField,
    /// A Go `type` spec: struct, interface or other.
    GoType,
    /// A Rust `static`: variable when `mut`.
    RustStatic,
}

fn role(capture: &str) -> Role {
    let kind = |k| Role::Def(DefKind::Fixed(k));
    match capture {
        "name" => Role::Name,
        "ref" => Role::Ref,
        "ref.jsx" => Role::RefJsx,
        "refs.in" => Role::RefsIn,
        "import" => Role::Import,
        "use" => Role::Use,
        "def.function" => kind(SymbolKind::Function),
        "def.method" => kind(SymbolKind::Method),
        "def.class" => kind(SymbolKind::Class),
        "def.interface" => kind(SymbolKind::Interface),
        "def.struct" => kind(SymbolKind::Struct),
        "def.enum" => kind(SymbolKind::Enum),
        "def.trait" => kind(SymbolKind::Trait),
        "def.type" => kind(SymbolKind::Type),
        "def.constant" => kind(SymbolKind::Constant),
        "def.variable" => kind(SymbolKind::Variable),
        "def.module" => kind(SymbolKind::Module),
        "def.field" => Role::Def(DefKind::JsField),
        "def.var" => Role::Def(DefKind::JsVar),
        "def.gotype" => Role::Def(DefKind::GoType),
        "def.static" => Role::Def(DefKind::RustStatic),
        _ => Role::Other,
    }
}

/// A language's grammar and compiled query.
struct Spec {
    language: Language,
    query: Query,
    roles: Vec<Role>,
}

impl Spec {
    fn new(language: Language, sources: &[&str]) -> Option<Self> {
        let query = Query::new(&language, &sources.concat()).ok()?;
        let roles = query.capture_names().iter().map(|c| role(c)).collect();
        Some(Self { language, query, roles })
    }

    fn of(lang: Lang) -> Option<&'static Self> {
        static TYPESCRIPT: LazyLock<Option<Spec>> =
            LazyLock::new(|| Spec::new(tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(), &[JS_COMMON, TS_ONLY]));
        static TSX: LazyLock<Option<Spec>> =
            LazyLock::new(|| Spec::new(tree_sitter_typescript::LANGUAGE_TSX.into(), &[JS_COMMON, TS_ONLY, JSX]));
        static JAVASCRIPT: LazyLock<Option<Spec>> =
            LazyLock::new(|| Spec::new(tree_sitter_javascript::LANGUAGE.into(), &[JS_COMMON, JS_ONLY, JSX]));
        static RUST_SPEC: LazyLock<Option<Spec>> =
            LazyLock::new(|| Spec::new(tree_sitter_rust::LANGUAGE.into(), &[RUST]));
        static PYTHON_SPEC: LazyLock<Option<Spec>> =
            LazyLock::new(|| Spec::new(tree_sitter_python::LANGUAGE.into(), &[PYTHON]));
        static GO_SPEC: LazyLock<Option<Spec>> = LazyLock::new(|| Spec::new(tree_sitter_go::LANGUAGE.into(), &[GO]));
        match lang {
            Lang::TypeScript => TYPESCRIPT.as_ref(),
            Lang::Tsx => TSX.as_ref(),
            Lang::JavaScript => JAVASCRIPT.as_ref(),
            Lang::Rust => RUST_SPEC.as_ref(),
            Lang::Python => PYTHON_SPEC.as_ref(),
            Lang::Go => GO_SPEC.as_ref(),
        }
    }
}

// ---------------------------------------------------------------------------
// Collecting

struct Collector<'t> {
    text: &'t str,
    lang: Lang,
    columns: ColumnCache,
}

impl<'t> Collector<'t> {
    fn new(text: &'t str, lang: Lang) -> Self {
        Self { text, lang, columns: ColumnCache::default() }
    }

    fn run(mut self, spec: &Spec, root: Node<'_>, deadline: Instant, index: &mut FileIndex) {
        let mut defs: Vec<(Node, Node, DefKind)> = Vec::new();
        let mut refs: Vec<Node> = Vec::new();
        let mut imports: Vec<String> = Vec::new();

        let mut cursor = QueryCursor::new();
        let mut past_deadline = |_: &QueryCursorState| Instant::now() > deadline;
        let options = QueryCursorOptions::new().progress_callback(&mut past_deadline);
        let mut matches = cursor.matches_with_options(&spec.query, root, self.text.as_bytes(), options);
        while let Some(m) = matches.next() {
            let mut def = None;
            let mut name = None;
            for capture in m.captures {
                let node = capture.node;
                match spec.roles.get(capture.index as usize) {
                    Some(Role::Def(kind)) => def = Some((node, *kind)),
                    Some(Role::Name) => name = Some(node),
                    Some(Role::Ref) => refs.push(node),
                    Some(Role::RefJsx) => {
                        if self.node_text(node).starts_with(char::is_uppercase) {
                            refs.push(node);
                        }
                    }
                    Some(Role::RefsIn) => self.identifiers_in(node, &mut refs),
                    Some(Role::Import) => {
                        let spec = self.node_text(node).trim_matches(['"', '\'', '`']);
                        if !spec.is_empty() {
                            imports.push(spec.to_owned());
                        }
                    }
                    Some(Role::Use) => self.rust_use(node, "", &mut imports, &mut refs),
                    Some(Role::Other) | None => {}
                }
            }
            if let (Some((node, kind)), Some(name)) = (def, name) {
                defs.push((node, name, kind));
            }
        }

        // Definitions, in source order, each name once.
        defs.sort_by_key(|(_, name, _)| name.start_byte());
        defs.dedup_by_key(|(_, name, _)| name.start_byte());
        let mut def_names = HashSet::new();
        for (node, name, kind) in defs {
            def_names.insert(name.start_byte());
            if let Some(def) = self.def(node, name, kind) {
                index.defs.push(def);
            }
        }

        // References, in source order, once per name and line.
        refs.sort_by_key(|node| node.start_byte());
        let noise = noise(self.lang);
        let mut seen = HashSet::new();
        for node in refs {
            if def_names.contains(&node.start_byte()) {
                continue;
            }
            let name = self.node_text(node);
            if name.chars().nth(1).is_none() || noise.contains(&name) {
                continue;
            }
            let line = row(node);
            if seen.insert((name, line)) {
                index.refs.push(Ref { name: name.to_owned(), line });
            }
        }

        let mut seen = HashSet::new();
        imports.retain(|spec| seen.insert(spec.clone()));
        index.imports = imports;
    }

    fn node_text(&self, node: Node<'_>) -> &'t str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// A definition, unless it is local to a function body or unnamed.
    fn def(&mut self, node: Node<'_>, name: Node<'_>, kind: DefKind) -> Option<Def> {
        if !matches!(name.kind(), "identifier" | "type_identifier" | "property_identifier" | "field_identifier") {
            return None;
        }
        let name_text = self.node_text(name);
        if name_text.is_empty() || (name_text == "constructor" && node.kind() == "method_definition") {
            return None;
        }
        let (container, in_class) = self.container(node)?;
        let mut kind = match kind {
            DefKind::Fixed(kind) => kind,
            DefKind::JsVar => js_var_kind(node),
            DefKind::JsField => {
                let value = node.child_by_field_name("value");
                if value.is_some_and(|v| is_js_function(v.kind())) { SymbolKind::Method } else { SymbolKind::Field }
            }
            DefKind::GoType => match node.child_by_field_name("type").map(|t| t.kind()) {
                Some("struct_type") => SymbolKind::Struct,
                Some("interface_type") => SymbolKind::Interface,
                _ => SymbolKind::Type,
            },
            DefKind::RustStatic => {
                if has_child(node, "mutable_specifier") {
                    SymbolKind::Variable
                } else {
                    SymbolKind::Constant
                }
            }
        };
        if kind == SymbolKind::Function && in_class {
            kind = SymbolKind::Method;
        }
        let line = row(name);
        let column = self.columns.utf16(self.text, name.start_byte(), name.start_position().column);
        let end_column = column.saturating_add(utf16_len(name_text));
        Some(Def {
            name: name_text.to_owned(),
            kind,
            line,
            column,
            end_column,
            signature: self.signature(node),
            container,
        })
    }

    /// The enclosing class, impl, interface or module, and whether it holds
    /// methods (a class, impl or trait rather than a module). `None` when
    /// the definition sits inside a function body: locals are left out.
    fn container(&self, node: Node<'_>) -> Option<(Option<String>, bool)> {
        let mut found: Option<(Option<String>, bool)> = None;
        if self.lang == Lang::Go && node.kind() == "method_declaration" {
            let receiver = node
                .child_by_field_name("receiver")
                .and_then(|r| r.named_child(0))
                .and_then(|p| p.child_by_field_name("type"));
            found = Some((receiver.map(|t| self.type_name(t)), true));
        }
        let mut current = node.parent();
        while let Some(ancestor) = current {
            let kind = ancestor.kind();
            if is_function_like(self.lang, kind) {
                return None;
            }
            if found.is_none() {
                found = self.container_name(ancestor);
            }
            current = ancestor.parent();
        }
        Some(found.unwrap_or((None, false)))
    }

    fn container_name(&self, node: Node<'_>) -> Option<(Option<String>, bool)> {
        let name = |field: &str| {
            node.child_by_field_name(field).map(|n| self.node_text(n).trim_matches(['"', '\'']).to_owned())
        };
        let holds_methods = match (self.lang, node.kind()) {
            (Lang::TypeScript | Lang::Tsx | Lang::JavaScript, kind) => match kind {
                "class_declaration" | "abstract_class_declaration" | "class" | "interface_declaration" => true,
                "internal_module" | "module" => false,
                _ => return None,
            },
            (Lang::Rust, "impl_item") => {
                let ty = node.child_by_field_name("type")?;
                return Some((Some(self.type_name(ty)), true));
            }
            (Lang::Rust, "trait_item") => true,
            (Lang::Rust, "mod_item") => false,
            (Lang::Python, "class_definition") => true,
            (Lang::Go, "type_spec") => true,
            _ => return None,
        };
        Some((name("name"), holds_methods))
    }

    /// The bare name of a type: `Foo` for `&mut Foo<T>`, `*Foo`, `a::Foo`.
    fn type_name(&self, mut node: Node<'_>) -> String {
        for _ in 0..16 {
            let next = match node.kind() {
                "generic_type" | "reference_type" | "pointer_type" if self.lang == Lang::Rust => {
                    node.child_by_field_name("type")
                }
                "generic_type" => node.child_by_field_name("type"),
                "pointer_type" | "parenthesized_type" => node.named_child(0),
                "scoped_type_identifier" | "qualified_type" => node.child_by_field_name("name"),
                _ => None,
            };
            match next {
                Some(next) => node = next,
                None => break,
            }
        }
        collapse(self.node_text(node), MAX_SIGNATURE_CHARS)
    }

    /// The declaration's head: from its first keyword (after decorators) to
    /// its body, or its first line when it has none.
    fn signature(&self, node: Node<'_>) -> String {
        let text = self.text;
        let mut prefix = "";
        let mut outer = node;
        match self.lang {
            Lang::Go => {
                // `type Foo struct`, `const Max = 3`: the keyword sits on the
                // declaration, which may group several specs in parentheses.
                if let Some(parent) = node.parent() {
                    let keyword = match parent.kind() {
                        "type_declaration" => "type ",
                        "const_declaration" => "const ",
                        "var_declaration" | "var_spec_list" => "var ",
                        _ => "",
                    };
                    if !keyword.is_empty() {
                        if parent.kind() == "var_spec_list" || has_child(parent, "(") {
                            prefix = keyword;
                        } else {
                            outer = parent;
                        }
                    }
                }
            }
            Lang::TypeScript | Lang::Tsx | Lang::JavaScript => {
                while let Some(parent) = outer.parent() {
                    if matches!(
                        parent.kind(),
                        "lexical_declaration" | "variable_declaration" | "export_statement" | "ambient_declaration"
                    ) {
                        outer = parent;
                    } else {
                        break;
                    }
                }
            }
            Lang::Rust | Lang::Python => {}
        }
        let mut start = outer.start_byte();
        let mut cursor = outer.walk();
        for child in outer.children(&mut cursor) {
            if !matches!(child.kind(), "decorator" | "comment" | "attribute_item") {
                start = child.start_byte();
                break;
            }
        }
        let limit = floor_char_boundary(text, start.saturating_add(MAX_SIGNATURE_SOURCE_BYTES));
        let end = match self.body_start(node) {
            Some(body) if body > start => body.min(limit),
            _ => {
                let end = node.end_byte().min(limit);
                let head = text.get(start..end).unwrap_or("");
                start + head.find('\n').unwrap_or(head.len())
            }
        };
        let head = text.get(start..end).unwrap_or("");
        let head = head.trim_end_matches(|c: char| c.is_whitespace() || "{;=:".contains(c));
        let cut = end == limit && end < node.end_byte();
        let mut signature = collapse(&format!("{prefix}{head}"), MAX_SIGNATURE_CHARS);
        if cut && !signature.ends_with('…') {
            // The ellipsis counts within the bound.
            if signature.chars().count() >= MAX_SIGNATURE_CHARS {
                signature.pop();
            }
            signature.push('…');
        }
        signature
    }

    /// Where the declaration's body starts, if it has one worth cutting at.
    fn body_start(&self, node: Node<'_>) -> Option<usize> {
        let body = match node.kind() {
            "variable_declarator" | "public_field_definition" | "field_definition" => node
                .child_by_field_name("value")
                .filter(|v| is_js_function(v.kind()))
                .and_then(|v| v.child_by_field_name("body")),
            "type_spec" => {
                let ty = node.child_by_field_name("type")?;
                match ty.kind() {
                    "struct_type" => ty.named_child(0),
                    "interface_type" => child_of_kind(ty, "{"),
                    _ => None,
                }
            }
            "macro_definition" => ["{", "(", "["].into_iter().find_map(|open| child_of_kind(node, open)),
            "struct_item" => node.child_by_field_name("body").filter(|b| b.kind() == "field_declaration_list"),
            _ => node.child_by_field_name("body"),
        };
        body.map(|b| b.start_byte())
    }

    /// Identifiers inside a Python annotation or base-class list, skipping
    /// the object of an attribute (`typing` in `typing.Optional`).
    fn identifiers_in<'a>(&self, node: Node<'a>, refs: &mut Vec<Node<'a>>) {
        let mut cursor = node.walk();
        let mut visited = 0;
        loop {
            let current = cursor.node();
            visited += 1;
            if current.kind() == "identifier" {
                let is_object = current.parent().is_some_and(|p| {
                    p.kind() == "attribute" && p.child_by_field_name("object").map(|o| o.id()) == Some(current.id())
                });
                if !is_object {
                    refs.push(current);
                }
            }
            if visited < 4096 && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.node().id() == node.id() {
                    return;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    /// A Rust `use` tree: `crate::db::{Pool, connect}` imports `crate::db`
    /// and references `Pool` and `connect`.
    fn rust_use<'a>(&self, node: Node<'a>, prefix: &str, imports: &mut Vec<String>, refs: &mut Vec<Node<'a>>) {
        let join = |path: &str| {
            if prefix.is_empty() { path.to_owned() } else { format!("{prefix}::{path}") }
        };
        let top = prefix.is_empty();
        match node.kind() {
            "scoped_use_list" => {
                let path = node
                    .child_by_field_name("path")
                    .map(|p| collapse(self.node_text(p), usize::MAX))
                    .unwrap_or_default();
                let full = join(&path);
                imports.push(full.clone());
                if let Some(list) = node.child_by_field_name("list") {
                    self.rust_use(list, &full, imports, refs);
                }
            }
            "use_list" => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    self.rust_use(child, if top { "" } else { prefix }, imports, refs);
                }
            }
            "use_as_clause" => {
                if let Some(path) = node.child_by_field_name("path") {
                    self.rust_use(path, prefix, imports, refs);
                }
            }
            "use_wildcard" => {
                if let Some(path) = node.named_child(0) {
                    imports.push(join(&collapse(self.node_text(path), usize::MAX)));
                }
            }
            "scoped_identifier" | "identifier" => {
                if top {
                    imports.push(collapse(self.node_text(node), usize::MAX));
                }
                let last = if node.kind() == "identifier" { Some(node) } else { node.child_by_field_name("name") };
                if let Some(last) = last.filter(|n| n.kind() == "identifier") {
                    refs.push(last);
                }
            }
            _ => {
                if top {
                    imports.push(collapse(self.node_text(node), usize::MAX));
                }
            }
        }
    }
}

fn js_var_kind(declarator: Node<'_>) -> SymbolKind {
    let value = declarator.child_by_field_name("value");
    if value.is_some_and(|v| is_js_function(v.kind())) {
        return SymbolKind::Function;
    }
    let declaration = declarator.parent();
    let is_const = declaration.is_some_and(|d| {
        d.kind() == "lexical_declaration" && d.child_by_field_name("kind").is_some_and(|k| k.kind() == "const")
    });
    if is_const { SymbolKind::Constant } else { SymbolKind::Variable }
}

fn is_js_function(kind: &str) -> bool {
    matches!(kind, "arrow_function" | "function_expression" | "function" | "generator_function")
}

fn is_function_like(lang: Lang, kind: &str) -> bool {
    match lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => matches!(
            kind,
            "function_declaration"
                | "generator_function_declaration"
                | "function_expression"
                | "function"
                | "generator_function"
                | "arrow_function"
                | "method_definition"
                | "class_static_block"
        ),
        Lang::Rust => matches!(kind, "function_item" | "closure_expression"),
        Lang::Python => matches!(kind, "function_definition" | "lambda"),
        Lang::Go => matches!(kind, "function_declaration" | "method_declaration" | "func_literal"),
    }
}

fn noise(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => JS_NOISE,
        Lang::Rust => RUST_NOISE,
        Lang::Python => PYTHON_NOISE,
        Lang::Go => GO_NOISE,
    }
}

fn has_child(node: Node<'_>, kind: &str) -> bool {
    child_of_kind(node, kind).is_some()
}

fn child_of_kind<'a>(node: Node<'a>, kind: &str) -> Option<Node<'a>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).find(|c| c.kind() == kind)
}

fn row(node: Node<'_>) -> u32 {
    u32::try_from(node.start_position().row).unwrap_or(u32::MAX)
}

fn utf16_len(s: &str) -> u32 {
    u32::try_from(s.encode_utf16().count()).unwrap_or(u32::MAX)
}

/// Whitespace runs collapsed to one space, trimmed, at most `max` chars
/// (an ellipsis marks a cut).
fn collapse(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in s.split_whitespace() {
        if !out.is_empty() {
            // The space and the next character must still leave room for an ellipsis.
            if count + 2 >= max && max != usize::MAX {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count + 1 >= max && max != usize::MAX {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte columns to UTF-16 columns. Remembers the last position so that a
/// run of names along one long line (minified code) costs one pass.
#[derive(Default)]
struct ColumnCache {
    line_start: usize,
    byte: usize,
    utf16: u32,
}

impl ColumnCache {
    fn utf16(&mut self, text: &str, byte: usize, byte_column: usize) -> u32 {
        let line_start = byte.saturating_sub(byte_column);
        let from = if line_start == self.line_start && byte >= self.byte {
            self.byte
        } else {
            self.line_start = line_start;
            self.utf16 = 0;
            line_start
        };
        let Some(segment) = text.get(from..byte) else {
            // Not a char boundary (cannot happen for valid trees): count bytes.
            return u32::try_from(byte_column).unwrap_or(u32::MAX);
        };
        self.utf16 = self.utf16.saturating_add(utf16_len(segment));
        self.byte = byte;
        self.utf16
    }
}
