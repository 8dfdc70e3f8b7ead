//! Files whose content is never sent to a model, whatever asks for it: files
//! that by their name hold credentials ([`SENSITIVE_FILES`]) and files the
//! workspace's ignore files exclude (build output, local configuration,
//! secrets kept out of the repository on purpose). Redaction catches secrets
//! that look like secrets; these files are withheld whole, because what they
//! hold need not look like anything.

use std::fmt;
use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// File names whose content is never sent, matched ASCII
/// case-insensitively against the file name alone: `prefix*`, `*suffix`,
/// or the exact name.
pub const SENSITIVE_FILES: &[&str] = &[
    // Environment files: `.env`, `.env.local`, `.envrc`, `prod.env`.
    ".env*",
    "*.env",
    // Private keys and certificate stores.
    "*.pem",
    "*.key",
    "*.p8",
    "*.p12",
    "*.pfx",
    "*.ppk",
    "*.jks",
    "*.keystore",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    // Password databases and credential files of common tools.
    "*.kdbx",
    ".npmrc",
    ".pypirc",
    ".netrc",
    "_netrc",
    ".git-credentials",
    ".pgpass",
    ".htpasswd",
    ".dockercfg",
    "credentials",
    "credentials.json",
];

/// The entry of [`SENSITIVE_FILES`] that `path`'s file name matches.
pub fn sensitive_file(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    SENSITIVE_FILES.iter().copied().find(|pattern| {
        if let Some(prefix) = pattern.strip_suffix('*') {
            name.starts_with(prefix)
        } else if let Some(suffix) = pattern.strip_prefix('*') {
            name.ends_with(suffix) && name.len() > suffix.len()
        } else {
            name == *pattern
        }
    })
}

/// Whether `path`'s file name marks a file that may hold credentials (see
/// [`SENSITIVE_FILES`]).
pub fn is_sensitive_file(path: &Path) -> bool {
    sensitive_file(path).is_some()
}

/// Why a file's content is withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// Its name matches this entry of [`SENSITIVE_FILES`].
    Sensitive(&'static str),
    /// The workspace's ignore files exclude it.
    Ignored,
    /// The path leaves the workspace folder.
    Outside,
}

impl fmt::Display for Withheld {
    /// The reason, to complete "The file `x` was not included: …".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Withheld::Sensitive(pattern) => write!(f, "it may hold credentials (its name matches `{pattern}`)"),
            Withheld::Ignored => f.write_str("it is ignored by .gitignore"),
            Withheld::Outside => f.write_str("it is outside the workspace folder"),
        }
    }
}

/// Whether the content of `rel_path` (relative to the workspace folder
/// `root`, `/`-separated) must not be sent, and why. A symbolic link is
/// judged by its own name and path and by those of the file it points to.
pub fn withheld(root: &Path, rel_path: &str) -> Option<Withheld> {
    let path = Path::new(rel_path);
    if path.is_absolute() || rel_path.split(['/', '\\']).any(|part| part == "..") {
        return Some(Withheld::Outside);
    }
    if let Some(pattern) = sensitive_file(path) {
        return Some(Withheld::Sensitive(pattern));
    }
    if ignored_by_git(root, rel_path) {
        return Some(Withheld::Ignored);
    }
    // Where a link leads (a missing file has no content to withhold).
    let (Ok(real), Ok(real_root)) = (root.join(path).canonicalize(), root.canonicalize()) else {
        return None;
    };
    let Ok(real_rel) = real.strip_prefix(&real_root) else {
        return Some(Withheld::Outside);
    };
    if let Some(pattern) = sensitive_file(&real) {
        return Some(Withheld::Sensitive(pattern));
    }
    let real_rel = real_rel.to_string_lossy().replace('\\', "/");
    (real_rel != rel_path && ignored_by_git(&real_root, &real_rel)).then_some(Withheld::Ignored)
}

/// Whether the ignore files exclude `rel_path` (relative to `root`,
/// `/`-separated), as git and the workspace walker see it: `.gitignore` and
/// `.ignore` in every folder from the repository's top (the nearest folder
/// holding `.git`, else `root`) down to the file, each relative to its own
/// folder, a deeper file overriding a shallower one and `.ignore` overriding
/// `.gitignore`; then `.git/info/exclude` and the global excludes file. A
/// file in an excluded folder is excluded, whatever a negation says. The
/// folders above `root` are not judged themselves, as the workspace walker
/// does not. A path that leaves `root` is reported as ignored.
pub fn ignored_by_git(root: &Path, rel_path: &str) -> bool {
    let mut parts = Vec::new();
    for part in rel_path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return true,
            part => parts.push(part),
        }
    }
    let Some((file, dirs)) = parts.split_last() else {
        return false;
    };
    // A relative folder (`.` in the CLI) is judged where it really is, so
    // that the repository's own ignore files above it count.
    let root = &root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let top = repository_top(root);
    // Matchers from the lowest precedence to the highest.
    let mut matchers: Vec<Gitignore> = Vec::new();
    let (global, _) = GitignoreBuilder::new(&top).build_global();
    matchers.push(global);
    let mut exclude = GitignoreBuilder::new(&top);
    // A missing file adds nothing; a malformed line is skipped.
    let _ = exclude.add(top.join(".git").join("info").join("exclude"));
    if let Ok(m) = exclude.build() {
        matchers.push(m);
    }
    // The ignore files of the folders between the repository's top and
    // `root` apply to what is below `root`; the folders themselves are not
    // judged (a workspace opened inside an ignored folder, as the walker
    // sees it, is not ignored as a whole).
    let mut dir = top.clone();
    for part in root.strip_prefix(&top).map(Path::components).into_iter().flatten() {
        add_ignore_files(&mut matchers, &dir);
        dir.push(part);
    }
    let mut dir = root.to_path_buf();
    for (i, part) in dirs.iter().chain(std::iter::once(file)).enumerate() {
        add_ignore_files(&mut matchers, &dir);
        dir.push(part);
        let is_dir = i < dirs.len() || dir.is_dir();
        if decide(&matchers, &dir, is_dir) == Some(true) {
            return true;
        }
    }
    false
}

/// The nearest folder at or above `root` that holds `.git`, else `root`.
fn repository_top(root: &Path) -> PathBuf {
    root.ancestors().find(|dir| dir.join(".git").exists()).unwrap_or(root).to_path_buf()
}

fn add_ignore_files(matchers: &mut Vec<Gitignore>, dir: &Path) {
    for name in [".gitignore", ".ignore"] {
        let file = dir.join(name);
        if file.is_file() {
            let (matcher, _) = Gitignore::new(&file);
            if !matcher.is_empty() {
                matchers.push(matcher);
            }
        }
    }
}

/// The verdict of the highest-precedence matcher that has one: `Some(true)`
/// ignored, `Some(false)` re-included, `None` no rule applies.
fn decide(matchers: &[Gitignore], path: &Path, is_dir: bool) -> Option<bool> {
    matchers.iter().rev().find_map(|m| {
        if !path.starts_with(m.path()) {
            return None;
        }
        match m.matched(path, is_dir) {
            Match::Ignore(_) => Some(true),
            Match::Whitelist(_) => Some(false),
            Match::None => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_as_documented() {
        for (name, pattern) in [
            (".env", ".env*"),
            (".env.production", ".env*"),
            (".envrc", ".env*"),
            ("config/prod.env", "*.env"),
            ("certs/server.PEM", "*.pem"),
            ("id_rsa", "id_rsa*"),
            ("home/.ssh/id_ed25519.pub", "id_ed25519*"),
            ("id_ecdsa_sk", "id_ecdsa*"),
            (".npmrc", ".npmrc"),
            (".aws/credentials", "credentials"),
            ("vault.kdbx", "*.kdbx"),
        ] {
            assert_eq!(sensitive_file(Path::new(name)), Some(pattern), "{name}");
        }
        for name in ["src/env.ts", "environment.rs", "keys.rs", "README.md", ".env-guide/notes.md", "pem", "monkey"] {
            assert_eq!(sensitive_file(Path::new(name)), None, "{name}");
        }
    }
}
