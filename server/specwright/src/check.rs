//! `specwright check`: loads every spec, steering document, hook file and
//! MCP configuration under the given folders, checks them, and prints a
//! report as text, JSON or SARIF.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use specwright_spec::{Analysis, Code, Range, Severity, Spec, SpecKind, Summary, analyze, discover_specs};
use specwright_steering::{Inclusion, Source, Steering, SteeringFile, codes};

/// How `specwright check` prints its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: level[code]: message`, like a compiler (the level is
    /// error, warning or note), then a summary line.
    Text,
    /// The report of `schemas/check-report.schema.json`.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

/// Folders never searched for nested `.kiro/` folders.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target", "vendor", "dist", "build", ".git"];
const MAX_DEPTH: usize = 4;

/// A checked spec: where it is, what it contains, what was found.
pub struct Checked {
    /// The spec folder relative to the checked folder, with `/` separators.
    pub rel_dir: String,
    pub spec: Spec,
    pub analysis: Analysis,
}

/// A checked steering document (`.kiro/steering/**/*.md` or `AGENTS.md`).
pub struct CheckedSteering {
    /// The file relative to the checked folder, with `/` separators.
    pub rel_path: String,
    pub file: SteeringFile,
}

/// A checked hook file (`.kiro/hooks/*.kiro.hook` or `*.json`).
pub struct CheckedHooks {
    /// The file relative to the checked folder, with `/` separators.
    pub rel_path: String,
    pub file: specwright_hooks::HookFile,
}

/// A checked MCP configuration (`.kiro/settings/mcp.json`).
pub struct CheckedMcp {
    /// The file relative to the checked folder, with `/` separators.
    pub rel_path: String,
    pub file: specwright_mcp::config::McpFile,
}

/// Every `.kiro/` workspace under `dir`: `dir` itself when it has one, else
/// the nearest ones below it (for monorepos and collections).
pub fn workspaces(dir: &Path) -> Vec<PathBuf> {
    if dir.join(".kiro").is_dir() {
        return vec![dir.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        let mut children: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('.') && !SKIPPED_DIRS.contains(&n))
            })
            .collect();
        children.sort();
        for child in children.into_iter().rev() {
            if child.join(".kiro").is_dir() {
                out.push(child);
            } else if depth + 1 < MAX_DEPTH {
                stack.push((child, depth + 1));
            }
        }
    }
    out.sort();
    out
}

/// Loads and checks every spec under `dir`, on all cores.
pub fn check_dir(dir: &Path) -> Vec<Checked> {
    let spec_dirs: Vec<PathBuf> = workspaces(dir).iter().flat_map(|w| discover_specs(w)).collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(spec_dirs.len()));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(spec_dirs.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(spec_dir) = spec_dirs.get(i) else { break };
                    let spec = Spec::load(spec_dir);
                    let analysis = analyze(&spec);
                    let rel_dir = relative(dir, spec_dir);
                    results.lock().unwrap_or_else(|e| e.into_inner()).push((i, Checked { rel_dir, spec, analysis }));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, c)| c).collect()
}

/// Loads the steering documents of every workspace under `dir`: workspace
/// steering and `AGENTS.md` files, never user-level steering (a headless
/// check does not depend on the home folder).
pub fn check_steering(dir: &Path) -> Vec<CheckedSteering> {
    let mut out = Vec::new();
    for ws in workspaces(dir) {
        let ws_rel = relative(dir, &ws);
        for file in Steering::load(&ws, None).files {
            let rel_path = if ws_rel == "." { file.rel.clone() } else { format!("{ws_rel}/{}", file.rel) };
            out.push(CheckedSteering { rel_path, file });
        }
    }
    out
}

/// Loads the hook files of every workspace under `dir`, each workspace's by path.
pub fn check_hooks(dir: &Path) -> Vec<CheckedHooks> {
    workspaces(dir)
        .iter()
        .flat_map(|ws| specwright_hooks::load(ws))
        .map(|file| CheckedHooks { rel_path: relative(dir, &file.path), file })
        .collect()
}

/// Reads the MCP configuration of every workspace under `dir` that has one,
/// against this process's environment (`${VAR}`s, `PATH`). Never the
/// user's `~/.kiro/settings/mcp.json`: a headless check does not depend on
/// the home folder.
pub fn check_mcp(dir: &Path) -> Vec<CheckedMcp> {
    use specwright_mcp::config::{Environment, Scope, load_file, workspace_file};
    let env = Environment::from_process();
    workspaces(dir)
        .iter()
        .filter_map(|ws| load_file(&workspace_file(ws), Scope::Workspace, &env))
        .map(|file| CheckedMcp { rel_path: relative(dir, &file.path), file })
        .collect()
}

fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}

pub fn run(dirs: &[PathBuf], format: Format) -> ExitCode {
    let dirs = if dirs.is_empty() { vec![PathBuf::from(".")] } else { dirs.to_vec() };
    for d in &dirs {
        if !d.is_dir() {
            eprintln!("error: {} is not a folder", d.display());
            return ExitCode::from(2);
        }
    }
    let report = build_report(&dirs);
    let out = match format {
        Format::Text => render_text(&report),
        Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        Format::Sarif => serde_json::to_string_pretty(&sarif(&report)).unwrap_or_default() + "\n",
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::from(2);
    }
    if report.summary.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// The report of the folders `dirs` (each a workspace, or a folder with
/// workspaces below): paths are relative to the folder, and prefixed by it
/// when there are several.
pub fn build_report(dirs: &[PathBuf]) -> Report {
    let mut reports = Vec::new();
    let mut steering = Vec::new();
    let mut hooks = Vec::new();
    let mut mcp = Vec::new();
    for d in dirs {
        let (checked, steered, hooked, configured) = std::thread::scope(|s| {
            let steered = s.spawn(|| check_steering(d));
            let hooked = s.spawn(|| (check_hooks(d), check_mcp(d)));
            let checked = check_dir(d);
            let steered = steered.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            let (hooked, configured) = hooked.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            (checked, steered, hooked, configured)
        });
        // With several folders, paths are prefixed by the folder given.
        // A trailing separator in the folder given is not repeated (`a/` gives `a/.kiro/...`).
        let prefix = if dirs.len() > 1 {
            format!("{}/", d.to_string_lossy().replace('\\', "/").trim_end_matches('/'))
        } else {
            String::new()
        };
        steering.push((prefix.clone(), steered));
        hooks.push((prefix.clone(), hooked));
        mcp.push((prefix.clone(), configured));
        reports.push((prefix, checked));
    }
    let mut report = Report::new(&reports);
    for (prefix, steered) in &steering {
        report.add_steering(prefix, steered);
    }
    for (prefix, hooked) in &hooks {
        report.add_hooks(prefix, hooked);
    }
    for (prefix, configured) in &mcp {
        report.add_mcp(prefix, configured);
    }
    report
}

/// The JSON report of one folder, as `specwright check --format json DIR`
/// prints it (what the MCP server's `check` tool returns).
pub fn json_report(dir: &Path) -> serde_json::Value {
    serde_json::to_value(build_report(&[dir.to_path_buf()])).unwrap_or_default()
}

/// The text report of one folder, as `specwright check DIR` prints it
/// (what the ACP agent's `/check` shows).
pub fn text_report(dir: &Path) -> String {
    render_text(&build_report(&[dir.to_path_buf()]))
}

/// The JSON report (`schemas/check-report.schema.json`).
#[derive(Serialize)]
pub struct Report {
    pub version: u32,
    pub specs: Vec<SpecReport>,
    pub steering: Vec<SteeringReport>,
    pub hooks: Vec<HookFileReport>,
    pub mcp: Vec<McpFileReport>,
    pub diagnostics: Vec<DiagnosticReport>,
    pub summary: Totals,
}

#[derive(Serialize)]
pub struct SpecReport {
    pub name: String,
    pub path: String,
    pub kind: SpecKind,
    #[serde(flatten)]
    pub summary: Summary,
    pub documents: Vec<String>,
}

#[derive(Serialize)]
pub struct SteeringReport {
    pub path: String,
    pub inclusion: Inclusion,
    pub patterns: Vec<String>,
    pub name: Option<String>,
    /// `workspace` (`.kiro/steering/`) or `agents` (an `AGENTS.md`).
    pub source: &'static str,
}

#[derive(Serialize)]
pub struct HookFileReport {
    pub path: String,
    /// `legacy` (`*.kiro.hook`) or `v1` (`*.json`).
    pub format: &'static str,
    /// The number of valid hooks (those Kiro would run).
    pub hooks: usize,
}

#[derive(Serialize)]
pub struct McpFileReport {
    pub path: String,
    /// The number of valid servers (disabled ones included).
    pub servers: usize,
}

#[derive(Serialize)]
pub struct DiagnosticReport {
    pub path: String,
    pub range: Range,
    pub severity: Severity,
    /// A spec [`Code`], a steering code ([`codes`]), a hook code
    /// ([`specwright_hooks::codes`]) or an MCP configuration code
    /// ([`specwright_mcp::config::codes`]).
    pub code: &'static str,
    pub message: String,
}

#[derive(Serialize, Default)]
pub struct Totals {
    pub specs: usize,
    pub steering: usize,
    pub hooks: usize,
    pub mcp: usize,
    pub errors: usize,
    pub warnings: usize,
    pub information: usize,
    pub hints: usize,
}

impl Totals {
    fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Information => self.information += 1,
            Severity::Hint => self.hints += 1,
        }
    }
}

impl Report {
    /// The report of the specs checked, each list with the prefix of its
    /// paths; no steering documents (see [`Report::add_steering`]).
    pub fn new(reports: &[(String, Vec<Checked>)]) -> Self {
        let mut specs = Vec::new();
        let mut diagnostics = Vec::new();
        let mut summary = Totals::default();
        for (prefix, checked) in reports {
            for c in checked {
                let path = format!("{prefix}{}", c.rel_dir);
                specs.push(SpecReport {
                    name: c.spec.name.clone(),
                    path: path.clone(),
                    kind: c.spec.kind(),
                    summary: c.analysis.summary.clone(),
                    documents: c.spec.documents().map(|(k, _)| k.file_name().to_string()).collect(),
                });
                for d in &c.analysis.diagnostics {
                    summary.count(d.severity);
                    diagnostics.push(DiagnosticReport {
                        path: format!("{path}/{}", d.doc.file_name()),
                        range: d.range,
                        severity: d.severity,
                        code: d.code.as_str(),
                        message: d.message.clone(),
                    });
                }
            }
        }
        summary.specs = specs.len();
        Self { version: 1, specs, steering: Vec::new(), hooks: Vec::new(), mcp: Vec::new(), diagnostics, summary }
    }

    /// Adds steering documents and their diagnostics (after those already
    /// there, each file's by position), their paths prefixed by `prefix`.
    pub fn add_steering(&mut self, prefix: &str, files: &[CheckedSteering]) {
        for c in files {
            let f = &c.file;
            let path = format!("{prefix}{}", c.rel_path);
            self.steering.push(SteeringReport {
                path: path.clone(),
                inclusion: f.inclusion,
                patterns: f.patterns.clone(),
                name: f.name.clone(),
                source: match f.source {
                    Source::Workspace => "workspace",
                    Source::AgentsMd { .. } => "agents",
                    Source::User => "user",
                },
            });
            self.push_file_diagnostics(&path, f.diagnostics.iter().map(|d| (d.range, d.severity, d.code, &d.message)));
        }
        self.summary.steering = self.steering.len();
    }

    /// Adds one file's diagnostics, by position, counting them in the summary.
    fn push_file_diagnostics<'d>(
        &mut self,
        path: &str,
        diags: impl Iterator<Item = (Range, Severity, &'static str, &'d String)>,
    ) {
        let mut diags: Vec<_> = diags.collect();
        diags.sort_by_key(|(range, ..)| (range.start.line, range.start.character));
        for (range, severity, code, message) in diags {
            self.summary.count(severity);
            self.diagnostics.push(DiagnosticReport {
                path: path.to_string(),
                range,
                severity,
                code,
                message: message.clone(),
            });
        }
    }

    /// Adds hook files and their diagnostics (after those already there,
    /// each file's by position), their paths prefixed by `prefix`.
    pub fn add_hooks(&mut self, prefix: &str, files: &[CheckedHooks]) {
        for c in files {
            let f = &c.file;
            let path = format!("{prefix}{}", c.rel_path);
            self.hooks.push(HookFileReport {
                path: path.clone(),
                format: match f.format {
                    specwright_hooks::Format::Legacy => "legacy",
                    specwright_hooks::Format::V1 => "v1",
                },
                hooks: f.hooks.len(),
            });
            self.push_file_diagnostics(&path, f.diagnostics.iter().map(|d| (d.range, d.severity, d.code, &d.message)));
        }
        self.summary.hooks = self.hooks.len();
    }

    /// Adds MCP configurations and their diagnostics (after those already
    /// there, each file's by position), their paths prefixed by `prefix`.
    pub fn add_mcp(&mut self, prefix: &str, files: &[CheckedMcp]) {
        for c in files {
            let f = &c.file;
            let path = format!("{prefix}{}", c.rel_path);
            self.mcp.push(McpFileReport { path: path.clone(), servers: f.servers.len() });
            self.push_file_diagnostics(&path, f.diagnostics.iter().map(|d| (d.range, d.severity, d.code, &d.message)));
        }
        self.summary.mcp = self.mcp.len();
    }
}

fn render_text(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            d.path,
            d.range.start.line + 1,
            d.range.start.character + 1,
            level(d.severity),
            d.code,
            d.message
        ));
    }
    let s = &report.summary;
    // `1 spec`, `1 spec and 2 steering files`, `1 spec, 2 steering files and 3 hook files`.
    let mut parts = vec![format!("{} spec{}", s.specs, plural(s.specs))];
    if s.steering > 0 {
        parts.push(format!("{} steering file{}", s.steering, plural(s.steering)));
    }
    if s.hooks > 0 {
        parts.push(format!("{} hook file{}", s.hooks, plural(s.hooks)));
    }
    if s.mcp > 0 {
        parts.push(format!("{} MCP configuration{}", s.mcp, plural(s.mcp)));
    }
    let last = parts.pop().unwrap_or_default();
    let checked = if parts.is_empty() { last } else { format!("{} and {last}", parts.join(", ")) };
    out.push_str(&format!(
        "checked {checked}: {} error{}, {} warning{}, {} note{}\n",
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
        s.information + s.hints,
        plural(s.information + s.hints)
    ));
    out
}

/// `s` after a count that is not one: `1 error`, `2 errors`.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The word the text output and SARIF use for a severity: information and
/// hints are both notes, as the summary line counts them.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

fn sarif(report: &Report) -> serde_json::Value {
    // Spec codes, then steering codes, then hook codes, then MCP codes.
    let rule_ids = rule_ids();
    let spec_rules = Code::ALL.iter().map(|c| (c.as_str(), c.description(), c.default_severity()));
    let steering_rules = codes::ALL.iter().map(|&c| (c, codes::description(c), steering_default_severity(c)));
    let hook_rules = specwright_hooks::codes::ALL
        .iter()
        .map(|&c| (c, specwright_hooks::codes::description(c), specwright_hooks::codes::default_severity(c)));
    let mcp_rules = specwright_mcp::config::codes::ALL.iter().map(|&c| {
        (c, specwright_mcp::config::codes::description(c), specwright_mcp::config::codes::default_severity(c))
    });
    let rules: Vec<serde_json::Value> = spec_rules
        .chain(steering_rules)
        .chain(hook_rules)
        .chain(mcp_rules)
        .map(|(id, description, severity)| {
            serde_json::json!({
                "id": id,
                "name": id,
                "shortDescription": { "text": description },
                "defaultConfiguration": { "level": level(severity) },
                "helpUri": format!("https://github.com/specwright/specwright#{id}"),
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let rule_index = rule_ids.iter().position(|c| *c == d.code).unwrap_or(0);
            serde_json::json!({
                "ruleId": d.code,
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_reference(&d.path), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": d.range.start.line + 1,
                            "startColumn": d.range.start.character + 1,
                            "endLine": d.range.end.line + 1,
                            "endColumn": d.range.end.character + 1,
                        }
                    }
                }]
            })
        })
        .collect();
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "specwright",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/specwright/specwright",
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

/// Every diagnostic code: the spec codes ([`Code::ALL`]), the steering
/// codes ([`codes::ALL`]), the hook codes ([`specwright_hooks::codes::ALL`]),
/// then the MCP configuration codes ([`specwright_mcp::config::codes::ALL`]);
/// the SARIF rules in this order.
pub fn rule_ids() -> Vec<&'static str> {
    Code::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(codes::ALL)
        .chain(specwright_hooks::codes::ALL.iter().copied())
        .chain(specwright_mcp::config::codes::ALL.iter().copied())
        .collect()
}

/// The severity a steering code is usually reported with (some cases are
/// milder: a misspelt inclusion or a pattern that can never match is a
/// warning, an unknown front-matter key a hint).
fn steering_default_severity(code: &str) -> Severity {
    if code == codes::MISSING_DESCRIPTION { Severity::Warning } else { Severity::Error }
}

/// A relative path as a URI reference, as SARIF requires of `artifactLocation.uri`:
/// every byte but unreserved characters and `/` percent-encoded (`my spec` gives `my%20spec`).
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
