//! Text that looks like a secret but is not: hashes, UUIDs, integrity
//! digests, data URIs, placeholders and values read from the environment.

mod common;

use common::*;

#[test]
fn git_shas_and_hex_hashes() {
    let sha1 = fake(HEX, 40, 1);
    let sha256 = fake(HEX, 64, 2);
    check_none(&format!(
        "commit {sha1}\nAuthor: A <a@b.c>\n\"resolved\": \"git+https://github.com/a/b.git#{sha1}\",\ntoken = \"{sha1}\"\nsecret: {sha256}\nchecksum_sha256 = \"{sha256}\"\nmd5 = \"{}\"\n",
        fake(HEX, 32, 3)
    ));
}

#[test]
fn uuids() {
    let uuid =
        format!("{}-{}-{}-{}-{}", fake(HEX, 8, 4), fake(HEX, 4, 5), fake(HEX, 4, 6), fake(HEX, 4, 7), fake(HEX, 12, 8));
    check_none(&format!("request_id = \"{uuid}\"\napi_key = \"{uuid}\"\nclient_secret: {{{uuid}}}\nsecret={uuid}\n"));
}

#[test]
fn npm_lockfile_integrity() {
    // A digest whose base64 happens to contain a key-shaped run.
    let digest = format!("{}+{}{}/{}==", fake(B64, 20, 9), "AKIA", fake(BASE32, 16, 10), fake(B64, 40, 11));
    check_none(&format!(
        "    \"node_modules/left-pad\": {{\n      \"version\": \"1.3.0\",\n      \"resolved\": \"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz\",\n      \"integrity\": \"sha512-{digest}\"\n    }},\n"
    ));
}

#[test]
fn base64_image_data_uris() {
    let payload =
        format!("iVBORw0KGgo{}+{}{}/{}", fake(B64, 400, 12), "AKIA", fake(BASE32, 16, 13), fake(B64, 400, 14));
    check_none(&format!(
        "<img src=\"data:image/png;base64,{payload}\">\n.icon {{ background: url(data:image/png;base64,{payload}); }}\n"
    ));
}

#[test]
fn placeholders() {
    check_none(
        "api_key = \"xxxxxxxxxxxxxxxxxxxx\"\n\
         API_KEY=your-api-key\n\
         token: \"<token>\"\n\
         password = \"changeme\"\n\
         secret = \"example-secret-value-123\"\n\
         OPENAI_API_KEY=sk-your-api-key-here\n\
         GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\
         password: \"{{ .Values.db.password }}\"\n\
         aws_access_key_id = AKIAXXXXXXXXXXXXXXXX\n",
    );
}

#[test]
fn values_read_from_the_environment() {
    check_none(
        "const apiKey = process.env.OPENAI_API_KEY;\n\
         password: process.env.DB_PASSWORD,\n\
         api_key = os.environ[\"API_KEY\"]\n\
         secret = os.environ.get(\"SECRET\")\n\
         token = os.getenv(\"TOKEN\")\n\
         let token = std::env::var(\"TOKEN\")?;\n\
         API_TOKEN=${API_TOKEN}\n\
         password: $DB_PASSWORD\n\
         secret = \"${SECRET}\"\n\
         key = import.meta.env.VITE_API_KEY\n",
    );
}

#[test]
fn ordinary_source_has_no_findings() {
    check_none(
        "fn tokenize(input: &str) -> Vec<Token> {\n\
             let password_hint = hint.clone();\n\
             let secret = vault.read(\"db\")?;\n\
             // The API key is read from the keychain.\n\
             let access_key = config.access_key.as_deref();\n\
         }\n\
         const TASK_MASK = 0x1F; // desk-sk-ask\n",
    );
}
