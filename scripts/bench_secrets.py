#!/usr/bin/env python3
"""The secret-scanner figures of issue #5: Specwright against gitleaks and Kingfisher, in one run.

Run by scripts/bench-secrets, which fetches effect@3.22.4 (npm pack), installs gitleaks 8.30.1 and
Kingfisher 2.14.0 in a virtual environment and builds the release binary. This program:

1. builds a labelled corpus, deterministically from --seed: every TypeScript file of the package
   (src/ and dist/dts/) copied to WORK/corpus/, with fake credentials of 60 kinds planted at random
   lines of random files in forms that TypeScript code and .env files use, and hard negatives
   (hex digests, UUIDs, lockfile integrity strings, base64 data-URI images, documentation
   fixtures, environment references, templates) planted the same way; the labels go to
   WORK/labels.json;
2. runs the three scanners over the same directory as whole processes (one warm-up run each, then
   --runs timed runs; median wall time);
3. scores them: a planted secret is found when the tool reports a finding on its file and line
   (any line of a PEM block); every other finding is a false positive, counted once per
   (file, line), split into hard-negative lines and the rest (the real effect source);
4. prints one Markdown table (and per-kind recall).

The credential values are generated at run time: no token-shaped literal is in this file.
"""

import argparse
import base64
import json
import os
import random
import resource
import shutil
import statistics
import string
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
BASE32 = string.ascii_uppercase + "234567"
PASSWORDISH = ALNUM + "!#%^*-_+=~@"


def j(*parts):
    """Joins prefixes written in pieces, so that this file holds no token-shaped literal."""
    return "".join(parts)


class Gen:
    """Fake credential values and the lines that carry them, from one seeded generator."""

    def __init__(self, rng):
        self.r = rng

    def s(self, alphabet, n):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def pick(self, seq):
        return self.r.choice(seq)

    def b64url(self, raw):
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    # ---- values -------------------------------------------------------------------------------

    def aws_id(self):
        return j("AK", "IA") + self.s(BASE32, 16)

    def aws_secret(self):
        return self.s(B64, 40)

    def github_pat(self):
        return j("gh", "p_") + self.s(ALNUM, 36)

    def github_fine(self):
        return j("github", "_pat_") + self.s(ALNUM, 22) + "_" + self.s(ALNUM, 59)

    def gitlab(self):
        return j("gl", "pat-") + self.s(URLSAFE, 20)

    def npm(self):
        return j("np", "m_") + self.s(ALNUM, 36)

    def pypi(self):
        return j("py", "pi-", "AgEIcHlwaS5vcmc") + self.s(URLSAFE, self.r.randint(140, 180))

    def slack_bot(self):
        return j("xo", "xb-") + self.s(string.digits, 12) + "-" + self.s(string.digits, 13) + "-" + self.s(ALNUM, 24)

    def slack_webhook(self):
        return (
            j("https://hooks", ".slack.com/services/")
            + "T" + self.s(UPPER_DIGITS, 10) + "/B" + self.s(UPPER_DIGITS, 10) + "/" + self.s(ALNUM, 24)
        )

    def stripe(self):
        if self.r.random() < 0.5:
            return j("sk", "_live_") + self.s(ALNUM, 24)
        return j("sk", "_live_", "51") + self.s(ALNUM, 97)

    def openai(self):
        if self.r.random() < 0.7:
            return j("sk", "-proj-") + self.s(URLSAFE, 74) + j("T3Blb", "kFJ") + self.s(URLSAFE, 74)
        return j("sk", "-") + self.s(ALNUM, 20) + j("T3Blb", "kFJ") + self.s(ALNUM, 20)

    def anthropic(self):
        return j("sk", "-ant-", "api03-") + self.s(URLSAFE, 93) + "AA"

    def google(self):
        return j("AI", "zaSy") + self.s(URLSAFE, 33)

    def sendgrid(self):
        return j("S", "G.") + self.s(URLSAFE, 22) + "." + self.s(URLSAFE, 43)

    def twilio(self):
        return j("S", "K") + self.s(HEX, 32)

    def jwt(self):
        header = self.b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        claims = {
            "sub": str(self.r.randint(10**6, 10**9)),
            "name": self.pick(["Ada Lovelace", "Alan Turing", "Grace Hopper", "svc-orders"]),
            "role": self.pick(["admin", "service", "user"]),
            "iat": self.r.randint(1_600_000_000, 1_750_000_000),
        }
        payload = self.b64url(json.dumps(claims, separators=(",", ":")).encode())
        return f"{header}.{payload}.{self.s(URLSAFE, 43)}"

    def password(self):
        return self.s(PASSWORDISH, self.r.randint(14, 24))

    def url_password(self):
        return self.s(ALNUM, self.r.randint(14, 24))

    def api_key(self):
        return self.s(ALNUM, self.pick([32, 40]))

    def pem(self):
        """The lines of a private key block (a template-literal body)."""
        kind, start, lines, width = self.pick(
            [
                ("RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA", 25, 64),
                ("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 26, 64),
                ("EC PRIVATE KEY", "MHcCAQEEI", 3, 64),
                ("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 7, 70),
            ]
        )
        body = start + self.s(B64, width * lines - len(start) - self.r.randint(5, 40))
        if kind != "OPENSSH PRIVATE KEY":
            body += "=" * self.r.randint(0, 2)
        rows = [body[i : i + width] for i in range(0, len(body), width)]
        return [f"-----BEGIN {kind}-----", *rows, f"-----END {kind}-----"]

    # ---- vendor tokens (issue 14) ---------------------------------------------------------------

    def uuid_value(self):
        return self.uuid()

    def slack_app(self):
        return (j("xa", "pp-1-A") + self.s(UPPER_DIGITS, 10) + "-" + self.s(string.digits, 13) + "-"
                + self.s(HEX, 64))

    def stripe_restricted(self):
        return j("rk", "_live_", "51") + self.s(ALNUM, 97)

    def shopify(self):
        return j("shp", self.pick(["at_", "ca_", "pa_", "ss_"])) + self.s(HEX, 32)

    def digitalocean(self):
        return j("do", "p_v1_") + self.s(HEX, 64)

    def databricks(self):
        return j("da", "pi") + self.s(HEX, 32)

    def doppler(self):
        return j("dp", ".pt.") + self.s(ALNUM, 43)

    def huggingface(self):
        return j("h", "f_") + self.s(string.ascii_letters, 34)

    def linear(self):
        return j("lin", "_api_") + self.s(ALNUM, 40)

    def notion(self):
        return j("nt", "n_") + self.s(string.digits, 11) + self.s(ALNUM, 35)

    def postman(self):
        return j("PM", "AK-") + self.s(HEX, 24) + "-" + self.s(HEX, 34)

    def planetscale(self):
        return j("pscale", "_tkn_") + self.s(URLSAFE, 43)

    def pulumi(self):
        return j("pu", "l-") + self.s(HEX, 40)

    def sentry_user(self):
        return j("sntr", "yu_") + self.s(HEX, 64)

    def grafana_sa(self):
        return j("gl", "sa_") + self.s(ALNUM, 32) + "_" + self.s(HEX, 8)

    def new_relic(self):
        return j("NR", "AK-") + self.s(UPPER_DIGITS, 27)

    def heroku_v2(self):
        return j("HR", "KU-AA") + self.s(URLSAFE, 58)

    def gitlab_runner(self):
        return j("gl", "rt-") + self.s(URLSAFE, 20)

    def atlassian(self):
        return j("ATA", "TT3") + self.s(URLSAFE, 178) + "=" + self.s(HEX, 7).upper()

    def mailchimp(self):
        return self.s(HEX, 32) + "-us" + str(self.r.randint(1, 21))

    def vault(self):
        return j("hv", "s.") + self.s(URLSAFE, 95)

    def brevo(self):
        return j("xkey", "sib-") + self.s(HEX, 64) + "-" + self.s(ALNUM, 16)

    def rubygems(self):
        return j("ruby", "gems_") + self.s(HEX, 48)

    def prefect(self):
        return j("pn", "u_") + self.s(ALNUM, 36)

    def alibaba_id(self):
        return j("LT", "AI") + self.s(ALNUM, 20)

    def azure_ad(self):
        return self.s(ALNUM, 3) + self.s(string.digits, 1) + j("Q", "~") + self.s(ALNUM + "_~.-", 34)

    def twitter_bearer(self):
        return "A" * 22 + self.s(ALNUM, 90)

    def hex32(self):
        return self.s(HEX, 32)

    def okta(self):
        return "00" + self.s(ALNUM, 40)

    def urlsafe40(self):
        return self.s(URLSAFE, 40)

    def urlsafe32(self):
        return self.s(URLSAFE, 32)

    def urlsafe43(self):
        return self.s(URLSAFE, 43)

    def alnum40(self):
        return self.s(ALNUM, 40)

    def alnum64(self):
        return self.s(ALNUM, 64)

    def mailgun(self):
        return j("ke", "y-") + self.s(HEX, 32)

    def launchdarkly(self):
        return "sdk-" + self.uuid()

    def hex(self, n):
        return self.s(HEX, n)

    def uuid(self):
        h = self.s(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{self.pick('89ab')}{h[17:20]}-{h[20:]}"

    def integrity(self):
        return "sha512-" + base64.b64encode(self.r.randbytes(64)).decode()

    def data_uri(self):
        if self.r.random() < 0.7:
            raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + self.r.randbytes(self.r.randint(150, 900))
            return "data:image/png;base64," + base64.b64encode(raw).decode()
        raw = b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'>" + self.r.randbytes(200)
        return "data:image/svg+xml;base64," + base64.b64encode(raw).decode()


def const_name(name):
    """`dbPassword` -> `DB_PASSWORD`."""
    out = []
    for c in name:
        if c.isupper() and out:
            out.append("_")
        out.append(c.upper())
    return "".join(out)


# Each secret kind: how its value is made, names a program would give it, and whether it can go in
# a .env file. Names are those real code uses; a few carry no secret-looking word, so that the
# value's shape alone must give it away.
KINDS = {
    "aws-access-key-id": ("aws_id", ["accessKeyId", "awsAccessKeyId"]),
    "aws-secret-access-key": ("aws_secret", ["secretAccessKey", "awsSecretAccessKey"]),
    "github-pat-classic": ("github_pat", ["githubToken", "ghToken", "token", "auth"]),
    "github-pat-fine-grained": ("github_fine", ["githubToken", "token", "ghPat"]),
    "gitlab-pat": ("gitlab", ["gitlabToken", "privateToken", "token"]),
    "npm-token": ("npm", ["npmToken", "authToken", "NODE_AUTH_TOKEN"]),
    "pypi-token": ("pypi", ["pypiToken", "twinePassword", "uploadToken"]),
    "slack-bot-token": ("slack_bot", ["slackToken", "botToken", "token"]),
    "slack-webhook": ("slack_webhook", ["webhookUrl", "slackWebhook", "url"]),
    "stripe-live-secret-key": ("stripe", ["stripeSecretKey", "stripeKey", "apiKey"]),
    "openai-api-key": ("openai", ["openaiApiKey", "apiKey", "key"]),
    "anthropic-api-key": ("anthropic", ["anthropicApiKey", "apiKey"]),
    "google-api-key": ("google", ["apiKey", "mapsKey", "firebaseApiKey"]),
    "sendgrid-api-key": ("sendgrid", ["sendgridApiKey", "apiKey", "sgKey"]),
    "twilio-api-key": ("twilio", ["twilioApiKey", "apiKeySid", "twilioKey"]),
    "jwt": ("jwt", ["accessToken", "jwt", "idToken", "bearer"]),
    "postgres-url-password": ("postgres", ["databaseUrl", "connectionString", "pgUrl"]),
    "mongodb-url-password": ("mongodb", ["mongoUri", "mongoUrl", "connectionString"]),
    "generic-password": ("password", ["password", "dbPassword", "adminPassword", "smtpPassword"]),
    "generic-api-key": ("api_key", ["apiKey", "apiSecret", "clientSecret", "authToken"]),
    "private-key-pem": ("pem", ["privateKey", "signingKey", "PRIVATE_KEY"]),
    # Issue 14: vendor tokens with a prefix of their own ...
    "slack-app-token": ("slack_app", ["slackAppToken", "appToken", "socketToken"]),
    "stripe-restricted-key": ("stripe_restricted", ["stripeRestrictedKey", "stripeKey", "apiKey"]),
    "shopify-token": ("shopify", ["shopifyAccessToken", "adminToken", "accessToken"]),
    "digitalocean-pat": ("digitalocean", ["doToken", "digitaloceanToken", "token"]),
    "databricks-token": ("databricks", ["databricksToken", "token", "dbToken"]),
    "doppler-token": ("doppler", ["dopplerToken", "token"]),
    "huggingface-token": ("huggingface", ["hfToken", "huggingfaceToken", "token"]),
    "linear-api-key": ("linear", ["linearApiKey", "apiKey"]),
    "notion-token": ("notion", ["notionToken", "auth", "integrationToken"]),
    "postman-api-key": ("postman", ["postmanApiKey", "apiKey"]),
    "planetscale-token": ("planetscale", ["planetscaleToken", "serviceToken"]),
    "pulumi-token": ("pulumi", ["pulumiAccessToken", "accessToken"]),
    "sentry-user-token": ("sentry_user", ["sentryAuthToken", "authToken"]),
    "grafana-sa-token": ("grafana_sa", ["grafanaToken", "serviceAccountToken"]),
    "new-relic-user-key": ("new_relic", ["newRelicApiKey", "userKey", "apiKey"]),
    "heroku-api-key-v2": ("heroku_v2", ["herokuApiKey", "apiKey"]),
    "gitlab-runner-token": ("gitlab_runner", ["runnerToken", "gitlabRunnerToken", "token"]),
    "atlassian-api-token": ("atlassian", ["atlassianToken", "jiraToken", "apiToken"]),
    "mailchimp-api-key": ("mailchimp", ["mailchimpApiKey", "apiKey", "mcKey"]),
    "vault-token": ("vault", ["vaultToken", "token"]),
    "brevo-api-key": ("brevo", ["brevoApiKey", "sendinblueKey", "apiKey"]),
    "rubygems-api-key": ("rubygems", ["rubygemsApiKey", "gemHostApiKey"]),
    "prefect-api-key": ("prefect", ["prefectApiKey", "apiKey"]),
    "alibaba-access-key-id": ("alibaba_id", ["accessKeyId", "alibabaAccessKeyId"]),
    "azure-ad-client-secret": ("azure_ad", ["clientSecret", "azureClientSecret", "aadSecret"]),
    "twitter-bearer-token": ("twitter_bearer", ["twitterBearerToken", "bearerToken", "xBearer"]),
    # ... and those known by the vendor's name next to a value of its format.
    "datadog-api-key": ("hex32", ["datadogApiKey", "datadogKey"]),
    "heroku-api-key": ("uuid_value", ["herokuApiKey", "herokuToken"]),
    "okta-api-token": ("okta", ["oktaApiToken", "oktaToken"]),
    "algolia-admin-key": ("hex32", ["algoliaAdminKey", "algoliaApiKey"]),
    "snyk-token": ("uuid_value", ["snykToken", "snykApiToken"]),
    "cloudflare-api-token": ("urlsafe40", ["cloudflareApiToken", "cloudflareToken"]),
    "discord-client-secret": ("urlsafe32", ["discordClientSecret", "discordSecret"]),
    "mailgun-api-key": ("mailgun", ["mailgunApiKey", "mailgunKey"]),
    "zendesk-api-token": ("alnum40", ["zendeskApiToken", "zendeskToken"]),
    "sumologic-access-key": ("alnum64", ["sumoAccessKey", "sumologicAccessKey"]),
    "contentful-delivery-token": ("urlsafe43", ["contentfulAccessToken", "contentfulDeliveryToken"]),
    "fastly-api-token": ("urlsafe32", ["fastlyApiToken", "fastlyToken"]),
    "launchdarkly-sdk-key": ("launchdarkly", ["launchdarklySdkKey", "launchdarklyKey"]),
}

# Kinds whose value has no shape of its own: planted only under a name carrying the vendor's name.
CONTEXT_KINDS = {
    "datadog-api-key", "heroku-api-key", "okta-api-token", "algolia-admin-key", "snyk-token", "cloudflare-api-token",
    "discord-client-secret", "mailgun-api-key", "zendesk-api-token", "sumologic-access-key",
    "contentful-delivery-token", "fastly-api-token", "launchdarkly-sdk-key", "twitter-bearer-token",
}


def value_of(g, how):
    if how == "postgres":
        user = g.pick(["app", "app_user", "svc_orders", "analytics"])
        host = g.pick(["db.internal", "prod-db.cluster-c9x.eu-west-1.rds.amazonaws.com", "10.0.3.17"])
        return f"postgres://{user}:{g.url_password()}@{host}:5432/{g.pick(['app', 'orders', 'main'])}"
    if how == "mongodb":
        user = g.pick(["admin", "app", "reporting"])
        return (
            f"mongodb+srv://{user}:{g.url_password()}@cluster0.{g.s(string.ascii_lowercase + string.digits, 5)}"
            f".mongodb.net/{g.pick(['app', 'test', 'shop'])}?retryWrites=true&w=majority"
        )
    return getattr(g, how)()


def code_lines(g, name, value, indent, in_doc, shaped):
    """One planted credential in a form TypeScript code uses. `shaped`: the value has a format of its
    own (a prefix, a URL), so it also appears where no name gives it away."""
    q = g.pick(['"', "'", "`"])
    if in_doc:
        return [f"{indent}* {g.pick(['@example ', ''])}{name}: {value}"]
    forms = [
        f"{indent}const {name} = {q}{value}{q}",
        f"{indent}export const {const_name(name)} = {q}{value}{q}",
        f"{indent}{name}: {q}{value}{q},",
        f'{indent}"{name}": "{value}",',
        f"{indent}// {const_name(name)}={value}",
        f"{indent}const config = {{ {name}: {q}{value}{q} }}",
        f"{indent}process.env.{const_name(name)} ??= {q}{value}{q}",
    ]
    if shaped:
        forms += [f"{indent}const client = new Client({q}{value}{q})", f"{indent}await connect({q}{value}{q}, options)"]
    return [g.pick(forms)]


def aws_pair_lines(g, indent, in_doc, key_id, secret):
    if in_doc:
        return [f"{indent}* accessKeyId: {key_id}", f"{indent}* secretAccessKey: {secret}"]
    return g.pick(
        [
            [f'{indent}accessKeyId: "{key_id}",', f'{indent}secretAccessKey: "{secret}",'],
            [f'{indent}const AWS_ACCESS_KEY_ID = "{key_id}"', f'{indent}const AWS_SECRET_ACCESS_KEY = "{secret}"'],
            [
                f"{indent}const credentials = {{ accessKeyId: '{key_id}',",
                f"{indent}  secretAccessKey: '{secret}' }}",
            ],
        ]
    )


def pem_lines(g, name, block, indent):
    head = g.pick([f"{indent}const {name} = `", f"{indent}{name}: `", f"{indent}export const {const_name(name)} = `"])
    lines = [head + block[0], *block[1:-1], block[-1] + "`" + ("," if head.strip().endswith(": `") else "")]
    return lines


def negative_lines(g, indent, in_doc):
    """One hard negative: (kind, lines)."""
    kind = g.pick(
        ["sha256", "sha1", "md5", "uuid", "integrity", "data-uri", "aws-doc-example", "env-reference", "template",
         "placeholder", "default-url", "vendor-public", "vendor-placeholder", "vendor-env", "vendor-prose"]
    )
    d = "* " if in_doc else ""
    if kind == "sha256":
        h = g.hex(64)
        forms = [f'checksum: "{h}",', f'const SHA256 = "{h}"', f"// sha256: {h}", f'digest: "{h}",',
                 f'const contentHash = "{h}"']
    elif kind == "sha1":
        h = g.hex(40)
        forms = [f'commit: "{h}",', f'const GIT_SHA = "{h}"', f"// fixed in {h}", f'gitHead: "{h}",']
    elif kind == "md5":
        h = g.hex(32)
        forms = [f'etag: "\\"{h}\\"",', f'md5: "{h}",', f'const fileMd5 = "{h}"']
    elif kind == "uuid":
        u = g.uuid()
        forms = [f'requestId: "{u}",', f'const TENANT_ID = "{u}"', f'traceId: "{u}",', f'id: "{u}",',
                 f'const sessionId = "{u}"']
    elif kind == "integrity":
        i = g.integrity()
        forms = [f'"integrity": "{i}",', f'integrity: "{i}",', f'<script src="/app.js" integrity="{i}"></script>']
    elif kind == "data-uri":
        u = g.data_uri()
        forms = [f'const logo = "{u}"', f'icon: "{u}",', f'background: `url({u})`,']
    elif kind == "aws-doc-example":
        k, s = j("AK", "IAIOSFODNN7", "EXAMPLE"), j("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY")
        forms = [f'accessKeyId: "{k}",', f'secretAccessKey: "{s}",', f'const AWS_ACCESS_KEY_ID = "{k}"',
                 f"// e.g. AWS_SECRET_ACCESS_KEY={s}"]
    elif kind == "env-reference":
        forms = ["password = process.env.DB_PASSWORD", "apiKey: process.env.OPENAI_API_KEY!,",
                 'const token = process.env["GITHUB_TOKEN"] ?? ""', "secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,",
                 "const stripeKey = import.meta.env.VITE_STRIPE_KEY"]
    elif kind == "template":
        forms = ["apiKey: `${TOKEN}`,", 'token: "${GITHUB_TOKEN}",', "headers: { Authorization: `Bearer ${token}` },",
                 "const url = `postgres://${user}:${password}@${host}/app`", 'password: "{{ db_password }}",']
    elif kind == "placeholder":
        forms = ['apiKey: "YOUR_API_KEY",', 'password: "<your-password>",',
                 f'const GITHUB_TOKEN = "{j("gh", "p_")}{"x" * 36}"', 'password: "********",',
                 f'// OPENAI_API_KEY={j("sk", "-")}...']
    elif kind == "vendor-public":
        # Public values next to a vendor's name: DSNs, releases, app ids, styles, sites.
        forms = [f'sentryDsn: "https://{g.hex(32)}@o{g.s(string.digits, 6)}.ingest.sentry.io/{g.s(string.digits, 7)}",',
                 f'const SENTRY_RELEASE = "{g.hex(40)}"', f'algoliaAppId: "{g.s(UPPER_DIGITS, 10)}",',
                 'mapboxStyle: "mapbox://styles/mapbox/streets-v12",', 'datadogSite: "datadoghq.eu",',
                 f'herokuAppName: "acme-orders-{g.s(string.ascii_lowercase, 6)}",',
                 f'const oktaIssuer = "https://dev-{g.s(string.digits, 8)}.okta.com/oauth2/default"']
    elif kind == "vendor-placeholder":
        forms = ['datadogApiKey: "<DATADOG_API_KEY>",', f'const SHOPIFY_TOKEN = "{j("shp", "at_")}{"0" * 32}"',
                 f'hfToken: "{j("h", "f_")}{"x" * 34}",', 'herokuApiKey: "00000000-0000-0000-0000-000000000000",',
                 f'// DIGITALOCEAN_TOKEN={j("do", "p_v1_")}...', 'oktaApiToken: "your-okta-api-token",']
    elif kind == "vendor-env":
        forms = ["datadogApiKey: process.env.DD_API_KEY,", "oktaToken: process.env.OKTA_API_TOKEN!,",
                 "const herokuApiKey = import.meta.env.VITE_HEROKU_API_KEY", 'snykToken: "${SNYK_TOKEN}",',
                 "const vaultToken = process.env.VAULT_TOKEN ?? ''"]
    elif kind == "vendor-prose":
        # A vendor's name (or a prefix keyword) in ordinary code and comments.
        forms = ['transition: "opacity 150ms linear",', 'background: "linear-gradient(90deg, #ffffff, #000000)",',
                 'import { datadogRum } from "@datadog/browser-rum"', "// Retry like the Heroku router does (30 s)",
                 'const locales = ["en-us", "en-gb", "de-de"]', "// see API-REFERENCE.md for the REST API-compatible client",
                 f"// Fixed upstream in sentry {g.hex(40)}"]
    else:
        forms = ['const url = "postgres://postgres:postgres@localhost:5432/postgres"',
                 'mongoUrl: "mongodb://localhost:27017/test",', 'redisUrl: "redis://localhost:6379",']
    return kind, [indent + d + g.pick(forms)]


ENV_NEGATIVES = [
    "DB_PASSWORD=${DB_PASSWORD}",
    "API_KEY=",
    "OPENAI_API_KEY=your-api-key-here",
    "NODE_ENV=production",
    "PORT=3000",
    "LOG_LEVEL=info",
    "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app",
]


def build_corpus(src, corpus, seed, per_kind, negatives):
    g = Gen(random.Random(seed))
    if corpus.exists():
        shutil.rmtree(corpus)
    files = sorted(p for p in src.rglob("*.ts") if p.is_file())
    texts = {}
    for p in files:
        rel = p.relative_to(src).as_posix()
        texts[rel] = p.read_text(encoding="utf-8").split("\n")
    names = sorted(texts)
    # A .env file per environment, next to the sources.
    env_files = {f"src/.env{suffix}": [] for suffix in ["", ".local", ".production", ".test"]}
    env_files["dist/.env"] = []

    # Planted items: file -> list of (after original line index, tag, lines); tags resolve to labels.
    inserts = defaultdict(list)
    labels = []

    def place(make):
        """Picks a file and line, and plants make(indent, in_doc) -> [(label or None, line)]."""
        name = g.pick(names)
        lines = texts[name]
        at = g.r.randint(0, len(lines) - 1)
        nxt = lines[at] if at < len(lines) else ""
        prev = lines[at - 1] if at > 0 else ""
        indent = nxt[: len(nxt) - len(nxt.lstrip())]
        ps = prev.strip()
        in_doc = (ps.startswith("/**") or ps.startswith("*")) and not ps.endswith("*/")
        if in_doc:
            indent = prev[: len(prev) - len(prev.lstrip())]
        inserts[name].append((at, make(indent, in_doc)))

    kinds = sorted(KINDS)
    plan = [k for k in kinds for _ in range(per_kind)]
    g.r.shuffle(plan)
    for kind in plan:
        how, var_names = KINDS[kind]
        if kind == "aws-secret-access-key":
            continue  # planted with its key id
        to_env = kind not in ("private-key-pem",) and g.r.random() < 0.2
        if kind == "aws-access-key-id":
            key_id, secret = g.aws_id(), g.aws_secret()
            if to_env:
                env = env_files[g.pick(sorted(env_files))]
                env.append(({"kind": kind}, f"AWS_ACCESS_KEY_ID={key_id}"))
                env.append(({"kind": "aws-secret-access-key"}, f"AWS_SECRET_ACCESS_KEY={secret}"))
            else:
                place(lambda ind, doc, k=key_id, s=secret: list(
                    zip([{"kind": "aws-access-key-id"}, {"kind": "aws-secret-access-key"}],
                        aws_pair_lines(g, ind, doc, k, s))))
            continue
        name = g.pick(var_names)
        if kind == "private-key-pem":
            block = g.pem()
            def make(ind, doc, n=name, b=block):
                out = pem_lines(g, n, b, ind if not doc else "")
                return [({"kind": kind, "span": len(out)}, out[0])] + [(None, l) for l in out[1:]]
            place(make)
            continue
        value = value_of(g, how)
        if to_env:
            env = env_files[g.pick(sorted(env_files))]
            q = g.pick(["", '"'])
            env.append(({"kind": kind}, f"{const_name(name)}={q}{value}{q}"))
        else:
            shaped = not kind.startswith("generic-") and kind not in CONTEXT_KINDS
            place(lambda ind, doc, n=name, v=value, k=kind, sh=shaped: [({"kind": k}, code_lines(g, n, v, ind, doc, sh)[0])])

    for _ in range(negatives):
        if g.r.random() < 0.08:
            env = env_files[g.pick(sorted(env_files))]
            env.append(({"kind": "env-negative", "negative": True}, g.pick(ENV_NEGATIVES)))
            continue
        def make(ind, doc):
            kind, lines = negative_lines(g, ind, doc)
            return [({"kind": kind, "negative": True}, lines[0])] + [(None, l) for l in lines[1:]]
        place(make)

    # Write the corpus and resolve labels to 1-based line numbers.
    corpus.mkdir(parents=True)
    total = 0
    for name in names:
        lines = texts[name]
        by_at = defaultdict(list)
        for at, planted in inserts.get(name, []):
            by_at[at].append(planted)
        out = []
        for i, line in enumerate(lines):
            for planted in by_at.get(i, []):
                for label, text in planted:
                    if label is not None:
                        labels.append({**label, "file": name, "line": len(out) + 1,
                                       "end_line": len(out) + label.get("span", 1)})
                    out.append(text)
            out.append(line)
        data = "\n".join(out)
        dest = corpus / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(data, encoding="utf-8")
        total += len(data.encode())
    for name, entries in sorted(env_files.items()):
        out = ["# Local settings; do not commit"]
        filler = ["NODE_ENV=development", "PORT=8080", "LOG_LEVEL=debug", "FEATURE_FLAGS=search,checkout", ""]
        for label, text in entries:
            if g.r.random() < 0.5:
                out.append(g.pick(filler))
            labels.append({**label, "file": name, "line": len(out) + 1, "end_line": len(out) + 1})
            out.append(text)
        data = "\n".join(out) + "\n"
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(data, encoding="utf-8")
        total += len(data.encode())
    for lab in labels:
        lab.setdefault("negative", False)
        lab.pop("span", None)
    return labels, len(names) + len(env_files), total


def build_scaled(corpus, dest, copies):
    """`copies` copies of the corpus, each file ending in a comment naming its copy, so that no two files
    are identical (Kingfisher scans identical content once). For throughput only; not scored."""
    if dest.exists():
        shutil.rmtree(dest)
    total = 0
    for i in range(1, copies + 1):
        for p in sorted(corpus.rglob("*")):
            if p.is_file():
                q = dest / f"copy{i}" / p.relative_to(corpus)
                q.parent.mkdir(parents=True, exist_ok=True)
                data = p.read_bytes() + f"\n// copy {i}\n".encode()
                q.write_bytes(data)
                total += len(data)
    return dest, total


# ---- the scanners ---------------------------------------------------------------------------------


CPU = []  # user + system seconds of each timed child process, in order


def run_timed(cmd, env=None, ok=(0, 1)):
    """Runs `cmd` as a whole process: (wall seconds, stdout); its CPU time is appended to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    dt = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if p.returncode not in ok:
        sys.exit(f"{cmd[0]} failed ({p.returncode}): {p.stderr.decode(errors='replace')[-2000:]}")
    return dt, p.stdout


def rel(path, corpus):
    p = Path(path)
    if not p.is_absolute():
        p = (Path.cwd() / p)
    try:
        return p.resolve().relative_to(corpus.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def scan_specwright(bin_, corpus, work):
    def go(target=corpus):
        return run_timed([bin_, "scan", "secrets", str(target), "--format", "json"])

    def parse(out):
        return [(f["path"], f["line"], f["rule"]) for f in json.loads(out)["findings"]]

    return go, parse


def scan_gitleaks(bin_, corpus, work):
    report = work / "gitleaks.json"

    def go(target=corpus):
        dt, _ = run_timed([bin_, "dir", str(target), "-f", "json", "-r", str(report), "--no-banner", "-l", "error"])
        return dt, report.read_bytes()

    def parse(out):
        return [(rel(f["File"], corpus), f["StartLine"], f["RuleID"]) for f in json.loads(out)]

    return go, parse


def scan_kingfisher(bin_, corpus, work):
    report = work / "kingfisher.json"
    env = {**os.environ, "KF_RULE_CACHE_DIR": str(work / "kingfisher-cache")}

    def go(target=corpus):
        dt, _ = run_timed(
            [bin_, "scan", str(target), "--no-validate", "--format", "json", "--no-update-check", "--no-dedup",
             "-o", str(report)],
            env=env,
            ok=(0, 200, 205),
        )
        return dt, report.read_bytes()

    def parse(out):
        return [(rel(f["finding"]["path"], corpus), f["finding"]["line"], f["rule"]["id"])
                for f in json.loads(out)["findings"]]

    return go, parse


def score(findings, labels):
    secrets = [l for l in labels if not l["negative"]]
    negative_lines = {(l["file"], l["line"]) for l in labels if l["negative"]}
    by_file = defaultdict(list)
    for i, l in enumerate(secrets):
        by_file[l["file"]].append(i)
    found = set()
    fp_neg, fp_src = set(), set()
    for path, line, rule in findings:
        hit = [i for i in by_file.get(path, []) if secrets[i]["line"] <= line <= secrets[i]["end_line"]]
        if hit:
            found.update(hit)
        elif (path, line) in negative_lines:
            fp_neg.add((path, line, rule))
        else:
            fp_src.add((path, line, rule))
    per_kind = defaultdict(lambda: [0, 0])
    for i, l in enumerate(secrets):
        per_kind[l["kind"]][1] += 1
        if i in found:
            per_kind[l["kind"]][0] += 1
    fp_neg_lines = {(p, l) for p, l, _ in fp_neg}
    fp_src_lines = {(p, l) for p, l, _ in fp_src}
    return {
        "found": len(found),
        "planted": len(secrets),
        "per_kind": dict(per_kind),
        "fp_neg": len(fp_neg_lines),
        "fp_src": len(fp_src_lines),
        "fp_detail": sorted(fp_neg | fp_src),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("target/bench-secrets"))
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--per-kind", type=int, default=12, help="planted secrets of each kind")
    ap.add_argument("--negatives", type=int, default=200, help="planted hard negatives")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool (after one warm-up run)")
    ap.add_argument("--scale", type=int, default=6,
                    help="also time the tools on this many distinct copies of the corpus (1: off)")
    ap.add_argument("--specwright", default="target/release/specwright")
    ap.add_argument("--show-fp", action="store_true", help="list every false positive")
    args = ap.parse_args()
    work = args.work
    venv = work / "venv" / "bin"
    corpus = work / "corpus"
    labels, nfiles, nbytes = build_corpus(work / "effect", corpus, args.seed, args.per_kind, args.negatives)
    (work / "labels.json").write_text(json.dumps(labels, indent=1) + "\n")
    nsecrets = sum(not l["negative"] for l in labels)
    nneg = sum(l["negative"] for l in labels)
    kinds = sorted({l["kind"] for l in labels if not l["negative"]})
    print(f"corpus: {nfiles} files, {nbytes / 1e6:.1f} MB; planted {nsecrets} secrets of {len(kinds)} kinds "
          f"and {nneg} hard negatives (seed {args.seed})", file=sys.stderr)

    tools = [
        ("Specwright", "2 (a worker per core)", scan_specwright(args.specwright, corpus, work)),
        ("gitleaks 8.30.1", "Go runtime, GOMAXPROCS 2", scan_gitleaks(str(venv / "gitleaks"), corpus, work)),
        ("Kingfisher 2.14.0", "2 (--jobs default)", scan_kingfisher(str(venv / "kingfisher"), corpus, work)),
    ]
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    scaled, scaled_bytes = None, 0
    if args.scale > 1:
        scaled, scaled_bytes = build_scaled(corpus, work / f"corpus-x{args.scale}", args.scale)

    def timed(go, target, runs):
        """Median wall and CPU seconds of `runs` runs after one warm-up run, and the last output."""
        go(target)  # warm-up: page cache, Kingfisher's compiled rule cache
        times, cpu, out = [], [], None
        for _ in range(runs):
            dt, out = go(target)
            times.append(dt)
            cpu.append(CPU[-1])
        return statistics.median(times), statistics.median(cpu), out, times

    results = []
    for name, threads, (go, parse) in tools:
        wall, cpu, out, times = timed(go, corpus, args.runs)
        s = score(parse(out), labels)
        s["time"], s["cpu"] = wall, cpu
        s["startup"] = statistics.median(go(empty)[0] for _ in range(3))
        if scaled:
            s["scaled_time"], s["scaled_cpu"], _, _ = timed(go, scaled, args.runs)
        s["threads"] = threads
        results.append((name, s))
        print(f"{name}: median {wall:.3f} s over {args.runs} runs (" + ", ".join(f"{t:.3f}" for t in times) + ")",
              file=sys.stderr)

    gl = results[1][1]
    kf = results[2][1]
    mb, smb = nbytes / 1e6, scaled_bytes / 1e6
    head = (f"| scanner | threads | recall | false positives: hard-negative lines | false positives: effect source "
            f"| {mb:.1f} MB: wall (median) | throughput | start-up (empty folder) |")
    rule = "|---|---|---:|---:|---:|---:|---:|---:|"
    if scaled:
        head += f" {smb:.1f} MB ({args.scale} distinct copies): wall | throughput | CPU / wall |"
        rule += "---:|---:|---:|"
    print()
    print(head)
    print(rule)
    for name, s in results:
        row = (f"| {name} | {s['threads']} | {s['found']}/{s['planted']} ({100 * s['found'] / s['planted']:.1f}%) "
               f"| {s['fp_neg']} | {s['fp_src']} | {s['time']:.3f} s | {mb / s['time']:.1f} MB/s "
               f"| {s['startup']:.3f} s |")
        if scaled:
            row += (f" {s['scaled_time']:.3f} s | {smb / s['scaled_time']:.1f} MB/s "
                    f"| {s['scaled_cpu'] / s['scaled_time']:.2f} |")
        print(row)
    ours = results[0][1]

    def fp(s):
        return s["fp_neg"] + s["fp_src"]

    print()
    faster = ours["time"] <= kf["time"] and (not scaled or ours["scaled_time"] <= kf["scaled_time"])
    print(f"Targets: recall ≥ gitleaks' ({'yes' if ours['found'] >= gl['found'] else 'no'}), "
          f"false positives ≤ gitleaks' ({'yes' if fp(ours) <= fp(gl) else 'no'}), "
          f"throughput ≥ Kingfisher's ({'yes' if faster else 'no'}).")
    print()
    print("| kind | planted | " + " | ".join(n for n, _ in results) + " |")
    print("|---|---:|" + "---:|" * len(results))
    for k in kinds:
        row = [f"{s['per_kind'].get(k, [0, 0])[0]}" for _, s in results]
        print(f"| {k} | {results[0][1]['per_kind'][k][1]} | " + " | ".join(row) + " |")
    if args.show_fp:
        for name, s in results:
            print(f"\nfalse positives of {name}:")
            for p, l, r in s["fp_detail"]:
                print(f"  {p}:{l} {r}")


if __name__ == "__main__":
    main()
