//! The repository map: ranking and rendering, on hand-made indexes (no parser).

use specwright_index::map::{Focus, Ranking, rank, render, repo_map};
use specwright_index::{Def, FileIndex, Index, Ref, SymbolKind, tokens};

// ---- fixtures -------------------------------------------------------------

fn def(name: &str, line: u32, signature: &str) -> Def {
    Def {
        name: name.to_string(),
        kind: SymbolKind::Function,
        line,
        column: 0,
        end_column: name.len() as u32,
        signature: signature.to_string(),
        container: None,
    }
}

fn member(name: &str, line: u32, signature: &str, container: &str) -> Def {
    Def { container: Some(container.to_string()), kind: SymbolKind::Method, ..def(name, line, signature) }
}

/// A file defining `defs` (signature `function NAME()`) and referencing `refs`.
fn file(path: &str, defs: &[&str], refs: &[&str]) -> FileIndex {
    FileIndex {
        path: path.to_string(),
        lang: None,
        defs: defs
            .iter()
            .enumerate()
            .map(|(i, name)| def(name, i as u32, &format!("export function {name}()")))
            .collect(),
        refs: refs.iter().enumerate().map(|(i, name)| Ref { name: name.to_string(), line: i as u32 }).collect(),
        imports: Vec::new(),
        ref_counts: Vec::new(),
    }
}

fn index(files: impl IntoIterator<Item = FileIndex>) -> Index {
    Index { root: "/repo".into(), files: files.into_iter().map(|f| (f.path.clone(), f)).collect() }
}

fn focus_files(files: &[&str]) -> Focus {
    Focus { files: files.iter().map(|s| s.to_string()).collect(), ..Focus::default() }
}

fn focus_symbols(symbols: &[&str]) -> Focus {
    Focus { symbols: symbols.iter().map(|s| s.to_string()).collect(), ..Focus::default() }
}

fn file_position(ranking: &Ranking, path: &str) -> usize {
    ranking.files.iter().position(|(p, _)| p == path).unwrap_or_else(|| panic!("{path} not ranked"))
}

fn def_position(ranking: &Ranking, path: &str, name: &str) -> usize {
    ranking
        .defs
        .iter()
        .position(|(p, n, _)| p == path && n == name)
        .unwrap_or_else(|| panic!("{path}:{name} not ranked"))
}

/// A deterministic pseudo-random sequence (an LCG), so fixtures need no crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

/// `files` files in a few folders, each defining a handful of functions and
/// a class, and referencing names from other files, with a few hubs that
/// most files use.
fn synthetic(files: usize, seed: u64) -> Index {
    let mut rng = Lcg(seed);
    let words = [
        "user", "session", "token", "account", "password", "config", "request", "response", "cache", "queue", "event",
        "order", "invoice", "payment", "report", "schema", "client", "server", "handler", "store",
    ];
    let verbs = ["get", "create", "update", "delete", "load", "save", "validate", "render", "parse", "sync"];
    let mut all_names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for i in 0..files {
        let folder = words[i % 7];
        let noun = words[rng.next(words.len())];
        let path = format!("src/{folder}/{noun}_{i}.ts");
        let class = format!("{}{}Service{i}", &noun[..1].to_uppercase(), &noun[1..]);
        let mut defs = vec![Def { kind: SymbolKind::Class, ..def(&class, 0, &format!("export class {class}")) }];
        for m in 0..3 {
            let verb = verbs[rng.next(verbs.len())];
            let name = format!("{verb}{}", &noun[..1].to_uppercase()) + &noun[1..];
            defs.push(member(
                &name,
                2 + m * 5,
                &format!("{name}(id: {class}Id, options?: {}Options): Promise<{class}>", &class),
                &class,
            ));
        }
        for f in 0..4 {
            let name = format!("{}{}{i}_{f}", verbs[rng.next(verbs.len())], words[rng.next(words.len())]);
            defs.push(def(
                &name,
                30 + f * 10,
                &format!("export function {name}(input: {class}Input, ctx: RequestContext): Result<{class}>"),
            ));
            all_names.push(name);
        }
        all_names.push(class);
        let mut refs: Vec<Ref> = Vec::new();
        for r in 0..8 {
            if all_names.is_empty() {
                break;
            }
            // Early names (the hubs) are picked more often.
            let pick = if r % 3 == 0 { rng.next(all_names.len().min(20)) } else { rng.next(all_names.len()) };
            refs.push(Ref { name: all_names[pick].clone(), line: 100 + r });
        }
        out.push(FileIndex { path, lang: None, defs, refs, imports: Vec::new(), ref_counts: Vec::new() });
    }
    index(out)
}

// ---- ranking --------------------------------------------------------------

#[test]
fn a_file_everyone_imports_ranks_above_a_leaf() {
    let idx = index([
        file("src/db.ts", &["query", "transaction"], &[]),
        file("src/users.ts", &["findUser"], &["query"]),
        file("src/orders.ts", &["findOrder"], &["query", "transaction"]),
        file("src/billing.ts", &["charge"], &["query", "findOrder"]),
        file("src/reports.ts", &["monthly"], &["query", "findUser"]),
        file("src/leaf.ts", &["helperNobodyCalls"], &["query"]),
    ]);
    let ranking = rank(&idx, &Focus::default());
    assert_eq!(ranking.files[0].0, "src/db.ts", "{:?}", ranking.files);
    assert!(file_position(&ranking, "src/db.ts") < file_position(&ranking, "src/leaf.ts"));
    assert_eq!((ranking.defs[0].0.as_str(), ranking.defs[0].1.as_str()), ("src/db.ts", "query"));
    assert!(def_position(&ranking, "src/db.ts", "query") < def_position(&ranking, "src/leaf.ts", "helperNobodyCalls"));
    assert_eq!(ranking.files.len(), 6);
    assert_eq!(ranking.defs.len(), 7);
    let total: f64 = ranking.files.iter().map(|(_, r)| r).sum();
    assert!((total - 1.0).abs() < 1e-6, "ranks sum to {total}");
}

#[test]
fn focus_on_a_file_moves_its_neighbours_up() {
    let idx = index([
        file("src/a.ts", &["runA"], &["alpha"]),
        file("src/b.ts", &["runB"], &["beta"]),
        file("src/c.ts", &["runC"], &["beta"]),
        file("src/d.ts", &["runD"], &["beta"]),
        file("src/alpha.ts", &["alpha"], &[]),
        file("src/beta.ts", &["beta"], &[]),
    ]);
    let plain = rank(&idx, &Focus::default());
    assert!(file_position(&plain, "src/beta.ts") < file_position(&plain, "src/alpha.ts"));

    let focused = rank(&idx, &focus_files(&["src/a.ts"]));
    assert!(file_position(&focused, "src/alpha.ts") < file_position(&focused, "src/beta.ts"), "{:?}", focused.files);
    assert!(def_position(&focused, "src/alpha.ts", "alpha") < def_position(&focused, "src/beta.ts", "beta"));
    // The focus file itself, and its own definitions, come first.
    assert_eq!(focused.files[0].0, "src/a.ts");
    assert_eq!(focused.defs[0].1, "runA");
    // `./` prefixes are accepted.
    assert_eq!(rank(&idx, &focus_files(&["./src/a.ts"])), focused);
}

#[test]
fn recent_files_pull_less_than_focus_files() {
    let idx = index([
        file("src/a.ts", &["runA"], &["alpha"]),
        file("src/b.ts", &["runB"], &["beta"]),
        file("src/alpha.ts", &["alpha"], &[]),
        file("src/beta.ts", &["beta"], &[]),
    ]);
    let ranking =
        rank(&idx, &Focus { files: vec!["src/a.ts".into()], recent: vec!["src/b.ts".into()], ..Focus::default() });
    assert!(file_position(&ranking, "src/alpha.ts") < file_position(&ranking, "src/beta.ts"));
    let recent_only = rank(&idx, &Focus { recent: vec!["src/b.ts".into()], ..Focus::default() });
    assert!(file_position(&recent_only, "src/beta.ts") < file_position(&recent_only, "src/alpha.ts"));
}

#[test]
fn focus_symbols_move_their_definers_up() {
    let idx = index([
        file("src/x.ts", &["useAlpha"], &["alpha", "beta"]),
        file("src/y.ts", &["useBeta"], &["alpha", "beta"]),
        file("src/z.ts", &["useBoth"], &["alpha"]),
        file("src/p.ts", &["alpha"], &[]),
        file("src/q.ts", &["beta"], &[]),
    ]);
    let plain = rank(&idx, &Focus::default());
    assert!(file_position(&plain, "src/p.ts") < file_position(&plain, "src/q.ts"));

    let focused = rank(&idx, &focus_symbols(&["beta"]));
    assert!(file_position(&focused, "src/q.ts") < file_position(&focused, "src/p.ts"), "{:?}", focused.files);
    assert_eq!((focused.defs[0].0.as_str(), focused.defs[0].1.as_str()), ("src/q.ts", "beta"));

    // A qualified mention counts for its parts.
    let qualified = rank(&idx, &focus_symbols(&["Store.beta"]));
    assert_eq!(qualified.defs[0].1, "beta");
}

#[test]
fn an_unreferenced_focus_symbol_still_comes_first() {
    let idx = index([
        file("src/app.ts", &["main"], &["query", "query", "connect"]),
        file("src/db.ts", &["query", "connect"], &[]),
        file("src/legacy.ts", &["migrateLegacyAccounts"], &[]),
    ]);
    let ranking = rank(&idx, &focus_symbols(&["migrateLegacyAccounts"]));
    assert_eq!(ranking.defs[0].1, "migrateLegacyAccounts", "{:?}", ranking.defs);
}

#[test]
fn names_defined_everywhere_and_private_names_count_less() {
    // `init` is defined in seven files and `_secret` is private: both are
    // referenced as often as `renderInvoice`, which should win.
    let mut files = vec![
        file("src/app.ts", &["main"], &["init", "init", "_secret", "_secret", "renderInvoice", "renderInvoice"]),
        file("src/invoice.ts", &["renderInvoice"], &[]),
        file("src/private.ts", &["_secret"], &[]),
    ];
    for i in 0..7 {
        files.push(file(&format!("src/mod{i}.ts"), &["init"], &[]));
    }
    let ranking = rank(&index(files), &Focus::default());
    let invoice = def_position(&ranking, "src/invoice.ts", "renderInvoice");
    assert!(invoice < def_position(&ranking, "src/private.ts", "_secret"));
    assert!(invoice < def_position(&ranking, "src/mod0.ts", "init"));
}

#[test]
fn ranking_is_deterministic_and_sorted() {
    let idx = synthetic(300, 7);
    let a = rank(&idx, &focus_files(&["src/user/session_3.ts"]));
    // Same files, inserted in another order: another HashMap layout.
    let mut files: Vec<FileIndex> = idx.files.values().cloned().collect();
    files.sort_by(|x, y| y.path.cmp(&x.path));
    let b = rank(&index(files), &focus_files(&["src/user/session_3.ts"]));
    assert_eq!(a, b);
    for pair in a.files.windows(2) {
        assert!(pair[0].1 > pair[1].1 || (pair[0].1 == pair[1].1 && pair[0].0 < pair[1].0));
    }
    for pair in a.defs.windows(2) {
        let (x, y) = (&pair[0], &pair[1]);
        assert!(x.2 > y.2 || (x.2 == y.2 && (&x.0, &x.1) < (&y.0, &y.1)));
    }
}

#[test]
fn ten_thousand_files_rank() {
    let idx = synthetic(10_000, 42);
    let started = std::time::Instant::now();
    let ranking = rank(&idx, &Focus { files: vec!["src/user/user_0.ts".into()], ..Focus::default() });
    let ranked = started.elapsed();
    assert_eq!(ranking.files.len(), 10_000);
    assert!(ranking.defs.len() > 40_000);
    let map = render(&idx, &ranking, 4000);
    assert!(map.tokens <= 4000 && map.symbols > 50, "{} tokens, {} symbols", map.tokens, map.symbols);
    // Reported, not asserted: debug builds and shared machines vary.
    eprintln!("10,000 files: ranked in {ranked:?}, rendered in {:?}", started.elapsed() - ranked);
}

// ---- rendering ------------------------------------------------------------

fn session_index() -> Index {
    let mut session = file("src/auth/session.ts", &[], &["query"]);
    session.defs = vec![
        Def { kind: SymbolKind::Class, ..def("Session", 3, "export class Session") },
        member("refresh", 5, "refresh(): Promise<void>", "Session"),
        member("expiresAt", 9, "get expiresAt(): Date", "Session"),
        def("login", 20, "export function login(email: string, password: string): Promise<Token>"),
        def("hashOf", 30, "function hashOf(\n  token: string,\n): string"),
    ];
    session.refs.extend(["Token", "Token"].map(|n| Ref { name: n.into(), line: 1 }));
    let mut db = file("src/db.ts", &[], &[]);
    db.defs = vec![def("query", 2, "export function query<T>(sql: string): Promise<T[]>")];
    let mut types = file("src/types.ts", &[], &[]);
    types.defs = vec![Def { kind: SymbolKind::Type, ..def("Token", 0, "export type Token = { value: string }") }];
    index([
        session,
        db,
        types,
        file("src/routes.ts", &["routes"], &["login", "login", "refresh", "Session", "query"]),
        file("src/cli.ts", &["cli"], &["login", "refresh"]),
    ])
}

#[test]
fn renders_a_compact_outline() {
    let idx = session_index();
    let map = repo_map(&idx, &focus_files(&["src/routes.ts"]), 1000);
    assert_eq!(
        map.text,
        "\
src/routes.ts:
│ export function routes()
src/auth/session.ts:
│ export class Session
│   refresh(): Promise<void>
│   get expiresAt(): Date
│ export function login(email: string, password: string): Promise<Token>
│ function hashOf( token: string, ): string
src/db.ts:
│ export function query<T>(sql: string): Promise<T[]>
src/types.ts:
│ export type Token = { value: string }
src/cli.ts:
│ export function cli()
"
    );
    assert_eq!((map.files, map.symbols), (5, 9));
    assert_eq!(map.tokens, tokens::count(&map.text));
}

#[test]
fn a_partial_outline_shows_its_members_container_and_marks_the_rest() {
    let idx = session_index();
    // Only `refresh` from session.ts: its class is shown for context, and
    // `│ …` says the file has more.
    let ranking = Ranking {
        files: vec![("src/auth/session.ts".into(), 1.0)],
        defs: vec![("src/auth/session.ts".into(), "refresh".into(), 1.0)],
    };
    let map = render(&idx, &ranking, 100);
    assert_eq!(map.text, "src/auth/session.ts:\n│ export class Session\n│   refresh(): Promise<void>\n│ …\n");
    assert_eq!((map.files, map.symbols), (1, 1));
}

#[test]
fn a_container_known_only_by_name_is_shown_by_name() {
    let mut f = file("src/lib.rs", &[], &[]);
    f.defs = vec![
        def("Parser", 0, "pub struct Parser"),
        member("fmt", 12, "fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result", "impl Display for Parser"),
        member("new", 4, "pub fn new(text: &str) -> Self", "Parser"),
    ];
    let idx = index([f]);
    let map = repo_map(&idx, &Focus::default(), 1000);
    assert_eq!(
        map.text,
        "src/lib.rs:\n│ pub struct Parser\n│   pub fn new(text: &str) -> Self\n│ impl Display for Parser\n│   fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result\n"
    );
    assert_eq!(map.symbols, 3);
}

#[test]
fn long_signatures_are_cut() {
    let long = format!("export function f({})", "argument: string, ".repeat(20));
    let mut f = file("src/long.ts", &[], &[]);
    f.defs = vec![def("f", 0, &long)];
    let map = repo_map(&index([f]), &Focus::default(), 1000);
    let line = map.text.lines().nth(1).unwrap_or_default();
    assert_eq!(line.chars().count(), 2 + 120);
    assert!(line.ends_with('…'));
}

#[test]
fn an_empty_index_gives_an_empty_map() {
    let empty = Index::default();
    assert_eq!(rank(&empty, &focus_files(&["src/a.ts"])), Ranking::default());
    assert_eq!(repo_map(&empty, &Focus::default(), 1000), Default::default());
    // Files without definitions too.
    let bare = index([file("src/a.ts", &[], &["x"]), file("src/b.ts", &[], &[])]);
    let map = repo_map(&bare, &focus_files(&["src/a.ts"]), 1000);
    assert_eq!((map.text.as_str(), map.tokens, map.files, map.symbols), ("", 0, 0, 0));
}

#[test]
fn stale_ranking_entries_are_skipped() {
    let idx = session_index();
    let mut ranking = rank(&idx, &Focus::default());
    ranking.defs.insert(0, ("src/gone.ts".into(), "gone".into(), 9.0));
    ranking.defs.insert(1, ("src/db.ts".into(), "renamed".into(), 8.0));
    let map = render(&idx, &ranking, 1000);
    assert!(!map.text.contains("gone") && !map.text.contains("renamed"));
    assert_eq!(map.symbols, 9);
}

#[test]
fn the_budget_is_never_exceeded() {
    let idx = synthetic(60, 3);
    let ranking = rank(&idx, &focus_files(&["src/user/session_0.ts"]));
    let mut last = 0;
    // Every budget up to 400, then a stride (rendering in debug builds is slow).
    for budget in (0..400).chain((400..=4000).step_by(9)) {
        let map = render(&idx, &ranking, budget);
        assert!(map.tokens <= budget, "budget {budget}: {} tokens", map.tokens);
        assert_eq!(map.tokens, tokens::count(&map.text));
        // More budget never gives a much smaller map.
        assert!(map.symbols + 2 >= last, "budget {budget}: {} symbols after {last}", map.symbols);
        last = last.max(map.symbols);
    }
    // A budget that fits everything shows everything.
    let all = render(&idx, &ranking, 1_000_000);
    assert_eq!(all.symbols, idx.files.values().map(|f| f.defs.len()).sum::<usize>());
    assert!(!all.text.contains('…'));
}

#[test]
fn rendering_is_deterministic() {
    let idx = synthetic(200, 11);
    let focus = Focus {
        files: vec!["src/session/user_5.ts".into()],
        symbols: vec!["getUser".into()],
        recent: vec!["src/token/order_9.ts".into()],
    };
    let first = repo_map(&idx, &focus, 1500);
    for _ in 0..3 {
        let files: Vec<FileIndex> = idx.files.values().cloned().collect();
        assert_eq!(repo_map(&index(files), &focus, 1500), first);
    }
    assert!(first.symbols > 0);
}

// ---- against a real tokenizer --------------------------------------------

/// An index made from the outlines in `tests/data/tokens/`: each `path:`
/// line starts a file, each `│ ` line is a definition (an indented one a
/// member of the one above), and files reference names of other files.
fn corpus_index() -> Index {
    let mut files: Vec<FileIndex> = Vec::new();
    for text in [
        include_str!("data/tokens/outline_ts.txt"),
        include_str!("data/tokens/outline_rust.txt"),
        include_str!("data/tokens/outline_python.txt"),
        include_str!("data/tokens/outline_go.txt"),
    ] {
        let mut container: Option<String> = None;
        for (line_no, line) in text.lines().enumerate() {
            if let Some(sig) = line.strip_prefix("│ ") {
                let Some(current) = files.last_mut() else { continue };
                if sig == "…" {
                    continue;
                }
                let nested = sig.starts_with("  ");
                let name = name_in(sig.trim());
                let mut d = def(&name, line_no as u32, sig.trim());
                if nested {
                    d.container = container.clone();
                } else {
                    container = Some(name);
                }
                current.defs.push(d);
            } else if let Some(path) = line.strip_suffix(':') {
                files.push(file(path, &[], &[]));
                container = None;
            }
        }
    }
    let names: Vec<String> = files.iter().flat_map(|f| f.defs.iter().map(|d| d.name.clone())).collect();
    let mut rng = Lcg(5);
    for f in &mut files {
        for r in 0..6 {
            f.refs.push(Ref { name: names[rng.next(names.len())].clone(), line: r });
        }
    }
    index(files)
}

/// The defined name in a signature: the first identifier that is not a keyword.
fn name_in(sig: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "export",
        "default",
        "async",
        "function",
        "class",
        "interface",
        "type",
        "const",
        "let",
        "var",
        "enum",
        "pub",
        "crate",
        "fn",
        "struct",
        "trait",
        "impl",
        "mod",
        "unsafe",
        "def",
        "func",
        "static",
        "private",
        "public",
        "readonly",
        "abstract",
        "get",
        "set",
        "new",
        "describe",
    ];
    let mut rest = sig;
    if let Some(after) = rest.strip_prefix("func (") {
        rest = after.split_once(')').map_or(after, |(_, r)| r);
    }
    rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .find(|w| !w.is_empty() && !KEYWORDS.contains(w) && !w.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or("anonymous")
        .to_string()
}

#[test]
fn rendered_maps_stay_within_budget_for_real_tokenizers() {
    let idx = corpus_index();
    assert!(idx.files.len() > 50);
    let encoders = [
        ("cl100k_base", tiktoken_rs::cl100k_base().expect("cl100k_base")),
        ("o200k_base", tiktoken_rs::o200k_base().expect("o200k_base")),
    ];
    let focuses = [
        Focus::default(),
        focus_files(&["src/auth/session.ts"]),
        Focus { symbols: vec!["login".into(), "TokenSigner".into()], ..Focus::default() },
    ];
    let mut worst = f64::MAX;
    for focus in &focuses {
        let ranking = rank(&idx, focus);
        for budget in [1, 5, 10, 25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 12000] {
            let map = render(&idx, &ranking, budget);
            assert!(map.tokens <= budget);
            for (name, bpe) in &encoders {
                let real = bpe.encode_ordinary(&map.text).len();
                // Within the whole budget (render keeps 5% back; see `tokens`).
                assert!(real <= budget, "{name}, budget {budget}: {real} real tokens ({} estimated)", map.tokens);
                if real > 0 {
                    let ratio = map.tokens as f64 / real as f64;
                    worst = worst.min(ratio);
                    // Never underestimates a rendered map by more than 10%.
                    assert!(ratio >= 0.9, "{name}, budget {budget}: estimate {} vs real {real}", map.tokens);
                }
            }
        }
    }
    eprintln!("lowest estimate / real over rendered maps: {worst:.3}");
}

/// The parser's per-name reference counts rank exactly as counting every
/// reference does.
#[test]
fn counted_references_rank_like_raw_references() {
    let raw = synthetic(300, 7);
    let mut counted = raw.clone();
    for f in counted.files.values_mut() {
        f.count_refs();
        assert!(!f.ref_counts.is_empty() || f.refs.is_empty());
    }
    let focus = focus_files(&[raw.files.keys().min().expect("files").as_str()]);
    assert_eq!(rank(&raw, &focus), rank(&counted, &focus));
}
