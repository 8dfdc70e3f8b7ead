//! `specwright check` and the binary's command line, run as a user runs
//! them: the real executable on small workspaces written to a temporary
//! folder. Also keeps `schemas/` in sync with the code: the JSON report is
//! validated against `schemas/check-report.schema.json`, and the names in
//! `schemas/protocol.json` must equal `lsp::ext::METHODS` and `COMMANDS`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use specwright_hooks::codes as hook_codes;
use specwright_mcp::config::codes as mcp_codes;
use specwright_spec::Code;
use specwright_steering::codes;

// ---------------------------------------------------------------------------
// Fixtures and running the binary
// ---------------------------------------------------------------------------

/// A folder under the system's temp dir, removed on drop.
struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("specwright-cli-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create the fixture folder");
        Self { root }
    }

    /// Writes `contents` to `rel` (a `/`-separated path), creating folders.
    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folders");
        std::fs::write(&path, contents).expect("write a fixture file");
        self
    }

    fn mkdir(&self, rel: &str) -> &Self {
        std::fs::create_dir_all(self.root.join(rel)).expect("create a folder");
        self
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_specwright"));
    cmd.env_remove("SPECWRIGHT_LOG").env("NO_COLOR", "1");
    cmd
}

/// Runs `specwright ARGS` in `cwd`.
fn run_in(cwd: &Path, args: &[&str]) -> Output {
    bin().args(args).current_dir(cwd).output().expect("run specwright")
}

/// Runs `specwright ARGS` in the fixture's root.
fn run(fx: &Fixture, args: &[&str]) -> Output {
    run_in(&fx.root, args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or_else(|| panic!("specwright was killed by a signal; stderr:\n{}", stderr(out)))
}

/// Parses stdout as JSON, with the output in the panic message if it is not.
fn json_of(out: &Output) -> Value {
    let text = stdout(out);
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{text}\nstderr:\n{}", stderr(out)))
}

fn check_json(fx: &Fixture, dir: &str) -> (i32, Value) {
    let out = run(fx, &["check", dir, "--format", "json"]);
    let value = json_of(&out);
    validate_report(&value);
    (code(&out), value)
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every diagnostic code: the spec codes, then the steering codes, the hook
/// codes, then the MCP configuration codes.
fn all_codes() -> Vec<&'static str> {
    Code::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(codes::ALL)
        .chain(hook_codes::ALL.iter().copied())
        .chain(mcp_codes::ALL.iter().copied())
        .collect()
}

fn read_json(rel: &str) -> Value {
    let path = repo_root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// Spec texts
// ---------------------------------------------------------------------------

const CLEAN_REQUIREMENTS: &str = "# Requirements Document

## Requirements

### Requirement 1: Greeting

**User Story:** As a user, I want a greeting, so that I feel welcome.

#### Acceptance Criteria

1. WHEN the user opens the app, THE App SHALL show a greeting.
2. THE App SHALL log each greeting.
";

const CLEAN_DESIGN: &str = "# Design Document

## Overview

Shows a greeting.

## Correctness Properties

### Property 1: Greeting shown

*For any* user **Validates: Requirements 1.1**
";

const CLEAN_TASKS: &str = "# Implementation Plan

- [x] 1. Show the greeting
  - _Requirements: 1.1_
- [ ] 2. Log it
  - _Requirements: 1.2_
";

/// Two requirements; 2.2 uncovered; 1.8 (design.md, after non-ASCII text)
/// and 1.9 (tasks.md) dangling.
const DEMO_REQUIREMENTS: &str = "# Requirements Document

## Requirements

### Requirement 1: Greeting

**User Story:** As a user, I want a greeting, so that I feel welcome.

#### Acceptance Criteria

1. WHEN the user opens the app, THE App SHALL show a greeting.
2. THE App SHALL log each greeting.

### Requirement 2: Farewell

**User Story:** As a user, I want a farewell, so that I know I left.

#### Acceptance Criteria

1. WHEN the user closes the app, THE App SHALL show a farewell.
2. IF the user closes the app twice, THEN THE App SHALL show the farewell once.
";

/// Line 10 (0-based) cites 1.8 after `ünïcödé 😀`: its UTF-16 column differs
/// from its byte and char columns.
const DEMO_DESIGN: &str = "# Design Document

## Overview

Greets and says goodbye.

## Correctness Properties

### Property 1: Greeting shown

*For any* user ünïcödé 😀 **Validates: Requirements 1.8**
";

const DEMO_TASKS: &str = "# Implementation Plan

- [ ] 1. Greet the user
  - [x] 1.1 Show the greeting
- _Requirements: 1.9_
  - [ ]* 1.2 Log the greeting
    - _Requirements: 1.1-1.2_
- [-] 2. Say goodbye
  - _Requirements: 2.1_
";

fn clean_spec(fx: &Fixture, base: &str, name: &str) {
    fx.write(&format!("{base}.kiro/specs/{name}/requirements.md"), CLEAN_REQUIREMENTS)
        .write(&format!("{base}.kiro/specs/{name}/design.md"), CLEAN_DESIGN)
        .write(&format!("{base}.kiro/specs/{name}/tasks.md"), CLEAN_TASKS);
}

fn demo_spec(fx: &Fixture, base: &str, name: &str) {
    fx.write(&format!("{base}.kiro/specs/{name}/requirements.md"), DEMO_REQUIREMENTS)
        .write(&format!("{base}.kiro/specs/{name}/design.md"), DEMO_DESIGN)
        .write(&format!("{base}.kiro/specs/{name}/tasks.md"), DEMO_TASKS);
}

/// The 0-based UTF-16 column of `needle` in line `line` of `text`.
fn utf16_col(text: &str, line: usize, needle: &str) -> u64 {
    let l = text.lines().nth(line).expect("the line exists");
    let byte = l.find(needle).expect("the needle is on the line");
    l[..byte].encode_utf16().count() as u64
}

// ---------------------------------------------------------------------------
// Text output
// ---------------------------------------------------------------------------

/// One line of the text format: `path:line:col: severity[code]: message`.
#[derive(Debug, PartialEq, Eq)]
struct TextLine {
    path: String,
    line: u64,
    col: u64,
    severity: String,
    code: String,
    message: String,
}

fn parse_text_line(s: &str) -> Option<TextLine> {
    // The path may not contain `:` in these fixtures; the message may.
    let (location, rest) = s.split_once(": ")?;
    let mut parts = location.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let path = parts.next()?.to_string();
    let (head, message) = rest.split_once(": ")?;
    let (severity, code) = head.strip_suffix(']')?.split_once('[')?;
    let ok = matches!(severity, "error" | "warning" | "note")
        && all_codes().contains(&code)
        && line >= 1
        && col >= 1
        && !message.is_empty();
    ok.then(|| TextLine { path, line, col, severity: severity.into(), code: code.into(), message: message.into() })
}

/// Splits text output into diagnostic lines and the final summary line,
/// failing on any line of another form.
fn parse_text(out: &str) -> (Vec<TextLine>, String) {
    let mut lines: Vec<&str> = out.lines().collect();
    assert!(out.ends_with('\n'), "output ends with a newline: {out:?}");
    let summary = lines.pop().expect("a summary line").to_string();
    assert!(summary.starts_with("checked "), "last line is the summary: {summary:?}");
    let diags = lines
        .iter()
        .map(|l| parse_text_line(l).unwrap_or_else(|| panic!("not `path:line:col: severity[code]: message`: {l:?}")))
        .collect();
    (diags, summary)
}

#[test]
fn clean_spec_exits_0_with_only_a_summary() {
    let fx = Fixture::new("clean");
    clean_spec(&fx, "", "greeting");
    let out = run(&fx, &["check", "."]);
    assert_eq!(code(&out), 0, "stdout:\n{}\nstderr:\n{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out), "checked 1 spec: 0 errors, 0 warnings, 0 notes\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn dangling_reference_exits_1_with_compiler_style_lines() {
    let fx = Fixture::new("dangling");
    demo_spec(&fx, "", "demo");
    let dir = fx.root.to_str().expect("a UTF-8 temp path");
    let out = run_in(Path::new("/"), &["check", dir]);
    assert_eq!(code(&out), 1, "stderr:\n{}", stderr(&out));
    let text = stdout(&out);
    let (diags, summary) = parse_text(&text);
    assert_eq!(summary, "checked 1 spec: 2 errors, 1 warning, 0 notes");
    // Paths are relative to DIR (not absolute, not relative to the cwd).
    let design_col = utf16_col(DEMO_DESIGN, 10, "1.8") + 1;
    let expected = [
        (".kiro/specs/demo/requirements.md", 21, 1, "warning", "uncovered-criterion", "criterion 2.2"),
        (".kiro/specs/demo/design.md", 11, design_col, "error", "dangling-reference", "criterion 1.8 does not exist"),
        (".kiro/specs/demo/tasks.md", 5, 18, "error", "dangling-reference", "criterion 1.9 does not exist"),
    ];
    assert_eq!(diags.len(), expected.len(), "{text}");
    for (d, (path, line, col, severity, code, message)) in diags.iter().zip(expected) {
        assert_eq!(
            (d.path.as_str(), d.line, d.col, d.severity.as_str(), d.code.as_str()),
            (path, line, col, severity, code),
            "{text}"
        );
        assert!(d.message.starts_with(message), "{:?} starts with {message:?}", d.message);
    }
    assert!(
        text.contains(
            ".kiro/specs/demo/tasks.md:5:18: error[dangling-reference]: criterion 1.9 does not exist in requirements.md"
        ),
        "{text}"
    );
    // 1-based UTF-16 column 53; counting chars would give 52, bytes 59.
    assert_eq!(design_col, 53);
}

#[test]
fn warnings_alone_exit_0() {
    let fx = Fixture::new("warnings");
    fx.write(".kiro/specs/w/requirements.md", DEMO_REQUIREMENTS)
        .write(".kiro/specs/w/design.md", CLEAN_DESIGN)
        .write(".kiro/specs/w/tasks.md", CLEAN_TASKS);
    let out = run(&fx, &["check"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let (diags, summary) = parse_text(&stdout(&out));
    assert_eq!(summary, "checked 1 spec: 0 errors, 2 warnings, 0 notes");
    assert!(diags.iter().all(|d| d.code == "uncovered-criterion" && d.severity == "warning"));
}

#[test]
fn information_and_hints_print_as_notes_as_the_summary_counts_them() {
    // No design.md or tasks.md yet (information) and a `title:` key Kiro
    // does not read (a hint).
    let fx = Fixture::new("notes");
    fx.write(".kiro/specs/w/requirements.md", CLEAN_REQUIREMENTS)
        .write(".kiro/steering/git.md", "---\ntitle: Git\n---\nCommit often.\n");
    let out = run(&fx, &["check"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let (diags, summary) = parse_text(&stdout(&out));
    assert_eq!(summary, "checked 1 spec and 1 steering file: 0 errors, 0 warnings, 3 notes");
    let levels: Vec<(&str, &str)> = diags.iter().map(|d| (d.severity.as_str(), d.code.as_str())).collect();
    assert_eq!(
        levels,
        [("note", "missing-document"), ("note", "missing-document"), ("note", codes::FRONT_MATTER)],
        "{diags:#?}"
    );
}

/// `(name, description)` of each line of a help text's `Commands:` section.
fn help_commands(help: &str) -> Vec<(String, String)> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.trim().split_once(' ').map(|(name, rest)| (name.to_string(), rest.trim().to_string())))
        .filter(|(name, _)| name != "help")
        .collect()
}

/// Each command's line in `specwright --help` names every subcommand it has.
#[test]
fn help_names_every_subcommand() {
    let help = stdout(&bin().arg("--help").output().expect("run specwright"));
    let commands = help_commands(&help);
    assert!(commands.iter().any(|(name, _)| name == "hooks"), "{help}");
    for (name, description) in commands {
        let sub_help = stdout(&bin().args([&name, "--help"]).output().expect("run specwright"));
        let words: Vec<&str> = description.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).collect();
        for (sub, _) in help_commands(&sub_help) {
            assert!(
                words.contains(&sub.as_str()),
                "`specwright --help` describes {name} without `{sub}`: {description}"
            );
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    let fx = Fixture::new("usage");
    clean_spec(&fx, "", "greeting");

    let out = run(&fx, &["check", ".", "--format", "yaml"]);
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "", "usage errors print nothing on stdout");
    assert!(stderr(&out).contains("yaml"), "{}", stderr(&out));

    let out = run(&fx, &["check", "does-not-exist"]);
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("does-not-exist"), "{}", stderr(&out));

    // One missing folder among good ones is still a usage error.
    let out = run(&fx, &["check", ".", "does-not-exist", "--format", "json"]);
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "");

    // A file is not a folder.
    let out = run(&fx, &["check", ".kiro/specs/greeting/tasks.md"]);
    assert_eq!(code(&out), 2);

    let out = run(&fx, &["check", "--no-such-flag"]);
    assert_eq!(code(&out), 2);

    // No subcommand: help on stderr.
    let out = run(&fx, &[]);
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("check"), "{}", stderr(&out));
}

#[test]
fn version_flag_prints_the_version() {
    let out = bin().arg("--version").output().expect("run specwright");
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out).trim(), format!("specwright {}", env!("CARGO_PKG_VERSION")));
}

// ---------------------------------------------------------------------------
// JSON output
// ---------------------------------------------------------------------------

#[test]
fn json_report_has_the_documented_fields_and_values() {
    let fx = Fixture::new("json");
    demo_spec(&fx, "", "demo");
    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 1);
    assert_eq!(report["version"], 1);
    assert_eq!(
        report["specs"],
        json!([{
            "name": "demo",
            "path": ".kiro/specs/demo",
            "kind": "feature",
            "requirements": 2,
            "criteria": 4,
            "tasks": 2,
            "subtasks": 2,
            "done": 1,
            "optional": 1,
            // 1.9, 1.1-1.2 (two ids), 2.1 in tasks.md; 1.8 in design.md.
            "references": 5,
            "dangling": ["1.8", "1.9"],
            "uncovered": ["2.2"],
            "documents": ["requirements.md", "design.md", "tasks.md"],
        }])
    );
    assert_eq!(
        report["summary"],
        json!({"specs": 1, "steering": 0, "hooks": 0, "mcp": 0, "errors": 2, "warnings": 1, "information": 0, "hints": 0})
    );
    assert_eq!(report["steering"], json!([]));
    assert_eq!(report["hooks"], json!([]));

    let diags = report["diagnostics"].as_array().expect("diagnostics");
    let brief: Vec<(&str, &str, &str)> = diags
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["severity"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        brief,
        [
            (".kiro/specs/demo/requirements.md", "warning", "uncovered-criterion"),
            (".kiro/specs/demo/design.md", "error", "dangling-reference"),
            (".kiro/specs/demo/tasks.md", "error", "dangling-reference"),
        ]
    );
    // 0-based lines, UTF-16 columns, the range covering the id.
    assert_eq!(diags[2]["range"], json!({"start": {"line": 4, "character": 17}, "end": {"line": 4, "character": 20}}));
    let c = utf16_col(DEMO_DESIGN, 10, "1.8");
    assert_eq!(
        diags[1]["range"],
        json!({"start": {"line": 10, "character": c}, "end": {"line": 10, "character": c + 3}})
    );
    assert_eq!(diags[0]["range"]["start"]["line"], 20);
    assert!(diags[2]["message"].as_str().unwrap().contains("Requirement 1 has criteria 1.1, 1.2"));
}

#[test]
fn json_report_of_a_clean_spec_and_of_no_spec() {
    let fx = Fixture::new("json-clean");
    clean_spec(&fx, "", "greeting");
    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 0);
    assert_eq!(report["diagnostics"], json!([]));
    assert_eq!(report["specs"][0]["dangling"], json!([]));
    assert_eq!(report["specs"][0]["uncovered"], json!([]));
    assert_eq!(report["specs"][0]["references"], 3);

    // A folder with no spec at all is not an error.
    let empty = Fixture::new("json-empty");
    let (status, report) = check_json(&empty, ".");
    assert_eq!(status, 0);
    assert_eq!(
        report,
        json!({
            "version": 1,
            "specs": [],
            "steering": [],
            "hooks": [],
            "mcp": [],
            "diagnostics": [],
            "summary": {"specs": 0, "steering": 0, "hooks": 0, "mcp": 0, "errors": 0, "warnings": 0, "information": 0, "hints": 0},
        })
    );
}

#[test]
fn bugfix_spec_reports_kind_bugfix() {
    let fx = Fixture::new("bugfix");
    fx.write(
        ".kiro/specs/fix/.config.kiro",
        r#"{"specId": "1", "workflowType": "requirements-first", "specType": "bugfix"}"#,
    )
    .write(".kiro/specs/fix/design.md", "# Design\n")
    .write(".kiro/specs/fix/tasks.md", "# Tasks\n\n- [ ] 1. Fix it\n");
    let (_, report) = check_json(&fx, ".");
    assert_eq!(report["specs"][0]["kind"], "bugfix");
    assert_eq!(report["specs"][0]["documents"], json!(["design.md", "tasks.md", ".config.kiro"]));
    let diags = report["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().any(|d| d["code"] == "missing-document" && d["message"].as_str().unwrap().contains("bugfix.md")),
        "{report:#}"
    );
}

#[test]
fn logs_never_reach_stdout() {
    let fx = Fixture::new("logs");
    demo_spec(&fx, "", "demo");
    for level in ["debug", "trace"] {
        let out = bin()
            .args(["check", ".", "--format", "json"])
            .current_dir(&fx.root)
            .env("SPECWRIGHT_LOG", level)
            .output()
            .expect("run specwright");
        assert_eq!(code(&out), 1);
        let report = json_of(&out);
        validate_report(&report);
        assert_eq!(report["summary"]["errors"], 2);

        let out = bin()
            .args(["check", ".", "--format", "sarif"])
            .current_dir(&fx.root)
            .env("SPECWRIGHT_LOG", level)
            .output()
            .unwrap();
        json_of(&out);
    }
}

// ---------------------------------------------------------------------------
// SARIF output
// ---------------------------------------------------------------------------

#[test]
fn sarif_report_is_sarif_2_1_0() {
    let fx = Fixture::new("sarif");
    demo_spec(&fx, "", "demo");
    let out = run(&fx, &["check", "--format", "sarif", "."]);
    assert_eq!(code(&out), 1);
    let sarif = json_of(&out);
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "specwright");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

    // One rule per stable code: Code::ALL order, then the steering codes in
    // codes::ALL order, then the hook codes in hook_codes::ALL order.
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, all_codes());
    let descriptions = Code::ALL
        .iter()
        .map(|c| c.description())
        .chain(codes::ALL.iter().map(|c| codes::description(c)))
        .chain(hook_codes::ALL.iter().map(|c| hook_codes::description(c)))
        .chain(mcp_codes::ALL.iter().map(|c| mcp_codes::description(c)));
    assert_eq!(rules.len(), descriptions.clone().count());
    for (rule, description) in rules.iter().zip(descriptions) {
        assert!(!description.is_empty(), "{rule}");
        assert_eq!(rule["shortDescription"]["text"], description);
        assert_eq!(rule["name"], rule["id"]);
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(matches!(level, "error" | "warning" | "note"), "{level}");
    }

    // Results mirror the JSON report, with 1-based regions.
    let report = check_json(&fx, ".").1;
    let results = run0["results"].as_array().expect("results");
    let diags = report["diagnostics"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    for (r, d) in results.iter().zip(diags) {
        assert_eq!(r["ruleId"], d["code"]);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let level = match d["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], level);
        assert_eq!(r["message"]["text"], d["message"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], d["path"]);
        let region = &loc["region"];
        let at = |p: &str, k: &str| d["range"][p][k].as_u64().unwrap() + 1;
        assert_eq!(region["startLine"].as_u64(), Some(at("start", "line")));
        assert_eq!(region["startColumn"].as_u64(), Some(at("start", "character")));
        assert_eq!(region["endLine"].as_u64(), Some(at("end", "line")));
        assert_eq!(region["endColumn"].as_u64(), Some(at("end", "character")));
    }
    let tasks = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".kiro/specs/demo/tasks.md");
    let region = &tasks.expect("a result in tasks.md")["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region, &json!({"startLine": 5, "startColumn": 18, "endLine": 5, "endColumn": 21}));

    // A clean spec gives no result and exit 0.
    let clean = Fixture::new("sarif-clean");
    clean_spec(&clean, "", "greeting");
    let out = run(&clean, &["check", "--format", "sarif"]);
    assert_eq!(code(&out), 0);
    assert_eq!(json_of(&out)["runs"][0]["results"], json!([]));
}

#[test]
fn sarif_uris_are_percent_encoded() {
    let fx = Fixture::new("sarif-uri");
    demo_spec(&fx, "", "my spec");
    let out = run(&fx, &["check", "--format", "sarif"]);
    let sarif = json_of(&out);
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&".kiro/specs/my%20spec/tasks.md"), "{uris:?}");
    // The text and JSON formats keep the plain path.
    let (_, report) = check_json(&fx, ".");
    assert_eq!(report["specs"][0]["path"], ".kiro/specs/my spec");
}

// ---------------------------------------------------------------------------
// Which folders are checked
// ---------------------------------------------------------------------------

#[test]
fn no_dir_checks_the_current_folder() {
    let fx = Fixture::new("cwd");
    demo_spec(&fx, "", "demo");
    let out = run(&fx, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json_of(&out);
    validate_report(&report);
    assert_eq!(report["specs"][0]["path"], ".kiro/specs/demo");
    assert_eq!(report["diagnostics"][0]["path"], ".kiro/specs/demo/requirements.md");

    // From inside a workspace subfolder without `.kiro/`, nothing is found.
    let out = run_in(&fx.path(".kiro/specs/demo"), &["check", "--format", "json"]);
    assert_eq!(code(&out), 0);
    assert_eq!(json_of(&out)["summary"]["specs"], 0);
}

#[test]
fn nested_workspaces_are_found() {
    let fx = Fixture::new("nested");
    clean_spec(&fx, "a/", "alpha");
    demo_spec(&fx, "b/", "beta");
    clean_spec(&fx, "c/deeper/", "gamma");
    // Dependencies and build output are not searched.
    demo_spec(&fx, "node_modules/pkg/", "skipped");
    demo_spec(&fx, "target/x/", "skipped");
    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 1);
    let paths: Vec<&str> = report["specs"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["a/.kiro/specs/alpha", "b/.kiro/specs/beta", "c/deeper/.kiro/specs/gamma"]);
    assert_eq!(report["summary"]["specs"], 3);
    assert_eq!(report["summary"]["errors"], 2);
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["path"].as_str().unwrap().starts_with("b/.kiro/specs/beta/"))
    );

    // Text paths are relative to DIR too.
    let out = run(&fx, &["check"]);
    assert!(stdout(&out).contains("b/.kiro/specs/beta/tasks.md:5:18: error[dangling-reference]"), "{}", stdout(&out));

    // Checking a subfolder: paths relative to it.
    let (_, report) = check_json(&fx, "b");
    assert_eq!(report["specs"][0]["path"], ".kiro/specs/beta");
}

#[test]
fn several_dirs_prefix_paths_with_the_dir_given() {
    let fx = Fixture::new("several");
    clean_spec(&fx, "a/", "alpha");
    demo_spec(&fx, "b/", "beta");
    let out = run(&fx, &["check", "a/", "b", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json_of(&out);
    validate_report(&report);
    let paths: Vec<&str> = report["specs"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["a/.kiro/specs/alpha", "b/.kiro/specs/beta"]);
    assert_eq!(report["diagnostics"][0]["path"], "b/.kiro/specs/beta/requirements.md");
}

// ---------------------------------------------------------------------------
// Damaged workspaces
// ---------------------------------------------------------------------------

#[test]
fn damaged_spec_folders_load_with_sensible_diagnostics() {
    let fx = Fixture::new("damaged");
    fx.write(".kiro/specs/broken/.config.kiro", "{\"specId\": \n")
        .write(".kiro/specs/broken/requirements.md", "")
        // Invalid UTF-8, NULs and a lone continuation byte around a real task.
        .write(
            ".kiro/specs/broken/tasks.md",
            b"\xff\xfe\x00garbage\n- [x] 1. Caf\xe9 \x80 task\n  - _Requirements: 1.1_\n\x00\x01\x02",
        )
        .write(".kiro/specs/broken/.tasks-meta.json", "not json")
        // A loose file beside the spec folders, an empty folder, a folder of folders.
        .write(".kiro/specs/notes.md", "# notes\n")
        .mkdir(".kiro/specs/empty")
        .mkdir(".kiro/specs/only-folders/sub")
        // A document that is a folder cannot be read.
        .write(".kiro/specs/odd/requirements.md", CLEAN_REQUIREMENTS)
        .mkdir(".kiro/specs/odd/design.md")
        // A spec of loose notes only.
        .write(".kiro/specs/loose/NOTES.txt", "todo");

    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 1, "{report:#}");
    let names: Vec<&str> = report["specs"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["broken", "loose", "odd"], "loose files and empty folders are not specs");

    let broken = &report["specs"][0];
    assert_eq!(broken["requirements"], 0);
    assert_eq!(broken["tasks"], 1);
    assert_eq!(broken["done"], 1);
    assert_eq!(broken["dangling"], json!(["1.1"]));
    assert_eq!(broken["documents"], json!(["requirements.md", "tasks.md", ".config.kiro", ".tasks-meta.json"]));

    let diags = report["diagnostics"].as_array().unwrap();
    let has = |path: &str, code: &str, severity: &str| {
        diags.iter().any(|d| d["path"] == path && d["code"] == code && d["severity"] == severity)
    };
    assert!(has(".kiro/specs/broken/.config.kiro", "malformed-config", "error"), "{report:#}");
    assert!(has(".kiro/specs/broken/.tasks-meta.json", "malformed-config", "error"), "{report:#}");
    assert!(has(".kiro/specs/broken/tasks.md", "dangling-reference", "error"), "{report:#}");
    assert!(has(".kiro/specs/odd/design.md", "unreadable-file", "error"), "{report:#}");
    let loose: Vec<&Value> =
        diags.iter().filter(|d| d["path"].as_str().unwrap().starts_with(".kiro/specs/loose/")).collect();
    assert!(!loose.is_empty() && loose.iter().all(|d| d["code"] == "missing-document"), "{report:#}");
    assert!(
        loose.iter().any(|d| d["severity"] == "warning" && d["message"].as_str().unwrap().contains("requirements.md"))
    );

    // Every position stays within the file's lines.
    for d in diags {
        let path = fx.path(d["path"].as_str().unwrap());
        let lines =
            std::fs::read(&path).map(|b| String::from_utf8_lossy(&b).lines().count().max(1)).unwrap_or(1) as u64;
        for end in ["start", "end"] {
            assert!(d["range"][end]["line"].as_u64().unwrap() <= lines, "{d:#}");
        }
    }

    // The text and SARIF formats cope as well.
    let out = run(&fx, &["check"]);
    assert_eq!(code(&out), 1);
    let (diags_text, summary) = parse_text(&stdout(&out));
    assert_eq!(diags_text.len(), diags.len());
    assert!(summary.starts_with("checked 3 specs: "), "{summary}");
    let out = run(&fx, &["check", "--format", "sarif"]);
    assert_eq!(code(&out), 1);
    assert_eq!(json_of(&out)["runs"][0]["results"].as_array().unwrap().len(), diags.len());
}

#[test]
fn a_kiro_folder_without_specs_is_empty() {
    let fx = Fixture::new("no-specs");
    fx.write(".kiro/steering/product.md", "# Product\n").write(".kiro/specs", "a file, not a folder");
    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 0);
    assert_eq!(report["summary"]["specs"], 0);
    assert_eq!(report["summary"]["steering"], 1);
    assert_eq!(
        report["steering"],
        json!([{"path": ".kiro/steering/product.md", "inclusion": "always", "patterns": [], "name": null, "source": "workspace"}])
    );
}

// ---------------------------------------------------------------------------
// Steering documents
// ---------------------------------------------------------------------------

const CLEAN_STEERING: &str = "---
inclusion: fileMatch
fileMatchPattern: [\"src/**/*.ts\", \"*.tsx\"]
name: TypeScript
---

# TypeScript

Use strict mode.
";

/// Line 1 (0-based): an unknown inclusion at column 11. Line 5: a reference
/// to a missing file after non-ASCII text, so its UTF-16 column differs from
/// its byte and char columns.
const BAD_STEERING: &str = "---
inclusion: sometimes
---

# Notes
Café ünïcödé 😀, see #[[file:missing.md]] for more.
";

/// A workspace with a clean spec, a clean and a bad steering document, and
/// two `AGENTS.md` files, under `base`.
fn steering_workspace(fx: &Fixture, base: &str) {
    clean_spec(fx, base, "greeting");
    fx.write(&format!("{base}.kiro/steering/typescript.md"), CLEAN_STEERING)
        .write(&format!("{base}.kiro/steering/bad.md"), BAD_STEERING)
        .write(&format!("{base}AGENTS.md"), "# Agents\n\nRun the tests.\n")
        .write(&format!("{base}pkg/AGENTS.md"), "# The package\n");
}

#[test]
fn steering_diagnostics_are_reported_with_their_codes() {
    let fx = Fixture::new("steering");
    steering_workspace(&fx, "");
    let missing_col = utf16_col(BAD_STEERING, 5, "missing.md");
    // 1-based UTF-16 column 30; counting chars would give 29, bytes 36.
    assert_eq!(missing_col + 1, 30);

    // Text: compiler-like lines with 1-based positions, and exit 1.
    let out = run(&fx, &["check"]);
    assert_eq!(code(&out), 1, "stdout:\n{}\nstderr:\n{}", stdout(&out), stderr(&out));
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    let (diags, summary) = parse_text(&text);
    assert_eq!(summary, "checked 1 spec and 4 steering files: 2 errors, 0 warnings, 0 notes");
    let brief: Vec<(&str, u64, u64, &str, &str)> =
        diags.iter().map(|d| (d.path.as_str(), d.line, d.col, d.severity.as_str(), d.code.as_str())).collect();
    assert_eq!(
        brief,
        [
            (".kiro/steering/bad.md", 2, 12, "error", codes::UNKNOWN_INCLUSION),
            (".kiro/steering/bad.md", 6, missing_col + 1, "error", codes::MISSING_FILE),
        ],
        "{text}"
    );
    assert!(
        text.contains(
            ".kiro/steering/bad.md:2:12: error[steering-unknown-inclusion]: unknown inclusion `sometimes`; \
             expected always, fileMatch, manual or auto (read as manual: included only when asked for)\n"
        ),
        "{text}"
    );
    assert!(diags[1].message.contains("`missing.md` does not exist"), "{text}");

    // JSON: the steering documents in order, and their diagnostics after the specs'.
    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 1);
    assert_eq!(
        report["steering"],
        json!([
            {"path": "AGENTS.md", "inclusion": "always", "patterns": [], "name": null, "source": "agents"},
            {"path": ".kiro/steering/bad.md", "inclusion": "manual", "patterns": [], "name": null, "source": "workspace"},
            {
                "path": ".kiro/steering/typescript.md",
                "inclusion": "fileMatch",
                "patterns": ["src/**/*.ts", "*.tsx"],
                "name": "TypeScript",
                "source": "workspace",
            },
            {"path": "pkg/AGENTS.md", "inclusion": "always", "patterns": [], "name": null, "source": "agents"},
        ])
    );
    assert_eq!(
        report["diagnostics"],
        json!([
            {
                "path": ".kiro/steering/bad.md",
                "range": {"start": {"line": 1, "character": 11}, "end": {"line": 1, "character": 20}},
                "severity": "error",
                "code": "steering-unknown-inclusion",
                "message": "unknown inclusion `sometimes`; expected always, fileMatch, manual or auto (read as manual: included only when asked for)",
            },
            {
                "path": ".kiro/steering/bad.md",
                "range": {"start": {"line": 5, "character": missing_col}, "end": {"line": 5, "character": missing_col + 10}},
                "severity": "error",
                "code": "steering-missing-file",
                "message": diags[1].message,
            },
        ])
    );
    assert_eq!(
        report["summary"],
        json!({"specs": 1, "steering": 4, "hooks": 0, "mcp": 0, "errors": 2, "warnings": 0, "information": 0, "hints": 0})
    );

    // SARIF: results point at the steering rules, which follow the spec rules.
    let out = run(&fx, &["check", "--format", "sarif"]);
    assert_eq!(code(&out), 1);
    let sarif = json_of(&out);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert_eq!(ids, [codes::UNKNOWN_INCLUSION, codes::MISSING_FILE]);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert!(index >= Code::ALL.len(), "{r}");
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert_eq!(rules[index]["shortDescription"]["text"], codes::description(r["ruleId"].as_str().unwrap()));
        assert_eq!(r["level"], "error");
        assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], ".kiro/steering/bad.md");
    }
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 6, "startColumn": missing_col + 1, "endLine": 6, "endColumn": missing_col + 11})
    );
}

#[test]
fn clean_steering_exits_0() {
    let fx = Fixture::new("steering-clean");
    fx.write(".kiro/steering/typescript.md", CLEAN_STEERING)
        .write(".kiro/steering/product.md", "# Product\n\nNo front matter: always included.\n")
        .write(".kiro/steering/nested/api.md", "---\ninclusion: manual\nname: api\n---\n# API\n");
    let out = run(&fx, &["check"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(stdout(&out), "checked 0 specs and 3 steering files: 0 errors, 0 warnings, 0 notes\n");
    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 0);
    assert_eq!(report["diagnostics"], json!([]));
    let paths: Vec<&str> = report["steering"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert_eq!(paths, [".kiro/steering/nested/api.md", ".kiro/steering/product.md", ".kiro/steering/typescript.md"]);
    assert_eq!(report["steering"][0]["name"], "api");

    // A steering warning alone does not fail the check either.
    let warned = Fixture::new("steering-warning");
    warned.write(".kiro/steering/auto.md", "---\ninclusion: auto\n---\n# Auto\n");
    let out = run(&warned, &["check"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let (diags, summary) = parse_text(&stdout(&out));
    assert_eq!(summary, "checked 0 specs and 1 steering file: 0 errors, 1 warning, 0 notes");
    assert_eq!((diags[0].code.as_str(), diags[0].severity.as_str()), (codes::MISSING_DESCRIPTION, "warning"));
}

#[test]
fn steering_paths_are_relative_to_dir_and_prefixed_like_specs() {
    let fx = Fixture::new("steering-nested");
    steering_workspace(&fx, "a/");
    fx.write("b/.kiro/steering/ok.md", "# OK\n");

    // A nested workspace: paths start with its folder.
    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 1);
    let paths: Vec<&str> = report["steering"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "a/AGENTS.md",
            "a/.kiro/steering/bad.md",
            "a/.kiro/steering/typescript.md",
            "a/pkg/AGENTS.md",
            "b/.kiro/steering/ok.md"
        ]
    );
    assert!(report["diagnostics"].as_array().unwrap().iter().all(|d| d["path"] == "a/.kiro/steering/bad.md"));

    // Several DIRs: paths prefixed by the DIR as given.
    let out = run(&fx, &["check", "a/", "b", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json_of(&out);
    validate_report(&report);
    assert_eq!(report["steering"][1]["path"], "a/.kiro/steering/bad.md");
    assert_eq!(report["steering"][4]["path"], "b/.kiro/steering/ok.md");
    assert_eq!(report["diagnostics"][0]["path"], "a/.kiro/steering/bad.md");
    let out = run(&fx, &["check", "b"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "checked 0 specs and 1 steering file: 0 errors, 0 warnings, 0 notes\n");
}

// ---------------------------------------------------------------------------
// Hook files
// ---------------------------------------------------------------------------

const LINT_HOOK: &str = r#"{
  "enabled": true,
  "name": "Lint",
  "description": "Lint TypeScript on save",
  "version": "1",
  "when": { "type": "fileEdited", "patterns": ["src/**/*.ts"] },
  "then": { "type": "askAgent", "prompt": "Lint the saved file." }
}
"#;

/// Line 3 (0-based): the first hook's `matcher` (columns 62..76) does not
/// compile; the second hook is valid.
const V1_HOOKS: &str = r#"{
  "version": "v1",
  "hooks": [
    { "name": "Format", "trigger": "PostFileSave", "matcher": "src/(.*\\.ts", "action": { "type": "command", "command": "npm run fmt" } },
    { "name": "Stop", "trigger": "AgentStop", "action": { "type": "agent", "prompt": "Summarise." } }
  ]
}
"#;

#[test]
fn hook_diagnostics_are_reported_with_their_codes() {
    let fx = Fixture::new("hooks");
    // Line 5 (0-based): `when.type` is `"onSave"`, at columns 20..28.
    fx.write(".kiro/hooks/lint.kiro.hook", LINT_HOOK)
        .write(".kiro/hooks/broken.kiro.hook", LINT_HOOK.replace("fileEdited", "onSave"))
        .write(".kiro/hooks/hooks.json", V1_HOOKS)
        .write(".kiro/hooks/notes.md", "# Not a hook file\n");
    let trigger_message = format!(
        "`when.type` must be one of {}; `onSave` is not a Kiro hook trigger (did you mean `fileEdited`?)",
        "fileEdited, fileCreated, fileDeleted, userTriggered, promptSubmit, agentStop, preToolUse, postToolUse, \
         preTaskExecution, postTaskExecution"
    );
    let regex_message = "`hooks[0].matcher` must be a regular expression matched against the workspace-relative path: error: unclosed group";

    // Text: compiler-like lines with 1-based positions, and exit 1.
    let out = run(&fx, &["check"]);
    assert_eq!(code(&out), 1, "stdout:\n{}\nstderr:\n{}", stdout(&out), stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(
        stdout(&out),
        format!(
            ".kiro/hooks/broken.kiro.hook:6:21: error[hook-unknown-trigger]: {trigger_message}\n\
             .kiro/hooks/hooks.json:4:63: error[hook-bad-pattern]: {regex_message}\n\
             checked 0 specs and 3 hook files: 2 errors, 0 warnings, 0 notes\n"
        )
    );
    parse_text(&stdout(&out));

    // JSON: the hook files by path, with their valid hooks counted, and
    // their diagnostics; validated against the schema.
    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 1);
    assert_eq!(
        report["hooks"],
        json!([
            {"path": ".kiro/hooks/broken.kiro.hook", "format": "legacy", "hooks": 0},
            {"path": ".kiro/hooks/hooks.json", "format": "v1", "hooks": 1},
            {"path": ".kiro/hooks/lint.kiro.hook", "format": "legacy", "hooks": 1},
        ])
    );
    assert_eq!(
        report["diagnostics"],
        json!([
            {
                "path": ".kiro/hooks/broken.kiro.hook",
                "range": {"start": {"line": 5, "character": 20}, "end": {"line": 5, "character": 28}},
                "severity": "error",
                "code": "hook-unknown-trigger",
                "message": trigger_message,
            },
            {
                "path": ".kiro/hooks/hooks.json",
                "range": {"start": {"line": 3, "character": 62}, "end": {"line": 3, "character": 76}},
                "severity": "error",
                "code": "hook-bad-pattern",
                "message": regex_message,
            },
        ])
    );
    assert_eq!(
        report["summary"],
        json!({"specs": 0, "steering": 0, "hooks": 3, "mcp": 0, "errors": 2, "warnings": 0, "information": 0, "hints": 0})
    );

    // SARIF: results point at the hook rules, which follow the steering rules.
    let out = run(&fx, &["check", "--format", "sarif"]);
    assert_eq!(code(&out), 1);
    let sarif = json_of(&out);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert_eq!(ids, [hook_codes::UNKNOWN_TRIGGER, hook_codes::BAD_PATTERN]);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert!(index >= Code::ALL.len() + codes::ALL.len(), "{r}");
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert_eq!(rules[index]["shortDescription"]["text"], hook_codes::description(r["ruleId"].as_str().unwrap()));
        assert_eq!(r["level"], "error");
    }
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"],
        json!({
            "artifactLocation": {"uri": ".kiro/hooks/hooks.json", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 4, "startColumn": 63, "endLine": 4, "endColumn": 77},
        })
    );

    // With steering too: both counted in the summary.
    fx.write(".kiro/steering/tech.md", "# Tech\n");
    let out = run(&fx, &["check"]);
    assert!(
        stdout(&out).ends_with("checked 0 specs, 1 steering file and 3 hook files: 2 errors, 0 warnings, 0 notes\n")
    );

    // A nested workspace: paths start with its folder.
    let nested = Fixture::new("hooks-nested");
    nested.write("a/.kiro/hooks/hooks.json", V1_HOOKS);
    let (status, report) = check_json(&nested, ".");
    assert_eq!(status, 1);
    assert_eq!(report["hooks"], json!([{"path": "a/.kiro/hooks/hooks.json", "format": "v1", "hooks": 1}]));
    assert_eq!(report["diagnostics"][0]["path"], "a/.kiro/hooks/hooks.json");

    // Valid hooks only: exit 0.
    let clean = Fixture::new("hooks-clean");
    clean.write(".kiro/hooks/lint.kiro.hook", LINT_HOOK);
    let out = run(&clean, &["check"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "checked 0 specs and 1 hook file: 0 errors, 0 warnings, 0 notes\n");
}

/// The real-world corpus (`../shared/corpus/kiro`, beside the repository):
/// every format runs to the end, and the steering findings are the ones
/// counted by reading its 66 steering files: `inclusion: never` (an error)
/// and six `title:` keys Kiro does not read (hints).
#[test]
fn the_corpus_checks_without_panicking() {
    let corpus = repo_root().join("../shared/corpus/kiro");
    assert!(
        corpus.is_dir(),
        "THE CORPUS IS MISSING: expected the real-world Kiro corpus at {} (shared/corpus/kiro beside the repository). \
         This test needs it; it does not skip.",
        corpus.display()
    );
    let dir = corpus.to_str().expect("a UTF-8 path");
    for format in ["text", "sarif"] {
        let out = bin().args(["check", dir, "--format", format]).output().expect("run specwright");
        // The corpus's specs have error-level findings; a panic would exit 101.
        assert_eq!(code(&out), 1, "{format}: stderr:\n{}", stderr(&out));
        assert_eq!(stderr(&out), "", "{format}");
    }
    let out = bin().args(["check", dir, "--format", "json"]).output().expect("run specwright");
    assert_eq!(code(&out), 1, "stderr:\n{}", stderr(&out));
    let report = json_of(&out);
    validate_report(&report);
    assert_eq!(report["summary"]["steering"], 66);
    assert_eq!(report["steering"].as_array().unwrap().len(), 66);
    let steering: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("steering-"))
        .collect();
    let brief: Vec<(&str, &str)> =
        steering.iter().map(|d| (d["severity"].as_str().unwrap(), d["code"].as_str().unwrap())).collect();
    assert_eq!(brief.len(), 7, "{steering:#?}");
    assert_eq!(brief.iter().filter(|b| **b == ("error", codes::UNKNOWN_INCLUSION)).count(), 1, "{steering:#?}");
    assert_eq!(brief.iter().filter(|b| **b == ("hint", codes::FRONT_MATTER)).count(), 6, "{steering:#?}");
    let never = steering.iter().find(|d| d["code"] == codes::UNKNOWN_INCLUSION).unwrap();
    assert_eq!(never["path"], "llamojha__no-vibe-no-code-kiroween/.kiro/steering/git-best-practices.md");
    assert!(never["message"].as_str().unwrap().contains("`never`"), "{never}");
    let never_doc = report["steering"].as_array().unwrap().iter().find(|s| s["path"] == never["path"]).unwrap();
    assert_eq!(never_doc["inclusion"], "manual");

    // Hooks: 38 hook files (the corpus's `.kiro/hooks/` folders also hold 7
    // Markdown files, which are not hook files), 22 valid hooks.
    assert_eq!(report["summary"]["hooks"], 38);
    let hooks = report["hooks"].as_array().unwrap();
    assert_eq!(hooks.len(), 38);
    assert_eq!(hooks.iter().map(|h| h["hooks"].as_u64().unwrap()).sum::<u64>(), 22);
    assert_eq!(hooks.iter().filter(|h| h["format"] == "legacy").count(), 27);
    assert_eq!(hooks.iter().filter(|h| h["format"] == "v1").count(), 11);
    let hook_diags: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("hook-"))
        .map(|d| (d["severity"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    let count = |b: (&str, &str)| hook_diags.iter().filter(|d| **d == b).count();
    assert_eq!(count(("error", hook_codes::MISSING_FIELD)), 25, "{hook_diags:?}");
    assert_eq!(count(("hint", hook_codes::UNKNOWN_KEY)), 30, "{hook_diags:?}");
    assert_eq!(count(("error", hook_codes::UNKNOWN_FORMAT)), 10, "{hook_diags:?}");
    assert_eq!(count(("error", hook_codes::UNKNOWN_TRIGGER)), 5, "{hook_diags:?}");
    assert_eq!(hook_diags.len(), 70, "{hook_diags:?}");
    assert!(
        report["diagnostics"].as_array().unwrap().iter().all(|d| {
            let p = d["path"].as_str().unwrap();
            !p.contains("/.kiro/hooks/") || p.ends_with(".kiro.hook") || p.ends_with(".json")
        }),
        "only hook files are read in .kiro/hooks/"
    );

    // MCP: 3 configurations, 13 servers; none with an error (their 7
    // `description` keys are hints; commands may be missing here: warnings).
    assert_eq!(report["summary"]["mcp"], 3);
    let servers: u64 = report["mcp"].as_array().unwrap().iter().map(|m| m["servers"].as_u64().unwrap()).sum();
    assert_eq!(servers, 13);
    let mcp_diags: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("mcp-"))
        .collect();
    assert!(mcp_diags.iter().all(|d| d["severity"] != "error"), "{mcp_diags:#?}");
    let hints = mcp_diags.iter().filter(|d| d["code"] == mcp_codes::UNKNOWN_KEY).count();
    assert_eq!(hints, 7, "{mcp_diags:#?}");
}

// ---------------------------------------------------------------------------
// MCP configuration (.kiro/settings/mcp.json)
// ---------------------------------------------------------------------------

/// Line 3: a misspelt key; line 4: a command that is on no PATH; line 5: a
/// variable that is not set; line 8: a reserved header; line 9: a tool
/// twice; line 11: neither command nor url.
const MCP_JSON: &str = r#"{
  "mcpServers": {
    "local": { "command": "specwright-no-such-mcp-server", "autoAprove": ["x"],
      "args": ["--stdio"],
      "env": { "TOKEN": "${SPECWRIGHT_TEST_UNSET_VAR}" } },
    // JSONC: comments and trailing commas, as Kiro's editor allows.
    "remote": { "url": "https://mcp.example.com/mcp",
      "headers": { "Accept": "text/plain", },
      "disabledTools": ["a", "a"] },
    "broken": {
      "args": [] },
  },
}
"#;

#[test]
fn check_reports_the_mcp_configuration() {
    let fx = Fixture::new("mcp");
    fx.write(".kiro/settings/mcp.json", MCP_JSON);
    let out = bin()
        .args(["check", "--format", "text"])
        .current_dir(&fx.root)
        .env_remove("SPECWRIGHT_TEST_UNSET_VAR")
        .output()
        .expect("run specwright");
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let at = |l: &str| l.split(": ").next().unwrap_or("").to_string();
    let brief: Vec<String> =
        lines[..lines.len() - 1].iter().map(|l| format!("{} {}", at(l), l.split(": ").nth(1).unwrap_or(""))).collect();
    assert_eq!(
        brief,
        [
            ".kiro/settings/mcp.json:3:27 warning[mcp-command-not-found]",
            ".kiro/settings/mcp.json:3:60 warning[mcp-unknown-key]",
            ".kiro/settings/mcp.json:5:26 warning[mcp-unset-variable]",
            ".kiro/settings/mcp.json:8:20 error[mcp-bad-header]",
            ".kiro/settings/mcp.json:9:30 warning[mcp-duplicate-tool]",
            ".kiro/settings/mcp.json:10:5 error[mcp-command-or-url]",
        ],
        "{text}"
    );
    assert!(text.contains("did you mean `autoApprove`?"), "{text}");
    assert!(text.contains("`SPECWRIGHT_TEST_UNSET_VAR` is not set"), "{text}");
    assert_eq!(lines.last().unwrap(), &"checked 0 specs and 1 MCP configuration: 2 errors, 4 warnings, 0 notes");

    let (status, report) = check_json(&fx, ".");
    assert_eq!(status, 1);
    assert_eq!(report["mcp"], json!([{"path": ".kiro/settings/mcp.json", "servers": 1}]), "only `local` is valid");
    assert_eq!(report["summary"]["mcp"], 1);
    let unset = report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "mcp-unset-variable").unwrap();
    assert_eq!(unset["range"], json!({"start": {"line": 4, "character": 25}, "end": {"line": 4, "character": 53}}));

    let out = run(&fx, &["check", "--format", "sarif"]);
    let sarif = json_of(&out);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert_eq!(rules[index]["shortDescription"]["text"], mcp_codes::description(r["ruleId"].as_str().unwrap()));
    }

    // A valid configuration: exit 0, counted in the summary.
    let clean = Fixture::new("mcp-clean");
    clean.write(".kiro/settings/mcp.json", r#"{"mcpServers": {"r": {"url": "https://x.example/mcp"}}}"#);
    let out = run(&clean, &["check"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "checked 0 specs and 1 MCP configuration: 0 errors, 0 warnings, 0 notes\n");
}

/// `schemas/mcp.schema.json` accepts every configuration of the corpus and
/// the documented examples, and rejects what Kiro would not run.
#[test]
fn mcp_schema_accepts_kiro_configurations_and_rejects_broken_ones() {
    let schema = read_json("schemas/mcp.schema.json");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(&schema).expect("mcp.schema.json is a valid schema");
    let validator = jsonschema::draft202012::new(&schema).expect("mcp.schema.json compiles");
    let corpus = repo_root().join("../shared/corpus/kiro");
    let mut seen = 0;
    for entry in std::fs::read_dir(&corpus).expect("the corpus") {
        let path = entry.expect("entry").path().join(".kiro/settings/mcp.json");
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let value: Value = serde_json::from_str(&text).expect("corpus files are plain JSON");
        let errors: Vec<String> =
            validator.iter_errors(&value).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        seen += 1;
    }
    assert_eq!(seen, 3);
    let good = [
        json!({"mcpServers": {}}),
        json!({"mcpServers": {"l": {"command": "npx", "args": ["-y", "x"], "env": {"A": "${B}"}, "disabled": false,
            "autoApprove": ["*"], "disabledTools": ["t"], "timeout": 60000}}}),
        json!({"mcpServers": {"r": {"url": "https://api.example.com/mcp", "headers": {"Authorization": "Bearer ${T}"},
            "oauth": {"clientId": "c", "redirectUri": "127.0.0.1:8080"}, "oauthScopes": ["read"]}}}),
        json!({"mcpServers": {"r": {"url": "http://localhost:3000/mcp"}}}),
    ];
    for v in &good {
        assert!(validator.is_valid(v), "{v}");
    }
    let bad = [
        json!([]),
        json!({"servers": {}}),
        json!({"mcpServers": {"x": {}}}),
        json!({"mcpServers": {"x": {"command": "a", "url": "https://b"}}}),
        json!({"mcpServers": {"x": {"command": ""}}}),
        json!({"mcpServers": {"x": {"command": "a", "args": "b"}}}),
        json!({"mcpServers": {"x": {"command": "a", "autoAprove": []}}}),
        json!({"mcpServers": {"x": {"command": "a", "autoApprove": ["t", "t"]}}}),
        json!({"mcpServers": {"x": {"command": "a", "timeout": 0}}}),
        json!({"mcpServers": {"x": {"command": "a", "env": {"A": 1}}}}),
        json!({"mcpServers": {"x": {"url": "ws://b"}}}),
        json!({"mcpServers": {"x": {"url": "https://b", "headers": {"accept": "x"}}}}),
        json!({"mcpServers": {"x": {"url": "https://b", "headers": {"MCP-Session-Id": "x"}}}}),
        json!({"mcpServers": {"x": {"url": "https://b", "headers": {"bad name": "x"}}}}),
        json!({"mcpServers": {"x": {"url": "https://b", "oauth": {"client": "c"}}}}),
    ];
    for v in &bad {
        assert!(!validator.is_valid(v), "accepted: {v}");
    }
    // The keys of a server are the parser's (and `description`, which Kiro ignores but people write).
    let mut keys: Vec<&str> =
        schema["$defs"]["server"]["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut known: Vec<&str> = specwright_mcp::config::SERVER_KEYS.iter().copied().chain(["description"]).collect();
    known.sort_unstable();
    assert_eq!(keys, known);
}

// ---------------------------------------------------------------------------
// The examples workspace
// ---------------------------------------------------------------------------

#[test]
fn examples_auth_api_is_clean() {
    let dir = repo_root().join("examples/auth-api");
    let dir = dir.to_str().expect("a UTF-8 path");
    let out = bin().args(["check", dir]).output().expect("run specwright");
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(stdout(&out), "checked 1 spec and 3 steering files: 0 errors, 0 warnings, 0 notes\n");

    let out = bin().args(["check", dir, "--format", "json"]).output().expect("run specwright");
    assert_eq!(code(&out), 0);
    let report = json_of(&out);
    validate_report(&report);
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["warnings"], 0);
    assert_eq!(report["diagnostics"], json!([]));
    let steering: Vec<&str> =
        report["steering"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert_eq!(steering, [".kiro/steering/product.md", ".kiro/steering/structure.md", ".kiro/steering/tech.md"]);
    let spec = &report["specs"][0];
    assert_eq!(spec["name"], "auth-api");
    assert_eq!(spec["path"], ".kiro/specs/auth-api");
    assert_eq!(spec["kind"], "feature");
    assert_eq!(spec["dangling"], json!([]));
    assert_eq!(spec["uncovered"], json!([]));
    assert!(spec["criteria"].as_u64().unwrap() > 0 && spec["tasks"].as_u64().unwrap() > 0);
}

// ---------------------------------------------------------------------------
// schemas/
// ---------------------------------------------------------------------------

fn report_schema() -> Value {
    read_json("schemas/check-report.schema.json")
}

/// Validates a `--format json` report against the schema, listing every error.
fn validate_report(report: &Value) {
    let schema = report_schema();
    let validator = jsonschema::draft202012::new(&schema).expect("the report schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(report).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(
        errors.is_empty(),
        "the report does not match schemas/check-report.schema.json:\n{}\n{report:#}",
        errors.join("\n")
    );
}

#[test]
fn schemas_are_valid_draft_2020_12() {
    let report = report_schema();
    assert_eq!(report["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(&report).expect("check-report.schema.json is a valid schema");

    // The hook file schemas (draft-07, for editors' JSON validation).
    for file in ["schemas/hook-legacy.schema.json", "schemas/hook-v1.schema.json"] {
        let schema = read_json(file);
        jsonschema::meta::validate(&schema).unwrap_or_else(|e| panic!("{file} is not a valid schema: {e}"));
        jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{file} does not compile: {e}"));
    }

    let protocol = read_json("schemas/protocol.json");
    for m in protocol["methods"].as_array().unwrap() {
        // A notification has params and no result.
        let keys: &[&str] = match m["kind"].as_str() {
            Some("request") => &["params", "result"],
            Some("notification") => {
                assert!(m.get("result").is_none(), "{}: a notification has no result", m["method"]);
                &["params"]
            }
            other => panic!("{}: kind {other:?}", m["method"]),
        };
        for key in keys {
            jsonschema::meta::validate(&m[key]).unwrap_or_else(|e| panic!("{}.{key}: {e}", m["method"]));
            jsonschema::draft202012::new(&m[key]).unwrap_or_else(|e| panic!("{}.{key}: {e}", m["method"]));
        }
        assert!(m["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(matches!(m["direction"].as_str(), Some("clientToServer" | "serverToClient")), "{}", m["method"]);
    }
    for c in protocol["commands"].as_array().unwrap() {
        for schema in c["arguments"].as_array().unwrap().iter().chain([&c["result"]]) {
            jsonschema::meta::validate(schema).unwrap_or_else(|e| panic!("{}: {e}", c["command"]));
            jsonschema::draft202012::new(schema).unwrap_or_else(|e| panic!("{}: {e}", c["command"]));
        }
        assert!(c["description"].as_str().is_some_and(|d| !d.is_empty()));
    }
}

/// Every property of every object in the schema has a description.
#[test]
fn every_schema_property_is_described() {
    fn walk(v: &Value, at: &str, missing: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    for (name, prop) in props {
                        if prop.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
                            missing.push(format!("{at}/properties/{name}"));
                        }
                    }
                }
                for (k, child) in map {
                    walk(child, &format!("{at}/{k}"), missing);
                }
            }
            Value::Array(items) => items.iter().enumerate().for_each(|(i, c)| walk(c, &format!("{at}/{i}"), missing)),
            _ => {}
        }
    }
    for file in ["schemas/check-report.schema.json", "schemas/protocol.json", "schemas/mcp.schema.json"] {
        let mut missing = Vec::new();
        walk(&read_json(file), "#", &mut missing);
        assert!(missing.is_empty(), "{file}: properties without a description: {missing:?}");
    }
}

#[test]
fn report_schema_rejects_what_the_report_never_contains() {
    let schema = report_schema();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let good = json!({
        "version": 1,
        "specs": [{
            "name": "s", "path": ".kiro/specs/s", "kind": "feature", "requirements": 1, "criteria": 1,
            "tasks": 1, "subtasks": 0, "done": 0, "optional": 0, "references": 1,
            "dangling": [], "uncovered": ["1.1"], "documents": ["requirements.md", "tasks.md"],
        }],
        "steering": [
            {"path": ".kiro/steering/a.md", "inclusion": "fileMatch", "patterns": ["src/**"], "name": "a", "source": "workspace"},
            {"path": "AGENTS.md", "inclusion": "always", "patterns": [], "name": null, "source": "agents"},
        ],
        "hooks": [
            {"path": ".kiro/hooks/lint.kiro.hook", "format": "legacy", "hooks": 1},
            {"path": ".kiro/hooks/hooks.json", "format": "v1", "hooks": 0},
        ],
        "mcp": [{"path": ".kiro/settings/mcp.json", "servers": 2}],
        "diagnostics": [{
            "path": ".kiro/specs/s/requirements.md",
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 4}},
            "severity": "warning", "code": "uncovered-criterion", "message": "m",
        }, {
            "path": ".kiro/steering/a.md",
            "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 5}},
            "severity": "hint", "code": "steering-front-matter", "message": "m",
        }, {
            "path": ".kiro/hooks/hooks.json",
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
            "severity": "error", "code": "hook-unknown-format", "message": "m",
        }],
        "summary": {"specs": 1, "steering": 2, "hooks": 2, "mcp": 1, "errors": 1, "warnings": 1, "information": 0, "hints": 1},
    });
    assert!(validator.is_valid(&good), "{:?}", validator.iter_errors(&good).map(|e| e.to_string()).collect::<Vec<_>>());
    let bad = |patch: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        patch(&mut v);
        !validator.is_valid(&v)
    };
    assert!(bad(&|v| v["extra"] = json!(1)));
    assert!(bad(&|v| v["version"] = json!(2)));
    assert!(bad(&|v| v["mcp"][0]["servers"] = json!(-1)));
    assert!(bad(&|v| v["specs"][0]["kind"] = json!("chore")));
    assert!(bad(&|v| v["specs"][0]["colour"] = json!("red")));
    assert!(bad(&|v| v["specs"][0]["tasks"] = json!(-1)));
    assert!(bad(&|v| v["specs"][0]["dangling"] = json!(["R1.1"])));
    assert!(bad(&|v| v["specs"][0]["documents"] = json!(["notes.md"])));
    assert!(bad(&|v| {
        v["specs"][0].as_object_mut().unwrap().remove("uncovered");
    }));
    assert!(bad(&|v| v["diagnostics"][0]["code"] = json!("no-such-code")));
    assert!(bad(&|v| v["diagnostics"][0]["severity"] = json!("info")));
    assert!(bad(&|v| v["diagnostics"][0]["range"]["start"]["line"] = json!(1.5)));
    assert!(bad(&|v| v["summary"]["notes"] = json!(0)));
    assert!(bad(&|v| {
        v["summary"].as_object_mut().unwrap().remove("steering");
    }));
    assert!(bad(&|v| {
        v.as_object_mut().unwrap().remove("steering");
    }));
    assert!(bad(&|v| v["steering"][0]["inclusion"] = json!("sometimes")));
    assert!(bad(&|v| v["steering"][0]["source"] = json!("user")));
    assert!(bad(&|v| v["steering"][0]["patterns"] = json!("src/**")));
    assert!(bad(&|v| v["steering"][0]["description"] = json!("d")));
    assert!(bad(&|v| {
        v["steering"][1].as_object_mut().unwrap().remove("name");
    }));
    assert!(bad(&|v| v["diagnostics"][1]["code"] = json!("steering-no-such-code")));
    assert!(bad(&|v| v["diagnostics"][2]["code"] = json!("hook-no-such-code")));
    assert!(bad(&|v| {
        v["summary"].as_object_mut().unwrap().remove("hooks");
    }));
    assert!(bad(&|v| {
        v.as_object_mut().unwrap().remove("hooks");
    }));
    assert!(bad(&|v| v["hooks"][0]["format"] = json!("v2")));
    assert!(bad(&|v| v["hooks"][0]["hooks"] = json!(-1)));
    assert!(bad(&|v| v["hooks"][0]["name"] = json!("n")));
    assert!(bad(&|v| {
        v["hooks"][1].as_object_mut().unwrap().remove("format");
    }));
}

/// The schema's code enum is exactly `Code::ALL` (as `Code` serializes)
/// followed by the steering `codes::ALL`, then the hook `hook_codes::ALL`.
#[test]
fn report_schema_codes_are_the_stable_codes() {
    let schema = report_schema();
    let enum_codes: Vec<&str> = schema["$defs"]["diagnostic"]["properties"]["code"]["enum"]
        .as_array()
        .expect("the code enum")
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(enum_codes, all_codes());
    for c in Code::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
    }
    for c in codes::ALL {
        assert!(c.starts_with("steering-"), "{c}");
        assert!(!codes::description(c).is_empty(), "{c} has a description");
    }
    assert_eq!(codes::description("no-such-code"), "");
    for c in hook_codes::ALL {
        assert!(c.starts_with("hook-"), "{c}");
        assert!(!hook_codes::description(c).is_empty(), "{c} has a description");
    }
    assert_eq!(hook_codes::description("no-such-code"), "");
    for c in mcp_codes::ALL {
        assert!(c.starts_with("mcp-"), "{c}");
        assert!(!mcp_codes::description(c).is_empty(), "{c} has a description");
    }
}

#[test]
fn protocol_json_names_match_ext() {
    use specwright::lsp::ext;
    let protocol = read_json("schemas/protocol.json");
    let methods: Vec<&str> =
        protocol["methods"].as_array().unwrap().iter().map(|m| m["method"].as_str().unwrap()).collect();
    let commands: Vec<&str> =
        protocol["commands"].as_array().unwrap().iter().map(|c| c["command"].as_str().unwrap()).collect();
    assert_eq!(methods, ext::METHODS);
    assert_eq!(commands, ext::COMMANDS);
    for m in &methods {
        assert!(m.starts_with("specwright/"), "custom methods use the specwright/ prefix: {m}");
    }
}

/// The hook surface: results and arguments built from the `ext` structs
/// match their schemas, and malformed ones do not.
#[test]
fn protocol_json_hook_schemas_match_ext_types() {
    use specwright::lsp::ext;
    let protocol = read_json("schemas/protocol.json");
    let method = protocol["methods"].as_array().unwrap().iter().find(|m| m["method"] == ext::HOOK_RESULT).unwrap();
    let run = protocol["commands"].as_array().unwrap().iter().find(|c| c["command"] == ext::HOOK_RUN).unwrap();
    let toggle = protocol["commands"].as_array().unwrap().iter().find(|c| c["command"] == ext::HOOK_TOGGLE).unwrap();
    assert_eq!(method["params"], run["result"], "the notification and the run command answer the same shape");
    let valid = |schema: &Value, value: &Value| jsonschema::draft202012::new(schema).unwrap().is_valid(value);
    let result = |file: Option<&str>, exit_code: Option<i32>| ext::HookResult {
        name: "Lint".into(),
        trigger: "fileEdited".into(),
        file: file.map(str::to_string),
        action: "runCommand".into(),
        ok: exit_code == Some(0),
        exit_code,
        output: "ok\n".into(),
        timed_out: exit_code.is_none(),
        cancelled: false,
        duration_ms: 12,
        hook_file: "file:///w/.kiro/hooks/lint.kiro.hook".into(),
    };
    for r in [result(Some("src/a.ts"), Some(0)), result(None, None)] {
        let value = serde_json::to_value(&r).unwrap();
        assert!(valid(&method["params"], &value), "{value}");
    }
    let mut bad = serde_json::to_value(result(None, Some(1))).unwrap();
    bad["action"] = json!("shell");
    assert!(!valid(&method["params"], &bad));
    for (args, ok) in [
        (json!({"name": "Lint"}), true),
        (json!({"name": "Lint", "root": "file:///w", "file": "file:///w/a.ts"}), true),
        (json!({"root": "file:///w"}), false),
    ] {
        assert_eq!(valid(&run["arguments"][0], &args), ok, "{args}");
        assert_eq!(serde_json::from_value::<ext::HookRef>(args.clone()).is_ok(), ok, "serde on {args}");
    }
    let toggled = serde_json::to_value(ext::HookToggleResult { applied: true, enabled: false }).unwrap();
    assert!(valid(&toggle["result"], &toggled));
}

/// Values built from the `ext` structs match the protocol's schemas.
#[test]
fn protocol_json_schemas_match_ext_types() {
    use specwright::lsp::ext;
    let protocol = read_json("schemas/protocol.json");
    let method =
        |name: &str| protocol["methods"].as_array().unwrap().iter().find(|m| m["method"] == name).unwrap().clone();
    let command =
        |name: &str| protocol["commands"].as_array().unwrap().iter().find(|c| c["command"] == name).unwrap().clone();
    let check = |schema: &Value, value: &Value, valid: bool| {
        let v = jsonschema::draft202012::new(schema).unwrap();
        let errors: Vec<String> = v.iter_errors(value).map(|e| e.to_string()).collect();
        assert_eq!(errors.is_empty(), valid, "{value} against {schema}: {errors:?}");
    };

    // specwright/specs params: what the server accepts, the schema accepts.
    let specs = method(ext::SPECS);
    for (params, accepted) in [
        (json!({}), true),
        (json!({"root": null}), true),
        (json!({"root": "file:///w"}), true),
        (json!({"root": "file:///w", "extra": 1}), false),
        (json!({"root": 3}), false),
    ] {
        let serde_ok = serde_json::from_value::<ext::SpecsParams>(params.clone()).is_ok();
        assert_eq!(serde_ok, accepted, "serde on {params}");
        check(&specs["params"], &params, accepted);
    }

    // specwright/specs result, with and without the optional fields.
    let info = |root: Option<&str>, documents: ext::SpecDocuments| ext::SpecInfo {
        name: "auth-api".into(),
        uri: "file:///w/.kiro/specs/auth-api".into(),
        root: root.map(str::to_string),
        kind: specwright_spec::SpecKind::Bugfix,
        documents,
        summary: specwright_spec::Summary {
            requirements: 2,
            criteria: 5,
            tasks: 3,
            subtasks: 4,
            done: 1,
            optional: 1,
            references: 9,
            dangling: vec![specwright_spec::ReqId::criterion(1, 9)],
            uncovered: vec![specwright_spec::ReqId::criterion(2, 3)],
        },
        total: 7,
        errors: 1,
        warnings: 2,
    };
    let full = ext::SpecDocuments {
        requirements: None,
        bugfix: Some("file:///w/.kiro/specs/auth-api/bugfix.md".into()),
        design: Some("file:///w/.kiro/specs/auth-api/design.md".into()),
        tasks: Some("file:///w/.kiro/specs/auth-api/tasks.md".into()),
        config: Some("file:///w/.kiro/specs/auth-api/.config.kiro".into()),
    };
    let result =
        ext::SpecsResult { specs: vec![info(Some("file:///w"), full), info(None, ext::SpecDocuments::default())] };
    let value = serde_json::to_value(&result).unwrap();
    check(&specs["result"], &value, true);
    assert_eq!(value["specs"][1]["root"], Value::Null);
    check(&specs["result"], &json!({"specs": []}), true);
    check(&specs["result"], &json!({"specs": [{"name": "x"}]}), false);

    // specwright.task.setStatus argument and result.
    let set = command(ext::SET_TASK_STATUS);
    let args = ext::SetTaskStatusParams {
        uri: "file:///w/.kiro/specs/a/tasks.md".into(),
        task_id: "2.1".into(),
        status: "done".into(),
    };
    let value = serde_json::to_value(&args).unwrap();
    assert_eq!(value, json!({"uri": "file:///w/.kiro/specs/a/tasks.md", "taskId": "2.1", "status": "done"}));
    check(&set["arguments"][0], &value, true);
    check(&set["arguments"][0], &json!({"uri": "file:///x", "task_id": "1", "status": "done"}), false);
    let result = serde_json::to_value(ext::SetTaskStatusResult { applied: true }).unwrap();
    check(&set["result"], &result, true);
    check(&set["result"], &json!({}), false);

    // specwright/stream: a server → client notification with params only.
    let stream = method(ext::STREAM);
    assert_eq!((stream["kind"].as_str(), stream["direction"].as_str()), (Some("notification"), Some("serverToClient")));
    let value = serde_json::to_value(ext::StreamParams {
        token: "specwright-generate-1".into(),
        uri: "file:///w/.kiro/specs/a/design.md".into(),
        document: "design".into(),
        delta: "# Design\n".into(),
    })
    .unwrap();
    assert_eq!(
        value,
        json!({"token": "specwright-generate-1", "uri": "file:///w/.kiro/specs/a/design.md", "document": "design", "delta": "# Design\n"})
    );
    check(&stream["params"], &value, true);
    check(&stream["params"], &json!({"token": "t", "uri": "file:///x", "document": "notes", "delta": "x"}), false);
    check(&stream["params"], &json!({"token": "t", "uri": "file:///x", "document": "tasks"}), false);

    // The generation requests and their commands share params and result schemas.
    for (command_name, method_name) in ext::GENERATION {
        let (c, m) = (command(command_name), method(method_name));
        assert_eq!(m["kind"], "request", "{method_name}");
        assert_eq!(c["arguments"], json!([m["params"].clone()]), "{command_name} takes the params of {method_name}");
        assert_eq!(c["result"], m["result"], "{command_name} answers as {method_name}");
        assert_eq!(m["result"]["title"], "GenerationResult", "{method_name}");
    }
    let result_schema = method(ext::GENERATION[0].1)["result"].clone();

    // GenerationResult, with and without its optional fields.
    let minimal = ext::GenerationResult {
        spec: "auth-api".into(),
        uri: "file:///w/.kiro/specs/auth-api".into(),
        documents: vec!["file:///w/.kiro/specs/auth-api/requirements.md".into()],
        ..Default::default()
    };
    let value = serde_json::to_value(&minimal).unwrap();
    assert_eq!(
        value,
        json!({
            "spec": "auth-api",
            "uri": "file:///w/.kiro/specs/auth-api",
            "documents": ["file:///w/.kiro/specs/auth-api/requirements.md"],
            "problems": [],
        }),
        "optional fields are absent, never null"
    );
    check(&result_schema, &value, true);
    let full = ext::GenerationResult {
        spec: "auth-api".into(),
        uri: "file:///w/.kiro/specs/auth-api".into(),
        documents: vec!["file:///w/.kiro/specs/auth-api/tasks.md".into()],
        problems: vec!["criterion 3.1 is not covered by any task".into()],
        drafted_by: Some("Anthropic claude-sonnet-4-5".into()),
        added_tasks: vec!["5".into()],
        dropped_tasks: vec!["4. Remove the legacy login".into()],
    };
    let value = serde_json::to_value(&full).unwrap();
    for key in ["draftedBy", "addedTasks", "droppedTasks"] {
        assert!(value.get(key).is_some(), "{key} in {value}");
    }
    check(&result_schema, &value, true);
    assert_eq!(serde_json::from_value::<ext::GenerationResult>(value).unwrap().added_tasks, ["5"]);
    check(&result_schema, &json!({"spec": "a", "uri": "file:///x", "documents": []}), false);
    check(
        &result_schema,
        &json!({"spec": "a", "uri": "file:///x", "documents": [], "problems": [], "drafted_by": "m"}),
        false,
    );
    check(
        &result_schema,
        &json!({"spec": "a", "uri": "file:///x", "documents": [], "problems": [], "draftedBy": null}),
        false,
    );

    // The params: what the server's types accept, the schemas accept.
    let create = method(ext::GENERATION[0].1);
    for (params, accepted) in [
        (json!({"prompt": "A login page"}), true),
        (
            json!({"prompt": "p", "name": "login", "workflow": "design-first", "type": "bugfix", "quick": true, "root": "file:///w"}),
            true,
        ),
        (json!({"prompt": "p", "name": null, "workflow": null, "type": null, "root": null}), true),
        (json!({"prompt": "p", "workflow": "requirements-first", "type": "feature", "quick": false}), true),
        (json!({"prompt": "p", "extra": 1}), true),
        (json!({}), false),
        (json!({"prompt": 3}), false),
        (json!({"prompt": "p", "workflow": "tasks-first"}), false),
        (json!({"prompt": "p", "type": "chore"}), false),
        (json!({"prompt": "p", "specType": "bugfix", "type": "epic"}), false),
        (json!({"prompt": "p", "quick": null}), false),
        (json!({"prompt": "p", "quick": "yes"}), false),
    ] {
        let serde_ok = serde_json::from_value::<ext::CreateSpecParams>(params.clone()).is_ok();
        assert_eq!(serde_ok, accepted, "serde on {params}");
        check(&create["params"], &params, accepted);
    }
    let typed = ext::CreateSpecParams {
        prompt: "p".into(),
        name: None,
        workflow: Some(specwright_specgen::workflow::Workflow::DesignFirst),
        spec_type: Some(specwright_specgen::workflow::SpecType::Bugfix),
        quick: true,
        root: None,
    };
    let value = serde_json::to_value(&typed).unwrap();
    assert_eq!((&value["type"], &value["workflow"]), (&json!("bugfix"), &json!("design-first")), "{value}");
    check(&create["params"], &value, true);

    for method_name in [ext::GENERATION[1].1, ext::GENERATION[2].1] {
        let m = method(method_name);
        for (params, accepted) in [
            (json!({"spec": "file:///w/.kiro/specs/a"}), true),
            (json!({"spec": "a", "prompt": "one service"}), true),
            (json!({"spec": "a", "prompt": null, "extra": 1}), true),
            (json!({}), false),
            (json!({"spec": null}), false),
            (json!({"spec": "a", "prompt": 1}), false),
        ] {
            let serde_ok = serde_json::from_value::<ext::SpecRef>(params.clone()).is_ok();
            assert_eq!(serde_ok, accepted, "serde on {params}");
            check(&m["params"], &params, accepted);
        }
        let value = serde_json::to_value(ext::SpecRef { spec: "a".into(), prompt: None }).unwrap();
        check(&m["params"], &value, true);
    }

    let refine = method(ext::GENERATION[3].1);
    for (params, accepted) in [
        (json!({"spec": "a", "document": "design", "instruction": "shorter"}), true),
        (json!({"spec": "a", "document": "tasks.md", "instruction": "shorter"}), true),
        (json!({"spec": "a", "document": "design"}), false),
        (json!({"spec": "a", "instruction": "shorter"}), false),
    ] {
        let serde_ok = serde_json::from_value::<ext::RefineParams>(params.clone()).is_ok();
        assert_eq!(serde_ok, accepted, "serde on {params}");
        check(&refine["params"], &params, accepted);
    }
    // Any string deserializes; the server answers InvalidParams for a document
    // that is not one of the schema's, so the schema rejects it up front.
    check(&refine["params"], &json!({"spec": "a", "document": "notes", "instruction": "x"}), false);
    let value = serde_json::to_value(ext::RefineParams {
        spec: "a".into(),
        document: "requirements".into(),
        instruction: "add a criterion".into(),
    })
    .unwrap();
    check(&refine["params"], &value, true);

    // specwright/context/repoMap: params (unknown fields ignored) and result.
    let repo_map = method(ext::REPO_MAP);
    assert_eq!((repo_map["kind"].as_str(), repo_map["direction"].as_str()), (Some("request"), Some("clientToServer")));
    for (params, accepted) in [
        (json!({}), true),
        (json!({"budget": null, "root": null}), true),
        (json!({"budget": 0}), true),
        (
            json!({"budget": 2048, "focus": ["file:///w/src/a.ts"], "symbols": ["login", "Session.refresh"], "root": "file:///w"}),
            true,
        ),
        (json!({"focus": [], "symbols": []}), true),
        (json!({"budget": 100, "extra": 1}), true),
        (json!({"budget": "1000"}), false),
        (json!({"budget": -1}), false),
        (json!({"budget": 1.5}), false),
        (json!({"focus": "file:///w/src/a.ts"}), false),
        (json!({"focus": null}), false),
        (json!({"symbols": [1]}), false),
        (json!({"root": 3}), false),
    ] {
        let serde_ok = serde_json::from_value::<ext::RepoMapParams>(params.clone()).is_ok();
        assert_eq!(serde_ok, accepted, "serde on {params}");
        check(&repo_map["params"], &params, accepted);
    }
    let value = serde_json::to_value(ext::RepoMapParams {
        budget: Some(512),
        focus: vec!["file:///w/src/a.ts".into()],
        symbols: vec!["query".into()],
        root: None,
    })
    .unwrap();
    assert_eq!(value, json!({"budget": 512, "focus": ["file:///w/src/a.ts"], "symbols": ["query"], "root": null}));
    check(&repo_map["params"], &value, true);
    check(&repo_map["params"], &serde_json::to_value(ext::RepoMapParams::default()).unwrap(), true);
    let value = serde_json::to_value(ext::RepoMapResult {
        text: "src/db.ts:\n│ export function query(sql: string)\n".into(),
        tokens: 12,
        files: 1,
        symbols: 1,
        indexed: 7,
    })
    .unwrap();
    assert_eq!(
        value,
        json!({"text": "src/db.ts:\n│ export function query(sql: string)\n", "tokens": 12, "files": 1, "symbols": 1, "indexed": 7})
    );
    check(&repo_map["result"], &value, true);
    check(&repo_map["result"], &serde_json::to_value(ext::RepoMapResult::default()).unwrap(), true);
    check(&repo_map["result"], &json!({"text": "", "tokens": 0, "files": 0, "symbols": 0}), false);
    check(
        &repo_map["result"],
        &json!({"text": "", "tokens": 0, "files": 0, "symbols": 0, "indexed": 0, "extra": 1}),
        false,
    );
    check(&repo_map["result"], &json!({"text": "", "tokens": -1, "files": 0, "symbols": 0, "indexed": 0}), false);

    // specwright.steering.generate: one optional argument, and the result.
    let steering = command(ext::STEERING_GENERATE);
    assert_eq!(steering["arguments"].as_array().map(Vec::len), Some(1));
    let args = &steering["arguments"][0];
    for (params, accepted) in [
        (json!({}), true),
        (json!({"root": null}), true),
        (json!({"root": "file:///w"}), true),
        (json!({"root": "file:///w", "extra": 1}), true),
        (json!({"root": 3}), false),
        (json!("file:///w"), false),
    ] {
        let serde_ok = serde_json::from_value::<ext::SteeringGenerateParams>(params.clone()).is_ok();
        assert_eq!(serde_ok, accepted, "serde on {params}");
        check(args, &params, accepted);
    }
    // A null argument is taken as `{}` by the server (it never reaches serde).
    check(args, &Value::Null, true);
    let value = serde_json::to_value(ext::SteeringGenerateParams { root: Some("file:///w".into()) }).unwrap();
    assert_eq!(value, json!({"root": "file:///w"}));
    check(args, &value, true);
    let minimal = serde_json::to_value(ext::SteeringGenerateResult {
        created: vec!["file:///w/.kiro/steering/product.md".into()],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        minimal,
        json!({"created": ["file:///w/.kiro/steering/product.md"], "proposed": [], "unchanged": []}),
        "draftedBy is absent, never null"
    );
    check(&steering["result"], &minimal, true);
    let full = ext::SteeringGenerateResult {
        created: vec!["file:///w/.kiro/steering/structure.md".into()],
        proposed: vec!["file:///w/.kiro/steering/tech.md".into()],
        unchanged: vec!["file:///w/.kiro/steering/product.md".into()],
        drafted_by: Some("Anthropic claude-sonnet-4-5".into()),
    };
    let value = serde_json::to_value(&full).unwrap();
    assert_eq!(value["draftedBy"], "Anthropic claude-sonnet-4-5");
    check(&steering["result"], &value, true);
    let back = serde_json::from_value::<ext::SteeringGenerateResult>(value).unwrap();
    assert_eq!((back.proposed, back.drafted_by), (full.proposed, full.drafted_by));
    check(&steering["result"], &json!({"created": [], "proposed": [], "unchanged": [], "draftedBy": null}), false);
    check(&steering["result"], &json!({"created": [], "proposed": []}), false);
    check(&steering["result"], &json!({"created": [], "proposed": [], "unchanged": [], "drafted_by": "m"}), false);
}

/// `schemas/README.md` documents every code, method and command.
#[test]
fn schemas_readme_documents_every_code_method_and_command() {
    use specwright::lsp::ext;
    let path = repo_root().join("schemas/README.md");
    let readme = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let names = all_codes().into_iter().chain(ext::METHODS.iter().copied()).chain(ext::COMMANDS.iter().copied());
    for name in names {
        assert!(readme.contains(&format!("`{name}`")), "schemas/README.md does not mention `{name}`");
    }
    for file in ["check-report.schema.json", "protocol.json", "settings.schema.json"].into_iter().chain([
        "hook-legacy.schema.json",
        "hook-v1.schema.json",
        "mcp.schema.json",
    ]) {
        assert!(readme.contains(&format!("[`{file}`]({file})")), "schemas/README.md does not list {file}");
        assert!(repo_root().join("schemas").join(file).is_file(), "schemas/{file} exists");
    }
    // docs/diagnostics.md documents every code, with an anchor; the README's
    // Diagnostics section keeps an anchor for each (SARIF `helpUri` points at
    // the README) that links to that page.
    let path = repo_root().join("docs/diagnostics.md");
    let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let path = repo_root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    for code in all_codes() {
        assert!(
            page.contains(&format!("<a id=\"{code}\"></a>`{code}`")),
            "docs/diagnostics.md does not document `{code}`"
        );
        assert!(
            readme.contains(&format!("<a id=\"{code}\"></a>[`{code}`](docs/diagnostics.md#{code})")),
            "README.md has no anchor for `{code}` linking to docs/diagnostics.md"
        );
    }
}

/// docs/settings.md documents every setting, and docs/protocol.md every
/// custom method and command.
#[test]
fn docs_pages_document_every_setting_method_and_command() {
    use specwright::lsp::ext;
    let read = |rel: &str| {
        let path = repo_root().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    };
    let settings = read("docs/settings.md");
    for setting in specwright::settings::SETTINGS {
        let row = settings.lines().find(|l| l.starts_with(&format!("| `{}` ", setting.key)));
        let row = row.unwrap_or_else(|| panic!("docs/settings.md does not list `{}`", setting.key));
        assert_eq!(
            row.contains("(*user*)"),
            setting.user_only,
            "docs/settings.md: `{}` is marked (*user*) exactly when it is user-only",
            setting.key
        );
    }
    let protocol = read("docs/protocol.md");
    for name in ext::METHODS.iter().chain(ext::COMMANDS) {
        assert!(protocol.contains(&format!("`{name}`")), "docs/protocol.md does not mention `{name}`");
    }
}

/// `specwright/reviewEdits`: what the server sends and the answers it reads
/// match their schemas in protocol.json.
#[test]
fn protocol_json_review_edits_matches_ext_types() {
    use specwright::lsp::ext;
    let protocol = read_json("schemas/protocol.json");
    let method = protocol["methods"].as_array().unwrap().iter().find(|m| m["method"] == ext::REVIEW_EDITS).unwrap();
    assert_eq!(method["direction"], "serverToClient");
    let valid = |schema: &Value, value: &Value| jsonschema::draft202012::new(schema).unwrap().is_valid(value);
    let params = ext::ReviewEditsParams {
        session: Some("s1".into()),
        title: "Specwright's agent wants to change src/a.ts.".into(),
        files: vec![ext::ReviewFile {
            uri: "file:///w/src/a.ts".into(),
            action: "change".into(),
            old_text: Some("a\n".into()),
            new_text: Some("b\n".into()),
            hunks: vec![ext::ReviewHunk {
                old_start: 1,
                old_lines: 1,
                new_start: 1,
                new_lines: 1,
                text: "@@ -1,1 +1,1 @@\n-a\n+b\n".into(),
            }],
        }],
    };
    assert!(valid(&method["params"], &serde_json::to_value(&params).unwrap()));
    let created = ext::ReviewFile { action: "create".into(), old_text: None, ..params.files[0].clone() };
    let created = ext::ReviewEditsParams { session: None, files: vec![created], ..params.clone() };
    assert!(valid(&method["params"], &serde_json::to_value(&created).unwrap()));
    assert!(!valid(&method["params"], &json!({"title": "t", "files": [{"uri": "u", "action": "rename"}]})));
    for answer in
        [json!({"files": [{"uri": "u", "accepted": true}]}), json!({"files": [{"uri": "u", "accepted": [0, 2]}]})]
    {
        assert!(valid(&method["result"], &answer), "{answer}");
        let read: ext::ReviewEditsResult = serde_json::from_value(answer).unwrap();
        assert_eq!(read.files.len(), 1);
    }
    assert!(!valid(&method["result"], &json!({"files": [{"uri": "u", "accepted": "yes"}]})));
}
