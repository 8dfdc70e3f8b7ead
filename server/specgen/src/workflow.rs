//! The spec workflow shared by the language server and the CLI: what a
//! step reads, what it writes, and in which order. Callers do the writing
//! (the server through `workspace/applyEdit`, the CLI atomically on disk).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specwright_spec::requirements::{parse_bugfix, parse_requirements};
use specwright_spec::{DocKind, LineIndex};

use crate::context::{self, Limits};
use crate::merge::{MergeOutcome, merge_tasks};
use crate::{DocTarget, Inputs};

/// Which document a new spec starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Workflow {
    #[default]
    RequirementsFirst,
    DesignFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpecType {
    #[default]
    Feature,
    Bugfix,
}

/// The texts of a spec's documents, as the caller sees them (an editor's
/// unsaved text wins over the disk's).
#[derive(Debug, Clone, Default)]
pub struct SpecTexts {
    pub requirements: Option<String>,
    pub bugfix: Option<String>,
    pub design: Option<String>,
    pub tasks: Option<String>,
}

impl SpecTexts {
    /// Reads the documents of a spec folder from disk.
    pub fn read(dir: &Path) -> Self {
        let read = |kind: DocKind| std::fs::read_to_string(dir.join(kind.file_name())).ok();
        Self {
            requirements: read(DocKind::Requirements),
            bugfix: read(DocKind::Bugfix),
            design: read(DocKind::Design),
            tasks: read(DocKind::Tasks),
        }
    }

    pub fn get(&self, target: DocTarget) -> Option<&str> {
        match target {
            DocTarget::Requirements => self.requirements.as_deref(),
            DocTarget::Bugfix => self.bugfix.as_deref(),
            DocTarget::Design => self.design.as_deref(),
            DocTarget::Tasks => self.tasks.as_deref(),
        }
    }
}

/// Everything a generation step reads: the spec's documents, the steering
/// that applies to them, and a view of the codebase at `root`.
pub fn inputs(root: &Path, spec_dir: &Path, texts: SpecTexts, prompt: &str, instruction: Option<&str>) -> Inputs {
    inputs_with(root, spec_dir, texts, prompt, instruction, None, context::DEFAULT_MAP_TOKENS)
}

/// [`inputs`] with the caller's code index (a language server keeps one
/// fresh; without one, the folder is indexed now) and the repository map's
/// token budget.
pub fn inputs_with(
    root: &Path,
    spec_dir: &Path,
    texts: SpecTexts,
    prompt: &str,
    instruction: Option<&str>,
    index: Option<&specwright_index::Index>,
    map_tokens: usize,
) -> Inputs {
    let focus: Vec<PathBuf> = DocKind::ALL
        .iter()
        .map(|k| spec_dir.join(k.file_name()))
        .map(|p| p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p))
        .collect();
    let limits = Limits::default();
    let named: Vec<&str> = [&texts.requirements, &texts.bugfix, &texts.design, &texts.tasks]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain([prompt])
        .collect();
    let built;
    let index = match index {
        Some(i) => i,
        None => {
            built = specwright_index::Index::build(root);
            &built
        }
    };
    let codebase = context::codebase_with_map(root, index, &named, map_tokens, limits);
    Inputs {
        spec_name: spec_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        prompt: prompt.to_string(),
        requirements: texts.requirements,
        bugfix: texts.bugfix,
        design: texts.design,
        tasks: texts.tasks,
        steering: context::steering(root, &focus, limits),
        codebase,
        instruction: instruction.map(str::to_string),
        template_fallback: false,
    }
}

/// The first document a new spec gets.
pub fn first_target(workflow: Workflow, spec_type: SpecType) -> DocTarget {
    match (spec_type, workflow) {
        (SpecType::Bugfix, _) => DocTarget::Bugfix,
        (SpecType::Feature, Workflow::DesignFirst) => DocTarget::Design,
        (SpecType::Feature, Workflow::RequirementsFirst) => DocTarget::Requirements,
    }
}

/// The documents `quick` writes, in order.
pub fn quick_targets(workflow: Workflow, spec_type: SpecType) -> Vec<DocTarget> {
    match (spec_type, workflow) {
        (SpecType::Bugfix, _) => vec![DocTarget::Bugfix, DocTarget::Design, DocTarget::Tasks],
        (SpecType::Feature, Workflow::DesignFirst) => {
            vec![DocTarget::Design, DocTarget::Requirements, DocTarget::Tasks]
        }
        (SpecType::Feature, Workflow::RequirementsFirst) => {
            vec![DocTarget::Requirements, DocTarget::Design, DocTarget::Tasks]
        }
    }
}

/// `.config.kiro` for a new spec, with a fresh specId.
pub fn new_config(workflow: Workflow, spec_type: SpecType) -> String {
    let config = serde_json::json!({
        "specId": fresh_spec_id(),
        "workflowType": workflow,
        "specType": spec_type,
    });
    serde_json::to_string_pretty(&config).unwrap_or_default() + "\n"
}

/// A random version-4 UUID, from the operating system's randomness (with a
/// time-and-process fallback where there is none).
pub fn fresh_spec_id() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).is_ok();
    if !from_os {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let seed = nanos ^ (u128::from(std::process::id()) << 64);
        bytes = seed.to_le_bytes();
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// A free folder name under `specs_dir`: `name`, else `name-2`, `name-3` …
pub fn free_name(specs_dir: &Path, name: &str) -> String {
    if !specs_dir.join(name).exists() {
        return name.to_string();
    }
    (2..).map(|n| format!("{name}-{n}")).find(|n| !specs_dir.join(n).exists()).unwrap_or_else(|| name.to_string())
}

/// The tasks.md to write: a new plan as generated, or an existing plan
/// updated with the generated one (no work lost; see [`crate::merge`]).
pub fn tasks_to_write(existing: Option<&str>, generated: &str, texts: &SpecTexts) -> (String, Option<MergeOutcome>) {
    let Some(existing) = existing.filter(|t| !t.trim().is_empty()) else {
        return (generated.to_string(), None);
    };
    let requirements = match (&texts.requirements, &texts.bugfix) {
        (Some(t), _) => parse_requirements(t, &LineIndex::new(t)),
        (None, Some(t)) => parse_bugfix(t, &LineIndex::new(t)),
        (None, None) => Default::default(),
    };
    let outcome = merge_tasks(existing, generated, &requirements);
    (outcome.text.clone(), Some(outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_ids_are_v4_uuids() {
        let a = fresh_spec_id();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(a, fresh_spec_id());
    }

    #[test]
    fn config_names_the_workflow_and_type() {
        let c: serde_json::Value = serde_json::from_str(&new_config(Workflow::DesignFirst, SpecType::Bugfix)).unwrap();
        assert_eq!(c["workflowType"], "design-first");
        assert_eq!(c["specType"], "bugfix");
    }
}
