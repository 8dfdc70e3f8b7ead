//! Which tasks "Run all" runs, and in what order.

use specwright_spec::{Spec, TaskStatus};

/// The open tasks of `spec` in the order to run them: the waves of its
/// `## Task Dependency Graph` when it has a usable one, else the top-level
/// tasks in document order (a top-level task's run includes its
/// sub-tasks). Done tasks are left out, and optional (`- [ ]*`) ones unless
/// `include_optional`.
pub fn open_tasks(spec: &Spec, include_optional: bool) -> Vec<String> {
    open_waves(spec, include_optional).into_iter().flatten().collect()
}

/// [`open_tasks`] grouped in the waves whose tasks may run at the same
/// time: the dependency graph's waves, else one task per wave.
pub fn open_waves(spec: &Spec, include_optional: bool) -> Vec<Vec<String>> {
    let Some(tasks) = spec.tasks.as_ref().map(|t| &t.model) else { return Vec::new() };
    let wanted = |i: usize| {
        let task = &tasks.tasks[i];
        task.status != TaskStatus::Done && (include_optional || !task.optional)
    };
    if let Some(graph) = tasks.dependency_graph.as_ref().filter(|g| g.error.is_none() && !g.waves.is_empty()) {
        let mut seen: Vec<&String> = Vec::new();
        let mut waves = Vec::new();
        for wave in &graph.waves {
            let mut ids = Vec::new();
            for id in wave {
                if let Some(i) = tasks.find(id)
                    && wanted(i)
                    && !seen.contains(&id)
                {
                    seen.push(id);
                    ids.push(id.clone());
                }
            }
            if !ids.is_empty() {
                waves.push(ids);
            }
        }
        if !waves.is_empty() {
            return waves;
        }
    }
    (0..tasks.tasks.len())
        .filter(|&i| tasks.tasks[i].parent.is_none() && wanted(i))
        .map(|i| vec![tasks.tasks[i].id()])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{open_tasks, open_waves};
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
        assert_eq!(open_waves(&s, false), [vec!["2".to_string()], vec!["4".to_string()]]);
    }

    #[test]
    fn the_graphs_waves_group_the_tasks_that_may_run_together() {
        let s = spec(
            "# Tasks\n\n- [ ] 1. A\n- [ ] 2. B\n- [x] 3. C\n- [ ] 4. D\n\n## Task Dependency Graph\n\n```json\n\
             {\"waves\": [{\"id\": 0, \"tasks\": [\"1\"]}, {\"id\": 1, \"tasks\": [\"2\", \"3\", \"4\"]}]}\n```\n",
        );
        assert_eq!(open_waves(&s, false), [vec!["1".to_string()], vec!["2".to_string(), "4".to_string()]]);
        assert_eq!(open_tasks(&s, false), ["1", "2", "4"]);
    }
}
