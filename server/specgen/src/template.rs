//! Documents written without a model: honest templates that hold together
//! (they pass `specwright check`) and say that a configured model would
//! draft them. Also the layout examples shown to models that answer in
//! Markdown.

use specwright_spec::requirements::Requirements;

use crate::DocTarget;
use crate::documents::*;
use crate::render;

/// The note every model-less document carries.
pub const NO_MODEL_NOTE: &str = "_Drafted by Specwright without a model: this is a template to complete by hand. \
Configure a model (`specwright.model.provider`, or `SPECWRIGHT_PROVIDER`) to have it written from your description._";

fn strings(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    ids.into_iter().collect()
}

fn example_requirements(intro: String, title: &str) -> RequirementsDoc {
    RequirementsDoc {
        introduction: intro,
        glossary: vec![Term { term: "System".into(), definition: "The software this spec describes.".into() }],
        requirements: vec![Requirement {
            title: title.to_string(),
            user_story: UserStory {
                role: "a user".into(),
                capability: "to use this feature".into(),
                benefit: "I get the outcome it promises".into(),
            },
            acceptance_criteria: vec![
                Criterion {
                    pattern: Pattern::Event,
                    condition: "a user starts the feature".into(),
                    system: "System".into(),
                    response: "carry out the request and report the outcome".into(),
                },
                Criterion {
                    pattern: Pattern::Unwanted,
                    condition: "the request is invalid".into(),
                    system: "System".into(),
                    response: "reject it with a message that says what is wrong".into(),
                },
            ],
        }],
    }
}

/// The requirements template: the user's words in the introduction and one
/// example requirement with EARS criteria.
pub fn requirements(description: &str) -> String {
    let intro = format!("{}\n\n{NO_MODEL_NOTE}", description.trim());
    render::requirements(&example_requirements(intro, "Replace with the first requirement"))
}

/// The note of a document written from the template because the model's
/// answers could not be used.
pub const FALLBACK_NOTE: &str = "_Specwright wrote this from its template: the model's answers did not hold together after the repair rounds. Complete it by hand, or generate it again with a larger model._";

/// The requirements template under [`FALLBACK_NOTE`], for when a model's
/// requirements cannot be used.
pub fn fallback_requirements(description: &str) -> String {
    let intro = format!("{}\n\n{FALLBACK_NOTE}", description.trim());
    render::requirements(&example_requirements(intro, "Replace with the first requirement"))
}

/// The design skeleton derived from the requirements (one correctness
/// property per requirement) under [`FALLBACK_NOTE`], for when a model's
/// design cannot be used.
pub fn fallback_design(description: &str, reqs: Option<&Requirements>) -> String {
    design(description, reqs).replace(NO_MODEL_NOTE, FALLBACK_NOTE)
}

pub fn bugfix(description: &str) -> String {
    render::bugfix(&BugfixDoc {
        introduction: format!("{}\n\n{NO_MODEL_NOTE}", description.trim()),
        current_behavior: vec![Clause {
            condition: "the bug is triggered".into(),
            behavior: "misbehaves as reported".into(),
        }],
        expected_behavior: vec![Clause {
            condition: "the bug is triggered".into(),
            behavior: "behave correctly".into(),
        }],
        unchanged_behavior: vec![Clause {
            condition: "any other input is given".into(),
            behavior: "behave as it does today".into(),
        }],
    })
}

/// A design skeleton with one correctness property per requirement, each
/// validating all of that requirement's criteria.
pub fn design(description: &str, reqs: Option<&Requirements>) -> String {
    let mut doc = DesignDoc {
        overview: format!("{}\n\n{NO_MODEL_NOTE}", description.trim()),
        architecture: "Describe the components and how a request flows through them.".into(),
        architecture_diagram: "flowchart TD\n    Client --> System\n    System --> Storage".into(),
        components: vec![Component {
            name: "System".into(),
            responsibility: "Name each component, what it owns and the interface it offers.".into(),
            interface: String::new(),
        }],
        data_models: vec![DataModel {
            name: "Model".into(),
            description: "Describe each data model and its fields.".into(),
            fields: Vec::new(),
        }],
        correctness_properties: Vec::new(),
        error_handling: vec![ErrorCase {
            scenario: "Invalid input".into(),
            handling: "Reject it with a message that says what is wrong.".into(),
        }],
        testing_strategy: "Unit tests for each component; property-based tests for the correctness properties; \
            integration tests for the main flows."
            .into(),
    };
    for r in reqs.map(|r| r.requirements.as_slice()).unwrap_or_default() {
        let ids: Vec<String> =
            r.criteria.iter().filter(|c| c.role.is_requirement()).map(|c| c.id().to_string()).collect();
        if ids.is_empty() {
            continue;
        }
        let title = r.title.clone().unwrap_or_else(|| format!("Requirement {}", r.number));
        doc.correctness_properties.push(Property {
            title: title.clone(),
            statement: format!("For any input, the behaviour required by Requirement {} ({title}) holds.", r.number),
            validates: ids,
        });
    }
    render::design(&doc)
}

/// One task per requirement, citing all its criteria, then a final checkpoint.
pub fn tasks(reqs: Option<&Requirements>) -> String {
    let mut doc = derived_plan(reqs);
    doc.tasks.push(Task {
        title: "Checkpoint: make sure all tests pass".into(),
        details: vec![NO_MODEL_NOTE.into()],
        requirements: Vec::new(),
        subtasks: Vec::new(),
    });
    render::tasks(&doc)
}

/// The note a plan derived from the requirements carries when the model's
/// own plan could not be used.
pub const DERIVED_TASKS_NOTE: &str = "_These tasks were derived from the requirements without the model's help: \
the model's plan did not hold together after its repair rounds. There is one task per requirement, citing all its \
acceptance criteria; break them down and order them as the design needs._";

/// The plan written when a model's tasks still fail validation after the
/// repair rounds: one task per requirement citing all its criteria, under
/// [`DERIVED_TASKS_NOTE`]. `None` when no requirement has a criterion to cite.
pub fn derived_tasks(reqs: Option<&Requirements>) -> Option<String> {
    let doc = derived_plan(reqs);
    if doc.tasks.is_empty() {
        return None;
    }
    let text = render::tasks(&doc);
    let body = text.strip_prefix("# Implementation Plan\n").unwrap_or(&text);
    Some(format!("# Implementation Plan\n\n{DERIVED_TASKS_NOTE}\n{body}"))
}

/// One task per requirement that has criteria, citing all of them.
fn derived_plan(reqs: Option<&Requirements>) -> TasksDoc {
    let mut doc = TasksDoc::default();
    for r in reqs.map(|r| r.requirements.as_slice()).unwrap_or_default() {
        let ids = strings(r.criteria.iter().filter(|c| c.role.is_requirement()).map(|c| c.id().to_string()));
        if ids.is_empty() {
            continue;
        }
        let title = r.title.clone().unwrap_or_else(|| format!("requirement {}", r.number));
        doc.tasks.push(Task {
            title: format!("Implement {title}"),
            details: vec!["Write the code and its unit tests".into()],
            requirements: ids,
            subtasks: Vec::new(),
        });
    }
    doc
}

/// The example layout shown to models that answer in Markdown.
pub fn layout(target: DocTarget) -> String {
    let reqs = example_requirements("What the feature is and why.".into(), "Short title");
    match target {
        DocTarget::Requirements => render::requirements(&reqs),
        DocTarget::Bugfix => {
            bugfix("What goes wrong, where, and its impact.").replace(&format!("\n\n{NO_MODEL_NOTE}"), "")
        }
        DocTarget::Design => render::design(&DesignDoc {
            overview: "The design in a paragraph.".into(),
            architecture: "The architecture in prose.".into(),
            architecture_diagram: "flowchart TD\n    A[Client] --> B[Service]".into(),
            components: vec![Component {
                name: "Service".into(),
                responsibility: "What it does.".into(),
                interface: "interface Service { handle(request: Request): Response }".into(),
            }],
            data_models: vec![DataModel {
                name: "Request".into(),
                description: "What it holds.".into(),
                fields: vec![Field {
                    name: "id".into(),
                    field_type: "string".into(),
                    description: "Identifier".into(),
                }],
            }],
            correctness_properties: vec![Property {
                title: "Round trip".into(),
                statement: "For any valid request, handling it twice gives the same response.".into(),
                validates: vec!["1.1".into(), "1.2".into()],
            }],
            error_handling: vec![ErrorCase {
                scenario: "Invalid request".into(),
                handling: "Rejected with a 400.".into(),
            }],
            testing_strategy: "Unit, property-based and integration tests.".into(),
        }),
        DocTarget::Tasks => render::tasks(&TasksDoc {
            tasks: vec![Task {
                title: "Set up the service skeleton".into(),
                details: vec!["Create the module and its interface".into()],
                requirements: vec!["1.1".into()],
                subtasks: vec![
                    SubTask {
                        title: "Implement request handling".into(),
                        details: vec!["Handle valid requests".into()],
                        requirements: vec!["1.1".into()],
                        optional: false,
                    },
                    SubTask {
                        title: "Write property test for the round trip".into(),
                        details: Vec::new(),
                        requirements: vec!["1.2".into()],
                        optional: true,
                    },
                ],
            }],
        }),
    }
}
