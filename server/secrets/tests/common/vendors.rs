//! Cases for the vendor rules (those mapped from gitleaks' default
//! configuration, see docs/secrets.md): one or more positives per rule,
//! values built at run time from pieces, and hard negatives: placeholders,
//! wrong lengths, environment references, and values of the right shape
//! without the vendor's name.

use super::*;

pub const LOWER_ALNUM: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
pub const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub const UPPER_HEX: &str = "0123456789ABCDEF";

/// A random (version-4 shaped) UUID.
pub fn uuid(seed: u64) -> String {
    let h = fake(HEX, 32, seed);
    format!("{}-{}-4{}-a{}-{}", &h[..8], &h[8..12], &h[13..16], &h[17..20], &h[20..])
}

/// (rule, text, secret) for every vendor rule.
pub fn vendor_positives() -> Vec<(&'static str, String, String)> {
    let mut cases: Vec<(&'static str, String, String)> = Vec::new();
    let mut add = |rule: &'static str, text: String, secret: String| {
        assert!(text.contains(&secret), "{rule}: {secret} not in {text}");
        cases.push((rule, text, secret));
    };
    let mut seed = 1000u64;
    let mut f = |alphabet: &str, n: usize| {
        seed += 1;
        fake(alphabet, n, seed)
    };

    // ---- prefixed tokens ----
    let v = format!(
        "A3-{}-{}-{}-{}-{}",
        f(UPPER_DIGITS, 6),
        f(UPPER_DIGITS, 11),
        f(UPPER_DIGITS, 5),
        f(UPPER_DIGITS, 5),
        f(UPPER_DIGITS, 5)
    );
    add("1password-secret-key", format!("const opKey = \"{v}\";\n"), v);
    let v = format!("ops_eyJ{}", f(B64, 300));
    add("1password-service-account-token", format!("OP_SERVICE_ACCOUNT_TOKEN={v}\n"), v);
    let v = format!("p8e-{}", f(ALNUM, 32));
    add("adobe-client-secret", format!("clientSecret: \"{v}\",\n"), v);
    let v = format!("AGE-SECRET-KEY-1{}", f("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58));
    add("age-secret-key", format!("# created: 2024-01-01\n{v}\n"), v);
    let v = format!("LTAI{}", f(ALNUM, 20));
    add("alibaba-access-key-id", format!("accessKeyId: '{v}',\n"), v);
    let v = format!("AKCp{}", f(ALNUM, 69));
    add("artifactory-token", format!("ARTIFACTORY_KEY={v}\n"), v);
    let v = format!("cmVmd{}", f(ALNUM, 59));
    add("artifactory-token", format!("const ref = `{v}`\n"), v);
    let v = format!("ATATT3{}", f(URLSAFE, 186));
    add("atlassian-api-token", format!("auth: \"{v}\",\n"), v);
    let v = f(ALNUM, 24);
    add("atlassian-api-token", format!("JIRA_API_TOKEN={v}\n"), v);
    let v = format!("sc_{}.{}.acc_{}.{}", f(LOWER_ALNUM, 12), f(LOWER_ALNUM, 5), f(LOWER_ALNUM, 16), f(B64, 60));
    add("authress-access-key", format!("const key = \"{v}\"\n"), v);
    let v = format!("{}{}Q~{}", f(ALNUM, 3), f(DIGITS, 1), f(URLSAFE, 34).replace('-', "."));
    add("azure-ad-client-secret", format!("clientSecret: \"{v}\",\n"), v);
    let v = format!("4b1d{}", f(ALNUM, 38));
    add("clickhouse-api-secret", format!("const chKey = '{v}'\n"), v);
    let v = format!("CLOJARS_{}", f(LOWER_ALNUM, 60));
    add("clojars-api-token", format!("deploy-token {v}\n"), v);
    let v = format!("dapi{}", f(HEX, 32));
    add("databricks-api-token", format!("DATABRICKS_TOKEN={v}\n"), v);
    let v = format!("dnkey-{}-{}", f(ALNUM, 26), f(ALNUM, 52));
    add("defined-networking-api-token", format!("token = \"{v}\"\n"), v);
    for p in ["dop_v1_", "doo_v1_", "dor_v1_"] {
        let v = format!("{p}{}", f(HEX, 64));
        add("digitalocean-token", format!("const doToken = \"{v}\"\n"), v);
    }
    let v = format!("dp.pt.{}", f(ALNUM, 43));
    add("doppler-token", format!("DOPPLER_TOKEN={v}\n"), v);
    let v = format!("dp.st.prd.{}", f(ALNUM, 43));
    add("doppler-token", format!("DOPPLER_TOKEN=\"{v}\"\n"), v);
    let v = format!("duffel_test_{}", f(URLSAFE, 43));
    add("duffel-api-token", format!("new Duffel({{ token: '{v}' }})\n"), v);
    let v = format!("dt0c01.{}.{}", f(UPPER_DIGITS, 24), f(UPPER_DIGITS, 64));
    add("dynatrace-api-token", format!("DT_API_TOKEN={v}\n"), v);
    let v = format!("EZAK{}", f(ALNUM, 54));
    add("easypost-api-token", format!("new EasyPost('{v}')\n"), v);
    let v = format!("EAAM{}", f(ALNUM, 160));
    add("facebook-page-access-token", format!("pageToken: \"{v}\",\n"), v);
    let v = format!("FLWSECK_TEST-{}-X", f("abcdefgh0123456789", 32));
    add("flutterwave-key", format!("FLW_SECRET_KEY={v}\n"), v);
    let v = format!("fm2_{}", f(B64, 180));
    add("flyio-access-token", format!("FLY_API_TOKEN=\"FlyV1 {v}\"\n"), v);
    let v = format!("fio-u-{}", f(URLSAFE, 64));
    add("frameio-api-token", format!("const frameio = \"{v}\"\n"), v);
    for (p, n) in [("glrt-", 20), ("gldt-", 20), ("glptt-", 0), ("glft-", 20), ("gloas-", 64)] {
        let v = if n == 0 { format!("{p}{}", f(HEX, 40)) } else { format!("{p}{}", f(ALNUM, n)) };
        add("gitlab-token", format!("token: {v}\n"), v);
    }
    let v = format!("GR1348941{}", f(ALNUM, 20));
    add("gitlab-token", format!("registration-token = \"{v}\"\n"), v);
    let v = f(LOWER_ALNUM, 32);
    add("gitlab-token", format!("Cookie: _gitlab_session={v}\n"), v);
    let v = format!("glsa_{}_{}", f(ALNUM, 32), f(HEX, 8));
    add("grafana-token", format!("GRAFANA_SA_TOKEN={v}\n"), v);
    let v = format!("glc_{}", f(B64, 120));
    add("grafana-token", format!("const grafana = \"{v}\"\n"), v);
    let v = format!("pat.{}.{}.{}", f(URLSAFE, 22), f(ALNUM, 24), f(ALNUM, 20));
    add("harness-api-key", format!("x-api-key: {v}\n"), v);
    let v = format!("{}.atlasv1.{}", f(ALNUM, 14), f(URLSAFE, 67));
    add("hashicorp-tf-api-token", format!("credentials \"app.terraform.io\" {{ token = \"{v}\" }}\n"), v);
    let v = format!("HRKU-AA{}", f(URLSAFE, 58));
    add("heroku-api-key", format!("HEROKU_API_KEY={v}\n"), v);
    let v = uuid(f(DIGITS, 1).len() as u64 + 77);
    add("heroku-api-key", format!("const herokuApiKey = \"{v}\"\n"), v);
    let v = format!("pat-na1-{}", uuid(78));
    add("hubspot-api-key", format!("accessToken: '{v}',\n"), v);
    let v = uuid(79).to_uppercase();
    add("hubspot-api-key", format!("HUBSPOT_API_KEY={v}\n"), v);
    let v = format!("hf_{}", f(LETTERS, 34));
    add("huggingface-token", format!("HF_TOKEN={v}\n"), v);
    let v = format!("api_org_{}", f(LETTERS, 34));
    add("huggingface-token", format!("use_auth_token=\"{v}\"\n"), v);
    let v = format!("ico-{}", f(ALNUM, 32));
    add("infracost-api-token", format!("INFRACOST_API_KEY={v}\n"), v);
    let v = format!("s-s4t2ud-{}", f(HEX, 64));
    add("intra42-client-secret", format!("const intraSecret = \"{v}\"\n"), v);
    let v = format!("lin_api_{}", f(ALNUM, 40));
    add("linear-api-key", format!("new LinearClient({{ apiKey: \"{v}\" }})\n"), v);
    let v = f(HEX, 32);
    add("linear-api-key", format!("LINEAR_CLIENT_SECRET={v}\n"), v);
    let v = format!("{}-us{}", f(HEX, 32), f(DIGITS, 2));
    add("mailchimp-api-key", format!("mailchimp.setConfig({{ apiKey: \"{v}\" }})\n"), v);
    let v = format!("sk.eyJ1{}.{}", f(URLSAFE, 80), f(URLSAFE, 22));
    add("mapbox-token", format!("const t = \"{v}\"\n"), v);
    let v = format!("pk.eyJ1{}.{}", f(URLSAFE, 80), f(URLSAFE, 22));
    add("mapbox-token", format!("mapboxgl.accessToken = '{v}';\n"), v);
    let v = format!("{}_{}_mmk", f(ALNUM, 6), f(ALNUM, 29));
    add("maxmind-license-key", format!("MAXMIND_LICENSE_KEY={v}\n"), v);
    let v = format!("{}@{}/IncomingWebhook/{}/{}", uuid(80), uuid(81), f(HEX, 32), uuid(82));
    add("microsoft-teams-webhook", format!("url: \"https://acme.webhook.office.com/webhookb2/{v}\"\n"), v);
    let v = format!("NRAK-{}", f(UPPER_DIGITS, 27));
    add("new-relic-key", format!("NEW_RELIC_API_KEY={v}\n"), v);
    let v = format!("NRJS-{}", f(HEX, 19));
    add("new-relic-key", format!("licenseKey: '{v}',\n"), v);
    let v = format!("ntn_{}{}", f(DIGITS, 11), f(ALNUM, 35));
    add("notion-api-token", format!("new Client({{ auth: \"{v}\" }})\n"), v);
    let v = format!("API-{}", f(UPPER_DIGITS, 26));
    add("octopus-deploy-api-key", format!("OCTOPUS_API_KEY={v}\n"), v);
    let v = format!("sha256~{}", f(URLSAFE, 43));
    add("openshift-user-token", format!("oc login --token={v} --server=https://api.example:6443\n"), v);
    let v = format!("pplx-{}", f(ALNUM, 48));
    add("perplexity-api-key", format!("PPLX_API_KEY={v}\n"), v);
    let v = format!("pscale_pw_{}", f(URLSAFE, 43));
    add("planetscale-token", format!("DATABASE_PASSWORD={v}\n"), v);
    let v = format!("PMAK-{}-{}", f(HEX, 24), f(HEX, 34));
    add("postman-api-token", format!("X-Api-Key: {v}\n"), v);
    let v = format!("pnu_{}", f(ALNUM, 36));
    add("prefect-api-token", format!("PREFECT_API_KEY={v}\n"), v);
    let v = format!("pul-{}", f(HEX, 40));
    add("pulumi-access-token", format!("PULUMI_ACCESS_TOKEN={v}\n"), v);
    let v = format!("rdme_{}", f(LOWER_ALNUM, 70));
    add("readme-api-token", format!("const readme = \"{v}\"\n"), v);
    let v = format!("rubygems_{}", f(HEX, 48));
    add("rubygems-api-token", format!(":rubygems_api_key: {v}\n"), v);
    let v = format!("tk-us-{}", f(URLSAFE, 48));
    add("scalingo-api-token", format!("SCALINGO_API_TOKEN={v}\n"), v);
    let v = format!("xkeysib-{}-{}", f(HEX, 64), f(ALNUM, 16));
    add("sendinblue-api-key", format!("BREVO_API_KEY={v}\n"), v);
    let v = format!("sntryu_{}", f(HEX, 64));
    add("sentry-token", format!("SENTRY_AUTH_TOKEN={v}\n"), v);
    let v = f(HEX, 64);
    add("sentry-token", format!("const sentryAuthToken = \"{v}\"\n"), v);
    let v = format!("sm_pat_{}", f(ALNUM, 16));
    add("settlemint-token", format!("SETTLEMINT_TOKEN={v}\n"), v);
    let v = format!("shippo_live_{}", f(HEX, 40));
    add("shippo-api-token", format!("const shippo = new Shippo('{v}')\n"), v);
    for p in ["shpat_", "shpss_"] {
        let v = format!("{p}{}", f(HEX, 32));
        add("shopify-token", format!("accessToken: \"{v}\",\n"), v);
    }
    let v = format!("{}:{}", f(HEX, 8), f(HEX, 8));
    add("sidekiq-secret", format!("BUNDLE_GEMS__CONTRIBSYS__COM={v}\n"), v);
    let v = format!("{}:{}", f(HEX, 8), f(HEX, 8));
    add("sidekiq-secret", format!("source \"https://{v}@gems.contribsys.com/\"\n"), v);
    let v = format!("xapp-1-A{}-{}-{}", f(UPPER_DIGITS, 10), f(DIGITS, 13), f(HEX, 64));
    add("slack-app-token", format!("SLACK_APP_TOKEN={v}\n"), v);
    let v = format!("squ_{}", f(HEX, 40));
    add("sonar-token", format!("SONAR_TOKEN={v}\n"), v);
    let v = f(URLSAFE, 40);
    add("sonar-token", format!("sonar.login={v}\n"), v);
    let v = format!("sgp_{}_{}", f(HEX, 16), f(HEX, 40));
    add("sourcegraph-access-token", format!("SRC_ACCESS_TOKEN={v}\n"), v);
    let v = format!("tfp_{}", f(URLSAFE, 59));
    add("typeform-api-token", format!("TYPEFORM_TOKEN={v}\n"), v);
    let v = format!("{}{}", "A".repeat(22), f(ALNUM, 90));
    add("twitter-token", format!("const bearer = \"{v}\"\n"), v);
    let v = format!("{}-{}", f(DIGITS, 19), f(ALNUM, 30));
    add("twitter-token", format!("TWITTER_ACCESS_TOKEN={v}\n"), v);
    let v = f(ALNUM, 50);
    add("twitter-token", format!("twitterApiSecret: \"{v}\",\n"), v);
    let v = format!("hvs.{}", f(URLSAFE, 95));
    add("vault-token", format!("VAULT_TOKEN={v}\n"), v);
    let v = format!("s.{}", f(ALNUM, 24));
    add("vault-token", format!("VAULT_TOKEN=\"{v}\"\n"), v);
    let v = format!("AQVN{}", f(URLSAFE, 36));
    add("yandex-token", format!("const key = '{v}'\n"), v);
    let v = format!("YC{}", f(URLSAFE, 38));
    add("yandex-token", format!("YANDEX_SECRET_KEY={v}\n"), v);
    let v = format!("ZXlKaGJHY2lPaU{}", f(B64, 80));
    add("jwt-base64", format!("data: {v}\n"), v);
    // A password may start with `%`: only `%NAME%` is a variable.
    let v = format!("%#{}", f(PASSWORDISH, 14));
    add("generic-secret-assignment", format!("password: \"{v}\",\n"), v);
    let v = f(PASSWORDISH, 16);
    add(
        "nuget-config-password",
        format!("<packageSourceCredentials><feed><add key=\"ClearTextPassword\" value=\"{v}\" /></feed>\n"),
        v,
    );
    let v = f(URLSAFE, 40);
    add("curl-auth-header", format!("curl -s -H \"Authorization: Bearer {v}\" https://api.acme.dev/v1/items\n"), v);
    let v = f(ALNUM, 18);
    add("curl-auth-user", format!("curl -u deploy:{v} https://ci.acme.dev/job/build\n"), v);

    // ---- the vendor's name next to a value ----
    let v = format!("aio_{}", f(ALNUM, 28));
    add("adafruit-api-key", format!("ADAFRUIT_IO_KEY={v}\n"), v);
    let v = f(HEX, 32);
    add("adobe-client-id", format!("ADOBE_CLIENT_ID={v}\n"), v);
    let v = format!("pat{}.{}", f(ALNUM, 14), f(HEX, 64));
    add("airtable-api-key", format!("const airtableToken = \"{v}\"\n"), v);
    let v = f(HEX, 32);
    add("algolia-api-key", format!("algoliaAdminKey: '{v}',\n"), v);
    let v = f(ALNUM, 30);
    add("alibaba-access-key-secret", format!("ALIBABA_CLOUD_ACCESS_KEY_SECRET={v}\n"), v);
    let v = format!("1/{}:{}", f(DIGITS, 16), f(ALNUM, 32));
    add("asana-credential", format!("asanaToken: \"{v}\",\n"), v);
    let v = f(DIGITS, 16);
    add("asana-credential", format!("ASANA_CLIENT_ID={v}\n"), v);
    let v = format!("b_{}", f(URLSAFE, 44));
    add("beamer-api-token", format!("BEAMER_API_KEY={v}\n"), v);
    let v = format!("ATBB{}", f(ALNUM, 32));
    add("bitbucket-credential", format!("password: {v}\n"), v);
    let v = f(ALNUM, 32);
    add("bitbucket-credential", format!("BITBUCKET_CLIENT_ID={v}\n"), v);
    let v = f(ALNUM, 32);
    add("bittrex-api-key", format!("const bittrexSecret = \"{v}\"\n"), v);
    let v = f(HEX, 40);
    add("cisco-meraki-api-key", format!("MERAKI_DASHBOARD_API_KEY={v}\n"), v);
    let v = f(URLSAFE, 40);
    add("cloudflare-api-key", format!("CLOUDFLARE_API_TOKEN={v}\n"), v);
    let v = format!("v1.0-{}-{}", f(HEX, 24), f(HEX, 146));
    add("cloudflare-api-key", format!("origin_ca_key = \"{v}\"\n"), v);
    let v = uuid(83);
    add("codecov-access-token", format!("CODECOV_TOKEN={v}\n"), v);
    let v = f(ALNUM, 40);
    add("cohere-api-key", format!("CO_API_KEY={v}\n"), v);
    let v = f(URLSAFE, 64);
    add("coinbase-access-token", format!("coinbaseAccessToken: \"{v}\",\n"), v);
    let v = f(ALNUM, 16);
    add("confluent-api-key", format!("CONFLUENT_CLOUD_API_KEY={v}\n"), v);
    let v = f(B64, 64);
    add("confluent-api-key", format!("confluentApiSecret: \"{v}\",\n"), v);
    let v = format!("CFPAT-{}", f(URLSAFE, 43));
    add("contentful-token", format!("const cma = \"{v}\"\n"), v);
    let v = f(URLSAFE, 43);
    add("contentful-token", format!("CONTENTFUL_DELIVERY_TOKEN={v}\n"), v);
    let v = f(HEX, 32);
    add("datadog-api-key", format!("DD_API_KEY={v}\n"), v);
    let v = f(HEX, 40);
    add("datadog-api-key", format!("process.env.DATADOG_APP_KEY ??= \"{v}\"\n"), v);
    let v = f(DIGITS, 18);
    add("discord-client-credential", format!("DISCORD_CLIENT_ID={v}\n"), v);
    let v = f(URLSAFE, 32);
    add("discord-client-credential", format!("discordClientSecret: '{v}',\n"), v);
    let v = f(ALNUM, 32);
    add("droneci-access-token", format!("DRONE_TOKEN={v}\n"), v);
    let v = format!("sl.{}", f(URLSAFE, 140));
    add("dropbox-api-token", format!("const dropboxToken = \"{v}\"\n"), v);
    let v = f(ALNUM, 24);
    add("etsy-access-token", format!("ETSY_API_KEY={v}\n"), v);
    let v = format!("{}|{}", f(DIGITS, 15), f(URLSAFE, 27));
    add("facebook-token", format!("facebookAppToken: \"{v}\",\n"), v);
    let v = f(HEX, 32);
    add("facebook-token", format!("FACEBOOK_APP_SECRET={v}\n"), v);
    let v = f(URLSAFE, 32);
    add("fastly-api-token", format!("FASTLY_API_TOKEN={v}\n"), v);
    let v = f(ALNUM, 20);
    add("finicity-credential", format!("finicitySecret: \"{v}\",\n"), v);
    let v = f(ALNUM, 20);
    add("finnhub-access-token", format!("FINNHUB_KEY={v}\n"), v);
    let v = f(ALNUM, 32);
    add("flickr-access-token", format!("const flickrKey = '{v}'\n"), v);
    let v = f(ALNUM, 64);
    add("freshbooks-access-token", format!("FRESHBOOKS_TOKEN={v}\n"), v);
    let v = f(URLSAFE, 40);
    add("gitter-access-token", format!("GITTER_TOKEN={v}\n"), v);
    let v = format!("live_{}", f(URLSAFE, 40));
    add("gocardless-api-token", format!("GOCARDLESS_ACCESS_TOKEN={v}\n"), v);
    let v = f(URLSAFE, 60);
    add("intercom-api-key", format!("INTERCOM_ACCESS_TOKEN={v}\n"), v);
    let v = f(ALNUM, 73);
    add("jfrog-api-key", format!("JFROG_API_KEY={v}\n"), v);
    let v = f(B64, 88);
    add("kraken-access-token", format!("KRAKEN_PRIVATE_KEY={v}\n"), v);
    let v = uuid(84);
    add("kucoin-credential", format!("kucoinApiSecret: \"{v}\",\n"), v);
    let v = format!("api-{}", uuid(85));
    add("launchdarkly-access-token", format!("LAUNCHDARKLY_ACCESS_TOKEN={v}\n"), v);
    let v = f(ALNUM, 16);
    add("linkedin-client-credential", format!("LINKEDIN_CLIENT_SECRET={v}\n"), v);
    let v = format!("live_{}", f(HEX, 35));
    add("lob-api-key", format!("LOB_API_KEY={v}\n"), v);
    let v = format!("key-{}", f(HEX, 32));
    add("mailgun-api-key", format!("MAILGUN_API_KEY={v}\n"), v);
    let v = f(LOWER_ALNUM, 26);
    add("mattermost-access-token", format!("MATTERMOST_TOKEN={v}\n"), v);
    let v = f(ALNUM, 25);
    add("messagebird-credential", format!("MESSAGEBIRD_API_KEY={v}\n"), v);
    let v = format!("nfp_{}", f(ALNUM, 36));
    add("netlify-access-token", format!("NETLIFY_AUTH_TOKEN={v}\n"), v);
    let v = f(URLSAFE, 43);
    add("netlify-access-token", format!("const netlifyToken = \"{v}\"\n"), v);
    let v = f(ALNUM, 32);
    add("nytimes-access-token", format!("NYTIMES_API_KEY={v}\n"), v);
    let v = format!("00{}", f(URLSAFE, 40));
    add("okta-access-token", format!("OKTA_API_TOKEN={v}\n"), v);
    let v = format!("access-sandbox-{}", uuid(86));
    add("plaid-credential", format!("plaidAccessToken: \"{v}\",\n"), v);
    let v = f(LOWER_ALNUM, 30);
    add("plaid-credential", format!("PLAID_SECRET={v}\n"), v);
    let v = f(ALNUM, 32);
    add("privateai-api-token", format!("PRIVATE_AI_API_KEY={v}\n"), v);
    let v = f(URLSAFE, 50);
    add("rapidapi-access-token", format!("'X-RapidAPI-Key': '{v}',\n"), v);
    let v = f(HEX, 40);
    add("sendbird-credential", format!("SENDBIRD_API_TOKEN={v}\n"), v);
    let v = uuid(87);
    add("squarespace-access-token", format!("SQUARESPACE_API_KEY={v}\n"), v);
    let v = format!("su{}", f(ALNUM, 12));
    add("sumologic-access-id", format!("SUMO_ACCESS_ID={v}\n"), v);
    let v = f(ALNUM, 64);
    add("sumologic-access-key", format!("SUMO_ACCESS_KEY={v}\n"), v);
    let v = uuid(88);
    add("snyk-api-token", format!("SNYK_TOKEN={v}\n"), v);
    let v = f(ALNUM, 22);
    add("travisci-access-token", format!("TRAVIS_API_TOKEN={v}\n"), v);
    let v = f(LOWER_ALNUM, 30);
    add("twitch-api-token", format!("twitchClientSecret: \"{v}\",\n"), v);
    let v = f(ALNUM, 40);
    add("zendesk-secret-key", format!("ZENDESK_API_TOKEN={v}\n"), v);

    // ---- existing rules, new forms ----
    let v = format!("glpat-{}.01{}", f(URLSAFE, 27), f(LOWER_ALNUM, 7));
    add("gitlab-pat", format!("GITLAB_TOKEN={v}\n"), v);
    let v = format!("xoxe.xoxp-1-{}", f(ALNUM, 164));
    add("slack-token", format!("SLACK_CONFIG_TOKEN={v}\n"), v);
    cases
}

/// Lines that look like a vendor credential but are not one.
pub fn vendor_negatives() -> Vec<String> {
    let hex32 = fake(HEX, 32, 2001);
    let hex40 = fake(HEX, 40, 2002);
    let hex64 = fake(HEX, 64, 2003);
    let id = uuid(2004);
    vec![
        // Right shape, no vendor name: hashes and ids under ordinary names.
        format!("commit: \"{hex40}\",\n"),
        format!("const contentHash = \"{hex64}\"\n"),
        format!("etag: \"{hex32}\",\n"),
        format!("requestId: \"{id}\",\n"),
        format!("const build = \"{}\"\n", fake(ALNUM, 40, 2005)),
        // The vendor's name without an assignment of a value.
        "import { datadogRum } from \"@datadog/browser-rum\";\n".to_owned(),
        format!("// Heroku release {id} deployed\n"),
        "background: linear-gradient(90deg, #ffffff 0%, #000000 100%);\n".to_owned(),
        "transition: opacity 200ms linear;\n".to_owned(),
        // Sentry DSNs and releases are public.
        format!("sentryDsn: \"https://{hex32}@o12345.ingest.sentry.io/67890\",\n"),
        format!("sentryRelease: \"{hex40}\",\n"),
        // The vendor's name, the wrong length.
        format!("DD_API_KEY={}\n", fake(HEX, 31, 2006)),
        format!("HEROKU_APP_NAME=my-app-{}\n", fake(LOWER_ALNUM, 6, 2007)),
        // Placeholders, templates and environment references.
        "DATADOG_API_KEY=<your-datadog-api-key>\n".to_owned(),
        "HEROKU_API_KEY=${HEROKU_API_KEY}\n".to_owned(),
        "sentryAuthToken: process.env.SENTRY_AUTH_TOKEN,\n".to_owned(),
        format!("SHOPIFY_TOKEN=shpat_{}\n", "0".repeat(32)),
        format!("HF_TOKEN=hf_{}\n", "x".repeat(34)),
        "DIGITALOCEAN_TOKEN=dop_v1_your_token_here\n".to_owned(),
        format!("dop_v1_{}\n", fake(HEX, 63, 2008)),
        format!("const t = \"hf_{}\"\n", fake(LETTERS, 20, 2009)),
        "from huggingface_hub import hf_hub_download\n".to_owned(),
        // Prefix keywords inside ordinary text.
        "compat.setTimeout(fn); const sat = pat.next();\n".to_owned(),
        "A REST API-compatible client; see API-REFERENCE.md\n".to_owned(),
        "const locales = [\"en-us\", \"en-gb\", \"de-de\"]\n".to_owned(),
        "const kernel = `sha256~short`\n".to_owned(),
        format!("const pad = \"{}BBBB\"\n", "A".repeat(22)),
        "Greeting: Hello Q~ World\n".to_owned(),
        // curl with references and defaults.
        "curl -H \"Authorization: Bearer $TOKEN\" https://api.acme.dev\n".to_owned(),
        "curl -u admin:$PASSWORD https://ci.acme.dev\n".to_owned(),
        "curl -u user:password http://localhost:8080\n".to_owned(),
        "<add key=\"ClearTextPassword\" value=\"%NUGET_PASSWORD%\" />\n".to_owned(),
        // Stripe test keys are not reported (see docs/secrets.md).
        format!("STRIPE_KEY=sk_test_{}\n", fake(ALNUM, 24, 2010)),
        // Vault: a word after `s.`.
        "vault_path = \"s.secretsEngineMountPath\"\n".to_owned(),
    ]
}
