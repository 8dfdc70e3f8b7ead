//! Prompt assembly from the template files in `server/specgen/prompts/`.
//! The assembled prompt is deterministic for the same inputs (snapshot
//! tests hold it still).

use crate::context::SteeringDoc;
use crate::{DocTarget, Inputs};

pub const SYSTEM: &str = include_str!("../prompts/system.md");
const REQUIREMENTS: &str = include_str!("../prompts/requirements.md");
const BUGFIX: &str = include_str!("../prompts/bugfix.md");
const DESIGN: &str = include_str!("../prompts/design.md");
const TASKS: &str = include_str!("../prompts/tasks.md");
const REFINE: &str = include_str!("../prompts/refine.md");
const REPAIR: &str = include_str!("../prompts/repair.md");
const FORMAT_STRUCTURED: &str = include_str!("../prompts/format-structured.md");
const FORMAT_MARKDOWN: &str = include_str!("../prompts/format-markdown.md");

fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{{{k}}}}}"), v);
    }
    out
}

/// How the answer is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerFormat {
    /// JSON constrained by the document's schema.
    Structured,
    /// Markdown in Kiro's layout (for endpoints that cannot constrain output).
    Markdown,
}

/// The user message asking for `target`.
pub fn user_message(target: DocTarget, inputs: &Inputs, format: AnswerFormat) -> String {
    let request = inputs.prompt.trim();
    let name = inputs.spec_name.as_str();
    let mut out = match (&inputs.instruction, target) {
        (Some(instruction), _) => {
            fill(REFINE, &[("document", target.file_name()), ("spec_name", name), ("instruction", instruction.trim())])
        }
        (None, DocTarget::Requirements) => fill(REQUIREMENTS, &[("spec_name", name), ("request", request)]),
        (None, DocTarget::Bugfix) => fill(BUGFIX, &[("spec_name", name), ("request", request)]),
        (None, DocTarget::Design | DocTarget::Tasks) => {
            let request = if request.is_empty() { String::new() } else { format!("\nThe user adds:\n\n{request}\n") };
            let template = if target == DocTarget::Design { DESIGN } else { TASKS };
            fill(template, &[("spec_name", name), ("request", &request)])
        }
    };
    section(&mut out, "Steering", &steering_text(&inputs.steering));
    let mut docs = String::new();
    for (file, text) in [
        ("requirements.md", &inputs.requirements),
        ("bugfix.md", &inputs.bugfix),
        ("design.md", &inputs.design),
        ("tasks.md", &inputs.tasks),
    ] {
        if let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) {
            docs.push_str(&format!("### {file}\n\n````markdown\n{}\n````\n\n", text.trim_end()));
        }
    }
    section(&mut out, "Existing spec documents", docs.trim_end());
    section(&mut out, "Codebase", inputs.codebase.trim());
    let format_text = match format {
        AnswerFormat::Structured => FORMAT_STRUCTURED.trim().to_string(),
        AnswerFormat::Markdown => {
            fill(FORMAT_MARKDOWN, &[("layout", &format!("````markdown\n{}````", crate::template::layout(target)))])
        }
    };
    section(&mut out, "Answer", format_text.trim());
    out
}

/// The message asking to repair a document.
pub fn repair_message(problems: &[String]) -> String {
    let list: Vec<String> = problems.iter().map(|p| format!("- {p}")).collect();
    fill(REPAIR, &[("problems", &list.join("\n"))])
}

fn steering_text(docs: &[SteeringDoc]) -> String {
    docs.iter().map(|d| format!("### {}\n\n{}\n", d.name, d.text.trim())).collect::<Vec<_>>().join("\n")
}

fn section(out: &mut String, title: &str, body: &str) {
    if body.is_empty() {
        return;
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("\n## {title}\n\n{}\n", body.trim()));
}
