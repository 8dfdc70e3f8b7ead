//! `schemas/settings.schema.json` is generated from `specwright::settings`,
//! whose table lists exactly the fields of `specwright_models::ModelSettings`
//! with the defaults `specwright_models::config::resolve` applies.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value, json};
use specwright::settings::{self, DefaultValue, JsonType, MODEL_PREFIX, SETTINGS, Setting};
use specwright_models::ModelSettings;
use specwright_models::config::{Overrides, Provider, resolve};

const REGENERATE: &str = "run `cargo run -p specwright -- schema settings > schemas/settings.schema.json` \
                          from the repository root";

fn setting(key: &str) -> &'static Setting {
    SETTINGS.iter().find(|s| s.key == key).unwrap_or_else(|| panic!("no setting {key} in settings::SETTINGS"))
}

/// `ModelSettings` with every field set, so that it serializes every key.
/// No `..Default::default()`: a new field must be added here, and then the
/// test below asks for its entry in the table.
fn all_model_settings() -> ModelSettings {
    ModelSettings {
        provider: Some("openai".into()),
        model: Some("m".into()),
        base_url: Some("http://127.0.0.1:1/v1".into()),
        api_key_env: Some("MY_KEY".into()),
        max_tokens: Some(1),
        temperature: Some(0.5),
        structured_output: Some(false),
        timeout_seconds: Some(1),
        max_retries: Some(0),
    }
}

#[test]
fn settings_schema_file_is_generated_from_the_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/settings.schema.json");
    let file = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read {}: {e}; {REGENERATE}", path.display()))
        .replace("\r\n", "\n");
    let expected = settings::schema();
    let Ok(found) = serde_json::from_str::<Value>(&file) else {
        panic!("schemas/settings.schema.json is not JSON: {REGENERATE}");
    };
    if found != expected {
        // Name what differs rather than printing both schemas.
        let keys = |v: &Value, at: &str| -> BTreeSet<String> {
            let top = v.as_object().into_iter().flatten().map(|(k, x)| (k.clone(), x));
            let props = v[at].as_object().into_iter().flatten().map(|(k, x)| (format!("{at}/{k}"), x));
            top.filter(|(k, _)| k != at).chain(props).map(|(k, x)| format!("{k}={x}")).collect()
        };
        let (want, got) = (keys(&expected, "properties"), keys(&found, "properties"));
        let differ: BTreeSet<&str> =
            want.symmetric_difference(&got).map(|kv| kv.split_once('=').map_or(kv.as_str(), |(k, _)| k)).collect();
        panic!("schemas/settings.schema.json is stale (differs in {differ:?}): {REGENERATE}");
    }
    assert!(
        file == settings::schema_text(),
        "schemas/settings.schema.json is not formatted as generated: {REGENERATE}"
    );
}

#[test]
fn every_model_settings_field_has_a_setting_and_back() {
    let value = serde_json::to_value(all_model_settings()).expect("ModelSettings serializes");
    let fields = value.as_object().expect("ModelSettings is an object");
    let from_struct: BTreeSet<String> = fields.keys().map(|k| format!("{MODEL_PREFIX}{k}")).collect();
    let all_keys: BTreeSet<&str> = SETTINGS.iter().map(|s| s.key).collect();
    assert_eq!(SETTINGS.len(), all_keys.len(), "a key is listed twice in settings::SETTINGS");
    let from_table: BTreeSet<String> =
        SETTINGS.iter().map(|s| s.key.to_string()).filter(|k| k.starts_with(MODEL_PREFIX)).collect();
    let missing: Vec<&String> = from_struct.difference(&from_table).collect();
    let extra: Vec<&String> = from_table.difference(&from_struct).collect();
    assert!(missing.is_empty(), "ModelSettings fields without an entry in settings::SETTINGS: {missing:?}");
    assert!(extra.is_empty(), "settings::SETTINGS entries that are not ModelSettings fields: {extra:?}");

    // The table's types are the fields' types.
    for (field, v) in fields {
        let s = setting(&format!("{MODEL_PREFIX}{field}"));
        assert_eq!(s.field(), field);
        let ok = match s.json_type {
            JsonType::String => v.is_string(),
            JsonType::Integer => v.is_u64(),
            JsonType::Number => v.is_number(),
            JsonType::Boolean => v.is_boolean(),
            JsonType::StringArray => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        };
        assert!(ok, "{}: the table says {:?}, ModelSettings serializes {v}", s.key, s.json_type);
    }
}

/// The defaults the schema states are the ones the configuration applies.
#[test]
fn table_defaults_are_what_resolve_applies() {
    let fields: Map<String, Value> = SETTINGS
        .iter()
        .map(|s| (s.field().to_string(), s.default.map_or(Value::Null, DefaultValue::to_json)))
        .collect();
    let defaults: ModelSettings =
        serde_json::from_value(Value::Object(fields)).expect("the table's defaults are valid ModelSettings");
    let no_env = |_: &str| None;
    assert_eq!(resolve(&Overrides::default(), &no_env, &defaults).ok(), Some(None), "no provider by default: no model");

    let local = ModelSettings {
        provider: Some("openai".into()),
        base_url: Some("http://127.0.0.1:8080/v1".into()),
        ..defaults.clone()
    };
    let explicit = resolve(&Overrides::default(), &no_env, &local).unwrap().unwrap();
    let unset =
        ModelSettings { provider: local.provider.clone(), base_url: local.base_url.clone(), ..Default::default() };
    let implicit = resolve(&Overrides::default(), &no_env, &unset).unwrap().unwrap();
    assert_eq!(explicit, implicit, "stating the table's defaults changes nothing");

    let int = |key: &str| match setting(key).default {
        Some(DefaultValue::Integer(n)) => n,
        other => panic!("{key}: default {other:?}"),
    };
    assert_eq!(u64::from(implicit.max_tokens), int("specwright.model.maxTokens"));
    assert_eq!(implicit.read_timeout, Duration::from_secs(int("specwright.model.timeoutSeconds")));
    assert_eq!(u64::from(implicit.max_retries), int("specwright.model.maxRetries"));
    assert_eq!(
        Some(DefaultValue::Boolean(implicit.structured_output)),
        setting("specwright.model.structuredOutput").default
    );
    assert_eq!(implicit.temperature, None);
    assert_eq!(setting("specwright.model.temperature").default, None);

    // Provider-dependent defaults are described, not stated.
    for provider in [Provider::Anthropic, Provider::Openai] {
        for (key, default) in [
            ("specwright.model.model", provider.default_model()),
            ("specwright.model.baseUrl", provider.default_base_url()),
            ("specwright.model.apiKeyEnv", provider.default_key_var()),
        ] {
            assert_eq!(setting(key).default, None, "{key} depends on the provider");
            assert!(setting(key).description.contains(default), "{key} does not mention {default}");
        }
    }
    // The provider's values are the ones that parse, as the provider names itself.
    let provider = setting("specwright.model.provider");
    assert_eq!(provider.enum_values, ["anthropic", "openai", "demo"]);
    for name in provider.enum_values {
        let parsed = Provider::parse(name).unwrap_or_else(|| panic!("{name} does not parse"));
        assert_eq!(serde_json::to_value(parsed).unwrap(), json!(name));
    }
}

#[test]
fn descriptions_state_precedence_and_where_keys_come_from() {
    for (key, flag, var) in [
        ("specwright.model.provider", "--provider", "SPECWRIGHT_PROVIDER"),
        ("specwright.model.model", "--model", "SPECWRIGHT_MODEL"),
        ("specwright.model.baseUrl", "--base-url", "SPECWRIGHT_BASE_URL"),
    ] {
        let d = setting(key).description;
        assert!(d.contains("Precedence: command-line flags"), "{key}: {d}");
        assert!(d.contains(flag) && d.contains(var), "{key} names {flag} and {var}: {d}");
    }
    let d = setting("specwright.model.apiKeyEnv").description;
    assert!(d.contains("never from settings or files"), "{d}");
    assert!(settings::schema()["description"].as_str().is_some_and(|d| d.contains("API keys are never settings")));
    for s in SETTINGS {
        let sections = [
            MODEL_PREFIX,
            "specwright.context.",
            "specwright.agent.",
            "specwright.tasks.",
            "specwright.hooks.",
            "specwright.analyzers.",
        ];
        assert!(sections.iter().any(|p| s.key.starts_with(p)), "{}", s.key);
        assert!(!s.description.is_empty() && s.description.ends_with('.'), "{}: {:?}", s.key, s.description);
    }
}

#[test]
fn settings_schema_is_valid_and_checks_values() {
    let schema = settings::schema();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(&schema).expect("a valid draft 2020-12 schema");
    let validator = jsonschema::draft202012::new(&schema).expect("the settings schema compiles");
    let properties = schema["properties"].as_object().expect("properties");
    assert_eq!(properties.len(), SETTINGS.len());
    for (key, p) in properties {
        for field in ["type", "default", "description"] {
            assert!(p.get(field).is_some(), "{key} has no {field}: {p}");
        }
    }

    let defaults: Map<String, Value> = properties.iter().map(|(k, p)| (k.clone(), p["default"].clone())).collect();
    let defaults = Value::Object(defaults);
    assert!(validator.is_valid(&defaults), "the defaults are valid settings");
    let example = json!({
        "specwright.model.provider": "openai",
        "specwright.model.model": "llama3",
        "specwright.model.baseUrl": "http://127.0.0.1:11434/v1",
        "specwright.model.apiKeyEnv": "OLLAMA_KEY",
        "specwright.model.maxTokens": 4096,
        "specwright.model.temperature": 0.2,
        "specwright.model.structuredOutput": false,
        "specwright.model.timeoutSeconds": 120,
        "specwright.model.maxRetries": 0,
    });
    assert!(validator.is_valid(&example));
    // What the schema accepts, ModelSettings accepts.
    let section: Map<String, Value> = example
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.trim_start_matches(MODEL_PREFIX).to_string(), v.clone()))
        .collect();
    let parsed: ModelSettings = serde_json::from_value(Value::Object(section)).expect("the example deserializes");
    assert_eq!(parsed.max_tokens, Some(4096));
    assert_eq!(parsed.api_key_env.as_deref(), Some("OLLAMA_KEY"));

    for (key, bad) in [
        ("specwright.model.provider", json!("gpt")),
        ("specwright.model.maxTokens", json!(0)),
        ("specwright.model.maxTokens", json!(1.5)),
        ("specwright.model.maxTokens", json!("many")),
        ("specwright.model.temperature", json!(-1)),
        ("specwright.model.structuredOutput", json!("yes")),
        ("specwright.model.timeoutSeconds", json!(0)),
        ("specwright.model.maxRetries", json!(-1)),
        ("specwright.model.maxRetries", json!(null)),
    ] {
        let mut v = defaults.clone();
        v[key] = bad.clone();
        assert!(!validator.is_valid(&v), "{key} = {bad} should be rejected");
    }
}

/// The smell thresholds' defaults in the settings table are the analyzer's.
#[test]
fn smell_threshold_defaults_match_the_analyzer() {
    const PREFIX: &str = "specwright.analyzers.smells.";
    let fields: Map<String, Value> = SETTINGS
        .iter()
        .filter(|s| s.key.starts_with(PREFIX) && s.field() != "enabled")
        .map(|s| (s.field().to_string(), s.default.map_or(Value::Null, DefaultValue::to_json)))
        .collect();
    let expected = serde_json::to_value(specwright_analyzers::smells::Thresholds::default()).expect("serializes");
    assert_eq!(Value::Object(fields), expected, "settings::SETTINGS and Thresholds::default() differ");
}
