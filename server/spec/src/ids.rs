//! Requirement ids and the citations of them that tasks and design
//! properties carry (`_Requirements: 1.1, 2.3_`, `**Validates: Requirements 5.5**`).

use std::fmt;

use serde::{Serialize, Serializer};

/// A requirement (`3`) or one of its acceptance criteria (`3.2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReqId {
    pub requirement: u32,
    pub criterion: Option<u32>,
}

impl ReqId {
    pub const fn requirement(n: u32) -> Self {
        Self { requirement: n, criterion: None }
    }

    pub const fn criterion(n: u32, m: u32) -> Self {
        Self { requirement: n, criterion: Some(m) }
    }

    /// Parses `3`, `3.2`, and prefixed forms (`R3.2`, `FR-3.2`, `REQ-3`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let digits = s.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let digits = digits.strip_prefix(['-', '_']).unwrap_or(digits);
        let (req, crit) = match digits.split_once('.') {
            Some((r, c)) => (r, Some(c)),
            None => (digits, None),
        };
        let requirement = parse_number(req)?;
        let criterion = match crit {
            Some(c) => Some(parse_number(c)?),
            None => None,
        };
        Some(Self { requirement, criterion })
    }
}

fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl fmt::Display for ReqId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.criterion {
            Some(m) => write!(f, "{}.{}", self.requirement, m),
            None => write!(f, "{}", self.requirement),
        }
    }
}

impl Serialize for ReqId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What one item of a citation list names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CitationTarget {
    /// One id: `1.1`, `R1.1`, `3`.
    Id(ReqId),
    /// An inclusive range: `1.1-1.5`, `2-4`.
    Range(ReqId, ReqId),
    /// Anything else (`All`, `All backend requirements`): kept, never resolved.
    FreeText,
}

/// One item of a citation list, with the byte span of its text in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationItem<'a> {
    pub text: &'a str,
    /// Byte offsets of `text` within the string given to [`parse_citation_list`].
    pub start: usize,
    pub end: usize,
    pub target: CitationTarget,
}

/// Splits a citation list (`1.1, 1.2-1.4, R2, All`) into items.
pub fn parse_citation_list(list: &str) -> Vec<CitationItem<'_>> {
    let mut items = Vec::new();
    let mut offset = 0;
    for piece in list.split([',', ';']) {
        let piece_start = offset;
        offset += piece.len() + 1;
        // "1.1 and 1.2" is two ids.
        let mut sub_offset = piece_start;
        for sub in piece.split(" and ") {
            let sub_start = sub_offset;
            sub_offset += sub.len() + " and ".len();
            let trimmed = sub.trim();
            if trimmed.is_empty() {
                continue;
            }
            let start = sub_start + (sub.len() - sub.trim_start().len());
            let end = start + trimmed.len();
            // "2.2 (accessibility)": the id is what precedes the remark.
            let core = match trimmed.find('(') {
                Some(i) if i > 0 => trimmed[..i].trim_end(),
                _ => trimmed,
            };
            let target = parse_target(core);
            let (text, end) =
                if matches!(target, CitationTarget::FreeText) { (trimmed, end) } else { (core, start + core.len()) };
            items.push(CitationItem { text, start, end, target });
        }
    }
    items
}

fn parse_target(s: &str) -> CitationTarget {
    if let Some(id) = ReqId::parse(s) {
        return CitationTarget::Id(id);
    }
    // A range: the dash that separates two ids (not the one in "FR-1").
    for (i, ch) in s.char_indices() {
        if matches!(ch, '-' | '–' | '—') && i > 0 {
            let (a, b) = (&s[..i], &s[i + ch.len_utf8()..]);
            if !a.trim_end().ends_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            if let (Some(from), Some(to)) = (ReqId::parse(a), ReqId::parse(b)) {
                return CitationTarget::Range(from, to);
            }
        }
    }
    CitationTarget::FreeText
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(list: &str) -> Vec<CitationTarget> {
        parse_citation_list(list).into_iter().map(|i| i.target).collect()
    }

    #[test]
    fn ids_with_and_without_prefixes() {
        assert_eq!(ReqId::parse("1.2"), Some(ReqId::criterion(1, 2)));
        assert_eq!(ReqId::parse("R1.2"), Some(ReqId::criterion(1, 2)));
        assert_eq!(ReqId::parse("FR-3.4"), Some(ReqId::criterion(3, 4)));
        assert_eq!(ReqId::parse("NFR-2"), Some(ReqId::requirement(2)));
        assert_eq!(ReqId::parse("6"), Some(ReqId::requirement(6)));
        assert_eq!(ReqId::parse("All"), None);
        assert_eq!(ReqId::parse("1.2.3"), None);
        assert_eq!(ReqId::criterion(10, 2).to_string(), "10.2");
    }

    #[test]
    fn lists_ranges_and_free_text() {
        assert_eq!(
            targets("1.1, 1.2-1.5, 6, All"),
            vec![
                CitationTarget::Id(ReqId::criterion(1, 1)),
                CitationTarget::Range(ReqId::criterion(1, 2), ReqId::criterion(1, 5)),
                CitationTarget::Id(ReqId::requirement(6)),
                CitationTarget::FreeText,
            ]
        );
        assert_eq!(
            targets("FR-1.1-FR-1.3"),
            vec![CitationTarget::Range(ReqId::criterion(1, 1), ReqId::criterion(1, 3))]
        );
        assert_eq!(targets("2.2 (accessibility)"), vec![CitationTarget::Id(ReqId::criterion(2, 2))]);
    }

    #[test]
    fn item_spans_point_at_the_id() {
        let list = "1.1,  R2.3 (x)";
        let items = parse_citation_list(list);
        assert_eq!(&list[items[0].start..items[0].end], "1.1");
        assert_eq!(&list[items[1].start..items[1].end], "R2.3");
    }
}
