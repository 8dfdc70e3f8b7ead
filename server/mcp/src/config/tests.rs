use super::*;

fn env() -> Environment {
    Environment::from_vars([("API_TOKEN", "t0k"), ("HOME", "/home/me")]).with_commands(["npx", "uvx", "node"])
}

fn read(text: &str) -> McpFile {
    parse(Path::new("/w/.kiro/settings/mcp.json"), text, Scope::Workspace, &env())
}

/// `(line, start column, end column, severity, code)` of every diagnostic,
/// with the text its range covers.
fn brief(text: &str, file: &McpFile) -> Vec<(String, Severity, &'static str)> {
    let index = LineIndex::new(text);
    file.diagnostics
        .iter()
        .map(|d| {
            let (s, e) = (index.offset(text, d.range.start), index.offset(text, d.range.end));
            (text[s..e].to_string(), d.severity, d.code)
        })
        .collect()
}

/// Asserts the diagnostics of `text`, each as the text it covers, its
/// severity and code.
fn check(text: &str, expected: &[(&str, Severity, &str)]) -> McpFile {
    let file = read(text);
    let got = brief(text, &file);
    let got: Vec<(&str, Severity, &str)> = got.iter().map(|(t, s, c)| (t.as_str(), *s, *c)).collect();
    assert_eq!(got, expected, "{:#?}", file.diagnostics);
    file
}

#[test]
fn reads_the_documented_example() {
    let text = r#"{
  "mcpServers": {
    "local-server-name": {
      "command": "npx",
      "args": ["-y", "server", "--token=${API_TOKEN}"],
      "env": { "ENV_VAR1": "hard-coded-variable", "ENV_VAR2": "${API_TOKEN}" },
      "disabled": false,
      "autoApprove": ["tool_name1", "tool_name2"],
      "disabledTools": ["tool_name3"],
      "timeout": 60000
    },
    "remote-server-name": {
      "url": "https://api.example.com/mcp",
      "headers": { "Authorization": "Bearer ${env:API_TOKEN}", "X-Custom-Header": "value" },
      "autoApprove": ["*"],
      "oauth": { "clientId": "abc", "redirectUri": "127.0.0.1:8080" },
      "oauthScopes": ["read"]
    }
  }
}"#;
    let file = check(text, &[]);
    assert_eq!(file.names, ["local-server-name", "remote-server-name"]);
    let local = &file.servers[0];
    assert_eq!(
        local.transport,
        Transport::Stdio {
            command: "npx".into(),
            args: vec!["-y".into(), "server".into(), "--token=t0k".into()],
            env: BTreeMap::from([("ENV_VAR1".into(), "hard-coded-variable".into()), ("ENV_VAR2".into(), "t0k".into())]),
        }
    );
    assert_eq!(local.auto_approve, AutoApprove::Tools(vec!["tool_name1".into(), "tool_name2".into()]));
    assert!(local.auto_approve.allows("tool_name1") && !local.auto_approve.allows("tool_name3"));
    assert!(!local.tool_enabled("tool_name3") && local.tool_enabled("tool_name1"));
    assert_eq!(local.timeout, Some(Duration::from_secs(60)));
    assert_eq!((local.disabled, local.scope), (false, Scope::Workspace));
    let remote = &file.servers[1];
    let Transport::Http { url, headers, oauth } = &remote.transport else { panic!("{remote:?}") };
    assert_eq!(url, "https://api.example.com/mcp");
    assert_eq!(headers["Authorization"], "Bearer t0k");
    assert_eq!(
        oauth.as_ref(),
        Some(&OAuth {
            client_id: Some("abc".into()),
            redirect_uri: Some("127.0.0.1:8080".into()),
            scopes: vec!["read".into()]
        })
    );
    assert_eq!(remote.auto_approve, AutoApprove::All);
    assert!(remote.auto_approve.allows("anything"));
    assert_eq!(remote.timeout, None);
}

#[test]
fn jsonc_comments_and_trailing_commas() {
    let text =
        "// my servers\n{\"mcpServers\": {\n  /* off */ \"a\": {\"command\": \"node\", \"args\": [\"x\",],},\n}}\n";
    let file = check(text, &[]);
    assert_eq!(file.servers.len(), 1);
}

#[test]
fn bad_json_points_at_the_character() {
    let text = "{\"mcpServers\": {\"a\": {\"command\" \"node\"}}}";
    let file = check(text, &[("\"", Severity::Error, codes::INVALID_JSON)]);
    assert_eq!(file.diagnostics[0].range.start.character, 32);
    assert!(file.servers.is_empty());
}

#[test]
fn unknown_keys_suggest_the_key_meant() {
    check(
        r#"{"mcpServers": {"a": {"command": "node", "autoAprove": ["x"], "description": "d"}}, "extra": 1}"#,
        &[
            ("\"autoAprove\"", Severity::Warning, codes::UNKNOWN_KEY),
            ("\"description\"", Severity::Hint, codes::UNKNOWN_KEY),
            ("\"extra\"", Severity::Hint, codes::UNKNOWN_KEY),
        ],
    );
    let file = read(r#"{"mcpServers": {"a": {"command": "node", "autoAprove": ["x"]}}}"#);
    assert!(file.diagnostics[0].message.contains("did you mean `autoApprove`?"), "{:?}", file.diagnostics);
    assert_eq!(file.servers.len(), 1, "an unknown key never makes a server invalid");
}

#[test]
fn wrong_types_are_errors_on_the_value() {
    let file = check(
        r#"{"mcpServers": {"a": {"command": "node", "args": "-y", "disabled": "no", "timeout": -1, "env": {"K": 1}}}}"#,
        &[
            ("\"-y\"", Severity::Error, codes::WRONG_TYPE),
            ("\"no\"", Severity::Error, codes::WRONG_TYPE),
            ("-1", Severity::Error, codes::WRONG_TYPE),
            ("1", Severity::Error, codes::WRONG_TYPE),
        ],
    );
    assert!(file.servers.is_empty() && file.names == ["a"]);
    check(r#"{"mcpServers": []}"#, &[("[]", Severity::Error, codes::WRONG_TYPE)]);
    check(r#"[]"#, &[("[]", Severity::Error, codes::MISSING_SERVERS)]);
    check(r#"{}"#, &[("{", Severity::Warning, codes::MISSING_SERVERS)]);
    check(r#"{"mcpServers": {"a": {"command": ""}}}"#, &[("\"\"", Severity::Error, codes::WRONG_TYPE)]);
    check(
        r#"{"mcpServers": {"a": {"url": "https://x", "autoApprove": "*"}}}"#,
        &[("\"*\"", Severity::Error, codes::WRONG_TYPE)],
    );
}

#[test]
fn command_or_url_exactly_one() {
    check(r#"{"mcpServers": {"a": {"args": []}}}"#, &[("\"a\"", Severity::Error, codes::COMMAND_OR_URL)]);
    check(
        r#"{"mcpServers": {"a": {"command": "node", "url": "https://x"}}}"#,
        &[("\"url\"", Severity::Error, codes::COMMAND_OR_URL)],
    );
}

#[test]
fn commands_are_looked_up_on_path() {
    let file = check(
        r#"{"mcpServers": {"a": {"command": "docker"}, "b": {"command": "docker", "disabled": true}}}"#,
        &[("\"docker\"", Severity::Warning, codes::COMMAND_NOT_FOUND)],
    );
    assert_eq!(file.servers.len(), 2, "a missing command is a warning: the server is configured");
    assert!(file.servers[1].disabled, "a disabled server's command is not looked up");
}

#[test]
fn path_lookup_on_disk() {
    let dir = std::env::temp_dir().join(format!("specwright-mcp-path-{}", std::process::id()));
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let tool = bin.join("my-mcp");
    std::fs::write(&tool, "#!/bin/sh\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let env = Environment::from_vars([("PATH", bin.to_string_lossy().into_owned())]);
    assert_eq!(env.find_command("my-mcp", None), Some(tool.clone()));
    assert_eq!(env.find_command("not-there", None), None);
    assert_eq!(env.find_command("bin/my-mcp", Some(&dir)), Some(tool.clone()), "relative to the workspace");
    assert_eq!(env.find_command("bin/nope", Some(&dir)), None);
    assert_eq!(Environment::from_vars([("X", "1")]).find_command("my-mcp", None), None, "no PATH");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unset_variables_are_reported_and_kept_as_written() {
    let text = r#"{"mcpServers": {"a": {"command": "node", "args": ["--k=${NOPE}"], "env": {"T": "${API_TOKEN}-${env:MISSING}"}}}}"#;
    let file = check(
        text,
        &[
            ("${NOPE}", Severity::Warning, codes::UNSET_VARIABLE),
            ("${env:MISSING}", Severity::Warning, codes::UNSET_VARIABLE),
        ],
    );
    let server = &file.servers[0];
    let Transport::Stdio { args, env, .. } = &server.transport else { panic!() };
    assert_eq!(args, &["--k=${NOPE}"]);
    assert_eq!(env["T"], "t0k-${env:MISSING}");
    assert_eq!(server.unset_variables, ["NOPE", "MISSING"]);
}

#[test]
fn expansion_rules() {
    let env = Environment::from_vars([("A", "1"), ("B_2", "two")]);
    assert_eq!(expand("${A}/${B_2}", &env).0, "1/two");
    assert_eq!(expand("${env:A}", &env).0, "1");
    assert_eq!(expand("$A ${ A } ${1X} ${unclosed", &env).0, "$A ${ A } ${1X} ${unclosed", "not references");
    let (out, refs) = expand("x${C}y", &env);
    assert_eq!(out, "x${C}y");
    assert_eq!(refs, [VarRef { text: "${C}".into(), name: "C".into(), set: false }]);
}

#[test]
fn reserved_and_invalid_headers() {
    check(
        r#"{"mcpServers": {"r": {"url": "https://x/mcp", "headers": {"Accept": "a", "MCP-Session-Id": "s", "Last-Event-ID": "1", "Bad Name": "v", "X-Ok": "v"}}}}"#,
        &[
            ("\"Accept\"", Severity::Error, codes::BAD_HEADER),
            ("\"MCP-Session-Id\"", Severity::Error, codes::BAD_HEADER),
            ("\"Last-Event-ID\"", Severity::Error, codes::BAD_HEADER),
            ("\"Bad Name\"", Severity::Error, codes::BAD_HEADER),
        ],
    );
}

#[test]
fn urls_are_https_or_loopback_http() {
    check(r#"{"mcpServers": {"r": {"url": "http://localhost:3000/mcp"}, "s": {"url": "http://127.0.0.1/mcp"}}}"#, &[]);
    check(
        r#"{"mcpServers": {"r": {"url": "http://example.com/mcp"}}}"#,
        &[("\"http://example.com/mcp\"", Severity::Warning, codes::BAD_URL)],
    );
    check(r#"{"mcpServers": {"r": {"url": "ws://x"}}}"#, &[("\"ws://x\"", Severity::Error, codes::BAD_URL)]);
    check(r#"{"mcpServers": {"r": {"url": "https://"}}}"#, &[("\"https://\"", Severity::Error, codes::BAD_URL)]);
}

#[test]
fn tools_named_twice() {
    let file = check(
        r#"{"mcpServers": {"a": {"command": "node", "autoApprove": ["x", "y", "x"], "disabledTools": ["z", "z"]}}}"#,
        &[("\"x\"", Severity::Warning, codes::DUPLICATE_TOOL), ("\"z\"", Severity::Warning, codes::DUPLICATE_TOOL)],
    );
    let d = &file.diagnostics[0];
    assert_eq!(d.range.start.character, 67, "the second `x`");
    assert_eq!(file.servers[0].auto_approve, AutoApprove::Tools(vec!["x".into(), "y".into()]));
}

#[test]
fn keys_for_the_other_transport_are_hints() {
    check(
        r#"{"mcpServers": {"a": {"command": "node", "headers": {}}, "b": {"url": "https://x", "args": []}}}"#,
        &[("\"headers\"", Severity::Hint, codes::UNKNOWN_KEY), ("\"args\"", Severity::Hint, codes::UNKNOWN_KEY)],
    );
}

#[test]
fn duplicate_servers_last_wins() {
    let file = check(
        r#"{"mcpServers": {"a": {"command": "node"}, "a": {"command": "uvx"}}}"#,
        &[("\"a\"", Severity::Warning, codes::DUPLICATE_KEY)],
    );
    assert_eq!(file.names, ["a"]);
    assert!(matches!(&file.servers[0].transport, Transport::Stdio { command, .. } if command == "uvx"));
}

#[test]
fn workspace_wins_by_name_even_when_invalid() {
    let env = env();
    let ws = parse(
        Path::new("/w/.kiro/settings/mcp.json"),
        r#"{"mcpServers": {"both": {"command": "node"}, "broken": {"command": 1}}}"#,
        Scope::Workspace,
        &env,
    );
    let user = parse(
        Path::new("/home/me/.kiro/settings/mcp.json"),
        r#"{"mcpServers": {"mine": {"command": "uvx"}, "both": {"command": "uvx"}, "broken": {"command": "npx"}}}"#,
        Scope::User,
        &env,
    );
    let merged = merge(Some(&ws), Some(&user));
    let names: Vec<(&str, Scope)> = merged.iter().map(|s| (s.name.as_str(), s.scope)).collect();
    assert_eq!(names, [("both", Scope::Workspace), ("mine", Scope::User)]);
    assert_eq!(merge(None, Some(&user)).len(), 3);
}

#[test]
fn load_reads_both_files_from_the_environment_home() {
    let base = std::env::temp_dir().join(format!("specwright-mcp-load-{}", std::process::id()));
    let (ws, home) = (base.join("ws"), base.join("home"));
    for (root, text) in [
        (&ws, r#"{"mcpServers": {"a": {"command": "node"}}}"#),
        (&home, r#"{"mcpServers": {"a": {"command": "uvx"}, "b": {"url": "https://b"}}}"#),
    ] {
        std::fs::create_dir_all(root.join(".kiro/settings")).unwrap();
        std::fs::write(workspace_file(root), text).unwrap();
    }
    let env = Environment::from_vars([("HOME", home.to_string_lossy().into_owned())]).with_commands(["node", "uvx"]);
    let config = load(&ws, &env);
    assert_eq!(config.files.len(), 2);
    assert_eq!(config.files[1].scope, Scope::User);
    assert!(matches!(&config.server("a").unwrap().transport, Transport::Stdio { command, .. } if command == "node"));
    assert_eq!(config.server("b").unwrap().scope, Scope::User);
    // No home: the workspace's alone; no file at all: nothing.
    assert_eq!(load(&ws, &Environment::default().with_commands(["node"])).files.len(), 1);
    assert_eq!(load(&base, &Environment::default()), McpConfig::default());
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn every_code_is_described() {
    for code in codes::ALL {
        assert!(code.starts_with("mcp-") && !codes::description(code).is_empty(), "{code}");
    }
}

#[test]
fn any_text_gives_a_file_without_panicking() {
    let texts = [
        "",
        "{",
        "\"",
        "{\"mcpServers\": {\"a\": {\"url\": \"https://[::1\"}}}",
        "/*",
        "\u{feff}{}",
        "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"env\": {\"K\": \"${\"}}}}",
    ];
    for text in texts {
        let _ = read(text);
    }
}
