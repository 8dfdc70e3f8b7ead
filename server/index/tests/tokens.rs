//! Calibrates `tokens::count` against real BPE tokenizers (`tiktoken-rs`:
//! `cl100k_base`, and `o200k_base` as a check) on the corpus in
//! `tests/data/tokens/`.

use specwright_index::tokens::count;
use tiktoken_rs::CoreBPE;

const CORPUS: &[(&str, &str)] = &[
    ("TypeScript outline", include_str!("data/tokens/outline_ts.txt")),
    ("Rust outline", include_str!("data/tokens/outline_rust.txt")),
    ("Python outline", include_str!("data/tokens/outline_python.txt")),
    ("Go outline", include_str!("data/tokens/outline_go.txt")),
    ("paths", include_str!("data/tokens/paths.txt")),
    ("prose", include_str!("data/tokens/prose.md")),
];

fn encoders() -> [(&'static str, CoreBPE); 2] {
    [
        ("cl100k_base", tiktoken_rs::cl100k_base().expect("cl100k_base")),
        ("o200k_base", tiktoken_rs::o200k_base().expect("o200k_base")),
    ]
}

#[test]
fn the_estimate_is_within_15_percent_of_real_counts() {
    for (encoder, bpe) in encoders() {
        let (mut estimated, mut real) = (0, 0);
        for (sample, text) in CORPUS {
            let (e, r) = (count(text), bpe.encode_ordinary(text).len());
            eprintln!("{encoder} {sample:>20}: estimate {e:>6}, real {r:>6}, ratio {:.3}", e as f64 / r as f64);
            let ratio = e as f64 / r as f64;
            assert!((0.85..=1.15).contains(&ratio), "{encoder}, {sample}: estimate {e}, real {r}");
            estimated += e;
            real += r;
        }
        let ratio = estimated as f64 / real as f64;
        eprintln!("{encoder} {:>20}: estimate {estimated:>6}, real {real:>6}, ratio {ratio:.3}", "all");
        assert!((0.85..=1.15).contains(&ratio), "{encoder}: estimate {estimated}, real {real}");
    }
}

#[test]
fn map_sized_pieces_of_outlines_are_not_underestimated_by_more_than_10_percent() {
    for (encoder, bpe) in encoders() {
        let mut worst = (f64::MAX, String::new());
        for (sample, text) in CORPUS.iter().filter(|(s, _)| s.ends_with("outline")) {
            let lines: Vec<&str> = text.lines().collect();
            for chunk in lines.chunks(15) {
                let piece = chunk.join("\n") + "\n";
                let (e, r) = (count(&piece), bpe.encode_ordinary(&piece).len());
                let ratio = e as f64 / r as f64;
                if ratio < worst.0 {
                    worst = (ratio, format!("{sample}: {}", chunk[0]));
                }
                assert!(ratio >= 0.9, "{encoder}, {sample}: estimate {e}, real {r} for\n{piece}");
            }
        }
        eprintln!("{encoder}: lowest estimate / real over 15-line pieces {:.3} ({})", worst.0, worst.1);
    }
}

#[test]
fn shapes() {
    assert_eq!(count(""), 0);
    for text in ["a", "\n", " ", "│", "…", "é", "7", "(", "中"] {
        assert!(count(text) >= 1, "{text:?}");
    }
    // Every line costs at least a token.
    assert!(count("a\nb\nc\n") >= 3);
    assert_eq!(count("session"), 1);
    assert_eq!(count(" export function"), 2);
    assert!(count("getUserById") >= 2);
    // Splitting text never makes the estimate of the whole much larger.
    let text = include_str!("data/tokens/outline_ts.txt");
    let (head, tail) = text.split_at(text.find("src/db").unwrap_or(text.len() / 2));
    assert!(count(text) <= count(head) + count(tail));
}
