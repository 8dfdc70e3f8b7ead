//! A rough throughput probe, not a benchmark:
//! `cargo test -p specwright-secrets --release --test throughput -- --ignored --nocapture`

mod common;

use std::time::Instant;

use common::*;

/// About `bytes` of ordinary-looking source, with a keyword on some lines and
/// a real-shaped secret every few hundred lines.
fn source(bytes: usize) -> String {
    let lines = [
        "fn parse_header(input: &[u8], offset: usize) -> Result<Header, ParseError> {",
        "    let mut reader = BufReader::new(File::open(&path)?);",
        "    for (index, item) in items.iter().enumerate().filter(|(_, i)| i.enabled) {",
        "        total += item.weight * factor; // accumulate the weighted sum",
        "import { useState, useEffect } from 'react';",
        "const response = await fetch(`${baseUrl}/api/v1/items?page=${page}`);",
        "    if password_hint.is_empty() { return Err(Error::MissingHint); }",
        "    let token = lexer.next_token()?;",
        "def handle_request(self, request, *args, **kwargs):",
        "        return JsonResponse({'status': 'ok', 'count': len(results)})",
        "}",
        "",
    ];
    let mut out = String::with_capacity(bytes + 200);
    let mut i = 0u64;
    // Not `is_multiple_of`: the workspace's rust-version is 1.85.
    let mut next_secret = 0u64;
    while out.len() < bytes {
        out.push_str(lines[(i % lines.len() as u64) as usize]);
        out.push('\n');
        if i == next_secret {
            out.push_str(&format!("    api_key = \"{}\"\n", fake(PASSWORDISH, 24, i)));
            next_secret += 500;
        }
        i += 1;
    }
    out
}

fn measure(name: &str, text: &str) {
    let s = scanner();
    let _ = s.scan(&text[..1000]); // compile the rules
    let t = Instant::now();
    let n = s.scan(text).len();
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "{name}: {:.1} MB in {:.3} s = {:.0} MB/s, {n} findings",
        text.len() as f64 / 1e6,
        secs,
        text.len() as f64 / 1e6 / secs
    );
}

#[test]
#[ignore = "throughput probe; run in release with --ignored --nocapture"]
fn throughput() {
    let text = source(20_000_000);
    measure("source with keywords", &text);
    let plain: String = text
        .lines()
        .filter(|l| !l.contains("token") && !l.contains("password") && !l.contains("api_key"))
        .flat_map(|l| [l, "\n"])
        .collect();
    measure("source without keywords", &plain);
}

#[test]
#[ignore = "throughput probe; run in release with --ignored --nocapture"]
fn pathological_inputs() {
    // Unterminated PEM headers: each looks ahead a bounded window.
    measure("2 MB of PEM headers", &"-----BEGIN PRIVATE KEY-----\n".repeat(75_000));
    // One long line dense with keywords (minified code).
    measure("5 MB single keyword line", &"token=a;secret:b,AKIA ghp_ sk- eyJ ".repeat(150_000));
}

#[test]
#[ignore = "throughput probe; run in release with --ignored --nocapture"]
fn first_scan_compiles_the_rules_it_needs() {
    // Every vendor rule's positive: the first scan compiles nearly every rule.
    let text: String = vendors::vendor_positives().into_iter().map(|(_, t, _)| t).collect();
    let s = scanner();
    let t = Instant::now();
    let n = s.scan(&text).len();
    eprintln!("first scan of {} lines: {:.1} ms, {n} findings", text.lines().count(), t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let _ = s.scan(&text);
    eprintln!("second scan: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
}
