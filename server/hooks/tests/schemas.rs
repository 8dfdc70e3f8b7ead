//! The JSON Schemas in `schemas/` name the same triggers and actions as the
//! parser.

use specwright_hooks::EventKind;

fn schema(name: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("schema is JSON")
}

fn strings(v: &serde_json::Value) -> Vec<&str> {
    v.as_array().expect("array").iter().map(|s| s.as_str().expect("string")).collect()
}

#[test]
fn legacy_schema_matches_the_parser() {
    let s = schema("hook-legacy.schema.json");
    let when = &s["properties"]["when"]["properties"]["type"];
    assert_eq!(strings(&when["enum"]), EventKind::ALL.map(EventKind::legacy_name));
    assert_eq!(strings(&s["properties"]["then"]["properties"]["type"]["enum"]), ["askAgent", "runCommand"]);
    assert_eq!(strings(&s["required"]), ["name", "when", "then"]);
}

#[test]
fn v1_schema_matches_the_parser() {
    let s = schema("hook-v1.schema.json");
    let hook = &s["definitions"]["hook"];
    let v1_names: Vec<&str> =
        EventKind::ALL.map(EventKind::v1_name).into_iter().chain(EventKind::V1_ALIASES.map(|(a, _)| a)).collect();
    assert_eq!(strings(&hook["properties"]["trigger"]["enum"]), v1_names);
    assert_eq!(strings(&hook["properties"]["action"]["properties"]["type"]["enum"]), ["command", "agent"]);
    assert_eq!(s["properties"]["version"]["const"], "v1");
}

fn keys(object: &serde_json::Value) -> Vec<&str> {
    let mut k: Vec<&str> = object["properties"].as_object().expect("properties").keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn sorted(keys: &[&'static str]) -> Vec<&'static str> {
    let mut k = keys.to_vec();
    k.sort_unstable();
    k
}

/// Each object of both schemas allows exactly the keys the parser reads, so
/// an editor flags an unknown key as the parser does.
#[test]
fn schemas_allow_exactly_the_keys_kiro_reads() {
    use specwright_hooks::keys;
    let legacy = schema("hook-legacy.schema.json");
    let v1 = schema("hook-v1.schema.json");
    let hook = &v1["definitions"]["hook"];
    for (object, known) in [
        (&legacy, keys::LEGACY_KEYS),
        (&legacy["properties"]["when"], keys::LEGACY_WHEN_KEYS),
        (&legacy["properties"]["then"], keys::LEGACY_THEN_KEYS),
        (&v1, keys::V1_KEYS),
        (hook, keys::V1_HOOK_KEYS),
        (&hook["properties"]["action"], keys::V1_ACTION_KEYS),
    ] {
        assert_eq!(keys(object), sorted(known));
        assert_eq!(object["additionalProperties"], false, "{}", object["properties"]);
    }
}
