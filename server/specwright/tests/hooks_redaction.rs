//! Nothing secret leaves through a hook: an `askAgent` hook never sends the
//! content of a file that may hold credentials (`.env*`, keys, …) or that
//! is gitignored, and says so instead; secrets are redacted from what it
//! sends even when the editor's allowlist allows them; and a hook's output
//! is redacted before it reaches `specwright/hookResult`,
//! `window/logMessage` or the terminal.
//!
//! Hooks need trust to run: each test trusts its workspace in a trust
//! record of its own (`SPECWRIGHT_DATA_DIR`), never the user's.

#![cfg(unix)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

/// `n` characters of `alphabet`, pseudo-random from `seed`: credentials are
/// built at run time, so no token-shaped literal sits in the repository.
fn fake(alphabet: &str, n: usize, seed: u64) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[(x % chars.len() as u64) as usize]
        })
        .collect()
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn github_token(seed: u64) -> String {
    format!("ghp_{}", fake(ALNUM, 36, seed))
}

fn aws_key_id(seed: u64) -> String {
    format!("AKIA{}", fake("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, seed))
}

fn aws_secret(seed: u64) -> String {
    fake("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40, seed)
}

/// A trust record of the test's own, beside the workspace, removed on drop.
struct DataDir(PathBuf);

impl std::ops::Deref for DataDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn data_dir(ws: &TempWorkspace) -> DataDir {
    let dir = PathBuf::from(format!("{}-data", ws.root.display()));
    std::fs::create_dir_all(&dir).expect("data dir");
    DataDir(dir)
}

/// `specwright ARGS --dir ROOT` with the model of `model` (if any) and the
/// trust record in `data`.
async fn specwright(args: &[&str], root: &Path, data: &Path, model: Option<&ScriptedServer>) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"));
    cmd.args(args)
        .arg("--dir")
        .arg(root)
        .env("SPECWRIGHT_DATA_DIR", data)
        .env_remove("SPECWRIGHT_PROVIDER")
        .env_remove("SPECWRIGHT_BASE_URL")
        .env_remove("SPECWRIGHT_MODEL");
    if let Some(model) = model {
        cmd.env("SPECWRIGHT_PROVIDER", "anthropic")
            .env("SPECWRIGHT_BASE_URL", model.base_url())
            .env("SPECWRIGHT_MODEL", "test-model");
    }
    cmd.output().await.expect("runs")
}

fn text_reply() -> Reply {
    Reply::Text { chunks: vec!["Reviewed.".into()], delay_ms: 0 }
}

#[tokio::test]
async fn ask_agent_withholds_files_that_may_hold_credentials_or_are_gitignored() {
    let model = ScriptedServer::start((0..6).map(|_| text_reply()).collect()).await.expect("model server");
    let ws = TempWorkspace::new("hook-withheld");
    let data = data_dir(&ws);
    ws.write(
        ".kiro/hooks/hooks.json",
        r#"{"version": "v1", "hooks": [{"name": "Review", "trigger": "Manual", "action": {"type": "agent", "prompt": "Review the file."}}]}"#,
    );
    ws.write(".gitignore", "build/\n");
    ws.write("sub/.gitignore", "/local.md\n");
    // Contents no secret rule would catch: only withholding keeps them home.
    let cases = [
        (".env", "DATABASE_HOST=marker-dotenv-content\n", "it may hold credentials (its name matches `.env*`)"),
        ("server.pem", "marker-pem-content\n", "it may hold credentials (its name matches `*.pem`)"),
        ("id_rsa", "marker-id-rsa-content\n", "it may hold credentials (its name matches `id_rsa*`)"),
        ("build/out.txt", "marker-build-output\n", "it is ignored by .gitignore"),
        ("sub/local.md", "marker-nested-ignored\n", "it is ignored by .gitignore"),
    ];
    for (file, content, _) in &cases {
        ws.write(file, content);
    }
    ws.write("src/main.ts", "export const visible = 1;\n");

    for (i, (file, content, why)) in cases.iter().enumerate() {
        let out =
            specwright(&["hooks", "run", "Review", "--trust", "--file", file], &ws.root, &data, Some(&model)).await;
        assert!(out.status.success(), "{file}: {out:?}");
        let requests = model.requests();
        let body = &requests[i].raw_body;
        assert!(!body.contains(content.trim()), "{file}: its content reached the model: {body}");
        let said = format!("The file `{file}` was not included: {why}.");
        assert!(body.contains(&said), "{file}: the prompt says why: {body}");
        assert!(body.contains("Review the file."), "{file}: the instructions still go: {body}");
    }

    // A normal file is sent.
    let out =
        specwright(&["hooks", "run", "Review", "--trust", "--file", "src/main.ts"], &ws.root, &data, Some(&model))
            .await;
    assert!(out.status.success(), "{out:?}");
    let body = &model.requests()[cases.len()].raw_body;
    assert!(body.contains("export const visible = 1;"), "{body}");
    assert!(!body.contains("was not included"), "{body}");
}

#[tokio::test]
async fn command_output_is_redacted_in_the_cli_allowlist_or_not() {
    let ws = TempWorkspace::new("hook-output-cli");
    let data = data_dir(&ws);
    let (token, key_id, secret) = (github_token(1), aws_key_id(2), aws_secret(3));
    // The command prints what a careless script might: the values come from
    // a file, one of them with an allow comment.
    ws.write(
        "creds.txt",
        &format!(
            "token={token} # specwright:allow-secret\naws_access_key_id={key_id}\naws_secret_access_key={secret}\n"
        ),
    );
    ws.write(
        ".kiro/hooks/hooks.json",
        r#"{"version": "v1", "hooks": [{"name": "Leak", "trigger": "Manual", "action": {"type": "command", "command": "cat creds.txt; echo done"}}]}"#,
    );
    for format in ["text", "json"] {
        let out = specwright(&["hooks", "run", "Leak", "--trust", "--format", format], &ws.root, &data, None).await;
        assert!(out.status.success(), "{out:?}");
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        for value in [&token, &key_id, &secret] {
            assert!(!all.contains(value.as_str()), "{format}: a secret in the output: {all}");
        }
        for rule in ["github-pat", "aws-access-key-id", "aws-secret-access-key"] {
            assert!(all.contains(&format!("<redacted:{rule}>")), "{format}: {rule} placeholder: {all}");
        }
        assert!(all.contains("done"), "{all}");
    }
}

/// The real binary over stdio, with the trust record in `data` (already
/// trusting the workspace), its hook files loaded.
async fn start_trusted(ws: &TempWorkspace, data: &Path, options: Value) -> (Client, tokio::process::Child) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["hooks", "trust"])
        .arg(&ws.root)
        .env("SPECWRIGHT_DATA_DIR", data)
        .output()
        .await
        .expect("runs");
    assert!(out.status.success(), "trust: {out:?}");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .args(["lsp", "--stdio"])
        .env("SPECWRIGHT_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the specwright binary");
    let stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let client = Client::connect(stdout, stdin);
    client.initialize_with(&[&ws.root], options, true).await;
    client
        .wait_until("hook files loaded", |inbox| {
            inbox.diagnostics.keys().any(|u| u.contains(".kiro/hooks")).then_some(())
        })
        .await;
    (client, child)
}

async fn wait_result(client: &Client, name: &str, n: usize) -> Value {
    client
        .wait_until(&format!("{n} results of hook '{name}'"), |inbox| {
            let results: Vec<&Value> = inbox
                .notifications
                .iter()
                .filter(|(m, p)| m == "specwright/hookResult" && p["name"] == name)
                .map(|(_, p)| p)
                .collect();
            results.get(n - 1).map(|r| (*r).clone())
        })
        .await
}

fn hook_file(name: &str, patterns: &[&str], then: Value) -> String {
    serde_json::to_string_pretty(&json!({
        "enabled": true, "name": name, "version": "1",
        "when": {"type": "fileEdited", "patterns": patterns},
        "then": then,
    }))
    .expect("json")
}

#[tokio::test]
async fn in_the_editor_allowed_secrets_are_silenced_but_never_sent_or_shown() {
    let model = ScriptedServer::start(vec![text_reply(), text_reply()]).await.expect("model server");
    let ws = TempWorkspace::new("hook-redaction-lsp");
    let data = data_dir(&ws);
    let (by_pattern, by_comment, plain) = (github_token(11), github_token(12), github_token(13));
    let pattern = format!("^{}", &by_pattern[..14]);
    let text = format!(
        "export const a = \"{by_pattern}\";\nexport const b = \"{by_comment}\"; // specwright:allow-secret\nexport const c = \"{plain}\";\n"
    );
    let path = ws.write("src/config.ts", &text);
    ws.write(".env", "DATABASE_HOST=marker-dotenv-content\n");
    ws.write(
        ".kiro/hooks/review.kiro.hook",
        &hook_file("Review", &["src/*.ts", ".env"], json!({"type": "askAgent", "prompt": "Review the file."})),
    );
    ws.write(
        ".kiro/hooks/show.kiro.hook",
        &hook_file("Show", &["src/*.ts"], json!({"type": "runCommand", "command": "cat \"$SPECWRIGHT_HOOK_FILE\""})),
    );
    let options = json!({"specwright": {
        "hooks": {"debounceMs": 100},
        "analyzers": {"secrets": {"allowPatterns": [pattern]}},
        "model": {"provider": "anthropic", "model": "test-model", "baseUrl": model.base_url(), "maxRetries": 0, "timeoutSeconds": 10}
    }});
    let (client, _child) = start_trusted(&ws, &data, options).await;

    // The editor honours the allowlist: only the plain secret is reported.
    let uri = client.did_open(&path).await;
    let diags = client.wait_diagnostics(&uri, |d| d.iter().any(|d| d["code"] == "secret-github-pat")).await;
    let secrets: Vec<&Value> = diags.iter().filter(|d| d["code"] == "secret-github-pat").collect();
    assert_eq!(secrets.len(), 1, "{diags:#?}");
    assert_eq!(secrets[0]["range"]["start"]["line"], 2, "{diags:#?}");

    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}})).await;
    let review = wait_result(&client, "Review", 1).await;
    assert_eq!(review["ok"], true, "{review}");
    let show = wait_result(&client, "Show", 1).await;
    assert_eq!(show["ok"], true, "{show}");

    // Allowed or not, no secret reached the model...
    let body = &model.requests()[0].raw_body;
    assert!(body.contains("export const a"), "the file was sent: {body}");
    for value in [&by_pattern, &by_comment, &plain] {
        assert!(!body.contains(value.as_str()), "a secret reached the model: {body}");
    }
    // Each of the three in the file, and again where the agent's repository map quotes their lines.
    assert_eq!(body.matches("<redacted:github-pat>").count() % 3, 0, "{body}");
    assert!(body.matches("<redacted:github-pat>").count() >= 3, "{body}");
    // ...nor the hook's result, nor the log.
    let output = show["output"].as_str().expect("output");
    assert!(output.contains("export const a"), "{show}");
    assert_eq!(output.matches("<redacted:github-pat>").count(), 3, "{output}");
    let everything: String = client
        .notifications("specwright/hookResult")
        .iter()
        .chain(client.notifications("window/logMessage").iter())
        .chain(client.notifications("window/showMessage").iter())
        .map(Value::to_string)
        .collect();
    for value in [&by_pattern, &by_comment, &plain] {
        assert!(!everything.contains(value.as_str()), "a secret reached the editor: {everything}");
    }

    // Saving `.env` fires the agent hook, which does not send it.
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": ws.uri(".env")}})).await;
    let review = wait_result(&client, "Review", 2).await;
    assert_eq!(review["ok"], true, "{review}");
    let body = &model.requests()[1].raw_body;
    assert!(!body.contains("marker-dotenv-content"), "{body}");
    assert!(body.contains("The file `.env` was not included: it may hold credentials"), "{body}");
}
