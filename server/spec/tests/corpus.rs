//! Loads every spec of the real-world corpus (`../shared/corpus/kiro`, beside
//! the repository) and checks hand-counted figures for a few of them. The
//! figures were counted by reading the files (see `corpus_hand_counts.md`),
//! not produced by this parser.

use std::path::PathBuf;

use specwright_spec::{ReqId, Spec, analyze, discover_specs};

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

fn ids(list: &[&str]) -> Vec<ReqId> {
    list.iter().map(|s| ReqId::parse(s).expect("test ids are valid")).collect()
}

struct Expected {
    path: &'static str,
    requirements: usize,
    criteria: usize,
    tasks: usize,
    subtasks: usize,
    done: usize,
    optional: usize,
    references: usize,
    dangling: &'static [&'static str],
    uncovered: &'static [&'static str],
}

fn check(e: Expected) {
    let spec = Spec::load(&corpus().join(e.path));
    let s = analyze(&spec).summary;
    let got = (s.requirements, s.criteria, s.tasks, s.subtasks, s.done, s.optional, s.references);
    let want = (e.requirements, e.criteria, e.tasks, e.subtasks, e.done, e.optional, e.references);
    assert_eq!(got, want, "{}: (requirements, criteria, tasks, subtasks, done, optional, references)", e.path);
    assert_eq!(s.dangling, ids(e.dangling), "{}: dangling", e.path);
    assert_eq!(s.uncovered, ids(e.uncovered), "{}: uncovered", e.path);
}

#[test]
fn kiro_github_issue_automation() {
    check(Expected {
        path: "kirodotdev__Kiro/.kiro/specs/github-issue-automation",
        requirements: 8,
        criteria: 41,
        tasks: 14,
        subtasks: 48,
        done: 26,
        optional: 23,
        references: 121,
        dangling: &[],
        uncovered: &[],
    });
}

#[test]
fn prefixed_ids_and_whole_requirements() {
    check(Expected {
        path: "takashi-uchida__kiroween-skeleton-crew/.kiro/specs/agent-tools",
        requirements: 15,
        criteria: 75,
        tasks: 17,
        subtasks: 51,
        done: 0,
        optional: 5,
        references: 78,
        dangling: &[],
        uncovered: &["14.5"],
    });
}

#[test]
fn escaped_optional_markers() {
    check(Expected {
        path: "llamojha__no-vibe-no-code-kiroween/.kiro/specs/enhanced-feature-flags",
        requirements: 4,
        criteria: 20,
        tasks: 6,
        subtasks: 16,
        done: 17,
        optional: 5,
        references: 42,
        dangling: &[],
        uncovered: &["3.3", "4.5"],
    });
}

#[test]
fn ranges_and_flat_subtasks() {
    check(Expected {
        path: "xeridev__kiroween_game/.kiro/specs/narrative-interactions",
        requirements: 10,
        criteria: 53,
        tasks: 13,
        subtasks: 19,
        done: 12,
        optional: 19,
        references: 133,
        dangling: &[],
        uncovered: &["6.4", "8.5", "9.5"],
    });
}

#[test]
fn validates_lines_in_design() {
    check(Expected {
        path: "xeridev__kiroween_game/.kiro/specs/theme-contrast-fix",
        requirements: 6,
        criteria: 27,
        tasks: 8,
        subtasks: 18,
        done: 14,
        optional: 10,
        references: 65,
        dangling: &[],
        uncovered: &["3.5", "5.3"],
    });
}

#[test]
fn dangling_ids() {
    check(Expected {
        path: "llamojha__no-vibe-no-code-kiroween/.kiro/specs/unified-analyzer-improvements",
        requirements: 3,
        criteria: 14,
        tasks: 4,
        subtasks: 18,
        done: 22,
        optional: 0,
        references: 38,
        dangling: &["1.5"],
        uncovered: &[],
    });
}

/// Every spec folder of every repository loads and checks without a panic,
/// and the corpus as a whole has the shape we expect of it.
#[test]
fn whole_corpus_loads() {
    let root = corpus();
    let mut specs = 0;
    let mut requirements = 0;
    let mut tasks = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&root).expect("corpus is readable").filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for repo in entries.iter().filter(|e| e.path().is_dir()) {
        for dir in discover_specs(&repo.path()) {
            let spec = Spec::load(&dir);
            let analysis = analyze(&spec);
            specs += 1;
            requirements += analysis.summary.requirements;
            tasks += analysis.summary.tasks + analysis.summary.subtasks;
            for d in &analysis.diagnostics {
                let Some(doc) = spec.document(d.doc) else {
                    assert_eq!(
                        d.code,
                        specwright_spec::Code::MissingDocument,
                        "{}: diagnostic on a missing document",
                        dir.display()
                    );
                    continue;
                };
                assert!(
                    (d.range.start.line as usize) < doc.index.line_count(),
                    "{}: range out of the document",
                    dir.display()
                );
                assert!(d.range.start <= d.range.end);
            }
        }
    }
    assert_eq!(specs, 126, "spec folders in the corpus");
    assert!(requirements > 1000, "only {requirements} requirements parsed");
    assert!(tasks > 2000, "only {tasks} tasks parsed");
}
