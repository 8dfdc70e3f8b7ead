//! Shared helpers: deterministic fake credentials (built at run time, so no
//! token-shaped literal is in the repository) and a `check` that compares
//! findings with the expected secret substrings.
#![allow(dead_code)]

pub mod vendors;

use specwright_secrets::{Config, Finding, Scanner};

pub const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const URLSAFE: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub const BASE32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const UPPER_DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
pub const HEX: &str = "0123456789abcdef";
pub const DIGITS: &str = "0123456789";
pub const PASSWORDISH: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%^*-_+=~";

/// `n` characters of `alphabet`, pseudo-random from `seed` (xorshift).
pub fn fake(alphabet: &str, n: usize, seed: u64) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[(x % chars.len() as u64) as usize]
        })
        .collect()
}

pub fn scanner() -> Scanner {
    Scanner::new(&Config::default())
}

/// The text a finding points at, from its line and UTF-16 columns.
pub fn span_text(text: &str, f: &Finding) -> String {
    let byte = |line: u32, col: u32| -> usize {
        let line_start: usize = text.split_inclusive('\n').take(line as usize).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[line_start..].char_indices() {
            if units >= col {
                return line_start + i;
            }
            units += c.len_utf16() as u32;
        }
        text.len()
    };
    text[byte(f.line, f.start_column)..byte(f.end_line, f.end_column)].to_owned()
}

/// Findings as (rule, secret text) pairs.
pub fn found(scanner: &Scanner, text: &str) -> Vec<(&'static str, String)> {
    scanner.scan(text).iter().map(|f| (f.rule, span_text(text, f))).collect()
}

/// Scans `text` and expects exactly `expected` (rule id, secret) in order;
/// also checks that redaction removes every expected secret.
#[track_caller]
pub fn check(text: &str, expected: &[(&str, &str)]) {
    let s = scanner();
    let got = found(&s, text);
    let want: Vec<(&str, String)> = expected.iter().map(|(r, v)| (*r, (*v).to_owned())).collect();
    assert_eq!(got, want, "in text:\n{text}");
    let (redacted, n) = s.redact(text);
    assert_eq!(n, expected.len());
    for (rule, secret) in expected {
        assert!(!redacted.contains(secret), "{rule} left in {redacted}");
        assert!(redacted.contains(&format!("<redacted:{rule}>")));
    }
}

/// Scans `text` and expects no finding.
#[track_caller]
pub fn check_none(text: &str) {
    check(text, &[]);
}
