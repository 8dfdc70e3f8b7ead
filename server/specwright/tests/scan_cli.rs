//! `specwright scan secrets`: findings with 1-based positions relative to
//! PATH, never the secret itself, ignore files respected, exit codes.

use std::path::PathBuf;
use std::process::Output;

fn temp(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specwright-scan-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("temp dir");
    dir
}

fn run(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_specwright")).args(args).output().expect("runs")
}

#[test]
fn secrets_are_reported_redacted_with_compiler_positions() {
    let dir = temp("found");
    let key = format!("AKIA{}", "QWERTYUIOPASDFGH");
    let token = format!("ghp_{}", "R8x2kQ9mV4nB7cL1pZ6wT3yH5jD0fG2sA8eK");
    std::fs::write(dir.join("src/config.ts"), format!("// é\nexport const awsKey = \"{key}\";\n")).expect("write");
    std::fs::write(
        dir.join("src/ok.ts"),
        "export const key = process.env.API_KEY;\nconst id = \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\";\n",
    )
    .expect("write");
    std::fs::write(dir.join("src/allowed.ts"), format!("const fixture = \"{key}\"; // specwright:allow-secret\n"))
        .expect("write");
    std::fs::write(dir.join(".gitignore"), "ignored/\n").expect("write");
    std::fs::create_dir_all(dir.join("ignored")).expect("dir");
    std::fs::write(dir.join("ignored/leak.ts"), format!("const t = \"{token}\";\n")).expect("write");

    let out = run(&["scan", "secrets", dir.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "findings exit 1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(&key) && !stdout.contains(&token), "never the secret itself: {stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f["path"], "src/config.ts");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(2), Some(24)), "1-based line and column");
    assert_eq!(f["rule"], "aws-access-key-id");
    assert!(f["redacted"].as_str().is_some_and(|r| r.starts_with("AKIA") && r.contains('*')));

    let text = run(&["scan", "secrets", dir.to_str().expect("utf-8")]);
    assert!(String::from_utf8_lossy(&text.stdout).starts_with("src/config.ts:2:24: error[aws-access-key-id]: "));
    let sarif = run(&["scan", "secrets", dir.to_str().expect("utf-8"), "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "aws-access-key-id");

    let clean = run(&["scan", "secrets", dir.join("src/ok.ts").to_str().expect("utf-8")]);
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stdout));
    let missing = run(&["scan", "secrets", dir.join("nope").to_str().expect("utf-8")]);
    assert_eq!(missing.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
