//! The repository map: which files and definitions matter most, given what
//! is in focus, rendered as a compact outline under a token budget.
//!
//! After aider's repo map. Files are nodes of a graph with an edge from a
//! file that references a name to each file that defines it; a
//! personalised PageRank over that graph ranks the files, and each file's
//! rank is shared out over its edges to rank (file, definition) pairs. The
//! best definitions are rendered, grouped by file, as many as fit the
//! budget.
//!
//! Ranking, in detail:
//! - Edge weight, per name: `sqrt(references from that file)`, times 10 if
//!   the name is in [`Focus::symbols`], times 10 for a long (8 or more
//!   characters) snake, kebab or camel case name, times 0.1 for a name
//!   starting with `_`, times 0.1 for a name defined in more than 5 files.
//! - A definition nobody references gets a self-edge of weight 0.1 (times
//!   the same factors), so it can still be ranked within its file.
//! - A file in focus references its own definitions (a self-edge of weight
//!   1, times the factors), so its own outline ranks with its neighbours'.
//! - Personalisation: 1 for each focus file, 0.5 for a file that defines a
//!   focus symbol (when at most 5 files do) or whose path has a component
//!   named like one, 0.25 for a recently changed file; normalised, then
//!   mixed with 10% uniform so that files out of the focus' reach are still
//!   ordered by their global importance. No focus at all: uniform.
//! - PageRank: damping 0.85, dangling files redistributed by the
//!   personalisation, up to 100 iterations or until the L1 change is below
//!   `1e-6` per file. Edges to all definers of a name are not materialised:
//!   the flow into a name is summed once and handed to each definer, so an
//!   iteration is linear in references plus definitions.
//!
//! Focus files are listed, unlike aider's chat files: the files a spec
//! names are not in the prompt in full, so their outline is the most useful
//! part of the map. The personalisation puts most of the rank on them, so
//! they and their definitions come first.
//!
//! Rendering takes the longest prefix of the ranked definitions whose
//! outline fits the budget less a 5% safety margin, by [`tokens::count`]
//! (binary search on the prefix length; a render is cheap). The margin
//! covers the estimate's error against real tokenizers. The outline lists
//! files in rank order, each file's chosen definitions in source order as
//! one-line signatures (cut at 120 characters), a member under its
//! container (whose head is shown for context even when it was not
//! chosen), and `│ …` closing a file whose outline leaves definitions out:
//!
//! ```text
//! src/auth/session.ts:
//! │ export class Session
//! │   refresh(): Promise<void>
//! │ export function login(email: string, password: string): Promise<Token>
//! │ …
//! src/db.ts:
//! │ export function query<T>(sql: string): Promise<T[]>
//! ```

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// The interning maps hash every reference of every file on each ranking:
/// a fast non-cryptographic hash (FxHash's, as rustc uses) instead of SipHash.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

use crate::{Def, FileIndex, Index, tokens};

/// What the map is personalised toward.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    /// Relative paths in focus: the open document, files named in the spec.
    pub files: Vec<String>,
    /// Identifiers named in the spec or the user's words.
    pub symbols: Vec<String>,
    /// Recently changed files.
    pub recent: Vec<String>,
}

/// Files and (file, definition name) pairs, best first; ties broken by
/// path, then name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ranking {
    pub files: Vec<(String, f64)>,
    /// `(path, name, score)`.
    pub defs: Vec<(String, String, f64)>,
}

/// A rendered map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoMap {
    pub text: String,
    /// `tokens::count(&text)`: at most the budget less its 5% safety margin.
    pub tokens: usize,
    /// Files listed.
    pub files: usize,
    /// Definitions chosen (container heads shown only for context are not counted).
    pub symbols: usize,
}

/// Ranks `index` and renders the best of it within `budget_tokens`.
pub fn repo_map(index: &Index, focus: &Focus, budget_tokens: usize) -> RepoMap {
    // A definition costs at least one token, so no more than `budget` of them can show.
    render(index, &rank_top(index, focus, budget_tokens), budget_tokens)
}

const DAMPING: f64 = 0.85;
const MAX_ITERATIONS: usize = 100;
const TOLERANCE: f64 = 1e-6;
const UNIFORM_SHARE: f64 = 0.1;
const FOCUS_FILE: f64 = 1.0;
const SYMBOL_FILE: f64 = 0.5;
const RECENT_FILE: f64 = 0.25;
const UNREFERENCED_SELF_EDGE: f64 = 0.1;
const FOCUS_SELF_EDGE: f64 = 1.0;
const MANY_DEFINERS: usize = 5;
/// The renderer fits the map to the budget less `budget / 20`.
const SAFETY_MARGIN_DIVISOR: usize = 20;

/// Ranks files and definitions by the reference graph, personalised toward `focus`.
pub fn rank(index: &Index, focus: &Focus) -> Ranking {
    rank_top(index, focus, usize::MAX)
}

/// [`rank`], keeping only the `limit` best definitions (the same ones, in the
/// same order, as the head of [`rank`]'s list).
pub fn rank_top(index: &Index, focus: &Focus, limit: usize) -> Ranking {
    let mut paths: Vec<&str> = index.files.keys().map(String::as_str).collect();
    paths.sort_unstable();
    if paths.is_empty() {
        return Ranking::default();
    }
    let files: Vec<&FileIndex> = paths.iter().map(|p| &index.files[*p]).collect();
    let file_id: HashMap<&str, usize> = paths.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let resolve = |path: &str| file_id.get(normalize_path(path)).copied();
    let focus_symbols = symbol_set(&focus.symbols);
    let mut in_focus = vec![false; files.len()];
    for f in focus.files.iter().filter_map(|path| resolve(path)) {
        in_focus[f] = true;
    }

    let graph = Graph::new(&files, &focus_symbols, &in_focus);
    let personalization = personalization(&files, focus, &focus_symbols, &resolve, &in_focus, &graph);
    let rank = graph.pagerank(&personalization);
    let score = graph.pair_scores(&rank);

    let mut file_order: Vec<usize> = (0..files.len()).collect();
    file_order.sort_by(|&a, &b| rank[b].total_cmp(&rank[a]).then_with(|| paths[a].cmp(paths[b])));
    let mut pair_order: Vec<usize> = (0..score.len()).collect();
    let (pair_file, pair_name) = (&graph.pair_file, &graph.pair_name);
    let order = |a: &usize, b: &usize| {
        score[*b]
            .total_cmp(&score[*a])
            .then_with(|| paths[pair_file[*a]].cmp(paths[pair_file[*b]]))
            .then_with(|| graph.names[pair_name[*a]].cmp(graph.names[pair_name[*b]]))
    };
    if limit < pair_order.len() {
        // Only the head is needed: select it, then sort just that.
        pair_order.select_nth_unstable_by(limit, order);
        pair_order.truncate(limit);
    }
    pair_order.sort_by(order);
    Ranking {
        files: file_order.into_iter().map(|f| (paths[f].to_string(), rank[f])).collect(),
        defs: pair_order
            .into_iter()
            .map(|p| (paths[pair_file[p]].to_string(), graph.names[pair_name[p]].to_string(), score[p]))
            .collect(),
    }
}

/// The reference graph over files `0..n`, in flat vectors. A *pair* is a
/// (file, defined name) pair; pairs are numbered file by file.
struct Graph<'a> {
    names: Vec<&'a str>,
    name_id: HashMap<&'a str, usize>,
    /// Pairs of file `f`: `pair_start[f]..pair_start[f + 1]`.
    pair_start: Vec<usize>,
    pair_name: Vec<usize>,
    pair_file: Vec<usize>,
    /// Pairs defining name `k`: `definer_pair[definer_start[k]..definer_start[k + 1]]`.
    definer_start: Vec<usize>,
    definer_pair: Vec<usize>,
    /// References of file `f` to defined names: `ref_start[f]..ref_start[f + 1]`,
    /// each with its edge weight (to each definer), normalised by the file's out-weight.
    ref_start: Vec<usize>,
    ref_name: Vec<usize>,
    ref_weight: Vec<f64>,
    /// Each pair's self-edge weight, normalised by its file's out-weight.
    self_weight: Vec<f64>,
    /// Per file: the sum of its pairs' self weights, and whether it has no out-edges.
    self_share: Vec<f64>,
    dangling: Vec<bool>,
}

impl<'a> Graph<'a> {
    fn new(files: &[&'a FileIndex], focus_symbols: &HashSet<&str>, in_focus: &[bool]) -> Self {
        let n = files.len();
        // Pairs: each file's distinct defined names, interned.
        let mut name_id: HashMap<&'a str, usize> = HashMap::default();
        let mut names: Vec<&'a str> = Vec::new();
        let mut pair_start = Vec::with_capacity(n + 1);
        let mut pair_name: Vec<usize> = Vec::new();
        for file in files {
            pair_start.push(pair_name.len());
            let from = pair_name.len();
            for def in &file.defs {
                let id = *name_id.entry(def.name.as_str()).or_insert_with(|| {
                    names.push(def.name.as_str());
                    names.len() - 1
                });
                pair_name.push(id);
            }
            pair_name[from..].sort_unstable();
            let mut kept = from;
            for i in from..pair_name.len() {
                if i == from || pair_name[i] != pair_name[kept - 1] {
                    pair_name[kept] = pair_name[i];
                    kept += 1;
                }
            }
            pair_name.truncate(kept);
        }
        pair_start.push(pair_name.len());
        let pairs = pair_name.len();
        let pair_file: Vec<usize> =
            (0..n).flat_map(|f| std::iter::repeat_n(f, pair_start[f + 1] - pair_start[f])).collect();

        // Definers of each name.
        let mut definer_start = vec![0usize; names.len() + 1];
        for &name in &pair_name {
            definer_start[name + 1] += 1;
        }
        for k in 0..names.len() {
            definer_start[k + 1] += definer_start[k];
        }
        let mut definer_pair = vec![0usize; pairs];
        let mut fill = definer_start.clone();
        for (pair, &name) in pair_name.iter().enumerate() {
            definer_pair[fill[name]] = pair;
            fill[name] += 1;
        }
        let definers = |k: usize| definer_start[k + 1] - definer_start[k];

        // References to defined names, counted per file.
        let mut ref_start = Vec::with_capacity(n + 1);
        let mut ref_name: Vec<usize> = Vec::new();
        let mut ref_count: Vec<usize> = Vec::new();
        let mut referenced = vec![false; names.len()];
        let mut scratch: Vec<usize> = Vec::new();
        for file in files {
            ref_start.push(ref_name.len());
            if file.ref_counts.is_empty() {
                scratch.clear();
                scratch.extend(file.refs.iter().filter_map(|r| name_id.get(r.name.as_str()).copied()));
                scratch.sort_unstable();
                for run in scratch.chunk_by(|a, b| a == b) {
                    ref_name.push(run[0]);
                    ref_count.push(run.len());
                    referenced[run[0]] = true;
                }
            } else {
                // The parser counted each distinct name: one lookup per name.
                let from = ref_name.len();
                for (name, count) in &file.ref_counts {
                    if let Some(&k) = name_id.get(name.as_str()) {
                        ref_name.push(k);
                        ref_count.push(*count as usize);
                        referenced[k] = true;
                    }
                }
                // Same order as the fallback (by name id), so results do not depend on the path taken.
                let mut pairs: Vec<(usize, usize)> =
                    ref_name[from..].iter().copied().zip(ref_count[from..].iter().copied()).collect();
                pairs.sort_unstable();
                for (i, (k, c)) in pairs.into_iter().enumerate() {
                    ref_name[from + i] = k;
                    ref_count[from + i] = c;
                }
            }
        }
        ref_start.push(ref_name.len());

        // Weights.
        let multiplier: Vec<f64> = names
            .iter()
            .enumerate()
            .map(|(k, name)| name_multiplier(name, definers(k), focus_symbols.contains(name)))
            .collect();
        let mut ref_weight: Vec<f64> =
            ref_name.iter().zip(&ref_count).map(|(&k, &count)| multiplier[k] * (count as f64).sqrt()).collect();
        let mut self_weight = vec![0.0f64; pairs];
        for (pair, &k) in pair_name.iter().enumerate() {
            if !referenced[k] {
                self_weight[pair] += UNREFERENCED_SELF_EDGE * multiplier[k];
            }
            if in_focus[pair_file[pair]] {
                self_weight[pair] += FOCUS_SELF_EDGE * multiplier[k];
            }
        }
        // Normalise by each file's out-weight: an edge to every definer of
        // each name it references, and its self-edges.
        let mut self_share = vec![0.0f64; n];
        let mut dangling = vec![false; n];
        for f in 0..n {
            let refs = ref_start[f]..ref_start[f + 1];
            let own = pair_start[f]..pair_start[f + 1];
            let out = refs.clone().map(|i| ref_weight[i] * definers(ref_name[i]) as f64).sum::<f64>()
                + self_weight[own.clone()].iter().sum::<f64>();
            if out > 0.0 {
                ref_weight[refs].iter_mut().for_each(|w| *w /= out);
                self_weight[own.clone()].iter_mut().for_each(|w| *w /= out);
                self_share[f] = self_weight[own].iter().sum();
            } else {
                dangling[f] = true;
            }
        }

        Self {
            names,
            name_id,
            pair_start,
            pair_name,
            pair_file,
            definer_start,
            definer_pair,
            ref_start,
            ref_name,
            ref_weight,
            self_weight,
            self_share,
            dangling,
        }
    }

    fn files(&self) -> usize {
        self.pair_start.len() - 1
    }

    /// The files defining `name`.
    fn definers_of(&self, name: &str) -> impl Iterator<Item = usize> + '_ {
        let k = self.name_id.get(name).copied();
        let range = k.map_or(0..0, |k| self.definer_start[k]..self.definer_start[k + 1]);
        self.definer_pair[range].iter().map(|&pair| self.pair_file[pair])
    }

    /// The flow along reference edges into each name, from ranks `rank`.
    /// Every definer of a name receives all of it: the edges to each
    /// definer have the same weight, so they are summed once, not stored.
    fn name_flow(&self, rank: &[f64], flow: &mut [f64]) {
        flow.iter_mut().for_each(|x| *x = 0.0);
        for (f, &r) in rank.iter().enumerate() {
            if self.dangling[f] {
                continue;
            }
            for i in self.ref_start[f]..self.ref_start[f + 1] {
                flow[self.ref_name[i]] += r * self.ref_weight[i];
            }
        }
    }

    /// Personalised PageRank by power iteration.
    fn pagerank(&self, personalization: &[f64]) -> Vec<f64> {
        let n = self.files();
        let mut rank = vec![1.0 / n as f64; n];
        let mut next = vec![0.0f64; n];
        let mut flow = vec![0.0f64; self.names.len()];
        for _ in 0..MAX_ITERATIONS {
            self.name_flow(&rank, &mut flow);
            let mut dangling_mass = 0.0;
            for f in 0..n {
                if self.dangling[f] {
                    dangling_mass += rank[f];
                }
                next[f] = DAMPING * rank[f] * self.self_share[f];
            }
            for (k, &x) in flow.iter().enumerate() {
                if x > 0.0 {
                    for &pair in &self.definer_pair[self.definer_start[k]..self.definer_start[k + 1]] {
                        next[self.pair_file[pair]] += DAMPING * x;
                    }
                }
            }
            let teleport = DAMPING * dangling_mass + (1.0 - DAMPING);
            let mut change = 0.0;
            for f in 0..n {
                next[f] += teleport * personalization[f];
                change += (next[f] - rank[f]).abs();
            }
            std::mem::swap(&mut rank, &mut next);
            if change < n as f64 * TOLERANCE {
                break;
            }
        }
        rank
    }

    /// Each pair's share of its referencers' rank (and of its own file's,
    /// through its self-edge).
    fn pair_scores(&self, rank: &[f64]) -> Vec<f64> {
        let mut flow = vec![0.0f64; self.names.len()];
        self.name_flow(rank, &mut flow);
        (0..self.pair_name.len())
            .map(|pair| flow[self.pair_name[pair]] + rank[self.pair_file[pair]] * self.self_weight[pair])
            .collect()
    }
}

/// Focus symbols, and the parts of qualified ones (`Session.refresh`,
/// `auth::login`), which are matched whole.
fn symbol_set(symbols: &[String]) -> HashSet<&str> {
    let mut set = HashSet::new();
    for symbol in symbols {
        let symbol = symbol.trim();
        if symbol.is_empty() {
            continue;
        }
        set.insert(symbol);
        for part in symbol.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')) {
            if !part.is_empty() {
                set.insert(part);
            }
        }
    }
    set
}

fn normalize_path(path: &str) -> &str {
    path.trim_start_matches("./")
}

/// aider's weighting of a name: mentioned names and long compound names
/// count more, private and widely defined names less.
fn name_multiplier(name: &str, definers: usize, in_focus: bool) -> f64 {
    let mut m = 1.0;
    if in_focus {
        m *= 10.0;
    }
    let alpha = name.chars().any(char::is_alphabetic);
    let snake = alpha && name.contains('_');
    let kebab = alpha && name.contains('-');
    let camel = name.chars().any(char::is_uppercase) && name.chars().any(char::is_lowercase);
    if (snake || kebab || camel) && name.chars().count() >= 8 {
        m *= 10.0;
    }
    if name.starts_with('_') {
        m *= 0.1;
    }
    if definers > MANY_DEFINERS {
        m *= 0.1;
    }
    m
}

/// The teleport distribution: toward focus files, definers of focus
/// symbols, files named like focus symbols and recent files, with a
/// uniform share.
fn personalization(
    files: &[&FileIndex],
    focus: &Focus,
    focus_symbols: &HashSet<&str>,
    resolve: &dyn Fn(&str) -> Option<usize>,
    in_focus: &[bool],
    graph: &Graph,
) -> Vec<f64> {
    let n = files.len();
    let mut weight = vec![0.0f64; n];
    for f in focus.recent.iter().filter_map(|path| resolve(path)) {
        weight[f] = weight[f].max(RECENT_FILE);
    }
    for symbol in focus_symbols {
        if graph.definers_of(symbol).count() <= MANY_DEFINERS {
            for f in graph.definers_of(symbol) {
                weight[f] = weight[f].max(SYMBOL_FILE);
            }
        }
    }
    if !focus_symbols.is_empty() {
        for (f, file) in files.iter().enumerate() {
            if path_names(&file.path).any(|part| focus_symbols.contains(part)) {
                weight[f] = weight[f].max(SYMBOL_FILE);
            }
        }
    }
    for (f, &focused) in in_focus.iter().enumerate() {
        if focused {
            weight[f] = weight[f].max(FOCUS_FILE);
        }
    }
    let total: f64 = weight.iter().sum();
    let uniform = 1.0 / n as f64;
    if total > 0.0 {
        weight.iter().map(|w| (1.0 - UNIFORM_SHARE) * w / total + UNIFORM_SHARE * uniform).collect()
    } else {
        vec![uniform; n]
    }
}

/// A path's directory names, file name and file stem.
fn path_names(path: &str) -> impl Iterator<Item = &str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    path.split('/').chain([stem])
}

/// Renders the largest prefix of `ranking.defs` whose outline fits
/// `budget_tokens` less a 5% safety margin, by [`tokens::count`]; found by
/// binary search on the prefix length. The margin covers the estimate's
/// error, so the map fits the budget under a real tokenizer too (see
/// [`tokens`]). Pairs naming files or definitions `index` does not have
/// are skipped.
pub fn render(index: &Index, ranking: &Ranking, budget_tokens: usize) -> RepoMap {
    let budget = budget_tokens - budget_tokens / SAFETY_MARGIN_DIVISOR;
    let file_rank: HashMap<&str, usize> =
        ranking.files.iter().enumerate().map(|(i, (path, _))| (path.as_str(), i)).collect();

    // Each ranked pair, resolved once to its file and its definitions.
    let mut slot_of: HashMap<&str, usize> = HashMap::default();
    let mut files: Vec<RenderFile> = Vec::new();
    let mut picks: Vec<(usize, Vec<usize>)> = Vec::new();
    for (path, name, _) in &ranking.defs {
        // Every picked pair adds a line, and every line costs a token, so
        // no more pairs than tokens can fit.
        if picks.len() == budget {
            break;
        }
        let Some(file) = index.files.get(path) else { continue };
        let slot = *slot_of.entry(file.path.as_str()).or_insert_with(|| {
            let mut by_name: HashMap<&str, Vec<usize>> = HashMap::default();
            for (i, d) in file.defs.iter().enumerate() {
                by_name.entry(d.name.as_str()).or_default().push(i);
            }
            files.push(RenderFile {
                file,
                rank: file_rank.get(file.path.as_str()).copied().unwrap_or(usize::MAX),
                by_name,
            });
            files.len() - 1
        });
        if let Some(defs) = files[slot].by_name.remove(name.as_str()) {
            picks.push((slot, defs));
        }
    }

    let (mut low, mut high) = (0, picks.len());
    let mut best = RepoMap::default();
    while low < high {
        let mid = low + (high - low).div_ceil(2);
        let map = render_picks(&files, &picks[..mid]);
        if map.tokens <= budget {
            low = mid;
            best = map;
        } else {
            high = mid - 1;
        }
    }
    best
}

struct RenderFile<'a> {
    file: &'a FileIndex,
    /// Position in the ranking's files (`usize::MAX` if not there).
    rank: usize,
    /// Definitions by name, not yet picked.
    by_name: HashMap<&'a str, Vec<usize>>,
}

/// The outline of the picked definitions: files in rank order (then by
/// path), each file's outline after its `path:` line.
fn render_picks(files: &[RenderFile], picks: &[(usize, Vec<usize>)]) -> RepoMap {
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    let mut order: Vec<usize> = Vec::new();
    for (slot, defs) in picks {
        if chosen[*slot].is_empty() {
            order.push(*slot);
        }
        chosen[*slot].extend_from_slice(defs);
    }
    order.sort_by(|&a, &b| files[a].rank.cmp(&files[b].rank).then_with(|| files[a].file.path.cmp(&files[b].file.path)));
    let mut text = String::new();
    let mut symbols = 0;
    for &slot in &order {
        let file = files[slot].file;
        let picked = &mut chosen[slot];
        picked.sort_unstable();
        push_line(&mut text, "", &file.path, ":");
        symbols += picked.len();
        if !file_outline(&mut text, file, picked) {
            text.push_str("│ …\n");
        }
    }
    RepoMap { tokens: tokens::count(&text), text, files: order.len(), symbols }
}

/// Writes a file's outline: its picked definitions (sorted indices into
/// `file.defs`) in source order, members under their container's head.
/// Returns whether it showed all of the file's definitions.
fn file_outline(text: &mut String, file: &FileIndex, picked: &[usize]) -> bool {
    enum Head<'d> {
        Def(usize),
        Name(&'d str),
    }
    struct Block<'d> {
        at: (u32, u32),
        head: Head<'d>,
        members: Vec<usize>,
    }
    let defs = &file.defs;
    let at = |i: usize| (defs[i].line, defs[i].column);
    let mut blocks: Vec<Block> = Vec::new();
    let block_of_def = |blocks: &mut Vec<Block>, i: usize| -> usize {
        blocks.iter().position(|b| matches!(b.head, Head::Def(h) if h == i)).unwrap_or_else(|| {
            blocks.push(Block { at: at(i), head: Head::Def(i), members: Vec::new() });
            blocks.len() - 1
        })
    };
    // Top-level definitions first, so that members find them as heads.
    for &i in picked {
        if defs[i].container.is_none() {
            block_of_def(&mut blocks, i);
        }
    }
    for &i in picked {
        let Some(container) = defs[i].container.as_deref() else { continue };
        let b = match container_of(file, i, container) {
            Some(c) => block_of_def(&mut blocks, c),
            None => {
                blocks.iter().position(|b| matches!(b.head, Head::Name(n) if n == container)).unwrap_or_else(|| {
                    blocks.push(Block { at: at(i), head: Head::Name(container), members: Vec::new() });
                    blocks.len() - 1
                })
            }
        };
        if let Head::Name(_) = blocks[b].head {
            // A container known only by name stands at its first member.
            blocks[b].at = blocks[b].at.min(at(i));
        }
        blocks[b].members.push(i);
    }
    blocks.sort_by_key(|b| b.at);

    // A picked member that heads a block of its own is shown once, as the head.
    let is_head = |i: usize| blocks.iter().any(|b| matches!(b.head, Head::Def(h) if h == i));
    let mut shown = 0;
    for block in &blocks {
        match block.head {
            Head::Def(i) => {
                push_line(text, "│ ", signature(&defs[i]), "");
                shown += 1;
            }
            Head::Name(name) => push_line(text, "│ ", name, ""),
        }
        let mut members = block.members.clone();
        members.sort_by_key(|&i| at(i));
        for i in members {
            if !is_head(i) {
                push_line(text, "│   ", signature(&defs[i]), "");
                shown += 1;
            }
        }
    }
    shown == defs.len()
}

/// The definition a member's container names: the nearest one above it by
/// that name, else any by that name.
fn container_of(file: &FileIndex, member: usize, container: &str) -> Option<usize> {
    let line = file.defs[member].line;
    let candidates = || (0..file.defs.len()).filter(|&i| i != member && file.defs[i].name == container);
    candidates()
        .filter(|&i| file.defs[i].line <= line)
        .max_by_key(|&i| file.defs[i].line)
        .or_else(|| candidates().next())
}

/// A definition's signature, or its name if the signature is empty.
fn signature(def: &Def) -> &str {
    if def.signature.trim().is_empty() { &def.name } else { &def.signature }
}

/// Writes `prefix`, `body` on one line and `suffix`, then a newline.
fn push_line(text: &mut String, prefix: &str, body: &str, suffix: &str) {
    text.push_str(prefix);
    push_one_line(text, body);
    text.push_str(suffix);
    text.push('\n');
}

const MAX_LINE: usize = 120;

/// Writes `body` on one line: control characters and blanks become single
/// spaces, and past `MAX_LINE` characters it is cut, ending in `…`.
fn push_one_line(text: &mut String, body: &str) {
    let start = text.len();
    let mut chars = 0;
    let mut blank = false;
    let mut cut_at = None;
    for c in body.trim().chars() {
        let c = if c.is_control() || c.is_whitespace() { ' ' } else { c };
        if c == ' ' && blank {
            continue;
        }
        blank = c == ' ';
        if chars == MAX_LINE - 1 {
            cut_at = Some(text.len());
        }
        if chars == MAX_LINE {
            if let Some(cut) = cut_at {
                text.truncate(cut);
                text.push('…');
            }
            return;
        }
        text.push(c);
        chars += 1;
    }
    debug_assert!(text[start..].chars().count() <= MAX_LINE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_weights_follow_aider() {
        assert_eq!(name_multiplier("run", 1, false), 1.0);
        assert_eq!(name_multiplier("run", 1, true), 10.0);
        assert_eq!(name_multiplier("getUserById", 1, false), 10.0);
        assert_eq!(name_multiplier("find_user", 1, false), 10.0);
        assert_eq!(name_multiplier("password", 1, false), 1.0, "long but not compound");
        assert!((name_multiplier("_priv", 1, false) - 0.1).abs() < 1e-12);
        // As in aider, a leading `_` makes a long name snake case too.
        assert!((name_multiplier("_private", 1, false) - 1.0).abs() < 1e-12);
        assert!((name_multiplier("init", 6, false) - 0.1).abs() < 1e-12);
        assert_eq!(name_multiplier("init", 5, false), 1.0);
    }

    #[test]
    fn qualified_focus_symbols_count_for_their_parts() {
        let symbols = ["Session.refresh".to_string(), " auth::login ".to_string(), String::new()];
        let mut set: Vec<&str> = symbol_set(&symbols).into_iter().collect();
        set.sort_unstable();
        assert_eq!(set, ["Session", "Session.refresh", "auth", "auth::login", "login", "refresh"]);
    }

    #[test]
    fn path_names_are_folders_file_and_stem() {
        let names: Vec<&str> = path_names("src/auth/session.test.ts").collect();
        assert_eq!(names, ["src", "auth", "session.test.ts", "session"]);
    }

    #[test]
    fn lines_are_flattened_and_cut() {
        let mut text = String::new();
        push_one_line(&mut text, "  fn f(\n\ta: u32,\r\n  b: u32)  ");
        assert_eq!(text, "fn f( a: u32, b: u32)");
        for len in [MAX_LINE - 1, MAX_LINE, MAX_LINE + 1, 3 * MAX_LINE] {
            let mut text = String::new();
            push_one_line(&mut text, &"é".repeat(len));
            let expected = if len <= MAX_LINE { "é".repeat(len) } else { "é".repeat(MAX_LINE - 1) + "…" };
            assert_eq!(text, expected, "{len}");
        }
    }
}
