//! Model configuration, resolved in one tested step from three sources in
//! order of precedence: command-line flags, then the environment
//! (`SPECWRIGHT_PROVIDER`, `SPECWRIGHT_MODEL`, `SPECWRIGHT_BASE_URL`), then
//! the editor's settings (`specwright.model.*`). Keys come only from
//! environment variables (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`, or the one
//! `apiKeyEnv` names) and are never logged.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::ModelError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// The Anthropic Messages API.
    Anthropic,
    /// Any OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama,
    /// llama.cpp, vLLM, LM Studio, OpenRouter, Gemini's compatible endpoint).
    Openai,
    /// The built-in demo model: canned answers from a server on loopback
    /// (see [`crate::demo`]), to try generation with no key.
    Demo,
}

impl Provider {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "anthropic" | "claude" => Some(Self::Anthropic),
            "openai" | "openai-compatible" | "ollama" | "llamacpp" | "llama.cpp" | "vllm" | "openrouter"
            | "lmstudio" => Some(Self::Openai),
            "demo" => Some(Self::Demo),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Anthropic => "Anthropic",
            Self::Openai => "OpenAI-compatible",
            Self::Demo => "Demo",
        }
    }

    /// The environment variables the providers read their API keys from by
    /// default: never handed to the processes Specwright starts for others
    /// (MCP servers).
    pub const KEY_VARIABLES: &[&str] = &["ANTHROPIC_API_KEY", "OPENAI_API_KEY"];

    pub fn default_key_var(self) -> &'static str {
        match self {
            Self::Anthropic => "ANTHROPIC_API_KEY",
            Self::Openai => "OPENAI_API_KEY",
            Self::Demo => "",
        }
    }

    /// Anthropic's base URL has no `/v1` (the client appends `/v1/messages`);
    /// an OpenAI-compatible base URL ends with it (the client appends
    /// `/chat/completions`), as every such server documents it.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::Anthropic => "https://api.anthropic.com",
            Self::Openai => "https://api.openai.com/v1",
            // Replaced by the demo server's own address when it starts.
            Self::Demo => "http://127.0.0.1",
        }
    }

    pub fn default_model(self) -> &'static str {
        match self {
            Self::Anthropic => "claude-sonnet-4-5",
            Self::Openai => "gpt-4o-mini",
            Self::Demo => crate::demo::DEMO_MODEL,
        }
    }
}

/// The first retry's backoff when the server gives no `retry-after`.
pub const DEFAULT_RETRY_BASE: Duration = Duration::from_millis(500);

/// `specwright.model.*` as the editor sends it (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModelSettings {
    /// `anthropic` or `openai`.
    pub provider: Option<String>,
    pub model: Option<String>,
    pub base_url: Option<String>,
    /// The environment variable that holds the key.
    pub api_key_env: Option<String>,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
    /// Ask for JSON constrained by a schema (default true); turn off for
    /// endpoints that reject `response_format` or tool schemas.
    pub structured_output: Option<bool>,
    /// Seconds without data before a request fails (default 60).
    pub timeout_seconds: Option<u64>,
    /// Retries after 429, 5xx and overloaded answers (default 4).
    pub max_retries: Option<u32>,
}

/// Command-line flags (the highest precedence).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub provider: Option<String>,
    pub model: Option<String>,
    pub base_url: Option<String>,
}

/// An API key. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> Self {
        Self(key)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// A resolved, usable model configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelConfig {
    pub provider: Provider,
    pub model: String,
    /// Without a trailing slash.
    pub base_url: String,
    pub api_key: Option<ApiKey>,
    /// Where the key was (or would be) read from, for error messages.
    pub key_var: String,
    pub max_tokens: u32,
    pub temperature: Option<f32>,
    pub structured_output: bool,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub max_retries: u32,
    /// The first retry's backoff (doubled on each retry, capped at 30 s);
    /// 500 ms unless a test shortens it.
    pub retry_base: Duration,
}

impl ModelConfig {
    /// `Anthropic claude-sonnet-4-5` or `OpenAI-compatible llama3 at http://127.0.0.1:8080/v1`.
    pub fn describe(&self) -> String {
        if self.base_url == self.provider.default_base_url() {
            format!("{} {}", self.provider.name(), self.model)
        } else {
            format!("{} {} at {}", self.provider.name(), self.model, self.base_url)
        }
    }
}

/// Resolves the configuration. `Ok(None)` when no provider is configured
/// anywhere: the product then works without a model.
pub fn resolve(
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    settings: &ModelSettings,
) -> Result<Option<ModelConfig>, ModelError> {
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let pick = |flag: &Option<String>, var: &str, setting: &Option<String>| {
        nonempty(flag.clone()).or_else(|| nonempty(env(var))).or_else(|| nonempty(setting.clone()))
    };
    let Some(provider_name) = pick(&flags.provider, "SPECWRIGHT_PROVIDER", &settings.provider) else {
        return Ok(None);
    };
    let provider = Provider::parse(&provider_name).ok_or_else(|| {
        ModelError::Config(format!("unknown model provider '{provider_name}': use 'anthropic', 'openai' or 'demo'"))
    })?;
    let model =
        pick(&flags.model, "SPECWRIGHT_MODEL", &settings.model).unwrap_or_else(|| provider.default_model().into());
    // The demo model runs its own server and needs no key: an address or a
    // key configured for another provider must not leak into it.
    let base_url = if provider == Provider::Demo {
        None
    } else {
        pick(&flags.base_url, "SPECWRIGHT_BASE_URL", &settings.base_url)
    };
    let base_url = base_url.unwrap_or_else(|| provider.default_base_url().into()).trim_end_matches('/').to_string();
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err(ModelError::Config(format!("the model base URL '{base_url}' must start with http:// or https://")));
    }
    let key_var = nonempty(settings.api_key_env.clone()).unwrap_or_else(|| provider.default_key_var().into());
    let api_key = if provider == Provider::Demo { None } else { nonempty(env(&key_var)).map(ApiKey::new) };
    if api_key.is_none() && !is_loopback(&base_url) {
        return Err(ModelError::Config(format!(
            "no API key for the {} provider: set the environment variable {key_var}",
            provider.name()
        )));
    }
    Ok(Some(ModelConfig {
        provider,
        model,
        base_url,
        api_key,
        key_var,
        max_tokens: settings.max_tokens.unwrap_or(8192).max(1),
        temperature: settings.temperature,
        structured_output: settings.structured_output.unwrap_or(true),
        connect_timeout: Duration::from_secs(10),
        read_timeout: Duration::from_secs(settings.timeout_seconds.unwrap_or(60).max(1)),
        max_retries: settings.max_retries.unwrap_or(4),
        retry_base: DEFAULT_RETRY_BASE,
    }))
}

/// Whether a URL points at this machine (such servers may need no key).
pub fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_demo_provider_needs_no_key_and_ignores_other_addresses() {
        let env = env_of(&[("SPECWRIGHT_BASE_URL", "https://api.example.com/v1"), ("OPENAI_API_KEY", "sk-x")]);
        let flags = Overrides { provider: Some("demo".into()), ..Overrides::default() };
        let c = resolve(&flags, &env, &ModelSettings::default()).expect("resolves").expect("configured");
        assert_eq!((c.provider, c.api_key, c.base_url.as_str()), (Provider::Demo, None, "http://127.0.0.1"));
    }

    #[test]
    fn nothing_configured_means_no_model() {
        let r = resolve(&Overrides::default(), &env_of(&[("ANTHROPIC_API_KEY", "k")]), &ModelSettings::default());
        assert_eq!(r, Ok(None));
    }

    #[test]
    fn flags_beat_environment_beat_settings() {
        let settings = ModelSettings {
            provider: Some("anthropic".into()),
            model: Some("from-settings".into()),
            ..ModelSettings::default()
        };
        let env = env_of(&[("SPECWRIGHT_MODEL", "from-env"), ("ANTHROPIC_API_KEY", "sk"), ("OPENAI_API_KEY", "ok")]);
        let c = resolve(&Overrides::default(), &env, &settings).unwrap().unwrap();
        assert_eq!((c.provider, c.model.as_str()), (Provider::Anthropic, "from-env"));
        let flags = Overrides { provider: Some("openai".into()), model: Some("from-flag".into()), base_url: None };
        let c = resolve(&flags, &env, &settings).unwrap().unwrap();
        assert_eq!((c.provider, c.model.as_str()), (Provider::Openai, "from-flag"));
        assert_eq!(c.api_key.as_ref().map(ApiKey::expose), Some("ok"));
    }

    #[test]
    fn keys_come_from_the_named_variable_and_loopback_needs_none() {
        let settings = ModelSettings {
            provider: Some("openai".into()),
            api_key_env: Some("MY_KEY".into()),
            ..ModelSettings::default()
        };
        let err = resolve(&Overrides::default(), &env_of(&[("OPENAI_API_KEY", "x")]), &settings).unwrap_err();
        assert!(err.to_string().contains("MY_KEY"), "{err}");
        let c = resolve(&Overrides::default(), &env_of(&[("MY_KEY", "secret")]), &settings).unwrap().unwrap();
        assert_eq!(c.key_var, "MY_KEY");
        assert!(!format!("{c:?}").contains("secret"), "the key never shows in Debug");
        let local = ModelSettings { base_url: Some("http://127.0.0.1:11434/v1/".into()), ..settings };
        let c = resolve(&Overrides::default(), &env_of(&[]), &local).unwrap().unwrap();
        assert_eq!((c.api_key, c.base_url.as_str()), (None, "http://127.0.0.1:11434/v1"));
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let bad = ModelSettings { provider: Some("gpt".into()), ..ModelSettings::default() };
        assert!(resolve(&Overrides::default(), &env_of(&[]), &bad).unwrap_err().to_string().contains("'gpt'"));
        let bad = ModelSettings {
            provider: Some("openai".into()),
            base_url: Some("localhost:8080".into()),
            ..ModelSettings::default()
        };
        assert!(resolve(&Overrides::default(), &env_of(&[]), &bad).is_err());
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("http://localhost:8080/v1"));
        assert!(is_loopback("http://127.0.0.1:1/v1"));
        assert!(is_loopback("http://[::1]:8080"));
        assert!(!is_loopback("https://api.openai.com/v1"));
        assert!(!is_loopback("http://127.example.com"));
        assert!(is_loopback("http://127.1.2.3:9/v1") && is_loopback("http://LOCALHOST"));
    }
}
