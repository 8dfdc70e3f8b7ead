//! Questions editors ask of a spec: what is at this position, where is it
//! defined, who cites it, what does it say. Answers are in the model's own
//! terms ([`DocKind`] and [`Range`]); the protocol crate converts them.

use crate::check::{Analysis, IdIndex};
use crate::citations::Citation;
use crate::ids::ReqId;
use crate::spec::{DocKind, Spec};
use crate::tasks::TaskStatus;
use crate::text::{Position, Range};

/// The thing under the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A cited item in tasks.md or design.md; the index into that document's citations.
    Citation {
        doc: DocKind,
        index: usize,
    },
    Criterion(ReqId),
    Requirement(u32),
    /// A task, by index.
    Task(usize),
}

/// A place in a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub doc: DocKind,
    pub range: Range,
}

fn citations(spec: &Spec, doc: DocKind) -> &[Citation] {
    match doc {
        DocKind::Tasks => spec.tasks.as_ref().map_or(&[], |t| &t.model.citations),
        DocKind::Design => spec.design.as_ref().map_or(&[], |d| &d.model.citations),
        _ => &[],
    }
}

pub fn citation(spec: &Spec, doc: DocKind, index: usize) -> Option<&Citation> {
    citations(spec, doc).get(index)
}

/// What is at `pos` in document `doc`.
pub fn target_at(spec: &Spec, doc: DocKind, pos: Position) -> Option<Target> {
    match doc {
        DocKind::Tasks | DocKind::Design => {
            if let Some(index) = citations(spec, doc).iter().position(|c| c.range.contains(pos)) {
                return Some(Target::Citation { doc, index });
            }
            let tasks = &spec.tasks.as_ref()?.model;
            (doc == DocKind::Tasks).then(|| tasks.task_at_line(pos.line).map(Target::Task)).flatten()
        }
        DocKind::Requirements | DocKind::Bugfix => {
            let reqs = &spec.requirements.as_ref()?.model;
            for req in &reqs.requirements {
                if req.heading_range.contains(pos) {
                    return Some(Target::Requirement(req.number));
                }
                if let Some(c) = req.criteria.iter().find(|c| c.range.contains(pos)) {
                    return Some(Target::Criterion(c.id()));
                }
            }
            None
        }
        DocKind::Config | DocKind::TasksMeta => None,
    }
}

/// The existing ids a target stands for.
pub fn ids_of(spec: &Spec, target: Target) -> Vec<ReqId> {
    match target {
        Target::Citation { doc, index } => {
            let Some((reqs, c)) = spec.requirements.as_ref().zip(citation(spec, doc, index)) else { return Vec::new() };
            IdIndex::new(&reqs.model).expand(&c.target).into_iter().filter(|(_, ok)| *ok).map(|(id, _)| id).collect()
        }
        Target::Criterion(id) => vec![id],
        Target::Requirement(n) => vec![ReqId::requirement(n)],
        Target::Task(_) => Vec::new(),
    }
}

/// Where an id is defined.
pub fn definition(spec: &Spec, id: ReqId) -> Option<Location> {
    let reqs = spec.requirements.as_ref()?;
    let index = IdIndex::new(&reqs.model);
    let range = match id.criterion {
        Some(_) => index.criterion(id)?.range,
        None => index.requirement(id.requirement)?.heading_range,
    };
    Some(Location { doc: spec.requirements_kind(), range })
}

/// Every citation in tasks.md and design.md that names `id`: directly, by
/// a range that spans it, or (for a criterion) by naming its requirement.
/// For a requirement, citations of any of its criteria count too.
pub fn references(spec: &Spec, id: ReqId) -> Vec<Location> {
    let Some(reqs) = spec.requirements.as_ref() else { return Vec::new() };
    let index = IdIndex::new(&reqs.model);
    let mut out = Vec::new();
    for doc in [DocKind::Tasks, DocKind::Design] {
        for c in citations(spec, doc) {
            let hit = index.expand(&c.target).into_iter().filter(|(_, ok)| *ok).any(|(cited, _)| {
                cited == id
                    || (cited.criterion.is_none() && cited.requirement == id.requirement)
                    || (id.criterion.is_none() && cited.requirement == id.requirement)
            });
            if hit {
                out.push(Location { doc, range: c.range });
            }
        }
    }
    out
}

/// Markdown describing an id: its text, its requirement, and its coverage.
pub fn hover(spec: &Spec, analysis: &Analysis, id: ReqId) -> Option<String> {
    let reqs = spec.requirements.as_ref()?;
    let index = IdIndex::new(&reqs.model);
    let req = index.requirement(id.requirement)?;
    let req_title = match &req.title {
        Some(t) => format!("Requirement {}: {t}", req.number),
        None => format!("Requirement {}", req.number),
    };
    let task_names = |tasks: &[usize]| -> String {
        let tasks_doc = spec.tasks.as_ref().map(|t| &t.model);
        tasks
            .iter()
            .filter_map(|&i| tasks_doc.and_then(|t| t.tasks.get(i)))
            .map(|t| t.id())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    match id.criterion {
        Some(_) => {
            let c = index.criterion(id)?;
            out.push_str(&format!("**{id}** · {req_title}\n\n{}\n", c.text));
            if c.role.is_requirement() {
                match analysis.coverage.get(&id) {
                    Some(tasks) if !tasks.is_empty() => {
                        out.push_str(&format!("\nCovered by task {}\n", task_names(tasks)))
                    }
                    _ => out.push_str("\nNot covered by any task\n"),
                }
            }
        }
        None => {
            out.push_str(&format!("**{req_title}**\n"));
            if let Some(story) = &req.user_story {
                out.push_str(&format!("\n{story}\n"));
            }
            for c in &req.criteria {
                out.push_str(&format!("\n- **{}** {}", c.id(), c.text));
            }
            out.push('\n');
            let tasks = analysis.tasks_covering_requirement(spec, req.number);
            if !tasks.is_empty() {
                out.push_str(&format!("\nCovered by task {}\n", task_names(&tasks)));
            } else if req.criteria.iter().any(|c| c.role.is_requirement()) {
                out.push_str("\nNot covered by any task\n");
            }
        }
    }
    Some(out)
}

/// Whether `pos` in `line_text` is inside the id list of a citation line,
/// where completion of ids applies.
pub fn in_citation_list(line_text: &str, character_utf16: u32) -> bool {
    let Some(start) = crate::citations::citation_list_start(line_text) else { return false };
    crate::text::utf16_len(&line_text[..start]) as u32 <= character_utf16
}

/// Ids to offer for completion: every requirement and criterion, with its text.
pub fn completion_ids(spec: &Spec) -> Vec<(ReqId, String)> {
    let Some(reqs) = spec.requirements.as_ref() else { return Vec::new() };
    let mut out = Vec::new();
    for req in &reqs.model.requirements {
        out.push((
            ReqId::requirement(req.number),
            req.title.clone().unwrap_or_else(|| format!("Requirement {}", req.number)),
        ));
        for c in &req.criteria {
            out.push((c.id(), c.text.clone()));
        }
    }
    out
}

/// The one-character edit that gives task `task_id` the status `status`:
/// the marker's range and its new text. `None` when there is no such task.
pub fn status_edit(spec: &Spec, task_id: &str, status: TaskStatus) -> Option<(Range, String)> {
    let tasks = &spec.tasks.as_ref()?.model;
    let task = &tasks.tasks[tasks.find(task_id)?];
    Some((task.marker_range, status.marker().to_string()))
}

/// An entry of a document's outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineItem {
    pub name: String,
    pub detail: Option<String>,
    pub kind: OutlineKind,
    pub range: Range,
    pub selection_range: Range,
    pub children: Vec<OutlineItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutlineKind {
    Section,
    Requirement,
    Criterion,
    Property,
    Task,
    Diagram,
}

/// The outline of a document: requirements with their criteria; design
/// sections with their properties and diagrams; tasks with their sub-tasks.
pub fn outline(spec: &Spec, doc: DocKind) -> Vec<OutlineItem> {
    match doc {
        DocKind::Requirements | DocKind::Bugfix => {
            let Some(reqs) = &spec.requirements else { return Vec::new() };
            reqs.model
                .requirements
                .iter()
                .map(|r| OutlineItem {
                    name: match &r.title {
                        Some(t) if !spec.from_bugfix => format!("Requirement {}: {t}", r.number),
                        Some(t) => t.clone(),
                        None => format!("Requirement {}", r.number),
                    },
                    detail: r.user_story.clone(),
                    kind: OutlineKind::Requirement,
                    range: r.range,
                    selection_range: r.heading_range,
                    children: r
                        .criteria
                        .iter()
                        .map(|c| OutlineItem {
                            name: format!("{} {}", c.id(), truncate(&c.text, 80)),
                            detail: None,
                            kind: OutlineKind::Criterion,
                            range: c.range,
                            selection_range: c.number_range,
                            children: Vec::new(),
                        })
                        .collect(),
                })
                .collect()
        }
        DocKind::Design => {
            let Some(design) = &spec.design else { return Vec::new() };
            let mut flat: Vec<(u8, OutlineItem)> = design
                .model
                .headings
                .iter()
                .map(|h| {
                    let is_property = design.model.properties.iter().any(|p| p.heading_range == h.range);
                    let kind = if is_property { OutlineKind::Property } else { OutlineKind::Section };
                    (h.level, item(h.title.clone(), kind, h.range))
                })
                .collect();
            for (i, m) in design.model.mermaid.iter().enumerate() {
                flat.push((7, item(format!("Diagram {}", i + 1), OutlineKind::Diagram, *m)));
            }
            flat.sort_by_key(|(_, i)| i.range.start);
            nest(flat, design.doc.index.position(&design.doc.text, design.doc.text.len()))
        }
        DocKind::Tasks => {
            let Some(tasks) = &spec.tasks else { return Vec::new() };
            let t = &tasks.model;
            fn build(t: &crate::tasks::Tasks, i: usize) -> OutlineItem {
                let task = &t.tasks[i];
                let name = match &task.number {
                    Some(n) => format!("{n} {}", task.title),
                    None => task.title.clone(),
                };
                let mut detail = format!("[{}] {}", task.status.marker(), task.status.label());
                if task.optional {
                    detail.push_str(", optional");
                }
                OutlineItem {
                    name,
                    detail: Some(detail),
                    kind: OutlineKind::Task,
                    range: task.range,
                    selection_range: task.line_range,
                    children: t.children(i).map(|c| build(t, c)).collect(),
                }
            }
            (0..t.tasks.len()).filter(|&i| t.tasks[i].parent.is_none()).map(|i| build(t, i)).collect()
        }
        DocKind::Config | DocKind::TasksMeta => Vec::new(),
    }
}

fn item(name: String, kind: OutlineKind, range: Range) -> OutlineItem {
    OutlineItem { name, detail: None, kind, range, selection_range: range, children: Vec::new() }
}

/// Nests headings by level; a section's range runs to the next heading of
/// the same or a higher level.
fn nest(flat: Vec<(u8, OutlineItem)>, end_of_doc: Position) -> Vec<OutlineItem> {
    let mut stack: Vec<(u8, OutlineItem)> = Vec::new();
    let mut roots = Vec::new();
    let close = |stack: &mut Vec<(u8, OutlineItem)>, roots: &mut Vec<OutlineItem>, end: Position| {
        if let Some((_, mut done)) = stack.pop() {
            if done.kind != OutlineKind::Diagram {
                done.range.end = done.range.end.max(end);
            }
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(done),
                None => roots.push(done),
            }
        }
    };
    for (level, it) in flat {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            let end = Position::new(it.range.start.line.saturating_sub(1), u32::MAX / 2);
            close(&mut stack, &mut roots, end.min(it.range.start));
        }
        stack.push((level, it));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots, end_of_doc);
    }
    roots
}

/// Workspace symbols of a spec: requirement titles and tasks.
pub fn symbols(spec: &Spec) -> Vec<(String, OutlineKind, Location)> {
    let mut out = Vec::new();
    if let Some(reqs) = &spec.requirements {
        for r in &reqs.model.requirements {
            let name = match &r.title {
                Some(t) => format!("{}: Requirement {} {t}", spec.name, r.number),
                None => format!("{}: Requirement {}", spec.name, r.number),
            };
            out.push((
                name,
                OutlineKind::Requirement,
                Location { doc: spec.requirements_kind(), range: r.heading_range },
            ));
        }
    }
    if let Some(tasks) = &spec.tasks {
        for t in &tasks.model.tasks {
            out.push((
                format!("{}: Task {} {}", spec.name, t.id(), t.title),
                OutlineKind::Task,
                Location { doc: DocKind::Tasks, range: t.line_range },
            ));
        }
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
