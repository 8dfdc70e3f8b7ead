//! Nothing that looks like a secret leaves the machine in a prompt: the
//! model layer replaces it with a placeholder before the request is sent.

use serde_json::json;
use specwright_models::{
    CancellationToken, ChatRequest, Content, HttpModel, Message, Model, ModelSettings, Overrides, Role, config,
};
use specwright_testkit::{Reply, ScriptedServer};

#[tokio::test]
async fn secrets_in_prompts_are_replaced_before_sending() {
    for (provider, suffix) in [("anthropic", ""), ("openai", "/v1")] {
        let server =
            ScriptedServer::start(vec![Reply::Text { chunks: vec!["ok".into()], delay_ms: 0 }]).await.expect("server");
        let settings = ModelSettings {
            provider: Some(provider.into()),
            base_url: Some(format!("{}{suffix}", server.base_url())),
            ..ModelSettings::default()
        };
        let config =
            config::resolve(&Overrides::default(), &|_: &str| None, &settings).expect("config").expect("a model");
        let model = HttpModel::new(config).expect("model");
        // Built at run time so that no key-shaped literal sits in the repository.
        let key = format!("AKIA{}", "QWERTYUIOPASDFGH");
        let pem =
            format!("-----BEGIN {0} KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END {0} KEY-----", "PRIVATE");
        let request = ChatRequest {
            system: Some(format!("Steering says the key is {key}")),
            messages: vec![
                Message::user(format!("const awsKey = \"{key}\";\n{pem}")),
                Message {
                    role: Role::Assistant,
                    content: vec![Content::ToolUse {
                        id: "t1".into(),
                        name: "read".into(),
                        input: json!({"text": key}),
                    }],
                },
                Message {
                    role: Role::User,
                    content: vec![Content::ToolResult {
                        tool_use_id: "t1".into(),
                        content: format!("found {key}"),
                        is_error: false,
                    }],
                },
            ],
            ..ChatRequest::default()
        };
        let cancel = CancellationToken::new();
        let mut sink = |_| {};
        model.chat(&request, &cancel, &mut sink).await.expect("answered");
        let sent = &server.requests()[0].raw_body;
        assert!(!sent.contains(&key), "{provider}: the key left the machine: {sent}");
        assert!(!sent.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), "{provider}: the private key left the machine");
        assert!(sent.contains("<redacted:aws-access-key-id>"), "{provider}: a placeholder stands in: {sent}");
    }
}
