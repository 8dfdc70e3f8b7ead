use specwright_index::*;
use std::time::Instant;
#[test]
fn scratch() {
    let long_line = format!("export const X = [{}];", "1, ".repeat(100_000));
    let nested = "(".repeat(20_000);
    let binary: String = (0u8..=255).map(char::from).cycle().take(10_000).collect();
    let many_defs = "function f(){}".repeat(10_000);
    for (n, text) in [("long", &long_line), ("nested", &nested), ("binary", &binary), ("many", &many_defs)] {
        for lang in [Lang::TypeScript, Lang::Tsx, Lang::JavaScript, Lang::Rust, Lang::Python, Lang::Go] {
            let t = Instant::now();
            let f = parse_file("x", text, lang);
            eprintln!("{n} {lang:?} {:?} defs={} refs={}", t.elapsed(), f.defs.len(), f.refs.len());
        }
    }
}
