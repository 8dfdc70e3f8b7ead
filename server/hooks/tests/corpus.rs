//! Loads every file of `.kiro/hooks/` in the real-world corpus
//! (`../shared/corpus/kiro`, beside the repository) and checks facts counted
//! by reading the files, not produced by this parser:
//!
//! - 6 repositories have `.kiro/hooks/`: 45 files, of which 27 `*.kiro.hook`,
//!   11 `*.json` and 7 Markdown notes (ignored by [`load`]).
//! - Every `.kiro.hook` is legacy-format JSON; 22 are valid (14 `fileEdited`,
//!   8 `userTriggered`; 7 of them disabled). The other 5 (all llamojha) say
//!   `"type": "manual"` with a `button_text`, which Kiro does not know.
//! - No `.json` is a v1 file: 10 are single objects in home-made shapes
//!   (`trigger: {type: "file_save"}` + `actions`, or `event` + `prompt`), and
//!   Adarsh-Dhar's `hooks.json` has a `hooks` array of 12 entries with
//!   `event`/`command` but no `version`.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use specwright_hooks::{Action, EventKind, Format, HookFile, Severity, Trigger, codes, load};

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

/// Every repository's hook files, by repository name.
fn load_all() -> BTreeMap<String, Vec<HookFile>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(corpus()).expect("corpus readable") {
        let repo = entry.expect("entry").path();
        let files = load(&repo);
        if !files.is_empty() {
            out.insert(repo.file_name().unwrap().to_string_lossy().into_owned(), files);
        }
    }
    out
}

fn file<'a>(all: &'a BTreeMap<String, Vec<HookFile>>, repo: &str, name: &str) -> &'a HookFile {
    all[repo].iter().find(|f| f.path.file_name().unwrap() == name).unwrap_or_else(|| panic!("{repo}/{name}"))
}

#[test]
fn loads_every_hook_file_of_the_corpus() {
    let all = load_all();
    assert_eq!(all.len(), 6, "{:?}", all.keys());
    let files: Vec<&HookFile> = all.values().flatten().collect();
    assert_eq!(files.len(), 38, "the 7 Markdown files are not loaded");
    let legacy: Vec<_> = files.iter().filter(|f| f.format == Format::Legacy).collect();
    let v1: Vec<_> = files.iter().filter(|f| f.format == Format::V1).collect();
    assert_eq!((legacy.len(), v1.len()), (27, 11));

    let hooks: Vec<_> = files.iter().flat_map(|f| &f.hooks).collect();
    assert_eq!(hooks.len(), 22);
    assert!(hooks.iter().all(|h| h.source.format == Format::Legacy && matches!(h.action, Action::AskAgent { .. })));
    let kinds = |k| hooks.iter().filter(|h| h.trigger.kind() == k).count();
    assert_eq!((kinds(EventKind::FileSaved), kinds(EventKind::Manual)), (14, 8));
    assert_eq!(hooks.iter().filter(|h| !h.enabled).count(), 7);

    let with_errors = files.iter().filter(|f| f.diagnostics.iter().any(|d| d.severity == Severity::Error)).count();
    assert_eq!(with_errors, 5 + 11, "the 5 `manual` hooks and every .json");
    assert!(!files.iter().flat_map(|f| &f.diagnostics).any(|d| d.code == codes::INVALID_JSON), "all are JSON");

    let mut by_code = BTreeMap::<&str, usize>::new();
    for d in files.iter().flat_map(|f| &f.diagnostics) {
        *by_code.entry(d.code).or_default() += 1;
    }
    eprintln!("corpus: {} files, {} valid hooks, diagnostics by code: {by_code:?}", files.len(), hooks.len());
    assert_eq!(by_code[codes::UNKNOWN_TRIGGER], 5);
    assert_eq!(by_code[codes::UNKNOWN_FORMAT], 10);
}

#[test]
fn hand_checked_files() {
    let all = load_all();

    // FouadABT prisma-sync-agent: version "2", five globs, enabled.
    let f = file(&all, "FouadABT__kiroween-dashtact", "prisma-sync-agent.kiro.hook");
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    let h = &f.hooks[0];
    assert_eq!(h.name, "Prisma Database Sync Agent");
    assert!(h.enabled);
    let Trigger::FileSaved { patterns } = &h.trigger else { panic!("{:?}", h.trigger) };
    assert_eq!(patterns.sources().len(), 5);
    assert!(patterns.is_match("backend/prisma/schema.prisma"));
    assert!(patterns.is_match("backend/src/users/dto/create-user.dto.ts"));
    assert!(!patterns.is_match("frontend/src/types/nested/x.ts"), "`types/*.ts` stays in one folder");
    assert_eq!((h.range.start.line, h.range.end.line), (0, 19), "the whole 20-line file");

    // llamojha mcp-server-test: `"type": "manual"` on line 7, with `button_text`.
    let f = file(&all, "llamojha__no-vibe-no-code-kiroween", "mcp-server-test.kiro.hook");
    assert!(f.hooks.is_empty());
    let codes_lines: Vec<_> = f.diagnostics.iter().map(|d| (d.code, d.range.start.line)).collect();
    assert_eq!(codes_lines, [(codes::UNKNOWN_KEY, 7), (codes::UNKNOWN_TRIGGER, 6)]);
    assert!(f.diagnostics[1].message.contains("did you mean `userTriggered`?"));

    // Adarsh-Dhar hooks.json: a `hooks` array without `version`, entries with `event`.
    let f = file(&all, "Adarsh-Dhar__clippy-kiroween", "hooks.json");
    assert!(f.hooks.is_empty());
    let d = &f.diagnostics[0];
    assert_eq!((d.code, d.range.start.line, d.range.start.character), (codes::MISSING_FIELD, 0, 0));
    assert!(d.message.contains("\"version\": \"v1\""));
    let missing_trigger = f.diagnostics.iter().filter(|d| d.message.contains(".trigger`")).count();
    assert_eq!(missing_trigger, 12, "every entry lacks `trigger`");
    assert!(f.diagnostics.iter().any(|d| d.code == codes::UNKNOWN_KEY && d.message.contains("`hooks[0].event`")));

    // akusingh: a single object with `trigger: {type: "file_save"}`: not v1.
    let f = file(&all, "akusingh__eu-ai-act-compliance-kiroween-2025", "compliance-check-on-save.json");
    assert_eq!(f.diagnostics.len(), 1);
    assert_eq!(f.diagnostics[0].code, codes::UNKNOWN_FORMAT);
}

/// Every truncation of every corpus file (a file being typed, or cut off)
/// parses without panicking, and `set_enabled` on it either fails cleanly or
/// gives an edit inside the text.
#[test]
fn truncated_files_never_panic() {
    let all = load_all();
    for f in all.values().flatten() {
        let text = std::fs::read_to_string(&f.path).expect("utf-8");
        let cuts: Vec<usize> = (0..=text.len()).step_by(5).filter(|&i| text.is_char_boundary(i)).collect();
        for i in cuts {
            let prefix = &text[..i];
            let parsed = specwright_hooks::parse(&f.path, prefix);
            let lines = prefix.lines().count().max(1) as u32;
            assert!(parsed.diagnostics.iter().all(|d| d.range.start <= d.range.end && d.range.end.line <= lines));
            if let Some((range, _)) = specwright_hooks::set_enabled(prefix, 0, false) {
                assert!(range.end.line <= lines);
            }
        }
    }
}
