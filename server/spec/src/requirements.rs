//! `requirements.md` and `bugfix.md`: requirements with their acceptance
//! criteria, or a bugfix's Current / Expected / Unchanged clauses. Both come
//! out as [`Requirements`], so references, coverage and hover treat them
//! alike: a bugfix's sections are requirements 1, 2 and 3 and its clauses
//! are their criteria (`2.1`, `3.4`).

use std::sync::LazyLock;

use regex::Regex;

use crate::markdown::{self, Line, LineKind};
use crate::text::{LineIndex, Range};

#[derive(Debug, Clone, Default)]
pub struct Requirements {
    /// The first `#` heading, when there is one.
    pub title: Option<String>,
    pub requirements: Vec<Requirement>,
    pub glossary: Vec<GlossaryTerm>,
    /// Every heading, for the outline.
    pub headings: Vec<Heading>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub title: String,
    /// The whole heading line.
    pub range: Range,
}

#[derive(Debug, Clone)]
pub struct Requirement {
    pub number: u32,
    pub title: Option<String>,
    /// The heading line.
    pub heading_range: Range,
    /// The number in the heading (`3` of `### Requirement 3: …`).
    pub number_range: Range,
    /// From the heading to the line before the next requirement or section.
    pub range: Range,
    pub user_story: Option<String>,
    pub criteria: Vec<Criterion>,
}

/// What a criterion states; bugfix clauses say which section they sit in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CriterionRole {
    /// An acceptance criterion of a feature requirement.
    Acceptance,
    /// Bugfix 1.x: the defect as it is today (not a requirement).
    CurrentBehavior,
    /// Bugfix 2.x: what the fix must do.
    ExpectedBehavior,
    /// Bugfix 3.x: what the fix must leave alone (`SHALL CONTINUE TO`).
    UnchangedBehavior,
}

impl CriterionRole {
    /// Whether tasks are expected to cite it and it should read as EARS.
    pub fn is_requirement(self) -> bool {
        self != Self::CurrentBehavior
    }
}

#[derive(Debug, Clone)]
pub struct Criterion {
    pub requirement: u32,
    pub number: u32,
    pub role: CriterionRole,
    /// The statement, continuation lines joined with spaces.
    pub text: String,
    /// The criterion's lines.
    pub range: Range,
    /// The number as written (`3.` or `1.3.`).
    pub number_range: Range,
    pub ears: Option<EarsPattern>,
}

impl Criterion {
    pub fn id(&self) -> crate::ReqId {
        crate::ReqId::criterion(self.requirement, self.number)
    }
}

/// The EARS templates (Easy Approach to Requirements Syntax).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EarsPattern {
    /// THE <system> SHALL <response>
    Ubiquitous,
    /// WHEN <trigger>, THE <system> SHALL <response>
    EventDriven,
    /// WHILE <state>, THE <system> SHALL <response>
    StateDriven,
    /// IF <condition>, THEN THE <system> SHALL <response>
    UnwantedBehavior,
    /// WHERE <feature is included>, THE <system> SHALL <response>
    Optional,
    /// FOR ALL <inputs>, THE <system> SHALL <property> (property style)
    Universal,
}

/// Classifies a statement. It is EARS when it opens with a template keyword
/// and states a response with SHALL.
pub fn ears_pattern(text: &str) -> Option<EarsPattern> {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let first = t.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    let pattern = match first.to_ascii_uppercase().as_str() {
        "WHEN" => EarsPattern::EventDriven,
        "WHILE" => EarsPattern::StateDriven,
        "IF" => EarsPattern::UnwantedBehavior,
        "WHERE" => EarsPattern::Optional,
        "THE" => EarsPattern::Ubiquitous,
        "FOR" => {
            let second = t[first.len()..].trim_start().split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
            if matches!(second.to_ascii_uppercase().as_str(), "ALL" | "ANY" | "EACH" | "EVERY") {
                EarsPattern::Universal
            } else {
                return None;
            }
        }
        _ => return None,
    };
    has_word(t, "SHALL").then_some(pattern)
}

fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|w| w.eq_ignore_ascii_case(word))
}

#[derive(Debug, Clone)]
pub struct GlossaryTerm {
    pub term: String,
    pub definition: String,
    pub range: Range,
}

static REQUIREMENT_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i:requirement)\s*(\d{1,6})\b\s*(?:[:.\-–—)]\s*)?(.*)$").expect("valid regex"));
static NUMBERED_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,6})[.)]\s+(.+)$").expect("valid regex"));
/// `### 1.2 Title`: in the numbered style, a heading that defines an id itself.
static NUMBERED_SUBHEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,6})\.(\d{1,6})\.?\s+(.+)$").expect("valid regex"));
/// `1. text`, `1.1. text`, `1.1 text`, `- 1. text`, `**1.1** text`.
static NUMBERED_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*+]\s+)?(\**)(\d{1,6})(?:\.(\d{1,6}))?(?:\.|\))?\**\s+(\S.*)$").expect("valid regex")
});
static BULLET_ITEM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^( {0,1})[-*+]\s+(\S.*)$").expect("valid regex"));
static USER_STORY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[*_]*(?i:user story)[*_]*\s*:?[*_]*\s*:?\s*(.*)$").expect("valid regex"));
static GLOSSARY_TERM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*+]\s+)?\*\*([^*]+?)\*\*\s*(?::|-|–|—)?\s*:?\s*(.*)$").expect("valid regex")
});

/// Parses `requirements.md`.
pub fn parse_requirements(text: &str, index: &LineIndex) -> Requirements {
    let lines = markdown::lines(text);
    // The `### 1. Title` style counts only where no `Requirement N` heading exists.
    let numbered_style = !lines.iter().any(|l| {
        matches!(l.kind, LineKind::Heading { level, title, .. } if level >= 2 && REQUIREMENT_HEADING.is_match(title))
    });
    Parser::new(text, index, Flavor::Feature { numbered_style }).run(&lines)
}

/// Parses `bugfix.md`.
pub fn parse_bugfix(text: &str, index: &LineIndex) -> Requirements {
    let lines = markdown::lines(text);
    Parser::new(text, index, Flavor::Bugfix).run(&lines)
}

#[derive(Clone, Copy)]
enum Flavor {
    Feature { numbered_style: bool },
    Bugfix,
}

struct Parser<'t> {
    text: &'t str,
    index: &'t LineIndex,
    flavor: Flavor,
    doc: Requirements,
    /// Level of the heading that opened the current requirement.
    requirement_level: Option<u8>,
    in_criteria: bool,
    in_glossary: bool,
    /// The criterion being read, for continuation lines.
    open_criterion: bool,
    last_line: u32,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, index: &'t LineIndex, flavor: Flavor) -> Self {
        Self {
            text,
            index,
            flavor,
            doc: Requirements::default(),
            requirement_level: None,
            in_criteria: false,
            in_glossary: false,
            open_criterion: false,
            last_line: 0,
        }
    }

    fn run(mut self, lines: &[Line<'_>]) -> Requirements {
        for line in lines {
            self.last_line = line.number;
            match line.kind {
                LineKind::Heading { level, title, title_start } => self.heading(line, level, title, title_start),
                LineKind::Text => self.text_line(line),
                LineKind::FenceOpen { .. } | LineKind::Fenced | LineKind::FenceClose => {
                    self.open_criterion = false;
                }
            }
        }
        self.close_requirement(self.last_line + 1);
        self.doc
    }

    fn line_range(&self, line: &Line<'_>) -> Range {
        self.index.range(self.text, line.start, line.start + line.text.len())
    }

    fn heading(&mut self, line: &Line<'_>, level: u8, title: &str, title_start: usize) {
        self.open_criterion = false;
        let range = self.line_range(line);
        self.doc.headings.push(Heading { level, title: title.to_string(), range });
        if level == 1 && self.doc.title.is_none() {
            self.doc.title = Some(title.to_string());
        }
        let lower = title.to_lowercase();
        if let Some(c) = self.numbered_subheading(level, title) {
            let (Ok(n), Ok(m)) = (c[1].parse::<u32>(), c[2].parse::<u32>()) else { return };
            let span = (title_start + c.get(1).map_or(0, |g| g.start()), title_start + c.get(2).map_or(0, |g| g.end()));
            if self.doc.requirements.last().is_none_or(|r| r.number != n) || self.requirement_level.is_none() {
                // The id's requirement has no heading of its own: one is implied.
                self.close_requirement(line.number);
                let number_range = self.index.range(self.text, line.at(span.0), line.at(span.0 + c[1].len()));
                self.doc.requirements.push(Requirement {
                    number: n,
                    title: None,
                    heading_range: range,
                    number_range,
                    range,
                    user_story: None,
                    criteria: Vec::new(),
                });
                self.requirement_level = Some(level.saturating_sub(1));
            }
            let text = c[3].trim().to_string();
            let number_range = self.index.range(self.text, line.at(span.0), line.at(span.1));
            if let Some(req) = self.doc.requirements.last_mut() {
                // A heading names a topic, not a statement: it is not held to EARS.
                let ears = ears_pattern(&text).or(Some(EarsPattern::Ubiquitous));
                req.criteria.push(Criterion {
                    requirement: n,
                    number: m,
                    role: CriterionRole::Acceptance,
                    text,
                    range,
                    number_range,
                    ears,
                });
            }
            self.in_criteria = false;
            return;
        }
        if let Some((number, number_span, name)) = self.requirement_heading(level, title) {
            self.close_requirement(line.number);
            let number_range =
                self.index.range(self.text, line.at(title_start + number_span.0), line.at(title_start + number_span.1));
            self.doc.requirements.push(Requirement {
                number,
                title: name,
                heading_range: range,
                number_range,
                range,
                user_story: None,
                criteria: Vec::new(),
            });
            self.requirement_level = Some(level);
            self.in_criteria = matches!(self.flavor, Flavor::Bugfix);
            self.in_glossary = false;
            return;
        }
        if lower.contains("acceptance criteria") {
            self.in_criteria = self.requirement_level.is_some();
            return;
        }
        if self.requirement_level.is_some_and(|l| level <= l) {
            self.close_requirement(line.number);
        }
        if self.requirement_level.is_some() && level <= 4 {
            self.in_criteria = false;
        }
        self.in_glossary = lower.contains("glossary") || lower.contains("terminology");
    }

    fn numbered_subheading<'h>(&self, level: u8, title: &'h str) -> Option<regex::Captures<'h>> {
        match self.flavor {
            Flavor::Feature { numbered_style: true } if (3..=4).contains(&level) => NUMBERED_SUBHEADING.captures(title),
            _ => None,
        }
    }

    /// The requirement a heading opens: (number, span of the number in the
    /// title, title). Bugfix sections open requirements 1, 2 and 3.
    fn requirement_heading(&self, level: u8, title: &str) -> Option<(u32, (usize, usize), Option<String>)> {
        match self.flavor {
            Flavor::Bugfix => {
                let lower = title.to_lowercase();
                let number = if lower.contains("current behavio") {
                    1
                } else if lower.contains("expected behavio") {
                    2
                } else if lower.contains("unchanged behavio") {
                    3
                } else {
                    return None;
                };
                Some((number, (0, title.len()), Some(title.to_string())))
            }
            Flavor::Feature { numbered_style } => {
                if level < 2 {
                    return None;
                }
                let caps = REQUIREMENT_HEADING
                    .captures(title)
                    .or_else(|| (numbered_style && level == 3).then(|| NUMBERED_HEADING.captures(title)).flatten())?;
                let num = caps.get(1)?;
                let number = num.as_str().parse().ok()?;
                let name = caps.get(2).map(|m| m.as_str().trim()).filter(|s| !s.is_empty()).map(str::to_string);
                Some((number, (num.start(), num.end()), name))
            }
        }
    }

    fn close_requirement(&mut self, next_line: u32) {
        if self.requirement_level.take().is_none() {
            return;
        }
        if let Some(req) = self.doc.requirements.last_mut() {
            let end_line = next_line.saturating_sub(1).max(req.heading_range.start.line);
            let start = self.index.line_start(end_line as usize, self.text);
            let end_offset = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
            req.range.end = self.index.position(self.text, end_offset);
        }
        self.in_criteria = false;
    }

    fn text_line(&mut self, line: &Line<'_>) {
        let content = line.text;
        if content.trim().is_empty() {
            self.open_criterion = false;
            return;
        }
        if self.in_glossary && self.requirement_level.is_none() {
            if let Some(c) = GLOSSARY_TERM.captures(content) {
                let term = c[1].trim().trim_end_matches(':').to_string();
                let definition = c[2].trim().to_string();
                let range = self.line_range(line);
                self.doc.glossary.push(GlossaryTerm { term, definition, range });
            }
            return;
        }
        if self.requirement_level.is_none() {
            return;
        }
        if let Some(c) = USER_STORY.captures(content) {
            if let Some(req) = self.doc.requirements.last_mut() {
                req.user_story = Some(c[1].trim().to_string());
            }
            self.open_criterion = false;
            return;
        }
        if !self.in_criteria {
            return;
        }
        if let Some(c) = NUMBERED_ITEM.captures(content) {
            self.criterion(line, &c);
        } else if let Some(c) = BULLET_ITEM.captures(content) {
            // Unnumbered criteria are numbered in order, but only where a
            // requirement has no numbered ones (else they are sub-bullets).
            let Some(req) = self.doc.requirements.last() else { return };
            if req.criteria.iter().all(|c| c.number_range.start == c.number_range.end) {
                let m = c.get(2).map_or(0, |m| m.start());
                let number = crate::text::to_u32(req.criteria.len() + 1);
                let text = c[2].to_string();
                self.push_criterion(line, req.number, number, (m, m), text);
            } else {
                self.continue_criterion(line);
            }
        } else if self.open_criterion {
            self.continue_criterion(line);
        }
    }

    fn criterion(&mut self, line: &Line<'_>, c: &regex::Captures<'_>) {
        let Some(req) = self.doc.requirements.last() else { return };
        let req_number = req.number;
        let (Some(first), Some(text)) = (c.get(2), c.get(4)) else { return };
        let Ok(first_n) = first.as_str().parse::<u32>() else { return };
        let (requirement, number, span_end) = match c.get(3) {
            // `1.3.` names its requirement itself; cited ids resolve as written.
            Some(second) => match second.as_str().parse::<u32>() {
                Ok(m) => (first_n, m, second.end()),
                Err(_) => return,
            },
            None => (req_number, first_n, first.end()),
        };
        self.push_criterion(line, requirement, number, (first.start(), span_end), text.as_str().to_string());
    }

    fn push_criterion(&mut self, line: &Line<'_>, requirement: u32, number: u32, span: (usize, usize), text: String) {
        let role = match (self.flavor, requirement) {
            (Flavor::Feature { .. }, _) => CriterionRole::Acceptance,
            (Flavor::Bugfix, 1) => CriterionRole::CurrentBehavior,
            (Flavor::Bugfix, 2) => CriterionRole::ExpectedBehavior,
            (Flavor::Bugfix, _) => CriterionRole::UnchangedBehavior,
        };
        let text = clean_statement(&text);
        let ears = ears_pattern(&text);
        let range = self.line_range(line);
        let number_range = self.index.range(self.text, line.at(span.0), line.at(span.1));
        if let Some(req) = self.doc.requirements.last_mut() {
            req.criteria.push(Criterion { requirement, number, role, text, range, number_range, ears });
            self.open_criterion = true;
        }
    }

    /// A lazy continuation line of the open criterion.
    fn continue_criterion(&mut self, line: &Line<'_>) {
        if !self.open_criterion {
            return;
        }
        let Some(criterion) = self.doc.requirements.last_mut().and_then(|r| r.criteria.last_mut()) else {
            return;
        };
        let extra = clean_statement(line.text);
        criterion.range.end = self.index.position(self.text, line.start + line.text.len());
        if !extra.is_empty() {
            criterion.text.push(' ');
            criterion.text.push_str(&extra);
            criterion.ears = ears_pattern(&criterion.text);
        }
    }
}

/// Strips list and emphasis markup from a statement.
fn clean_statement(s: &str) -> String {
    let s = s.trim();
    let s = s.trim_start_matches(['-', '*', '+', ' ']);
    s.replace("**", "").trim().to_string()
}
