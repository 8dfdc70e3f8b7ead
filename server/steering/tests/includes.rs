//! `#[[file:…]]` references: resolution, inlining, and refusal to read
//! anything outside the workspace.

mod common;

use common::{TempDir, render, workspace};
use specwright_steering::{MAX_INCLUDE_BYTES, Steering, codes};

const SECRET: &str = "TOP-SECRET-OUTSIDE-CONTENT";

fn only(steering: &Steering) -> &specwright_steering::SteeringFile {
    steering.files.iter().find(|f| f.rel == ".kiro/steering/doc.md").expect("doc.md loaded")
}

#[test]
fn resolves_and_inlines_under_a_heading() {
    let ws = workspace(
        "inc-ok",
        "//- .kiro/steering/doc.md\n---\ninclusion: always\n---\n# API\nSee #[[file:docs/api.yaml]] and #[[file: src/a.ts ]].\nAgain #[[file:docs/api.yaml]].\n//- docs/api.yaml\nopenapi: 3.1\n//- src/a.ts\nconst s = \"```\";\n",
    );
    let steering = Steering::load(ws.path(), None);
    let doc = only(&steering);
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    let targets: Vec<(&str, u32, u32, u32)> = doc
        .includes
        .iter()
        .map(|i| (i.target.as_str(), i.range.start.line, i.range.start.character, i.range.end.character))
        .collect();
    assert_eq!(targets, [("docs/api.yaml", 4, 12, 25), ("src/a.ts", 4, 41, 49), ("docs/api.yaml", 5, 14, 27)]);
    assert_eq!(doc.includes[0].resolved.as_deref(), Some(ws.path().join("docs/api.yaml").as_path()));

    let applied = steering.applicable(&[], &[]);
    let text = &applied[0].text;
    let expected = "# API\nSee #[[file:docs/api.yaml]] and #[[file: src/a.ts ]].\nAgain #[[file:docs/api.yaml]].\
\n\n## Included file: docs/api.yaml\n\n```yaml\nopenapi: 3.1\n```\
\n\n## Included file: src/a.ts\n\n````ts\nconst s = \"```\";\n````";
    assert_eq!(text, expected, "each file once, fenced longer than any backtick run inside it");
}

#[test]
fn includes_are_bounded() {
    let ws = TempDir::new("inc-big");
    ws.write(".kiro/steering/doc.md", "Body #[[file:big.txt]]\n");
    ws.write("big.txt", &"é".repeat(MAX_INCLUDE_BYTES));
    let steering = Steering::load(ws.path(), None);
    let text = &steering.applicable(&[], &[])[0].text;
    assert!(text.len() < MAX_INCLUDE_BYTES + 200, "{} bytes", text.len());
    assert!(text.contains(&format!("(truncated: first {} of {} bytes)", MAX_INCLUDE_BYTES, 2 * MAX_INCLUDE_BYTES)));
}

#[test]
fn missing_file_and_directory() {
    let ws = workspace(
        "inc-missing",
        "//- .kiro/steering/doc.md\nA #[[file:nope/x.md]]\nB #[[file:src]]\nC #[[file:]]\n//- src/a.rs\n\n",
    );
    let steering = Steering::load(ws.path(), None);
    let doc = only(&steering);
    assert_eq!(
        render(&doc.diagnostics),
        [
            "0:10-0:19 error steering-missing-file",
            "1:10-1:13 error steering-missing-file",
            "2:10-2:10 error steering-missing-file"
        ]
    );
    assert!(doc.includes.iter().all(|i| i.resolved.is_none()));
    assert_eq!(steering.applicable(&[], &[])[0].text, "A #[[file:nope/x.md]]\nB #[[file:src]]\nC #[[file:]]");
}

#[test]
fn never_reads_outside_the_workspace() {
    let outer = TempDir::new("inc-outer");
    outer.write("secret.txt", SECRET);
    let ws_path = outer.path().join("ws");
    std::fs::create_dir_all(&ws_path).expect("ws dir");
    let ws = ws_path.as_path();
    let secret = outer.path().join("secret.txt");
    let mut body = String::from("---\ninclusion: always\n---\n");
    body.push_str("#[[file:../secret.txt]]\n");
    body.push_str("#[[file:a/../../secret.txt]]\n");
    body.push_str(&format!("#[[file:{}]]\n", secret.display()));
    body.push_str("#[[file:~/secret.txt]]\n");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, ws.join("link.txt")).expect("file symlink");
        std::os::unix::fs::symlink(outer.path(), ws.join("linkdir")).expect("dir symlink");
        body.push_str("#[[file:link.txt]]\n#[[file:linkdir/secret.txt]]\n");
    }
    std::fs::create_dir_all(ws.join(".kiro/steering")).expect("steering dir");
    std::fs::write(ws.join(".kiro/steering/doc.md"), &body).expect("write doc");

    let steering = Steering::load(ws, None);
    let doc = only(&steering);
    let n = if cfg!(unix) { 6 } else { 4 };
    assert_eq!(doc.includes.len(), n);
    assert!(doc.includes.iter().all(|i| i.resolved.is_none()), "{:?}", doc.includes);
    assert_eq!(doc.diagnostics.len(), n);
    for (i, d) in doc.diagnostics.iter().enumerate() {
        assert_eq!(d.code, codes::FILE_OUTSIDE_WORKSPACE, "{d:?}");
        assert_eq!(d.range.start.line as usize, 3 + i, "one per line, in order");
        assert_eq!(d.range.start.character, 8, "the range starts at the target");
    }
    for a in steering.applicable(&[], &[]) {
        assert!(!a.text.contains(SECRET), "outside content was inlined into {}", a.name);
    }
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_workspace_is_followed() {
    let ws = TempDir::new("inc-inner-link");
    ws.write("docs/real.md", "inner content");
    std::os::unix::fs::symlink(ws.path().join("docs/real.md"), ws.path().join("alias.md")).expect("symlink");
    ws.write(".kiro/steering/doc.md", "#[[file:alias.md]]\n");
    let steering = Steering::load(ws.path(), None);
    let doc = only(&steering);
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(doc.includes[0].resolved.as_deref(), Some(ws.path().join("docs/real.md").as_path()));
    assert!(steering.applicable(&[], &[])[0].text.contains("inner content"));
}

#[test]
fn references_in_code_are_examples() {
    let ws = workspace(
        "inc-code",
        "//- .kiro/steering/doc.md\nWrite `#[[file:path]]` to include.\n```md\n#[[file:docs/x.md]]\n```\n~~~\n#[[file:y]]\n~~~\n",
    );
    let steering = Steering::load(ws.path(), None);
    let doc = only(&steering);
    assert!(doc.includes.is_empty() && doc.diagnostics.is_empty(), "{doc:?}");
}

#[test]
fn references_in_front_matter_are_not_read() {
    let ws = workspace("inc-fm", "//- .kiro/steering/doc.md\n---\ndescription: see #[[file:x]]\n---\nbody\n");
    let steering = Steering::load(ws.path(), None);
    assert!(only(&steering).includes.is_empty());
}
