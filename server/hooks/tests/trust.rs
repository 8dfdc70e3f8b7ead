//! The trust record (keyed by folder and hook-file hash, "never", untrust,
//! atomic and tolerant of a damaged file), which actions need trust, and the
//! globs an editor watches for a hook's patterns.

mod common;

use std::path::{Path, PathBuf};

use common::one;
use specwright_hooks::trust::{Trust, TrustStore, file_hash};

fn temp(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-trust-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ws/.kiro/hooks")).expect("dirs");
    dir
}

#[test]
fn a_trusted_file_stays_trusted_until_its_text_changes() {
    let dir = temp("hash");
    let store = TrustStore::in_dir(&dir.join("data"));
    let root = dir.join("ws");
    let hook = root.join(".kiro/hooks/lint.kiro.hook");
    let (v1, v2) = (file_hash("{\"a\": 1}"), file_hash("{\"a\": 2}"));
    assert_ne!(v1, v2);
    assert!(v1.starts_with("sha256:") && v1.len() == 7 + 64, "{v1}");
    assert_eq!(store.status(&root, &hook, &v1), Trust::Untrusted, "nothing is trusted by default");

    store.trust(&root, &[(&hook, &v1)]).expect("record");
    assert_eq!(store.status(&root, &hook, &v1), Trust::Trusted);
    assert_eq!(store.status(&root, &hook, &v2), Trust::Untrusted, "a changed file needs trust again");
    assert_eq!(store.status(&dir, &hook, &v1), Trust::Untrusted, "trust belongs to one folder");
    let other = root.join(".kiro/hooks/other.json");
    assert_eq!(store.status(&root, &other, &v1), Trust::Untrusted, "and to one file");

    // Untrusting forgets it.
    assert!(store.untrust(&root).expect("write"));
    assert_eq!(store.status(&root, &hook, &v1), Trust::Untrusted);
    assert!(!store.untrust(&root).expect("write"), "nothing left to forget");
}

#[test]
fn never_silences_until_trusted_again() {
    let dir = temp("never");
    let store = TrustStore::in_dir(&dir.join("data"));
    let root = dir.join("ws");
    let hook = root.join(".kiro/hooks/a.json");
    let h = file_hash("x");
    store.trust(&root, &[(&hook, &h)]).expect("record");
    store.never(&root).expect("record");
    assert_eq!(store.status(&root, &hook, &h), Trust::Never, "never also drops earlier trust");
    store.trust(&root, &[(&hook, &h)]).expect("record");
    assert_eq!(store.status(&root, &hook, &h), Trust::Trusted, "trusting lifts never");
}

#[test]
fn a_damaged_record_trusts_nothing_and_is_replaced_whole() {
    let dir = temp("damaged");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("dir");
    std::fs::write(data.join("trust.json"), "{not json").expect("write");
    let store = TrustStore::in_dir(&data);
    let root = dir.join("ws");
    let hook = root.join(".kiro/hooks/a.json");
    assert_eq!(store.status(&root, &hook, &file_hash("x")), Trust::Untrusted);
    store.trust(&root, &[(&hook, &file_hash("x"))]).expect("record");
    let text = std::fs::read_to_string(data.join("trust.json")).expect("read");
    let record: serde_json::Value = serde_json::from_str(&text).expect("valid JSON now");
    assert_eq!(record["version"], 1);
    let names: Vec<String> =
        std::fs::read_dir(&data).expect("dir").flatten().map(|e| e.file_name().to_string_lossy().into()).collect();
    assert_eq!(names, vec!["trust.json".to_string()], "no temporary file left behind");
}

#[test]
fn the_record_keys_folders_by_their_canonical_path() {
    let dir = temp("canonical");
    let store = TrustStore::in_dir(&dir.join("data"));
    let root = dir.join("ws");
    let hook = root.join(".kiro/hooks/a.json");
    let h = file_hash("x");
    store.trust(&root, &[(&hook, &h)]).expect("record");
    let dotted = dir.join("ws/../ws");
    assert_eq!(store.status(&dotted, &dotted.join(".kiro/hooks/a.json"), &h), Trust::Trusted);
    let record = std::fs::read_to_string(store.path()).expect("read");
    assert!(record.contains("\".kiro/hooks/a.json\""), "files relative to the folder: {record}");
}

#[test]
fn hook_files_carry_the_hash_of_their_text() {
    let text = r#"{"name": "h", "when": {"type": "userTriggered"}, "then": {"type": "runCommand", "command": "make"}}"#;
    let hook = one("h.kiro.hook", text);
    assert_eq!(hook.source.file_hash, file_hash(text));
    let file = specwright_hooks::parse(Path::new("h.kiro.hook"), text);
    assert_eq!(file.hash, file_hash(text));
}

#[test]
fn only_built_in_analyzers_run_without_trust() {
    let command = |c: &str| {
        one(
            "h.kiro.hook",
            &format!(
                r#"{{"name": "h", "when": {{"type": "userTriggered"}}, "then": {{"type": "runCommand", "command": "{c}"}}}}"#
            ),
        )
    };
    assert!(command("npm test").action.needs_trust());
    assert!(!command("specwright:secrets").action.needs_trust());
    assert!(!command(" specwright:smells").action.needs_trust());
    assert!(command("echo specwright:secrets").action.needs_trust(), "only a leading built-in name counts");
    let ask = one(
        "h.kiro.hook",
        r#"{"name": "h", "when": {"type": "userTriggered"}, "then": {"type": "askAgent", "prompt": "p"}}"#,
    );
    assert!(ask.action.needs_trust(), "a prompt sends the workspace's files to the model");
}

#[test]
fn watch_globs_cover_what_a_hook_matches() {
    let globs = |text: &str| one("h.kiro.hook", text).trigger.file_patterns().expect("file trigger").watch_globs();
    assert_eq!(
        globs(
            r#"{"name": "h", "when": {"type": "fileEdited", "patterns": ["./src/**/*.go", "*.css"]}, "then": {"type": "askAgent", "prompt": "p"}}"#
        ),
        vec!["src/**/*.go", "*.css"]
    );
    let v1 = |matcher: &str| {
        let text = format!(
            r#"{{"version": "v1", "hooks": [{{"name": "h", "trigger": "PostFileSave", "matcher": {},
                "action": {{"type": "command", "command": "x"}}}}]}}"#,
            serde_json::to_string(matcher).expect("json")
        );
        one("h.json", &text).trigger.file_patterns().expect("file trigger").watch_globs()
    };
    assert_eq!(v1(r"\.go$"), vec!["**/*.go"]);
    assert_eq!(v1(r"^.*\.(css|scss)$"), vec!["**/*.{css,scss}"]);
    assert_eq!(v1(r".*\.(?:yaml|yml)$"), vec!["**/*.{yaml,yml}"]);
    assert_eq!(v1(r"src/.*\.ts$"), vec!["**/*"], "anything else watches everything");
    assert_eq!(v1(r"\.ts"), vec!["**/*"], "an unanchored extension also matches `a.tsx`");
}
