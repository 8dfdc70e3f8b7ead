//! The engine's timing on tokio's paused clock: debounce, one question for
//! the runs that wait on it, and what a refusal leaves (nothing ran). The
//! action is an `askAgent` hook with no model configured: it needs trust,
//! starts no process, and ends at once with a clear failure.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use specwright_hooks::{EventKind, Hook};
use tokio::sync::mpsc;

use super::trust::{TrustAnswer, TrustAsker, TrustGate};
use super::{Engine, EngineConfig, FileEvent, ModelSource, Outcome};

fn hook(root: &Path) -> Hook {
    let text = r#"{"name": "Review", "when": {"type": "fileEdited", "patterns": ["**/*.ts"]},
                   "then": {"type": "askAgent", "prompt": "Review it"}}"#;
    let mut file = specwright_hooks::parse(&root.join(".kiro/hooks/review.kiro.hook"), text);
    assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
    file.hooks.remove(0)
}

/// An engine whose questions take `answer_after` (virtual time) to answer
/// `answer`, counting them.
fn engine(answer: TrustAnswer, answer_after: Duration) -> (Engine, mpsc::UnboundedReceiver<Outcome>, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let asker: TrustAsker = Arc::new(move |_question| {
        counter.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            tokio::time::sleep(answer_after).await;
            answer
        })
    });
    let (tx, rx) = mpsc::unbounded_channel();
    let no_model: ModelSource = Arc::new(|| Ok(None));
    let config = EngineConfig { debounce: Duration::from_millis(300), ..EngineConfig::default() };
    (Engine::new(config, tx, no_model, Arc::new(TrustGate::new(None, asker))), rx, asked)
}

fn save(root: &Path, rel: &str) -> FileEvent {
    FileEvent { kind: EventKind::FileSaved, root: root.to_path_buf(), path: root.join(rel), via_watcher: false }
}

fn root() -> PathBuf {
    // Files that do not exist: no modification time, so neither the loop
    // guard nor the same-save check applies; only timing decides.
    PathBuf::from("/nonexistent-specwright-engine-test")
}

#[tokio::test(start_paused = true)]
async fn a_burst_runs_once_after_the_debounce() {
    let root = root();
    let (engine, mut outcomes, asked) = engine(TrustAnswer::TrustAndRun, Duration::ZERO);
    let hooks = vec![hook(&root)];
    for _ in 0..10 {
        let (scheduled, _) = engine.file_event(&save(&root, "src/a.ts"), &hooks);
        assert_eq!(scheduled, ["Review"]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // 100 ms after the last event: still inside the debounce.
    assert!(outcomes.try_recv().is_err(), "nothing runs during the burst");
    tokio::time::sleep(Duration::from_millis(250)).await;
    let outcome = outcomes.recv().await.expect("one run");
    assert_eq!((outcome.name.as_str(), outcome.file.as_deref()), ("Review", Some("src/a.ts")));
    assert!(outcome.output.contains("no model is configured"), "{}", outcome.output);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(outcomes.try_recv().is_err(), "exactly one run");
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn runs_wait_for_one_slow_answer() {
    let root = root();
    let (engine, mut outcomes, asked) = engine(TrustAnswer::TrustAndRun, Duration::from_secs(30));
    let hooks = vec![hook(&root)];
    for file in ["a.ts", "b.ts", "c.ts"] {
        engine.file_event(&save(&root, file), &hooks);
    }
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert!(outcomes.try_recv().is_err(), "nothing runs before the answer");
    tokio::time::sleep(Duration::from_secs(25)).await;
    let mut files: Vec<String> = Vec::new();
    while let Ok(outcome) = outcomes.try_recv() {
        files.extend(outcome.file);
    }
    files.sort();
    assert_eq!(files, ["a.ts", "b.ts", "c.ts"], "all three ran after the answer");
    assert_eq!(asked.load(Ordering::SeqCst), 1, "one question for the three");
}

#[tokio::test(start_paused = true)]
async fn not_now_runs_nothing_and_is_not_asked_again_but_a_run_by_hand_asks() {
    let root = root();
    let (engine, mut outcomes, asked) = engine(TrustAnswer::NotNow, Duration::from_secs(1));
    let hooks = vec![hook(&root)];
    engine.file_event(&save(&root, "a.ts"), &hooks);
    tokio::time::sleep(Duration::from_secs(5)).await;
    engine.file_event(&save(&root, "b.ts"), &hooks);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(outcomes.try_recv().is_err(), "nothing ran");
    assert_eq!(asked.load(Ordering::SeqCst), 1);

    let refused = engine.run_now(hooks[0].clone(), &hooks, root.clone(), EventKind::Manual, None).await;
    assert_eq!(refused, Err(super::trust::Refusal::NotTrusted));
    assert_eq!(asked.load(Ordering::SeqCst), 2, "a run by hand asks again");
    assert!(outcomes.try_recv().is_err());
}

#[tokio::test(start_paused = true)]
async fn shutdown_while_a_question_waits_runs_nothing() {
    let root = root();
    let (engine, mut outcomes, _) = engine(TrustAnswer::TrustAndRun, Duration::from_secs(60));
    let hooks = vec![hook(&root)];
    engine.file_event(&save(&root, "a.ts"), &hooks);
    tokio::time::sleep(Duration::from_secs(1)).await;
    engine.shutdown();
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert!(outcomes.try_recv().is_err(), "a shutdown ends the wait without running");
}
