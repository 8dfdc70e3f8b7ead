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

/// End of a value in context: a quote, white space, `;`, `,`, a closing
/// bracket, an escaped newline or the end of the line.
macro_rules! stop {
    () => {
        r#"(?:["'`\s;,)\]}]|\\[nr]|$)"#
    };
}

/// Guards for tokens whose alphabet is base64's: the token is not part of a
/// longer base64 run (a blob in which any four letters occur sooner or later).
macro_rules! b64_start {
    () => {
        // `=` may precede: it pads the end of a base64 run, never its middle.
        r"(?:^|[^A-Za-z0-9+/_\-])"
    };
}

macro_rules! b64_end {
    () => {
        r"(?:[^A-Za-z0-9+/=_\-]|$)"
    };
}

/// A keyword-in-context rule: the vendor's name (case-insensitive, part of
/// a longer name such as `DATADOG_API_KEY` or `herokuApiKey`) assigned the
/// value (`=`, `:`, `=>`, `:=`, `??=`, `||=`, or an argument after `,`),
/// quoted or not. The value, in the capture group, must end there.
macro_rules! near {
    ($vendor:expr, $value:expr) => {
        concat!(
            "(?i:",
            $vendor,
            // ASCII classes: a Unicode `\w` repeated 30 times makes a large
            // automaton, and there are many context rules.
            r")[A-Za-z0-9_.\-]{0,30}",
            r#"["'\]]?[ \t]{0,4}(?:\?\?=|\|\|=|:=|=>|=|:|,)[ \t]{0,4}["'`]?"#,
            "(",
            $value,
            ")",
            stop!()
        )
    };
}

/// A UUID, any case.
macro_rules! uuid {
    () => {
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    };
}

const E: Check = Check::Entropy(3.0);

/// For values that may be short digit strings (client ids).
const E_LOW: Check = Check::Entropy(2.5);

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
    rule(
        "gitlab-pat",
        "GitLab personal access token",
        &["glpat-"],
        r"\b(glpat-[A-Za-z0-9_\-]{20,300}(?:\.[0-9a-z]{9})?)",
        E,
        6,
    ),
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
        "Slack bot, user, workspace, refresh, configuration or legacy token",
        &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxo-", "xoxe"],
        concat!(
            r"\b(xox[baprs]-[0-9A-Za-z]{1,15}-[0-9A-Za-z\-]{10,250}|xox[ar]-(?:[0-9]-)?[0-9A-Za-z]{8,48}",
            r"|xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{163,166}|xoxe-[0-9]-[A-Za-z0-9]{146}|xoxo-[0-9]+-[0-9]+-[0-9]+-[a-fA-F0-9]+)"
        ),
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
        &["sk_live_", "rk_live_", "sk_prod_", "rk_prod_"],
        r"\b((?:sk|rk)_(?:live|prod)_[0-9A-Za-z]{24,99})\b",
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
    // ---- Vendor tokens with a prefix or shape of their own ----------------
    rule(
        "1password-secret-key",
        "1Password account secret key",
        &["A3-"],
        r"\b(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})\b",
        Check::Entropy(3.8),
        3,
    ),
    rule(
        "1password-service-account-token",
        "1Password service account token",
        &["ops_eyJ"],
        r"\b(ops_eyJ[A-Za-z0-9+/]{250,}={0,3})(?:[^A-Za-z0-9+/=]|$)",
        Check::Entropy(4.0),
        7,
    ),
    rule(
        "adobe-client-secret",
        "Adobe OAuth client secret",
        &["p8e-"],
        concat!(r"\b(p8e-[A-Za-z0-9]{32})", end!()),
        E,
        4,
    ),
    rule(
        "age-secret-key",
        "age encryption secret key",
        &["AGE-SECRET-KEY-1"],
        r"\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b",
        E,
        16,
    ),
    rule(
        "alibaba-access-key-id",
        "Alibaba Cloud AccessKey ID",
        &["LTAI"],
        concat!(r"\b(LTAI[A-Za-z0-9]{20})", end!()),
        E,
        4,
    ),
    rule(
        "artifactory-token",
        "JFrog Artifactory API key or reference token",
        &["AKCp", "cmVmd"],
        concat!(b64_start!(), r"(AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59})", b64_end!()),
        Check::Entropy(4.5),
        4,
    ),
    ci(rule(
        "atlassian-api-token",
        "Atlassian (Jira, Confluence) API token",
        &["ATATT3", "atlassian", "confluence", "jira"],
        concat!(
            r"\b(ATATT3[A-Za-z0-9_\-=]{186})(?:[^A-Za-z0-9_\-=]|$)|",
            near!("atlassian|confluence|jira", "[A-Za-z0-9]{24}")
        ),
        Check::Entropy(3.5),
        6,
    )),
    rule(
        "authress-access-key",
        "Authress service client access key",
        &[".acc_", ".acc-"],
        concat!(
            r"\b((?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}\.acc[_\-][A-Za-z0-9\-]{10,32}",
            r"\.[A-Za-z0-9+/_=\-]{30,120})(?:[^A-Za-z0-9+/_=\-]|$)"
        ),
        E,
        0,
    ),
    rule(
        "azure-ad-client-secret",
        "Azure AD (Entra ID) application client secret",
        &["Q~"],
        r#"(?:^|[\\'"`\s>=:(,)])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?:$|[\\'"`\s<),;])"#,
        E,
        0,
    ),
    rule(
        "clickhouse-api-secret",
        "ClickHouse Cloud API secret key",
        &["4b1d"],
        concat!(b64_start!(), r"(4b1d[A-Za-z0-9]{38})", b64_end!()),
        E,
        4,
    ),
    rule("clojars-api-token", "Clojars deploy token", &["CLOJARS_"], r"\b(CLOJARS_[A-Za-z0-9]{60})\b", E, 8),
    rule(
        "databricks-api-token",
        "Databricks personal access token",
        &["dapi"],
        concat!(r"\b(dapi[a-f0-9]{32}(?:-[0-9])?)", end!()),
        E,
        4,
    ),
    rule(
        "defined-networking-api-token",
        "Defined Networking (Nebula) API token",
        &["dnkey-"],
        r"\b(dnkey-[A-Za-z0-9=_\-]{26}-[A-Za-z0-9=_\-]{52})(?:[^A-Za-z0-9=_\-]|$)",
        E,
        6,
    ),
    rule(
        "digitalocean-token",
        "DigitalOcean personal access, OAuth access or refresh token",
        &["dop_v1_", "doo_v1_", "dor_v1_"],
        concat!(r"\b(do[opr]_v1_[a-f0-9]{64})", end!()),
        E,
        7,
    ),
    rule(
        "doppler-token",
        "Doppler personal, service, CLI, service-account, SCIM or audit token",
        &["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."],
        concat!(r"\b(dp\.(?:pt|ct|sa|scim|audit|st(?:\.[a-z0-9_\-]{2,35})?)\.[A-Za-z0-9]{40,44})", end!()),
        E,
        6,
    ),
    rule(
        "duffel-api-token",
        "Duffel API token",
        &["duffel_test_", "duffel_live_"],
        r"\b(duffel_(?:test|live)_[A-Za-z0-9_\-=]{43})(?:[^A-Za-z0-9_\-=]|$)",
        E,
        12,
    ),
    rule(
        "dynatrace-api-token",
        "Dynatrace API token",
        &["dt0c01."],
        r"\b(dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64})\b",
        Check::Entropy(4.0),
        7,
    ),
    rule(
        "easypost-api-token",
        "EasyPost API key (live or test)",
        &["EZAK", "EZTK"],
        r"\b(EZ[AT]K[A-Za-z0-9]{54})\b",
        E,
        4,
    ),
    rule(
        "facebook-page-access-token",
        "Facebook (Meta) page or user access token",
        &["EAAM", "EAAC"],
        concat!(b64_start!(), r"(EAA[MC][A-Za-z0-9]{100,})", b64_end!()),
        Check::Entropy(4.0),
        4,
    ),
    rule(
        "flutterwave-key",
        "Flutterwave secret, public or encryption key",
        &["FLWSECK", "FLWPUBK"],
        concat!(r"\b(FLW(?:SECK|PUBK)(?:_TEST)?-[a-hA-H0-9]{32}-X|FLWSECK(?:_TEST)?-?[a-hA-H0-9]{12})", end!()),
        E,
        12,
    ),
    rule(
        "flyio-access-token",
        "Fly.io access token",
        &["fo1_", "fm1a_", "fm1r_", "fm2_"],
        concat!(
            r"\b(fo1_[A-Za-z0-9_\-]{43}|fm1[ar]_[A-Za-z0-9+/]{100,}={0,3}|fm2_[A-Za-z0-9+/]{100,}={0,3})",
            r"(?:[^A-Za-z0-9+/=_\-]|$)"
        ),
        Check::Entropy(4.0),
        4,
    ),
    rule(
        "frameio-api-token",
        "Frame.io API token",
        &["fio-u-"],
        r"\b(fio-u-[A-Za-z0-9\-_=]{64})(?:[^A-Za-z0-9_\-=]|$)",
        E,
        6,
    ),
    rule(
        "gitlab-token",
        "GitLab CI/CD job, deploy, runner, trigger, feed, mail, agent, SCIM, feature-flag or OAuth-app token, or session cookie",
        &[
            "glcbt-",
            "gldt-",
            "glffct-",
            "glft-",
            "glimt-",
            "glagent-",
            "gloas-",
            "glptt-",
            "glrt-",
            "glsoat-",
            "GR1348941",
            "_gitlab_session=",
        ],
        concat!(
            r"\b(glcbt-[0-9A-Za-z]{1,5}_[0-9A-Za-z_\-]{20}|gl(?:dt|ffct|ft|rt|soat)-[0-9A-Za-z_\-]{20,300}(?:\.[0-9a-z]{9})?",
            r"|glimt-[0-9A-Za-z_\-]{25}|glagent-[0-9A-Za-z_\-]{50}|gloas-[0-9A-Za-z_\-]{64}|glptt-[0-9a-f]{40}",
            r"|GR1348941[0-9A-Za-z_\-]{20})",
            end!(),
            r"|_gitlab_session=([0-9a-z]{32})\b"
        ),
        E,
        5,
    ),
    rule(
        "grafana-token",
        "Grafana API key, cloud API token or service account token",
        &["eyJrIjoi", "glc_", "glsa_"],
        concat!(
            r"\b(eyJrIjoi[A-Za-z0-9]{70,400}={0,3}|glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})",
            r"(?:[^A-Za-z0-9+/=_\-]|$)"
        ),
        E,
        4,
    ),
    rule(
        "harness-api-key",
        "Harness personal or service account token",
        &["pat.", "sat."],
        r"\b((?:pat|sat)\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20})\b",
        E,
        4,
    ),
    rule(
        "hashicorp-tf-api-token",
        "HashiCorp Terraform Cloud user or organization token",
        &["atlasv1"],
        r"\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9\-_=]{60,70})(?:[^A-Za-z0-9_\-=]|$)",
        Check::Entropy(3.5),
        0,
    ),
    ci(rule(
        "heroku-api-key",
        "Heroku API key",
        &["HRKU-AA", "heroku"],
        concat!(r"\b(HRKU-AA[0-9A-Za-z_\-]{58})", end!(), "|", near!("heroku", uuid!())),
        E,
        7,
    )),
    ci(rule(
        "hubspot-api-key",
        "HubSpot private app token or API key",
        &["hubspot", "pat-na1-", "pat-eu1-"],
        concat!(r"\b(pat-(?:na|eu)[0-9]-", uuid!(), ")", end!(), "|", near!("hubspot", uuid!())),
        E,
        0,
    )),
    rule(
        "huggingface-token",
        "Hugging Face user or organization access token",
        &["hf_", "api_org_"],
        concat!(r"\b((?:hf|api_org)_[A-Za-z]{34})", end!()),
        Check::Entropy(3.5),
        3,
    ),
    rule(
        "infracost-api-token",
        "Infracost API token",
        &["ico-"],
        concat!(r"\b(ico-[A-Za-z0-9]{32})", end!()),
        Check::Entropy(3.5),
        4,
    ),
    rule(
        "intra42-client-secret",
        "42 intranet (Intra42) client secret",
        &["s-s4t2ud-", "s-s4t2af-"],
        concat!(r"\b(s-s4t2(?:ud|af)-[a-f0-9]{64})", end!()),
        E,
        9,
    ),
    ci(rule(
        "linear-api-key",
        "Linear API key or OAuth client secret",
        &["lin_api_", "linear"],
        concat!(r"\b(lin_api_[A-Za-z0-9]{40})", end!(), "|", near!("linear", "[a-fA-F0-9]{32}")),
        E,
        8,
    )),
    ci(rule(
        "mailchimp-api-key",
        "Mailchimp API key",
        &["mailchimp", "-us"],
        r"\b([a-fA-F0-9]{32}-us[0-9]{1,2})\b",
        E,
        0,
    )),
    ci(rule(
        "mapbox-token",
        "Mapbox secret or temporary token, or public token next to the name",
        &["sk.eyJ", "tk.eyJ", "mapbox"],
        concat!(
            r"\b((?:sk|tk)\.eyJ[A-Za-z0-9_\-]{20,300}\.[A-Za-z0-9_\-]{20,30})",
            end!(),
            "|",
            near!("mapbox", r"pk\.[A-Za-z0-9_\-]{20,300}\.[A-Za-z0-9_\-]{20,30}")
        ),
        E,
        3,
    )),
    rule(
        "maxmind-license-key",
        "MaxMind license key",
        &["_mmk"],
        concat!(r"\b([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)", end!()),
        Check::Entropy(4.0),
        0,
    ),
    ci(rule(
        "microsoft-teams-webhook",
        "Microsoft Teams incoming webhook URL",
        &["webhook.office.com"],
        concat!(
            r"(?i:https://[a-z0-9\-]+\.webhook\.office\.com/webhookb2/)",
            r"([a-fA-F0-9\-]{36}@[a-fA-F0-9\-]{36}/IncomingWebhook/[a-fA-F0-9]{32}/[a-fA-F0-9\-]{36}(?:/[A-Za-z0-9_\-]{20,80})?)"
        ),
        E,
        0,
    )),
    ci(rule(
        "new-relic-key",
        "New Relic user API key, insert key, browser token or user API id",
        &["NRAK-", "NRII-", "NRJS-", "newrelic", "new-relic", "new_relic"],
        concat!(
            r"\b(NRAK-[A-Za-z0-9]{27}|NRII-[A-Za-z0-9\-]{32}|NRJS-[a-f0-9]{19})",
            end!(),
            "|",
            near!(r"new[_\-]?relic", "[A-Za-z0-9]{64}")
        ),
        E,
        5,
    )),
    rule(
        "notion-api-token",
        "Notion integration token",
        &["ntn_"],
        concat!(r"\b(ntn_[0-9]{11}[A-Za-z0-9]{35})", end!()),
        Check::Entropy(4.0),
        4,
    ),
    rule("octopus-deploy-api-key", "Octopus Deploy API key", &["API-"], concat!(r"\b(API-[A-Z0-9]{26})", end!()), E, 4),
    rule(
        "openshift-user-token",
        "OpenShift user token",
        &["sha256~"],
        concat!(r"\b(sha256~[A-Za-z0-9_\-]{43})", end!()),
        Check::Entropy(3.5),
        7,
    ),
    rule(
        "perplexity-api-key",
        "Perplexity API key",
        &["pplx-"],
        concat!(r"\b(pplx-[A-Za-z0-9]{48})", end!()),
        Check::Entropy(4.0),
        5,
    ),
    rule(
        "planetscale-token",
        "PlanetScale API token, OAuth token or password",
        &["pscale_tkn_", "pscale_oauth_", "pscale_pw_"],
        r"\b(pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.\-]{32,64})(?:[^A-Za-z0-9_=.\-]|$)",
        E,
        10,
    ),
    rule(
        "postman-api-token",
        "Postman API key",
        &["PMAK-"],
        concat!(r"\b(PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34})", end!()),
        E,
        5,
    ),
    rule("prefect-api-token", "Prefect API key", &["pnu_"], concat!(r"\b(pnu_[A-Za-z0-9]{36})", end!()), E, 4),
    rule("pulumi-access-token", "Pulumi access token", &["pul-"], concat!(r"\b(pul-[a-f0-9]{40})", end!()), E, 4),
    rule("readme-api-token", "ReadMe API key", &["rdme_"], concat!(r"\b(rdme_[a-z0-9]{70})", end!()), E, 5),
    rule("rubygems-api-token", "RubyGems API key", &["rubygems_"], concat!(r"\b(rubygems_[a-f0-9]{48})", end!()), E, 9),
    rule(
        "scalingo-api-token",
        "Scalingo API token",
        &["tk-us-"],
        concat!(r"\b(tk-us-[A-Za-z0-9_\-]{48})", end!()),
        E,
        6,
    ),
    rule(
        "sendinblue-api-key",
        "Brevo (Sendinblue) API or SMTP key",
        &["xkeysib-", "xsmtpsib-"],
        concat!(r"\b(x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})", end!()),
        E,
        8,
    ),
    ci(rule(
        "sentry-token",
        "Sentry user or organization auth token, or legacy token next to the name",
        &["sntryu_", "sntrys_", "sentry"],
        concat!(
            r"\b(sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/]{20,600}={0,2}_[A-Za-z0-9+/]{43})",
            r"(?:[^A-Za-z0-9+/=_\-]|$)|",
            near!("sentry", "[a-fA-F0-9]{64}")
        ),
        E,
        7,
    )),
    rule(
        "settlemint-token",
        "SettleMint application, personal or service access token",
        &["sm_aat_", "sm_pat_", "sm_sat_"],
        concat!(r"\b(sm_(?:aat|pat|sat)_[A-Za-z0-9]{16})", end!()),
        E,
        7,
    ),
    rule(
        "shippo-api-token",
        "Shippo API token",
        &["shippo_live_", "shippo_test_"],
        concat!(r"\b(shippo_(?:live|test)_[a-fA-F0-9]{40})", end!()),
        E,
        12,
    ),
    rule(
        "shopify-token",
        "Shopify access token, custom or private app token, or shared secret",
        &["shpat_", "shpca_", "shppa_", "shpss_"],
        concat!(r"\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})", end!()),
        E,
        6,
    ),
    ci(rule(
        "sidekiq-secret",
        "Sidekiq Pro/Enterprise gem server credentials",
        &[
            "bundle_enterprise__contribsys__com",
            "bundle_gems__contribsys__com",
            "gems.contribsys.com",
            "enterprise.contribsys.com",
        ],
        concat!(
            near!("bundle_(?:enterprise|gems)__contribsys__com", "[a-fA-F0-9]{8}:[a-fA-F0-9]{8}"),
            r"|(?i:https?://)([a-fA-F0-9]{8}:[a-fA-F0-9]{8})@(?i:gems|enterprise)\.contribsys\.com"
        ),
        E,
        0,
    )),
    rule(
        "slack-app-token",
        "Slack app-level token",
        &["xapp-"],
        concat!(r"\b(xapp-[0-9]-[A-Za-z0-9]{6,20}-[0-9]{6,20}-[A-Za-z0-9]{20,100})", end!()),
        E,
        5,
    ),
    ci(rule(
        "sonar-token",
        "SonarQube / SonarCloud token",
        &["squ_", "sqp_", "sqa_", "sonar"],
        concat!(
            r"\b(sq[uap]_[a-f0-9]{40})",
            end!(),
            "|",
            near!(r"sonar[_.\-]?(?:login|token)", r"[A-Za-z0-9=_\-]{40}")
        ),
        E,
        4,
    )),
    ci(rule(
        "sourcegraph-access-token",
        "Sourcegraph access token",
        &["sgp_", "sourcegraph"],
        concat!(
            r"\b(sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40})",
            end!(),
            "|",
            near!("sourcegraph", "[a-fA-F0-9]{40}")
        ),
        E,
        4,
    )),
    rule(
        "typeform-api-token",
        "Typeform personal access token",
        &["tfp_"],
        r"\b(tfp_[A-Za-z0-9\-_.=]{59})(?:[^A-Za-z0-9_\-.=]|$)",
        E,
        4,
    ),
    ci(rule(
        "twitter-token",
        "X (Twitter) bearer token, or API key, secret or access token next to the name",
        &["AAAAAAAAAAAAAAAAAAAAA", "twitter"],
        concat!(
            r"\b(A{22}[A-Za-z0-9%]{80,110})(?:[^A-Za-z0-9%]|$)|",
            near!("twitter", "[0-9]{15,25}-[A-Za-z0-9]{20,40}|[A-Za-z0-9]{50}|[A-Za-z0-9]{45}|[A-Za-z0-9]{25}")
        ),
        E,
        0,
    )),
    ci(rule(
        "vault-token",
        "HashiCorp Vault service, batch or recovery token",
        &["hvs.", "hvb.", "hvr.", "vault"],
        concat!(
            r"\b(hv[sr]\.[A-Za-z0-9_\-]{90,120}|hvb\.[A-Za-z0-9_\-]{138,300})",
            end!(),
            "|",
            near!("vault", r"s\.[A-Za-z0-9]{24}")
        ),
        Check::Entropy(3.5),
        4,
    )),
    ci(rule(
        "yandex-token",
        "Yandex Cloud API key, IAM or OAuth token, or static access key",
        &["AQVN", "yandex"],
        concat!(
            r"\b(AQVN[A-Za-z0-9_\-]{35,38})",
            end!(),
            "|",
            near!(
                "yandex",
                r"t1\.[A-Za-z0-9_\-]+={0,2}\.[A-Za-z0-9_\-]{86}={0,2}|YC[A-Za-z0-9_\-]{38}|y0_[A-Za-z0-9_\-]{55}"
            )
        ),
        E,
        0,
    )),
    ci(rule(
        "jwt-base64",
        "Base64-encoded JSON Web Token",
        &["ZXlKaGJHY2lPaU"],
        concat!(b64_start!(), r"(ZXlKaGJHY2lPaU[A-Za-z0-9+/]{40,}={0,2})", b64_end!()),
        E,
        4,
    )),
    ci(rule(
        "nuget-config-password",
        "Password in a NuGet.config package source",
        &["cleartextpassword", "key=\"password\""],
        r#"(?i:<add\s+key="(?:ClearText)?Password"\s+value=")([^"]{8,256})""#,
        Check::Generic,
        0,
    )),
    ci(rule(
        "curl-auth-header",
        "Credential in a curl command's Authorization or API-key header",
        &["curl"],
        concat!(
            r#"\bcurl\b[^\r\n]*?\s(?:-H|--header)[ =]?["'](?i:authorization:\s{0,5}(?:bearer|token|basic)\s{1,5}"#,
            r#"|(?:x-)?api-?key:\s{0,5}|x-[a-z\-]{1,30}-token:\s{0,5})([A-Za-z0-9._~+/=\-]{8,})["']"#
        ),
        E,
        0,
    )),
    ci(rule(
        "curl-auth-user",
        "Password in a curl command's --user",
        &["curl"],
        r#"\bcurl\b[^\r\n]*?\s(?:-u|--user)[ =]?["']?[^\s:"'$]{1,64}:([^\s"']{3,})"#,
        Check::ConnectionPassword,
        0,
    )),
    // ---- A vendor's name next to a value of its format ---------------------
    ci(rule(
        "adafruit-api-key",
        "Adafruit IO key",
        &["aio_", "adafruit"],
        concat!(r"\b(aio_[A-Za-z0-9]{28})", end!(), "|", near!("adafruit", "[A-Za-z0-9_\\-]{32}")),
        E,
        4,
    )),
    ci(rule(
        "adobe-client-id",
        "Adobe OAuth client id (an identifier reported on its own)",
        &["adobe"],
        near!("adobe", "[a-fA-F0-9]{32}"),
        E,
        0,
    )),
    ci(rule(
        "airtable-api-key",
        "Airtable personal access token or legacy API key",
        &["airtable"],
        near!("airtable", r"pat[A-Za-z0-9]{14}\.[a-fA-F0-9]{64}|[A-Za-z0-9]{17}"),
        E,
        0,
    )),
    ci(rule("algolia-api-key", "Algolia API key", &["algolia"], near!("algolia", "[A-Za-z0-9]{32}"), E, 0)),
    ci(rule(
        "alibaba-access-key-secret",
        "Alibaba Cloud AccessKey secret",
        &["alibaba", "aliyun"],
        near!("alibaba|aliyun", "[A-Za-z0-9]{30}"),
        E,
        0,
    )),
    ci(rule(
        "asana-credential",
        "Asana personal access token, client secret or client id",
        &["asana"],
        near!("asana", "[0-9]/[0-9]{10,20}(?:/[0-9]{10,20})?:[A-Za-z0-9]{32}|[A-Za-z0-9]{32}|[0-9]{16}"),
        E_LOW,
        0,
    )),
    ci(rule("beamer-api-token", "Beamer API key", &["beamer"], near!("beamer", r"b_[A-Za-z0-9=_\-]{44}"), E, 0)),
    ci(rule(
        "bitbucket-credential",
        "Bitbucket app password, client secret or client id",
        &["ATBB", "bitbucket"],
        concat!(
            r"\b(ATBB[A-Za-z0-9_=.\-]{28,60})",
            end!(),
            "|",
            near!("bitbucket", r"[A-Za-z0-9=_\-]{64}|[A-Za-z0-9]{32}")
        ),
        E,
        4,
    )),
    ci(rule("bittrex-api-key", "Bittrex API key or secret", &["bittrex"], near!("bittrex", "[A-Za-z0-9]{32}"), E, 0)),
    ci(rule("cisco-meraki-api-key", "Cisco Meraki API key", &["meraki"], near!("meraki", "[a-fA-F0-9]{40}"), E, 0)),
    ci(rule(
        "cloudflare-api-key",
        "Cloudflare API token, global API key or origin CA key",
        &["cloudflare", "v1.0-"],
        concat!(
            r"\b(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})",
            end!(),
            "|",
            near!("cloudflare", r"[A-Za-z0-9_\-]{40}|[a-fA-F0-9]{37}")
        ),
        E,
        0,
    )),
    ci(rule(
        "codecov-access-token",
        "Codecov upload or API token",
        &["codecov"],
        near!("codecov", concat!(uuid!(), "|[A-Za-z0-9]{32}")),
        E,
        0,
    )),
    ci(rule(
        "cohere-api-key",
        "Cohere API key",
        &["cohere", "co_api_key"],
        near!("cohere|co_api_key", "[A-Za-z0-9]{40}"),
        Check::Entropy(4.0),
        0,
    )),
    ci(rule(
        "coinbase-access-token",
        "Coinbase access token",
        &["coinbase"],
        near!("coinbase", r"[A-Za-z0-9_\-]{64}"),
        E,
        0,
    )),
    ci(rule(
        "confluent-api-key",
        "Confluent Cloud API key or secret",
        &["confluent"],
        near!("confluent", "[A-Za-z0-9+/]{64}|[A-Za-z0-9]{16}"),
        E,
        0,
    )),
    ci(rule(
        "contentful-token",
        "Contentful personal access token or delivery API token",
        &["CFPAT-", "contentful"],
        concat!(r"\b(CFPAT-[A-Za-z0-9_\-]{43})", end!(), "|", near!("contentful", r"[A-Za-z0-9=_\-]{43}")),
        E,
        6,
    )),
    ci(rule(
        "datadog-api-key",
        "Datadog API or application key",
        &["datadog", "dd_api_key", "dd_app_key", "dd-api-key", "dd-application-key", "dd_application_key"],
        near!(r"datadog|dd[_\-](?:api|app|application)[_\-]?key", "[A-Za-z0-9]{40}|[a-fA-F0-9]{32}"),
        E,
        0,
    )),
    ci(rule(
        "discord-client-credential",
        "Discord API key, client secret or client id",
        &["discord"],
        near!("discord", r"[a-fA-F0-9]{64}|[A-Za-z0-9_\-]{32}|[0-9]{17,20}"),
        E_LOW,
        0,
    )),
    ci(rule(
        "droneci-access-token",
        "Drone CI access token",
        &["droneci", "drone_token", "drone-token"],
        near!(r"droneci|drone[_\-]token", "[A-Za-z0-9]{32}"),
        E,
        0,
    )),
    ci(rule(
        "dropbox-api-token",
        "Dropbox short-lived, long-lived or app token",
        &["dropbox"],
        near!(
            "dropbox",
            r"sl\.[A-Za-z0-9_=.\-]{130,1400}|[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=\-]{43}|[A-Za-z0-9]{15}"
        ),
        E,
        0,
    )),
    ci(rule("etsy-access-token", "Etsy API key", &["etsy"], near!("etsy", "[A-Za-z0-9]{24}"), E, 0)),
    ci(rule(
        "facebook-token",
        "Facebook (Meta) app access token or app secret",
        &["facebook"],
        concat!(
            r"\b([0-9]{15,16}(?:\||%7[Cc])[A-Za-z0-9_\-]{27,40})",
            end!(),
            "|",
            near!("facebook", "[a-fA-F0-9]{32}")
        ),
        E,
        0,
    )),
    ci(rule("fastly-api-token", "Fastly API token", &["fastly"], near!("fastly", r"[A-Za-z0-9_\-]{32}"), E, 0)),
    ci(rule(
        "finicity-credential",
        "Finicity API token or client secret",
        &["finicity"],
        near!("finicity", "[a-fA-F0-9]{32}|[A-Za-z0-9]{20}"),
        E,
        0,
    )),
    ci(rule("finnhub-access-token", "Finnhub API key", &["finnhub"], near!("finnhub", "[A-Za-z0-9]{20}"), E, 0)),
    ci(rule("flickr-access-token", "Flickr API key", &["flickr"], near!("flickr", "[A-Za-z0-9]{32}"), E, 0)),
    ci(rule(
        "freshbooks-access-token",
        "FreshBooks access token",
        &["freshbooks"],
        near!("freshbooks", "[A-Za-z0-9]{64}"),
        E,
        0,
    )),
    ci(rule("gitter-access-token", "Gitter access token", &["gitter"], near!("gitter", r"[A-Za-z0-9_\-]{40}"), E, 0)),
    ci(rule(
        "gocardless-api-token",
        "GoCardless access token",
        &["gocardless"],
        near!("gocardless", r"(?:live|sandbox)_[A-Za-z0-9_=\-]{40}"),
        E,
        0,
    )),
    ci(rule(
        "intercom-api-key",
        "Intercom access token",
        &["intercom"],
        near!("intercom", r"[A-Za-z0-9=_\-]{60}"),
        E,
        0,
    )),
    ci(rule(
        "jfrog-api-key",
        "JFrog API key or identity token",
        &["jfrog", "artifactory", "bintray", "xray"],
        near!("jfrog|artifactory|bintray|xray", "[A-Za-z0-9]{73}|[A-Za-z0-9]{64}"),
        E,
        0,
    )),
    ci(rule(
        "kraken-access-token",
        "Kraken API key or private key",
        &["kraken"],
        near!("kraken", r"[A-Za-z0-9/=_+\-]{80,90}"),
        E,
        0,
    )),
    ci(rule(
        "kucoin-credential",
        "KuCoin API key or secret",
        &["kucoin"],
        near!("kucoin", concat!(uuid!(), "|[a-fA-F0-9]{24}")),
        E,
        0,
    )),
    ci(rule(
        "launchdarkly-access-token",
        "LaunchDarkly access token or SDK key",
        &["launchdarkly"],
        near!("launchdarkly", concat!("(?:api|sdk|mob)-", uuid!(), r"|[A-Za-z0-9=_\-]{40}")),
        E,
        0,
    )),
    ci(rule(
        "linkedin-client-credential",
        "LinkedIn client secret or client id",
        &["linkedin", "linked_in", "linked-in"],
        near!(r"linked[_\-]?in", "[A-Za-z0-9]{16}|[A-Za-z0-9]{14}"),
        E,
        0,
    )),
    rule(
        "lob-api-key",
        "Lob API key (secret or publishable)",
        &["live_", "test_"],
        near!("lob", r"(?:live|test)_(?:pub_)?[a-fA-F0-9]{31,35}"),
        E,
        0,
    ),
    ci(rule(
        "mailgun-api-key",
        "Mailgun private API key, public validation key or webhook signing key",
        &["mailgun"],
        near!("mailgun", "(?:pub)?key-[a-fA-F0-9]{32}|[a-hA-H0-9]{32}-[a-hA-H0-9]{8}-[a-hA-H0-9]{8}"),
        E,
        0,
    )),
    ci(rule(
        "mattermost-access-token",
        "Mattermost access token",
        &["mattermost"],
        near!("mattermost", "[A-Za-z0-9]{26}"),
        E,
        0,
    )),
    ci(rule(
        "messagebird-credential",
        "MessageBird API key or client id",
        &["messagebird", "message_bird", "message-bird"],
        near!(r"message[_\-]?bird", concat!(uuid!(), "|[A-Za-z0-9]{25}")),
        E,
        0,
    )),
    ci(rule(
        "netlify-access-token",
        "Netlify personal access token",
        &["nfp_", "netlify"],
        concat!(r"\b(nfp_[A-Za-z0-9]{36})", end!(), "|", near!("netlify", r"[A-Za-z0-9=_\-]{40,46}")),
        E,
        4,
    )),
    ci(rule(
        "nytimes-access-token",
        "New York Times API key",
        &["nytimes", "newyorktimes", "new-york-times"],
        near!(r"nytimes|new-?york-?times", r"[A-Za-z0-9=_\-]{32}"),
        E,
        0,
    )),
    ci(rule(
        "okta-access-token",
        "Okta API token",
        &["okta"],
        near!("okta", r"00[A-Za-z0-9_=\-]{40}"),
        Check::Entropy(4.0),
        0,
    )),
    ci(rule(
        "plaid-credential",
        "Plaid access token, secret or client id",
        &["plaid"],
        near!(
            "plaid",
            concat!("access-(?:sandbox|development|production)-", uuid!(), "|[A-Za-z0-9]{30}|[A-Za-z0-9]{24}")
        ),
        Check::Entropy(3.5),
        0,
    )),
    ci(rule(
        "privateai-api-token",
        "Private AI API key",
        &["privateai", "private_ai", "private-ai"],
        near!(r"private[_\-]?ai", "[A-Za-z0-9]{32}"),
        E,
        0,
    )),
    ci(rule("rapidapi-access-token", "RapidAPI key", &["rapidapi"], near!("rapidapi", r"[A-Za-z0-9_\-]{50}"), E, 0)),
    ci(rule(
        "sendbird-credential",
        "Sendbird API token or application id",
        &["sendbird"],
        near!("sendbird", concat!(uuid!(), "|[a-fA-F0-9]{40}")),
        E,
        0,
    )),
    ci(rule("squarespace-access-token", "Squarespace API key", &["squarespace"], near!("squarespace", uuid!()), E, 0)),
    ci(rule(
        "sumologic-access-id",
        "Sumo Logic access id (an identifier reported on its own)",
        &["sumo"],
        near!("sumo", "su[A-Za-z0-9]{12}"),
        E,
        0,
    )),
    ci(rule("sumologic-access-key", "Sumo Logic access key", &["sumo"], near!("sumo", "[A-Za-z0-9]{64}"), E, 0)),
    ci(rule(
        "snyk-api-token",
        "Snyk API token",
        &["snyk"],
        near!(r"snyk[_.\-]?(?:(?:api|oauth)[_.\-]?)?(?:key|token)", uuid!()),
        E,
        0,
    )),
    ci(rule("travisci-access-token", "Travis CI access token", &["travis"], near!("travis", "[A-Za-z0-9]{22}"), E, 0)),
    ci(rule("twitch-api-token", "Twitch API token", &["twitch"], near!("twitch", "[A-Za-z0-9]{30}"), E, 0)),
    ci(rule("zendesk-secret-key", "Zendesk API token", &["zendesk"], near!("zendesk", "[A-Za-z0-9]{40}"), E, 0)),
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
