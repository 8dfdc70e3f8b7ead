//! The checks: cross-document resolution of cited ids, coverage, and every
//! diagnostic Specwright reports on a spec. Pure and deterministic: the same
//! spec gives the same diagnostics, in the same order.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::citations::{Citation, CitationSource};
use crate::ids::{CitationTarget, ReqId};
use crate::requirements::{Criterion, Requirements};
use crate::spec::{DocKind, Spec};
use crate::text::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Information => "information",
            Self::Hint => "hint",
        }
    }
}

/// Stable diagnostic codes. Their names are part of the public interface
/// (documented in the README, used in SARIF rule ids): never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    DanglingReference,
    UncoveredCriterion,
    NotEars,
    DuplicateId,
    ParentDoneWithOpenSubtask,
    MissingDocument,
    MalformedConfig,
    MalformedDependencyGraph,
    UnreadableFile,
}

impl Code {
    pub const ALL: [Code; 9] = [
        Self::DanglingReference,
        Self::UncoveredCriterion,
        Self::NotEars,
        Self::DuplicateId,
        Self::ParentDoneWithOpenSubtask,
        Self::MissingDocument,
        Self::MalformedConfig,
        Self::MalformedDependencyGraph,
        Self::UnreadableFile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DanglingReference => "dangling-reference",
            Self::UncoveredCriterion => "uncovered-criterion",
            Self::NotEars => "not-ears",
            Self::DuplicateId => "duplicate-id",
            Self::ParentDoneWithOpenSubtask => "parent-done-with-open-subtask",
            Self::MissingDocument => "missing-document",
            Self::MalformedConfig => "malformed-config",
            Self::MalformedDependencyGraph => "malformed-dependency-graph",
            Self::UnreadableFile => "unreadable-file",
        }
    }

    /// The usual severity (a missing later document is information only).
    pub fn default_severity(self) -> Severity {
        match self {
            Self::DanglingReference | Self::DuplicateId | Self::MalformedConfig | Self::UnreadableFile => {
                Severity::Error
            }
            _ => Severity::Warning,
        }
    }

    /// One sentence on what the code means.
    pub fn description(self) -> &'static str {
        match self {
            Self::DanglingReference => {
                "A task or design property cites a requirement or criterion id that requirements.md does not define."
            }
            Self::UncoveredCriterion => "An acceptance criterion that no task in tasks.md cites.",
            Self::NotEars => {
                "An acceptance criterion that does not follow an EARS template (WHEN/IF/WHILE/WHERE … THE system SHALL …)."
            }
            Self::DuplicateId => "Two requirements, criteria or tasks share a number.",
            Self::ParentDoneWithOpenSubtask => {
                "A task is marked done while one of its required sub-tasks is still open."
            }
            Self::MissingDocument => "The spec folder lacks requirements.md (or bugfix.md), design.md or tasks.md.",
            Self::MalformedConfig => {
                ".config.kiro or .tasks-meta.json is not valid JSON or has fields of the wrong type."
            }
            Self::MalformedDependencyGraph => {
                "The Task Dependency Graph block is not valid JSON or names tasks that do not exist."
            }
            Self::UnreadableFile => "A spec file could not be read.",
        }
    }
}

/// A finding, located in one document of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub doc: DocKind,
    pub range: Range,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
}

/// The figures of one spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub requirements: usize,
    pub criteria: usize,
    /// Top-level tasks.
    pub tasks: usize,
    pub subtasks: usize,
    /// Tasks and sub-tasks marked `[x]`.
    pub done: usize,
    pub optional: usize,
    /// Requirement-id citations in tasks.md and design.md; a range counts
    /// once per id it spans, free text not at all.
    pub references: usize,
    /// Cited ids that do not exist, sorted.
    pub dangling: Vec<ReqId>,
    /// Criteria (of requirements, not current-behavior clauses) no task cites, sorted.
    pub uncovered: Vec<ReqId>,
}

/// Where each id of a requirements document is.
#[derive(Debug, Default)]
pub struct IdIndex<'a> {
    criteria: HashMap<ReqId, &'a Criterion>,
    requirements: HashMap<u32, usize>,
    /// Criterion ids in document order, for ranges that cross requirements.
    order: Vec<ReqId>,
    doc: Option<&'a Requirements>,
}

impl<'a> IdIndex<'a> {
    pub fn new(doc: &'a Requirements) -> Self {
        let mut index = Self { doc: Some(doc), ..Self::default() };
        for (i, req) in doc.requirements.iter().enumerate() {
            index.requirements.entry(req.number).or_insert(i);
            for c in &req.criteria {
                index.criteria.entry(c.id()).or_insert(c);
                index.order.push(c.id());
            }
        }
        index
    }

    pub fn criterion(&self, id: ReqId) -> Option<&'a Criterion> {
        self.criteria.get(&id).copied()
    }

    pub fn requirement(&self, n: u32) -> Option<&'a crate::requirements::Requirement> {
        let doc = self.doc?;
        self.requirements.get(&n).map(|&i| &doc.requirements[i])
    }

    pub fn exists(&self, id: ReqId) -> bool {
        match id.criterion {
            Some(_) => self.criteria.contains_key(&id),
            None => self.requirements.contains_key(&id.requirement),
        }
    }

    /// The ids a citation names, each with whether it exists. A range of
    /// criteria within one requirement expands number by number; a range
    /// across requirements runs in document order between its two ends.
    pub fn expand(&self, target: &CitationTarget) -> Vec<(ReqId, bool)> {
        match *target {
            CitationTarget::Id(id) => vec![(id, self.exists(id))],
            CitationTarget::FreeText => Vec::new(),
            CitationTarget::Range(a, b) => match (a.criterion, b.criterion) {
                (Some(x), Some(y)) if a.requirement == b.requirement && x <= y && y - x < 1000 => {
                    (x..=y).map(|m| ReqId::criterion(a.requirement, m)).map(|id| (id, self.exists(id))).collect()
                }
                (None, None) if a.requirement <= b.requirement && b.requirement - a.requirement < 1000 => {
                    (a.requirement..=b.requirement).map(ReqId::requirement).map(|id| (id, self.exists(id))).collect()
                }
                _ => {
                    let from = self.order.iter().position(|&id| id == a);
                    let to = self.order.iter().position(|&id| id == b);
                    match (from, to) {
                        (Some(f), Some(t)) if f <= t => self.order[f..=t].iter().map(|&id| (id, true)).collect(),
                        _ => vec![(a, self.exists(a)), (b, self.exists(b))],
                    }
                }
            },
        }
    }

    /// The criteria an existing id covers: itself, or all of a requirement's.
    pub fn covered_criteria(&self, id: ReqId) -> Vec<ReqId> {
        match id.criterion {
            Some(_) => vec![id],
            None => self
                .requirement(id.requirement)
                .map(|r| r.criteria.iter().map(Criterion::id).collect())
                .unwrap_or_default(),
        }
    }
}

/// Everything the checks found, with what the editor features need.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// Criterion id → indices of the tasks that cite it.
    pub coverage: HashMap<ReqId, Vec<usize>>,
}

impl Analysis {
    /// The tasks that cite any criterion of requirement `n`, sorted.
    pub fn tasks_covering_requirement(&self, spec: &Spec, n: u32) -> Vec<usize> {
        let Some(req) = spec.requirements.as_ref().and_then(|r| r.model.requirements.iter().find(|r| r.number == n))
        else {
            return Vec::new();
        };
        let set: BTreeSet<usize> =
            req.criteria.iter().filter_map(|c| self.coverage.get(&c.id())).flatten().copied().collect();
        set.into_iter().collect()
    }
}

/// Runs every check on a spec.
pub fn analyze(spec: &Spec) -> Analysis {
    let mut out = Analysis::default();
    let req_kind = spec.requirements_kind();
    let empty = Requirements::default();
    let reqs = spec.requirements.as_ref().map_or(&empty, |r| &r.model);
    let index = IdIndex::new(reqs);
    let has_requirements = spec.requirements.is_some();

    // Figures from requirements.
    out.summary.requirements = reqs.requirements.len();
    out.summary.criteria = reqs.requirements.iter().map(|r| r.criteria.len()).sum();

    // Citations: resolution, references, dangling, coverage.
    let mut dangling = BTreeSet::new();
    let citations = spec
        .tasks
        .iter()
        .flat_map(|t| t.model.citations.iter())
        .chain(spec.design.iter().flat_map(|d| d.model.citations.iter()));
    for citation in citations {
        let expanded = index.expand(&citation.target);
        out.summary.references += expanded.len();
        if !has_requirements {
            continue;
        }
        let missing: Vec<ReqId> = expanded.iter().filter(|(_, ok)| !ok).map(|(id, _)| *id).collect();
        if !missing.is_empty() {
            dangling.extend(missing.iter().copied());
            out.diagnostics.push(dangling_diagnostic(citation, &missing, &index, req_kind));
        }
        if let (CitationSource::Tasks, Some(task)) = (citation.source, citation.owner) {
            for (id, _) in expanded.iter().filter(|(_, ok)| *ok) {
                for c in index.covered_criteria(*id) {
                    let tasks = out.coverage.entry(c).or_default();
                    if !tasks.contains(&task) {
                        tasks.push(task);
                    }
                }
            }
        }
    }
    out.summary.dangling = dangling.into_iter().collect();

    // Requirements: uncovered, EARS, duplicates.
    let mut seen_requirements: HashMap<u32, u32> = HashMap::new();
    // Criterion id → (line of its first definition, number of the requirement heading it is under).
    let mut seen_criteria: HashMap<ReqId, (u32, u32)> = HashMap::new();
    for req in &reqs.requirements {
        let first_heading = *seen_requirements.entry(req.number).or_insert(req.heading_range.start.line);
        // A bugfix's sections may repeat; a requirements.md heading may not.
        let repeated_heading = !spec.from_bugfix && first_heading != req.heading_range.start.line;
        if repeated_heading {
            out.diagnostics.push(diag(
                req_kind,
                req.number_range,
                Code::DuplicateId,
                format!("Requirement {} is defined twice (first on line {})", req.number, first_heading + 1),
            ));
        }
        let mut under_this_heading: HashMap<ReqId, u32> = HashMap::new();
        for c in &req.criteria {
            let id = c.id();
            let line = c.range.start.line;
            let first = match (under_this_heading.get(&id), seen_criteria.get(&id)) {
                (Some(&first), _) => Some(first),
                // The repeated heading is reported once, not again for each
                // criterion it repeats.
                (None, Some(&(_, heading))) if repeated_heading && heading == req.number => None,
                (None, Some(&(first, _))) => Some(first),
                (None, None) => {
                    seen_criteria.insert(id, (line, req.number));
                    None
                }
            };
            under_this_heading.entry(id).or_insert(line);
            if let Some(first) = first {
                out.diagnostics.push(diag(
                    req_kind,
                    c.number_range,
                    Code::DuplicateId,
                    format!("criterion {id} is defined twice (first on line {})", first + 1),
                ));
            }
            if !c.role.is_requirement() {
                continue;
            }
            if !out.coverage.contains_key(&id) {
                out.summary.uncovered.push(id);
                if spec.tasks.is_some() {
                    out.diagnostics.push(diag(
                        req_kind,
                        c.range,
                        Code::UncoveredCriterion,
                        format!("criterion {id} is not covered by any task in tasks.md"),
                    ));
                }
            }
            if c.ears.is_none() {
                out.diagnostics.push(diag(
                    req_kind,
                    c.range,
                    Code::NotEars,
                    format!("criterion {id} is not in EARS form: {EARS_FORM}"),
                ));
            }
        }
    }
    out.summary.uncovered.sort();
    out.summary.uncovered.dedup();

    if let Some(tasks) = &spec.tasks {
        check_tasks(&tasks.model, &mut out);
    }
    check_metadata(spec, &mut out);
    check_missing_documents(spec, &mut out);
    for (path, reason) in &spec.unreadable {
        let kind = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(DocKind::from_file_name)
            .unwrap_or(DocKind::Requirements);
        out.diagnostics.push(diag(
            kind,
            Range::line_start(0),
            Code::UnreadableFile,
            format!("{} could not be read: {reason}", kind.file_name()),
        ));
    }
    out.diagnostics.sort_by_key(|d| (d.doc, d.range.start, d.code));
    out
}

/// What a criterion that is not EARS should look like: each template once.
const EARS_FORM: &str =
    "expected THE <system> SHALL <response>, optionally opened by WHEN, WHILE, IF or WHERE <condition>";

/// Ids named by what they are: `criterion 1.5`, `requirements 2, 3`,
/// `requirement 4 and criteria 1.3, 1.4`.
fn name_ids(ids: &[ReqId]) -> String {
    let (criteria, requirements): (Vec<&ReqId>, Vec<&ReqId>) = ids.iter().partition(|id| id.criterion.is_some());
    let group = |ids: &[&ReqId], one: &str, many: &str| {
        let list: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
        match list.len() {
            0 => None,
            1 => Some(format!("{one} {}", list[0])),
            _ => Some(format!("{many} {}", list.join(", "))),
        }
    };
    [group(&requirements, "requirement", "requirements"), group(&criteria, "criterion", "criteria")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" and ")
}

fn diag(doc: DocKind, range: Range, code: Code, message: String) -> Diagnostic {
    Diagnostic { doc, range, severity: code.default_severity(), code, message }
}

fn dangling_diagnostic(citation: &Citation, missing: &[ReqId], index: &IdIndex<'_>, req_kind: DocKind) -> Diagnostic {
    let doc = match citation.source {
        CitationSource::Tasks => DocKind::Tasks,
        CitationSource::Design => DocKind::Design,
    };
    let verb = if missing.len() == 1 { "does" } else { "do" };
    let mut message = format!("{} {verb} not exist in {}", name_ids(missing), req_kind.file_name());
    if let Some(req) = missing.first().and_then(|id| id.criterion.and_then(|_| index.requirement(id.requirement))) {
        let mut ids: Vec<String> = Vec::new();
        for c in &req.criteria {
            let id = c.id().to_string();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        match ids.as_slice() {
            [] => message.push_str(&format!(" (Requirement {} has no criteria)", req.number)),
            [one] => message.push_str(&format!(" (Requirement {} has only criterion {one})", req.number)),
            [first, .., last] if ids.len() > 6 => {
                message.push_str(&format!(" (Requirement {} has criteria {first} … {last})", req.number))
            }
            all => message.push_str(&format!(" (Requirement {} has criteria {})", req.number, all.join(", "))),
        }
    }
    diag(doc, citation.range, Code::DanglingReference, message)
}

fn check_tasks(tasks: &crate::tasks::Tasks, out: &mut Analysis) {
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for (i, task) in tasks.tasks.iter().enumerate() {
        if task.is_subtask() {
            out.summary.subtasks += 1;
        } else {
            out.summary.tasks += 1;
        }
        if task.status == crate::tasks::TaskStatus::Done {
            out.summary.done += 1;
        }
        if task.optional {
            out.summary.optional += 1;
        }
        if let Some(number) = task.number.as_deref() {
            if let Some(first) = seen.get(number) {
                out.diagnostics.push(diag(
                    DocKind::Tasks,
                    task.line_range,
                    Code::DuplicateId,
                    format!("task {number} is numbered twice (first on line {})", first + 1),
                ));
            } else {
                seen.insert(number, task.line_range.start.line);
            }
        }
        if task.status == crate::tasks::TaskStatus::Done {
            let open: Vec<String> = tasks
                .children(i)
                .filter(|&c| tasks.tasks[c].status != crate::tasks::TaskStatus::Done && !tasks.tasks[c].optional)
                .map(|c| format!("{} ({})", tasks.tasks[c].id(), tasks.tasks[c].status.label()))
                .collect();
            if !open.is_empty() {
                out.diagnostics.push(diag(
                    DocKind::Tasks,
                    task.marker_range,
                    Code::ParentDoneWithOpenSubtask,
                    if open.len() == 1 {
                        format!("task {} is marked done but sub-task {} is not", task.id(), open[0])
                    } else {
                        format!("task {} is marked done but sub-tasks {} are not", task.id(), open.join(", "))
                    },
                ));
            }
        }
    }
    if let Some(graph) = &tasks.dependency_graph {
        if let Some(error) = &graph.error {
            out.diagnostics.push(diag(
                DocKind::Tasks,
                graph.range,
                Code::MalformedDependencyGraph,
                format!("the Task Dependency Graph cannot be read: {error}"),
            ));
        } else {
            let unknown: Vec<&str> =
                graph.waves.iter().flatten().map(String::as_str).filter(|id| tasks.find(id).is_none()).collect();
            if !unknown.is_empty() {
                out.diagnostics.push(diag(
                    DocKind::Tasks,
                    graph.range,
                    Code::MalformedDependencyGraph,
                    format!("the Task Dependency Graph names tasks that do not exist: {}", unknown.join(", ")),
                ));
            }
        }
    }
}

fn check_metadata(spec: &Spec, out: &mut Analysis) {
    let problems = spec
        .config
        .iter()
        .flat_map(|c| c.problems.iter().map(|p| (DocKind::Config, p)))
        .chain(spec.tasks_meta.iter().flat_map(|m| m.problems.iter().map(|p| (DocKind::TasksMeta, p))));
    for (kind, problem) in problems {
        out.diagnostics.push(diag(
            kind,
            problem.range,
            Code::MalformedConfig,
            format!("{}: {}", kind.file_name(), problem.message),
        ));
    }
}

fn check_missing_documents(spec: &Spec, out: &mut Analysis) {
    // Anchored on the first document present, else on the missing requirements.md.
    let anchor = spec.documents().next().map_or(DocKind::Requirements, |(k, _)| k);
    let mut missing = |doc_present: bool, severity: Severity, message: String| {
        if !doc_present {
            out.diagnostics.push(Diagnostic {
                doc: anchor,
                range: Range::line_start(0),
                severity,
                code: Code::MissingDocument,
                message,
            });
        }
    };
    let design_first = spec.config.as_ref().and_then(|c| c.value.workflow_type.as_deref()) == Some("design-first");
    let req_name = if spec.kind() == crate::spec::SpecKind::Bugfix { "bugfix.md" } else { "requirements.md" };
    // A design-first spec starts from design.md; its requirements come second.
    let req_severity = if design_first && spec.tasks.is_none() { Severity::Information } else { Severity::Warning };
    missing(spec.requirements.is_some(), req_severity, format!("spec '{}' has no {req_name}", spec.name));
    missing(spec.design.is_some(), Severity::Information, format!("spec '{}' has no design.md yet", spec.name));
    missing(spec.tasks.is_some(), Severity::Information, format!("spec '{}' has no tasks.md yet", spec.name));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_named_requirements_or_criteria() {
        let ids = |list: &[&str]| -> Vec<ReqId> { list.iter().filter_map(|s| ReqId::parse(s)).collect() };
        assert_eq!(name_ids(&ids(&["4"])), "requirement 4");
        assert_eq!(name_ids(&ids(&["4.2"])), "criterion 4.2");
        assert_eq!(name_ids(&ids(&["2", "3"])), "requirements 2, 3");
        assert_eq!(name_ids(&ids(&["1.3", "4", "1.4"])), "requirement 4 and criteria 1.3, 1.4");
    }
}
