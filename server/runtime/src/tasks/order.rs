//! Which tasks "Run all" runs, and in what order.

use specwright_spec::{Spec, TaskStatus};

/// The open tasks of `spec` in the order to run them: the waves of its
/// `## Task Dependency Graph` when it has a usable one, else the top-level
/// tasks in document order (a top-level task's run includes its
/// sub-tasks). Done tasks are left out, and optional (`- [ ]*`) ones unless
/// `include_optional`.
pub fn open_tasks(spec: &Spec, include_optional: bool) -> Vec<String> {
    let Some(tasks) = spec.tasks.as_ref().map(|t| &t.model) else { return Vec::new() };
    let wanted = |i: usize| {
        let task = &tasks.tasks[i];
        task.status != TaskStatus::Done && (include_optional || !task.optional)
    };
    if let Some(graph) = tasks.dependency_graph.as_ref().filter(|g| g.error.is_none() && !g.waves.is_empty()) {
        let mut out: Vec<String> = Vec::new();
        for id in graph.waves.iter().flatten() {
            if let Some(i) = tasks.find(id)
                && wanted(i)
                && !out.contains(id)
            {
                out.push(id.clone());
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    (0..tasks.tasks.len())
        .filter(|&i| tasks.tasks[i].parent.is_none() && wanted(i))
        .map(|i| tasks.tasks[i].id())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::open_tasks;
    use specwright_spec::{DocKind, Spec};

    fn spec(tasks: &str) -> Spec {
        Spec::from_texts("/w/.kiro/specs/s".into(), [(DocKind::Tasks, tasks)])
    }

    #[test]
    fn numbering_order_without_a_graph_skipping_done_and_optional() {
        let s =
            spec("# Tasks\n\n- [x] 1. Done\n- [ ] 2. Next\n  - [ ] 2.1 Sub\n- [ ]* 3. Optional\n- [-] 4. Started\n");
        assert_eq!(open_tasks(&s, false), ["2", "4"]);
        assert_eq!(open_tasks(&s, true), ["2", "3", "4"]);
    }
}
