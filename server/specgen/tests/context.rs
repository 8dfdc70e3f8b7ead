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

#[test]
fn the_repository_map_leans_toward_what_the_spec_names() {
    let root = workspace("map");
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "src/db.ts",
        "export function query(sql: string): Row[] { return []; }\nexport interface Row { id: string }\n",
    );
    write(
        "src/auth.ts",
        "import { query } from './db';\nexport function login(email: string): Token { query('x'); return {} as Token; }\nexport interface Token { value: string }\n",
    );
    write("src/billing.ts", "import { query } from './db';\nexport function invoice(): void { query('y'); }\n");
    let design = "# Design Document\n\n## Components\n\nThe `login` flow in src/auth.ts issues a `Token`.\n";
    let texts = SpecTexts { design: Some(design.into()), ..SpecTexts::default() };
    let i =
        specwright_specgen::workflow::inputs_with(&root, &root.join(".kiro/specs/auth"), texts, "", None, None, 200);
    assert!(i.codebase.contains("Repository map"), "{}", i.codebase);
    let auth = i.codebase.find("src/auth.ts:").expect("auth.ts is in the map");
    let billing = i.codebase.find("src/billing.ts:").unwrap_or(usize::MAX);
    assert!(auth < billing, "the file the design names comes before one it does not:\n{}", i.codebase);
    let index = specwright_index::Index::build(&root);
    let focus = specwright_specgen::context::focus_from_text(&index, &[design]);
    assert_eq!(focus.files, ["src/auth.ts"]);
    assert!(focus.symbols.contains(&"login".to_string()) && focus.symbols.contains(&"Token".to_string()), "{focus:?}");
    let _ = std::fs::remove_dir_all(&root);
}
