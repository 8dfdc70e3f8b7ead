//! Facts about a repository, read from its manifests and files without a
//! model: the ground for generated steering documents. Manifests are read at
//! the root and one folder down (`frontend/package.json`), plus the members
//! of a Cargo workspace. Nothing here guesses: a fact is in [`Facts`] only if
//! a file says so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Folders never walked: dependencies, build output, virtual environments.
const SKIP_DIRS: [&str; 8] = ["node_modules", "target", "dist", "build", "vendor", "__pycache__", "venv", "out"];
const MAX_FILES: usize = 50_000;
const MAX_DEPTH: usize = 16;

/// What the repository's files say about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// The project's name, from the root manifest (package.json, Cargo.toml
    /// `[package]`, pyproject.toml, or the go.mod module).
    pub name: Option<String>,
    /// The project's description, from the root manifest.
    pub description: Option<String>,
    /// Languages by number of source files, most first.
    pub languages: Vec<(String, usize)>,
    /// Frameworks and notable libraries, by their package id (`react`, `axum`).
    pub frameworks: Vec<String>,
    pub test_tools: Vec<String>,
    pub package_managers: Vec<String>,
    /// `scripts` of the root package.json: name and command, in file order.
    pub scripts: Vec<(String, String)>,
    /// Top-level folders (hidden, dependency and build folders left out).
    pub top_folders: Vec<String>,
    /// Manifests found, relative to the root.
    pub manifests: Vec<String>,
    /// Cargo workspace member folders, relative to the root.
    pub workspace_members: Vec<String>,
}

const JS_FRAMEWORKS: [(&str, &str); 21] = [
    ("react", "react"),
    ("next", "next"),
    ("express", "express"),
    ("vue", "vue"),
    ("svelte", "svelte"),
    ("@sveltejs/kit", "sveltekit"),
    ("@nestjs/core", "nestjs"),
    ("fastify", "fastify"),
    ("@angular/core", "angular"),
    ("nuxt", "nuxt"),
    ("koa", "koa"),
    ("hono", "hono"),
    ("electron", "electron"),
    ("react-native", "react-native"),
    ("solid-js", "solid"),
    ("astro", "astro"),
    ("@remix-run/react", "remix"),
    ("tailwindcss", "tailwindcss"),
    ("@prisma/client", "prisma"),
    ("prisma", "prisma"),
    ("vite", "vite"),
];
const JS_TEST_TOOLS: [(&str, &str); 10] = [
    ("jest", "jest"),
    ("vitest", "vitest"),
    ("mocha", "mocha"),
    ("@playwright/test", "playwright"),
    ("playwright", "playwright"),
    ("cypress", "cypress"),
    ("ava", "ava"),
    ("jasmine", "jasmine"),
    ("@testing-library/react", "testing-library"),
    ("@testing-library/vue", "testing-library"),
];
const RUST_FRAMEWORKS: [&str; 15] = [
    "tokio",
    "axum",
    "clap",
    "actix-web",
    "rocket",
    "warp",
    "hyper",
    "tonic",
    "tower-lsp",
    "tower-lsp-server",
    "bevy",
    "diesel",
    "sqlx",
    "leptos",
    "tauri",
];
const RUST_TEST_TOOLS: [&str; 5] = ["proptest", "insta", "criterion", "rstest", "quickcheck"];
const PY_FRAMEWORKS: [&str; 7] = ["django", "flask", "fastapi", "sqlalchemy", "pydantic", "celery", "streamlit"];
const PY_TEST_TOOLS: [&str; 3] = ["pytest", "hypothesis", "tox"];
const GO_MODULES: [(&str, &str); 6] = [
    ("github.com/gin-gonic/gin", "gin"),
    ("github.com/labstack/echo", "echo"),
    ("github.com/gofiber/fiber", "fiber"),
    ("github.com/spf13/cobra", "cobra"),
    ("google.golang.org/grpc", "grpc"),
    ("github.com/go-chi/chi", "chi"),
];

const LANGUAGES: [(&str, &str); 30] = [
    ("rs", "Rust"),
    ("ts", "TypeScript"),
    ("tsx", "TypeScript"),
    ("mts", "TypeScript"),
    ("cts", "TypeScript"),
    ("js", "JavaScript"),
    ("jsx", "JavaScript"),
    ("mjs", "JavaScript"),
    ("cjs", "JavaScript"),
    ("py", "Python"),
    ("go", "Go"),
    ("java", "Java"),
    ("kt", "Kotlin"),
    ("swift", "Swift"),
    ("rb", "Ruby"),
    ("php", "PHP"),
    ("cs", "C#"),
    ("c", "C"),
    ("h", "C"),
    ("cpp", "C++"),
    ("cc", "C++"),
    ("hpp", "C++"),
    ("lua", "Lua"),
    ("scala", "Scala"),
    ("dart", "Dart"),
    ("ex", "Elixir"),
    ("exs", "Elixir"),
    ("vue", "Vue"),
    ("svelte", "Svelte"),
    ("sh", "Shell"),
];

/// Manifests that are listed but not read.
const OTHER_MANIFESTS: [&str; 9] = [
    "Gemfile",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "composer.json",
    "Pipfile",
    "setup.py",
    "deno.json",
    "Package.swift",
];

#[derive(Default)]
struct Builder {
    facts: Facts,
    frameworks: BTreeSet<String>,
    test_tools: BTreeSet<String>,
    package_managers: BTreeSet<String>,
    manifests: BTreeSet<String>,
}

impl Builder {
    fn name(&mut self, name: Option<&str>, description: Option<&str>) {
        let clean = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if self.facts.name.is_none() {
            self.facts.name = clean(name);
        }
        if self.facts.description.is_none() {
            self.facts.description = clean(description);
        }
    }
}

/// Reads the facts of the repository at `root`. Unreadable or malformed
/// files contribute nothing.
pub fn facts(root: &Path) -> Facts {
    let mut b = Builder::default();
    b.facts.top_folders = top_folders(root);
    let mut dirs = vec![String::new()];
    dirs.extend(b.facts.top_folders.iter().cloned());
    for dir in &dirs {
        let at = |file: &str| if dir.is_empty() { file.to_string() } else { format!("{dir}/{file}") };
        let is_root = dir.is_empty();
        let base = root.join(dir);
        if let Some(text) = read(&base.join("package.json")) {
            b.manifests.insert(at("package.json"));
            package_json(&mut b, &text, is_root);
            for (lock, pm) in [
                ("package-lock.json", "npm"),
                ("yarn.lock", "yarn"),
                ("pnpm-lock.yaml", "pnpm"),
                ("bun.lockb", "bun"),
                ("bun.lock", "bun"),
            ] {
                if base.join(lock).is_file() {
                    b.package_managers.insert(pm.into());
                }
            }
        }
        if let Some(text) = read(&base.join("Cargo.toml")) {
            b.manifests.insert(at("Cargo.toml"));
            b.package_managers.insert("cargo".into());
            b.test_tools.insert("cargo test".into());
            let members = cargo_toml(&mut b, &text, is_root);
            if is_root {
                cargo_members(&mut b, root, &members);
            }
        }
        if let Some(text) = read(&base.join("pyproject.toml")) {
            b.manifests.insert(at("pyproject.toml"));
            pyproject(&mut b, &text, is_root);
        }
        for req in requirements_files(&base) {
            if let (Some(text), Some(name)) = (read(&req), req.file_name().and_then(|n| n.to_str())) {
                b.manifests.insert(at(name));
                b.package_managers.insert("pip".into());
                for line in text.lines() {
                    python_dep(&mut b, requirement_name(line));
                }
            }
        }
        for (file, pm) in [("uv.lock", "uv"), ("poetry.lock", "poetry"), ("Pipfile", "pipenv")] {
            if base.join(file).is_file() {
                b.package_managers.insert(pm.into());
            }
        }
        if let Some(text) = read(&base.join("go.mod")) {
            b.manifests.insert(at("go.mod"));
            b.package_managers.insert("go modules".into());
            b.test_tools.insert("go test".into());
            go_mod(&mut b, &text, is_root);
        }
        for m in OTHER_MANIFESTS {
            if base.join(m).is_file() {
                b.manifests.insert(at(m));
            }
        }
    }
    b.facts.languages = languages(root);
    let mut f = b.facts;
    f.frameworks = b.frameworks.into_iter().collect();
    f.test_tools = b.test_tools.into_iter().collect();
    f.package_managers = b.package_managers.into_iter().collect();
    f.manifests = b.manifests.into_iter().collect();
    f
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn skipped(name: &str) -> bool {
    name.starts_with('.') || SKIP_DIRS.contains(&name)
}

fn top_folders(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root) else { return Vec::new() };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !skipped(n))
        .collect();
    out.sort();
    out
}

fn package_json(b: &mut Builder, text: &str, is_root: bool) {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { return };
    if is_root {
        b.name(v["name"].as_str(), v["description"].as_str());
    }
    for section in ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] {
        let Some(deps) = v[section].as_object() else { continue };
        for dep in deps.keys() {
            if let Some((_, id)) = JS_FRAMEWORKS.iter().find(|(d, _)| d == dep) {
                b.frameworks.insert((*id).into());
            }
            if let Some((_, id)) = JS_TEST_TOOLS.iter().find(|(d, _)| d == dep) {
                b.test_tools.insert((*id).into());
            }
        }
    }
    if let Some(pm) = v["packageManager"].as_str() {
        let id = pm.split('@').next().unwrap_or(pm).trim();
        if ["npm", "yarn", "pnpm", "bun"].contains(&id) {
            b.package_managers.insert(id.into());
        }
    }
    if is_root && let Some(scripts) = v["scripts"].as_object() {
        for (name, cmd) in scripts {
            if let Some(cmd) = cmd.as_str() {
                b.facts.scripts.push((name.clone(), cmd.to_string()));
            }
        }
    }
}

/// A line of TOML split into a key and a value, for the simple `key = value`
/// lines manifests use.
fn toml_key_value(line: &str) -> Option<(&str, &str)> {
    let (k, v) = line.split_once('=')?;
    Some((k.trim().trim_matches('"'), v.trim()))
}

fn toml_string(v: &str) -> Option<&str> {
    let v = v.trim();
    let q = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = &v[1..];
    inner.find(q).map(|e| &inner[..e])
}

/// Quoted strings of a TOML array that starts with `first` (the text after
/// `=`) and may continue on the following `rest` lines, which it consumes.
fn toml_array(first: &str, rest: &mut std::iter::Peekable<std::str::Lines<'_>>) -> Vec<String> {
    let mut text = first.to_string();
    while !text.contains(']') {
        let Some(next) = rest.next() else { break };
        text.push('\n');
        text.push_str(strip_toml_comment(next));
    }
    let mut out = Vec::new();
    let mut s = text.as_str();
    while let Some(start) = s.find(['"', '\'']) {
        let q = &s[start..=start];
        let after = &s[start + 1..];
        let Some(end) = after.find(q) else { break };
        out.push(after[..end].to_string());
        s = &after[end + 1..];
    }
    out
}

fn strip_toml_comment(line: &str) -> &str {
    // Good enough for manifests: a `#` outside quotes starts a comment.
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The section of a TOML header line (`[a.b]` or `[[a]]`).
fn toml_section(line: &str) -> Option<String> {
    let t = line.trim();
    let inner =
        t.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")).or_else(|| t.strip_prefix('[')?.strip_suffix(']'))?;
    Some(inner.trim().to_string())
}

/// Reads one Cargo.toml; returns the workspace members it declares.
fn cargo_toml(b: &mut Builder, text: &str, is_root: bool) -> Vec<String> {
    let mut section = String::new();
    let mut members = Vec::new();
    let mut name = None;
    let mut description = None;
    let mut lines = text.lines().peekable();
    while let Some(raw) = lines.next() {
        let line = strip_toml_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if let Some(s) = toml_section(line) {
            // `[dependencies.tokio]` names a dependency in its header.
            for kind in ["dependencies.", "dev-dependencies.", "build-dependencies."] {
                if let Some(dep) = s.rsplit_once(kind).map(|(_, d)| d) {
                    cargo_dep(b, dep.trim_matches('"'), kind.starts_with("dev"));
                }
            }
            section = s;
            continue;
        }
        let Some((key, value)) = toml_key_value(line) else { continue };
        match section.as_str() {
            "package" if key == "name" => name = toml_string(value).map(str::to_string),
            "package" if key == "description" => description = toml_string(value).map(str::to_string),
            "workspace" if key == "members" => members = toml_array(value, &mut lines),
            s if s.ends_with("dependencies") => {
                let dep = key.split('.').next().unwrap_or(key);
                cargo_dep(b, dep, s.ends_with("dev-dependencies"));
            }
            _ => {}
        }
    }
    if is_root {
        b.name(name.as_deref(), description.as_deref());
    }
    members
}

fn cargo_dep(b: &mut Builder, dep: &str, dev: bool) {
    if RUST_TEST_TOOLS.contains(&dep) {
        b.test_tools.insert(dep.into());
    } else if !dev && RUST_FRAMEWORKS.contains(&dep) {
        b.frameworks.insert(dep.into());
    }
}

/// Reads the Cargo.toml of each workspace member (`path` or `prefix/*`).
fn cargo_members(b: &mut Builder, root: &Path, members: &[String]) {
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for m in members {
        let m = m.trim_end_matches('/');
        if let Some(prefix) = m.strip_suffix("/*") {
            let Ok(entries) = std::fs::read_dir(root.join(prefix)) else { continue };
            for e in entries.filter_map(Result::ok) {
                if let Some(name) = e.file_name().to_str()
                    && e.path().join("Cargo.toml").is_file()
                {
                    dirs.insert(format!("{prefix}/{name}"));
                }
            }
        } else if !m.contains(['*', '?', '[']) && !m.split('/').any(|p| p == "..") {
            dirs.insert(m.to_string());
        }
    }
    for dir in dirs {
        let path: PathBuf = root.join(&dir).join("Cargo.toml");
        if let Some(text) = read(&path) {
            b.manifests.insert(format!("{dir}/Cargo.toml"));
            cargo_toml(b, &text, false);
            b.facts.workspace_members.push(dir);
        }
    }
}

fn pyproject(b: &mut Builder, text: &str, is_root: bool) {
    let mut section = String::new();
    let mut name = None;
    let mut description = None;
    let mut lines = text.lines().peekable();
    while let Some(raw) = lines.next() {
        let line = strip_toml_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if let Some(s) = toml_section(line) {
            if s == "tool.poetry" {
                b.package_managers.insert("poetry".into());
            }
            if s.starts_with("tool.pytest") {
                b.test_tools.insert("pytest".into());
            }
            section = s;
            continue;
        }
        let Some((key, value)) = toml_key_value(line) else {
            continue;
        };
        if (section == "project" || section == "tool.poetry") && key == "name" {
            name = toml_string(value).map(str::to_string);
        } else if (section == "project" || section == "tool.poetry") && key == "description" {
            description = toml_string(value).map(str::to_string);
        } else if section.contains("dependencies") {
            // `[tool.poetry.dependencies]` style: the key is the package;
            // `[project.optional-dependencies]` style: arrays of requirements.
            python_dep(b, requirement_name(key));
            if value.starts_with('[') {
                for req in toml_array(value, &mut lines) {
                    python_dep(b, requirement_name(&req));
                }
            }
        } else if value.starts_with('[') && (key == "dependencies" || key.ends_with("-dependencies")) {
            for req in toml_array(value, &mut lines) {
                python_dep(b, requirement_name(&req));
            }
        }
    }
    if is_root {
        b.name(name.as_deref(), description.as_deref());
    }
}

fn requirements_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("requirements") && n.ends_with(".txt"))
        })
        .collect();
    out.sort();
    out
}

/// The package name at the start of a requirement (`Django>=4; extra`),
/// lowercased, with `_` read as `-`.
fn requirement_name(req: &str) -> String {
    let req = req.split('#').next().unwrap_or("").trim();
    req.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
        .replace('_', "-")
}

fn python_dep(b: &mut Builder, name: String) {
    if PY_FRAMEWORKS.contains(&name.as_str()) {
        b.frameworks.insert(name);
    } else if PY_TEST_TOOLS.contains(&name.as_str()) {
        b.test_tools.insert(name);
    }
}

fn go_mod(b: &mut Builder, text: &str, is_root: bool) {
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if let Some(module) = line.strip_prefix("module ")
            && is_root
        {
            b.name(Some(module.trim()), None);
        }
        let path = line.strip_prefix("require ").unwrap_or(line).split_whitespace().next().unwrap_or("");
        if let Some((_, id)) = GO_MODULES.iter().find(|(m, _)| path.starts_with(m)) {
            b.frameworks.insert((*id).into());
        }
        if path.starts_with("github.com/stretchr/testify") {
            b.test_tools.insert("testify".into());
        }
    }
}

/// Source files by language, counted over the tree (bounded).
fn languages(root: &Path) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut budget = MAX_FILES;
    count_files(root, 0, &mut budget, &mut counts);
    let mut out: Vec<(String, usize)> = counts.into_iter().map(|(l, n)| (l.to_string(), n)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

fn count_files(dir: &Path, depth: usize, budget: &mut usize, counts: &mut BTreeMap<&'static str, usize>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.filter_map(Result::ok) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let Ok(ft) = e.file_type() else { continue };
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if ft.is_dir() {
            if !skipped(name) {
                count_files(&e.path(), depth + 1, budget, counts);
            }
        } else if ft.is_file()
            && let Some(ext) = name.rsplit_once('.').map(|(_, x)| x)
            && let Some((_, lang)) = LANGUAGES.iter().find(|(x, _)| *x == ext)
        {
            *counts.entry(lang).or_default() += 1;
        }
    }
}
