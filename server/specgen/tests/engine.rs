//! The generation engine end to end with a scripted in-process model:
//! structured and Markdown answers, previews, repair rounds, fallbacks,
//! templates without a model, and the resulting spec checked by the spec
//! model. (The HTTP providers are tested against the scripted model server
//! in `specwright-models` and end to end in the language server's tests.)

mod support;

use std::path::PathBuf;

use specwright_models::{CancellationToken, Model, ModelError};
use specwright_spec::{DocKind, Severity, Spec, analyze};
use specwright_specgen::{DocTarget, GenError, Inputs, Update, generate, template};
use support::Scripted;

fn requirements_json() -> String {
    serde_json::json!({
        "introduction": "Users sign up and log in; the API issues JSON Web Tokens.",
        "glossary": [{"term": "Auth_Service", "definition": "The service that authenticates users"}],
        "requirements": [
            {"title": "Sign up",
             "user_story": {"role": "a visitor", "capability": "to create an account", "benefit": "I can log in"},
             "acceptance_criteria": [
                {"pattern": "event", "condition": "a visitor submits a valid email and password", "system": "Auth_Service", "response": "create the account"},
                {"pattern": "unwanted", "condition": "the email is already registered", "system": "Auth_Service", "response": "reject the request with HTTP 409"}
             ]},
            {"title": "Log in",
             "user_story": {"role": "a user", "capability": "to log in", "benefit": "I get a token"},
             "acceptance_criteria": [
                {"pattern": "event", "condition": "a user submits valid credentials", "system": "Auth_Service", "response": "issue a signed JWT"},
                {"pattern": "ubiquitous", "condition": "", "system": "Auth_Service", "response": "hash passwords with bcrypt"}
             ]}
        ]
    })
    .to_string()
}

fn inputs(prompt: &str) -> Inputs {
    Inputs { spec_name: "auth-api".into(), prompt: prompt.into(), ..Inputs::default() }
}

async fn run(
    model: Option<&dyn Model>,
    target: DocTarget,
    inputs: &Inputs,
) -> (Result<specwright_specgen::Generated, GenError>, Vec<Update>) {
    let mut updates = Vec::new();
    let cancel = CancellationToken::new();
    let result = generate(model, target, inputs, &cancel, &mut |u| updates.push(u)).await;
    (result, updates)
}

fn previews(updates: &[Update]) -> Vec<String> {
    updates.iter().filter_map(|u| if let Update::Preview(p) = u { Some(p.clone()) } else { None }).collect()
}

fn check_clean(docs: &[(DocKind, &str)]) {
    let spec = Spec::from_texts(PathBuf::from("auth-api"), docs.iter().copied());
    let analysis = analyze(&spec);
    let serious: Vec<_> =
        analysis.diagnostics.iter().filter(|d| d.severity <= Severity::Warning).map(|d| d.message.clone()).collect();
    assert!(serious.is_empty(), "{serious:#?}");
}

#[tokio::test]
async fn structured_requirements_render_in_kiro_layout_with_growing_previews() {
    let model = Scripted::new(true, vec![Ok(requirements_json())]);
    let (result, updates) = run(Some(&model), DocTarget::Requirements, &inputs("login and signup with JWT")).await;
    let generated = result.expect("generated");
    assert_eq!(generated.repairs, 0);
    assert!(generated.problems.is_empty(), "{:?}", generated.problems);
    assert_eq!(generated.drafted_by.as_deref(), Some("scripted"));
    let text = &generated.text;
    assert!(text.starts_with("# Requirements Document\n\n## Introduction\n"), "{text}");
    assert!(text.contains(
        "### Requirement 1: Sign up\n\n**User Story:** As a visitor, I want to create an account, so that I can log in"
    ));
    assert!(
        text.contains(
            "1. WHEN a visitor submits a valid email and password, THE Auth_Service SHALL create the account"
        )
    );
    assert!(text.contains(
        "2. IF the email is already registered, THEN THE Auth_Service SHALL reject the request with HTTP 409"
    ));
    assert!(text.contains("2. THE Auth_Service SHALL hash passwords with bcrypt"));

    let p = previews(&updates);
    // Heading, introduction, glossary, then each requirement as it completes.
    assert_eq!(p.len(), 5, "previews stream: {p:#?}");
    for pair in p.windows(2) {
        assert!(pair[1].starts_with(&pair[0]), "each preview extends the last:\n{}\n---\n{}", pair[0], pair[1]);
    }
    assert_eq!(p.last(), Some(text), "the last preview is the document");

    let requests = model.requests();
    let structured = requests[0].structured.as_ref().expect("structured output requested");
    assert_eq!(structured.name, "requirements_document");
    assert_eq!(
        structured.schema["properties"]["requirements"]["items"]["properties"]["acceptance_criteria"]["items"]["properties"]
            ["pattern"]["enum"],
        serde_json::json!(["ubiquitous", "event", "state", "unwanted", "optional"])
    );
}

#[tokio::test]
async fn design_and_tasks_schemas_enumerate_existing_ids() {
    let reqs = template::requirements("x");
    let model = Scripted::new(
        true,
        vec![Ok("{\"tasks\": []}".into()), Ok("{\"tasks\": []}".into()), Ok("{\"tasks\": []}".into())],
    );
    let inputs = Inputs { requirements: Some(reqs), ..inputs("") };
    let (result, _) = run(Some(&model), DocTarget::Tasks, &inputs).await;
    let requests = model.requests();
    let ids = &requests[0].structured.as_ref().expect("structured").schema["properties"]["tasks"]["items"]["properties"]
        ["requirements"]["items"]["enum"];
    assert_eq!(ids, &serde_json::json!(["1.1", "1.2"]));
    let schema = &requests[0].structured.as_ref().expect("structured").schema;
    assert_eq!(schema["properties"]["tasks"]["minItems"], 1, "a plan has at least one task");
    // An empty plan is repaired twice, then derived from the requirements.
    assert_eq!(requests.len(), 3, "first answer and two repair rounds");
    let generated = result.expect("a plan derived from the requirements");
    assert!(generated.text.contains(template::DERIVED_TASKS_NOTE), "{}", generated.text);
    assert!(generated.problems[0].contains("derived from the requirements"), "{:?}", generated.problems);
}

#[test]
fn every_schema_demands_what_validation_demands() {
    let reqs = specwright_specgen::schema::requirements();
    assert_eq!(reqs["properties"]["requirements"]["minItems"], 1);
    assert_eq!(reqs["properties"]["requirements"]["items"]["properties"]["acceptance_criteria"]["minItems"], 1);
    let bugfix = specwright_specgen::schema::bugfix();
    assert_eq!(bugfix["properties"]["current_behavior"]["minItems"], 1);
    assert_eq!(bugfix["properties"]["expected_behavior"]["minItems"], 1);
    let ids = vec!["1.1".to_string(), "1.2".to_string()];
    let design = specwright_specgen::schema::design(&ids);
    for section in ["components", "data_models", "error_handling"] {
        assert_eq!(design["properties"][section]["minItems"], 1, "{section}");
    }
    let validates = &design["properties"]["correctness_properties"]["items"]["properties"]["validates"];
    assert_eq!(validates["items"]["enum"], serde_json::json!(ids));
    let tasks = specwright_specgen::schema::tasks(&ids);
    assert_eq!(tasks["properties"]["tasks"]["minItems"], 1);
    let task = &tasks["properties"]["tasks"]["items"]["properties"];
    assert_eq!(task["requirements"]["items"]["enum"], serde_json::json!(ids));
    assert_eq!(task["subtasks"]["items"]["properties"]["requirements"]["items"]["enum"], serde_json::json!(ids));
}

/// A Kiro Markdown document as a server that ignores `response_format`
/// answers a structured request: in a fence, with chatter around it.
fn fenced(doc: &str) -> String {
    format!("Here is the document you asked for:\n\n```markdown\n{doc}```\n\nLet me know if you need changes.")
}

#[tokio::test]
async fn markdown_answers_to_structured_requests_are_read_as_the_document() {
    let requirements = template::requirements("Users log in");
    let with_reqs = Inputs { requirements: Some(requirements.clone()), ..inputs("") };
    let design = template::layout(DocTarget::Design);
    let tasks = "# Implementation Plan\n\n- [ ] 1. Build login\n  - _Requirements: 1.1, 1.2_\n";
    for (target, doc, inputs) in [
        (DocTarget::Requirements, requirements.as_str(), inputs("Users log in")),
        (DocTarget::Design, design.as_str(), with_reqs.clone()),
        (DocTarget::Tasks, tasks, with_reqs.clone()),
    ] {
        for answer in [doc.to_string(), fenced(doc)] {
            let model = Scripted::new(true, vec![Ok(answer.clone())]);
            let (result, updates) = run(Some(&model), target, &inputs).await;
            let generated = result.unwrap_or_else(|e| panic!("{target:?}: {e}"));
            assert_eq!(generated.text, doc, "{target:?}: the document as the model wrote it");
            assert_eq!(generated.repairs, 0, "{target:?}");
            assert!(generated.problems.is_empty(), "{target:?}: {:?}", generated.problems);
            assert!(model.requests()[0].structured.is_some(), "a structured request");
            let p = previews(&updates);
            assert!(!p.is_empty(), "{target:?}: the Markdown streams");
            for pair in p.windows(2) {
                assert!(pair[1].starts_with(&pair[0]), "previews only grow");
            }
            assert!(p.last().is_some_and(|last| last.starts_with(doc.trim_end())), "{target:?}: {p:#?}");
        }
    }
    check_clean(&[(DocKind::Requirements, &requirements), (DocKind::Tasks, tasks)]);
}

#[tokio::test]
async fn a_markdown_answer_is_validated_and_repaired_like_a_structured_one() {
    let reqs = template::requirements("x");
    let broken = "# Implementation Plan\n\n- [ ] 1. Build it\n  - _Requirements: 1.1, 9.9_\n";
    let fixed = serde_json::json!({"tasks": [{"title": "Build it", "details": [], "requirements": ["1.1", "1.2"], "subtasks": []}]});
    let model = Scripted::new(true, vec![Ok(broken.into()), Ok(fixed.to_string())]);
    let inputs = Inputs { requirements: Some(reqs), ..inputs("") };
    let (result, _) = run(Some(&model), DocTarget::Tasks, &inputs).await;
    let generated = result.expect("repaired");
    assert_eq!(generated.repairs, 1);
    assert_eq!(generated.text, "# Implementation Plan\n\n- [ ] 1. Build it\n  - _Requirements: 1.1, 1.2_\n");
    let requests = model.requests();
    let specwright_models::Content::Text { text } = &requests[1].messages[2].content[0] else { panic!("text") };
    assert!(text.contains("criterion 9.9 does not exist"), "{text}");
}

#[tokio::test]
async fn an_answer_that_is_neither_json_nor_a_document_is_refused() {
    let chatter = "I am sorry, I cannot write that document.";
    let model = Scripted::new(true, vec![Ok(chatter.into()), Ok(chatter.into()), Ok(chatter.into())]);
    let (result, _) = run(Some(&model), DocTarget::Requirements, &inputs("x")).await;
    let err = result.expect_err("refused");
    assert!(
        err.to_string().contains("neither JSON following the schema nor a Markdown requirements.md"),
        "both were tried: {err}"
    );
    assert_eq!(model.requests().len(), 3, "repaired twice first");
    let specwright_models::Content::Text { text } = &model.requests()[1].messages[2].content[0] else { panic!() };
    assert!(text.contains("neither JSON"), "the repair round says what was wrong: {text}");

    // A design without its sections is not a design either.
    let prose = "# Design Document\n\nWe will build it.\n";
    let model = Scripted::new(true, vec![Ok(prose.into()), Ok(prose.into()), Ok(prose.into())]);
    let with_reqs = Inputs { requirements: Some(template::requirements("x")), ..inputs("") };
    let (result, _) = run(Some(&model), DocTarget::Design, &with_reqs).await;
    assert!(matches!(result, Err(GenError::Invalid(_))), "{result:?}");
}

#[tokio::test]
async fn tasks_that_keep_failing_are_derived_from_the_requirements() {
    let reqs = serde_json::from_str(&requirements_json()).expect("json");
    let reqs = specwright_specgen::render_value(DocTarget::Requirements, reqs).expect("render");
    let bad = "# Implementation Plan\n\n- [ ] 1. Do everything\n  - _Requirements: 7.7_\n";
    let model = Scripted::new(true, vec![Ok(bad.into()), Ok("nope".into()), Ok(bad.into())]);
    let with_reqs = Inputs { requirements: Some(reqs.clone()), ..inputs("") };
    let (result, updates) = run(Some(&model), DocTarget::Tasks, &with_reqs).await;
    let generated = result.expect("derived");
    assert_eq!(generated.repairs, 2);
    assert_eq!(generated.drafted_by.as_deref(), Some("scripted"));
    let text = &generated.text;
    assert!(text.starts_with(&format!("# Implementation Plan\n\n{}\n", template::DERIVED_TASKS_NOTE)), "{text}");
    assert!(
        text.contains(
            "- [ ] 1. Implement Sign up\n  - Write the code and its unit tests\n  - _Requirements: 1.1, 1.2_"
        )
    );
    assert!(
        text.contains("- [ ] 2. Implement Log in\n  - Write the code and its unit tests\n  - _Requirements: 2.1, 2.2_")
    );
    assert_eq!(generated.problems.len(), 1, "{:?}", generated.problems);
    assert!(generated.problems[0].starts_with("tasks.md was derived from the requirements without the model's help"));
    assert!(generated.problems[0].contains("7.7"), "says what the model got wrong: {:?}", generated.problems);
    assert!(updates.iter().any(|u| matches!(u, Update::Status(s) if s.contains("Deriving tasks.md"))));
    check_clean(&[(DocKind::Requirements, &reqs), (DocKind::Tasks, text)]);

    // A refinement does not replace the user's plan.
    let model = Scripted::new(true, vec![Ok("nope".into()), Ok("nope".into()), Ok("nope".into())]);
    let refine = Inputs { tasks: Some(bad.into()), instruction: Some("split task 1".into()), ..with_reqs.clone() };
    assert!(matches!(run(Some(&model), DocTarget::Tasks, &refine).await.0, Err(GenError::Invalid(_))));
    // Nor is there anything to derive from a design alone.
    let design_only = Inputs { design: Some(template::layout(DocTarget::Design)), ..inputs("") };
    let model = Scripted::new(true, vec![Ok("nope".into()), Ok("nope".into()), Ok("nope".into())]);
    assert!(matches!(run(Some(&model), DocTarget::Tasks, &design_only).await.0, Err(GenError::Invalid(_))));
}

#[tokio::test]
async fn markdown_answers_are_extracted_validated_and_repaired() {
    let reqs = template::requirements("x");
    let broken = "Here is the plan:\n\n```markdown\n# Implementation Plan\n\n- [ ] 1. Build it\n  - _Requirements: 1.1, 9.9_\n```\nHope it helps!";
    let fixed = "# Implementation Plan\n\n- [ ] 1. Build it\n  - _Requirements: 1.1, 1.2_\n";
    let model = Scripted::new(false, vec![Ok(broken.into()), Ok(fixed.into())]);
    let inputs = Inputs { requirements: Some(reqs.clone()), ..inputs("") };
    let (result, updates) = run(Some(&model), DocTarget::Tasks, &inputs).await;
    let generated = result.expect("generated");
    assert_eq!(generated.repairs, 1);
    assert_eq!(generated.text, fixed);
    assert!(generated.problems.is_empty());
    let requests = model.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].structured.is_none(), "no schema for a model without structured output");
    assert!(requests[0].messages[0].content.iter().any(|c| matches!(c, specwright_models::Content::Text { text } if text.contains("- [ ] 1. Set up the service skeleton"))), "the layout example is in the prompt");
    let repair = &requests[1].messages[2];
    let specwright_models::Content::Text { text } = &repair.content[0] else { panic!("text") };
    assert!(text.contains("criterion 9.9 does not exist"), "{text}");
    assert!(updates.iter().any(|u| matches!(u, Update::Status(s) if s.contains("Repairing tasks.md"))));
    check_clean(&[(DocKind::Requirements, &reqs), (DocKind::Tasks, &generated.text)]);
}

#[tokio::test]
async fn a_refused_schema_falls_back_to_markdown() {
    let refused =
        ModelError::BadRequest { provider: "x".into(), status: 400, message: "response_format unsupported".into() };
    let markdown = template::requirements("login");
    let model = Scripted::new(true, vec![Err(refused), Ok(markdown.clone())]);
    let (result, _) = run(Some(&model), DocTarget::Requirements, &inputs("login")).await;
    assert_eq!(result.expect("generated").text, markdown);
    let requests = model.requests();
    assert!(requests[0].structured.is_some());
    assert!(requests[1].structured.is_none());
}

#[tokio::test]
async fn model_errors_and_cancellation_are_reported() {
    let auth = ModelError::Auth {
        provider: "Anthropic".into(),
        key_var: "ANTHROPIC_API_KEY".into(),
        status: 401,
        message: "invalid x-api-key".into(),
    };
    let model = Scripted::new(true, vec![Err(auth)]);
    let (result, _) = run(Some(&model), DocTarget::Requirements, &inputs("x")).await;
    let err = result.expect_err("fails");
    assert!(err.to_string().contains("ANTHROPIC_API_KEY"), "{err}");
    let model = Scripted::new(true, vec![Err(ModelError::Cancelled)]);
    let (result, _) = run(Some(&model), DocTarget::Requirements, &inputs("x")).await;
    assert!(matches!(result, Err(GenError::Cancelled)));
}

#[tokio::test]
async fn without_a_model_templates_make_a_spec_that_checks_clean() {
    let (r, _) = run(None, DocTarget::Requirements, &inputs("Users sign up and log in with JWT.")).await;
    let requirements = r.expect("template").text;
    assert!(requirements.contains("Users sign up and log in with JWT."));
    assert!(requirements.contains(template::NO_MODEL_NOTE));
    let with_reqs = Inputs { requirements: Some(requirements.clone()), ..inputs("") };
    let design = run(None, DocTarget::Design, &with_reqs).await.0.expect("design").text;
    assert!(design.contains("**Validates: Requirements 1.1, 1.2**"), "{design}");
    let tasks = run(None, DocTarget::Tasks, &with_reqs).await.0.expect("tasks").text;
    assert!(tasks.contains("- [ ] 1. Implement Replace with the first requirement\n"), "{tasks}");
    check_clean(&[(DocKind::Requirements, &requirements), (DocKind::Design, &design), (DocKind::Tasks, &tasks)]);

    let (bugfix, _) = run(None, DocTarget::Bugfix, &inputs("The export button does nothing on Safari.")).await;
    let bugfix = bugfix.expect("bugfix").text;
    assert!(bugfix.contains(
        "### Expected Behavior (Correct)\n\n2.1 WHEN the bug is triggered THEN the system SHALL behave correctly"
    ));
    let spec = Spec::from_texts(PathBuf::from("b"), [(DocKind::Bugfix, bugfix.as_str())]);
    assert_eq!(analyze(&spec).summary.criteria, 3);

    let refine = Inputs { instruction: Some("shorter".into()), ..inputs("") };
    assert!(matches!(run(None, DocTarget::Requirements, &refine).await.0, Err(GenError::NeedsModel(_))));
    assert!(matches!(run(None, DocTarget::Tasks, &inputs("")).await.0, Err(GenError::Input(_))));
}
