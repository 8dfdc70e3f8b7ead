//! The hook engine: decides when the hooks of `.kiro/hooks/` run and runs
//! them. It knows nothing of LSP: the language server feeds it file events
//! and receives [`Outcome`]s on a channel; `specwright hooks run` calls
//! [`run_action`] directly; chat turns fire the agent triggers through
//! [`Engine::run_now`].
//!
//! What it guarantees:
//! - **Debounce.** Events for the same hook and file that arrive within
//!   [`EngineConfig::debounce`] of each other run the hook once, after the
//!   last of them.
//! - **A concurrency limit per hook.** At most
//!   [`EngineConfig::max_concurrent_per_hook`] runs of one hook at a time;
//!   further runs wait, and a run already waiting for the same file absorbs
//!   new events for it.
//! - **No loops.** A file event is the hook's own doing when the file's
//!   modification time falls inside one of that hook's runs (it wrote the
//!   file) or, for a deletion, when the event arrives while the hook runs or
//!   within [`EngineConfig::loop_guard_grace`] after. Such events never start
//!   that hook again; other hooks still see them.
//! - **Cancellation.** [`Engine::shutdown`] stops waiting runs and kills
//!   running commands with their process groups.
//! - **One run per save.** A save reported both by the editor (`didSave`)
//!   and by its file watcher is one event: the second report, from the other
//!   source, finds the file's modification time unchanged.
//! - **Trust.** A hook that is not a built-in analyzer runs only once the
//!   user trusts its file ([`trust`]); the question is asked after the
//!   debounce, before the run, and nothing runs without an answer.

mod action;
#[cfg(test)]
mod tests;
pub mod trust;

pub use action::{
    AgentHands, AgentSource, BUILTIN_PREFIX, BUILTINS, ModelSource, OUTPUT_LIMIT, Outcome, RunContext, run_action,
};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use specwright_hooks::{Event, EventKind, Hook, matches};
use specwright_models::CancellationToken;
use tokio::sync::{Semaphore, mpsc};

/// The engine's knobs.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// How long a hook waits for the burst of events it belongs to to end.
    pub debounce: Duration,
    /// Runs of one hook at the same time.
    pub max_concurrent_per_hook: usize,
    /// How long after a run a deletion is still attributed to it.
    pub loop_guard_grace: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            debounce: Duration::from_millis(300),
            max_concurrent_per_hook: 1,
            loop_guard_grace: Duration::from_secs(2),
        }
    }
}

/// A hook's identity: its file and its place in the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HookKey {
    pub file: PathBuf,
    pub index: usize,
}

impl HookKey {
    pub fn of(hook: &Hook) -> Self {
        Self { file: hook.source.path.clone(), index: hook.source.index_in_file }
    }
}

/// A file event from the editor or the file watcher.
#[derive(Debug, Clone)]
pub struct FileEvent {
    pub kind: EventKind,
    /// The workspace folder the file belongs to.
    pub root: PathBuf,
    /// The file's absolute path.
    pub path: PathBuf,
    /// Reported by a file watcher (not by the editor's own notification):
    /// the same save may come both ways, and then runs hooks once.
    pub via_watcher: bool,
}

/// Why an event did not start a hook that matches it (for logs and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// The hook itself caused the event.
    OwnEdit,
    /// A run for the same file was already waiting; it absorbed the event.
    AlreadyQueued,
    /// The same save, reported twice (by the editor's `didSave` and by its
    /// file watcher): the file has not changed since the first report.
    SameSave,
}

/// The hook engine. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    config: std::sync::RwLock<EngineConfig>,
    outcomes: mpsc::UnboundedSender<Outcome>,
    models: ModelSource,
    /// The agent's hands for `askAgent` hooks; none: the model answers in text.
    agents: std::sync::RwLock<Option<AgentSource>>,
    gate: Arc<trust::TrustGate>,
    cancel: CancellationToken,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Debounce: the newest event's number per (hook, file).
    pending: HashMap<(HookKey, Option<String>), u64>,
    next_event: u64,
    next_run: u64,
    /// Runs waiting for a permit, per (hook, file).
    queued: HashSet<(HookKey, Option<String>)>,
    permits: HashMap<HookKey, Arc<Semaphore>>,
    /// The runs of each hook: when they started and (once done) ended.
    runs: HashMap<HookKey, Vec<RunWindow>>,
    /// The modification time of each file at its last save event and
    /// whether a watcher reported it, to tell a save reported both ways from
    /// a new one.
    saves: HashMap<PathBuf, (SystemTime, bool)>,
}

/// One run of a hook, for the loop guard.
#[derive(Debug, Clone, Copy)]
struct RunWindow {
    id: u64,
    started: SystemTime,
    ended: Option<(SystemTime, Instant)>,
}

/// How many past runs of a hook the loop guard remembers.
const RUNS_REMEMBERED: usize = 8;

/// File systems stamp modification times from a coarse clock that can lag
/// the precise one by a few milliseconds; a write at the very start of a run
/// must still fall inside it. (A user's save lands at least one debounce
/// period before the run it triggers.)
const CLOCK_SLACK: Duration = Duration::from_millis(50);

impl Engine {
    /// Outcomes of every run go to `outcomes`; `gate` decides which hooks
    /// the user trusts.
    pub fn new(
        config: EngineConfig,
        outcomes: mpsc::UnboundedSender<Outcome>,
        models: ModelSource,
        gate: Arc<trust::TrustGate>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                config: std::sync::RwLock::new(config),
                outcomes,
                models,
                agents: std::sync::RwLock::new(None),
                gate,
                cancel: CancellationToken::new(),
                state: Mutex::default(),
            }),
        }
    }

    /// Schedules every hook of `hooks` that `event` fires. Returns the
    /// hooks scheduled (after debounce) and those skipped, with why.
    pub fn file_event(&self, event: &FileEvent, hooks: &[Hook]) -> (Vec<String>, Vec<(String, Skipped)>) {
        let mut scheduled = Vec::new();
        let mut skipped = Vec::new();
        let Some(rel) = relative(&event.root, &event.path) else { return (scheduled, skipped) };
        let probe = Event::file(event.kind, &rel);
        // Read once per event, outside the state lock.
        let modified = match event.kind {
            EventKind::FileDeleted => None,
            _ => std::fs::metadata(&event.path).and_then(|m| m.modified()).ok(),
        };
        if event.kind == EventKind::FileSaved
            && let Some(modified) = modified
        {
            let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
            let echo = state
                .saves
                .get(&event.path)
                .is_some_and(|&(at, by_watcher)| at == modified && by_watcher != event.via_watcher);
            if echo {
                drop(state);
                let same = hooks.iter().filter(|h| matches(h, &probe)).map(|h| (h.name.clone(), Skipped::SameSave));
                return (scheduled, same.collect());
            }
            state.saves.insert(event.path.clone(), (modified, event.via_watcher));
        }
        for hook in hooks.iter().filter(|h| matches(h, &probe)) {
            if self.is_own_doing(hook, event.kind, modified) {
                tracing::debug!("hook '{}': {} was its own doing; not run again", hook.name, rel);
                skipped.push((hook.name.clone(), Skipped::OwnEdit));
                continue;
            }
            let siblings = same_file(hook, hooks);
            if self.debounce(hook.clone(), siblings, event.root.clone(), event.kind, Some(rel.clone())) {
                scheduled.push(hook.name.clone());
            } else {
                skipped.push((hook.name.clone(), Skipped::AlreadyQueued));
            }
        }
        (scheduled, skipped)
    }

    /// Runs `hook` (one of `hooks`, the hooks of its folder) now, by hand:
    /// no debounce; the concurrency limit and the trust gate hold (asking
    /// again after an earlier "Not now"). Returns its outcome, which also
    /// goes to the outcome channel, or why it did not run.
    pub async fn run_now(
        &self,
        hook: Hook,
        hooks: &[Hook],
        root: PathBuf,
        trigger: EventKind,
        file: Option<String>,
    ) -> Result<Outcome, trust::Refusal> {
        self.inner.gate.allow(&hook, &same_file(&hook, hooks), &root, true).await?;
        let key = HookKey::of(&hook);
        Ok(self.run_with_permit(key, hook, root, trigger, file, None).await)
    }

    /// Runs `hook` (one of `hooks`) for an agent event (`promptSubmit`,
    /// `agentStop`, ...), now: the trust gate asks if need be (once per
    /// file version and session), the concurrency limit holds. `prompt` is
    /// the user's prompt for `promptSubmit`. Returns its outcome, which also
    /// goes to the outcome channel, or why it did not run.
    pub async fn run_for_event(
        &self,
        hook: Hook,
        hooks: &[Hook],
        root: PathBuf,
        trigger: EventKind,
        prompt: Option<String>,
    ) -> Result<Outcome, trust::Refusal> {
        self.allow_event(&hook, hooks, &root).await?;
        let key = HookKey::of(&hook);
        Ok(self.run_with_permit(key, hook, root, trigger, None, prompt).await)
    }

    /// Whether `hook` (one of `hooks`, the hooks of the folder `root`) may
    /// run for an agent event: the trust gate, asking if need be (once per
    /// file version and session).
    pub async fn allow_event(&self, hook: &Hook, hooks: &[Hook], root: &Path) -> Result<(), trust::Refusal> {
        self.inner.gate.allow(hook, &same_file(hook, hooks), root, false).await
    }

    /// Gives `askAgent` hooks the agent's tools through `source`'s host.
    pub fn set_agents(&self, source: AgentSource) {
        *self.inner.agents.write().unwrap_or_else(|e| e.into_inner()) = Some(source);
    }

    /// The trust gate (for the commands that trust or untrust a workspace).
    pub fn gate(&self) -> &trust::TrustGate {
        &self.inner.gate
    }

    /// Replaces the knobs; runs already scheduled keep theirs.
    pub fn configure(&self, config: EngineConfig) {
        *self.inner.config.write().unwrap_or_else(|e| e.into_inner()) = config;
    }

    fn config(&self) -> EngineConfig {
        self.inner.config.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Cancels waiting runs and kills running commands.
    pub fn shutdown(&self) {
        self.inner.cancel.cancel();
    }

    /// Whether the hook wrote (or deleted) the event's file itself;
    /// `modified` is the file's modification time (none for a deletion).
    fn is_own_doing(&self, hook: &Hook, kind: EventKind, modified: Option<SystemTime>) -> bool {
        let grace = self.config().loop_guard_grace;
        let state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(runs) = state.runs.get(&HookKey::of(hook)) else { return false };
        if kind == EventKind::FileDeleted {
            return runs.iter().any(|r| r.ended.is_none_or(|(_, at)| at.elapsed() <= grace));
        }
        let Some(modified) = modified else { return false };
        runs.iter().any(|r| {
            let started = r.started.checked_sub(CLOCK_SLACK).unwrap_or(r.started);
            started <= modified && r.ended.is_none_or(|(ended, _)| modified <= ended + CLOCK_SLACK)
        })
    }

    /// Starts (or restarts) the debounce timer of (hook, file); false when
    /// a run for that file is already waiting for a permit.
    fn debounce(
        &self,
        hook: Hook,
        siblings: Vec<Hook>,
        root: PathBuf,
        trigger: EventKind,
        file: Option<String>,
    ) -> bool {
        let key = (HookKey::of(&hook), file.clone());
        let number = {
            let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.queued.contains(&key) {
                return false;
            }
            state.next_event += 1;
            let n = state.next_event;
            state.pending.insert(key.clone(), n);
            n
        };
        let engine = self.clone();
        let debounce = self.config().debounce;
        tokio::spawn(async move {
            tokio::select! {
                () = tokio::time::sleep(debounce) => {}
                () = engine.inner.cancel.cancelled() => return,
            }
            {
                let mut state = engine.inner.state.lock().unwrap_or_else(|e| e.into_inner());
                if state.pending.get(&key) != Some(&number) {
                    return; // A newer event of the burst restarted the timer.
                }
                state.pending.remove(&key);
                if !state.queued.insert(key.clone()) {
                    return;
                }
            }
            // Nothing runs without the user's trust; the question (if any)
            // is asked once however many runs wait for it.
            let allowed = tokio::select! {
                allowed = engine.inner.gate.allow(&hook, &siblings, &root, false) => allowed,
                () = engine.inner.cancel.cancelled() => Err(trust::Refusal::NotTrusted),
            };
            if let Err(refusal) = allowed {
                engine.inner.state.lock().unwrap_or_else(|e| e.into_inner()).queued.remove(&key);
                tracing::info!("{}", refusal.message(&hook.name));
                return;
            }
            engine.run_with_permit(key.0, hook, root, trigger, file, None).await;
        });
        true
    }

    async fn run_with_permit(
        &self,
        key: HookKey,
        hook: Hook,
        root: PathBuf,
        trigger: EventKind,
        file: Option<String>,
        prompt: Option<String>,
    ) -> Outcome {
        let semaphore = {
            let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
            let limit = self.config().max_concurrent_per_hook.max(1);
            Arc::clone(state.permits.entry(key.clone()).or_insert_with(|| Arc::new(Semaphore::new(limit))))
        };
        let permit = tokio::select! {
            permit = semaphore.acquire_owned() => permit.ok(),
            () = self.inner.cancel.cancelled() => None,
        };
        let run_id = {
            let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
            state.queued.remove(&(key.clone(), file.clone()));
            state.next_run += 1;
            let id = state.next_run;
            let runs = state.runs.entry(key.clone()).or_default();
            if runs.len() >= RUNS_REMEMBERED {
                runs.remove(0);
            }
            runs.push(RunWindow { id, started: SystemTime::now(), ended: None });
            id
        };
        let outcome = if permit.is_some() {
            let cancel = self.inner.cancel.child_token();
            let agents = self.inner.agents.read().unwrap_or_else(|e| e.into_inner()).clone();
            let hands = agents.and_then(|source| source(&root));
            let ctx = RunContext {
                prompt: prompt.as_deref(),
                agent: hands.as_ref(),
                ..RunContext::new(&root, trigger, file.as_deref())
            };
            run_action(&hook, &ctx, &self.inner.models, &cancel).await
        } else {
            cancelled_outcome(&hook, trigger, file)
        };
        {
            let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(window) = state.runs.get_mut(&key).and_then(|r| r.iter_mut().find(|w| w.id == run_id)) {
                window.ended = Some((SystemTime::now(), Instant::now()));
            }
        }
        drop(permit);
        let _ = self.inner.outcomes.send(outcome.clone());
        outcome
    }
}

fn cancelled_outcome(hook: &Hook, trigger: EventKind, file: Option<String>) -> Outcome {
    Outcome {
        name: hook.name.clone(),
        trigger: trigger.legacy_name(),
        file,
        action: hook.action.legacy_name(),
        ok: false,
        exit_code: None,
        output: "cancelled before it started".into(),
        timed_out: false,
        cancelled: true,
        duration: Duration::ZERO,
        hook_file: hook.source.path.clone(),
    }
}

/// The hooks of `hooks` declared in `hook`'s file (itself included).
fn same_file(hook: &Hook, hooks: &[Hook]) -> Vec<Hook> {
    hooks.iter().filter(|h| h.source.path == hook.source.path).cloned().collect()
}

/// `path` relative to `root`, `/`-separated; `None` outside it.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}
