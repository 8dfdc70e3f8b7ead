//! What the runtime knows of the project in a workspace folder: its test
//! command, read from the files that declare one.

use std::path::Path;

/// The project's test command, from the first of these the folder has:
/// `Cargo.toml` (`cargo test`), a `package.json` with a `test` script
/// (`npm test`), `go.mod` (`go test ./...`), a Python project
/// (`pyproject.toml`, `pytest.ini`, `setup.cfg`, `tox.ini`, `setup.py`, or
/// `test_*.py` files in the folder or its `tests/`: `python3 -m pytest`).
/// `None` when there is none.
pub fn test_command(root: &Path) -> Option<String> {
    if root.join("Cargo.toml").is_file() {
        return Some("cargo test".into());
    }
    if let Ok(text) = std::fs::read_to_string(root.join("package.json"))
        && let Ok(package) = serde_json::from_str::<serde_json::Value>(&text)
        && package.pointer("/scripts/test").and_then(serde_json::Value::as_str).is_some_and(|s| !s.trim().is_empty())
    {
        return Some("npm test".into());
    }
    if root.join("go.mod").is_file() {
        return Some("go test ./...".into());
    }
    let python = ["pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini", "setup.py"];
    if python.iter().any(|f| root.join(f).is_file()) || has_python_tests(root) || has_python_tests(&root.join("tests"))
    {
        return Some("python3 -m pytest".into());
    }
    None
}

/// Whether `dir` holds a `test_*.py` file.
fn has_python_tests(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("test_") && name.ends_with(".py")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::test_command;

    fn folder(label: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
        let root = std::env::temp_dir().join(format!("specwright-project-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("dir");
        for (name, text) in files {
            std::fs::write(root.join(name), text).expect("write");
        }
        root
    }

    #[test]
    fn each_kind_of_project_has_its_test_command() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Option<&'a str>);
        let cases: [Case; 7] = [
            ("rust", &[("Cargo.toml", "[package]")], Some("cargo test")),
            ("node", &[("package.json", r#"{"scripts": {"test": "node --test"}}"#)], Some("npm test")),
            ("node-without-tests", &[("package.json", r#"{"scripts": {"build": "tsc"}}"#)], None),
            ("go", &[("go.mod", "module x")], Some("go test ./...")),
            ("python", &[("pyproject.toml", "[project]")], Some("python3 -m pytest")),
            ("python-tests-only", &[("test_add.py", "def test_add(): pass")], Some("python3 -m pytest")),
            ("nothing", &[("README.md", "hi")], None),
        ];
        for (label, files, expected) in cases {
            let root = folder(label, files);
            assert_eq!(test_command(&root).as_deref(), expected, "{label}");
            let _ = std::fs::remove_dir_all(root);
        }
    }
}
