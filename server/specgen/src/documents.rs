//! The structured form of each document: what a model fills in (as JSON
//! following [`crate::schema`]) and what [`crate::render`] turns into
//! Markdown in Kiro's layout. EARS and requirement ids are part of the
//! structure, so a well-formed answer is a well-formed spec by construction.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequirementsDoc {
    pub introduction: String,
    pub glossary: Vec<Term>,
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Term {
    pub term: String,
    pub definition: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Requirement {
    pub title: String,
    pub user_story: UserStory,
    pub acceptance_criteria: Vec<Criterion>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserStory {
    /// "a registered user"
    pub role: String,
    /// "to reset my password"
    pub capability: String,
    /// "I can regain access"
    pub benefit: String,
}

/// One EARS statement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Criterion {
    pub pattern: Pattern,
    /// The WHEN / WHILE / IF / WHERE clause (empty for ubiquitous).
    pub condition: String,
    /// The system that responds ("Auth_Service").
    pub system: String,
    /// What it SHALL do ("issue a JSON Web Token").
    pub response: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// THE <system> SHALL <response>
    #[default]
    Ubiquitous,
    /// WHEN <trigger>, THE <system> SHALL <response>
    Event,
    /// WHILE <state>, THE <system> SHALL <response>
    State,
    /// IF <unwanted condition>, THEN THE <system> SHALL <response>
    Unwanted,
    /// WHERE <feature is included>, THE <system> SHALL <response>
    Optional,
}

impl Pattern {
    pub const ALL: [Pattern; 5] = [Self::Ubiquitous, Self::Event, Self::State, Self::Unwanted, Self::Optional];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ubiquitous => "ubiquitous",
            Self::Event => "event",
            Self::State => "state",
            Self::Unwanted => "unwanted",
            Self::Optional => "optional",
        }
    }

    pub fn keyword(self) -> Option<&'static str> {
        match self {
            Self::Ubiquitous => None,
            Self::Event => Some("WHEN"),
            Self::State => Some("WHILE"),
            Self::Unwanted => Some("IF"),
            Self::Optional => Some("WHERE"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BugfixDoc {
    pub introduction: String,
    pub current_behavior: Vec<Clause>,
    pub expected_behavior: Vec<Clause>,
    pub unchanged_behavior: Vec<Clause>,
}

/// `WHEN <condition> THEN the system <behavior>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Clause {
    pub condition: String,
    pub behavior: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DesignDoc {
    pub overview: String,
    pub architecture: String,
    /// Mermaid source of the architecture diagram (without the fence).
    pub architecture_diagram: String,
    pub components: Vec<Component>,
    pub data_models: Vec<DataModel>,
    pub correctness_properties: Vec<Property>,
    pub error_handling: Vec<ErrorCase>,
    pub testing_strategy: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Component {
    pub name: String,
    pub responsibility: String,
    /// An interface sketch in the project's language (without the fence).
    pub interface: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DataModel {
    pub name: String,
    pub description: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: String,
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Property {
    pub title: String,
    /// "For any valid credentials, logging in then validating the token yields the same user."
    pub statement: String,
    /// Criterion ids (`1.2`) this property validates.
    pub validates: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorCase {
    pub scenario: String,
    pub handling: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TasksDoc {
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Task {
    pub title: String,
    pub details: Vec<String>,
    /// Criterion ids (`1.2`) the task implements.
    pub requirements: Vec<String>,
    pub subtasks: Vec<SubTask>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubTask {
    pub title: String,
    pub details: Vec<String>,
    pub requirements: Vec<String>,
    /// Tests and other work that may be skipped for an MVP (`- [ ]*`).
    pub optional: bool,
}
