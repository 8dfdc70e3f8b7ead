//! What the user attached to a chat message: files, folders, specs,
//! steering, the codebase map, the editor's problems and the git diff, each
//! turned into a section of text after the message.
//!
//! Invariants:
//! - Attaching never fails: a path outside the workspace (or through a link
//!   that leaves it), a missing or unreadable file, a spec that does not
//!   exist or a folder that is not a git repository becomes a one-line note.
//! - Files [`specwright_secrets::withheld`] names (credential-like or
//!   ignored by git) are named with the reason, never sent: not as an
//!   attached file, not in a steering document's included files, not in the
//!   git diff. Redaction by the model layer comes on top of this.
//! - The sections share one budget of characters; a section that does not
//!   fit its share is cut, and the cut is shown.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use specwright_secrets::withheld;
use specwright_steering::{Inclusion, Source, Steering};
use tokio::io::AsyncReadExt;

use crate::tool::{Tool, ToolContext};
use crate::tools::{ReadSpec, RepoMap};
use crate::workspace::normalize;

/// One thing the user attached to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextItem {
    /// A file (absolute, or relative to the workspace root).
    File(PathBuf),
    /// A folder, listed recursively.
    Folder(PathBuf),
    /// A spec, by its folder name under `.kiro/specs/`.
    Spec(String),
    /// One steering document, or (`None`) every one.
    Steering(Option<PathBuf>),
    /// The ranked repository map.
    Codebase,
    /// The problems the editor shows.
    Problems(Vec<Problem>),
    /// The uncommitted changes: `git diff HEAD` and the untracked files.
    GitDiff,
    /// Text the front end already read from elsewhere (an MCP server's
    /// resource), attached under `title`; with an empty body, `title` is
    /// the whole note.
    Text { title: String, body: String },
}

impl ContextItem {
    /// A one-line note in place of an item that could not be attached.
    pub fn note(note: impl Into<String>) -> Self {
        ContextItem::Text { title: note.into(), body: String::new() }
    }
}

/// A problem as the front end reports it (converted from its diagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Relative to the workspace root, `/`-separated.
    pub path: String,
    /// 1-based.
    pub line: u32,
    /// `error`, `warning`, `info` or `hint`.
    pub severity: String,
    pub message: String,
    /// What reported it (a linter, a compiler), when known.
    pub source: Option<String>,
}

/// Files larger than this are named, not attached.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// The most entries of an attached folder listed.
const MAX_LISTED: usize = 2_000;
/// How long one git command may run before it is killed.
const GIT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most bytes of a git command's output read; a bigger diff is cut
/// (it would be clipped to the budget anyway).
const MAX_GIT_BYTES: u64 = 8 * 1024 * 1024;
/// The most bytes of a git command's error output kept.
const MAX_GIT_ERROR_BYTES: u64 = 16 * 1024;

/// `text` followed by one section per item of `items`, in order. The
/// sections' bodies share `budget_chars` characters: each gets an equal
/// share, and what a short section leaves over goes to the longer ones; a
/// body longer than its share is cut with `[cut at N of M characters]`.
pub async fn attach(text: &str, items: &[ContextItem], cx: &ToolContext<'_>, budget_chars: usize) -> String {
    let mut sections = Vec::with_capacity(items.len());
    for item in items {
        sections.push(section(item, cx).await);
    }
    let lengths: Vec<usize> = sections.iter().map(|s| s.body.chars().count()).collect();
    let shares = shares(&lengths, budget_chars);
    let mut out = text.to_string();
    for (section, share) in sections.iter().zip(shares) {
        out.push_str("\n\n");
        out.push_str(&section.render(share));
    }
    out
}

/// One attached item as text.
struct Section {
    /// What it is, e.g. "Attached file `src/a.rs`"; the whole note when
    /// `body` is empty.
    title: String,
    body: String,
    /// The code fence's language when the body is fenced.
    fence: Option<String>,
}

impl Section {
    fn note(note: String) -> Self {
        Self { title: note, body: String::new(), fence: None }
    }

    fn plain(title: String, body: String) -> Self {
        Self { title, body, fence: None }
    }

    fn fenced(title: String, body: String, language: &str) -> Self {
        Self { title, body, fence: Some(language.to_string()) }
    }

    /// The section with its body clipped to `share` characters; the fence
    /// (long enough for any backticks inside) closes after the cut, and the
    /// note of the cut follows it.
    fn render(&self, share: usize) -> String {
        if self.body.is_empty() {
            return self.title.clone();
        }
        let (body, cut) = clip(&self.body, share);
        let mut out = format!("{}:\n", self.title);
        match &self.fence {
            Some(language) => {
                let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
                out.push_str(&format!("{fence}{language}\n{}\n{fence}", body.trim_end_matches('\n')));
            }
            None => out.push_str(body.trim_end_matches('\n')),
        }
        if let Some(cut) = cut {
            out.push('\n');
            out.push_str(&cut);
        }
        out
    }
}

async fn section(item: &ContextItem, cx: &ToolContext<'_>) -> Section {
    match item {
        ContextItem::File(path) => file(path, cx).await,
        ContextItem::Folder(path) => folder(path, cx).await,
        ContextItem::Spec(name) => spec(name, cx).await,
        ContextItem::Steering(path) => steering(path.as_deref(), cx).await,
        ContextItem::Codebase => codebase(cx).await,
        ContextItem::Problems(problems) => self::problems(problems),
        ContextItem::GitDiff => git_diff(cx).await,
        ContextItem::Text { title, body } => Section::plain(title.clone(), body.clone()),
    }
}

/// A context whose tools do not cap their output: [`attach`] clips it to
/// the section's share instead, showing the cut its own way.
fn uncapped<'a>(cx: &'a ToolContext<'a>) -> ToolContext<'a> {
    ToolContext { workspace: cx.workspace, host: cx.host, cancel: cx.cancel, output_limit: usize::MAX }
}

/// Runs blocking file-system work off the async threads; `None` when it
/// did not finish (a panic).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(f).await.ok()
}

/// Where `path` leads inside the workspace: the real path, and the path as
/// the user named it, relative to the root (a link keeps its own name). An
/// error (the note's reason) when it, or a link on the way, leaves the
/// workspace, or when its content is withheld.
async fn locate(path: &Path, cx: &ToolContext<'_>) -> Result<(PathBuf, String), String> {
    let workspace = cx.workspace;
    let real = workspace.resolve(&path.to_string_lossy()).map_err(|_| "it is outside the workspace".to_string())?;
    let named = workspace.display(&normalize(&workspace.root().join(path)));
    let real_rel = workspace.display(&real);
    let root = workspace.root().to_path_buf();
    let reason = {
        let named = named.clone();
        blocking(move || withheld(&root, &named).or_else(|| withheld(&root, &real_rel))).await.flatten()
    };
    match reason {
        Some(reason) => Err(reason.to_string()),
        None => Ok((real, named)),
    }
}

/// `path` as a note names it: relative to the root when inside, as given
/// otherwise.
fn named(path: &Path, cx: &ToolContext<'_>) -> String {
    let lexical = normalize(&cx.workspace.root().join(path));
    if lexical.starts_with(cx.workspace.root()) {
        let shown = cx.workspace.display(&lexical);
        if shown.is_empty() { ".".into() } else { shown }
    } else {
        path.to_string_lossy().into_owned()
    }
}

/// A file's text: the editor's when the host has it (unsaved changes
/// included), else the disk's.
async fn file(path: &Path, cx: &ToolContext<'_>) -> Section {
    let shown = named(path, cx);
    let (real, rel) = match locate(path, cx).await {
        Ok(found) => found,
        Err(reason) => return Section::note(format!("Attached file `{shown}`: not included, {reason}.")),
    };
    let lexical = cx.workspace.root().join(&rel);
    let text = match cx.host.open_text(&real).or_else(|| cx.host.open_text(&lexical)) {
        Some(text) => text,
        None => match read_text(&real).await {
            Ok(text) => text,
            Err(reason) => return Section::note(format!("Attached file `{rel}`: not included, {reason}.")),
        },
    };
    let language = real.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    if text.is_empty() {
        return Section::note(format!("Attached file `{rel}`: empty."));
    }
    Section::fenced(format!("Attached file `{rel}`"), text, &language)
}

/// The text of the file at `path` on disk, or why there is none.
async fn read_text(path: &Path) -> Result<String, String> {
    let metadata = match tokio::fs::metadata(path).await {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("it does not exist".into()),
        Err(e) => return Err(format!("it cannot be read ({e})")),
    };
    if metadata.is_dir() {
        return Err("it is a folder (attach it as a folder)".into());
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(format!("it is {} bytes, too large", metadata.len()));
    }
    let bytes = tokio::fs::read(path).await.map_err(|e| format!("it cannot be read ({e})"))?;
    if bytes.contains(&0) {
        return Err("it is not a text file".into());
    }
    String::from_utf8(bytes).map_err(|_| "it is not a text file (not UTF-8)".into())
}

/// The files and folders under a folder, relative to the workspace root,
/// as the ignore files leave them.
async fn folder(path: &Path, cx: &ToolContext<'_>) -> Section {
    let shown = named(path, cx);
    let (real, rel) = match locate(path, cx).await {
        Ok(found) => found,
        Err(reason) => return Section::note(format!("Attached folder `{shown}`: not listed, {reason}.")),
    };
    let title = if rel.is_empty() { "./".to_string() } else { format!("{rel}/") };
    match tokio::fs::metadata(&real).await {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => return Section::note(format!("Attached folder `{rel}`: not listed, it is a file.")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Section::note(format!("Attached folder `{rel}`: not listed, it does not exist."));
        }
        Err(e) => return Section::note(format!("Attached folder `{rel}`: not listed, it cannot be read ({e}).")),
    }
    let root = cx.workspace.root().to_path_buf();
    let Some((entries, more)) = blocking(move || list(&root, &real)).await else {
        return Section::note(format!("Attached folder `{title}`: the listing did not finish."));
    };
    if entries.is_empty() {
        return Section::note(format!("Attached folder `{title}`: empty."));
    }
    let mut body = entries.join("\n");
    if more {
        body.push_str(&format!("\n[listing stopped at {MAX_LISTED} entries]"));
    }
    Section::plain(format!("Attached folder `{title}` ({} entries)", entries.len()), body)
}

/// Every entry under `dir` that no ignore file hides, depth first and by
/// name, relative to `root`, folders with a trailing `/`; `.git` is never
/// listed and links are not followed. At most [`MAX_LISTED`], and whether
/// there were more.
fn list(root: &Path, dir: &Path) -> (Vec<String>, bool) {
    let walk = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    let mut entries = Vec::new();
    for entry in walk.filter_map(Result::ok).filter(|e| e.depth() > 0) {
        if entries.len() == MAX_LISTED {
            return (entries, true);
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        entries.push(if is_dir { format!("{rel}/") } else { rel });
    }
    (entries, false)
}

/// A spec as `read_spec` gives it: requirements and criteria with their
/// ids, the design, the tasks.
async fn spec(name: &str, cx: &ToolContext<'_>) -> Section {
    match ReadSpec.run(json!({ "spec": name }), &uncapped(cx)).await {
        Ok(text) => Section::plain(format!("Attached spec `{name}`"), text),
        Err(e) => Section::note(format!("Attached spec `{name}`: not included, {}.", e.message())),
    }
}

/// The user's steering folder (`~/.kiro/steering`), as the system prompt
/// reads it.
fn user_steering_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".kiro").join("steering"))
}

/// One steering document, or every one, each with its inclusion and its
/// `#[[file:…]]` references inlined (withheld ones named instead).
async fn steering(path: Option<&Path>, cx: &ToolContext<'_>) -> Section {
    let root = cx.workspace.root().to_path_buf();
    let wanted = path.map(|p| root.join(p));
    let shown = path.map(|p| named(p, cx));
    let loaded = blocking(move || {
        let mut steering = Steering::load(&root, user_steering_dir().as_deref());
        let withheld_includes = withhold_includes(&root, &mut steering);
        (steering, withheld_includes)
    })
    .await;
    let Some((steering, withheld_includes)) = loaded else {
        return Section::note("Attached steering: the steering documents could not be read.".into());
    };
    let files: Vec<_> = match &wanted {
        Some(wanted) => match steering.by_path(wanted) {
            Some(file) => vec![file],
            None => {
                let shown = shown.unwrap_or_default();
                return Section::note(format!(
                    "Attached steering `{shown}`: not included, it is not a steering document \
                     (.kiro/steering/**/*.md, AGENTS.md or ~/.kiro/steering/*.md)."
                ));
            }
        },
        None => steering.files.iter().collect(),
    };
    let requested: Vec<String> = files.iter().map(|f| f.rel.clone()).collect();
    let applied = steering.applicable(&[], &requested);
    let mut body = String::new();
    let mut notes = Vec::new();
    for file in &files {
        // A workspace document that is a link out of the workspace is not read.
        if file.source != Source::User && cx.workspace.resolve(&file.path.to_string_lossy()).is_err() {
            notes.push(format!("(`{}` not included: it is outside the workspace.)", file.rel));
            continue;
        }
        let text = applied.iter().find(|a| a.name == file.rel).map_or(file.body.as_str(), |a| a.text.as_str());
        body.push_str(&format!("### {} ({})\n\n{}\n\n", file.rel, inclusion(file), text.trim()));
        for (document, target, reason) in &withheld_includes {
            if *document == file.path {
                notes.push(format!("(`{}` includes `{target}`, not included: {reason}.)", file.rel));
            }
        }
    }
    for note in notes {
        body.push_str(&note);
        body.push('\n');
    }
    match (&wanted, files.len()) {
        (None, 0) => Section::note("Attached steering: the workspace has no steering documents.".into()),
        (None, n) => Section::plain(format!("Attached steering ({n} documents)"), body),
        (Some(_), _) => Section::plain(format!("Attached steering document `{}`", files[0].rel), body),
    }
}

/// Unresolves every `#[[file:…]]` reference of `steering` to a withheld
/// file, so that its content is not inlined; the document's path, the
/// reference and the reason, for each.
pub fn withhold_includes(root: &Path, steering: &mut Steering) -> Vec<(PathBuf, String, String)> {
    let mut out = Vec::new();
    for file in &mut steering.files {
        for include in &mut file.includes {
            let Some(resolved) = &include.resolved else { continue };
            let rel = resolved.strip_prefix(root).unwrap_or(resolved).to_string_lossy().replace('\\', "/");
            let reason = withheld(root, &rel).or_else(|| withheld(root, &include.target));
            if let Some(reason) = reason {
                include.resolved = None;
                out.push((file.path.clone(), include.target.clone(), reason.to_string()));
            }
        }
    }
    out
}

/// When a steering document is included, in words.
fn inclusion(file: &specwright_steering::SteeringFile) -> String {
    if let Source::AgentsMd { .. } = file.source {
        return "AGENTS.md: applies to its folder".into();
    }
    match file.inclusion {
        Inclusion::FileMatch => format!("inclusion: fileMatch {}", file.patterns.join(", ")),
        Inclusion::Auto => match &file.description {
            Some(description) => format!("inclusion: auto, {description}"),
            None => "inclusion: auto".into(),
        },
        other => format!("inclusion: {}", other.as_str()),
    }
}

/// The repository map, as `repo_map` gives it.
async fn codebase(cx: &ToolContext<'_>) -> Section {
    match RepoMap.run(json!({}), &uncapped(cx)).await {
        Ok(map) => Section::plain("Attached codebase map (the most referenced code first)".into(), map),
        Err(e) => Section::note(format!("Attached codebase map: not included, {}.", e.message())),
    }
}

/// One line per problem: `path:line severity message (source)`.
fn problems(problems: &[Problem]) -> Section {
    if problems.is_empty() {
        return Section::note("Attached problems: none are reported.".into());
    }
    let lines: Vec<String> = problems
        .iter()
        .map(|p| {
            let message = p.message.split_whitespace().collect::<Vec<_>>().join(" ");
            let source = p.source.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
            format!("{}:{} {} {message}{source}", p.path, p.line, p.severity)
        })
        .collect();
    Section::plain(format!("Attached problems ({})", problems.len()), lines.join("\n"))
}

/// What a git command gave.
struct GitOutput {
    success: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// Whether `stdout` stopped at [`MAX_GIT_BYTES`].
    cut: bool,
}

/// The changes of the workspace's part of its repository against `HEAD`
/// (against nothing before the first commit), then the untracked files;
/// withheld files' diffs are left out and named.
async fn git_diff(cx: &ToolContext<'_>) -> Section {
    const TITLE: &str = "Attached git diff";
    match git_changes(cx).await {
        Ok(section) => section,
        Err(reason) => Section::note(format!("{TITLE}: not included, {reason}.")),
    }
}

async fn git_changes(cx: &ToolContext<'_>) -> Result<Section, String> {
    let root = cx.workspace.root().to_path_buf();
    let inside = git(&root, &["rev-parse", "--is-inside-work-tree"], cx).await?;
    if !inside.success || String::from_utf8_lossy(&inside.stdout).trim() != "true" {
        return Ok(Section::note("Attached git diff: the workspace folder is not a git repository.".into()));
    }
    let head = git(&root, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cx).await?;
    let (base, against) = if head.success {
        ("HEAD".to_string(), "HEAD")
    } else {
        // No commit yet: against the empty tree (in the repository's hash).
        let empty = git(&root, &["hash-object", "-t", "tree", "--stdin"], cx).await?;
        (String::from_utf8_lossy(&empty.stdout).trim().to_string(), "the empty tree (no commit yet)")
    };

    let names = git(&root, &["diff", &base, "--name-only", "-z", "--no-renames", "--relative"], cx).await?;
    if !names.success {
        return Err(format!("git diff failed: {}", String::from_utf8_lossy(&names.stderr).trim()));
    }
    let changed: Vec<String> = split_nul(&names.stdout);
    let withheld_changes: Vec<(String, String)> = {
        let root = root.clone();
        blocking(move || {
            changed.into_iter().filter_map(|rel| withheld(&root, &rel).map(|r| (rel, r.to_string()))).collect()
        })
        .await
        .unwrap_or_default()
    };

    let mut args: Vec<String> =
        ["diff", &base, "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--relative"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    args.push("--".into());
    args.push(".".into());
    args.extend(withheld_changes.iter().map(|(rel, _)| format!(":(exclude,literal){rel}")));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let diff = git(&root, &args, cx).await?;
    if !diff.success {
        return Err(format!("git diff failed: {}", String::from_utf8_lossy(&diff.stderr).trim()));
    }
    let untracked = git(&root, &["ls-files", "--others", "--exclude-standard", "-z"], cx).await?;
    let untracked = if untracked.success { split_nul(&untracked.stdout) } else { Vec::new() };

    let mut body = String::from_utf8_lossy(&diff.stdout).into_owned();
    if diff.cut {
        body.push_str(&format!("\n[the diff stopped after {MAX_GIT_BYTES} bytes]"));
    }
    for (rel, reason) in &withheld_changes {
        body.push_str(&format!("\n(the diff of `{rel}` is left out: {reason})"));
    }
    if !untracked.is_empty() {
        if !body.is_empty() && !body.ends_with('\n') {
            body.push('\n');
        }
        body.push_str("\nUntracked files (not in the diff):\n");
        body.push_str(&untracked.join("\n"));
    }
    if body.trim().is_empty() {
        return Ok(Section::note(format!("Attached git diff: no changes against {against}.")));
    }
    Ok(Section::fenced(format!("Attached git diff (against {against})"), body.trim_start().to_string(), "diff"))
}

/// `bytes` split at NUL bytes, without empty parts.
fn split_nul(bytes: &[u8]) -> Vec<String> {
    bytes.split(|b| *b == 0).filter(|p| !p.is_empty()).map(|p| String::from_utf8_lossy(p).into_owned()).collect()
}

/// Runs `git args` in `dir`, no shell and no pager, with the repository's
/// own commands (external diffs, text conversions, fsmonitor hooks) off;
/// killed when it outlives [`GIT_TIMEOUT`] or the turn is cancelled.
async fn git(dir: &Path, args: &[&str], cx: &ToolContext<'_>) -> Result<GitOutput, String> {
    let mut child = tokio::process::Command::new("git")
        .args(["--no-pager", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false", "-c", "color.ui=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("git cannot be run ({e})"))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let read = async {
        let out = async {
            let mut buf = Vec::new();
            if let Some(pipe) = stdout {
                let _ = pipe.take(MAX_GIT_BYTES).read_to_end(&mut buf).await;
            }
            buf
        };
        let err = async {
            let mut buf = Vec::new();
            if let Some(pipe) = stderr {
                let _ = pipe.take(MAX_GIT_ERROR_BYTES).read_to_end(&mut buf).await;
            }
            buf
        };
        let (stdout, stderr) = tokio::join!(out, err);
        let cut = stdout.len() as u64 >= MAX_GIT_BYTES;
        if cut {
            // It may be blocked writing the rest.
            let _ = child.start_kill();
        }
        let status = child.wait().await;
        (status, stdout, stderr, cut)
    };
    let outcome = tokio::select! {
        outcome = tokio::time::timeout(GIT_TIMEOUT, read) => outcome.ok(),
        () = cx.cancel.cancelled() => None,
    };
    match outcome {
        Some((Ok(status), stdout, stderr, cut)) => {
            Ok(GitOutput { success: status.success() || cut, stdout, stderr, cut })
        }
        Some((Err(e), ..)) => Err(format!("git did not finish ({e})")),
        None => {
            let _ = child.start_kill();
            let _ = child.wait().await;
            if cx.cancel.is_cancelled() {
                Err("the turn was cancelled".into())
            } else {
                Err(format!("`git {}` did not finish within {} s and was stopped", args[0], GIT_TIMEOUT.as_secs()))
            }
        }
    }
}

/// How many characters each body gets of `budget`: an equal share each,
/// and what a shorter body leaves over shared among the longer ones.
fn shares(lengths: &[usize], budget: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]);
    let mut left = budget;
    let mut shares = vec![0; lengths.len()];
    for (k, &i) in order.iter().enumerate() {
        let share = lengths[i].min(left / (lengths.len() - k));
        shares[i] = share;
        left -= share;
    }
    shares
}

/// `text` cut to at most `limit` characters (back to the last full line
/// when there is one), and the note of the cut when it was cut.
fn clip(text: &str, limit: usize) -> (&str, Option<String>) {
    let Some((at, _)) = text.char_indices().nth(limit) else {
        return (text, None);
    };
    let head = &text[..at];
    let head = match head.rfind('\n') {
        Some(newline) if newline > 0 => &head[..newline],
        _ => head,
    };
    let total = text.chars().count();
    (head, Some(format!("[cut at {} of {total} characters]", head.chars().count())))
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_give_what_short_bodies_leave_to_long_ones() {
        assert_eq!(shares(&[10, 1000, 1000], 300), vec![10, 145, 145]);
        assert_eq!(shares(&[10, 20], 300), vec![10, 20]);
        assert_eq!(shares(&[500, 500], 0), vec![0, 0]);
        assert_eq!(shares(&[], 100), Vec::<usize>::new());
    }

    #[test]
    fn clip_cuts_at_a_line_and_says_so() {
        assert_eq!(clip("abc", 3), ("abc", None));
        assert_eq!(clip("ab\ncdef", 5), ("ab", Some("[cut at 2 of 7 characters]".into())));
        assert_eq!(clip("ééé", 2), ("éé", Some("[cut at 2 of 3 characters]".into())));
    }

    #[test]
    fn fences_outgrow_the_backticks_inside() {
        let section = Section::fenced("Attached file `a.md`".into(), "```rust\nx\n```".into(), "md");
        let out = section.render(1000);
        assert!(out.starts_with("Attached file `a.md`:\n````md\n"), "{out}");
        assert!(out.ends_with("\n````"), "{out}");
    }
}
