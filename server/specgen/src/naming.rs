//! Spec folder names from a description: `Add a login page with JWT` →
//! `login-page-jwt`.

const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "for",
    "in",
    "on",
    "with",
    "by",
    "from",
    "that",
    "this",
    "is",
    "be",
    "as",
    "at",
    "it",
    "we",
    "i",
    "my",
    "our",
    "add",
    "adds",
    "adding",
    "create",
    "implement",
    "build",
    "make",
    "new",
    "want",
    "need",
    "should",
    "would",
    "please",
    "let",
    "lets",
    "so",
    "users",
    "user",
    "can",
    "into",
    "which",
    "when",
    "some",
];

/// A kebab-case name of at most five words (ASCII letters and digits).
pub fn derive_name(description: &str) -> String {
    let words: Vec<String> = description
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let kept: Vec<&str> =
        words.iter().map(String::as_str).filter(|w| !STOP_WORDS.contains(w) && w.len() > 1).take(5).collect();
    let chosen = if kept.is_empty() { words.iter().map(String::as_str).take(4).collect() } else { kept };
    let name = chosen.join("-");
    if name.is_empty() { "new-spec".to_string() } else { name }
}

/// Whether `name` is a safe spec folder name (one path segment, no dots first).
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(derive_name("Add a login page with JWT tokens"), "login-page-jwt-tokens");
        assert_eq!(derive_name("Users can reset their password by email!"), "reset-their-password-email");
        assert_eq!(derive_name("ログイン機能"), "new-spec");
        assert_eq!(derive_name("a to the"), "a-to-the");
        assert!(is_valid_name("login-page"));
        assert!(!is_valid_name("../etc"));
        assert!(!is_valid_name("a/b"));
        assert!(!is_valid_name(".hidden"));
    }
}
