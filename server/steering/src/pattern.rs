//! `fileMatchPattern` globs: splitting the written forms into single globs
//! and matching them against workspace-relative paths.
//!
//! A pattern is matched against the whole relative path (`*` stays within a
//! folder, `**` crosses folders). A pattern without `/` (`*.tsx`, `*react*`)
//! is also matched against the file name alone, as `.gitignore` does, since
//! that is what such patterns are written to mean.

use globset::{GlobBuilder, GlobMatcher};

/// One compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    glob: GlobMatcher,
    basename: bool,
}

impl Matcher {
    pub(crate) fn compile(pattern: &str) -> Result<Self, String> {
        let p = normalize(pattern);
        let glob = GlobBuilder::new(p)
            .literal_separator(true)
            .backslash_escape(true)
            .empty_alternates(true)
            .build()
            .map_err(|e| e.kind().to_string())?;
        Ok(Self { glob: glob.compile_matcher(), basename: !p.contains('/') })
    }

    /// Whether the workspace-relative `path` (with `/` separators) matches.
    pub(crate) fn is_match(&self, path: &str) -> bool {
        if self.glob.is_match(path) {
            return true;
        }
        self.basename && path.rsplit('/').next().is_some_and(|name| self.glob.is_match(name))
    }
}

/// The pattern as matched: without a leading `./`.
fn normalize(pattern: &str) -> &str {
    let mut p = pattern;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p
}

/// Splits a written pattern on commas outside braces and brackets, so that
/// `*.sql,migrations/**` is two globs and `**/*.{ts,tsx}` is one. Returns the
/// byte range of every piece, trimmed; empty pieces are kept (as empty
/// ranges) so that the caller can report them.
pub(crate) fn split_commas(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                pieces.push(trim(s, start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    pieces.push(trim(s, start, s.len()));
    pieces
}

fn trim(s: &str, start: usize, end: usize) -> (usize, usize) {
    let piece = &s[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let t = piece.trim();
    (start + lead, start + lead + t.len())
}

/// A workspace-relative path as patterns see it: `/` separators, no `./`.
pub(crate) fn normalize_path(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.trim_start_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(s: &str) -> Vec<&str> {
        split_commas(s).into_iter().map(|(a, b)| &s[a..b]).collect()
    }

    #[test]
    fn splits_outside_braces() {
        assert_eq!(pieces("*.sql, migrations/**"), ["*.sql", "migrations/**"]);
        assert_eq!(pieces("**/*.{ts,tsx}"), ["**/*.{ts,tsx}"]);
        assert_eq!(pieces("a,,b,"), ["a", "", "b", ""]);
    }

    #[test]
    fn matching() {
        let m = Matcher::compile("src/**/*.ts").unwrap();
        assert!(m.is_match("src/a.ts") && m.is_match("src/x/y/a.ts"));
        assert!(!m.is_match("lib/a.ts") && !m.is_match("src/a.tsx"));
        let m = Matcher::compile("*.tsx").unwrap();
        assert!(m.is_match("a.tsx") && m.is_match("src/deep/a.tsx"));
        let m = Matcher::compile("src/*.ts").unwrap();
        assert!(!m.is_match("src/x/a.ts"));
        let m = Matcher::compile("./docs/**").unwrap();
        assert!(m.is_match("docs/a/b.md"));
    }
}
