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
