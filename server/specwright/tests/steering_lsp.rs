//! Steering documents in the editor: diagnostics at start-up, live on
//! change, and refreshed from disk.

mod support;

use serde_json::json;
use support::*;

#[tokio::test]
async fn steering_diagnostics_are_published_and_follow_edits() {
    let ws = TempWorkspace::new("steering-lsp");
    let bad = "---\ninclusion: sometimes\n---\nSee #[[file:docs/missing.md]]\n";
    let path = ws.write(".kiro/steering/api.md", bad);
    ws.write(".kiro/steering/tech.md", "---\ninclusion: always\n---\nTypeScript.\n");
    ws.write("AGENTS.md", "Run the tests.\n");
    let client = Client::in_process();
    client.initialize(&ws.root).await;
    let uri = ws.uri(".kiro/steering/api.md");

    let diags = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    let mut codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["steering-missing-file", "steering-unknown-inclusion"], "{diags:#?}");
    let inclusion = with_code(&diags, "steering-unknown-inclusion")[0];
    assert_eq!(range_tuple(&inclusion["range"]), (1, 11, 1, 20), "the value `sometimes`");
    let clean = client.wait_diagnostics(&ws.uri(".kiro/steering/tech.md"), |_| true).await;
    assert!(clean.is_empty(), "{clean:#?}");

    // Fixing the inclusion in the editor clears that diagnostic at once.
    client.did_open(&path).await;
    client.did_change_range(&uri, range(1, 11, 1, 20), "always").await;
    let after = client.wait_diagnostics(&uri, |d| d.len() == 1).await;
    assert_eq!(after[0]["code"], "steering-missing-file");

    // Creating the referenced file on disk (a watched-file event) clears the other once the editor closes it.
    ws.write("docs/missing.md", "# Docs\n");
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})).await;
    let from_disk = client.wait_diagnostics(&uri, |d| d.iter().all(|x| x["code"] != "steering-missing-file")).await;
    assert_eq!(from_disk.len(), 1, "the disk still says `sometimes`: {from_disk:#?}");
    assert_eq!(from_disk[0]["code"], "steering-unknown-inclusion");
}
