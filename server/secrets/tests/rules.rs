//! One positive and at least one negative case per rule.

mod common;

use common::*;
use specwright_secrets::RULES;

/// (rule, text, secret) for every rule; the secret is the finding's span.
fn positives() -> Vec<(&'static str, String, String)> {
    let mut cases = Vec::new();
    let mut add = |rule: &'static str, text: String, secret: String| {
        assert!(text.contains(&secret));
        cases.push((rule, text, secret));
    };

    let v = format!("{}{}", "AKIA", fake(BASE32, 16, 1));
    add("aws-access-key-id", format!("aws_access_key_id = {v}\n"), v);

    let v = fake(B64, 40, 2);
    add("aws-secret-access-key", format!("aws_secret_access_key = {v}\n"), v);

    let body = format!("{}\\n{}\\n", fake(B64, 64, 3), fake(B64, 64, 4));
    let v = format!("-----BEGIN {}-----\\n{body}-----END {}-----\\n", "PRIVATE KEY", "PRIVATE KEY");
    add(
        "gcp-service-account-key",
        format!(
            "{{\n  \"type\": \"service_account\",\n  \"private_key\": \"{v}\",\n  \"client_email\": \"svc@proj.iam.gserviceaccount.com\"\n}}\n"
        ),
        v,
    );

    let v = format!("{}{}", "AIza", fake(URLSAFE, 35, 5));
    add("gcp-api-key", format!("const key = \"{v}\";\n"), v);

    let v = format!("{}==", fake(B64, 86, 6));
    add(
        "azure-storage-key",
        format!("DefaultEndpointsProtocol=https;AccountName=acct1;AccountKey={v};EndpointSuffix=core.windows.net\n"),
        v,
    );

    for (rule, prefix, seed) in [
        ("github-pat", "ghp_", 7),
        ("github-oauth-token", "gho_", 8),
        ("github-app-token", "ghu_", 9),
        ("github-app-token", "ghs_", 10),
        ("github-refresh-token", "ghr_", 11),
        ("npm-access-token", "npm_", 12),
    ] {
        let v = format!("{prefix}{}", fake(ALNUM, 36, seed));
        add(rule, format!("token: {v}\n"), v);
    }

    let v = format!("github_pat_{}_{}", fake(ALNUM, 22, 13), fake(ALNUM, 59, 14));
    add("github-fine-grained-pat", format!("GH={v}\n"), v);

    let v = format!("glpat-{}", fake(ALNUM, 20, 15));
    add("gitlab-pat", format!("git clone https://oauth2:{v}@gitlab.com/a/b.git\n"), v);

    let v = format!("pypi-AgEIcHlwaS5vcmc{}", fake(URLSAFE, 70, 16));
    add("pypi-upload-token", format!("[pypi]\nusername = __token__\npassword = {v}\n"), v);

    let v = format!("xoxb-{}-{}-{}", fake(DIGITS, 12, 17), fake(DIGITS, 13, 18), fake(ALNUM, 24, 19));
    add("slack-token", format!("slack.token = '{v}'\n"), v);

    let v = format!("T{}/B{}/{}", fake(UPPER_DIGITS, 8, 20), fake(UPPER_DIGITS, 10, 21), fake(ALNUM, 24, 22));
    add("slack-webhook-url", format!("url: https://hooks.slack.com/services/{v}\n"), v);

    let v = format!("M{}.{}.{}", fake(URLSAFE, 25, 23), fake(URLSAFE, 6, 24), fake(URLSAFE, 38, 25));
    add("discord-bot-token", format!("DISCORD_BOT_TOKEN=\"{v}\"\n"), v);

    let v = format!("{}/{}", fake(DIGITS, 18, 26), fake(URLSAFE, 68, 27));
    add("discord-webhook-url", format!("fetch(\"https://discord.com/api/webhooks/{v}\")\n"), v);

    let v = format!("{}:AA{}", fake(DIGITS, 10, 28), fake(URLSAFE, 33, 29));
    add("telegram-bot-token", format!("bot = Bot({v:?})\n"), v);

    let v = format!("sk_live_{}", fake(ALNUM, 24, 30));
    add("stripe-secret-key", format!("Stripe.apiKey = \"{v}\";\n"), v);
    let v = format!("rk_live_{}", fake(ALNUM, 99, 31));
    add("stripe-secret-key", format!("stripe({v:?})\n"), v);

    let v = format!("sq0atp-{}", fake(URLSAFE, 22, 32));
    add("square-access-token", format!("SQUARE={v}\n"), v);
    let v = format!("EAAA{}", fake(URLSAFE, 60, 33));
    add("square-access-token", format!("accessToken: \"{v}\",\n"), v);

    let v = format!("sq0csp-{}", fake(URLSAFE, 43, 34));
    add("square-oauth-secret", format!("client_secret: {v}\n"), v);

    let v = format!("sk-ant-api03-{}", fake(URLSAFE, 95, 35));
    add("anthropic-api-key", format!("ANTHROPIC_API_KEY={v}\n"), v);

    let v = format!("sk-proj-{}", fake(URLSAFE, 120, 36));
    add("openai-api-key", format!("openai.api_key = \"{v}\"\n"), v);
    let v = format!("sk-{}", fake(ALNUM, 48, 37));
    add("openai-api-key", format!("OPENAI_API_KEY={v}\n"), v);

    let v = format!("SG.{}.{}", fake(URLSAFE, 22, 38), fake(URLSAFE, 43, 39));
    add("sendgrid-api-key", format!("sg = SendGridAPIClient('{v}')\n"), v);

    let v = format!("SK{}", fake(HEX, 32, 40));
    add("twilio-api-key", format!("api_key_sid = \"{v}\"\n"), v);
    let v = format!("AC{}", fake(HEX, 32, 41));
    add("twilio-account-sid", format!("account_sid = \"{v}\"\n"), v);

    let body = format!("\n{}\n{}\n{}\n", fake(B64, 64, 42), fake(B64, 64, 43), fake(B64, 20, 44));
    add(
        "private-key",
        format!("key = '''\n-----BEGIN {} PRIVATE KEY-----{body}-----END {} PRIVATE KEY-----\n'''\n", "RSA", "RSA"),
        body,
    );
    let body = format!("\n{}\n{}\n", fake(B64, 70, 45), fake(B64, 70, 46));
    add(
        "private-key",
        format!("-----BEGIN {} PRIVATE KEY-----{body}-----END {} PRIVATE KEY-----\n", "OPENSSH", "OPENSSH"),
        body,
    );

    let v = format!("eyJ{}.eyJ{}.{}", fake(URLSAFE, 33, 47), fake(URLSAFE, 60, 48), fake(URLSAFE, 43, 49));
    add("jwt", format!("Authorization: Bearer {v}\n"), v);

    for (scheme, user, seed) in [
        ("postgres", "app", 50),
        ("postgresql", "app", 51),
        ("mongodb+srv", "admin", 52),
        ("mysql", "root", 53),
        ("redis", "", 54),
    ] {
        let v = fake(ALNUM, 16, seed);
        add("connection-string-password", format!("DATABASE_URL={scheme}://{user}:{v}@db.internal:5432/app\n"), v);
    }

    let v = fake(PASSWORDISH, 20, 55);
    add("generic-secret-assignment", format!("password = \"{v}\"\n"), v);
    let v = fake(PASSWORDISH, 24, 56);
    add("generic-secret-assignment", format!("  api_key: '{v}'\n"), v);
    let v = fake(ALNUM, 32, 57);
    add("generic-secret-assignment", format!("SECRET={v}\n"), v);
    let v = fake(PASSWORDISH, 12, 58);
    add("generic-secret-assignment", format!("{{\"dbPassword\": \"{v}\"}}\n"), v);
    // JavaScript's default-assignment operators.
    let v = fake(ALNUM, 32, 59);
    add("generic-secret-assignment", format!("process.env.CLIENT_SECRET ??= '{v}'\n"), v);
    let v = fake(PASSWORDISH, 20, 60);
    add("generic-secret-assignment", format!("options.password ||= \"{v}\";\n"), v);
    let v = fake(B64, 40, 61);
    add("aws-secret-access-key", format!("process.env.AWS_SECRET_ACCESS_KEY ??= `{v}`\n"), v);

    cases.extend(vendors::vendor_positives());
    cases
}

#[test]
fn every_rule_finds_its_positive_case() {
    for (rule, text, secret) in positives() {
        check(&text, &[(rule, &secret)]);
    }
}

#[test]
fn every_rule_has_a_positive_case() {
    let covered: Vec<&str> = positives().iter().map(|(r, _, _)| *r).collect();
    for rule in RULES {
        assert!(covered.contains(&rule.id), "no positive case for {}", rule.id);
    }
    assert!(RULES.len() >= 140);
}

#[test]
fn rule_ids_are_unique_and_kebab_case() {
    for (i, a) in RULES.iter().enumerate() {
        assert!(a.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        assert!(RULES[i + 1..].iter().all(|b| b.id != a.id), "duplicate {}", a.id);
    }
}

#[test]
fn negatives_per_rule() {
    let cases: Vec<String> = vec![
        // aws-access-key-id: too short, lowercase, documentation example.
        format!("id = AKIA{}\n", fake(BASE32, 12, 1)),
        format!("id = akia{}\n", fake(BASE32, 16, 1).to_lowercase()),
        format!("id = {}{}{}\n", "AKIA", "IOSFODNN7", "EXAMPLE"),
        // aws-secret-access-key: low entropy, wrong length.
        format!("aws_secret_access_key = {}\n", "ab".repeat(20)),
        "aws_secret_access_key = os.environ[\"AWS_SECRET_ACCESS_KEY\"]\n".to_owned(),
        // gcp-service-account-key: placeholder key.
        "{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n<your key here>\\n-----END PRIVATE KEY-----\\n\"}\n"
            .to_owned(),
        // gcp-api-key: too short.
        format!("key = AIza{}\n", fake(URLSAFE, 20, 5)),
        // azure-storage-key: a reference, not a key.
        "AccountKey=${STORAGE_KEY};AccountName=a\n".to_owned(),
        // github: wrong length, placeholder, letters only after prefix repeat.
        format!("gh: ghp_{}\n", fake(ALNUM, 30, 7)),
        format!("gh: ghp_{}\n", "x".repeat(36)),
        format!("gh: gho_{}\n", "0".repeat(36)),
        format!("gh: ghs_{}X\n", fake(ALNUM, 36, 9)),
        format!("gh: ghr_{}\n", fake(ALNUM, 12, 11)),
        format!("GH=github_pat_{}\n", fake(ALNUM, 40, 13)),
        // gitlab: too short.
        format!("glpat-{}\n", fake(ALNUM, 10, 15)),
        // npm: placeholder.
        "//registry.npmjs.org/:_authToken=npm_YOUR_TOKEN_HERE_xxxxxxxxxxxxxxxxxxxx\n".to_owned(),
        // pypi: prefix only.
        "prefix pypi-AgEIcHlwaS5vcmc only\n".to_owned(),
        // slack: placeholder.
        "SLACK_TOKEN=xoxb-your-token-here\n".to_owned(),
        "url: https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX\n".to_owned(),
        // discord: a dotted token without discord context; webhook placeholder.
        format!("x = \"M{}.{}.{}\"\n", fake(URLSAFE, 25, 23), fake(URLSAFE, 6, 24), fake(URLSAFE, 38, 25)),
        "https://discord.com/api/webhooks/<id>/<token>\n".to_owned(),
        // telegram: a time with seconds, not a token.
        "at 1234567890:AA in the log\n".to_owned(),
        // stripe: test key and placeholder.
        format!("sk_test_{}\n", fake(ALNUM, 24, 30)),
        "STRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n".to_owned(),
        // square: too short.
        format!("sq0atp-{}\n", fake(URLSAFE, 10, 32)),
        format!("sq0csp-{}\n", fake(URLSAFE, 10, 34)),
        // anthropic / openai: placeholders and short.
        "ANTHROPIC_API_KEY=sk-ant-api03-your-key-here\n".to_owned(),
        "OPENAI_API_KEY=sk-...\n".to_owned(),
        format!("sk-{}\n", fake(ALNUM, 20, 37)),
        "task-list sk-learn desk-top\n".to_owned(),
        // sendgrid: wrong shape.
        format!("SG.{}\n", fake(URLSAFE, 22, 38)),
        // twilio: uppercase hex, wrong length.
        format!("SK{}\n", fake(HEX, 32, 40).to_uppercase()),
        format!("AC{}\n", fake(HEX, 20, 41)),
        // private key: public key and placeholder body.
        format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", fake(B64, 64, 42)),
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n".to_owned(),
        // jwt: a header alone.
        format!("eyJ{}\n", fake(URLSAFE, 30, 47)),
        // connection strings: no password, placeholder, env and defaults.
        "postgres://app@localhost/app\n".to_owned(),
        "postgres://user:password@localhost/app\n".to_owned(),
        "mongodb+srv://app:<password>@cluster0.mongodb.net/\n".to_owned(),
        "mysql://root:${MYSQL_PASSWORD}@db/app\n".to_owned(),
        "redis://:changeme@cache:6379\n".to_owned(),
        "postgres://postgres:postgres@localhost:5432/postgres\n".to_owned(),
        // generic: low entropy, words, types, calls, comparisons.
        "password = \"hunter2hunter2\"\n".to_owned(),
        "password = \"correcthorsebattery\"\n".to_owned(),
        "secretName: my-app-db-secret-v2\n".to_owned(),
        "secret_name = \"my-app-db-secret-v2\"\n".to_owned(),
        "password: string;\n".to_owned(),
        "let token = generate_token(42);\n".to_owned(),
        "if password == \"s3cr3t-Pa55word!\" {\n".to_owned(),
        "max_tokens = 4096\n".to_owned(),
        "token_url = \"https://oauth2.googleapis.com/token\"\n".to_owned(),
        "private_key_path = \"/etc/ssl/private/server.key\"\n".to_owned(),
        "token ??= createToken(options);\n".to_owned(),
        "options.password ||= process.env.DB_PASSWORD;\n".to_owned(),
        "process.env.API_SECRET ??= `${defaults.apiSecret}`\n".to_owned(),
    ]
    .into_iter()
    .chain(vendors::vendor_negatives())
    .collect();
    let s = scanner();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|text| {
            let got = found(&s, text);
            (!got.is_empty()).then(|| format!("{text:?} -> {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
