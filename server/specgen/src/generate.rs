//! The generation engine: prompt → model (structured output where the
//! provider allows it, else Markdown) → rendered document → validation →
//! bounded repair rounds. Without a model, honest templates.

use specwright_models::{
    CancellationToken, ChatRequest, JsonFormat, Message, Model, ModelError, StreamEvent, StructuredOutput, Usage,
};

use crate::prompt::{self, AnswerFormat};
use crate::{DocTarget, GenError, Generated, Inputs, Update, documents, partial, render, schema, template, validate};

/// Repair rounds after the first answer.
pub const MAX_REPAIRS: u32 = 2;

/// Writes the `target` document. Reports previews of the growing document
/// and status lines through `on_update`. Nothing is written anywhere: the
/// caller decides what to do with the result.
pub async fn generate(
    model: Option<&dyn Model>,
    target: DocTarget,
    inputs: &Inputs,
    cancel: &CancellationToken,
    on_update: &mut (dyn FnMut(Update) + Send),
) -> Result<Generated, GenError> {
    if target == DocTarget::Tasks && inputs.requirements.is_none() && inputs.bugfix.is_none() && inputs.design.is_none()
    {
        return Err(GenError::Input(
            "tasks are generated from requirements.md or design.md, and this spec has neither".into(),
        ));
    }
    let Some(model) = model else {
        if inputs.instruction.is_some() {
            return Err(GenError::NeedsModel(
                "refining a document needs a model: configure specwright.model.provider".into(),
            ));
        }
        let text = template_for(target, inputs);
        let problems = validate::problems(target, &text, inputs);
        return Ok(Generated { text, problems, repairs: 0, usage: Usage::default(), drafted_by: None });
    };
    let mut format = if model.supports_structured_output() { AnswerFormat::Structured } else { AnswerFormat::Markdown };
    let mut json_format = JsonFormat::JsonSchema;
    let mut messages = vec![Message::user(prompt::user_message(target, inputs, format))];
    let mut usage = Usage::default();
    let mut repairs = 0;
    loop {
        on_update(Update::Status(if repairs == 0 {
            format!("Writing {}", target.file_name())
        } else {
            format!("Repairing {} (round {repairs} of {MAX_REPAIRS})", target.file_name())
        }));
        let request = ChatRequest {
            system: Some(prompt::SYSTEM.to_string()),
            messages: messages.clone(),
            structured: (format == AnswerFormat::Structured).then(|| structured_output(target, inputs, json_format)),
            ..ChatRequest::default()
        };
        let mut raw = String::new();
        let mut last_preview = String::new();
        let mut sink = |event: StreamEvent| match event {
            StreamEvent::Text(delta) => {
                raw.push_str(&delta);
                let preview = preview(target, format, &raw);
                if preview.len() > last_preview.len() {
                    on_update(Update::Preview(preview.clone()));
                    last_preview = preview;
                }
            }
            StreamEvent::Retrying { attempt, wait_ms, reason } => on_update(Update::Status(format!(
                "The model is busy ({reason}); retry {attempt} in {:.1} s",
                wait_ms as f64 / 1000.0
            ))),
            _ => {}
        };
        let response = match model.chat(&request, cancel, &mut sink).await {
            Ok(r) => r,
            Err(ModelError::Cancelled) => return Err(GenError::Cancelled),
            // An endpoint that cannot constrain output: ask for Markdown instead, once.
            Err(ModelError::BadRequest { status, message, .. })
                if format == AnswerFormat::Structured && repairs == 0 && refuses_schema(status, &message) =>
            {
                if json_format == JsonFormat::JsonSchema && message.contains("json_object") {
                    tracing::info!("json_schema refused; asking for json_object with a schema");
                    json_format = JsonFormat::JsonObjectWithSchema;
                    continue;
                }
                tracing::info!("structured output refused; asking for Markdown");
                format = AnswerFormat::Markdown;
                messages = vec![Message::user(prompt::user_message(target, inputs, format))];
                continue;
            }
            Err(e) => return Err(GenError::Model(e)),
        };
        usage.input_tokens += response.usage.input_tokens;
        usage.output_tokens += response.usage.output_tokens;
        let (text, mut problems) = match format {
            AnswerFormat::Structured => {
                match validate::extract_json(&response.text).and_then(|v| render_value(target, v)) {
                    Some(text) => (text, Vec::new()),
                    None => (String::new(), vec!["the answer was not JSON following the schema".to_string()]),
                }
            }
            AnswerFormat::Markdown => (with_title(target, validate::extract_markdown(&response.text)), Vec::new()),
        };
        if problems.is_empty() {
            problems = validate::problems(target, &text, inputs);
        }
        if problems.is_empty() || repairs >= MAX_REPAIRS {
            // A document without its very substance is not written at all.
            if text.trim().is_empty() || unusable(target, &problems) {
                return Err(GenError::Invalid(problems));
            }
            return Ok(Generated { text, problems, repairs, usage, drafted_by: Some(model.describe()) });
        }
        repairs += 1;
        messages.push(Message::assistant(response.text));
        messages.push(Message::user(prompt::repair_message(&problems)));
    }
}

/// A Markdown answer that starts with its sections gets the document's title.
fn with_title(target: DocTarget, text: String) -> String {
    if text.starts_with("# ") || !text.starts_with("## ") {
        return text;
    }
    let title = match target {
        DocTarget::Requirements => "Requirements Document",
        DocTarget::Bugfix => "Bugfix Requirements Document",
        DocTarget::Design => "Design Document",
        DocTarget::Tasks => "Implementation Plan",
    };
    format!("# {title}\n\n{text}")
}

/// Whether what remains wrong leaves nothing worth writing: no requirement,
/// no task, or a design without its sections.
fn unusable(target: DocTarget, problems: &[String]) -> bool {
    match target {
        DocTarget::Requirements | DocTarget::Bugfix | DocTarget::Tasks => {
            problems.iter().any(|p| p.starts_with("there is no "))
        }
        DocTarget::Design => problems.iter().filter(|p| p.ends_with("is missing")).count() >= 5,
    }
}

/// Whether a refused request was refused for its output schema: a plain 400
/// or 422, or any refusal that names `response_format` or the schema (not a
/// missing model, a 404).
fn refuses_schema(status: u16, message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    matches!(status, 400 | 422) || m.contains("response_format") || m.contains("json_schema") || m.contains("tool")
}

fn template_for(target: DocTarget, inputs: &Inputs) -> String {
    let reqs = inputs.requirements.as_deref().map(|t| (t, false)).or(inputs.bugfix.as_deref().map(|t| (t, true))).map(
        |(t, bugfix)| {
            let index = specwright_spec::LineIndex::new(t);
            if bugfix {
                specwright_spec::requirements::parse_bugfix(t, &index)
            } else {
                specwright_spec::requirements::parse_requirements(t, &index)
            }
        },
    );
    match target {
        DocTarget::Requirements => template::requirements(&inputs.prompt),
        DocTarget::Bugfix => template::bugfix(&inputs.prompt),
        DocTarget::Design => template::design(&inputs.prompt, reqs.as_ref()),
        DocTarget::Tasks => template::tasks(reqs.as_ref()),
    }
}

/// The criterion ids a design or tasks document may cite.
pub fn existing_ids(inputs: &Inputs) -> Vec<String> {
    let (text, bugfix) = match (&inputs.requirements, &inputs.bugfix) {
        (Some(t), _) => (t, false),
        (None, Some(t)) => (t, true),
        _ => return Vec::new(),
    };
    let index = specwright_spec::LineIndex::new(text);
    let reqs = if bugfix {
        specwright_spec::requirements::parse_bugfix(text, &index)
    } else {
        specwright_spec::requirements::parse_requirements(text, &index)
    };
    let mut ids: Vec<String> = reqs
        .requirements
        .iter()
        .flat_map(|r| r.criteria.iter())
        .filter(|c| c.role.is_requirement())
        .map(|c| c.id().to_string())
        .collect();
    ids.dedup();
    ids
}

fn structured_output(target: DocTarget, inputs: &Inputs, format: JsonFormat) -> StructuredOutput {
    let ids = existing_ids(inputs);
    let (name, description, schema) = match target {
        DocTarget::Requirements => ("requirements_document", "The requirements document", schema::requirements()),
        DocTarget::Bugfix => ("bugfix_document", "The bugfix requirements document", schema::bugfix()),
        DocTarget::Design => ("design_document", "The design document", schema::design(&ids)),
        DocTarget::Tasks => ("tasks_document", "The implementation plan", schema::tasks(&ids)),
    };
    StructuredOutput { name: name.into(), description: description.into(), schema, format }
}

/// Markdown from a structured answer.
pub fn render_value(target: DocTarget, value: serde_json::Value) -> Option<String> {
    Some(match target {
        DocTarget::Requirements => {
            render::requirements(&serde_json::from_value::<documents::RequirementsDoc>(value).ok()?)
        }
        DocTarget::Bugfix => render::bugfix(&serde_json::from_value::<documents::BugfixDoc>(value).ok()?),
        DocTarget::Design => render::design(&serde_json::from_value::<documents::DesignDoc>(value).ok()?),
        DocTarget::Tasks => render::tasks(&serde_json::from_value::<documents::TasksDoc>(value).ok()?),
    })
}

/// The document as far as it has arrived.
fn preview(target: DocTarget, format: AnswerFormat, raw: &str) -> String {
    match format {
        AnswerFormat::Structured => {
            partial::parse_prefix(raw).and_then(|v| render_value(target, v)).unwrap_or_default()
        }
        AnswerFormat::Markdown => match raw.find("# ") {
            Some(i) if i == 0 || raw[..i].ends_with('\n') => raw[i..].to_string(),
            _ => String::new(),
        },
    }
}
