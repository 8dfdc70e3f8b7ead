//! Reading a test run's output: which runner printed it, how many tests ran,
//! passed, failed and were skipped, and the verdict the task gate acts on.
//!
//! The verdict trusts counts the runner printed, never the model's word:
//! a run passes only when the command exited 0, at least one test ran and
//! none failed. Skipped, ignored, pending, todo and xfail tests never count
//! as passed. Output no known runner printed is [`Verdict::Unreadable`] and
//! the exit code decides.
//!
//! Runners read: cargo test, pytest, unittest, go test, jest, vitest,
//! node:test (and TAP summaries of the same shape), mocha. A command that
//! runs several suites (cargo's one `test result:` line per test binary,
//! `npm test && cargo test`) has its counts summed. ANSI colour codes are
//! stripped and a line's text is what follows its last carriage return, as
//! a terminal would show it. Every pass over the output is linear.

/// How many tests a run counted. `ran` is `passed + failed`: skipped,
/// ignored, pending, todo and xfail tests did not run as far as the gate
/// is concerned, and are in `skipped`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TestCounts {
    pub ran: u32,
    pub passed: u32,
    pub failed: u32,
    pub skipped: u32,
}

impl TestCounts {
    /// Counts with `ran` derived from `passed` and `failed`.
    pub fn new(passed: u32, failed: u32, skipped: u32) -> TestCounts {
        TestCounts { ran: passed.saturating_add(failed), passed, failed, skipped }
    }

    /// The sum of two suites' counts.
    fn plus(self, other: TestCounts) -> TestCounts {
        TestCounts::new(
            self.passed.saturating_add(other.passed),
            self.failed.saturating_add(other.failed),
            self.skipped.saturating_add(other.skipped),
        )
    }
}

/// What the gate decides from a test run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Exit code 0, at least one test ran, none failed.
    Passed,
    /// Why not.
    Failed(String),
    /// No known runner's summary was found: the exit code decides (passed
    /// iff 0), and [`TestReport::note`] says so.
    Unreadable,
}

/// A test run, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestReport {
    /// The runner whose summary was read (the first one, when several were).
    pub runner: Option<&'static str>,
    /// `None` when the output could not be read.
    pub counts: Option<TestCounts>,
    pub exit_code: Option<i32>,
    pub verdict: Verdict,
    /// How the counts were read, when that matters to whoever reads the
    /// report (several runners, packages counted instead of tests,
    /// unreadable output).
    pub note: Option<String>,
}

impl TestReport {
    /// Whether the gate accepts this run: [`Verdict::Passed`], or
    /// [`Verdict::Unreadable`] with exit code 0.
    pub fn passed(&self) -> bool {
        match self.verdict {
            Verdict::Passed => true,
            Verdict::Failed(_) => false,
            Verdict::Unreadable => self.exit_code == Some(0),
        }
    }
}

/// Reads a test command's combined output and exit code (`None`: killed,
/// timed out, or never started). Never panics; linear in the output's size.
pub fn read_output(output: &str, exit_code: Option<i32>) -> TestReport {
    let clean = strip_ansi(output);
    let lines: Vec<&str> = clean.split('\n').map(visible).collect();
    let readings: Vec<Reading> = RUNNERS.iter().filter_map(|read| read(&lines)).collect();
    let Some(first) = readings.first() else {
        return TestReport {
            runner: None,
            counts: None,
            exit_code,
            verdict: Verdict::Unreadable,
            note: Some(unreadable_note(exit_code)),
        };
    };
    let counts = readings.iter().fold(TestCounts::default(), |sum, r| sum.plus(r.counts));
    let mut notes: Vec<String> = readings.iter().filter_map(|r| r.note.clone()).collect();
    if readings.len() > 1 {
        let names: Vec<&str> = readings.iter().map(|r| r.runner).collect();
        notes.insert(0, format!("counts summed over {}", names.join(", ")));
    }
    TestReport {
        runner: Some(first.runner),
        counts: Some(counts),
        exit_code,
        verdict: decide(counts, exit_code),
        note: if notes.is_empty() { None } else { Some(notes.join("; ")) },
    }
}

/// The last `lines` lines of `output`, ANSI colour codes stripped (for
/// reports). A final newline does not make an empty last line.
pub fn tail(output: &str, lines: usize) -> String {
    let text = output.strip_suffix('\n').unwrap_or(output);
    if lines == 0 {
        return String::new();
    }
    let start = text.rmatch_indices('\n').nth(lines - 1).map_or(0, |(i, _)| i + 1);
    strip_ansi(&text[start..])
}

/// The verdict on counts that were read.
fn decide(counts: TestCounts, exit_code: Option<i32>) -> Verdict {
    if counts.failed > 0 {
        let tests = if counts.failed == 1 { "test" } else { "tests" };
        let although = if exit_code == Some(0) { " although the command exited 0" } else { "" };
        return Verdict::Failed(format!("{} {tests} failed{although}", counts.failed));
    }
    if counts.ran == 0 {
        return Verdict::Failed("no test ran".into());
    }
    match exit_code {
        Some(0) => Verdict::Passed,
        Some(code) => Verdict::Failed(format!("the command exited with code {code} although no test failed")),
        None => Verdict::Failed("the command has no exit code (killed or timed out?) although no test failed".into()),
    }
}

/// The note of a report whose output could not be read.
fn unreadable_note(exit_code: Option<i32>) -> String {
    let decided = match exit_code {
        Some(0) => "passed (exit code 0)".to_string(),
        Some(code) => format!("failed (exit code {code})"),
        None => "failed (no exit code)".to_string(),
    };
    format!("the test output could not be read (no known runner's summary in it); counted by exit code: {decided}")
}

/// One runner's summary, read from the output.
struct Reading {
    runner: &'static str,
    counts: TestCounts,
    note: Option<String>,
}

impl Reading {
    fn new(runner: &'static str, counts: TestCounts) -> Reading {
        Reading { runner, counts, note: None }
    }
}

/// Reads one runner's summary from the output's lines, if it printed one.
type Reader = fn(&[&str]) -> Option<Reading>;

/// The runners' readers, in the order they are reported.
const RUNNERS: [Reader; 8] = [cargo_test, pytest, unittest, go_test, jest, vitest, node_test, mocha];

/// cargo test: one `test result:` line per test binary (doc-tests
/// included), summed. `test x ... FAILED` lines count too, so a binary that
/// crashed before its summary still shows its failures.
fn cargo_test(lines: &[&str]) -> Option<Reading> {
    let mut summary: Option<TestCounts> = None;
    let mut listed = TestCounts::default();
    let mut any_listed = false;
    for line in lines {
        if let Some(rest) = line.strip_prefix("test result: ") {
            if let Some(counts) = cargo_summary(rest) {
                add(&mut summary, counts);
            }
        } else if let Some(outcome) = cargo_outcome(line) {
            any_listed = true;
            listed = listed.plus(outcome);
        }
    }
    match summary {
        Some(s) => Some(Reading::new("cargo test", TestCounts::new(s.passed, s.failed.max(listed.failed), s.skipped))),
        None if any_listed => Some(Reading {
            runner: "cargo test",
            counts: listed,
            note: Some("no `test result:` line: counted the `test … ok/FAILED` lines".into()),
        }),
        None => None,
    }
}

/// `ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s`.
fn cargo_summary(rest: &str) -> Option<TestCounts> {
    let rest = rest.strip_prefix("ok.").or_else(|| rest.strip_prefix("FAILED."))?;
    let (mut passed, mut failed, mut ignored) = (None, None, 0);
    for item in rest.split(';').map(str::trim) {
        let Some((n, word)) = count_item(item) else { continue };
        match word {
            "passed" => passed = Some(n),
            "failed" => failed = Some(n),
            "ignored" => ignored = n,
            _ => {}
        }
    }
    Some(TestCounts::new(passed?, failed?, ignored))
}

/// `test tests::adds ... ok` (or `FAILED`, `ignored`) as counts of one test.
fn cargo_outcome(line: &str) -> Option<TestCounts> {
    let rest = line.strip_prefix("test ")?;
    let (_, outcome) = rest.rsplit_once(" ... ")?;
    match outcome {
        "ok" => Some(TestCounts::new(1, 0, 0)),
        "FAILED" => Some(TestCounts::new(0, 1, 0)),
        o if o.starts_with("ignored") => Some(TestCounts::new(0, 0, 1)),
        _ => None,
    }
}

/// pytest's final line, `===== 3 passed, 1 failed, 2 skipped in 0.12s =====`
/// or the `-q` style `3 passed in 0.01s`; `no tests ran in 0.01s`. Errors
/// count as failures; xfailed and xpassed tests as skipped.
fn pytest(lines: &[&str]) -> Option<Reading> {
    let mut counts: Option<TestCounts> = None;
    for line in lines {
        let body = line.trim_matches(|c: char| c == '=' || c == ' ');
        if let Some(c) = pytest_summary(body) {
            add(&mut counts, c);
        }
    }
    counts.map(|c| Reading::new("pytest", c))
}

fn pytest_summary(body: &str) -> Option<TestCounts> {
    let (items, duration) = body.rsplit_once(" in ")?;
    let seconds = duration.split(' ').next()?.strip_suffix('s')?;
    if seconds.is_empty() || !seconds.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    if items == "no tests ran" {
        return Some(TestCounts::default());
    }
    let (mut passed, mut failed, mut skipped) = (0u32, 0u32, 0u32);
    for item in items.split(", ") {
        let (n, word) = count_item(item)?;
        match word {
            "passed" => passed = passed.saturating_add(n),
            "failed" | "error" | "errors" => failed = failed.saturating_add(n),
            "skipped" | "xfailed" | "xpassed" => skipped = skipped.saturating_add(n),
            "deselected" | "warning" | "warnings" | "rerun" => {}
            _ => return None,
        }
    }
    Some(TestCounts::new(passed, failed, skipped))
}

/// Python's unittest: `Ran 4 tests in 0.001s`, then `OK`, `OK (skipped=1)`,
/// `FAILED (failures=1, errors=1)` or `NO TESTS RAN`.
fn unittest(lines: &[&str]) -> Option<Reading> {
    let mut counts: Option<TestCounts> = None;
    let mut ran: Option<u32> = None;
    for line in lines.iter().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("Ran ") {
            ran = rest.split(' ').next().and_then(|n| n.parse().ok());
            continue;
        }
        let Some(total) = ran.take() else { continue };
        if let Some(c) = unittest_status(line, total) {
            add(&mut counts, c);
        }
    }
    counts.map(|c| Reading::new("unittest", c))
}

fn unittest_status(line: &str, total: u32) -> Option<TestCounts> {
    let rest = ["OK", "FAILED", "NO TESTS RAN"].iter().find_map(|w| line.strip_prefix(w))?;
    let (mut failed, mut skipped) = (0u32, 0u32);
    let inside = rest.trim().trim_start_matches('(').trim_end_matches(')');
    for item in inside.split(", ").filter(|i| !i.is_empty()) {
        let (key, n) = item.split_once('=')?;
        let n: u32 = n.parse().ok()?;
        match key {
            "failures" | "errors" | "unexpected successes" => failed = failed.saturating_add(n),
            "skipped" | "expected failures" => skipped = skipped.saturating_add(n),
            _ => {}
        }
    }
    let passed = total.saturating_sub(failed).saturating_sub(skipped);
    Some(TestCounts::new(passed, failed, skipped))
}

/// go test: with `-v`, the top-level `--- PASS/FAIL/SKIP: TestX` lines
/// (subtests, named `TestX/case`, are part of their test). Without it, only
/// packages can be counted (`ok`, `FAIL`, `?  … [no test files]`), and the
/// note says so. A package that failed to build counts as a failure.
fn go_test(lines: &[&str]) -> Option<Reading> {
    let mut tests = TestCounts::default();
    let mut packages = TestCounts::default();
    let (mut any_test, mut any_package, mut unbuilt) = (false, false, 0u32);
    for line in lines {
        if let Some(t) = go_test_line(line) {
            any_test = true;
            tests = tests.plus(t);
        } else if let Some(p) = go_package_line(line) {
            any_package = true;
            packages = packages.plus(p);
            if line.ends_with("failed]") {
                unbuilt = unbuilt.saturating_add(1);
            }
        }
    }
    if any_test {
        let counts = TestCounts::new(tests.passed, tests.failed.saturating_add(unbuilt), tests.skipped);
        let note = (unbuilt > 0).then(|| format!("{unbuilt} package(s) failed to build, counted as failures"));
        return Some(Reading { runner: "go test", counts, note });
    }
    any_package.then(|| Reading {
        runner: "go test",
        counts: packages,
        note: Some(format!(
            "go test without -v: counted packages, not tests ({} ok, {} failed, {} without tests)",
            packages.passed, packages.failed, packages.skipped
        )),
    })
}

/// `--- PASS: TestAdd (0.00s)` as counts of one top-level test.
fn go_test_line(line: &str) -> Option<TestCounts> {
    let rest = line.strip_prefix("--- ")?;
    let (status, rest) = rest.split_once(": ")?;
    let name = rest.split(' ').next()?;
    if name.is_empty() || name.contains('/') {
        return None;
    }
    match status {
        "PASS" => Some(TestCounts::new(1, 0, 0)),
        "FAIL" => Some(TestCounts::new(0, 1, 0)),
        "SKIP" => Some(TestCounts::new(0, 0, 1)),
        _ => None,
    }
}

/// `ok  \tpkg\t0.01s`, `FAIL\tpkg\t0.01s`, `FAIL\tpkg [build failed]`,
/// `?   \tpkg\t[no test files]` as counts of one package.
fn go_package_line(line: &str) -> Option<TestCounts> {
    let mut words = line.split_whitespace();
    let (status, package, detail) = (words.next()?, words.next()?, words.next()?);
    let is_duration = |w: &str| {
        w.strip_suffix('s').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    };
    match status {
        "ok" if is_duration(detail) || detail == "(cached)" => {
            Some(if line.ends_with("[no tests to run]") { TestCounts::new(0, 0, 1) } else { TestCounts::new(1, 0, 0) })
        }
        "FAIL" if is_duration(detail) || detail.starts_with('[') => Some(TestCounts::new(0, 1, 0)),
        "?" if !package.is_empty() && line.ends_with("[no test files]") => Some(TestCounts::new(0, 0, 1)),
        _ => None,
    }
}

/// jest: `Tests:       1 failed, 1 skipped, 1 todo, 3 passed, 6 total`.
fn jest(lines: &[&str]) -> Option<Reading> {
    let mut counts: Option<TestCounts> = None;
    for line in lines {
        let Some(rest) = line.strip_prefix("Tests:") else { continue };
        let items: Vec<(u32, &str)> = rest.split(',').filter_map(|i| count_item(i.trim())).collect();
        if !items.iter().any(|(_, w)| *w == "total") {
            continue;
        }
        add(&mut counts, tally(&items));
    }
    counts.map(|c| Reading::new("jest", c))
}

/// vitest: `Tests  2 failed | 3 passed | 1 skipped (6)`.
fn vitest(lines: &[&str]) -> Option<Reading> {
    let mut counts: Option<TestCounts> = None;
    for line in lines {
        let Some(rest) = line.strip_prefix("Tests ") else { continue };
        let Some(rest) = rest.trim_end().strip_suffix(')') else { continue };
        let Some((items, total)) = rest.rsplit_once('(') else { continue };
        if total.parse::<u32>().is_err() {
            continue;
        }
        let items: Vec<(u32, &str)> = items.split('|').filter_map(|i| count_item(i.trim())).collect();
        if !items.is_empty() {
            add(&mut counts, tally(&items));
        }
    }
    counts.map(|c| Reading::new("vitest", c))
}

/// jest's and vitest's `N word` items as counts.
fn tally(items: &[(u32, &str)]) -> TestCounts {
    let sum =
        |words: &[&str]| items.iter().filter(|(_, w)| words.contains(w)).fold(0u32, |s, (n, _)| s.saturating_add(*n));
    TestCounts::new(sum(&["passed"]), sum(&["failed"]), sum(&["skipped", "todo", "pending", "expected fail"]))
}

/// node:test's summary, TAP (`# tests 3`, `# pass 3`, `# fail 0`,
/// `# cancelled 0`, `# skipped 0`, `# todo 0`) or spec reporter (`ℹ tests 3`
/// …). Cancelled tests count as failures.
fn node_test(lines: &[&str]) -> Option<Reading> {
    let (mut seen, mut passed, mut failed, mut skipped) = (false, 0u32, 0u32, 0u32);
    for line in lines {
        let Some(rest) = line.strip_prefix("# ").or_else(|| line.strip_prefix("ℹ ")) else { continue };
        let Some((word, n)) = rest.split_once(' ') else { continue };
        let Ok(n) = n.trim().parse::<u32>() else { continue };
        match word {
            "tests" => seen = true,
            "pass" => passed = passed.saturating_add(n),
            "fail" | "cancelled" => failed = failed.saturating_add(n),
            "skipped" | "todo" => skipped = skipped.saturating_add(n),
            _ => {}
        }
    }
    seen.then(|| Reading::new("node:test", TestCounts::new(passed, failed, skipped)))
}

/// mocha: `3 passing (12ms)`, `1 failing`, `2 pending`; read only when the
/// `passing` line (always printed) is there.
fn mocha(lines: &[&str]) -> Option<Reading> {
    let (mut seen, mut passed, mut failed, mut pending) = (false, 0u32, 0u32, 0u32);
    for line in lines {
        let Some((n, word)) = line.split_once(' ') else { continue };
        let Ok(n) = n.parse::<u32>() else { continue };
        if word.starts_with("passing (") && word.ends_with(')') {
            seen = true;
            passed = passed.saturating_add(n);
        } else if word == "failing" {
            failed = failed.saturating_add(n);
        } else if word == "pending" {
            pending = pending.saturating_add(n);
        }
    }
    seen.then(|| Reading::new("mocha", TestCounts::new(passed, failed, pending)))
}

/// Adds a suite's counts to a sum that may not have begun.
fn add(sum: &mut Option<TestCounts>, counts: TestCounts) {
    *sum = Some(sum.unwrap_or_default().plus(counts));
}

/// `3 passed` as `(3, "passed")`.
fn count_item(item: &str) -> Option<(u32, &str)> {
    let (n, word) = item.split_once(' ')?;
    Some((n.parse().ok()?, word.trim()))
}

/// A line as a terminal shows it: the text after its last carriage return
/// (progress output rewrites the line), trimmed.
fn visible(line: &str) -> &str {
    let line = line.strip_suffix('\r').unwrap_or(line);
    line.rsplit('\r').find(|s| !s.trim().is_empty()).unwrap_or("").trim()
}

/// `text` without ANSI escape sequences (CSI such as colours, OSC such as
/// hyperlinks, and two-character escapes).
fn strip_ansi(text: &str) -> String {
    if !text.contains('\u{1b}') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameters and intermediates, then one final byte.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
            // OSC: up to BEL or ESC \.
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARGO_OK: &str = "\
   Compiling calc v0.1.0 (/work/calc)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.52s
     Running unittests src/lib.rs (target/debug/deps/calc-1a2b3c4d)

running 4 tests
test tests::adds_two ... ok
test tests::subtracts ... ok
test tests::slow ... ignored, takes a minute
test tests::divides ... ok

test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/api.rs (target/debug/deps/api-5e6f7a8b)

running 2 tests
test parses ... ok
test prints ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

   Doc-tests calc

running 1 test
test src/lib.rs - add (line 3) ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.12s
";

    const CARGO_FAILED: &str = "\
running 3 tests
test tests::adds_two ... FAILED
test tests::subtracts ... ok
test tests::divides ... ok

failures:

---- tests::adds_two stdout ----

thread 'tests::adds_two' panicked at src/lib.rs:12:9:
assertion `left == right` failed
  left: 5
 right: 4
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    tests::adds_two

test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

error: test failed, to rerun pass `--lib`
";

    const CARGO_NO_TESTS: &str = "\
     Running unittests src/main.rs (target/debug/deps/app-0f1e2d3c)

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    const CARGO_CRASHED: &str = "\
running 2 tests
test tests::first ... ok
test tests::second ... FAILED
error: test failed, to rerun pass `--lib`

Caused by:
  process didn't exit successfully: `/work/target/debug/deps/calc-1a2b` (signal: 6, SIGABRT: process abort signal)
";

    const PYTEST: &str = "\
============================= test session starts ==============================
platform linux -- Python 3.12.1, pytest-8.0.0, pluggy-1.4.0
rootdir: /work/app
collected 8 items

tests/test_calc.py ..F.sx                                                [ 75%]
tests/test_api.py .E                                                     [100%]

=================================== FAILURES ===================================
___________________________________ test_div ___________________________________
    def test_div():
>       assert div(4, 2) == 3
E       assert 2.0 == 3
=========================== short test summary info ============================
FAILED tests/test_calc.py::test_div - assert 2.0 == 3
ERROR tests/test_api.py::test_get - fixture 'client' not found
===== 3 passed, 1 failed, 2 skipped, 1 xfailed, 1 error in 0.12s =====
";

    const PYTEST_Q: &str = "\
.....                                                                    [100%]
5 passed in 0.01s
";

    const PYTEST_NONE: &str = "\
============================= test session starts ==============================
collected 0 items

============================ no tests ran in 0.01s =============================
";

    const PYTEST_SKIPPED: &str = "\
tests/test_calc.py sss                                                   [100%]

============================== 3 skipped in 0.02s ==============================
";

    const UNITTEST_FAILED: &str = "\
..F.s
======================================================================
FAIL: test_div (test_calc.CalcTest.test_div)
----------------------------------------------------------------------
Traceback (most recent call last):
  File \"/work/app/test_calc.py\", line 12, in test_div
    self.assertEqual(div(4, 2), 3)
AssertionError: 2.0 != 3

----------------------------------------------------------------------
Ran 5 tests in 0.001s

FAILED (failures=1, skipped=1)
";

    const UNITTEST_OK: &str = "\
...
----------------------------------------------------------------------
Ran 3 tests in 0.000s

OK
";

    const GO_VERBOSE: &str = "\
=== RUN   TestAdd
--- PASS: TestAdd (0.00s)
=== RUN   TestTable
=== RUN   TestTable/zero
=== RUN   TestTable/negative
--- FAIL: TestTable (0.00s)
    --- PASS: TestTable/zero (0.00s)
    --- FAIL: TestTable/negative (0.00s)
        calc_test.go:31: got -1, want 1
=== RUN   TestSlow
    calc_test.go:40: slow
--- SKIP: TestSlow (0.00s)
FAIL
FAIL\texample.com/calc\t0.003s
=== RUN   TestParse
--- PASS: TestParse (0.00s)
PASS
ok  \texample.com/calc/parse\t0.002s
FAIL
";

    const GO_PACKAGES: &str = "\
ok  \texample.com/calc\t0.003s
ok  \texample.com/calc/parse\t(cached)
?   \texample.com/calc/cmd\t[no test files]
";

    const GO_PACKAGES_FAILED: &str = "\
--- FAIL: TestAdd (0.00s)
    calc_test.go:9: got 5, want 4
FAIL
FAIL\texample.com/calc\t0.003s
ok  \texample.com/calc/parse\t0.002s
FAIL
";

    const GO_BUILD_FAILED: &str = "\
# example.com/calc [example.com/calc.test]
./calc_test.go:9:2: undefined: Sub
FAIL\texample.com/calc [build failed]
ok  \texample.com/calc/parse\t0.002s
FAIL
";

    const JEST: &str = "\
 PASS  src/sum.test.js
 FAIL  src/div.test.js
  ● div › divides by two

    expect(received).toBe(expected) // Object.is equality

    Expected: 3
    Received: 2

Test Suites: 1 failed, 1 passed, 2 total
Tests:       1 failed, 1 skipped, 1 todo, 3 passed, 6 total
Snapshots:   0 total
Time:        0.512 s, estimated 1 s
Ran all test suites.
";

    const VITEST: &str = "\
\u{1b}[32m✓\u{1b}[39m src/sum.test.ts \u{1b}[2m(3 tests)\u{1b}[22m\u{1b}[2m 2\u{1b}[2mms\u{1b}[22m\u{1b}[39m
\u{1b}[31m❯\u{1b}[39m src/div.test.ts \u{1b}[2m(3 tests | \u{1b}[22m\u{1b}[31m2 failed\u{1b}[39m\u{1b}[2m)\u{1b}[22m

\u{1b}[2m Test Files \u{1b}[22m \u{1b}[1m\u{1b}[31m1 failed\u{1b}[39m\u{1b}[22m\u{1b}[2m | \u{1b}[22m\u{1b}[1m\u{1b}[32m1 passed\u{1b}[39m\u{1b}[22m\u{1b}[90m (2)\u{1b}[39m
\u{1b}[2m      Tests \u{1b}[22m \u{1b}[1m\u{1b}[31m2 failed\u{1b}[39m\u{1b}[22m\u{1b}[2m | \u{1b}[22m\u{1b}[1m\u{1b}[32m3 passed\u{1b}[39m\u{1b}[22m\u{1b}[2m | \u{1b}[22m\u{1b}[33m1 skipped\u{1b}[39m\u{1b}[90m (6)\u{1b}[39m
\u{1b}[2m   Start at \u{1b}[22m 10:12:01
\u{1b}[2m   Duration \u{1b}[22m 312ms
";

    const VITEST_OK: &str = "\
 ✓ src/sum.test.ts (3 tests) 2ms

 Test Files  1 passed (1)
      Tests  3 passed (3)
   Start at  10:12:01
   Duration  210ms (transform 20ms, setup 0ms, collect 15ms, tests 2ms)
";

    const NODE_TAP: &str = "\
TAP version 13
# Subtest: adds
ok 1 - adds
  ---
  duration_ms: 0.4
  ...
# Subtest: later
ok 2 - later # SKIP
  ---
  duration_ms: 0.1
  ...
1..2
# tests 2
# suites 0
# pass 1
# fail 0
# cancelled 0
# skipped 1
# todo 0
# duration_ms 35.2
";

    const NODE_SPEC: &str = "\
✔ adds (0.51ms)
✖ divides (1.02ms)
  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:

  2 !== 3

ℹ tests 2
ℹ suites 0
ℹ pass 1
ℹ fail 1
ℹ cancelled 0
ℹ skipped 0
ℹ todo 0
ℹ duration_ms 40.1
";

    const MOCHA: &str = "
  calc
    ✓ adds
    ✓ subtracts
    - divides later
    1) divides


  2 passing (12ms)
  1 pending
  1 failing

  1) calc
       divides:
     AssertionError: expected 2 to equal 3
";

    fn counts(passed: u32, failed: u32, skipped: u32) -> Option<TestCounts> {
        Some(TestCounts::new(passed, failed, skipped))
    }

    #[test]
    fn cargo_sums_every_binary_and_the_doc_tests() {
        let report = read_output(CARGO_OK, Some(0));
        assert_eq!(report.runner, Some("cargo test"));
        assert_eq!(report.counts, counts(6, 0, 1));
        assert_eq!(report.verdict, Verdict::Passed);
        assert!(report.passed());
    }

    #[test]
    fn cargo_failures_fail() {
        let report = read_output(CARGO_FAILED, Some(101));
        assert_eq!(report.counts, counts(2, 1, 0));
        assert_eq!(report.verdict, Verdict::Failed("1 test failed".into()));
    }

    #[test]
    fn cargo_with_no_test_fails() {
        let report = read_output(CARGO_NO_TESTS, Some(0));
        assert_eq!(report.counts, counts(0, 0, 0));
        assert_eq!(report.verdict, Verdict::Failed("no test ran".into()));
    }

    #[test]
    fn a_crashed_cargo_binary_counts_its_listed_results() {
        let report = read_output(CARGO_CRASHED, Some(101));
        assert_eq!(report.counts, counts(1, 1, 0));
        assert!(report.note.as_deref().is_some_and(|n| n.contains("no `test result:` line")));
        assert!(matches!(report.verdict, Verdict::Failed(_)));
    }

    #[test]
    fn pytest_errors_fail_and_xfail_is_skipped() {
        let report = read_output(PYTEST, Some(1));
        assert_eq!(report.runner, Some("pytest"));
        assert_eq!(report.counts, counts(3, 2, 3));
        assert_eq!(report.verdict, Verdict::Failed("2 tests failed".into()));
    }

    #[test]
    fn pytest_quiet_style_passes() {
        let report = read_output(PYTEST_Q, Some(0));
        assert_eq!(report.counts, counts(5, 0, 0));
        assert_eq!(report.verdict, Verdict::Passed);
    }

    #[test]
    fn pytest_with_no_test_or_only_skipped_ones_fails() {
        for output in [PYTEST_NONE, PYTEST_SKIPPED] {
            let report = read_output(output, Some(0));
            assert_eq!(report.runner, Some("pytest"));
            assert_eq!(report.verdict, Verdict::Failed("no test ran".into()), "{output}");
        }
        assert_eq!(read_output(PYTEST_SKIPPED, Some(0)).counts, counts(0, 0, 3));
    }

    #[test]
    fn unittest_is_read() {
        let report = read_output(UNITTEST_FAILED, Some(1));
        assert_eq!(report.runner, Some("unittest"));
        assert_eq!(report.counts, counts(3, 1, 1));
        assert!(matches!(report.verdict, Verdict::Failed(_)));
        let ok = read_output(UNITTEST_OK, Some(0));
        assert_eq!((ok.counts, ok.verdict), (counts(3, 0, 0), Verdict::Passed));
    }

    #[test]
    fn go_verbose_counts_top_level_tests() {
        let report = read_output(GO_VERBOSE, Some(1));
        assert_eq!(report.runner, Some("go test"));
        assert_eq!(report.counts, counts(2, 1, 1));
        assert_eq!(report.note, None);
        assert_eq!(report.verdict, Verdict::Failed("1 test failed".into()));
    }

    #[test]
    fn go_without_verbose_counts_packages_and_says_so() {
        let report = read_output(GO_PACKAGES, Some(0));
        assert_eq!(report.counts, counts(2, 0, 1));
        assert_eq!(report.verdict, Verdict::Passed);
        assert!(report.note.as_deref().is_some_and(|n| n.contains("counted packages, not tests")));

        let failed = read_output(GO_PACKAGES_FAILED, Some(1));
        assert_eq!(failed.counts, counts(0, 1, 0), "the FAIL line of a test wins over package lines");
        let unbuilt = read_output(GO_BUILD_FAILED, Some(1));
        assert_eq!(unbuilt.counts, counts(1, 1, 0));
        assert!(matches!(unbuilt.verdict, Verdict::Failed(_)));
    }

    #[test]
    fn jest_is_read_without_its_suite_line() {
        let report = read_output(JEST, Some(1));
        assert_eq!(report.runner, Some("jest"));
        assert_eq!(report.counts, counts(3, 1, 2));
        assert_eq!(report.verdict, Verdict::Failed("1 test failed".into()));
    }

    #[test]
    fn vitest_is_read_through_colour_codes() {
        let report = read_output(VITEST, Some(1));
        assert_eq!(report.runner, Some("vitest"));
        assert_eq!(report.counts, counts(3, 2, 1));
        let ok = read_output(VITEST_OK, Some(0));
        assert_eq!((ok.runner, ok.counts, ok.verdict), (Some("vitest"), counts(3, 0, 0), Verdict::Passed));
    }

    #[test]
    fn node_test_tap_and_spec_summaries() {
        let tap = read_output(NODE_TAP, Some(0));
        assert_eq!(tap.runner, Some("node:test"));
        assert_eq!((tap.counts, tap.verdict), (counts(1, 0, 1), Verdict::Passed));
        let spec = read_output(NODE_SPEC, Some(1));
        assert_eq!(spec.counts, counts(1, 1, 0));
        assert!(matches!(spec.verdict, Verdict::Failed(_)));
    }

    #[test]
    fn mocha_pending_is_not_passed() {
        let report = read_output(MOCHA, Some(1));
        assert_eq!(report.runner, Some("mocha"));
        assert_eq!(report.counts, counts(2, 1, 1));
        let all_pending = read_output("\n  0 passing (2ms)\n  3 pending\n", Some(0));
        assert_eq!(all_pending.verdict, Verdict::Failed("no test ran".into()));
    }

    #[test]
    fn exit_code_zero_with_failures_still_fails() {
        let report = read_output(CARGO_FAILED, Some(0));
        assert_eq!(report.verdict, Verdict::Failed("1 test failed although the command exited 0".into()));
        assert!(!report.passed());
    }

    #[test]
    fn a_non_zero_exit_without_failures_fails_and_names_the_code() {
        let report = read_output(CARGO_OK, Some(2));
        assert_eq!(report.verdict, Verdict::Failed("the command exited with code 2 although no test failed".into()));
        let killed = read_output(CARGO_OK, None);
        assert!(matches!(killed.verdict, Verdict::Failed(why) if why.contains("no exit code")));
    }

    #[test]
    fn unreadable_output_is_decided_by_the_exit_code() {
        let ok = read_output("all good, trust me\n", Some(0));
        assert_eq!((ok.runner, ok.counts, &ok.verdict), (None, None, &Verdict::Unreadable));
        assert!(ok.note.as_deref().is_some_and(|n| n.contains("could not be read") && n.contains("passed")));
        assert!(ok.passed());
        let failed = read_output("error[E0425]: cannot find value `x`\n", Some(101));
        assert_eq!(failed.verdict, Verdict::Unreadable);
        assert!(failed.note.as_deref().is_some_and(|n| n.contains("exit code 101")));
        assert!(!failed.passed());
        assert!(!read_output("", None).passed());
    }

    #[test]
    fn several_runners_are_summed_and_noted() {
        let output = format!("{JEST}\n{CARGO_OK}");
        let report = read_output(&output, Some(1));
        assert_eq!(report.runner, Some("cargo test"));
        assert_eq!(report.counts, counts(9, 1, 3));
        assert!(report.note.as_deref().is_some_and(|n| n.contains("cargo test, jest")));
    }

    #[test]
    fn progress_rewrites_and_crlf_are_read_as_shown() {
        let output = "running 1 test\r\ntest a ... ok\r\n\rprogress 50%\rtest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\r\n";
        assert_eq!(read_output(output, Some(0)).verdict, Verdict::Passed);
    }

    #[test]
    fn lookalike_lines_are_not_summaries() {
        for output in [
            "Tests: none\n",
            "Tests  look good\n",
            "3 passed in review\n",
            "test result: fine\n",
            "ok everything\n",
            "# tests are great\n",
            "3 passing\n",
            "--- PASS\n",
        ] {
            assert_eq!(read_output(output, Some(0)).verdict, Verdict::Unreadable, "{output:?}");
        }
    }

    #[test]
    fn tail_keeps_the_last_lines_without_colour() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a\nb\nc", 5), "a\nb\nc");
        assert_eq!(tail("a\n\u{1b}[31mb\u{1b}[0m\n", 1), "b");
        assert_eq!(tail("a\nb", 0), "");
        assert_eq!(tail("", 3), "");
        assert_eq!(tail("漢字\n테스트\n", 1), "테스트");
    }

    #[test]
    fn ansi_sequences_are_stripped() {
        assert_eq!(strip_ansi("\u{1b}[1;32mok\u{1b}[0m"), "ok");
        assert_eq!(strip_ansi("\u{1b}]8;;https://x\u{7}link\u{1b}]8;;\u{1b}\\ done"), "link done");
        assert_eq!(strip_ansi("a\u{1b}"), "a");
        assert_eq!(strip_ansi("a\u{1b}[12"), "a");
    }

    /// A small deterministic generator (xorshift), so the fuzz test needs
    /// no dependency and fails the same way every time.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    #[test]
    fn random_output_never_panics_and_never_passes_without_evidence() {
        let fragments = [
            "test result: ok. ",
            "test result: FAILED. ",
            "3 passed",
            "; ",
            ", ",
            " | ",
            "0 failed",
            "4294967296 passed",
            "99999999999999999999",
            " in 0.1s",
            "=====",
            "Tests:",
            "Tests  ",
            "(6)",
            " total",
            "# tests ",
            "ℹ pass ",
            "--- PASS: ",
            "--- FAIL: T/x",
            "ok  \t",
            "FAIL\t",
            "?   \t",
            "[no test files]",
            " passing (",
            ")",
            " failing",
            "Ran ",
            "OK (skipped=",
            "FAILED (failures=",
            "=",
            "\n",
            "\r",
            "\r\n",
            "\u{1b}[",
            "\u{1b}]",
            "\u{1b}",
            "\u{7}",
            "31m",
            " ",
            "\t",
            "漢字テスト",
            "✓",
            "ℹ",
            "…",
            "1",
            "0",
            "-",
            "(",
            "test x ... ",
            "ignored",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let n = (rng.next() % 40) as usize;
            let output: String = (0..n).map(|_| rng.pick(&fragments)).collect();
            for exit in [Some(0), Some(1), None] {
                let report = read_output(&output, exit);
                if report.verdict == Verdict::Passed {
                    let c = report.counts.expect("counts");
                    assert!(exit == Some(0) && c.ran > 0 && c.failed == 0 && c.passed > 0, "{output:?}");
                }
                let _ = tail(&output, (rng.next() % 4) as usize);
            }
        }
    }

    #[test]
    fn huge_outputs_are_read_in_linear_time() {
        let started = std::time::Instant::now();
        let mut many_lines =
            "test a::b ... ok\n漢字のテスト出力 \u{1b}[32mgreen\u{1b}[0m ====== 1 passed\n".repeat(80_000);
        many_lines.push_str(
            "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n",
        );
        assert!(many_lines.len() > 5_000_000);
        assert_eq!(read_output(&many_lines, Some(0)).verdict, Verdict::Passed);

        let one_line = "= 1 passed, ".repeat(500_000) + " in 0.1s";
        let _ = read_output(&one_line, Some(0));
        let escapes = "\u{1b}[".repeat(1_000_000);
        let _ = read_output(&escapes, Some(1));
        assert_eq!(tail(&one_line, 3).len(), one_line.len());
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "took {:?}", started.elapsed());
    }
}
