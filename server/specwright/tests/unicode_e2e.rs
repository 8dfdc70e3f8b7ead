//! A spec written in Japanese, end to end through the language server and
//! the scripted model server: requirements, design and tasks generated with
//! structured output streamed in deltas of a few characters (so the
//! renderer runs on hundreds of partial documents full of multi-byte
//! characters), EARS keywords mixed with Japanese and criteria that are
//! Japanese throughout; then the document edited in the middle with more
//! Japanese, diagnostics, hover on a requirement id, and `specwright check`
//! on the written folder.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use specwright_testkit::{Reply, ScriptedServer};
use support::*;

#[derive(Clone, Copy, Debug)]
enum Wire {
    Anthropic,
    OpenAi,
}

fn options(wire: Wire, server: &ScriptedServer) -> Value {
    let (provider, base) = match wire {
        Wire::Anthropic => ("anthropic", server.base_url()),
        Wire::OpenAi => ("openai", format!("{}/v1", server.base_url())),
    };
    json!({"specwright": {"model": {
        "provider": provider, "model": "test-model", "baseUrl": base, "maxRetries": 0, "timeoutSeconds": 10
    }}})
}

/// A structured answer in deltas of three characters: every delta ends
/// next to a multi-byte character, and each one is rendered as a preview.
fn streamed_answer(wire: Wire, tool: &str, json: &Value) -> Reply {
    let chars: Vec<char> = json.to_string().chars().collect();
    let chunks: Vec<String> = chars.chunks(3).map(|c| c.iter().collect()).collect();
    match wire {
        Wire::Anthropic => {
            Reply::ToolCall { id: "toolu_1".into(), name: tool.into(), arguments_chunks: chunks, delay_ms: 0 }
        }
        Wire::OpenAi => Reply::Text { chunks, delay_ms: 0 },
    }
}

/// Criteria with EARS keywords around Japanese clauses, and criteria that
/// are Japanese throughout (first words of 3-byte characters, none of the
/// keywords' lengths: the renderer must not cut inside them).
fn requirements_json() -> Value {
    json!({
        "introduction": "利用者はメールアドレスとパスワードでログインし、APIは署名付きトークンを発行する。",
        "glossary": [{"term": "認証サービス", "definition": "利用者を認証し、セッションを管理するサービス"}],
        "requirements": [
            {"title": "ログイン",
             "user_story": {"role": "利用者", "capability": "ログインしたい", "benefit": "自分のデータを見られる"},
             "acceptance_criteria": [
                {"pattern": "event", "condition": "WHEN 利用者が正しい資格情報を送信する", "system": "THE 認証サービス", "response": "SHALL セッションを作成する。"},
                {"pattern": "unwanted", "condition": "パスワードが間違っている", "system": "認証サービス", "response": "ログインを拒否する"},
                {"pattern": "state", "condition": "ログイン中", "system": "認証サービス", "response": "トークンを更新する"}]},
            {"title": "セッションの期限切れ 🔒",
             "user_story": {"role": "管理者", "capability": "放置されたセッションを終了したい", "benefit": "古いセッションが残らない"},
             "acceptance_criteria": [
                {"pattern": "event", "condition": "セッションが30分間使われない", "system": "認証サービス", "response": "セッションを終了する"},
                {"pattern": "ubiquitous", "condition": "", "system": "監査ログ", "response": "すべての期限切れを記録する"},
                {"pattern": "optional", "condition": "WHERE 多要素認証が有効である", "system": "認証サービス", "response": "SHALL 確認コードを要求する"}]}
        ]
    })
}

fn design_json() -> Value {
    json!({
        "overview": "認証サービスはログインとセッションの期限切れを扱う。",
        "architecture": "ルートが認証サービスを呼び出し、認証サービスがリポジトリを使う。",
        "architecture_diagram": "flowchart TD\n    利用者 --> ルート --> 認証サービス --> リポジトリ",
        "components": [{"name": "認証サービス", "responsibility": "ログインとセッション管理", "interface": "interface 認証 { ログイン(メール: string): Promise<セッション> }"}],
        "data_models": [{"name": "セッション", "description": "ログイン中の利用者", "fields": [{"name": "期限", "type": "日時", "description": "最後の操作から30分"}]}],
        "correctness_properties": [{"title": "ログインの往復", "statement": "任意の登録済み利用者について、ログインはその利用者のセッションを一つだけ作る。", "validates": ["1.1", "1.2"]}],
        "error_handling": [{"scenario": "パスワードの誤り", "handling": "HTTP 401"}],
        "testing_strategy": "単体テストとプロパティテスト。"
    })
}

fn tasks_json() -> Value {
    json!({"tasks": [
        {"title": "認証サービスを実装する", "details": ["ログイン処理"], "requirements": ["1.1", "1.2", "1.3"], "subtasks": [
            {"title": "セッションの期限切れを実装する", "details": [], "requirements": ["2.1", "2.2", "2.3"], "optional": false},
            {"title": "プロパティテストを書く", "details": [], "requirements": ["1.1"], "optional": true}]}
    ]})
}

fn streamed(client: &Client, uri: &str) -> String {
    client
        .notifications("specwright/stream")
        .iter()
        .filter(|p| p["uri"] == uri)
        .filter_map(|p| p["delta"].as_str())
        .collect()
}

async fn command(client: &Client, command: &str, arg: Value) -> Result<Value, Value> {
    client.request("workspace/executeCommand", json!({"command": command, "arguments": [arg]})).await
}

/// `specwright check` on `root` as a user runs it: exit status and stdout.
fn check_cli(root: &Path) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_specwright"))
        .arg("check")
        .arg(root)
        .output()
        .expect("run specwright check");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn a_japanese_spec_is_generated_streamed_edited_and_checked() {
    for wire in [Wire::Anthropic, Wire::OpenAi] {
        let server = ScriptedServer::start(vec![
            streamed_answer(wire, "requirements_document", &requirements_json()),
            streamed_answer(wire, "design_document", &design_json()),
            streamed_answer(wire, "tasks_document", &tasks_json()),
        ])
        .await
        .expect("scripted server");
        let ws = TempWorkspace::new(&format!("unicode-{wire:?}"));
        ws.write("src/app.ts", "export const アプリ = 1;\n");
        let c = Client::in_process();
        c.initialize_with(&[ws.root.as_path()], options(wire, &server), true).await;

        // Generation: the preview streamed in many deltas adds up to the document.
        let created = command(&c, "specwright.spec.create", json!({"prompt": "ログイン機能とセッションの期限切れ"}))
            .await
            .unwrap_or_else(|e| panic!("{wire:?}: create failed: {e}"));
        let name = created["spec"].as_str().expect("a spec name").to_string();
        let dir = ws.path(&format!(".kiro/specs/{name}"));
        let requirements = std::fs::read_to_string(dir.join("requirements.md")).expect("requirements.md written");
        let req_uri = uri(&dir.join("requirements.md"));
        // The model's answer came in hundreds of deltas, each rendered; the
        // preview grows at the title, then once per complete member
        // (introduction, glossary, each requirement).
        let model_deltas = requirements_json().to_string().chars().count().div_ceil(3);
        assert!(model_deltas > 300, "{model_deltas}");
        let previews = c.notifications("specwright/stream").iter().filter(|p| p["uri"] == req_uri.as_str()).count();
        assert_eq!(previews, 5, "{wire:?}: the preview grows once per complete member");
        assert_eq!(streamed(&c, &req_uri), requirements, "{wire:?}: the stream carries the document");
        for line in [
            "1. WHEN 利用者が正しい資格情報を送信する, THE 認証サービス SHALL セッションを作成する",
            "2. IF パスワードが間違っている, THEN THE 認証サービス SHALL ログインを拒否する",
            "3. WHILE ログイン中, THE 認証サービス SHALL トークンを更新する",
            "1. WHEN セッションが30分間使われない, THE 認証サービス SHALL セッションを終了する",
            "2. THE 監査ログ SHALL すべての期限切れを記録する",
            "3. WHERE 多要素認証が有効である, THE 認証サービス SHALL 確認コードを要求する",
            "**User Story:** As 利用者, I want ログインしたい, so that 自分のデータを見られる",
        ] {
            assert!(requirements.contains(line), "{wire:?}: {line:?} missing from\n{requirements}");
        }
        assert_eq!(created["problems"], json!([]), "{wire:?}: {created}");

        let design = command(&c, "specwright.spec.generateDesign", json!({"spec": uri(&dir)})).await.expect("design");
        assert_eq!(design["problems"], json!([]), "{wire:?}: {design}");
        let tasks = command(&c, "specwright.spec.generateTasks", json!({"spec": name})).await.expect("tasks");
        assert_eq!(tasks["problems"], json!([]), "{wire:?}: {tasks}");
        let tasks_text = std::fs::read_to_string(dir.join("tasks.md")).expect("tasks.md");
        assert!(tasks_text.contains("- [ ]* 1.2 プロパティテストを書く"), "{tasks_text}");

        // An edit in the middle of a criterion, in Japanese: diagnostics follow it.
        let req_path = dir.join("requirements.md");
        c.did_open(&req_path).await;
        c.wait_version(&req_uri, 1).await;
        let at = pos_in_line(&requirements, "2. IF パスワード", "パスワード");
        let version = c.did_change_range(&req_uri, range(at.0, at.1, at.0, at.1), "（日本語の補足 🎌）").await;
        let published = c.wait_version(&req_uri, version).await;
        let diags = published["diagnostics"].as_array().cloned().unwrap_or_default();
        assert!(with_code(&diags, "not-ears").is_empty(), "{wire:?}: still EARS after the edit: {diags:#?}");
        // A criterion entirely in Japanese, with no EARS keyword: a diagnostic on its line.
        let edited = c.text(&req_uri).expect("open copy");
        let end = pos_in_line(&edited, "2. THE 監査ログ", "すべての期限切れを記録する");
        let end_col = end.1 + "すべての期限切れを記録する".encode_utf16().count() as u32;
        let insert = "\n3. 監査ログは削除されない";
        let version = c.did_change_range(&req_uri, range(end.0, end_col, end.0, end_col), insert).await;
        let published = c.wait_version(&req_uri, version).await;
        let diags = published["diagnostics"].as_array().cloned().unwrap_or_default();
        let not_ears = with_code(&diags, "not-ears");
        assert_eq!(not_ears.len(), 1, "{wire:?}: {diags:#?}");
        let edited = c.text(&req_uri).expect("open copy");
        let line = line_of(&edited, "3. 監査ログは削除されない");
        assert_eq!(not_ears[0]["range"]["start"]["line"], line, "{wire:?}: {diags:#?}");

        // Hover on a cited id shows the Japanese criterion.
        let tasks_uri = uri(&dir.join("tasks.md"));
        let at = pos_in_line(&tasks_text, "_Requirements: 1.1, 1.2, 1.3_", "1.2");
        let hover = c.request_ok("textDocument/hover", doc_pos(&tasks_uri, at)).await;
        let shown = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(
            shown.contains("（日本語の補足 🎌）パスワードが間違っている"),
            "{wire:?}: hover shows the edit: {shown}"
        );
        // And on the requirement's heading in requirements.md.
        let at = pos_in_line(&edited, "### Requirement 1: ログイン", "Requirement 1");
        let hover = c.request_ok("textDocument/hover", doc_pos(&req_uri, at)).await;
        assert!(hover["contents"]["value"].as_str().is_some_and(|t| t.contains("ログイン")), "{wire:?}: {hover}");
        assert!(c.protocol_errors().is_empty(), "{:?}", c.protocol_errors());

        // The written folder checks clean of errors, in process and through the CLI.
        let checked = specwright::check::check_dir(&ws.root);
        assert_eq!(checked.len(), 1);
        let errors: Vec<&str> = checked[0]
            .analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == specwright_spec::Severity::Error)
            .map(|d| d.message.as_str())
            .collect();
        assert!(errors.is_empty(), "{wire:?}: {errors:#?}");
        let (status, stdout) = check_cli(&ws.root);
        assert_eq!(status, Some(0), "{wire:?}: {stdout}");
        assert!(stdout.contains("checked 1 spec: 0 errors"), "{wire:?}: {stdout}");
    }
}
