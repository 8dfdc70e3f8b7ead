//! Positions in UTF-16, redacted forms and redaction.

mod common;

use common::*;

#[test]
fn columns_count_utf16_units_after_non_ascii() {
    let v = format!("ghp_{}", fake(ALNUM, 36, 1));
    // "é" is 1 UTF-16 unit (2 bytes), "😀" is 2 units (4 bytes), "日本" 2 units (6 bytes).
    let text = format!("first line\n// é😀 日本: {v} done\n");
    let findings = scanner().scan(&text);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!((f.line, f.end_line), (1, 1));
    let before = "// é😀 日本: ";
    let start = before.encode_utf16().count() as u32;
    assert_eq!(start, 11);
    assert_eq!((f.start_column, f.end_column), (start, start + 40));
    assert_eq!(span_text(&text, f), v);
}

#[test]
fn crlf_and_several_findings() {
    let a = format!("AKIA{}", fake(BASE32, 16, 2));
    let b = format!("npm_{}", fake(ALNUM, 36, 3));
    let text = format!("x\r\nid={a}\r\n\r\n  //registry.npmjs.org/:_authToken={b}\r\n");
    let findings = scanner().scan(&text);
    let got: Vec<_> = findings.iter().map(|f| (f.rule, f.line, f.start_column, f.end_column)).collect();
    assert_eq!(got, vec![("aws-access-key-id", 1, 3, 23), ("npm-access-token", 3, 35, 75)]);
}

#[test]
fn multi_line_private_key_span() {
    let l1 = fake(B64, 64, 4);
    let l2 = fake(B64, 30, 5);
    let text = format!("-----BEGIN EC PRIVATE KEY-----\n{l1}\n{l2}\n-----END EC PRIVATE KEY-----\n");
    let f = &scanner().scan(&text)[0];
    assert_eq!((f.line, f.start_column, f.end_line, f.end_column), (0, 30, 3, 0));
    let (redacted, n) = scanner().redact(&text);
    assert_eq!(n, 1);
    assert_eq!(redacted, "-----BEGIN EC PRIVATE KEY-----<redacted:private-key>-----END EC PRIVATE KEY-----\n");
}

#[test]
fn truncated_private_key_is_still_found() {
    let body = format!("{}\n{}", fake(B64, 64, 6), fake(B64, 64, 7));
    let text = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}");
    let (redacted, n) = scanner().redact(&text);
    assert_eq!(n, 1);
    assert!(!redacted.contains(&body[..64]));
}

#[test]
fn redacted_keeps_only_the_public_prefix() {
    let v = format!("AKIA{}", fake(BASE32, 16, 8));
    let f = &scanner().scan(&format!("k={v}"))[0];
    assert_eq!(f.redacted, format!("AKIA{}", "*".repeat(16)));
    let p = fake(PASSWORDISH, 20, 9);
    let f = &scanner().scan(&format!("password = \"{p}\""))[0];
    assert_eq!(f.redacted, "*".repeat(20));
}

#[test]
fn redaction_leaves_no_secret_substring() {
    let secrets = [
        format!("ghp_{}", fake(ALNUM, 36, 10)),
        format!("sk-ant-api03-{}", fake(URLSAFE, 95, 11)),
        format!("xoxp-{}-{}-{}", fake(DIGITS, 11, 12), fake(DIGITS, 12, 13), fake(ALNUM, 32, 14)),
        fake(PASSWORDISH, 22, 15),
        format!("eyJ{}.eyJ{}.{}", fake(URLSAFE, 20, 16), fake(URLSAFE, 40, 17), fake(URLSAFE, 43, 18)),
    ];
    let text = format!(
        "const GH = \"{}\";\nheaders = {{'x-api-key': '{}'}}\nSLACK={}\ndb_password = \"{}\"\nAuthorization: Bearer {}\n",
        secrets[0], secrets[1], secrets[2], secrets[3], secrets[4]
    );
    let s = scanner();
    let findings = s.scan(&text);
    let (redacted, n) = s.redact(&text);
    assert_eq!(n, secrets.len());
    assert_eq!(findings.len(), secrets.len());
    for secret in &secrets {
        // No 8-character window of any secret survives.
        for w in secret.as_bytes().windows(8) {
            let w = std::str::from_utf8(w).unwrap();
            assert!(!redacted.contains(w), "{w} survived in {redacted}");
        }
        for f in &findings {
            assert!(!f.redacted.contains(&secret[secret.len() / 2..]));
        }
    }
    // Redacting again finds nothing.
    assert_eq!(s.redact(&redacted).1, 0);
}

#[test]
fn overlapping_rules_keep_the_specific_one() {
    let v = format!("sk-proj-{}", fake(URLSAFE, 100, 19));
    check(&format!("api_key = \"{v}\"\n"), &[("openai-api-key", &v)]);
    let j = format!("eyJ{}.eyJ{}.{}", fake(URLSAFE, 20, 20), fake(URLSAFE, 40, 21), fake(URLSAFE, 43, 22));
    check(&format!("token: {j}\n"), &[("jwt", &j)]);
}
