//! The inclusion matrix: which documents `applicable` returns for a focus and
//! a request, and why.

mod common;

use common::{TempDir, strings, workspace, write_fixture};
use specwright_steering::{Inclusion, Reason, Source, Steering};

const WORKSPACE: &str = r#"
//- .kiro/steering/always.md
---
inclusion: always
---
Always body.
//- .kiro/steering/plain.md
No front matter: always.
//- .kiro/steering/single.md
---
inclusion: fileMatch
fileMatchPattern: "src/**/*.ts"
---
Single.
//- .kiro/steering/brace.md
---
inclusion: fileMatch
fileMatchPattern: "**/*.{tsx,jsx}"
---
Brace.
//- .kiro/steering/yaml-list.md
---
inclusion: fileMatch
fileMatchPattern:
  - "docs/**"
  - '*.md'
---
List.
//- .kiro/steering/comma.md
---
inclusion: fileMatch
fileMatchPattern: "*.sql,migrations/**"
---
Comma.
//- .kiro/steering/flow.md
---
inclusion: fileMatch
fileMatchPattern: [api/**/*.py, "tests/**"]
---
Flow.
//- .kiro/steering/manual.md
---
inclusion: manual
---
Manual.
//- .kiro/steering/auto.md
---
inclusion: auto
name: api-guidelines
description: When working on REST endpoints
---
Auto.
//- .kiro/steering/team/nested.md
Nested steering folder, always.
//- .kiro/steering/tech.md
Workspace tech.
//- AGENTS.md
Root agents.
//- packages/web/AGENTS.md
Web agents.
//- node_modules/pkg/AGENTS.md
Never read.
"#;

const USER: &str = r#"
//- tech.md
User tech: overridden by the workspace's tech.md.
//- personal.md
---
inclusion: always
---
Personal.
//- rust.md
---
inclusion: fileMatch
fileMatchPattern: "**/*.rs"
---
User rust.
//- snippets.md
---
inclusion: manual
---
User snippets.
"#;

struct Fixture {
    ws: TempDir,
    _user: TempDir,
    steering: Steering,
}

fn fixture() -> Fixture {
    let ws = workspace("incl", WORKSPACE);
    let user = TempDir::new("incl-user");
    write_fixture(&user, USER);
    let steering = Steering::load(ws.path(), Some(user.path()));
    Fixture { ws, _user: user, steering }
}

fn applied(f: &Fixture, focus: &[&str], requested: &[&str]) -> Vec<(String, Reason)> {
    f.steering.applicable(&strings(focus), &strings(requested)).into_iter().map(|a| (a.name, a.reason)).collect()
}

fn matched(p: &str, file: &str) -> Reason {
    Reason::Matched(p.to_string(), file.to_string())
}

/// The documents that apply to every prompt, in order.
fn base() -> Vec<(String, Reason)> {
    vec![
        ("~/.kiro/steering/personal.md".into(), Reason::Always),
        ("AGENTS.md".into(), Reason::Agents),
        (".kiro/steering/always.md".into(), Reason::Always),
        (".kiro/steering/plain.md".into(), Reason::Always),
        (".kiro/steering/team/nested.md".into(), Reason::Always),
        (".kiro/steering/tech.md".into(), Reason::Always),
    ]
}

fn with(extra: &[(&str, Reason)]) -> Vec<(String, Reason)> {
    let mut all = base();
    all.extend(extra.iter().map(|(n, r)| (n.to_string(), r.clone())));
    let order = |n: &str| {
        let rank = if n.starts_with('~') {
            0
        } else if n == "AGENTS.md" {
            1
        } else if n.starts_with(".kiro/") {
            2
        } else {
            3
        };
        (rank, n.to_string())
    };
    all.sort_by_key(|(n, _)| order(n));
    all
}

#[test]
fn parsed_modes_and_patterns() {
    let f = fixture();
    let get = |rel: &str| f.steering.files.iter().find(|s| s.rel == rel).unwrap_or_else(|| panic!("{rel} loaded"));
    let cases: [(&str, Inclusion, &[&str]); 9] = [
        (".kiro/steering/always.md", Inclusion::Always, &[]),
        (".kiro/steering/plain.md", Inclusion::Always, &[]),
        (".kiro/steering/single.md", Inclusion::FileMatch, &["src/**/*.ts"]),
        (".kiro/steering/brace.md", Inclusion::FileMatch, &["**/*.{tsx,jsx}"]),
        (".kiro/steering/yaml-list.md", Inclusion::FileMatch, &["docs/**", "*.md"]),
        (".kiro/steering/comma.md", Inclusion::FileMatch, &["*.sql", "migrations/**"]),
        (".kiro/steering/flow.md", Inclusion::FileMatch, &["api/**/*.py", "tests/**"]),
        (".kiro/steering/manual.md", Inclusion::Manual, &[]),
        (".kiro/steering/auto.md", Inclusion::Auto, &[]),
    ];
    for (rel, inclusion, patterns) in cases {
        let s = get(rel);
        assert_eq!((s.inclusion, s.patterns.clone()), (inclusion, strings(patterns)), "{rel}");
        assert!(s.diagnostics.is_empty(), "{rel}: {:?}", s.diagnostics);
        assert_eq!(s.source, Source::Workspace);
    }
    let auto = get(".kiro/steering/auto.md");
    assert_eq!(auto.name.as_deref(), Some("api-guidelines"));
    assert_eq!(auto.description.as_deref(), Some("When working on REST endpoints"));
    assert_eq!(auto.body, "Auto.\n");
    assert_eq!(get("packages/web/AGENTS.md").source, Source::AgentsMd { dir: "packages/web".into() });
    assert_eq!(get("AGENTS.md").source, Source::AgentsMd { dir: String::new() });
    assert!(f.steering.files.iter().all(|s| !s.rel.contains("node_modules")), "node_modules is not searched");
    assert_eq!(get("~/.kiro/steering/rust.md").source, Source::User);
}

#[test]
fn without_focus_only_always_documents() {
    let f = fixture();
    assert_eq!(applied(&f, &[], &[]), base());
}

#[test]
fn file_match_each_pattern_form() {
    let f = fixture();
    let cases: [(&str, &str, Reason); 9] = [
        ("src/a/b.ts", ".kiro/steering/single.md", matched("src/**/*.ts", "src/a/b.ts")),
        ("src/b.ts", ".kiro/steering/single.md", matched("src/**/*.ts", "src/b.ts")),
        ("web/App.tsx", ".kiro/steering/brace.md", matched("**/*.{tsx,jsx}", "web/App.tsx")),
        ("App.jsx", ".kiro/steering/brace.md", matched("**/*.{tsx,jsx}", "App.jsx")),
        ("docs/guide/x.txt", ".kiro/steering/yaml-list.md", matched("docs/**", "docs/guide/x.txt")),
        ("notes/readme.md", ".kiro/steering/yaml-list.md", matched("*.md", "notes/readme.md")),
        ("db/schema.sql", ".kiro/steering/comma.md", matched("*.sql", "db/schema.sql")),
        ("migrations/001/up.txt", ".kiro/steering/comma.md", matched("migrations/**", "migrations/001/up.txt")),
        ("tests/t.py", ".kiro/steering/flow.md", matched("tests/**", "tests/t.py")),
    ];
    for (focus, doc, reason) in cases {
        assert_eq!(applied(&f, &[focus], &[]), with(&[(doc, reason)]), "focus {focus}");
    }
    assert_eq!(
        applied(&f, &["./api\\v1\\users.py"], &[]),
        with(&[(".kiro/steering/flow.md", matched("api/**/*.py", "api/v1/users.py"))]),
        "focus paths are normalized"
    );
    // Near misses.
    for focus in ["lib/a.ts", "src/a.tsx.bak", "api/users.rb", "docsx/a.txt"] {
        assert_eq!(applied(&f, &[focus], &[]), base(), "focus {focus}");
    }
}

#[test]
fn manual_and_auto_only_when_requested() {
    let f = fixture();
    assert_eq!(applied(&f, &[], &["manual"]), with(&[(".kiro/steering/manual.md", Reason::Requested)]));
    assert_eq!(applied(&f, &[], &["#Manual.md"]), with(&[(".kiro/steering/manual.md", Reason::Requested)]));
    assert_eq!(applied(&f, &[], &["api-guidelines"]), with(&[(".kiro/steering/auto.md", Reason::Requested)]));
    assert_eq!(applied(&f, &[], &["auto"]), with(&[(".kiro/steering/auto.md", Reason::Requested)]));
    assert_eq!(applied(&f, &[], &["nothing-by-this-name"]), base());
    // A fileMatch document asked for by name applies although no focus matches.
    assert_eq!(applied(&f, &[], &["single"]), with(&[(".kiro/steering/single.md", Reason::Requested)]));
}

#[test]
fn agents_md_root_always_nested_by_folder() {
    let f = fixture();
    let web = ("packages/web/AGENTS.md", Reason::Agents);
    assert_eq!(applied(&f, &["packages/web/src/index.js"], &[]), with(&[web]));
    assert_eq!(applied(&f, &["packages/webx/index.js"], &[]), base());
    assert_eq!(applied(&f, &["packages/web"], &[]), base(), "the folder itself is not inside it");
    let names: Vec<String> = applied(&f, &[], &[]).into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"AGENTS.md".to_string()));
}

#[test]
fn user_level_documents_and_override() {
    let f = fixture();
    // The user's tech.md is loaded (so a server can show its diagnostics) but
    // never applied while the workspace has a tech.md.
    assert!(f.steering.files.iter().any(|s| s.rel == "~/.kiro/steering/tech.md"));
    assert_eq!(applied(&f, &["crates/a/src/lib.rs"], &[]), {
        let mut v = with(&[]);
        v.insert(1, ("~/.kiro/steering/rust.md".into(), matched("**/*.rs", "crates/a/src/lib.rs")));
        v
    });
    assert_eq!(applied(&f, &[], &["snippets"]), {
        let mut v = with(&[]);
        v.insert(1, ("~/.kiro/steering/snippets.md".into(), Reason::Requested));
        v
    });
    let texts = f.steering.applicable(&[], &[]);
    let tech = texts.iter().find(|a| a.name.ends_with("tech.md")).expect("a tech.md applies");
    assert_eq!(tech.text, "Workspace tech.");

    // Without the workspace one, the user's tech.md applies.
    std::fs::remove_file(f.ws.path().join(".kiro/steering/tech.md")).expect("remove");
    let user = f._user.path();
    let steering = Steering::load(f.ws.path(), Some(user));
    let names: Vec<String> = steering.applicable(&[], &[]).into_iter().map(|a| a.name).collect();
    assert!(names.contains(&"~/.kiro/steering/tech.md".to_string()), "{names:?}");
}

#[test]
fn deterministic() {
    let f = fixture();
    let focus = ["src/a.ts", "web/App.tsx", "packages/web/a.js", "x.sql"];
    let first = f.steering.applicable(&strings(&focus), &strings(&["manual", "auto"]));
    for _ in 0..3 {
        let again = Steering::load(f.ws.path(), Some(f._user.path()));
        assert_eq!(again.applicable(&strings(&focus), &strings(&["manual", "auto"])), first);
    }
    let names: Vec<&str> = first.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "~/.kiro/steering/personal.md",
            "AGENTS.md",
            ".kiro/steering/always.md",
            ".kiro/steering/auto.md",
            ".kiro/steering/brace.md",
            ".kiro/steering/comma.md",
            ".kiro/steering/manual.md",
            ".kiro/steering/plain.md",
            ".kiro/steering/single.md",
            ".kiro/steering/team/nested.md",
            ".kiro/steering/tech.md",
            "packages/web/AGENTS.md",
        ]
    );
}

#[test]
fn by_path_finds_loaded_documents() {
    let f = fixture();
    let path = f.ws.path().join(".kiro/steering/comma.md");
    assert_eq!(f.steering.by_path(&path).map(|s| s.rel.as_str()), Some(".kiro/steering/comma.md"));
    assert!(f.steering.by_path(&f.ws.path().join("nope.md")).is_none());
    let (rel, source) = specwright_steering::classify(f.ws.path(), None, &path).expect("a steering path");
    assert_eq!((rel.as_str(), source), (".kiro/steering/comma.md", Source::Workspace));
    let agents = f.ws.path().join("packages/web/AGENTS.md");
    assert_eq!(
        specwright_steering::classify(f.ws.path(), None, &agents),
        Some(("packages/web/AGENTS.md".into(), Source::AgentsMd { dir: "packages/web".into() }))
    );
    assert_eq!(specwright_steering::classify(f.ws.path(), None, &f.ws.path().join("src/a.md")), None);
}
