//! The opt-in tier: the spec round trip against a real OpenAI-compatible
//! server. Run by `scripts/test-real-model`, which starts llama.cpp's server
//! with a small model and sets `SPECWRIGHT_REAL_MODEL_URL`. A 135M model
//! writes poor prose, so the test asks only what the product promises for
//! any model: the round trip completes, or fails with a clear one-line
//! message; it never crashes and never leaves a half-written file.

use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let url = std::env::var("SPECWRIGHT_REAL_MODEL_URL")
        .expect("SPECWRIGHT_REAL_MODEL_URL is not set: run this tier with scripts/test-real-model");
    let model = std::env::var("SPECWRIGHT_REAL_MODEL").unwrap_or_else(|_| "smollm2".into());
    std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(args)
        .args(["--max-tokens", "1200"])
        .arg("--dir")
        .arg(dir)
        .env("SPECWRIGHT_PROVIDER", "openai")
        .env("SPECWRIGHT_BASE_URL", url)
        .env("SPECWRIGHT_MODEL", model)
        .output()
        .expect("specwright runs")
}

/// Every file in the spec folder is a whole document the spec model reads.
fn assert_whole_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "a temporary file was left behind: {name}");
        let text = std::fs::read_to_string(e.path()).expect("readable");
        if name.ends_with(".md") {
            assert!(text.starts_with("# "), "{name} is a whole Markdown document:\n{text}");
        }
    }
}

#[test]
#[ignore = "opt-in: needs a real model server; run scripts/test-real-model"]
fn round_trip_against_a_real_openai_compatible_server() {
    let dir = std::env::temp_dir().join(format!("specwright-real-model-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let spec = dir.join(".kiro/specs/todo");
    for step in [
        vec!["spec", "new", "todo", "--prompt", "A command-line to-do list: add, list and complete items"],
        vec!["spec", "design", "todo"],
        vec!["spec", "tasks", "todo"],
    ] {
        let out = run(&dir, &step);
        let stderr = String::from_utf8_lossy(&out.stderr);
        eprintln!("{step:?}: {:?}\n{stderr}", out.status.code());
        match out.status.code() {
            Some(0) => {}
            Some(1) => {
                let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
                assert_eq!(errors.len(), 1, "a failure says one clear line: {stderr}");
                assert_whole_files(&spec);
                break;
            }
            other => panic!("{step:?} crashed ({other:?}): {stderr}"),
        }
        assert_whole_files(&spec);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "opt-in: needs a real model server; run scripts/test-real-model"]
fn a_quick_spec_with_a_small_model_ends_valid() {
    let dir = std::env::temp_dir().join(format!("specwright-real-model-quick-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let started = std::time::Instant::now();
    let out = run(
        &dir,
        &["spec", "new", "todo", "--quick", "--prompt", "A command-line to-do list: add, list and complete items"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("spec new --quick: {:?} in {:.1} s\n{stderr}", out.status.code(), started.elapsed().as_secs_f64());
    assert_eq!(out.status.code(), Some(0), "requirements, design and tasks end valid, derived if need be: {stderr}");
    let spec = dir.join(".kiro/specs/todo");
    assert_whole_files(&spec);
    let tasks = std::fs::read_to_string(spec.join("tasks.md")).expect("tasks.md");
    eprintln!("tasks.md derived from the requirements: {}", tasks.contains("derived from the requirements"));
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["check"])
        .arg(&dir)
        .output()
        .expect("check runs");
    assert!(check.status.success(), "the spec passes check: {}", String::from_utf8_lossy(&check.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}
