//! `.config.kiro` (the spec's id and workflow) and `.tasks-meta.json`.

use crate::text::{LineIndex, Position, Range};

/// What `.config.kiro` records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecConfig {
    pub spec_id: Option<String>,
    /// `requirements-first` or `design-first` (older files: `generationMode`).
    pub workflow_type: Option<String>,
    /// `feature` or `bugfix`.
    pub spec_type: Option<String>,
}

/// A problem found reading a metadata file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub range: Range,
    pub message: String,
}

/// Reads `.config.kiro`. Unknown keys are allowed; wrong types, unknown
/// `specType` values and invalid JSON are problems.
pub fn parse_config(text: &str, index: &LineIndex) -> (SpecConfig, Vec<ConfigProblem>) {
    let mut problems = Vec::new();
    let value = match parse_json(text, index) {
        Ok(v) => v,
        Err(p) => return (SpecConfig::default(), vec![p]),
    };
    let Some(object) = value.as_object() else {
        let range = whole(text, index);
        return (SpecConfig::default(), vec![ConfigProblem { range, message: "`.config.kiro` should be a JSON object such as {\"specId\": \"…\", \"workflowType\": \"requirements-first\", \"specType\": \"feature\"}".into() }]);
    };
    let mut string_field = |key: &str| -> Option<String> {
        match object.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            other => {
                problems.push(ConfigProblem {
                    range: key_range(text, index, key),
                    message: format!("`{key}` should be a string, not {}", json_kind(other)),
                });
                None
            }
        }
    };
    let config = SpecConfig {
        spec_id: string_field("specId"),
        workflow_type: string_field("workflowType").or_else(|| string_field("generationMode")),
        spec_type: string_field("specType"),
    };
    if let Some(t) = config.spec_type.as_deref().filter(|t| !matches!(*t, "feature" | "bugfix")) {
        problems.push(ConfigProblem {
            range: key_range(text, index, "specType"),
            message: format!("`specType` is \"{t}\"; Kiro knows \"feature\" and \"bugfix\""),
        });
    }
    if let Some(w) = config.workflow_type.as_deref().filter(|w| !matches!(*w, "requirements-first" | "design-first")) {
        let key = if object.contains_key("workflowType") { "workflowType" } else { "generationMode" };
        problems.push(ConfigProblem {
            range: key_range(text, index, key),
            message: format!("workflow \"{w}\" is not \"requirements-first\" or \"design-first\""),
        });
    }
    (config, problems)
}

/// Reads `.tasks-meta.json`: any JSON value is accepted; invalid JSON is a problem.
pub fn parse_tasks_meta(text: &str, index: &LineIndex) -> (Option<serde_json::Value>, Vec<ConfigProblem>) {
    match parse_json(text, index) {
        Ok(v) => (Some(v), Vec::new()),
        Err(p) => (None, vec![p]),
    }
}

fn parse_json(text: &str, index: &LineIndex) -> Result<serde_json::Value, ConfigProblem> {
    serde_json::from_str(text).map_err(|e| {
        // serde_json reports 1-based lines and 1-based byte columns.
        let line = e.line().saturating_sub(1);
        let start = index.line_start(line, text);
        let offset = (start + e.column().saturating_sub(1)).min(text.len());
        let pos = index.position(text, offset);
        // One character wide, unless the error sits at the end of a line.
        let next = text.get(offset..).and_then(|rest| rest.chars().next()).filter(|c| *c != '\n' && *c != '\r');
        let end = Position::new(pos.line, pos.character + next.map_or(0, |c| c.len_utf16() as u32));
        ConfigProblem { range: Range::new(pos, end), message: format!("not valid JSON: {e}") }
    })
}

fn whole(text: &str, index: &LineIndex) -> Range {
    index.range(text, 0, text.len())
}

/// The range of `"key"` in the text, or the first line.
fn key_range(text: &str, index: &LineIndex, key: &str) -> Range {
    let quoted = format!("\"{key}\"");
    match text.find(&quoted) {
        Some(i) => index.range(text, i, i + quoted.len()),
        None => Range::line_start(0),
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_older_generation_mode() {
        let text = r#"{"specId": "a-b", "generationMode": "design-first"}"#;
        let (c, p) = parse_config(text, &LineIndex::new(text));
        assert!(p.is_empty());
        assert_eq!(c.spec_id.as_deref(), Some("a-b"));
        assert_eq!(c.workflow_type.as_deref(), Some("design-first"));
    }

    #[test]
    fn problems_have_ranges() {
        let text = "{\n  \"specType\": 3\n}";
        let (_, p) = parse_config(text, &LineIndex::new(text));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].range.start, Position::new(1, 2));
        let text = "{\n  \"specId\": \n}";
        let (_, p) = parse_config(text, &LineIndex::new(text));
        assert!(p[0].message.starts_with("not valid JSON"));
        assert_eq!(p[0].range.start.line, 2);
    }
}
