//! The rule table: one entry per credential format, most specific first.
//!
//! Order is priority: when two rules match overlapping text, the earlier
//! rule's finding is kept (so `api_key = "sk-proj-…"` is an OpenAI key, not
//! a generic assignment). Every rule has keywords; its regex runs only on
//! lines where one of them occurs. Regexes put the secret value in the
//! first capture group that participates in the match (group 0 otherwise).

/// A rule, as listed in [`RULES`]: a stable id and a human description.
/// The matching details are private to the crate.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    /// Stable id, e.g. `aws-access-key-id`; used in findings and redaction
    /// placeholders.
    pub id: &'static str,
    pub description: &'static str,
    pub(crate) keywords: &'static [&'static str],
    /// Keywords match ASCII case-insensitively.
    pub(crate) keywords_ci: bool,
    pub(crate) pattern: &'static str,
    /// The match may span lines (PEM blocks): the regex runs on a bounded
    /// window that starts at the keyword's line.
    pub(crate) multiline: bool,
    pub(crate) check: Check,
    /// Characters of the (public, fixed) prefix shown in `Finding::redacted`.
    pub(crate) keep: usize,
}

/// Validation of a candidate secret value beyond its regex.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Check {
    /// Not a placeholder, and Shannon entropy (bits per byte) at least this.
    Entropy(f64),
    /// A password in a connection URL: not a placeholder, an environment
    /// reference or a well-known default.
    ConnectionPassword,
    /// A value assigned to a secret-looking key: the full set of heuristics
    /// for values without a fixed prefix (entropy, not a hash, UUID, path or
    /// identifier).
    Generic,
}

const fn rule(
    id: &'static str,
    description: &'static str,
    keywords: &'static [&'static str],
    pattern: &'static str,
    check: Check,
    keep: usize,
) -> RuleInfo {
    RuleInfo { id, description, keywords, keywords_ci: false, pattern, multiline: false, check, keep }
}

const fn ci(mut r: RuleInfo) -> RuleInfo {
    r.keywords_ci = true;
    r
}

const fn multiline(mut r: RuleInfo) -> RuleInfo {
    r.multiline = true;
    r
}

/// Trailing guard: the token does not continue.
macro_rules! end {
    () => {
        r"(?:[^A-Za-z0-9_\-]|$)"
    };
}

const E: Check = Check::Entropy(3.0);

/// Every rule, most specific first.
pub const RULES: &[RuleInfo] = &[
    rule(
        "aws-access-key-id",
        "AWS access key ID",
        &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
        r"\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b",
        E,
        4,
    ),
    ci(rule(
        "aws-secret-access-key",
        "AWS secret access key",
        &["secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret", "awssecret"],
        concat!(
            r#"(?i:(?:aws)?[_.\-]?secret[_.\-]?(?:access)?[_.\-]?key)["']?\s{0,4}(?:\?\?=|\|\|=|:=|=>|=|:)\s{0,4}["'`]?([A-Za-z0-9/+]{40})"#,
            r"(?:[^A-Za-z0-9/+=]|$)"
        ),
        Check::Entropy(4.0),
        0,
    )),
    ci(rule(
        "gcp-service-account-key",
        "Google Cloud service-account private key (JSON key file)",
        &["\"private_key\""],
        r#""private_key"\s*:\s*"(-----BEGIN [A-Z ]*PRIVATE KEY-----[^"]{20,}?-----END [A-Z ]*PRIVATE KEY-----(?:\\n)?)""#,
        E,
        0,
    )),
    rule("gcp-api-key", "Google Cloud API key", &["AIza"], concat!(r"\b(AIza[0-9A-Za-z_\-]{35})", end!()), E, 4),
    ci(rule(
        "azure-storage-key",
        "Azure storage account key or shared access key in a connection string",
        &["accountkey=", "sharedaccesskey="],
        r"(?i:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})",
        Check::Entropy(4.0),
        0,
    )),
    rule("github-pat", "GitHub personal access token (classic)", &["ghp_"], r"\b(ghp_[A-Za-z0-9]{36})\b", E, 4),
    rule("github-oauth-token", "GitHub OAuth access token", &["gho_"], r"\b(gho_[A-Za-z0-9]{36})\b", E, 4),
    rule(
        "github-app-token",
        "GitHub App user-to-server or server-to-server token",
        &["ghu_", "ghs_"],
        r"\b((?:ghu|ghs)_[A-Za-z0-9]{36})\b",
        E,
        4,
    ),
    rule("github-refresh-token", "GitHub refresh token", &["ghr_"], r"\b(ghr_[A-Za-z0-9]{36})\b", E, 4),
    rule(
        "github-fine-grained-pat",
        "GitHub fine-grained personal access token",
        &["github_pat_"],
        r"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        E,
        11,
    ),
    rule("gitlab-pat", "GitLab personal access token", &["glpat-"], r"\b(glpat-[A-Za-z0-9_\-]{20,64})", E, 6),
    rule("npm-access-token", "npm access token", &["npm_"], r"\b(npm_[A-Za-z0-9]{36})\b", E, 4),
    rule(
        "pypi-upload-token",
        "PyPI upload token",
        &["pypi-AgEIcHlwaS5vcmc"],
        r"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,})",
        E,
        5,
    ),
    rule(
        "slack-token",
        "Slack bot, user, app or refresh token",
        &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
        r"\b(xox[baprs]-[0-9A-Za-z]{1,15}-[0-9A-Za-z\-]{10,250})",
        E,
        5,
    ),
    ci(rule(
        "slack-webhook-url",
        "Slack incoming webhook URL",
        &["hooks.slack.com/"],
        r"(?i:https?://hooks\.slack\.com)/(?:services|workflows|triggers)/([A-Za-z0-9+/_\-]{20,150})",
        E,
        0,
    )),
    ci(rule(
        "discord-bot-token",
        "Discord bot token",
        &["discord"],
        concat!(
            r"(?i:discord)[^\r\n]{0,80}?[^A-Za-z0-9_.\-]",
            r"([MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,40})",
            r"(?:[^A-Za-z0-9_.\-]|$)"
        ),
        E,
        0,
    )),
    ci(rule(
        "discord-webhook-url",
        "Discord webhook URL",
        &["/api/webhooks/"],
        r"(?i:https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/)([0-9]{17,20}/[A-Za-z0-9_\-]{60,68})",
        E,
        0,
    )),
    rule(
        "telegram-bot-token",
        "Telegram bot token",
        &[":AA"],
        concat!(r"(?:^|[^0-9])([0-9]{8,10}:AA[0-9A-Za-z_\-]{33})", end!()),
        E,
        0,
    ),
    rule(
        "stripe-secret-key",
        "Stripe live secret or restricted key",
        &["sk_live_", "rk_live_"],
        r"\b((?:sk|rk)_live_[0-9A-Za-z]{24,99})\b",
        E,
        8,
    ),
    rule(
        "square-access-token",
        "Square access token",
        &["sq0atp-", "EAAA"],
        concat!(r"\b(sq0atp-[0-9A-Za-z_\-]{22}|EAAA[0-9A-Za-z_\-]{60})", end!()),
        E,
        4,
    ),
    rule(
        "square-oauth-secret",
        "Square OAuth application secret",
        &["sq0csp-"],
        concat!(r"\b(sq0csp-[0-9A-Za-z_\-]{43})", end!()),
        E,
        7,
    ),
    rule(
        "anthropic-api-key",
        "Anthropic API key",
        &["sk-ant-"],
        r"\b(sk-ant-[a-z]{2,10}[0-9]{0,3}-[A-Za-z0-9_\-]{32,200})",
        E,
        7,
    ),
    rule(
        "openai-api-key",
        "OpenAI API key",
        &["sk-"],
        concat!(
            r"\b(sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,250}",
            r"|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{48}))",
            end!()
        ),
        E,
        3,
    ),
    rule(
        "sendgrid-api-key",
        "SendGrid API key",
        &["SG."],
        concat!(r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})", end!()),
        E,
        3,
    ),
    rule("twilio-api-key", "Twilio API key SID", &["SK"], r"\b(SK[0-9a-f]{32})\b", E, 2),
    rule("twilio-account-sid", "Twilio account SID", &["AC"], r"\b(AC[0-9a-f]{32})\b", E, 2),
    multiline(rule(
        "private-key",
        "Private key block (PEM: RSA, EC, DSA, OpenSSH, PGP, PKCS#8)",
        &["PRIVATE KEY-----", "PRIVATE KEY BLOCK-----"],
        concat!(
            r"-----BEGIN[A-Z0-9 ]{0,24} PRIVATE KEY(?: BLOCK)?-----",
            r"(?:((?s:.)+?)-----END[A-Z0-9 ]{0,24} PRIVATE KEY(?: BLOCK)?-----",
            r"|((?:[A-Za-z0-9+/=\r\n]|\\n){64,}))"
        ),
        E,
        0,
    )),
    rule(
        "jwt",
        "JSON Web Token",
        &["eyJ"],
        r"\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,})",
        E,
        3,
    ),
    ci(rule(
        "connection-string-password",
        "Password in a database or broker connection URL",
        &[
            "postgres://",
            "postgresql://",
            "mysql://",
            "mongodb://",
            "mongodb+srv://",
            "redis://",
            "rediss://",
            "amqp://",
            "amqps://",
            "mssql://",
        ],
        r#"(?i:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|rediss?|amqps?|mssql)://[^:@\s/"'`]*:([^@\s/"'`]+)@"#,
        Check::ConnectionPassword,
        0,
    )),
    ci(rule(
        "generic-secret-assignment",
        "High-entropy value assigned to a password, secret, token or API key",
        &[
            "password",
            "passwd",
            "pwd",
            "passphrase",
            "secret",
            "token",
            "apikey",
            "api_key",
            "api-key",
            "access_key",
            "access-key",
            "auth_key",
            "authkey",
            "private_key",
            "privatekey",
            "credential",
        ],
        concat!(
            r"(?i:password|passwd|pwd|passphrase|secret|token|credentials?|apikey",
            r"|(?:api|access|secret|auth|private|encryption|signing|master)[_\-]?key)",
            // `??=` and `||=`: defaults in JavaScript (`process.env.X ??= "…"`).
            r#"["']?\s{0,4}(?:\?\?=|\|\|=|:=|=>|=|:)\s{0,4}"#,
            r#"(?:"([^"\s]{8,256})"|'([^'\s]{8,256})'|`([^`\s]{8,256})`"#,
            r"|([A-Za-z0-9_\-+/=~!@#%^*]{12,256})(?:[\s;,]|$))"
        ),
        Check::Generic,
        0,
    )),
];
