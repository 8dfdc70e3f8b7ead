//! The trust gate: a hook that runs the repository's code (a command) or
//! sends its files to a model (a prompt) runs only once the user trusts its
//! file. The record is [`specwright_hooks::trust::TrustStore`]; this module
//! decides when to ask and remembers the answers of the session. How the
//! question reaches the user is the front end's business ([`TrustAsker`]):
//! `window/showMessageRequest` in the language server, a prompt on the
//! terminal in the CLI.
//!
//! - Built-in analyzers (`specwright:*`) need no trust.
//! - Nothing runs without an answer: runs of the same hook file wait for the
//!   one question, which is asked once per session and file version ("Not
//!   now" is remembered until the file changes or the server restarts; a
//!   run by hand asks again).
//! - "Never for this workspace" is recorded and silences the question until
//!   the user trusts the workspace (`specwright hooks trust`).

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use specwright_hooks::Hook;
use specwright_hooks::trust::{Trust, TrustStore};
use tokio::sync::OnceCell;

/// What the user is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustQuestion {
    /// The workspace folder.
    pub root: PathBuf,
    /// The hook that would run.
    pub hook: String,
    /// `run "<command>"` or `ask the model "<prompt's first line>"`.
    pub action: String,
    /// The hook file, relative to the folder.
    pub hook_file: String,
    /// The other hooks of the same file that trusting it would also allow
    /// (name and action).
    pub also: Vec<(String, String)>,
}

impl TrustQuestion {
    /// The question in one paragraph, for a message or a terminal.
    pub fn message(&self) -> String {
        let mut text = format!(
            "The hook '{}' in {} wants to {}. Hooks come from the repository: trust them only if you trust its authors.",
            self.hook, self.hook_file, self.action
        );
        if !self.also.is_empty() {
            let others: Vec<String> = self.also.iter().map(|(name, action)| format!("'{name}' ({action})")).collect();
            text.push_str(&format!(" Trusting the file also allows {}.", others.join(", ")));
        }
        text
    }
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustAnswer {
    /// Record the trust and run.
    TrustAndRun,
    /// Do not run now; ask again after a restart or when the file changes.
    NotNow,
    /// Record "never for this workspace".
    Never,
    /// The front end cannot ask (it has told the user how to trust instead).
    CannotAsk,
}

/// The labels of the answers, as the editor shows them.
pub const TRUST_AND_RUN: &str = "Trust and run";
pub const NOT_NOW: &str = "Not now";
pub const NEVER: &str = "Never for this workspace";

/// A boxed future, for [`TrustAsker`].
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Asks the user; the front end's part of the gate.
pub type TrustAsker = Arc<dyn Fn(TrustQuestion) -> BoxFuture<TrustAnswer> + Send + Sync>;

/// Why a hook did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The user has not trusted the hook's file (or said "not now").
    NotTrusted,
    /// The workspace is marked "never".
    Never,
}

impl Refusal {
    /// What a user reads.
    pub fn message(&self, hook: &str) -> String {
        match self {
            Refusal::NotTrusted => format!(
                "hook '{hook}' did not run: its workspace's hooks are not trusted (trust them with \
                 `specwright hooks trust` or the command specwright.hooks.trust)"
            ),
            Refusal::Never => format!(
                "hook '{hook}' did not run: hooks are set to never run in this workspace (allow them with \
                 `specwright hooks trust`)"
            ),
        }
    }
}

type FileVersion = (PathBuf, PathBuf, String);

/// The gate. Cheap to share behind an `Arc`.
pub struct TrustGate {
    /// `None` when there is no data folder: answers last for the session.
    store: Option<TrustStore>,
    asker: TrustAsker,
    /// One question per (root, hook file, hash) and session; its answer
    /// (whether to run) once given.
    asked: Mutex<HashMap<FileVersion, Arc<OnceCell<Decision>>>>,
}

/// The outcome of one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// Trusted, and the record says so.
    Recorded,
    /// Run or not for the rest of the session (not recorded: "not now", or
    /// no record could be written).
    ForTheSession(bool),
}

impl TrustGate {
    pub fn new(store: Option<TrustStore>, asker: TrustAsker) -> Self {
        Self { store, asker, asked: Mutex::default() }
    }

    pub fn store(&self) -> Option<&TrustStore> {
        self.store.as_ref()
    }

    /// Forgets the session's answers (after the user trusted or untrusted a
    /// workspace by command).
    pub fn forget_answers(&self) {
        self.asked.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Whether `hook` (whose file holds `siblings`, itself included) of the
    /// folder `root` may run, asking the user if need be. `by_hand` asks
    /// again even after "Not now".
    pub async fn allow(&self, hook: &Hook, siblings: &[Hook], root: &Path, by_hand: bool) -> Result<(), Refusal> {
        if !hook.action.needs_trust() {
            return Ok(());
        }
        let file = hook.source.path.clone();
        let hash = hook.source.file_hash.clone();
        match self.store.as_ref().map(|s| s.status(root, &file, &hash)) {
            Some(Trust::Trusted) => return Ok(()),
            Some(Trust::Never) => return Err(Refusal::Never),
            Some(Trust::Untrusted) | None => {}
        }
        let key = (root.to_path_buf(), file, hash);
        let cell = {
            let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
            if by_hand && asked.get(&key).is_some_and(|c| c.get() == Some(&Decision::ForTheSession(false))) {
                asked.remove(&key);
            }
            Arc::clone(asked.entry(key).or_default())
        };
        match *cell.get_or_init(|| self.ask(hook, siblings, root)).await {
            Decision::Recorded => {
                // The record holds the trust from now on, so that revoking it
                // (`specwright hooks untrust`) takes effect.
                self.asked.lock().unwrap_or_else(|e| e.into_inner()).retain(|_, c| !Arc::ptr_eq(c, &cell));
                Ok(())
            }
            Decision::ForTheSession(true) => Ok(()),
            // The answer may have been "never", or the user may have trusted
            // the workspace elsewhere meanwhile: the record decides.
            Decision::ForTheSession(false) => {
                match self.store.as_ref().map(|s| s.status(root, &hook.source.path, &hook.source.file_hash)) {
                    Some(Trust::Trusted) => Ok(()),
                    Some(Trust::Never) => Err(Refusal::Never),
                    _ => Err(Refusal::NotTrusted),
                }
            }
        }
    }

    async fn ask(&self, hook: &Hook, siblings: &[Hook], root: &Path) -> Decision {
        let question = question(hook, siblings, root);
        let answer = (self.asker)(question).await;
        tracing::info!("trust of {} (hook '{}'): {answer:?}", hook.source.path.display(), hook.name);
        match answer {
            TrustAnswer::TrustAndRun => match &self.store {
                Some(store) => match store.trust(root, &[(&hook.source.path, &hook.source.file_hash)]) {
                    Ok(()) => Decision::Recorded,
                    Err(e) => {
                        tracing::warn!("could not record the trust in {}: {e}", store.path().display());
                        Decision::ForTheSession(true)
                    }
                },
                None => Decision::ForTheSession(true),
            },
            TrustAnswer::Never => {
                if let Some(store) = &self.store
                    && let Err(e) = store.never(root)
                {
                    tracing::warn!("could not record 'never' in {}: {e}", store.path().display());
                }
                Decision::ForTheSession(false)
            }
            TrustAnswer::NotNow | TrustAnswer::CannotAsk => Decision::ForTheSession(false),
        }
    }
}

/// The question for `hook`, naming the other hooks of its file that need
/// trust.
pub fn question(hook: &Hook, siblings: &[Hook], root: &Path) -> TrustQuestion {
    let also = siblings
        .iter()
        .filter(|h| h.source.path == hook.source.path && h.source.index_in_file != hook.source.index_in_file)
        .filter(|h| h.action.needs_trust())
        .map(|h| (h.name.clone(), describe(&h.action)))
        .collect();
    TrustQuestion {
        root: root.to_path_buf(),
        hook: hook.name.clone(),
        action: describe(&hook.action),
        hook_file: super::relative(root, &hook.source.path)
            .unwrap_or_else(|| hook.source.path.to_string_lossy().into_owned()),
        also,
    }
}

/// What a hook's action does, in a few words.
fn describe(action: &specwright_hooks::Action) -> String {
    match action {
        specwright_hooks::Action::RunCommand { command, .. } => format!("run `{}`", clip(command, 200)),
        specwright_hooks::Action::AskAgent { prompt } => {
            format!("send files to the model with the prompt \"{}\"", clip(prompt.lines().next().unwrap_or(""), 120))
        }
    }
}

fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
