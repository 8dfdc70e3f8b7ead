//! One steering file: front matter interpreted, references resolved, every
//! problem a [`Diagnostic`] with a precise range.

use std::path::Path;

use specwright_spec::suggest::closest_name;
use specwright_spec::{LineIndex, Severity};

use crate::front_matter::{self, Entry, Scalar, Span, Value};
use crate::include::{self, Refusal};
use crate::pattern::{Matcher, split_commas};
use crate::{Diagnostic, Include, Inclusion, Source, SteeringFile, codes};

/// The keys Kiro reads from steering front matter.
const KEYS: [&str; 4] = ["inclusion", "fileMatchPattern", "name", "description"];

/// Parses one steering document. `rel` is its path relative to the workspace
/// root (or `~/.kiro/steering/<name>.md` for user-level documents);
/// `#[[file:…]]` targets are resolved against `root`. Pure apart from
/// checking that reference targets exist.
pub fn parse(path: &Path, rel: &str, text: &str, root: &Path, source: Source) -> SteeringFile {
    let mut cx = Cx { text, index: LineIndex::new(text), diagnostics: Vec::new() };
    let fm = front_matter::split(text);
    for p in &fm.problems {
        cx.push(p.span, p.severity, codes::FRONT_MATTER, p.message.clone());
    }

    let mut seen: Vec<&Entry> = Vec::new();
    for e in &fm.entries {
        if let Some(prev) = seen.iter().position(|p| p.key == e.key) {
            cx.push(
                e.key_span,
                Severity::Warning,
                codes::FRONT_MATTER,
                format!("duplicate key `{}`; this later value is used", e.key),
            );
            seen.remove(prev);
        }
        seen.push(e);
        if !KEYS.contains(&e.key.as_str()) {
            let hint = closest_name(&e.key, KEYS.iter().copied())
                .map(|k| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            cx.push(
                e.key_span,
                Severity::Hint,
                codes::FRONT_MATTER,
                format!("unknown key `{}`{hint}; Kiro reads inclusion, fileMatchPattern, name and description", e.key),
            );
        }
    }
    let get = |key: &str| seen.iter().copied().find(|e| e.key == key);

    let (inclusion, inclusion_span) = match get("inclusion") {
        Some(e) => cx.inclusion(e),
        None => (Inclusion::Always, None),
    };

    let mut patterns = Vec::new();
    let pattern_entry = get("fileMatchPattern");
    if let Some(e) = pattern_entry {
        match &e.value {
            Value::Null(_) => {}
            Value::Scalar(s) => cx.patterns(s, &mut patterns),
            Value::List(items, _) => items.iter().for_each(|s| cx.patterns(s, &mut patterns)),
        }
    }
    let at_inclusion = inclusion_span.unwrap_or_else(|| Span::new(0, 0));
    if inclusion == Inclusion::FileMatch && patterns.is_empty() {
        let span = pattern_entry.map_or(at_inclusion, |e| e.key_span);
        cx.push(
            span,
            Severity::Error,
            codes::MISSING_PATTERN,
            "`inclusion: fileMatch` needs a `fileMatchPattern`; without one this document never applies".into(),
        );
    }
    if let Some(e) = pattern_entry
        && inclusion != Inclusion::FileMatch
    {
        cx.push(
            e.key_span,
            Severity::Hint,
            codes::FRONT_MATTER,
            format!(
                "`fileMatchPattern` is only used with `inclusion: fileMatch` (this document is `{}`)",
                inclusion.as_str()
            ),
        );
    }

    let name = get("name").and_then(|e| cx.text_value(e));
    let description = get("description").and_then(|e| cx.text_value(e));
    if inclusion == Inclusion::Auto && description.is_none() {
        let span = get("description").map_or(at_inclusion, |e| e.key_span);
        cx.push(
            span,
            Severity::Warning,
            codes::MISSING_DESCRIPTION,
            "`inclusion: auto` needs a `description`: the agent decides from it whether to read this document".into(),
        );
    }

    let root_canonical = std::fs::canonicalize(root).ok();
    let mut includes = Vec::new();
    for f in include::scan(text, fm.body_start) {
        let span = Span::new(f.start, f.end);
        let resolved = match include::resolve(root, root_canonical.as_deref(), &f.target) {
            Ok(p) => Some(p),
            Err(refusal) => {
                cx.refusal(span, &f.target, &refusal);
                None
            }
        };
        includes.push(Include { target: f.target, range: cx.range(span), resolved });
    }

    SteeringFile {
        path: path.to_path_buf(),
        rel: rel.to_string(),
        source,
        inclusion,
        patterns,
        name,
        description,
        body: text[fm.body_start.min(text.len())..].to_string(),
        includes,
        diagnostics: cx.diagnostics,
    }
}

struct Cx<'a> {
    text: &'a str,
    index: LineIndex,
    diagnostics: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn range(&self, span: Span) -> specwright_spec::Range {
        self.index.range(self.text, span.start, span.end)
    }

    fn push(&mut self, span: Span, severity: Severity, code: &'static str, message: String) {
        let range = self.range(span);
        self.diagnostics.push(Diagnostic { range, severity, code, message });
    }

    fn inclusion(&mut self, e: &Entry) -> (Inclusion, Option<Span>) {
        let s = match &e.value {
            Value::Scalar(s) => s,
            Value::Null(span) => {
                self.push(
                    e.key_span,
                    Severity::Warning,
                    codes::UNKNOWN_INCLUSION,
                    "`inclusion` has no value; expected always, fileMatch, manual or auto (read as always)".into(),
                );
                return (Inclusion::Always, Some(*span));
            }
            Value::List(_, span) => {
                self.push(
                    *span,
                    Severity::Error,
                    codes::FRONT_MATTER,
                    "`inclusion` takes one value, not a list (read as always)".into(),
                );
                return (Inclusion::Always, Some(*span));
            }
        };
        let span = s.value_span();
        let v = s.value.trim();
        let all = [Inclusion::Always, Inclusion::FileMatch, Inclusion::Manual, Inclusion::Auto];
        if let Some(&i) = all.iter().find(|i| i.as_str() == v) {
            return (i, Some(span));
        }
        let loose = |x: &str| x.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        if let Some(&i) = all.iter().find(|i| loose(i.as_str()) == loose(v)) {
            self.push(
                span,
                Severity::Warning,
                codes::UNKNOWN_INCLUSION,
                format!("inclusion `{v}` is spelled `{}`; read as {}", i.as_str(), i.as_str()),
            );
            return (i, Some(span));
        }
        self.push(
            span,
            Severity::Error,
            codes::UNKNOWN_INCLUSION,
            format!(
                "unknown inclusion `{v}`; expected always, fileMatch, manual or auto (read as manual: included only when asked for)"
            ),
        );
        (Inclusion::Manual, Some(span))
    }

    /// Splits one written pattern value into globs, checking each.
    fn patterns(&mut self, s: &Scalar, out: &mut Vec<String>) {
        for (a, b) in split_commas(&s.value) {
            let p = &s.value[a..b];
            let span = s.sub_span(a, b);
            if p.is_empty() {
                self.push(
                    s.value_span(),
                    Severity::Warning,
                    codes::BAD_PATTERN,
                    "empty pattern (a stray comma?)".into(),
                );
                continue;
            }
            out.push(p.to_string());
            if p.starts_with('/') || p.starts_with("../") {
                self.push(
                    span,
                    Severity::Warning,
                    codes::BAD_PATTERN,
                    format!("`{p}` never matches: patterns are relative to the workspace root"),
                );
            } else if let Err(why) = Matcher::compile(p) {
                self.push(span, Severity::Error, codes::BAD_PATTERN, format!("invalid glob `{p}`: {why}"));
            }
        }
    }

    fn text_value(&mut self, e: &Entry) -> Option<String> {
        match &e.value {
            Value::Scalar(s) => Some(s.value.trim().to_string()).filter(|v| !v.is_empty()),
            Value::Null(_) => None,
            Value::List(_, span) => {
                self.push(
                    *span,
                    Severity::Error,
                    codes::FRONT_MATTER,
                    format!("`{}` takes one value, not a list", e.key),
                );
                None
            }
        }
    }

    fn refusal(&mut self, span: Span, target: &str, refusal: &Refusal) {
        let (code, severity, message) = match refusal {
            Refusal::Empty => (codes::MISSING_FILE, Severity::Error, "empty file reference".to_string()),
            Refusal::Missing => {
                (codes::MISSING_FILE, Severity::Error, format!("`{target}` does not exist in the workspace"))
            }
            Refusal::NotAFile => (codes::MISSING_FILE, Severity::Error, format!("`{target}` is not a file")),
            Refusal::Absolute => (
                codes::FILE_OUTSIDE_WORKSPACE,
                Severity::Error,
                format!("`{target}` is absolute; references are relative to the workspace root and are not read"),
            ),
            Refusal::Escapes => (
                codes::FILE_OUTSIDE_WORKSPACE,
                Severity::Error,
                format!("`{target}` leaves the workspace; it is not read"),
            ),
            Refusal::SymlinkOutside => (
                codes::FILE_OUTSIDE_WORKSPACE,
                Severity::Error,
                format!("`{target}` is a link to a file outside the workspace; it is not read"),
            ),
        };
        self.push(span, severity, code, message);
    }
}
