//! What a generation reads besides the user's words: the steering that
//! applies (decided by `specwright-steering`) and the codebase view.

use std::path::PathBuf;

use specwright_specgen::workflow::{SpecTexts, inputs};

fn workspace(label: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("specwright-specgen-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, text).expect("write");
    };
    write(".kiro/steering/always.md", "---\ninclusion: always\n---\nUse TypeScript.\n");
    write(
        ".kiro/steering/specs.md",
        "---\ninclusion: fileMatch\nfileMatchPattern: \".kiro/specs/**/*.md\"\n---\nSpecs are terse.\n",
    );
    write(".kiro/steering/python.md", "---\ninclusion: fileMatch\nfileMatchPattern: \"**/*.py\"\n---\nPython rules.\n");
    write(".kiro/steering/manual.md", "---\ninclusion: manual\n---\nOnly when asked.\n");
    write("AGENTS.md", "Agents: run the tests.\n");
    write("package.json", "{\"name\": \"demo\", \"dependencies\": {\"express\": \"4\"}}\n");
    write("src/app.ts", "export const app = 1;\n");
    write("node_modules/x/index.js", "ignored\n");
    root
}

#[test]
fn steering_that_applies_to_the_spec_reaches_the_prompt() {
    let root = workspace("steering");
    let dir = root.join(".kiro/specs/auth");
    let i = inputs(&root, &dir, SpecTexts::default(), "Login", None);
    let names: Vec<&str> = i.steering.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&".kiro/steering/always.md"), "{names:?}");
    assert!(names.contains(&".kiro/steering/specs.md"), "fileMatch on the spec's files: {names:?}");
    assert!(names.contains(&"AGENTS.md"), "{names:?}");
    assert!(!names.contains(&".kiro/steering/python.md"), "{names:?}");
    assert!(!names.contains(&".kiro/steering/manual.md"), "{names:?}");
    let always = i.steering.iter().find(|s| s.name.ends_with("always.md")).expect("always");
    assert_eq!(always.text.trim(), "Use TypeScript.", "front matter removed");
    assert!(i.codebase.contains("src/app.ts"), "{}", i.codebase);
    assert!(i.codebase.contains("\"express\""), "manifests are shown: {}", i.codebase);
    assert!(!i.codebase.contains("node_modules"), "{}", i.codebase);
    let _ = std::fs::remove_dir_all(&root);
}
