//! What the smell walk needs to know about each grammar: the role of every
//! node kind, as bit flags in a table indexed by kind id, and the ids of the
//! fields it reads. Built once per language; looking a node up is an index.
//!
//! Kinds are matched by name and by whether they are named, over every kind
//! id of the grammar, so aliased kinds (one name, several ids) all get their
//! role.

use std::sync::LazyLock;

use tree_sitter::Language;

use crate::smells::Lang;

/// A function with a body: measured on its own.
pub(crate) const FUNCTION: u16 = 1;
/// A class-like declaration: lines and members.
pub(crate) const CLASS: u16 = 1 << 1;
/// A control block that nests (if, loops, switch/match, try, with).
pub(crate) const NEST: u16 = 1 << 2;
/// A decision point: +1 cyclomatic complexity.
pub(crate) const DECISION: u16 = 1 << 3;
/// A binary (or augmented assignment) expression: its operator token may
/// be [`LOGICAL`].
pub(crate) const BINARY: u16 = 1 << 4;
/// A short-circuit operator token (`&&`, `||`, `??`, `&&=`…): +1 when its
/// parent is [`BINARY`].
pub(crate) const LOGICAL: u16 = 1 << 5;
/// An `else` clause: an `if` directly inside it continues a chain and does
/// not nest deeper.
pub(crate) const ELSE: u16 = 1 << 6;
/// An `if`: does not nest when directly inside an [`ELSE`].
pub(crate) const IF: u16 = 1 << 7;
/// A multi-way branch (Rust `match` block, Python `match`): +1 per arm
/// after the first.
pub(crate) const ARMS: u16 = 1 << 8;
/// One arm of an [`ARMS`] branch.
pub(crate) const ARM: u16 = 1 << 9;
/// A class member: method or field.
pub(crate) const MEMBER: u16 = 1 << 10;
/// A named child of a parameter list that is not a parameter (comments,
/// separators, `self`, attributes).
pub(crate) const NOT_PARAM: u16 = 1 << 11;
/// A subtree that holds no function body and no decision: comments,
/// strings, types, imports, macro token trees. The walk does not descend
/// into it (a third of the nodes of a typical TypeScript file).
pub(crate) const SKIP: u16 = 1 << 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// TypeScript, TSX and JavaScript (the TypeScript grammar extends the
    /// JavaScript one).
    Js,
    Rust,
    Python,
}

pub(crate) struct Grammar {
    pub(crate) language: Language,
    pub(crate) family: Family,
    flags: Vec<u16>,
    pub(crate) field_name: Option<u16>,
    pub(crate) field_body: Option<u16>,
    pub(crate) field_parameters: Option<u16>,
    pub(crate) field_parameter: Option<u16>,
    pub(crate) field_type: Option<u16>,
    pub(crate) field_pattern: Option<u16>,
}

impl Grammar {
    pub(crate) fn of(lang: Lang) -> Option<&'static Self> {
        static TS: LazyLock<Grammar> =
            LazyLock::new(|| Grammar::new(tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(), Family::Js));
        static TSX: LazyLock<Grammar> =
            LazyLock::new(|| Grammar::new(tree_sitter_typescript::LANGUAGE_TSX.into(), Family::Js));
        static JS: LazyLock<Grammar> =
            LazyLock::new(|| Grammar::new(tree_sitter_javascript::LANGUAGE.into(), Family::Js));
        static RUST: LazyLock<Grammar> =
            LazyLock::new(|| Grammar::new(tree_sitter_rust::LANGUAGE.into(), Family::Rust));
        static PYTHON: LazyLock<Grammar> =
            LazyLock::new(|| Grammar::new(tree_sitter_python::LANGUAGE.into(), Family::Python));
        match lang {
            Lang::TypeScript => Some(&TS),
            Lang::Tsx => Some(&TSX),
            Lang::JavaScript => Some(&JS),
            Lang::Rust => Some(&RUST),
            Lang::Python => Some(&PYTHON),
            Lang::Go => None,
        }
    }

    fn new(language: Language, family: Family) -> Self {
        let count = u16::try_from(language.node_kind_count()).unwrap_or(u16::MAX);
        let flags = (0..count)
            .map(|id| match language.node_kind_for_id(id) {
                Some(kind) => role(family, kind, language.node_kind_is_named(id)),
                None => 0,
            })
            .collect();
        let field = |name: &str| language.field_id_for_name(name).map(u16::from);
        Self {
            family,
            flags,
            field_name: field("name"),
            field_body: field("body"),
            field_parameters: field("parameters"),
            field_parameter: field("parameter"),
            field_type: field("type"),
            field_pattern: field("pattern"),
            language,
        }
    }

    /// The role flags of a node kind (0 for kinds the walk ignores).
    pub(crate) fn flags(&self, kind_id: u16) -> u16 {
        self.flags.get(usize::from(kind_id)).copied().unwrap_or(0)
    }
}

fn role(family: Family, kind: &str, named: bool) -> u16 {
    if !named {
        return match (family, kind) {
            (Family::Js, "&&" | "||" | "??" | "&&=" | "||=" | "??=") | (Family::Rust, "&&" | "||") => LOGICAL,
            _ => 0,
        };
    }
    match family {
        Family::Js => match kind {
            "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "generator_function"
            | "arrow_function" => FUNCTION,
            "method_definition" => FUNCTION | MEMBER,
            "class_declaration" | "class" | "abstract_class_declaration" => CLASS,
            "field_definition" | "public_field_definition" | "abstract_method_signature" => MEMBER,
            "if_statement" => NEST | DECISION | IF,
            "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => NEST | DECISION,
            "switch_statement" | "try_statement" | "with_statement" => NEST,
            "switch_case" | "catch_clause" | "ternary_expression" => DECISION,
            "binary_expression" | "augmented_assignment_expression" => BINARY,
            "else_clause" => ELSE,
            "comment" => NOT_PARAM | SKIP,
            "string"
            | "regex"
            | "type_annotation"
            | "type_arguments"
            | "type_parameters"
            | "interface_declaration"
            | "type_alias_declaration"
            | "enum_declaration"
            | "ambient_declaration"
            | "import_statement"
            | "jsx_text" => SKIP,
            _ => 0,
        },
        Family::Rust => match kind {
            "function_item" => FUNCTION | MEMBER,
            "closure_expression" => FUNCTION,
            "impl_item" | "trait_item" | "struct_item" => CLASS,
            "function_signature_item" | "const_item" | "type_item" | "associated_type" | "field_declaration" => MEMBER,
            "if_expression" => NEST | DECISION | IF,
            "for_expression" | "while_expression" => NEST | DECISION,
            "loop_expression" | "match_expression" => NEST,
            "match_block" => ARMS,
            "match_arm" => ARM,
            "binary_expression" | "let_chain" => BINARY,
            "else_clause" => ELSE,
            "self_parameter" | "attribute_item" | "line_comment" | "block_comment" => NOT_PARAM | SKIP,
            "inner_attribute_item"
            | "string_literal"
            | "raw_string_literal"
            | "use_declaration"
            | "token_tree"
            | "type_arguments"
            | "type_parameters"
            | "generic_type"
            | "reference_type" => SKIP,
            _ => 0,
        },
        Family::Python => match kind {
            "function_definition" => FUNCTION | MEMBER,
            "lambda" => FUNCTION,
            "class_definition" => CLASS,
            "decorated_definition" => MEMBER,
            "if_statement" | "for_statement" | "while_statement" => NEST | DECISION,
            "try_statement" | "with_statement" => NEST,
            "match_statement" => NEST | ARMS,
            "case_clause" => ARM,
            "elif_clause"
            | "except_clause"
            | "except_group_clause"
            | "conditional_expression"
            | "boolean_operator"
            | "for_in_clause"
            | "if_clause" => DECISION,
            "comment" => NOT_PARAM | SKIP,
            "keyword_separator" | "positional_separator" => NOT_PARAM,
            "string" | "import_statement" | "import_from_statement" | "future_import_statement" | "type" => SKIP,
            _ => 0,
        },
    }
}
