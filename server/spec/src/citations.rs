//! Finding requirement citations in a line: `_Requirements: 1.1, 2.3_`,
//! `**Requirements:** 1.1`, `**Validates: Requirements 1.1, 5.5**`.

use std::sync::LazyLock;

use regex::Regex;

use crate::ids::{CitationTarget, parse_citation_list};
use crate::markdown::Line;
use crate::text::{LineIndex, Range};

/// Which document a citation sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitationSource {
    Tasks,
    Design,
}

/// One cited item (`1.1`, `2.1-2.3`, `All`) with its place.
#[derive(Debug, Clone)]
pub struct Citation {
    pub source: CitationSource,
    /// For citations in tasks.md: the index of the task they belong to.
    pub owner: Option<usize>,
    /// The item as written.
    pub text: String,
    /// The item's range.
    pub range: Range,
    pub target: CitationTarget,
}

/// A `Requirements:` or `Validates:` label at the start of a line's content
/// (after a bullet and emphasis), or `Validates:` anywhere.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:[-*+]\s+)?[_*]*\s*(?:requirements?|reqs?|validates?)\s*[_*]*\s*:\s*[_*]*\s*(?:requirements?\b\s*:?)?\s*|(?i)\bvalidates?\s*:\s*(?:requirements?\b\s*:?)?\s*|(?i)[_*]+requirements?\s*[_*]*\s*:\s*[_*]*\s*",
    )
    .expect("valid regex")
});

/// Where the id list of a citation line starts (byte offset in `line`), if
/// the line has a `Requirements:` or `Validates:` label.
pub fn citation_list_start(line: &str) -> Option<usize> {
    LABEL.find(line).map(|m| m.end())
}

/// The byte range of the id list in a citation line (`1.1, 2.3` in
/// `- _Requirements: 1.1, 2.3_`), if the line has a `Requirements:` or
/// `Validates:` label.
pub fn citation_list_span(line: &str) -> Option<(usize, usize)> {
    let start = citation_list_start(line)?;
    let rest = &line[start..];
    // The list ends where its emphasis closes (`_`, `**`) or a sentence starts.
    let end = rest.find(['_', '*', '|']).unwrap_or(rest.len());
    let list = rest[..end].trim_end().trim_end_matches('.');
    Some((start, start + list.len()))
}

/// The citations a line holds.
pub(crate) fn citations_in_line(
    text: &str,
    index: &LineIndex,
    line: &Line<'_>,
    source: CitationSource,
    owner: Option<usize>,
) -> Vec<Citation> {
    let Some((list_start, list_end)) = citation_list_span(line.text) else {
        return Vec::new();
    };
    let list = &line.text[list_start..list_end];
    parse_citation_list(list)
        .into_iter()
        .map(|item| Citation {
            source,
            owner,
            text: item.text.to_string(),
            range: index.range(text, line.at(list_start + item.start), line.at(list_start + item.end)),
            target: item.target,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ReqId;
    use crate::markdown::lines;

    fn cite(line: &str) -> Vec<(String, CitationTarget)> {
        let index = LineIndex::new(line);
        let l = lines(line)[0];
        citations_in_line(line, &index, &l, CitationSource::Tasks, None)
            .into_iter()
            .map(|c| (c.text, c.target))
            .collect()
    }

    #[test]
    fn label_styles() {
        let one = vec![("1.1".to_string(), CitationTarget::Id(ReqId::criterion(1, 1)))];
        assert_eq!(cite("  - _Requirements: 1.1_"), one);
        assert_eq!(cite("- **Requirements:** 1.1"), one);
        assert_eq!(cite("**Validates: Requirements 1.1**"), one);
        assert_eq!(cite("*For any x* **Validates: Requirements 1.1**"), one);
        assert_eq!(cite("  - Requirements: 1.1."), one);
        assert!(cite("Implement the requirements parser").is_empty());
    }

    #[test]
    fn ranges_point_into_the_line() {
        let line = "  - _Requirements: 1.1, 2.3_";
        let index = LineIndex::new(line);
        let l = lines(line)[0];
        let c = citations_in_line(line, &index, &l, CitationSource::Tasks, None);
        assert_eq!(c[1].range.start.character as usize, line.find("2.3").unwrap_or(0));
        assert_eq!(c[1].range.end.character - c[1].range.start.character, 3);
    }
}
