//! A task's state in the spec's files: its marker in `tasks.md` and its
//! entry in `.tasks-meta.json`. Text in, text out: the front end writes
//! (through the editor, or atomically on disk).
//!
//! `.tasks-meta.json` is Kiro's own file and its layout is not published;
//! Specwright keeps whatever the file holds and records, under `tasks`,
//! `{"<id>": {"status": "in-progress" | "done" | …, "updatedAt": RFC 3339}}`.

use serde_json::{Map, Value, json};
use specwright_spec::{DocKind, Spec, TaskStatus, query};

/// `tasks.md` of `spec` with task `task_id`'s marker set to `status`;
/// `None` when there is no such task (or no tasks.md).
pub fn with_status(spec: &Spec, task_id: &str, status: TaskStatus) -> Option<String> {
    let doc = spec.document(DocKind::Tasks)?;
    let (range, marker) = query::status_edit(spec, task_id, status)?;
    let start = doc.index.offset(&doc.text, range.start);
    let end = doc.index.offset(&doc.text, range.end);
    let mut text = doc.text.clone();
    text.replace_range(start..end, &marker);
    Some(text)
}

/// `.tasks-meta.json` (its current text, if any) with task `task_id`
/// recorded as `status` at `now` (seconds since the epoch). Anything else
/// the file holds is kept; a file that is not a JSON object is replaced by
/// one (it could not have been Kiro's).
pub fn with_meta(existing: Option<&str>, task_id: &str, status: TaskStatus, now: u64) -> String {
    let mut root = existing
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
        .and_then(|v| match v {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default();
    let tasks = root.entry("tasks").or_insert_with(|| Value::Object(Map::new()));
    if !tasks.is_object() {
        *tasks = Value::Object(Map::new());
    }
    if let Value::Object(tasks) = tasks {
        tasks.insert(task_id.to_string(), json!({"status": name(status), "updatedAt": rfc3339(now)}));
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// The status as `.tasks-meta.json` records it.
pub fn name(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::NotStarted => "not-started",
        TaskStatus::InProgress => "in-progress",
        TaskStatus::Queued => "queued",
        TaskStatus::Done => "done",
    }
}

/// `seconds` since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3_600, rest % 3_600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TASKS: &str = "# Tasks\n\n- [ ] 1. Add the adder\n  - [ ] 1.1 Write `add`\n- [ ] 2. Subtract\n";

    fn spec() -> Spec {
        Spec::from_texts("/w/.kiro/specs/calc".into(), [(DocKind::Tasks, TASKS)])
    }

    #[test]
    fn only_the_marker_changes() {
        let text = with_status(&spec(), "1.1", TaskStatus::InProgress).expect("task");
        assert_eq!(text, TASKS.replace("- [ ] 1.1", "- [-] 1.1"));
        let text = with_status(&spec(), "2", TaskStatus::Done).expect("task");
        assert_eq!(text, TASKS.replace("- [ ] 2.", "- [x] 2."));
        assert_eq!(with_status(&spec(), "9", TaskStatus::Done), None);
    }

    #[test]
    fn meta_keeps_what_it_does_not_know() {
        let existing = r#"{"version": 3, "tasks": {"1": {"status": "done", "extra": true}}}"#;
        let text = with_meta(Some(existing), "2", TaskStatus::InProgress, 1_796_256_000);
        let value: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(value["version"], 3);
        assert_eq!(value["tasks"]["1"]["extra"], true);
        assert_eq!(value["tasks"]["2"]["status"], "in-progress");
        assert_eq!(value["tasks"]["2"]["updatedAt"], "2026-12-03T00:00:00Z");
        let fresh: Value = serde_json::from_str(&with_meta(Some("not json"), "1", TaskStatus::Done, 0)).expect("json");
        assert_eq!(fresh["tasks"]["1"]["updatedAt"], "1970-01-01T00:00:00Z");
    }

    #[test]
    fn dates_are_civil_dates() {
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_709_251_199), "2024-02-29T23:59:59Z");
    }
}
