//! Files withheld from models: sensitive names, and what the workspace's
//! ignore files exclude (nested `.gitignore`s relative to their own folder,
//! negations, `.ignore`, `.git/info/exclude`, excluded folders).

use std::path::{Path, PathBuf};

use specwright_secrets::{SENSITIVE_FILES, Withheld, ignored_by_git, is_sensitive_file, withheld};

struct Dir(PathBuf);

impl Dir {
    fn new(label: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("specwright-secrets-files-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        Dir(dir)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, text).expect("write");
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn sensitive_names() {
    for name in [
        ".env",
        ".env.local",
        "app/.ENV.production",
        "deploy/prod.env",
        "server.pem",
        "tls/server.key",
        "id_rsa",
        "id_rsa.pub",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        "id_ed25519_sk",
        "store.p12",
        "cert.pfx",
        "release.jks",
        "app.keystore",
        "AuthKey_ABC.p8",
        "putty.ppk",
        "passwords.kdbx",
        ".npmrc",
        ".pypirc",
        ".netrc",
        ".git-credentials",
        ".aws/credentials",
    ] {
        assert!(is_sensitive_file(Path::new(name)), "{name}");
    }
    for name in ["src/main.ts", "src/env.ts", "keys.rs", "monkey", "docs/pem.md", "credentials.md", ".gitignore"] {
        assert!(!is_sensitive_file(Path::new(name)), "{name}");
    }
    assert!(SENSITIVE_FILES.contains(&".env*"));
}

#[test]
fn withheld_says_why() {
    let dir = Dir::new("why");
    dir.write(".gitignore", "dist/\n");
    let reason = withheld(&dir.0, "server.pem").expect("withheld");
    assert_eq!(reason, Withheld::Sensitive("*.pem"));
    assert_eq!(reason.to_string(), "it may hold credentials (its name matches `*.pem`)");
    assert_eq!(withheld(&dir.0, "dist/app.js"), Some(Withheld::Ignored));
    assert_eq!(Withheld::Ignored.to_string(), "it is ignored by .gitignore");
    assert_eq!(withheld(&dir.0, "src/app.ts"), None);
    assert_eq!(withheld(&dir.0, "../app.ts"), Some(Withheld::Outside));
    assert_eq!(Withheld::Outside.to_string(), "it is outside the workspace folder");
}

#[test]
fn nested_gitignores_are_relative_to_their_folder() {
    let dir = Dir::new("nested");
    dir.write(".gitignore", "*.log\n/top-only.txt\n");
    dir.write("sub/.gitignore", "/local.txt\nbuild/\n!keep.log\n");
    // Root rules.
    assert!(ignored_by_git(&dir.0, "a.log"));
    assert!(ignored_by_git(&dir.0, "deep/er/a.log"));
    assert!(ignored_by_git(&dir.0, "top-only.txt"));
    assert!(!ignored_by_git(&dir.0, "sub/top-only.txt"), "anchored to the root");
    // The nested file's anchored rule applies under its folder only.
    assert!(ignored_by_git(&dir.0, "sub/local.txt"));
    assert!(!ignored_by_git(&dir.0, "local.txt"));
    assert!(!ignored_by_git(&dir.0, "other/local.txt"));
    // An excluded folder excludes everything in it.
    assert!(ignored_by_git(&dir.0, "sub/build/out/x.js"));
    assert!(!ignored_by_git(&dir.0, "build/x.js"));
    // A deeper negation overrides a shallower rule.
    assert!(!ignored_by_git(&dir.0, "sub/keep.log"));
    assert!(ignored_by_git(&dir.0, "sub/other.log"));
    assert!(!ignored_by_git(&dir.0, "src/main.rs"));
}

#[test]
fn a_negation_cannot_reinclude_a_file_in_an_excluded_folder() {
    let dir = Dir::new("negation");
    dir.write(".gitignore", "secret/\n!secret/readme.md\n");
    assert!(ignored_by_git(&dir.0, "secret/readme.md"));
}

#[test]
fn ignore_files_and_git_excludes() {
    let dir = Dir::new("excludes");
    dir.write(".ignore", "scratch/\n");
    dir.write(".git/info/exclude", "notes.txt\n");
    dir.write(".gitignore", "!scratch/\n");
    assert!(ignored_by_git(&dir.0, "scratch/x.md"), ".ignore wins over .gitignore");
    assert!(ignored_by_git(&dir.0, "notes.txt"));
    assert!(ignored_by_git(&dir.0, "docs/notes.txt"));
    assert!(!ignored_by_git(&dir.0, "docs/readme.md"));
    // Outside the folder is never sent either.
    assert!(ignored_by_git(&dir.0, "../elsewhere.txt"));
}

#[test]
fn a_workspace_inside_a_repository_sees_the_repository_rules() {
    let dir = Dir::new("parent");
    dir.write(".git/HEAD", "ref: refs/heads/main\n");
    dir.write(".gitignore", "/app/generated/\n*.tmp\n");
    dir.write("app/src/x.ts", "");
    let root = dir.0.join("app");
    assert!(ignored_by_git(&root, "generated/a.ts"));
    assert!(ignored_by_git(&root, "src/a.tmp"));
    assert!(!ignored_by_git(&root, "src/x.ts"));
    // A workspace opened inside an ignored folder is not ignored as a whole;
    // the rules still apply inside it.
    let inner = dir.0.join("app/generated");
    std::fs::create_dir_all(&inner).expect("dir");
    assert!(!ignored_by_git(&inner, "a.ts"));
    assert!(ignored_by_git(&inner, "a.tmp"));
}

#[cfg(unix)]
#[test]
fn links_are_judged_by_what_they_point_to() {
    let dir = Dir::new("links");
    let outside = Dir::new("links-outside");
    dir.write(".gitignore", "private/\n");
    dir.write(".env", "TOKEN=1\n");
    dir.write("private/notes.md", "notes\n");
    outside.write("notes.md", "elsewhere\n");
    dir.write("src/ok.md", "ok\n");
    let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, dir.0.join(name)).expect("symlink");
    link(&dir.0.join(".env"), "env.txt");
    link(&dir.0.join("private/notes.md"), "notes.md");
    link(&outside.0.join("notes.md"), "far.md");
    link(&dir.0.join("src/ok.md"), "ok.md");
    assert_eq!(withheld(&dir.0, "env.txt"), Some(Withheld::Sensitive(".env*")));
    assert_eq!(withheld(&dir.0, "notes.md"), Some(Withheld::Ignored));
    assert_eq!(withheld(&dir.0, "far.md"), Some(Withheld::Outside));
    assert_eq!(withheld(&dir.0, "ok.md"), None);
}
