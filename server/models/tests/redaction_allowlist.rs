//! The editor's allowlist never lets a secret leave: a value with a
//! `specwright:allow-secret` comment is redacted in a prompt like any other,
//! and so is one in a tool definition or a structured-output schema.

use serde_json::json;
use specwright_models::{
    CancellationToken, ChatRequest, HttpModel, Message, Model, ModelSettings, Overrides, StructuredOutput, ToolSpec,
    config, redact_request,
};
use specwright_testkit::{Reply, ScriptedServer};

/// Built at run time so that no token-shaped literal sits in the repository.
fn token(seed: char) -> String {
    format!("ghp_{}", "Zq8Lm3Np7Rt2Vx6Bc9Df4Gh1Jk5".chars().chain(std::iter::repeat_n(seed, 9)).collect::<String>())
}

#[tokio::test]
async fn allowed_secrets_are_redacted_before_sending() {
    let server =
        ScriptedServer::start(vec![Reply::Text { chunks: vec!["ok".into()], delay_ms: 0 }]).await.expect("server");
    let settings = ModelSettings {
        provider: Some("anthropic".into()),
        base_url: Some(server.base_url()),
        ..ModelSettings::default()
    };
    let config = config::resolve(&Overrides::default(), &|_: &str| None, &settings).expect("config").expect("a model");
    let model = HttpModel::new(config).expect("model");
    let (a, b) = (token('a'), token('b'));
    let request = ChatRequest {
        system: Some(format!("# specwright:allow-secret\nGH={a}")),
        messages: vec![Message::user(format!("const t = \"{b}\"; // specwright:allow-secret\n"))],
        ..ChatRequest::default()
    };
    let cancel = CancellationToken::new();
    let mut sink = |_| {};
    model.chat(&request, &cancel, &mut sink).await.expect("answered");
    let sent = &server.requests()[0].raw_body;
    assert!(!sent.contains(&a) && !sent.contains(&b), "an allowed secret left the machine: {sent}");
    assert_eq!(sent.matches("<redacted:github-pat>").count(), 2, "{sent}");
}

#[test]
fn tool_definitions_and_schemas_are_redacted_too() {
    let (a, b, c) = (token('c'), token('d'), token('e'));
    let secret_40 = &format!("{}{}", "wJalrXUtnFEMI/K7MDENG", "/bPxRfiCYzq8Lm3Np7R");
    let request = ChatRequest {
        tools: vec![ToolSpec {
            name: "read".into(),
            description: format!("reads with {a}"),
            input_schema: json!({"type": "object", "properties": {"token": {"type": "string", "default": b}}}),
        }],
        structured: Some(StructuredOutput {
            name: "answer".into(),
            description: "the answer".into(),
            schema: json!({"type": "object", "examples": [{"aws_secret_access_key": secret_40}], "x": [c]}),
            format: Default::default(),
        }),
        ..ChatRequest::default()
    };
    let (out, n) = redact_request(&request);
    assert_eq!(n, 4);
    let tool = &out.tools[0];
    assert_eq!(tool.name, "read");
    assert_eq!(tool.description, "reads with <redacted:github-pat>");
    assert_eq!(tool.input_schema["properties"]["token"]["default"], "<redacted:github-pat>");
    let schema = &out.structured.as_ref().expect("structured").schema;
    assert_eq!(schema["x"][0], "<redacted:github-pat>");
    assert_eq!(schema["type"], "object", "still a schema: {schema}");
    assert!(!schema.to_string().contains(secret_40), "{schema}");
}
