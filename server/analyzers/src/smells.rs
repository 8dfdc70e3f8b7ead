//! Code smells read off the tree-sitter syntax tree: long functions, too
//! many parameters, deep nesting, high cyclomatic complexity, large classes,
//! and (from the text) duplicated blocks. TypeScript, TSX, JavaScript, Rust
//! and Python; Go yields nothing.
//!
//! One walk over the tree computes every metric: a stack of open functions
//! takes the decision points and nesting blocks met inside each (a nested
//! function opens its own frame, so its complexity and nesting are not its
//! parent's); classes are measured where they open. What each node kind
//! means per grammar is one table lookup (`grammar.rs`).
//!
//! Threshold semantics: a smell is reported when its value is greater than
//! the threshold, except duplicated blocks, reported from
//! `min_duplicate_lines` lines on. A threshold of 0 turns its check off.
//!
//! Invariant: never panics, whatever the text (the walk is iterative, every
//! slice goes through `str::get`). Columns are UTF-16 code units.

mod duplicates;
mod grammar;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use specwright_spec::text::utf16_len;
use specwright_spec::{Position, Range};
use tree_sitter::{InputEdit, Node, ParseOptions, ParseState, Parser, Point, Tree};

pub use specwright_index::Lang;

use grammar::{
    ARM, ARMS, BINARY, CLASS, DECISION, ELSE, FUNCTION, Family, Grammar, IF, LOGICAL, MEMBER, NEST, NOT_PARAM, SKIP,
};

/// Thresholds, from editor settings `specwright.analyzers.smells.*`
/// (camelCase keys). 0 turns a check off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Thresholds {
    /// Lines of a function, from its first line to its last.
    pub max_function_lines: u32,
    /// Parameters of a function (`this`, `self` and `cls` not counted).
    pub max_parameters: u32,
    /// Depth of nested control blocks inside one function.
    pub max_nesting: u32,
    /// Cyclomatic complexity (McCabe): 1 + decision points.
    pub max_complexity: u32,
    /// Lines of a class (Rust: of one `impl`, `trait` or `struct`).
    pub max_class_lines: u32,
    /// Methods and fields of a class.
    pub max_class_members: u32,
    /// A block of this many normalized non-blank lines appearing twice in
    /// the file is reported.
    pub min_duplicate_lines: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            max_function_lines: 60,
            max_parameters: 5,
            max_nesting: 4,
            max_complexity: 10,
            max_class_lines: 300,
            max_class_members: 20,
            min_duplicate_lines: 8,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smell {
    pub code: &'static str,
    /// The function's or class's name (or the first line of the block for
    /// duplicates; for deep nesting the deepest construct's first line).
    pub range: Range,
    /// E.g. "Function `handle` has 7 parameters (more than 5)".
    pub message: String,
    pub value: u32,
    pub threshold: u32,
    /// Other places involved: for a duplicated block, the whole first copy.
    pub related: Vec<Range>,
}

/// Diagnostic codes: public interface, never rename one.
pub mod codes {
    pub const LONG_FUNCTION: &str = "smell-long-function";
    pub const TOO_MANY_PARAMETERS: &str = "smell-too-many-parameters";
    pub const DEEP_NESTING: &str = "smell-deep-nesting";
    pub const HIGH_COMPLEXITY: &str = "smell-high-complexity";
    pub const LARGE_CLASS: &str = "smell-large-class";
    pub const DUPLICATED_BLOCK: &str = "smell-duplicated-block";

    pub const ALL: &[&str] =
        &[LONG_FUNCTION, TOO_MANY_PARAMETERS, DEEP_NESTING, HIGH_COMPLEXITY, LARGE_CLASS, DUPLICATED_BLOCK];

    /// One sentence per code, for SARIF rules.
    pub fn description(code: &str) -> &'static str {
        match code {
            LONG_FUNCTION => "A function or method has more lines than the configured maximum.",
            TOO_MANY_PARAMETERS => "A function or method takes more parameters than the configured maximum.",
            DEEP_NESTING => "Control blocks inside a function are nested deeper than the configured maximum.",
            HIGH_COMPLEXITY => {
                "A function's cyclomatic complexity (1 + its decision points) is above the configured maximum."
            }
            LARGE_CLASS => "A class has more lines or more members than the configured maximum.",
            DUPLICATED_BLOCK => "A block of lines appears more than once in the same file.",
            _ => "A code smell.",
        }
    }
}

thread_local! {
    // Parsers are not shareable between threads; one per thread, its
    // language set per call.
    static PARSER: RefCell<Parser> = RefCell::new(Parser::new());
}

/// Parses `text` (reusing `old` for an incremental reparse when given: the
/// caller has already called `old.edit(..)`); None when the language is not
/// supported (Go) or parsing ran out of time.
pub fn parse(lang: Lang, text: &str, old: Option<&Tree>) -> Option<Tree> {
    let grammar = Grammar::of(lang)?;
    let deadline = Instant::now() + time_budget(text.len());
    PARSER.with(|parser| {
        let mut parser = parser.try_borrow_mut().ok()?;
        // A parse halted by the deadline would otherwise resume, on the
        // next call, where it stopped.
        parser.reset();
        parser.set_language(&grammar.language).ok()?;
        // A tree of another grammar cannot be reused.
        let old = old.filter(|tree| *tree.language() == grammar.language);
        let bytes = text.as_bytes();
        let mut past_deadline = |_: &ParseState| Instant::now() > deadline;
        let options = ParseOptions::new().progress_callback(&mut past_deadline);
        parser.parse_with_options(&mut |offset, _| bytes.get(offset..).unwrap_or_default(), old, Some(options))
    })
}

/// The one edit that turns `old` into `new` (their common prefix and
/// suffix left out), for [`Tree::edit`] before an incremental [`parse`];
/// None when the texts are equal. Lets a caller that keeps the last parsed
/// text and tree reparse incrementally whatever changed in between, with no
/// bookkeeping of the individual changes.
pub fn diff_edit(old: &str, new: &str) -> Option<InputEdit> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if prefix == a.len() && prefix == b.len() {
        return None;
    }
    while !old.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let room = a.len().min(b.len()) - prefix;
    let mut suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
        suffix -= 1;
    }
    let old_end = a.len() - suffix;
    let new_end = b.len() - suffix;
    Some(InputEdit {
        start_byte: prefix,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position: point_at(a, prefix),
        old_end_position: point_at(a, old_end),
        new_end_position: point_at(b, new_end),
    })
}

/// Tree-sitter's point (row, byte column) of byte `offset`.
fn point_at(text: &[u8], offset: usize) -> Point {
    let before = text.get(..offset).unwrap_or(text);
    let row = before.iter().filter(|&&c| c == b'\n').count();
    let column = before.iter().rev().take_while(|&&c| c != b'\n').count();
    Point { row, column }
}

/// How long one parse may take. Error recovery on some garbage is
/// super-linear; past the budget the file yields no smells.
fn time_budget(len: usize) -> Duration {
    let per_kib = Duration::from_millis(20).saturating_mul(u32::try_from(len / 1024).unwrap_or(u32::MAX));
    (Duration::from_secs(1) + per_kib).min(Duration::from_secs(10))
}

/// Every smell of a parsed file, in position order.
pub fn analyze_tree(lang: Lang, text: &str, tree: &Tree, thresholds: &Thresholds) -> Vec<Smell> {
    let Some(grammar) = Grammar::of(lang) else {
        return Vec::new();
    };
    let mut smells = Vec::new();
    if *tree.language() == grammar.language {
        let mut walk = Walk { g: grammar, text, t: thresholds, open: Vec::new(), frames: Vec::new(), out: &mut smells };
        walk.run(tree.root_node());
    }
    duplicates::find(text, thresholds.min_duplicate_lines, &mut smells);
    smells.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    smells
}

/// [`parse`] + [`analyze_tree`]; nothing when the file cannot be parsed.
pub fn analyze(lang: Lang, text: &str, thresholds: &Thresholds) -> Vec<Smell> {
    parse(lang, text, None).map_or_else(Vec::new, |tree| analyze_tree(lang, text, &tree, thresholds))
}

/// The last parse of one document, kept by a caller that re-analyzes it as
/// it changes (the language server, per open document).
#[derive(Debug, Clone)]
pub struct Parsed {
    lang: Lang,
    text: String,
    tree: Tree,
}

/// Analyzes `text`, reparsing incrementally from `previous` (the last
/// parse of the same document) when its language matches; returns the
/// smells and the parse to keep for the next change. Gives what
/// [`analyze`] gives, in a fraction of the time after a small edit.
pub fn analyze_incremental(
    previous: Option<Parsed>,
    lang: Lang,
    text: &str,
    thresholds: &Thresholds,
) -> (Vec<Smell>, Option<Parsed>) {
    let old = previous.filter(|p| p.lang == lang).map(|mut p| {
        if let Some(edit) = diff_edit(&p.text, text) {
            p.tree.edit(&edit);
        }
        p.tree
    });
    let Some(tree) = parse(lang, text, old.as_ref()) else { return (Vec::new(), None) };
    let smells = analyze_tree(lang, text, &tree, thresholds);
    (smells, Some(Parsed { lang, text: text.to_owned(), tree }))
}

fn over(value: u32, threshold: u32) -> bool {
    threshold != 0 && value > threshold
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A node on the path from the root to the walk's position.
struct Open<'t> {
    node: Node<'t>,
    flags: u16,
    /// Whether entering it deepened the current function's nesting.
    nested: bool,
}

/// A function being walked.
struct Frame<'t> {
    node: Node<'t>,
    parent: Option<Node<'t>>,
    /// A method: directly in a class body (Python's `self` is then not a
    /// parameter).
    in_class: bool,
    complexity: u32,
    depth: u32,
    max_depth: u32,
    deepest: Option<Node<'t>>,
}

struct Walk<'a, 't> {
    g: &'static Grammar,
    text: &'a str,
    t: &'a Thresholds,
    open: Vec<Open<'t>>,
    frames: Vec<Frame<'t>>,
    out: &'a mut Vec<Smell>,
}

impl<'t> Walk<'_, 't> {
    /// Depth-first, every node entered and left once (the inside of a
    /// [`SKIP`] node not at all); iterative, so a deeply nested file cannot
    /// overflow the stack.
    fn run(&mut self, root: Node<'t>) {
        let mut cursor = root.walk();
        loop {
            let descend = self.enter(cursor.node());
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                self.leave();
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    /// Returns whether to walk the node's children.
    fn enter(&mut self, node: Node<'t>) -> bool {
        let flags = self.g.flags(node.kind_id());
        let mut nested = false;
        if flags != 0 {
            let parent_flags = self.open.last().map_or(0, |o| o.flags);
            if flags & CLASS != 0 {
                self.class(node);
            }
            if let Some(frame) = self.frames.last_mut() {
                let mut decisions = u32::from(flags & DECISION != 0);
                if flags & LOGICAL != 0 && parent_flags & BINARY != 0 {
                    decisions += 1;
                }
                if flags & ARMS != 0 {
                    decisions += arms(self.g, node).saturating_sub(1);
                }
                frame.complexity = frame.complexity.saturating_add(decisions);
                let else_if = flags & IF != 0 && parent_flags & ELSE != 0;
                if flags & NEST != 0 && !else_if {
                    nested = true;
                    frame.depth += 1;
                    if frame.depth > frame.max_depth {
                        frame.max_depth = frame.depth;
                        frame.deepest = Some(node);
                    }
                }
            }
            if flags & FUNCTION != 0 {
                let frame = Frame {
                    node,
                    parent: self.open.last().map(|o| o.node),
                    in_class: self.in_class(),
                    complexity: 1,
                    depth: 0,
                    max_depth: 0,
                    deepest: None,
                };
                self.frames.push(frame);
            }
        }
        self.open.push(Open { node, flags, nested });
        flags & SKIP == 0
    }

    fn leave(&mut self) {
        let Some(open) = self.open.pop() else {
            return;
        };
        if open.nested
            && let Some(frame) = self.frames.last_mut()
        {
            frame.depth = frame.depth.saturating_sub(1);
        }
        if open.flags & FUNCTION != 0
            && let Some(frame) = self.frames.pop()
        {
            self.function(&frame);
        }
    }

    /// Whether the function about to be entered sits in a class body: a
    /// class among its nearest three ancestors (body, decorator wrapper,
    /// field), no function in between.
    fn in_class(&self) -> bool {
        for open in self.open.iter().rev().take(3) {
            if open.flags & CLASS != 0 {
                return true;
            }
            if open.flags & FUNCTION != 0 {
                return false;
            }
        }
        false
    }

    fn function(&mut self, frame: &Frame<'t>) {
        let t = self.t;
        let node = frame.node;
        let lines = count(node.end_position().row.saturating_sub(node.start_position().row) + 1);
        let params = self.parameters(frame);
        let long = over(lines, t.max_function_lines);
        let many = over(params, t.max_parameters);
        let deep = over(frame.max_depth, t.max_nesting);
        let complex = over(frame.complexity, t.max_complexity);
        if !(long || many || deep || complex) {
            return;
        }
        let (label, range) = self.function_head(frame);
        if long {
            let message = format!("{label} is {lines} lines long (more than {})", t.max_function_lines);
            self.push(codes::LONG_FUNCTION, range, message, lines, t.max_function_lines);
        }
        if many {
            let message = format!("{label} has {params} parameters (more than {})", t.max_parameters);
            self.push(codes::TOO_MANY_PARAMETERS, range, message, params, t.max_parameters);
        }
        if deep {
            let depth = frame.max_depth;
            let message = format!("{label} nests control blocks {depth} deep (more than {})", t.max_nesting);
            let at = frame.deepest.map_or(range, |n| self.first_line(n));
            self.push(codes::DEEP_NESTING, at, message, depth, t.max_nesting);
        }
        if complex {
            let value = frame.complexity;
            let message = format!("{label} has a cyclomatic complexity of {value} (more than {})", t.max_complexity);
            self.push(codes::HIGH_COMPLEXITY, range, message, value, t.max_complexity);
        }
    }

    fn class(&mut self, node: Node<'t>) {
        let t = self.t;
        let lines = count(node.end_position().row.saturating_sub(node.start_position().row) + 1);
        let members = self.members(node);
        let long = over(lines, t.max_class_lines);
        let many = over(members, t.max_class_members);
        if !(long || many) {
            return;
        }
        let (label, range) = self.class_head(node);
        let lines_part = format!("is {lines} lines long (more than {})", t.max_class_lines);
        let members_part = format!("has {members} members (more than {})", t.max_class_members);
        let (message, value, threshold) = match (long, many) {
            (true, true) => (format!("{label} {lines_part} and {members_part}"), lines, t.max_class_lines),
            (true, false) => (format!("{label} {lines_part}"), lines, t.max_class_lines),
            _ => (format!("{label} {members_part}"), members, t.max_class_members),
        };
        self.push(codes::LARGE_CLASS, range, message, value, threshold);
    }

    fn push(&mut self, code: &'static str, range: Range, message: String, value: u32, threshold: u32) {
        self.out.push(Smell { code, range, message, value, threshold, related: Vec::new() });
    }

    /// Parameters of a function; `this` (TypeScript) and a method's
    /// leading `self`/`cls` (Python) are not counted.
    fn parameters(&self, frame: &Frame<'t>) -> u32 {
        let g = self.g;
        let node = frame.node;
        let Some(list) = g.field_parameters.and_then(|f| node.child_by_field_id(f)) else {
            // An arrow function's lone unparenthesised parameter.
            return u32::from(g.field_parameter.and_then(|f| node.child_by_field_id(f)).is_some());
        };
        let skip_self = g.family == Family::Python && frame.in_class;
        let mut n = 0u32;
        let mut first = true;
        let mut cursor = list.walk();
        for param in list.named_children(&mut cursor) {
            if g.flags(param.kind_id()) & NOT_PARAM != 0 {
                continue;
            }
            let leading = std::mem::replace(&mut first, false);
            if leading && skip_self && matches!(self.text_of(param), "self" | "cls") {
                continue;
            }
            if g.family == Family::Js
                && g.field_pattern.and_then(|f| param.child_by_field_id(f)).is_some_and(|p| p.kind() == "this")
            {
                continue;
            }
            n = n.saturating_add(1);
        }
        n
    }

    /// Methods and fields directly in a class's body.
    fn members(&self, node: Node<'t>) -> u32 {
        let g = self.g;
        let Some(body) = g.field_body.and_then(|f| node.child_by_field_id(f)) else {
            return 0;
        };
        let mut n = 0u32;
        let mut cursor = body.walk();
        for member in body.named_children(&mut cursor) {
            let is_member = g.flags(member.kind_id()) & MEMBER != 0
                || (g.family == Family::Python
                    && member.kind() == "expression_statement"
                    && member.named_child(0).is_some_and(|c| c.kind() == "assignment"));
            n = n.saturating_add(u32::from(is_member));
        }
        n
    }

    /// "Function `name`" and the range of the name, or, for a function
    /// with none, "Anonymous function" and its first line.
    fn function_head(&self, frame: &Frame<'t>) -> (String, Range) {
        let g = self.g;
        let node = frame.node;
        let name = g
            .field_name
            .and_then(|f| node.child_by_field_id(f))
            .or_else(|| frame.parent.and_then(|p| self.name_from_parent(p)));
        let kind = node.kind();
        match name {
            Some(name) => {
                let word = if frame.in_class || kind == "method_definition" { "Method" } else { "Function" };
                (format!("{word} `{}`", self.name_text(name)), self.range(name))
            }
            None => {
                let word = match kind {
                    "closure_expression" => "Closure",
                    "lambda" => "Lambda",
                    _ => "Anonymous function",
                };
                (word.to_owned(), self.first_line(node))
            }
        }
    }

    /// The name a function or class expression takes from where it is
    /// assigned: `const f = …`, `{ f: … }`, `x.f = …`, a class field,
    /// `let f = |…| …`, `f = lambda …`, `key=lambda …`.
    fn name_from_parent(&self, parent: Node<'t>) -> Option<Node<'t>> {
        let field = |name: &str| parent.child_by_field_name(name);
        let name = match (self.g.family, parent.kind()) {
            (Family::Js, "variable_declarator" | "public_field_definition") => field("name"),
            (Family::Js, "pair") => field("key"),
            (Family::Js, "field_definition") => field("property"),
            (Family::Js, "assignment_expression") => {
                let left = field("left")?;
                if left.kind() == "member_expression" { left.child_by_field_name("property") } else { Some(left) }
            }
            (Family::Rust, "let_declaration") => field("pattern"),
            (Family::Python, "assignment") => field("left"),
            (Family::Python, "keyword_argument") => field("name"),
            _ => None,
        }?;
        let simple = matches!(
            name.kind(),
            "identifier" | "property_identifier" | "private_property_identifier" | "string" | "number"
        );
        simple.then_some(name)
    }

    fn class_head(&self, node: Node<'t>) -> (String, Range) {
        let g = self.g;
        let by_field = |f: Option<u16>| f.and_then(|f| node.child_by_field_id(f));
        let (word, name) = match node.kind() {
            "impl_item" => ("Impl block for", by_field(g.field_type)),
            "trait_item" => ("Trait", by_field(g.field_name)),
            "struct_item" => ("Struct", by_field(g.field_name)),
            _ => (
                "Class",
                by_field(g.field_name).or_else(|| {
                    let parent = self.open.last().map(|o| o.node)?;
                    self.name_from_parent(parent)
                }),
            ),
        };
        match name {
            Some(name) => (format!("{word} `{}`", self.name_text(name)), self.range(name)),
            None => ("Anonymous class".to_owned(), self.first_line(node)),
        }
    }

    fn text_of(&self, node: Node<'_>) -> &str {
        self.text.get(node.byte_range()).unwrap_or_default()
    }

    /// A name for a message: quotes dropped, whitespace collapsed, at most
    /// 80 characters.
    fn name_text(&self, node: Node<'_>) -> String {
        const MAX_CHARS: usize = 80;
        let raw = self.text_of(node).trim_matches(|c| matches!(c, '"' | '\'' | '`'));
        let mut name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((cut, _)) = name.char_indices().nth(MAX_CHARS) {
            name.truncate(cut);
            name.push('…');
        }
        name
    }

    fn range(&self, node: Node<'_>) -> Range {
        Range::new(
            self.position(node.start_byte(), node.start_position()),
            self.position(node.end_byte(), node.end_position()),
        )
    }

    /// The node's first line, trailing whitespace left out.
    fn first_line(&self, node: Node<'_>) -> Range {
        let start = node.start_byte();
        let start_point = node.start_position();
        let rest = self.text.get(start..node.end_byte()).unwrap_or_default();
        let line = rest.split('\n').next().unwrap_or_default().trim_end();
        let end_point = Point { row: start_point.row, column: start_point.column + line.len() };
        Range::new(self.position(start, start_point), self.position(start + line.len(), end_point))
    }

    /// Tree-sitter's byte column as a UTF-16 column.
    fn position(&self, byte: usize, point: Point) -> Position {
        let line_start = byte.saturating_sub(point.column);
        let character = self.text.get(line_start..byte).map_or(point.column, utf16_len);
        Position::new(count(point.row), count(character))
    }
}

/// The arms of a multi-way branch: children of `node` marked [`ARM`], or
/// its grandchildren through one unmarked child (Python's `match` body).
fn arms(g: &Grammar, node: Node<'_>) -> u32 {
    let mut n = 0u32;
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if g.flags(child.kind_id()) & ARM != 0 {
            n = n.saturating_add(1);
        } else {
            let mut inner = child.walk();
            let inner_arms = child.named_children(&mut inner).filter(|c| g.flags(c.kind_id()) & ARM != 0).count();
            n = n.saturating_add(count(inner_arms));
        }
    }
    n
}
