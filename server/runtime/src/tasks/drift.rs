//! Drift: a file that a done task touched and that changed since. When a
//! task is ticked, the spec's `.config.kiro` records (under `specwright`, a
//! key Kiro ignores) the git commit and the SHA-256 of every file the run
//! touched; a file whose text no longer has that hash was changed after
//! the task was done against it.

use serde_json::{Map, Value, json};

/// `.config.kiro` (its current text, if any) with task `task_id` recorded
/// as done at `commit` with `files` (workspace-relative path, SHA-256 of
/// the text). Everything else the file holds is kept; a file that is not a
/// JSON object is left as it is (`None`: nothing to write), since it is
/// Kiro's and holds what a person wrote.
pub fn with_done_record(
    config: Option<&str>,
    task_id: &str,
    commit: Option<&str>,
    files: &[(String, String)],
) -> Option<String> {
    let mut root = match config.map(serde_json::from_str::<Value>) {
        None => Map::new(),
        Some(Ok(Value::Object(map))) => map,
        Some(_) => return None,
    };
    let ours = root.entry("specwright").or_insert_with(|| Value::Object(Map::new()));
    if !ours.is_object() {
        return None;
    }
    let done = ours.as_object_mut()?.entry("doneTasks").or_insert_with(|| Value::Object(Map::new()));
    if !done.is_object() {
        *done = Value::Object(Map::new());
    }
    let files: Map<String, Value> = files.iter().map(|(p, h)| (p.clone(), Value::String(h.clone()))).collect();
    done.as_object_mut()?.insert(task_id.to_string(), json!({"commit": commit, "files": files}));
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).ok()?;
    text.push('\n');
    Some(text)
}

/// The done tasks of `config` that recorded `rel` with another hash than
/// `hash` (the file's text now), in the file's order.
pub fn drifted(config: &str, rel: &str, hash: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<Value>(config) else { return Vec::new() };
    let Some(done) = value.pointer("/specwright/doneTasks").and_then(Value::as_object) else { return Vec::new() };
    done.iter()
        .filter(|(_, record)| {
            record
                .get("files")
                .and_then(|f| f.get(rel))
                .and_then(Value::as_str)
                .is_some_and(|recorded| recorded != hash)
        })
        .map(|(id, _)| id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_keeps_kiros_keys_and_a_changed_file_drifts() {
        let config = r#"{"specId": "abc", "workflowType": "requirements-first"}"#;
        let files = [("src/a.rs".to_string(), "sha256:1".to_string())];
        let text = with_done_record(Some(config), "2.1", Some("deadbeef"), &files).expect("written");
        let value: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(value["specId"], "abc");
        assert_eq!(value["specwright"]["doneTasks"]["2.1"]["commit"], "deadbeef");
        assert_eq!(drifted(&text, "src/a.rs", "sha256:1"), Vec::<String>::new());
        assert_eq!(drifted(&text, "src/a.rs", "sha256:2"), ["2.1"]);
        assert_eq!(drifted(&text, "src/b.rs", "sha256:2"), Vec::<String>::new());
    }

    #[test]
    fn a_config_that_is_not_an_object_is_left_alone() {
        assert_eq!(with_done_record(Some("// notes"), "1", None, &[]), None);
        assert_eq!(with_done_record(Some("[1]"), "1", None, &[]), None);
        assert!(with_done_record(None, "1", None, &[]).is_some());
        assert_eq!(drifted("garbage", "a", "b"), Vec::<String>::new());
    }
}
