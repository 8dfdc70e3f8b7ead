//! Facts read off a repository, and the steering documents rendered from them.

mod common;

use common::{TempDir, strings, workspace};
use specwright_steering::{Facts, Steering, facts, render_steering};

const NODE_AND_CARGO: &str = r#"
//- package.json
{
  "name": "shop",
  "description": "A small shop",
  "packageManager": "pnpm@9.1.0",
  "scripts": { "dev": "next dev", "build": "next build", "test": "vitest run" },
  "dependencies": { "react": "^18", "next": "14", "express": "4" },
  "devDependencies": { "vitest": "1", "@playwright/test": "1", "typescript": "5" }
}
//- pnpm-lock.yaml
lockfileVersion: '9.0'
//- Cargo.toml
[workspace]
members = [
  "crates/*",
  "tools/cli", # the command line
]

[workspace.dependencies]
serde = "1"
tokio = { version = "1", features = ["full"] }
//- crates/api/Cargo.toml
[package]
name = "api"

[dependencies]
axum.workspace = true
tokio = { workspace = true }

[dev-dependencies]
insta = "1"
//- crates/api/src/lib.rs
//- crates/api/src/routes.rs
//- crates/core/Cargo.toml
[package]
name = "core"

[dependencies.serde]
version = "1"
//- crates/core/src/lib.rs
//- tools/cli/Cargo.toml
[package]
name = "cli"
[dependencies]
clap = "4"
//- tools/cli/src/main.rs
//- web/app/page.tsx
//- web/app/layout.tsx
//- web/lib/util.ts
//- web/lib/old.js
//- scripts/build.sh
//- docs/intro.md
//- node_modules/react/index.js
//- node_modules/react/cjs/react.js
//- target/debug/build/x.rs
//- .git/hooks/pre-commit.sh
"#;

#[test]
fn node_and_cargo_workspace() {
    let ws = workspace("facts-node-cargo", NODE_AND_CARGO);
    let f = facts(ws.path());
    let expected = Facts {
        name: Some("shop".into()),
        description: Some("A small shop".into()),
        languages: vec![("Rust".into(), 4), ("TypeScript".into(), 3), ("JavaScript".into(), 1), ("Shell".into(), 1)],
        frameworks: strings(&["axum", "clap", "express", "next", "react", "tokio"]),
        test_tools: strings(&["cargo test", "insta", "playwright", "vitest"]),
        package_managers: strings(&["cargo", "pnpm"]),
        scripts: vec![
            ("dev".into(), "next dev".into()),
            ("build".into(), "next build".into()),
            ("test".into(), "vitest run".into()),
        ],
        top_folders: strings(&["crates", "docs", "scripts", "tools", "web"]),
        manifests: strings(&[
            "Cargo.toml",
            "crates/api/Cargo.toml",
            "crates/core/Cargo.toml",
            "package.json",
            "tools/cli/Cargo.toml",
        ]),
        workspace_members: strings(&["crates/api", "crates/core", "tools/cli"]),
    };
    assert_eq!(f, expected);

    let docs = render_steering(&f);
    let names: Vec<&str> = docs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["product.md", "tech.md", "structure.md"]);
    for (name, text) in &docs {
        assert!(text.starts_with("---\ninclusion: always\n---\n"), "{name}");
        insta::assert_snapshot!(format!("node_and_cargo_{}", name.trim_end_matches(".md")), text);
    }
}

#[test]
fn python_and_go_in_subfolders() {
    let ws = workspace(
        "facts-py-go",
        r#"
//- pyproject.toml
[project]
name = "py-app"
description = "Scores things" # trailing comment
dependencies = [
    "Django>=4.2",
    "fastapi[all]",
]

[project.optional-dependencies]
dev = ["pytest>=8", "ruff"]
//- requirements.txt
# pinned
Flask==3.0 ; python_version > "3.8"
//- app/main.py
//- app/models.py
//- svc/go.mod
module example.com/svc

go 1.22

require (
	github.com/gin-gonic/gin v1.10.0
	github.com/stretchr/testify v1.9.0 // indirect
)
//- svc/main.go
"#,
    );
    let f = facts(ws.path());
    assert_eq!(f.name.as_deref(), Some("py-app"));
    assert_eq!(f.description.as_deref(), Some("Scores things"));
    assert_eq!(f.languages, vec![("Python".to_string(), 2), ("Go".to_string(), 1)]);
    assert_eq!(f.frameworks, strings(&["django", "fastapi", "flask", "gin"]));
    assert_eq!(f.test_tools, strings(&["go test", "pytest", "testify"]));
    assert_eq!(f.package_managers, strings(&["go modules", "pip"]));
    assert_eq!(f.manifests, strings(&["pyproject.toml", "requirements.txt", "svc/go.mod"]));
    assert!(f.scripts.is_empty() && f.workspace_members.is_empty());
}

#[test]
fn empty_repository_renders_honestly() {
    let ws = TempDir::new("facts-empty");
    let f = facts(ws.path());
    assert_eq!(f, Facts::default());
    let docs = render_steering(&f);
    let tech = &docs[1].1;
    assert!(tech.contains("## Languages\n\nNone detected.\n"), "{tech}");
    let product = &docs[0].1;
    assert!(product.contains("- Name: not declared in a root manifest"), "{product}");
    assert!(!product.contains("Shape"), "nothing inferred from nothing");
}

#[test]
fn malformed_manifests_contribute_nothing() {
    let ws = workspace(
        "facts-bad",
        "//- package.json\n{ not json\n//- Cargo.toml\n[package\nname = \n//- go.mod\nrequire (\n",
    );
    let f = facts(ws.path());
    assert_eq!(f.name, None);
    assert!(f.frameworks.is_empty());
    assert_eq!(f.manifests, strings(&["Cargo.toml", "go.mod", "package.json"]));
}

#[test]
fn rendered_documents_load_as_clean_always_steering() {
    let ws = workspace("facts-roundtrip", NODE_AND_CARGO);
    for (name, text) in render_steering(&facts(ws.path())) {
        ws.write(&format!(".kiro/steering/{name}"), &text);
    }
    let steering = Steering::load(ws.path(), None);
    assert_eq!(steering.files.len(), 3);
    for f in &steering.files {
        assert_eq!(f.inclusion, specwright_steering::Inclusion::Always, "{}", f.rel);
        assert!(f.diagnostics.is_empty(), "{}: {:?}", f.rel, f.diagnostics);
    }
    assert_eq!(steering.applicable(&[], &[]).len(), 3);
}
