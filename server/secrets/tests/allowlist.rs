//! The inline allow comment and the configured allow patterns.

mod common;

use common::*;
use specwright_secrets::{Config, Scanner};

fn ghp(seed: u64) -> String {
    format!("ghp_{}", fake(ALNUM, 36, seed))
}

#[test]
fn comment_on_the_same_line() {
    let v = ghp(1);
    check_none(&format!("let t = \"{v}\"; // specwright:allow-secret\n"));
}

#[test]
fn comment_on_the_line_before() {
    let v = ghp(2);
    check_none(&format!("# specwright:allow-secret (test fixture)\nGH={v}\n"));
}

#[test]
fn comment_two_lines_before_does_not_allow() {
    let v = ghp(3);
    check(&format!("# specwright:allow-secret\n\nGH={v}\n"), &[("github-pat", &v)]);
}

#[test]
fn comment_allows_only_its_lines() {
    let (a, b) = (ghp(4), ghp(5));
    check(&format!("A={a} # specwright:allow-secret\nB={b}\n"), &[("github-pat", &b)]);
}

#[test]
fn configured_patterns() {
    let (a, b) = (ghp(6), ghp(7));
    let text = format!("A={a}\nB={b}\n");
    let prefix = &a[..12];
    let scanner = Scanner::new(&Config { allow_patterns: vec![format!("^{prefix}")] });
    assert_eq!(found(&scanner, &text), vec![("github-pat", b.clone())]);
    assert!(scanner.config_errors().is_empty());
    let (redacted, n) = scanner.redact(&text);
    assert_eq!(n, 1);
    assert!(redacted.contains(&a) && !redacted.contains(&b));
}

#[test]
fn pattern_on_the_matched_text() {
    let v = fake(ALNUM, 16, 8);
    let text = format!("postgres://app:{v}@localhost:5432/app\n");
    let scanner = Scanner::new(&Config { allow_patterns: vec![r"^postgres://app:".to_owned()] });
    assert_eq!(found(&scanner, &text), vec![]);
}

#[test]
fn invalid_patterns_are_reported_and_do_not_disable_scanning() {
    let v = ghp(9);
    let scanner = Scanner::new(&Config { allow_patterns: vec!["(unclosed".to_owned(), ".*".repeat(0)] });
    assert_eq!(scanner.config_errors().len(), 1);
    assert_eq!(scanner.config_errors()[0].pattern, "(unclosed");
    // The empty pattern matches everything: allowing all is what it says.
    assert_eq!(found(&scanner, &format!("GH={v}\n")), vec![]);
    let strict = Scanner::new(&Config { allow_patterns: vec!["(unclosed".to_owned()] });
    assert_eq!(found(&strict, &format!("GH={v}\n")).len(), 1);
}
