//! `specwright hooks list`: both formats, enabled state, errors summarised.

#[test]
fn hooks_list_reads_both_formats() {
    let dir = std::env::temp_dir().join(format!("specwright-hooks-list-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".kiro/hooks")).expect("dir");
    std::fs::write(
        dir.join(".kiro/hooks/lint.kiro.hook"),
        r#"{"enabled": false, "name": "Lint on save", "version": "1", "when": {"type": "fileEdited", "patterns": ["src/**/*.ts"]}, "then": {"type": "runCommand", "command": "npm run lint"}}"#,
    )
    .expect("write");
    std::fs::write(
        dir.join(".kiro/hooks/review.json"),
        r#"{"version": "v1", "hooks": [{"name": "Review", "trigger": "Manual", "action": {"type": "agent", "prompt": "Review the change\nthoroughly"}}]}"#,
    )
    .expect("write");
    std::fs::write(
        dir.join(".kiro/hooks/broken.kiro.hook"),
        r#"{"name": "x", "when": {"type": "onSave"}, "then": {"type": "askAgent", "prompt": "p"}}"#,
    )
    .expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["hooks", "list", "--format", "json", "--dir"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let hooks = listed["hooks"].as_array().expect("hooks");
    assert_eq!(hooks.len(), 2, "{hooks:#?}");
    let lint = hooks.iter().find(|h| h["name"] == "Lint on save").expect("lint");
    assert_eq!(
        (&lint["enabled"], &lint["trigger"], &lint["action"], &lint["detail"]),
        (&false.into(), &"fileEdited".into(), &"runCommand".into(), &"npm run lint".into())
    );
    let review = hooks.iter().find(|h| h["name"] == "Review").expect("review");
    assert_eq!(
        (&review["trigger"], &review["action"], &review["detail"]),
        (&"userTriggered".into(), &"askAgent".into(), &"Review the change".into())
    );
    let text = std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["hooks", "list", "--dir"])
        .arg(&dir)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Lint on save (disabled): fileEdited → runCommand npm run lint [.kiro/hooks/lint.kiro.hook]"),
        "{text}"
    );
    assert!(text.contains("error(s) in hook files"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn hooks_workspace(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-hooks-run-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".kiro/hooks")).expect("dir");
    std::fs::write(
        dir.join(".kiro/hooks/hooks.json"),
        r#"{"version": "v1", "hooks": [
  {"name": "Greet", "trigger": "Manual", "action": {"type": "command", "command": "echo hello $SPECWRIGHT_HOOK_TRIGGER $SPECWRIGHT_HOOK_FILE; pwd"}},
  {"name": "Fail", "trigger": "PostFileSave", "matcher": "\\.ts$", "action": {"type": "command", "command": "echo bad; exit 4"}},
  {"name": "Slow", "trigger": "Manual", "timeout": 1, "action": {"type": "command", "command": "sleep 30"}},
  {"name": "Secrets", "trigger": "PostFileSave", "matcher": ".*", "action": {"type": "command", "command": "specwright:secrets"}},
  {"name": "Smells", "trigger": "PostFileSave", "matcher": ".*", "action": {"type": "command", "command": "specwright:smells"}}
]}"#,
    )
    .expect("write");
    std::fs::write(dir.join("a.ts"), "export const a = 1;\n").expect("write");
    dir
}

fn specwright(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(args)
        .arg("--dir")
        .arg(dir)
        .env_remove("SPECWRIGHT_PROVIDER")
        .output()
        .expect("runs")
}

#[test]
fn hooks_run_runs_a_hook_by_name_in_the_workspace_folder() {
    let dir = hooks_workspace("ok");
    let out = specwright(&["hooks", "run", "Greet"], &dir);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let canonical = dir.canonicalize().expect("canonical");
    assert_eq!(stdout, format!("hello userTriggered\n{}\n", canonical.display()));

    // As if a file's save had fired it, with the JSON report.
    let out = specwright(&["hooks", "run", "Greet", "--file", "a.ts", "--format", "json"], &dir);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["ok"], true);
    assert_eq!(report["file"], "a.ts");
    assert_eq!(report["exitCode"], 0);
    assert!(report["output"].as_str().expect("output").starts_with("hello userTriggered a.ts\n"), "{report}");
}

#[test]
fn hooks_run_exits_1_when_the_hook_fails_or_times_out_and_2_on_usage_errors() {
    let dir = hooks_workspace("fail");
    let out = specwright(&["hooks", "run", "Fail"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "bad\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("hook 'Fail' failed with exit code 4"), "{out:?}");

    let started = std::time::Instant::now();
    let out = specwright(&["hooks", "run", "Slow"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "killed at its 1 s timeout");
    assert!(String::from_utf8_lossy(&out.stderr).contains("hook 'Slow' timed out"), "{out:?}");

    let out = specwright(&["hooks", "run", "Nope"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no valid hook named 'Nope'"), "{out:?}");
    let out = specwright(&["hooks", "run", "Greet", "--file", "missing.ts"], &dir);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn hooks_run_secrets_builtin_reports_without_the_secret() {
    let dir = hooks_workspace("secrets");
    std::fs::write(dir.join("config.ts"), "const key = \"AKIAZ3MHQ7RT4KXW2PLE\";\n").expect("write");
    let out = specwright(&["hooks", "run", "Secrets", "--file", "config.ts"], &dir);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("config.ts:1:14: possible secret [aws-access-key-id]"), "{stdout}");
    assert!(!stdout.contains("Z3MHQ7RT4KXW2PLE"), "{stdout}");
    let out = specwright(&["hooks", "run", "Secrets", "--file", "a.ts"], &dir);
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn hooks_run_smells_builtin_reports_smells_of_the_file() {
    let dir = hooks_workspace("smells");
    std::fs::write(dir.join("wide.ts"), "export function f(a, b, c, d, e, g) {\n  return a;\n}\n").expect("write");
    let out = specwright(&["hooks", "run", "Smells", "--file", "wide.ts"], &dir);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("wide.ts:1:17: smell-too-many-parameters Function `f` has 6 parameters (more than 5)"),
        "{stdout}"
    );
    let out = specwright(&["hooks", "run", "Smells", "--file", "a.ts"], &dir);
    assert!(out.status.success(), "{out:?}");
}
