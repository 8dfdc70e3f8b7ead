//! The secret scanner: finds credentials in text (cloud keys, VCS and
//! registry tokens, chat and payment keys, private keys, JWTs, connection
//! URLs with passwords, high-entropy assignments) and redacts them, so that
//! nothing that looks like a secret is sent to a model.
//!
//! How a scan works: one Aho-Corasick pass over the text finds every rule
//! keyword; a rule's regex (the `regex` crate, no backtracking) runs only on
//! the lines where one of its keywords occurs, so text without keywords
//! costs one automaton pass. Matches are then checked (entropy, placeholders,
//! environment references, hashes, UUIDs, encoded blobs), filtered by the
//! allowlist (a `specwright:allow-secret` comment on the line or the line
//! before, and the configured patterns), and overlapping matches resolved in
//! favour of the more specific rule.
//!
//! The allowlist only silences a warning in the editor: text about to leave
//! the machine is redacted with [`redact_for_model`], which ignores both the
//! configured patterns and the allow comments. The rule checks (entropy,
//! placeholders such as `EXAMPLE` keys) still apply there: they decide what
//! a secret is, not whether one is allowed.
//!
//! [`files`] names the files whose content is never sent at all (`.env*`,
//! private keys, credential stores, gitignored files).
//!
//! Invariants: never panics on any input; never logs, and never returns the
//! secret value except as the span of a finding. Knows nothing of LSP: lines
//! are 0-based and columns count UTF-16 code units.

mod checks;
pub mod files;
mod rules;
pub mod tree;

pub use files::{SENSITIVE_FILES, Withheld, ignored_by_git, is_sensitive_file, sensitive_file, withheld};
pub use rules::{RULES, RuleInfo};

use std::collections::BTreeMap;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::Regex;
use serde::{Deserialize, Serialize};

/// The comment that allows a secret on its own line or the next one.
pub const ALLOW_COMMENT: &str = "specwright:allow-secret";

/// Bytes a multi-line rule (PEM blocks) may look ahead of its keyword line.
const MULTILINE_WINDOW: usize = 16 * 1024;

/// Where a multi-line (PEM) block starts.
const PEM_BEGIN: &str = "-----BEGIN";

/// Words of a rule mask: up to `64 * MASK_WORDS` rules.
const MASK_WORDS: usize = 4;

/// A set of rule indexes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Mask([u64; MASK_WORDS]);

impl Mask {
    fn one(i: usize) -> Mask {
        let mut m = Mask::default();
        m.0[i / 64] |= 1 << (i % 64);
        m
    }

    fn union(&mut self, other: Mask) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }

    /// The indexes in the set, in increasing order.
    fn iter(self) -> impl Iterator<Item = usize> {
        self.0.into_iter().enumerate().flat_map(|(w, mut bits)| {
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(w * 64 + b)
            })
        })
    }
}

/// Scanner settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Config {
    /// Regexes; a match whose secret value (or matched text) matches one is
    /// allowed. Invalid patterns are reported by [`Scanner::config_errors`]
    /// and otherwise ignored, so a typo never turns scanning off.
    pub allow_patterns: Vec<String>,
}

/// A configured allow pattern that did not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub pattern: String,
    pub message: String,
}

/// One secret found in the text. Holds no part of the secret beyond the
/// rule's public prefix in `redacted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id, e.g. `aws-access-key-id`.
    pub rule: &'static str,
    pub description: &'static str,
    /// 0-based line of the secret's start.
    pub line: u32,
    /// UTF-16 column of the secret's start on `line`.
    pub start_column: u32,
    /// 0-based line of the secret's end (differs from `line` only for
    /// multi-line secrets such as PEM blocks).
    pub end_line: u32,
    /// UTF-16 column just past the secret's end on `end_line`.
    pub end_column: u32,
    /// The rule's public prefix followed by `*`, e.g. `AKIA****************`.
    pub redacted: String,
}

/// The compiled scanner. Build once and share; scanning takes `&self`.
#[derive(Debug)]
pub struct Scanner {
    allow: Vec<Regex>,
    errors: Vec<PatternError>,
    /// Whether a `specwright:allow-secret` comment allows a secret; false
    /// only in [`Scanner::for_model`].
    allow_comments: bool,
}

/// The scanner for text about to leave the machine, compiled once.
static FOR_MODEL: LazyLock<Scanner> = LazyLock::new(Scanner::for_model);

/// `text` with every secret replaced by `<redacted:RULE-ID>`, and the
/// number replaced, ignoring every allowlist: what is sent to a model (or
/// shown as a hook's output). Allowing a secret silences a warning in the
/// editor; it never lets the value leave.
pub fn redact_for_model(text: &str) -> (String, usize) {
    FOR_MODEL.redact(text)
}

/// The built-in rules, compiled once per process.
struct Engine {
    /// `regexes[i]` is `RULES[i]`'s regex, compiled the first time one of
    /// its keywords occurs (most scans need few of the rules); `None` only
    /// if it failed to compile (a test keeps that from happening).
    regexes: Vec<OnceLock<Option<Regex>>>,
    /// Case-sensitive and case-insensitive keyword automata, each with the
    /// rule mask of every pattern.
    automata: Vec<(AhoCorasick, Vec<Mask>)>,
}

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let regexes = RULES.iter().map(|_| OnceLock::new()).collect();
    let mut automata = Vec::new();
    for ci in [false, true] {
        let mut keywords: Vec<String> = Vec::new();
        let mut masks: Vec<Mask> = Vec::new();
        for (i, rule) in RULES.iter().enumerate().take(64 * MASK_WORDS) {
            if rule.keywords_ci != ci {
                continue;
            }
            for kw in rule.keywords {
                let kw = if ci { kw.to_ascii_lowercase() } else { (*kw).to_owned() };
                match keywords.iter().position(|k| *k == kw) {
                    Some(p) => masks[p].union(Mask::one(i)),
                    None => {
                        keywords.push(kw);
                        masks.push(Mask::one(i));
                    }
                }
            }
        }
        if let Ok(ac) = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(ci)
            // A full DFA: with a few hundred keywords the default (an NFA)
            // scans text without keywords at half the speed.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keywords)
        {
            automata.push((ac, masks));
        }
    }
    Engine { regexes, automata }
});

impl Engine {
    /// The compiled regex of `RULES[i]`.
    fn regex(&self, i: usize) -> Option<&Regex> {
        let rule = RULES.get(i)?;
        self.regexes.get(i)?.get_or_init(|| Regex::new(rule.pattern).ok()).as_ref()
    }
}

/// A match before positions are converted: byte offsets into the text.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new(&Config::default())
    }
}

impl Scanner {
    pub fn new(config: &Config) -> Scanner {
        let mut allow = Vec::new();
        let mut errors = Vec::new();
        for pattern in &config.allow_patterns {
            match regex::RegexBuilder::new(pattern).size_limit(1 << 20).build() {
                Ok(re) => allow.push(re),
                Err(e) => errors.push(PatternError { pattern: pattern.clone(), message: e.to_string() }),
            }
        }
        Scanner { allow, errors, allow_comments: true }
    }

    /// A scanner with no allowlist at all: neither configured patterns nor
    /// `specwright:allow-secret` comments allow anything. For text that
    /// leaves the machine; [`redact_for_model`] shares one.
    pub fn for_model() -> Scanner {
        Scanner { allow: Vec::new(), errors: Vec::new(), allow_comments: false }
    }

    /// Allow patterns from the config that did not compile.
    pub fn config_errors(&self) -> &[PatternError] {
        &self.errors
    }

    /// Every secret in `text`, in order of position.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let candidates = self.candidates(text);
        let mut cursor = Cursor::default();
        candidates
            .iter()
            .map(|c| {
                let rule = &RULES[c.rule];
                let (line, start_column) = cursor.advance(text, c.start);
                let (end_line, end_column) = cursor.advance(text, c.end);
                Finding {
                    rule: rule.id,
                    description: rule.description,
                    line,
                    start_column,
                    end_line,
                    end_column,
                    redacted: mask(text.get(c.start..c.end).unwrap_or(""), rule.keep),
                }
            })
            .collect()
    }

    /// `text` with every secret replaced by `<redacted:RULE-ID>`, and the
    /// number of secrets replaced.
    pub fn redact(&self, text: &str) -> (String, usize) {
        let candidates = self.candidates(text);
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        for c in &candidates {
            out.push_str(text.get(pos..c.start).unwrap_or(""));
            out.push_str("<redacted:");
            out.push_str(RULES[c.rule].id);
            out.push('>');
            pos = c.end;
        }
        out.push_str(text.get(pos..).unwrap_or(""));
        (out, candidates.len())
    }

    /// Accepted, non-overlapping matches sorted by start.
    fn candidates(&self, text: &str) -> Vec<Candidate> {
        let engine = &*ENGINE;
        let lines = keyword_lines(engine, text);
        let mut found = Vec::new();
        for (line_start, (line_end, mask)) in lines {
            let line = text.get(line_start..line_end).unwrap_or("");
            let mut allowed_by_comment: Option<bool> = None;
            for i in mask.iter() {
                let Some(rule) = RULES.get(i) else { break };
                let Some(re) = engine.regex(i) else {
                    continue;
                };
                let window_end = if rule.multiline {
                    // A block starts on a BEGIN line and ends before the next
                    // BEGIN: each byte is looked at a bounded number of times.
                    if !line.contains(PEM_BEGIN) {
                        continue;
                    }
                    let limit = floor_char_boundary(text, line_start.saturating_add(MULTILINE_WINDOW));
                    let rest = text.get(line_end..limit).unwrap_or("");
                    rest.find(PEM_BEGIN).map_or(limit, |i| line_end + i)
                } else {
                    line_end
                };
                let window = text.get(line_start..window_end).unwrap_or("");
                for caps in re.captures_iter(window) {
                    let Some(whole) = caps.get(0) else { continue };
                    if rule.multiline && whole.start() >= line.len() {
                        break;
                    }
                    let secret = (1..caps.len()).find_map(|g| caps.get(g)).unwrap_or(whole);
                    let value = secret.as_str();
                    if !checks::accept(rule.check, value)
                        || checks::in_encoded_blob(line, secret.start().min(line.len()))
                        || self.allowed_by_pattern(value, whole.as_str())
                    {
                        continue;
                    }
                    if self.allow_comments
                        && *allowed_by_comment.get_or_insert_with(|| allow_comment_near(text, line_start, line))
                    {
                        continue;
                    }
                    found.push(Candidate {
                        rule: i,
                        start: line_start + secret.start(),
                        end: line_start + secret.end(),
                    });
                }
            }
        }
        resolve_overlaps(found)
    }

    fn allowed_by_pattern(&self, value: &str, matched: &str) -> bool {
        self.allow.iter().any(|re| re.is_match(value) || re.is_match(matched))
    }
}

/// Lines containing at least one keyword: line start → (line end, mask of
/// rules whose keywords occur on it).
fn keyword_lines(engine: &Engine, text: &str) -> BTreeMap<usize, (usize, Mask)> {
    let mut lines: BTreeMap<usize, (usize, Mask)> = BTreeMap::new();
    let bytes = text.as_bytes();
    for (ac, masks) in &engine.automata {
        // The line of the previous hit, to skip re-finding its bounds.
        let mut current: Option<(usize, usize)> = None;
        for m in ac.find_overlapping_iter(text) {
            let mask = masks.get(m.pattern().as_usize()).copied().unwrap_or_default();
            let at = m.start();
            let (start, end) = match current {
                Some((s, e)) if s <= at && at < e.max(s + 1) => (s, e),
                _ => {
                    let s = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                    let e = bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| at + i);
                    (s, e)
                }
            };
            current = Some((start, end));
            lines.entry(start).or_insert((end, Mask::default())).1.union(mask);
        }
    }
    lines
}

/// The allow comment is on the line, or is the line before it.
fn allow_comment_near(text: &str, line_start: usize, line: &str) -> bool {
    if line.contains(ALLOW_COMMENT) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let before = text.get(..line_start - 1).unwrap_or("");
    let prev_start = before.rfind('\n').map_or(0, |i| i + 1);
    // The line before counts only as a comment of its own: nothing but a
    // comment leader before the marker, so that a trailing comment allows
    // just its own line.
    before
        .get(prev_start..)
        .is_some_and(|prev| prev.find(ALLOW_COMMENT).is_some_and(|at| !prev[..at].chars().any(char::is_alphanumeric)))
}

/// Keeps, by rule priority, the matches that do not overlap a kept one;
/// returns them sorted by start.
fn resolve_overlaps(mut found: Vec<Candidate>) -> Vec<Candidate> {
    found.sort_by_key(|c| (c.rule, c.start, c.end));
    let mut kept: BTreeMap<usize, Candidate> = BTreeMap::new();
    for c in found {
        if c.start >= c.end {
            continue;
        }
        let overlaps = kept.range(..c.end).next_back().is_some_and(|(_, k)| k.end > c.start);
        if !overlaps {
            kept.insert(c.start, c);
        }
    }
    kept.into_values().collect()
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The rule's public prefix (at most a third of the value) and one `*`
/// per remaining character, capped.
fn mask(value: &str, keep: usize) -> String {
    let chars = value.chars().count();
    let keep = keep.min(chars / 3);
    let mut out: String = value.chars().take(keep).collect();
    out.extend(std::iter::repeat_n('*', (chars - keep).clamp(1, 40)));
    out
}

/// Converts increasing byte offsets to (line, UTF-16 column) in one pass.
#[derive(Default)]
struct Cursor {
    pos: usize,
    line: u32,
    column: u32,
}

impl Cursor {
    fn advance(&mut self, text: &str, to: usize) -> (u32, u32) {
        if to > self.pos {
            for c in text.get(self.pos..to).unwrap_or("").chars() {
                if c == '\n' {
                    self.line = self.line.saturating_add(1);
                    self.column = 0;
                } else {
                    self.column = self.column.saturating_add(c.len_utf16() as u32);
                }
            }
            self.pos = to;
        }
        (self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles_and_has_keywords() {
        assert!(RULES.len() <= 64 * MASK_WORDS, "rule masks hold {} rules", 64 * MASK_WORDS);
        for (i, rule) in RULES.iter().enumerate() {
            assert!(ENGINE.regex(i).is_some(), "{} does not compile", rule.id);
            assert!(!rule.keywords.is_empty(), "{} has no keywords", rule.id);
        }
        assert_eq!(ENGINE.automata.len(), 2);
    }

    #[test]
    fn masks_list_their_rules_in_order() {
        let mut m = Mask::one(200);
        for i in [0, 63, 64, 130] {
            m.union(Mask::one(i));
        }
        assert_eq!(m.iter().collect::<Vec<_>>(), vec![0, 63, 64, 130, 200]);
        assert_eq!(Mask::default().iter().count(), 0);
    }
}
