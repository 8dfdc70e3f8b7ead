//! "Update tasks from requirements": merges a proposed plan into an
//! existing tasks.md without losing work. Existing tasks keep their lines,
//! ids and status; a task with any progress is never dropped; a task that
//! has not started and cites only requirements that no longer exist is
//! dropped (and reported); proposed tasks are added, renumbered after the
//! existing ones, only where they cover criteria nothing covers yet, and
//! citing only those.

use std::collections::BTreeSet;

use specwright_spec::citations::citation_list_span;
use specwright_spec::ids::parse_citation_list;
use specwright_spec::requirements::Requirements;
use specwright_spec::tasks::{Tasks, parse_tasks};
use specwright_spec::{IdIndex, LineIndex, ReqId, TaskStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeOutcome {
    pub text: String,
    /// Top-level task numbers added (after renumbering).
    pub added: Vec<String>,
    /// `3. Title` of each dropped task.
    pub dropped: Vec<String>,
    /// Criteria still not covered after the merge.
    pub uncovered: Vec<String>,
}

struct Block {
    /// Line range, inclusive.
    first: usize,
    last: usize,
    number: Option<String>,
    cited: Vec<(ReqId, bool)>,
    started: bool,
    title: String,
}

fn blocks(tasks: &Tasks, index: &IdIndex<'_>) -> Vec<Block> {
    let mut out = Vec::new();
    for (i, t) in tasks.tasks.iter().enumerate() {
        if t.parent.is_some() {
            continue;
        }
        let mut subtree = vec![i];
        let mut k = 0;
        while k < subtree.len() {
            subtree.extend(tasks.children(subtree[k]));
            k += 1;
        }
        let last = subtree.iter().map(|&j| tasks.tasks[j].range.end.line as usize).max().unwrap_or(0);
        let cited = tasks
            .citations
            .iter()
            .filter(|c| c.owner.is_some_and(|o| subtree.contains(&o)))
            .flat_map(|c| index.expand(&c.target))
            .collect();
        let started = subtree.iter().any(|&j| tasks.tasks[j].status != TaskStatus::NotStarted);
        out.push(Block {
            first: t.line_range.start.line as usize,
            last,
            number: t.number.clone(),
            cited,
            started,
            title: t.title.clone(),
        });
    }
    out
}

/// Merges `proposed` (a generated tasks.md) into `existing`.
pub fn merge_tasks(existing: &str, proposed: &str, requirements: &Requirements) -> MergeOutcome {
    let index = IdIndex::new(requirements);
    let existing_tasks = parse_tasks(existing, &LineIndex::new(existing));
    let proposed_tasks = parse_tasks(proposed, &LineIndex::new(proposed));
    let lines: Vec<&str> = existing.lines().collect();

    let mut dropped = Vec::new();
    let mut drop_lines = BTreeSet::new();
    let mut covered: BTreeSet<ReqId> = BTreeSet::new();
    let mut max_number = 0u32;
    for b in blocks(&existing_tasks, &index) {
        if let Some(n) = b.number.as_deref().and_then(|n| n.parse::<u32>().ok()) {
            max_number = max_number.max(n);
        }
        let all_gone = !b.cited.is_empty() && b.cited.iter().all(|(_, exists)| !exists);
        if all_gone && !b.started {
            dropped.push(
                format!("{} {}", b.number.as_deref().map(|n| format!("{n}.")).unwrap_or_default(), b.title)
                    .trim()
                    .to_string(),
            );
            drop_lines.extend(b.first..=b.last);
            // Keep a single blank line where the block was.
            let blank = |i: usize| lines.get(i).is_some_and(|l| l.trim().is_empty());
            if (b.first == 0 || blank(b.first - 1)) && blank(b.last + 1) {
                drop_lines.insert(b.last + 1);
            }
            continue;
        }
        for (id, exists) in &b.cited {
            if *exists {
                covered.extend(index.covered_criteria(*id));
            }
        }
    }

    let proposed_lines: Vec<&str> = proposed.lines().collect();
    let mut additions: Vec<String> = Vec::new();
    let mut added = Vec::new();
    for b in blocks(&proposed_tasks, &index) {
        let new_ids: BTreeSet<ReqId> = b
            .cited
            .iter()
            .filter(|(_, exists)| *exists)
            .flat_map(|(id, _)| index.covered_criteria(*id))
            .filter(|id| !covered.contains(id))
            .collect();
        if new_ids.is_empty() {
            continue;
        }
        max_number += 1;
        let new_number = max_number.to_string();
        let old_number = b.number.clone().unwrap_or_default();
        let block: Vec<String> = proposed_lines[b.first..=b.last.min(proposed_lines.len().saturating_sub(1))]
            .iter()
            .filter_map(|l| cite_only(l, &new_ids, &index))
            .map(|l| renumber(&l, &old_number, &new_number))
            .collect();
        covered.extend(new_ids);
        additions.push(block.join("\n").trim_end().to_string());
        added.push(new_number);
    }

    let kept: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| !drop_lines.contains(i)).map(|(_, l)| *l).collect();
    // New tasks go before a dependency graph section, else at the end.
    let graph_at = kept.iter().position(|l| l.starts_with('#') && l.to_lowercase().contains("dependency graph"));
    let (head, tail) = kept.split_at(graph_at.unwrap_or(kept.len()));
    let mut text = head.join("\n").trim_end().to_string();
    for a in &additions {
        text.push_str("\n\n");
        text.push_str(a);
    }
    if !tail.is_empty() {
        text.push_str("\n\n");
        text.push_str(tail.join("\n").trim_end());
    }
    text.push('\n');
    let uncovered = requirements
        .requirements
        .iter()
        .flat_map(|r| r.criteria.iter())
        .filter(|c| c.role.is_requirement() && !covered.contains(&c.id()))
        .map(|c| c.id().to_string())
        .collect();
    MergeOutcome { text, added, dropped, uncovered }
}

/// A line of an added task, its citations narrowed to `new`, the criteria
/// nothing covered before it: with 1.1 covered, `_Requirements: 1.1, 1.2_`
/// becomes `_Requirements: 1.2_`, and `_Requirements: 2_` lists the
/// requirement's new criteria. A citation line left citing nothing is dropped
/// (`None`); other lines stay as they are.
fn cite_only(line: &str, new: &BTreeSet<ReqId>, index: &IdIndex<'_>) -> Option<String> {
    let Some((start, end)) = citation_list_span(line) else {
        return Some(line.to_string());
    };
    let mut cited: Vec<String> = Vec::new();
    for item in parse_citation_list(&line[start..end]) {
        let criteria: Vec<ReqId> = index
            .expand(&item.target)
            .into_iter()
            .filter(|(_, exists)| *exists)
            .flat_map(|(id, _)| index.covered_criteria(id))
            .collect();
        let kept: Vec<String> = criteria.iter().filter(|id| new.contains(id)).map(ReqId::to_string).collect();
        if !criteria.is_empty() && kept.len() == criteria.len() {
            cited.push(item.text.to_string());
        } else {
            cited.extend(kept);
        }
    }
    let mut seen = BTreeSet::new();
    cited.retain(|id| seen.insert(id.clone()));
    if cited.is_empty() {
        return None;
    }
    Some(format!("{}{}{}", &line[..start], cited.join(", "), &line[end..]))
}

/// `- [ ] 2. X` → `- [ ] 7. X`; `- [ ] 2.1 Y` → `- [ ] 7.1 Y` (only on task lines).
fn renumber(line: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        return line.to_string();
    }
    let Some(close) = line.find("] ").or_else(|| line.find("]* ")).or_else(|| line.find("]\\* ")) else {
        return line.to_string();
    };
    let trimmed = line.trim_start();
    if !(trimmed.starts_with("- [") || trimmed.starts_with("* [")) {
        return line.to_string();
    }
    let after = close + line[close..].find(' ').unwrap_or(0) + 1;
    let rest = &line[after..];
    for suffix in [".", " "] {
        let prefix = format!("{old}{suffix}");
        if let Some(tail) = rest.strip_prefix(&prefix) {
            return format!("{}{new}{suffix}{tail}", &line[..after]);
        }
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_touches_only_the_number() {
        assert_eq!(renumber("- [ ] 2. Build it", "2", "7"), "- [ ] 7. Build it");
        assert_eq!(renumber("  - [ ]* 2.1 Test it", "2", "7"), "  - [ ]* 7.1 Test it");
        assert_eq!(renumber("  - _Requirements: 2.1_", "2", "7"), "  - _Requirements: 2.1_");
    }
}
