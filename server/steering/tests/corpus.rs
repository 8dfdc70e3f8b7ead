//! Loads every steering file and `AGENTS.md` of the real-world corpus
//! (`../shared/corpus/kiro`, beside the repository) and checks facts counted
//! by reading the files, not produced by this parser:
//!
//! - 66 steering files in 9 of the 10 repositories; no `AGENTS.md` at all
//!   (the corpus copies a root one where it exists; none does).
//! - 34 have no front matter (one of them is empty); 13 say `always`, 10
//!   `fileMatch` (every pattern quoted; 8 brace globs, one comma string), 8
//!   `manual`, one `never`; none `auto`.
//! - Oddities: `inclusion: never` (llamojha git-best-practices.md) and a
//!   `title:` key in 6 llamojha files, which Kiro does not read.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{render, strings};
use specwright_steering::{Inclusion, Reason, Severity, Source, Steering, codes, parse};

fn corpus() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/kiro");
    assert!(
        dir.is_dir(),
        "THE CORPUS IS MISSING: expected the real-world Kiro corpus at {} (shared/corpus/kiro beside the repository). \
         These tests need it; they do not skip.",
        dir.display()
    );
    dir
}

fn repos() -> Vec<PathBuf> {
    let mut repos: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("read the corpus folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    assert_eq!(repos.len(), 10, "the corpus holds 10 repositories");
    repos
}

fn load(repo: &str) -> Steering {
    Steering::load(&corpus().join(repo), None)
}

/// Steering documents the corpus manifest lists (`repo folder`, `path`): an
/// account independent of this crate's discovery.
fn manifest_listing() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(corpus().join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut out: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let (repo, path) = (cols.first()?, cols.get(2)?);
            let steering = path.starts_with(".kiro/steering/") && path.ends_with(".md");
            let agents = *path == "AGENTS.md" || path.ends_with("/AGENTS.md");
            (steering || agents).then(|| (repo.replace('/', "__"), path.to_string()))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn loads_every_steering_file_and_agents_md() {
    let mut loaded = Vec::new();
    let mut modes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut agents = 0;
    let mut oddities = Vec::new();
    for repo in repos() {
        let name = repo.file_name().and_then(|n| n.to_str()).expect("utf-8 repo name").to_string();
        let steering = Steering::load(&repo, None);
        for f in &steering.files {
            loaded.push((name.clone(), f.rel.clone()));
            *modes.entry(f.inclusion.as_str()).or_default() += 1;
            if matches!(f.source, Source::AgentsMd { .. }) {
                agents += 1;
            }
            let text = std::fs::read_to_string(&f.path).expect("read steering file");
            let lines = text.split('\n').count() as u32;
            for d in &f.diagnostics {
                assert!(d.range.start <= d.range.end && d.range.end.line < lines, "{}: {d:?}", f.rel);
                oddities.push(format!(
                    "{name}/{} {}:{}-{}:{} {} {}",
                    f.rel,
                    d.range.start.line,
                    d.range.start.character,
                    d.range.end.line,
                    d.range.end.character,
                    d.severity.as_str(),
                    d.code
                ));
            }
        }
        // Whatever the focus, applying the real files does not panic and
        // always includes every `always` document.
        let applied = steering.applicable(&strings(&["src/index.ts", "frontend/src/app/page.tsx"]), &[]);
        let always = steering.files.iter().filter(|f| f.inclusion == Inclusion::Always).count();
        assert!(applied.len() >= always, "{name}");
    }
    loaded.sort();
    assert_eq!(loaded, manifest_listing(), "every steering file and AGENTS.md in the corpus, and nothing else");
    assert_eq!(loaded.len(), 66);
    assert_eq!(agents, 0, "the corpus has no AGENTS.md");
    // `inclusion: never` is read as manual, so 8 real manual + 1.
    let want: BTreeMap<&str, usize> = [("always", 47), ("fileMatch", 10), ("manual", 9)].into_iter().collect();
    assert_eq!(modes, want);

    let llamojha = "llamojha__no-vibe-no-code-kiroween/.kiro/steering";
    let title = |file: &str| format!("{llamojha}/{file} 1:0-1:5 hint steering-front-matter");
    let mut want = vec![
        title("git-best-practices.md"),
        format!("{llamojha}/git-best-practices.md 2:11-2:16 error steering-unknown-inclusion"),
        title("hexagonal-architecture-standards.md"),
        title("mcp-best-practices.md"),
        title("react-best-practices.md"),
        title("testing-best-practices.md"),
        title("typescript-best-practices.md"),
    ];
    want.sort();
    oddities.sort();
    assert_eq!(oddities, want, "the corpus's oddities, and no spurious diagnostics");
}

#[test]
fn fouad_activity_log_brace_glob() {
    let steering = load("FouadABT__kiroween-dashtact");
    let f = steering.files.iter().find(|f| f.rel == ".kiro/steering/activity-log-system.md").expect("loaded");
    assert_eq!(f.inclusion, Inclusion::FileMatch);
    let pattern =
        "{backend/src/activity-log/**,frontend/src/components/activity-log/**,frontend/src/app/dashboard/activity/**}";
    assert_eq!(f.patterns, [pattern], "one brace glob, not split at its commas");
    assert!(f.diagnostics.is_empty());
    let focus = "frontend/src/components/activity-log/ActivityTable.tsx";
    let applied = steering.applicable(&strings(&[focus]), &[]);
    let hit = applied.iter().find(|a| a.name == f.rel).expect("applies to a file in its folders");
    assert_eq!(hit.reason, Reason::Matched(pattern.into(), focus.into()));
    let applied = steering.applicable(&strings(&["frontend/src/components/widgets/Widget.tsx"]), &[]);
    assert!(applied.iter().all(|a| a.name != f.rel));
    // The repository mixes in one document without front matter: always.
    let toast = steering.files.iter().find(|f| f.rel.ends_with("toast-notification-system.md")).expect("loaded");
    assert_eq!((toast.inclusion, toast.patterns.len()), (Inclusion::Always, 0));
}

#[test]
fn fouad_landing_page_nested_braces_and_escaped_brackets() {
    // fileMatchPattern: "{backend/src/{landing,pages}/**/*,frontend/src/{app,components}/{dashboard/{settings/landing-page,pages},\\[...slug\\]}/**/*,backend/prisma/schema.prisma}"
    let steering = load("FouadABT__kiroween-dashtact");
    let f = steering.files.iter().find(|f| f.rel == ".kiro/steering/landing-page-cms.md").expect("loaded");
    assert_eq!(f.inclusion, Inclusion::FileMatch);
    assert_eq!(f.patterns.len(), 1);
    assert!(f.patterns[0].contains(r"\[...slug\]"), "YAML `\\\\[` is a glob-escaped `[`: {}", f.patterns[0]);
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    for (focus, applies) in [
        ("frontend/src/app/[...slug]/page.tsx", true),
        ("backend/src/pages/pages.service.ts", true),
        ("frontend/src/components/dashboard/settings/landing-page/Hero.tsx", true),
        ("backend/prisma/schema.prisma", true),
        ("frontend/src/app/s/page.tsx", false),
        ("backend/src/users/users.service.ts", false),
    ] {
        let applied = steering.applicable(&strings(&[focus]), &[]);
        assert_eq!(applied.iter().any(|a| a.name == f.rel), applies, "{focus}");
    }
}

#[test]
fn llamojha_comma_string_and_never() {
    let steering = load("llamojha__no-vibe-no-code-kiroween");
    let react = steering.files.iter().find(|f| f.rel.ends_with("react-best-practices.md")).expect("loaded");
    // fileMatchPattern: '*.tsx,*.jsx,*react*'
    assert_eq!(
        (react.inclusion, react.patterns.clone()),
        (Inclusion::FileMatch, strings(&["*.tsx", "*.jsx", "*react*"]))
    );
    assert_eq!(react.diagnostics.len(), 1, "only the `title` hint");
    for (focus, pattern) in [("src/components/Button.tsx", "*.tsx"), ("lib/react-query.ts", "*react*")] {
        let applied = steering.applicable(&strings(&[focus]), &[]);
        let hit = applied.iter().find(|a| a.name == react.rel).expect("applies");
        assert_eq!(hit.reason, Reason::Matched(pattern.into(), focus.into()));
    }

    let git = steering.files.iter().find(|f| f.rel.ends_with("git-best-practices.md")).expect("loaded");
    assert_eq!(git.inclusion, Inclusion::Manual, "`never` is read as manual");
    assert_eq!(
        render(&git.diagnostics),
        ["1:0-1:5 hint steering-front-matter", "2:11-2:16 error steering-unknown-inclusion"]
    );
    assert_eq!(git.diagnostics[1].severity, Severity::Error);
    assert!(git.diagnostics[1].message.contains("`never`"));
    assert!(steering.applicable(&[], &[]).iter().all(|a| a.name != git.rel));
    let asked = steering.applicable(&[], &strings(&["git-best-practices"]));
    assert_eq!(asked.iter().find(|a| a.name == git.rel).map(|a| &a.reason), Some(&Reason::Requested));
}

#[test]
fn rhino_empty_file() {
    let steering = load("maxstackrosenblum__rhino-hospital-kiroween");
    let f = steering.files.iter().find(|f| f.rel.ends_with("database-guidelines.md")).expect("loaded");
    assert_eq!((f.inclusion, f.body.as_str(), f.diagnostics.len()), (Inclusion::Always, "", 0));
}

/// Spec documents in the corpus use `#[[file:…]]` too; read as steering text
/// they exercise reference scanning on real prose. The corpus holds only
/// `.kiro/`, so every real reference is missing; references written inside
/// backticks (documenting the syntax) are not references.
#[test]
fn file_references_in_real_text() {
    let check = |repo: &str, rel: &str, expected: &[(&str, u32)]| {
        let root = corpus().join(repo);
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).expect("read corpus file");
        let f = parse(&path, rel, &text, &root, Source::Workspace);
        let got: Vec<(&str, u32)> = f.includes.iter().map(|i| (i.target.as_str(), i.range.start.line)).collect();
        assert_eq!(got, expected, "{rel}");
        assert!(f.includes.iter().all(|i| i.resolved.is_none() && i.range.start.character == 10));
        assert_eq!(f.diagnostics.iter().filter(|d| d.code == codes::MISSING_FILE).count(), expected.len(), "{rel}");
    };
    let aku = "akusingh__eu-ai-act-compliance-kiroween-2025";
    check(
        aku,
        ".kiro/specs/add-new-regulation-support.md",
        &[("src/models.py", 129), ("src/sequential_orchestrator.py", 130), ("src/vector_index_tool.py", 131)],
    );
    check(
        aku,
        ".kiro/specs/eu-ai-act-compliance-implementation.md",
        &[
            ("src/sequential_orchestrator.py", 198),
            ("src/tools_adk.py", 199),
            ("src/evaluation.py", 200),
            ("README.md", 201),
        ],
    );
    check(aku, ".kiro/README.md", &[]);
    let lla = "llamojha__no-vibe-no-code-kiroween";
    for doc in ["design.md", "tasks.md", "requirements.md"] {
        check(lla, &format!(".kiro/specs/kiro-setup-export/{doc}"), &[]);
    }
}
