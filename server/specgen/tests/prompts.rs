//! Snapshots of assembled prompts: the templates in `prompts/` plus context,
//! for fixed inputs. Review changes with `cargo insta review` (or update
//! with `INSTA_UPDATE=always`).

use specwright_specgen::prompt::{AnswerFormat, repair_message, user_message};
use specwright_specgen::{DocTarget, Inputs, SteeringDoc, template};

fn inputs() -> Inputs {
    Inputs {
        spec_name: "auth-api".into(),
        prompt: "Users sign up and log in; the API issues JSON Web Tokens.".into(),
        steering: vec![SteeringDoc {
            name: ".kiro/steering/tech.md".into(),
            text: "TypeScript, Express, Jest.".into(),
        }],
        codebase: "Files:\n  package.json\n  src/\n  src/app.ts".into(),
        ..Inputs::default()
    }
}

#[test]
fn requirements_prompt_structured() {
    insta::assert_snapshot!(user_message(DocTarget::Requirements, &inputs(), AnswerFormat::Structured));
}

#[test]
fn tasks_prompt_markdown_with_existing_documents() {
    let i = Inputs {
        prompt: String::new(),
        requirements: Some(template::requirements("Users sign up.")),
        design: Some("# Design Document\n\n## Overview\n\nx\n".into()),
        ..inputs()
    };
    insta::assert_snapshot!(user_message(DocTarget::Tasks, &i, AnswerFormat::Markdown));
}

#[test]
fn refine_and_repair_prompts() {
    let i = Inputs { instruction: Some("Add a requirement for password reset.".into()), ..inputs() };
    insta::assert_snapshot!(user_message(DocTarget::Requirements, &i, AnswerFormat::Structured));
    insta::assert_snapshot!(repair_message(&["line 4: criterion 9.9 does not exist in requirements.md".into()]));
}
