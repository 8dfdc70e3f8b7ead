//! JSON Schemas for structured output, one per document. They follow the
//! subset every constraining backend accepts (OpenAI strict mode,
//! llama.cpp's and Ollama's JSON-schema grammars, Anthropic tool input
//! schemas): every object lists all its properties as required and allows
//! no others. Requirement ids are an `enum` of the ids that exist, so a
//! constrained model cannot cite one that does not, and every list that
//! validation requires to be non-empty (requirements and their criteria,
//! the design's components, data models and error handling, the tasks) has
//! `minItems: 1`, so a constrained model cannot leave it empty.

use serde_json::{Value, json};

use crate::documents::Pattern;

fn object(properties: Value) -> Value {
    let required: Vec<String> = properties.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

fn string(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

fn array(items: Value, description: &str) -> Value {
    json!({"type": "array", "items": items, "description": description})
}

/// An array that validation requires to hold something (`minItems`, which
/// OpenAI strict mode, llama.cpp's grammars and Anthropic all take).
fn non_empty(items: Value, description: &str) -> Value {
    json!({"type": "array", "items": items, "minItems": 1, "description": description})
}

/// The ids a document may cite: an enum of existing criterion ids, or the
/// `N.M` shape when none exist yet.
fn id_list(ids: &[String], description: &str) -> Value {
    let item = if ids.is_empty() {
        json!({"type": "string", "pattern": "^[0-9]+\\.[0-9]+$"})
    } else {
        json!({"type": "string", "enum": ids})
    };
    array(item, description)
}

pub fn requirements() -> Value {
    let patterns: Vec<&str> = Pattern::ALL.iter().map(|p| p.as_str()).collect();
    let criterion = object(json!({
        "pattern": {"type": "string", "enum": patterns, "description": "EARS template: ubiquitous (THE system SHALL), event (WHEN), state (WHILE), unwanted (IF … THEN), optional (WHERE)"},
        "condition": string("The trigger, state, unwanted condition or feature, without its keyword; empty for ubiquitous"),
        "system": string("The name of the system or component that responds, as in the glossary"),
        "response": string("What the system SHALL do, without the word SHALL"),
    }));
    let requirement = object(json!({
        "title": string("A short title"),
        "user_story": object(json!({
            "role": string("Who wants it: 'a registered user'"),
            "capability": string("What they want: 'to reset my password'"),
            "benefit": string("Why: 'I can regain access to my account'"),
        })),
        "acceptance_criteria": non_empty(criterion, "Testable EARS statements, 2 to 8"),
    }));
    object(json!({
        "introduction": string("What the feature is and why, in a short paragraph"),
        "glossary": array(object(json!({"term": string("A term, e.g. Auth_Service"), "definition": string("Its meaning")})), "The systems and terms the criteria use"),
        "requirements": non_empty(requirement, "The requirements, in order"),
    }))
}

pub fn bugfix() -> Value {
    let clause = |what: &str| {
        object(json!({
            "condition": string("When it happens, without the word WHEN"),
            "behavior": string(what),
        }))
    };
    object(json!({
        "introduction": string("The bug in a short paragraph: symptom, impact, where"),
        "current_behavior": non_empty(clause("What the system does now (the defect), without 'the system'"), "The defect"),
        "expected_behavior": non_empty(clause("What the system SHALL do instead, without 'the system SHALL'"), "The fix"),
        "unchanged_behavior": array(clause("What the system SHALL CONTINUE TO do, without 'the system SHALL CONTINUE TO'"), "What must not regress"),
    }))
}

pub fn design(ids: &[String]) -> Value {
    let property = object(json!({
        "title": string("A short name for the property"),
        "statement": string("A universally quantified statement: 'For any …, …'"),
        "validates": id_list(ids, "The acceptance criteria this property validates"),
    }));
    object(json!({
        "overview": string("The design in a paragraph"),
        "architecture": string("The architecture in prose"),
        "architecture_diagram": string("A Mermaid diagram (flowchart or sequenceDiagram) without the ``` fence"),
        "components": non_empty(object(json!({
            "name": string("Component name"),
            "responsibility": string("What it does"),
            "interface": string("An interface sketch in the project's language, without the ``` fence"),
        })), "Components and their interfaces"),
        "data_models": non_empty(object(json!({
            "name": string("Model name"),
            "description": string("What it holds"),
            "fields": array(object(json!({"name": string("Field"), "type": string("Type"), "description": string("Meaning")})), "Fields"),
        })), "Data models"),
        "correctness_properties": array(property, "Properties that tests can check, each validating criteria"),
        "error_handling": non_empty(object(json!({"scenario": string("What goes wrong"), "handling": string("How the system responds")})), "Error handling"),
        "testing_strategy": string("Unit, property-based and integration testing approach"),
    }))
}

pub fn tasks(ids: &[String]) -> Value {
    let subtask = object(json!({
        "title": string("An imperative, code-level step"),
        "details": array(string("A detail"), "What to do, briefly"),
        "requirements": id_list(ids, "The criteria this step implements"),
        "optional": {"type": "boolean", "description": "True for tests and polish that an MVP may skip"},
    }));
    let task = object(json!({
        "title": string("An imperative, code-level task"),
        "details": array(string("A detail"), "What to do, briefly"),
        "requirements": id_list(ids, "The criteria this task implements"),
        "subtasks": array(subtask, "Sub-steps, in order"),
    }));
    object(
        json!({"tasks": non_empty(task, "Incremental coding tasks, each building on the previous; every criterion cited by some task")}),
    )
}
