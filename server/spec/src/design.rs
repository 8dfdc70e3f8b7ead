//! `design.md`: its sections, Mermaid diagrams, and the correctness
//! properties with the requirements each validates.

use std::sync::LazyLock;

use regex::Regex;

use crate::citations::{Citation, CitationSource, citations_in_line};
use crate::markdown::{self, LineKind};
use crate::requirements::Heading;
use crate::text::{LineIndex, Position, Range};

#[derive(Debug, Clone, Default)]
pub struct Design {
    pub title: Option<String>,
    pub headings: Vec<Heading>,
    /// The lines of each ```` ```mermaid ```` block, fences included.
    pub mermaid: Vec<Range>,
    pub properties: Vec<Property>,
    /// Every citation; `owner` indexes [`Design::properties`].
    pub citations: Vec<Citation>,
}

/// `### Property 3: Tokens expire` and what it validates.
#[derive(Debug, Clone)]
pub struct Property {
    pub number: u32,
    pub title: Option<String>,
    pub heading_range: Range,
}

static PROPERTY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\**(?i:property)\s+(\d{1,6})\**\s*(?:[:.\-–—]\s*)?\**\s*(.*?)\**$").expect("valid regex")
});

pub fn parse_design(text: &str, index: &LineIndex) -> Design {
    let mut doc = Design::default();
    let mut mermaid_start: Option<u32> = None;
    let mut property: Option<usize> = None;
    let mut property_level = 0u8;
    for line in markdown::lines(text) {
        let range = index.range(text, line.start, line.start + line.text.len());
        match line.kind {
            LineKind::Heading { level, title, .. } => {
                if level == 1 && doc.title.is_none() {
                    doc.title = Some(title.to_string());
                }
                doc.headings.push(Heading { level, title: title.to_string(), range });
                if let Some(p) = property_at(title, range) {
                    doc.properties.push(p);
                    property = Some(doc.properties.len() - 1);
                    property_level = level;
                } else if level <= property_level {
                    property = None;
                }
            }
            LineKind::FenceOpen { info } => {
                if info.eq_ignore_ascii_case("mermaid") {
                    mermaid_start = Some(line.number);
                }
            }
            LineKind::FenceClose => {
                if let Some(start) = mermaid_start.take() {
                    doc.mermaid.push(Range::new(Position::new(start, 0), range.end));
                }
            }
            LineKind::Fenced => {}
            LineKind::Text => {
                // Properties are also written as bold paragraphs: `**Property 3: ...**`.
                let trimmed = line.text.trim().trim_start_matches(['-', ' ']);
                if let Some(p) = property_at(trimmed, range).filter(|_| trimmed.starts_with("**")) {
                    doc.properties.push(p);
                    property = Some(doc.properties.len() - 1);
                }
                doc.citations.extend(citations_in_line(text, index, &line, CitationSource::Design, property));
            }
        }
    }
    doc
}

/// The property a heading or bold line opens: `Property 3: Tokens expire`.
fn property_at(text: &str, range: Range) -> Option<Property> {
    let c = PROPERTY.captures(text)?;
    let number = c[1].parse().unwrap_or(0);
    let title = Some(c[2].trim().to_string()).filter(|t| !t.is_empty());
    Some(Property { number, title, heading_range: range })
}
