//! The generation engine: prompt → model (structured output where the
//! provider allows it, else Markdown) → rendered document (or the Markdown
//! document a structured answer turned out to be) → validation → bounded
//! repair rounds → for tasks that still fail, a plan derived from the
//! requirements. Without a model, honest templates.

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
                // A preview that does not extend the last one waits for the next (previews only grow).
                if preview.len() > last_preview.len() && preview.starts_with(&last_preview) {
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
        let (text, problems) = match format {
            AnswerFormat::Structured => read_structured(target, &response.text, inputs),
            AnswerFormat::Markdown => {
                let text = with_title(target, validate::extract_markdown(&response.text));
                let problems = validate::problems(target, &text, inputs);
                (text, problems)
            }
        };
        if problems.is_empty() || repairs >= MAX_REPAIRS {
            let drafted_by = Some(model.describe());
            if !problems.is_empty()
                && let Some((text, problems)) = derived_tasks(target, inputs, &problems)
            {
                on_update(Update::Status(format!("Deriving {} from the requirements", target.file_name())));
                return Ok(Generated { text, problems, repairs, usage, drafted_by });
            }
            // A document without its very substance is not written at all;
            // a template marked as such stands in for requirements and design.
            if text.trim().is_empty() || unusable(target, &problems) {
                if let Some((text, problems)) = fallback(target, inputs, &problems) {
                    on_update(Update::Status(format!("Writing {} from the template", target.file_name())));
                    return Ok(Generated { text, problems, repairs, usage, drafted_by });
                }
                return Err(GenError::Invalid(problems));
            }
            return Ok(Generated { text, problems, repairs, usage, drafted_by });
        }
        repairs += 1;
        messages.push(Message::assistant(response.text));
        messages.push(Message::user(prompt::repair_message(&problems)));
    }
}

/// What a structured answer holds: the document its JSON renders to, or,
/// when it is not JSON following the schema (a server or proxy that ignored
/// `response_format` or the forced tool), the Kiro Markdown document it is.
/// Either is then validated the same way; an answer that is neither is a
/// problem for the repair rounds.
fn read_structured(target: DocTarget, answer: &str, inputs: &Inputs) -> (String, Vec<String>) {
    let json = validate::extract_json(answer).and_then(|v| render_value(target, v)).map(|text| {
        let problems = validate::problems(target, &text, inputs);
        (text, problems)
    });
    if let Some((_, problems)) = &json
        && !unusable(target, problems)
    {
        return json.unwrap_or_default();
    }
    if let Some(text) = markdown_document(target, answer, inputs) {
        tracing::info!("the structured answer for {} is a Markdown document", target.file_name());
        let problems = validate::problems(target, &text, inputs);
        return (text, problems);
    }
    json.unwrap_or_else(|| {
        let what = match target {
            DocTarget::Requirements => "with at least one requirement and its numbered acceptance criteria",
            DocTarget::Bugfix => "with its Current / Expected / Unchanged Behavior clauses",
            DocTarget::Design => "with its sections",
            DocTarget::Tasks => "with at least one task (`- [ ] 1. Title`)",
        };
        let problem = format!(
            "the answer was neither JSON following the schema nor a Markdown {} in Kiro's layout {what}",
            target.file_name()
        );
        (String::new(), vec![problem])
    })
}

/// The Kiro Markdown document in an answer (without a wrapping fence or
/// chatter), if the spec model finds a usable one in it: requirements with
/// a requirement that has criteria, bugfix clauses, a design with its
/// sections, or tasks with at least one task.
fn markdown_document(target: DocTarget, answer: &str, inputs: &Inputs) -> Option<String> {
    let text = with_title(target, validate::extract_markdown(answer));
    let spec = validate::spec_with(target, &text, inputs);
    let usable = match target {
        DocTarget::Requirements => spec
            .requirements
            .as_ref()
            .is_some_and(|r| r.model.requirements.iter().any(|r| r.criteria.iter().any(|c| c.role.is_requirement()))),
        DocTarget::Bugfix => spec.requirements.as_ref().is_some_and(|r| !r.model.requirements.is_empty()),
        DocTarget::Design => spec.design.is_some() && !unusable(target, &validate::problems(target, &text, inputs)),
        DocTarget::Tasks => spec.tasks.as_ref().is_some_and(|t| !t.model.tasks.is_empty()),
    };
    usable.then_some(text)
}

/// For a quick spec ([`Inputs::template_fallback`]), when a model's
/// requirements or design still fail after the repair rounds: the template (requirements) or the skeleton derived from the
/// requirements (design), marked as such, and what to tell the user. `None`
/// for a refinement (the user's document is not replaced), for other
/// documents, or when the fallback itself would not hold.
fn fallback(target: DocTarget, inputs: &Inputs, problems: &[String]) -> Option<(String, Vec<String>)> {
    if !inputs.template_fallback || inputs.instruction.is_some() {
        return None;
    }
    let text = match target {
        DocTarget::Requirements => template::fallback_requirements(&inputs.prompt),
        DocTarget::Design => template::fallback_design(&inputs.prompt, parsed_requirements(inputs).as_ref()),
        _ => return None,
    };
    let remaining = validate::problems(target, &text, inputs);
    if unusable(target, &remaining) {
        return None;
    }
    let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
    let mut out = vec![format!(
        "{} was written from Specwright's template: the model's answers still had problems after {MAX_REPAIRS} \
         repair rounds ({}); complete it by hand or use a larger model",
        target.file_name(),
        shown.join("; ")
    )];
    out.extend(remaining);
    Some((text, out))
}

/// When a model's plan still fails validation after the repair rounds: the
/// plan derived from the requirements (one task per requirement, citing all
/// its criteria), and what to tell the user. `None` for other documents, for
/// a refinement (the user's plan is not replaced), or when no requirement
/// has criteria to derive tasks from.
fn derived_tasks(target: DocTarget, inputs: &Inputs, problems: &[String]) -> Option<(String, Vec<String>)> {
    if target != DocTarget::Tasks || inputs.instruction.is_some() {
        return None;
    }
    let text = template::derived_tasks(parsed_requirements(inputs).as_ref())?;
    let remaining = validate::problems(target, &text, inputs);
    if unusable(target, &remaining) {
        return None;
    }
    let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
    let more = if problems.len() > shown.len() {
        format!("; and {} more", problems.len() - shown.len())
    } else {
        String::new()
    };
    let mut out = vec![format!(
        "tasks.md was derived from the requirements without the model's help (one task per requirement, citing its \
         criteria): the model's plan still had problems after {MAX_REPAIRS} repair rounds ({}{more})",
        shown.join("; ")
    )];
    out.extend(remaining);
    Some((text, out))
}

/// A Markdown answer without the document's title gets it.
fn with_title(target: DocTarget, text: String) -> String {
    if text.starts_with("# ") || text.trim().is_empty() {
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

/// The spec's requirements (or bugfix clauses), parsed.
fn parsed_requirements(inputs: &Inputs) -> Option<specwright_spec::requirements::Requirements> {
    inputs.requirements.as_deref().map(|t| (t, false)).or(inputs.bugfix.as_deref().map(|t| (t, true))).map(
        |(t, bugfix)| {
            let index = specwright_spec::LineIndex::new(t);
            if bugfix {
                specwright_spec::requirements::parse_bugfix(t, &index)
            } else {
                specwright_spec::requirements::parse_requirements(t, &index)
            }
        },
    )
}

fn template_for(target: DocTarget, inputs: &Inputs) -> String {
    let reqs = parsed_requirements(inputs);
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
        AnswerFormat::Structured if raw.trim_start().starts_with('{') => {
            partial::parse_prefix(raw).and_then(|v| render_value(target, v)).unwrap_or_default()
        }
        // Markdown, or a structured answer that is not JSON (a server that
        // ignored the schema may answer with the document itself): the raw
        // text from the document's title on.
        AnswerFormat::Structured | AnswerFormat::Markdown => {
            let start = if raw.starts_with("# ") { Some(0) } else { raw.find("\n# ").map(|i| i + 1) };
            start.map(|i| raw[i..].to_string()).unwrap_or_default()
        }
    }
}
