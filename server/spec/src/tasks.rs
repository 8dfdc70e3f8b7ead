//! `tasks.md`: the implementation plan. Checkbox items with their status
//! marker, optional flag, number and hierarchy, the requirement ids each
//! cites, and the `## Task Dependency Graph` block of waves.

use std::sync::LazyLock;

use regex::Regex;

use crate::citations::{Citation, CitationSource, citations_in_line};
use crate::markdown::{self, LineKind};
use crate::text::{LineIndex, Range};

#[derive(Debug, Clone, Default)]
pub struct Tasks {
    pub title: Option<String>,
    /// Every task in document order; `parent` indexes into this list.
    pub tasks: Vec<Task>,
    /// Requirement citations, in document order; `task` says whose they are.
    pub citations: Vec<Citation>,
    pub headings: Vec<crate::requirements::Heading>,
    pub dependency_graph: Option<DependencyGraph>,
}

impl Tasks {
    /// The task with this number (`2.1`), or an unnumbered task by its id
    /// ([`Task::id`]).
    pub fn find(&self, id: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.id() == id)
    }

    /// The task whose line range contains `line` (its own line or its details).
    pub fn task_at_line(&self, line: u32) -> Option<usize> {
        self.tasks.iter().rposition(|t| t.range.start.line <= line && line <= t.range.end.line)
    }

    pub fn children(&self, parent: usize) -> impl Iterator<Item = usize> + '_ {
        self.tasks.iter().enumerate().filter(move |(_, t)| t.parent == Some(parent)).map(|(i, _)| i)
    }
}

/// The state a task's checkbox marker records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    /// `[ ]`
    NotStarted,
    /// `[-]`
    InProgress,
    /// `[~]`
    Queued,
    /// `[x]`
    Done,
}

impl TaskStatus {
    pub fn from_marker(c: char) -> Option<Self> {
        Some(match c {
            ' ' => Self::NotStarted,
            '-' => Self::InProgress,
            '~' => Self::Queued,
            'x' | 'X' => Self::Done,
            _ => return None,
        })
    }

    pub fn marker(self) -> char {
        match self {
            Self::NotStarted => ' ',
            Self::InProgress => '-',
            Self::Queued => '~',
            Self::Done => 'x',
        }
    }

    /// Parses `done`, `in-progress`, `inProgress`, `not_started`, `todo` ...
    pub fn parse(s: &str) -> Option<Self> {
        let key: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        Some(match key.as_str() {
            "notstarted" | "todo" | "open" | "none" => Self::NotStarted,
            "inprogress" | "started" | "doing" | "progress" => Self::InProgress,
            "queued" => Self::Queued,
            "done" | "complete" | "completed" | "finished" => Self::Done,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "not started",
            Self::InProgress => "in progress",
            Self::Queued => "queued",
            Self::Done => "done",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Task {
    /// `2.1`, when the task is numbered.
    pub number: Option<String>,
    pub title: String,
    pub status: TaskStatus,
    pub optional: bool,
    /// The task's first line.
    pub line_range: Range,
    /// The task's line and its detail lines.
    pub range: Range,
    /// The single marker character between the brackets.
    pub marker_range: Range,
    pub parent: Option<usize>,
    /// Leading whitespace of the task line, in columns.
    pub indent: usize,
    /// Detail bullets (without `_Requirements:` lines).
    pub details: Vec<String>,
}

impl Task {
    /// A sub-task has a parent, or a dotted number (`2.1`) even when its
    /// parent is missing.
    pub fn is_subtask(&self) -> bool {
        self.parent.is_some() || self.number.as_deref().is_some_and(|n| n.contains('.'))
    }

    /// The id commands use: the number, else `L<line>` (1-based) for an
    /// unnumbered task.
    pub fn id(&self) -> String {
        match &self.number {
            Some(n) => n.clone(),
            None => format!("L{}", self.line_range.start.line + 1),
        }
    }
}

/// The `## Task Dependency Graph` block: waves of task ids that can run together.
#[derive(Debug, Clone)]
pub struct DependencyGraph {
    /// The JSON block's lines.
    pub range: Range,
    pub waves: Vec<Vec<String>>,
    /// Why the block could not be read, when it could not.
    pub error: Option<String>,
}

/// `- [ ] 1. Title`, `* [x] 2.1 Title`, `- [ ]* 3 Title`, `- [ ]\* 3.1 Title`.
static TASK_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)[-*+]\s+\[([ xX~-])\](\\?\*)?\s*(.*)$").expect("valid regex"));
static TASK_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\**(\d{1,6}(?:\.\d{1,6})*)\.?\**\s+(.*)$").expect("valid regex"));

/// Parses `tasks.md`.
pub fn parse_tasks(text: &str, index: &LineIndex) -> Tasks {
    let lines = markdown::lines(text);
    let mut doc = Tasks::default();
    let mut in_graph_section = false;
    let mut graph_start: Option<(usize, u32)> = None;
    let mut current: Option<usize> = None;
    for line in &lines {
        let line_range = index.range(text, line.start, line.start + line.text.len());
        match line.kind {
            LineKind::Heading { level, title, .. } => {
                if level == 1 && doc.title.is_none() {
                    doc.title = Some(title.to_string());
                }
                doc.headings.push(crate::requirements::Heading { level, title: title.to_string(), range: line_range });
                in_graph_section = title.to_lowercase().contains("dependency graph");
                current = None;
                continue;
            }
            LineKind::FenceOpen { info } => {
                if in_graph_section && info.eq_ignore_ascii_case("json") && doc.dependency_graph.is_none() {
                    graph_start = Some((line.start + line.text.len() + 1, line.number));
                }
                continue;
            }
            LineKind::FenceClose => {
                if let Some((start, first_line)) = graph_start.take() {
                    let json = text.get(start.min(line.start)..line.start).unwrap_or("");
                    let range = Range::new(
                        crate::text::Position::new(first_line, 0),
                        index.position(text, line.start + line.text.len()),
                    );
                    doc.dependency_graph = Some(read_graph(json, range));
                }
                continue;
            }
            LineKind::Fenced => continue,
            LineKind::Text => {}
        }
        if let Some(c) = TASK_LINE.captures(line.text) {
            let (Some(indent), Some(marker), Some(rest)) = (c.get(1), c.get(2), c.get(4)) else { continue };
            let status =
                marker.as_str().chars().next().and_then(TaskStatus::from_marker).unwrap_or(TaskStatus::NotStarted);
            let (number, title) = match TASK_NUMBER.captures(rest.as_str()) {
                Some(n) => (Some(n[1].to_string()), n[2].trim().to_string()),
                None => (None, rest.as_str().trim().to_string()),
            };
            let indent_cols = indent.as_str().chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
            let parent = find_parent(&doc.tasks, number.as_deref(), indent_cols);
            let marker_range = index.range(text, line.at(marker.start()), line.at(marker.end()));
            doc.tasks.push(Task {
                number,
                title: title.replace("**", ""),
                status,
                optional: c.get(3).is_some(),
                line_range,
                range: line_range,
                marker_range,
                parent,
                indent: indent_cols,
                details: Vec::new(),
            });
            let task = doc.tasks.len() - 1;
            current = Some(task);
            // Citations can sit on the task line itself.
            doc.citations.extend(citations_in_line(text, index, line, CitationSource::Tasks, Some(task)));
            continue;
        }
        let Some(task) = current else {
            doc.citations.extend(citations_in_line(text, index, line, CitationSource::Tasks, None));
            continue;
        };
        if line.text.trim().is_empty() {
            continue;
        }
        // A detail line belongs to the open task while it is indented or a bullet.
        let indented = line.text.starts_with([' ', '\t']);
        let bullet = line.text.trim_start().starts_with(['-', '*', '+']);
        if !indented && !bullet {
            current = None;
            doc.citations.extend(citations_in_line(text, index, line, CitationSource::Tasks, None));
            continue;
        }
        doc.tasks[task].range.end = line_range.end;
        let found = citations_in_line(text, index, line, CitationSource::Tasks, Some(task));
        if found.is_empty() {
            let detail = line.text.trim().trim_start_matches(['-', '*', '+']).trim();
            doc.tasks[task].details.push(detail.to_string());
        }
        doc.citations.extend(found);
    }
    if let Some((_, first_line)) = graph_start {
        let range = Range::new(crate::text::Position::new(first_line, 0), index.position(text, text.len()));
        let error = Some("its ```json block is never closed".to_string());
        doc.dependency_graph = Some(DependencyGraph { range, waves: Vec::new(), error });
    }
    doc
}

/// A numbered task's parent is the nearest earlier task whose number is its
/// prefix (`2` for `2.1`), whatever the indentation; otherwise the nearest
/// earlier task indented less.
fn find_parent(tasks: &[Task], number: Option<&str>, indent: usize) -> Option<usize> {
    let parent_number = number.and_then(|n| n.rsplit_once('.')).map(|(p, _)| p);
    if let Some(i) = parent_number.and_then(|p| tasks.iter().rposition(|t| t.number.as_deref() == Some(p))) {
        return Some(i);
    }
    if number.is_some_and(|n| !n.contains('.')) {
        return None;
    }
    tasks.iter().rposition(|t| t.indent < indent)
}

fn read_graph(json: &str, range: Range) -> DependencyGraph {
    let value: serde_json::Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => return DependencyGraph { range, waves: Vec::new(), error: Some(e.to_string()) },
    };
    let waves_value = value.get("waves").unwrap_or(&value);
    let Some(list) = waves_value.as_array() else {
        return DependencyGraph { range, waves: Vec::new(), error: Some("expected a list of waves".into()) };
    };
    let mut waves = Vec::new();
    for wave in list {
        let ids = wave.get("tasks").or_else(|| wave.get("taskIds")).unwrap_or(wave);
        let Some(ids) = ids.as_array() else {
            return DependencyGraph { range, waves, error: Some("each wave should list task ids".into()) };
        };
        waves.push(
            ids.iter()
                .filter_map(|v| match v {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
        );
    }
    DependencyGraph { range, waves, error: None }
}
