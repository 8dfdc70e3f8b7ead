//! `specwright hooks list`: both formats, enabled state, errors summarised;
//! `specwright hooks run`: by name, exit codes, built-ins; `hooks trust` /
//! `untrust` and the trust gate (refused without a terminal, `--trust`,
//! asked on a terminal, needed again after a change).

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
        .env("SPECWRIGHT_DATA_DIR", data_dir(&dir))
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
    assert_eq!((&lint["trusted"], &review["trusted"]), (&false.into(), &false.into()), "nobody trusted them yet");
    let text = std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["hooks", "list", "--dir"])
        .arg(&dir)
        .env("SPECWRIGHT_DATA_DIR", data_dir(&dir))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(
            "Lint on save (disabled) (not trusted): fileEdited → runCommand npm run lint [.kiro/hooks/lint.kiro.hook]"
        ),
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

/// The workspace's own data folder for the trust record (never the user's).
fn data_dir(dir: &std::path::Path) -> std::path::PathBuf {
    dir.with_extension("data")
}

fn specwright(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(args)
        .arg("--dir")
        .arg(dir)
        .env_remove("SPECWRIGHT_PROVIDER")
        .env("SPECWRIGHT_DATA_DIR", data_dir(dir))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs")
}

fn trust(dir: &std::path::Path) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["hooks", "trust"])
        .arg(dir)
        .env("SPECWRIGHT_DATA_DIR", data_dir(dir))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn hooks_run_runs_a_hook_by_name_in_the_workspace_folder() {
    let dir = hooks_workspace("ok");
    trust(&dir);
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
    trust(&dir);
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

/// A workspace with one hook whose command leaves a mark, so a test can tell
/// whether it ran.
fn marking_workspace(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-hooks-trust-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(data_dir(&dir));
    std::fs::create_dir_all(dir.join(".kiro/hooks")).expect("dir");
    std::fs::write(
        dir.join(".kiro/hooks/mark.kiro.hook"),
        r#"{"name": "Mark", "when": {"type": "userTriggered"}, "then": {"type": "runCommand", "command": "echo ran >> mark.txt"}}"#,
    )
    .expect("write");
    dir
}

fn marks(dir: &std::path::Path) -> usize {
    std::fs::read_to_string(dir.join("mark.txt")).map_or(0, |t| t.lines().count())
}

#[test]
fn an_untrusted_hook_is_refused_without_a_terminal_and_runs_once_with_trust_flag() {
    let dir = marking_workspace("refused");
    let out = specwright(&["hooks", "run", "Mark"], &dir);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("The hook 'Mark' in .kiro/hooks/mark.kiro.hook wants to run `echo ran >> mark.txt`"),
        "{stderr}"
    );
    assert!(stderr.contains("specwright hooks trust") && stderr.contains("--trust"), "{stderr}");
    assert_eq!(marks(&dir), 0, "nothing ran");

    // --trust runs it this once and records nothing.
    let out = specwright(&["hooks", "run", "Mark", "--trust"], &dir);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(marks(&dir), 1);
    let out = specwright(&["hooks", "run", "Mark"], &dir);
    assert_eq!(out.status.code(), Some(2), "still not trusted: {out:?}");
    assert_eq!(marks(&dir), 1);
    assert!(!data_dir(&dir).join("trust.json").exists(), "--trust records nothing");
}

#[test]
fn trust_is_recorded_outside_the_workspace_and_lost_when_the_hook_changes_or_is_untrusted() {
    let dir = marking_workspace("record");
    let before: Vec<_> = walk(&dir);
    trust(&dir);
    assert_eq!(walk(&dir), before, "trusting writes nothing into the workspace");
    let record = std::fs::read_to_string(data_dir(&dir).join("trust.json")).expect("the record");
    assert!(record.contains(".kiro/hooks/mark.kiro.hook") && record.contains("sha256:"), "{record}");

    assert!(specwright(&["hooks", "run", "Mark"], &dir).status.success());
    assert_eq!(marks(&dir), 1);
    let listed = specwright(&["hooks", "list", "--format", "json"], &dir);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("json");
    assert_eq!(listed["hooks"][0]["trusted"], true, "{listed}");

    // A changed hook file needs trust again.
    std::fs::write(
        dir.join(".kiro/hooks/mark.kiro.hook"),
        r#"{"name": "Mark", "when": {"type": "userTriggered"}, "then": {"type": "runCommand", "command": "echo changed >> mark.txt"}}"#,
    )
    .expect("write");
    let out = specwright(&["hooks", "run", "Mark"], &dir);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("`echo changed >> mark.txt`"), "{out:?}");
    assert_eq!(marks(&dir), 1);

    trust(&dir);
    assert!(specwright(&["hooks", "run", "Mark"], &dir).status.success());
    assert_eq!(marks(&dir), 2);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["hooks", "untrust"])
        .arg(&dir)
        .env("SPECWRIGHT_DATA_DIR", data_dir(&dir))
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("ask again"), "{out:?}");
    assert_eq!(specwright(&["hooks", "run", "Mark"], &dir).status.code(), Some(2));
    assert_eq!(marks(&dir), 2);
}

/// Every file under `dir` (relative), sorted.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Runs `specwright hooks run Mark` on a pseudo-terminal (util-linux's
/// `script`) and types `answer` at the question.
fn run_on_a_terminal(dir: &std::path::Path, answer: &str) -> std::process::Output {
    use std::io::Write;
    let command = format!("{} hooks run Mark --dir {}", env!("CARGO_BIN_EXE_specwright"), dir.display());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("SPECWRIGHT_DATA_DIR", data_dir(dir))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux's script is needed for the terminal test");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(format!("{answer}\n").as_bytes()).expect("type the answer");
    let out = child.wait_with_output().expect("runs");
    drop(stdin);
    out
}

#[test]
fn on_a_terminal_the_user_is_asked_and_the_answer_is_kept() {
    let dir = marking_workspace("terminal");
    let out = run_on_a_terminal(&dir, "n");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains("wants to run `echo ran >> mark.txt`") && screen.contains("[y] Trust and run"), "{screen}");
    assert_eq!(marks(&dir), 0, "'not now' runs nothing");

    let out = run_on_a_terminal(&dir, "y");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(marks(&dir), 1);
    // Recorded: no question the next time, even without a terminal.
    assert!(specwright(&["hooks", "run", "Mark"], &dir).status.success());
    assert_eq!(marks(&dir), 2);

    std::fs::write(
        dir.join(".kiro/hooks/mark.kiro.hook"),
        r#"{"name": "Mark", "when": {"type": "userTriggered"}, "then": {"type": "runCommand", "command": "echo again >> mark.txt"}}"#,
    )
    .expect("write");
    let _ = run_on_a_terminal(&dir, "never");
    assert_eq!(marks(&dir), 2);
    let out = specwright(&["hooks", "run", "Mark"], &dir);
    assert!(String::from_utf8_lossy(&out.stderr).contains("never run in this workspace"), "{out:?}");
    trust(&dir);
    assert!(specwright(&["hooks", "run", "Mark"], &dir).status.success(), "trusting lifts 'never'");
    assert_eq!(marks(&dir), 3);
}
