//! Redaction for text that leaves the machine ignores every allowlist:
//! allowing a secret silences a warning in the editor, it never sends the
//! value. The rule checks (placeholders, documentation examples) still apply.

mod common;

use common::*;
use specwright_secrets::{Config, Scanner, redact_for_model};

fn ghp(seed: u64) -> String {
    format!("ghp_{}", fake(ALNUM, 36, seed))
}

#[test]
fn allow_comments_do_not_apply() {
    let (a, b) = (ghp(21), ghp(22));
    let text = format!("let t = \"{a}\"; // specwright:allow-secret\n# specwright:allow-secret (fixture)\nGH={b}\n");
    // The editor's scanner honours the comments...
    assert_eq!(found(&scanner(), &text), vec![]);
    // ...the model's does not.
    let (redacted, n) = redact_for_model(&text);
    assert_eq!(n, 2, "{redacted}");
    assert!(!redacted.contains(&a) && !redacted.contains(&b), "{redacted}");
    assert_eq!(redacted.matches("<redacted:github-pat>").count(), 2);
    assert!(redacted.contains("specwright:allow-secret"), "only the secrets are replaced: {redacted}");
}

#[test]
fn configured_patterns_do_not_apply() {
    let a = ghp(23);
    let text = format!("A={a}\n");
    let allowing = Scanner::new(&Config { allow_patterns: vec![".*".to_owned()] });
    assert_eq!(allowing.redact(&text).1, 0);
    assert_eq!(Scanner::for_model().redact(&text).1, 1);
    let (redacted, _) = redact_for_model(&text);
    assert_eq!(redacted, "A=<redacted:github-pat>\n");
}

#[test]
fn placeholders_and_examples_are_still_not_secrets() {
    for text in [
        format!("id = {}{}{} // specwright:allow-secret\n", "AKIA", "IOSFODNN7", "EXAMPLE"),
        format!("gh: ghp_{}\n", "x".repeat(36)),
        "aws_secret_access_key = os.environ[\"AWS_SECRET_ACCESS_KEY\"]\n".to_owned(),
    ] {
        assert_eq!(redact_for_model(&text), (text.clone(), 0));
    }
}
