//! What the agent's turn tests share: the scripted model server's
//! configuration in both wire formats and temporary workspaces.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use specwright_models::{ApiKey, ModelConfig, Provider};
use specwright_testkit::ScriptedServer;

pub const PROVIDERS: [Provider; 2] = [Provider::Anthropic, Provider::Openai];

/// A model configuration for `server`, without retries.
pub fn config(provider: Provider, server: &ScriptedServer) -> ModelConfig {
    let base_url = match provider {
        Provider::Anthropic => server.base_url(),
        Provider::Openai | Provider::Demo => format!("{}/v1", server.base_url()),
    };
    ModelConfig {
        provider,
        model: "test-model".into(),
        base_url,
        api_key: Some(ApiKey::new("sk-test".into())),
        key_var: provider.default_key_var().into(),
        max_tokens: 256,
        temperature: None,
        structured_output: true,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        max_retries: 0,
        retry_base: Duration::from_millis(10),
    }
}

/// A fresh workspace holding `files`; returns its root.
pub fn workspace(label: &str, provider: Provider, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("specwright-agent-{label}-{provider:?}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(path, text).expect("write");
    }
    std::fs::create_dir_all(&root).expect("root");
    root
}
