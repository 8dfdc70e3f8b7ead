//! Heuristics that decide whether a regex match is a real secret: entropy,
//! placeholders, environment references and the shapes of values that are
//! not secrets (hashes, UUIDs, paths, identifiers).

use crate::rules::Check;

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(value: &str) -> f64 {
    let bytes = value.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Runs the rule's check on the secret value.
pub(crate) fn accept(check: Check, value: &str) -> bool {
    if is_placeholder(value) || is_env_reference(value) {
        return false;
    }
    match check {
        Check::Entropy(min) => entropy(value) >= min,
        Check::ConnectionPassword => !is_default_password(value),
        Check::Generic => generic(value),
    }
}

/// Values that documentation and templates put where a secret goes.
pub(crate) fn is_placeholder(value: &str) -> bool {
    const PARTS: &[&str] = &[
        "xxxx",
        "your",
        "<",
        ">",
        "changeme",
        "change-me",
        "change_me",
        "example",
        "placeholder",
        "redacted",
        "dummy",
        "****",
        "${",
        "{{",
        "}}",
        "%s",
        "...",
        "replace_me",
        "replace-me",
        "insert_",
        "insert-",
        "fake",
    ];
    let lower = value.to_ascii_lowercase();
    if PARTS.iter().any(|p| lower.contains(p)) {
        return true;
    }
    // One or two distinct characters: "0000…", "abab…".
    let mut seen: Vec<char> = Vec::with_capacity(3);
    for c in lower.chars() {
        if !seen.contains(&c) {
            seen.push(c);
            if seen.len() > 2 {
                return false;
            }
        }
    }
    true
}

/// Values read from the environment or a template rather than written out.
pub(crate) fn is_env_reference(value: &str) -> bool {
    const PARTS: &[&str] =
        &["process.env", "os.environ", "getenv", "env::var", "import.meta.env", "deno.env", "env(", "env[", "env."];
    let lower = value.to_ascii_lowercase();
    value.starts_with('$') || is_percent_variable(value) || PARTS.iter().any(|p| lower.contains(p))
}

/// `%NAME%` (Windows, NuGet, batch files). A value that merely starts with
/// `%` is not one: `%#Y@…` is a password.
fn is_percent_variable(value: &str) -> bool {
    value.len() > 2
        && value.starts_with('%')
        && value.ends_with('%')
        && value[1..value.len() - 1].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn is_default_password(value: &str) -> bool {
    const DEFAULTS: &[&str] = &[
        "password", "pass", "passwd", "pwd", "secret", "root", "admin", "postgres", "mysql", "redis", "mongo", "guest",
        "user", "test", "toor",
    ];
    let lower = value.to_ascii_lowercase();
    DEFAULTS.contains(&lower.as_str())
}

fn generic(value: &str) -> bool {
    let len = value.len();
    if len < 8 {
        return false;
    }
    if is_hex(value) || is_uuid(value) || looks_like_path(value) || is_identifier_like(value) {
        return false;
    }
    let has_alpha = value.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = value.chars().any(|c| c.is_ascii_digit());
    let has_symbol = value.chars().any(|c| c.is_ascii_punctuation());
    if !has_alpha || !(has_digit || has_symbol) {
        return false;
    }
    let min = if len < 16 { 3.0 } else { 3.5 };
    entropy(value) >= min
}

/// Hex digests (git SHAs, sha256, md5) and other pure-hex strings.
pub(crate) fn is_hex(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `8-4-4-4-12` hex, optionally in braces.
pub(crate) fn is_uuid(value: &str) -> bool {
    let v = value.trim_start_matches('{').trim_end_matches('}');
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && is_hex(p))
}

fn looks_like_path(value: &str) -> bool {
    value.starts_with('/')
        || value.starts_with("./")
        || value.starts_with("../")
        || value.starts_with("~/")
        || value.contains("://")
}

/// `my-app-db-secret-v2`, `prod.api.token`: lowercase words with optional
/// trailing digits joined by separators are names, not secrets.
fn is_identifier_like(value: &str) -> bool {
    let mut segments = 0;
    for seg in value.split(['-', '_', '.', '/', ':']) {
        if seg.is_empty() {
            continue;
        }
        segments += 1;
        let letters = seg.trim_end_matches(|c: char| c.is_ascii_digit());
        if !letters.bytes().all(|b| b.is_ascii_lowercase()) {
            return false;
        }
    }
    segments >= 2
}

/// The whole token around a match (up to whitespace, quotes or brackets)
/// is a subresource-integrity digest or a data URI: its base64 payload can
/// contain anything.
pub(crate) fn in_encoded_blob(line: &str, start_in_line: usize) -> bool {
    let before = line.get(..start_in_line).unwrap_or("");
    let token_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '(' | '[' | '{'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let token = line.get(token_start..).unwrap_or("");
    let lower: String = token.chars().take(16).collect::<String>().to_ascii_lowercase();
    lower.starts_with("data:") || ["sha1-", "sha256-", "sha384-", "sha512-"].iter().any(|p| lower.starts_with(p))
}
