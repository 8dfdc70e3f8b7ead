//! Scanning and redaction never panic, and redaction is idempotent on
//! what it found.

mod common;

use common::*;
use proptest::prelude::*;

/// Fragments that reach every rule's regex and checks.
const FRAGMENTS: &[&str] = &[
    "AKIA",
    "aws_secret_access_key=",
    "\"private_key\": \"",
    "AIza",
    "AccountKey=",
    "ghp_",
    "github_pat_",
    "glpat-",
    "npm_",
    "pypi-AgEIcHlwaS5vcmc",
    "xoxb-1-",
    "hooks.slack.com/services/",
    "discord ",
    "discord.com/api/webhooks/",
    ":AA",
    "sk_live_",
    "sq0atp-",
    "EAAA",
    "sq0csp-",
    "sk-ant-api03-",
    "sk-proj-",
    "sk-",
    "SG.",
    "SK",
    "AC",
    "-----BEGIN PRIVATE KEY-----",
    "-----END PRIVATE KEY-----",
    "eyJ",
    ".eyJ",
    "postgres://u:",
    "@",
    "password=\"",
    "token: ",
    "\"",
    "'",
    "\n",
    "\r\n",
    "\\n",
    " ",
    "=",
    ":",
    "é",
    "😀",
    "日本",
    "specwright:allow-secret",
    "data:image/png;base64,",
    "sha512-",
    "\u{0}",
    "\u{3000}",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
            "[A-Za-z0-9+/_=-]{0,60}",
            any::<String>(),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics(text in text()) {
        let s = scanner();
        let findings = s.scan(&text);
        let (redacted, n) = s.redact(&text);
        prop_assert_eq!(n, findings.len());
        for f in &findings {
            prop_assert!((f.line, f.start_column) < (f.end_line, f.end_column));
            let secret = span_text(&text, f);
            prop_assert!(!secret.is_empty());
            prop_assert!(!f.redacted.contains(&secret) || secret.len() < 3);
        }
        // Redacted text has no findings left.
        prop_assert_eq!(s.redact(&redacted).1, 0);
    }

    #[test]
    fn generated_secrets_are_found_anywhere(
        prefix in "[ -~]{0,40}",
        seed in any::<u64>(),
    ) {
        let v = format!("ghp_{}", fake(ALNUM, 36, seed));
        let text = format!("{prefix}\n  GH={v}\n");
        prop_assume!(!prefix.contains("specwright:allow-secret"));
        prop_assume!(!v.to_ascii_lowercase().contains("xxxx") && !v.to_ascii_lowercase().contains("your") && !v.to_ascii_lowercase().contains("fake"));
        let s = scanner();
        let (redacted, n) = s.redact(&text);
        prop_assert!(n >= 1);
        prop_assert!(!redacted.contains(&v));
    }
}
