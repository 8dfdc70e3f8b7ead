//! The repository map: which files and definitions matter most, given what
//! is in focus, rendered as a compact outline under a token budget.
//!
//! After aider's repo map. Files are nodes of a graph with an edge from a
//! file that references a name to the files that define it, and from a file
//! to each workspace file it imports; a personalised PageRank over that
//! graph ranks the files, and each file's rank is shared out over its edges
//! to rank (file, definition) pairs. The best definitions are rendered,
//! grouped by file, as many as fit the budget.
//!
//! Ranking, in detail (`c` = a file's references to a name, `d` = the
//! name's definers, `R(p)` = the distinct files referencing definition `p`,
//! `I(g)` = the distinct files importing file `g`):
//! - Imports are resolved to files (relative JS/TS specifiers, Rust
//!   `crate::`/`self::`/`super::` paths and `mod` declarations, Python
//!   modules, Go packages; see `Resolver`). A reference to a name that an
//!   imported file defines is *resolved*: its edges go to those definers only.
//! - A file's references to names it defines itself are internal: no edge.
//! - Resolved edge, to each of the `m` imported definers `p`:
//!   `(1 + ln c) / sqrt(m) * sqrt(R(p))`, times 10 if the name is in
//!   [`Focus::symbols`], times 0.1 for a name starting with `_`.
//! - Unresolved edge, to each definer `p`: `(1 + ln c) / sqrt(d) * sqrt(R(p))`
//!   times aider's factors (10 for a focus symbol; 10 for a long, 8 or more
//!   characters, snake, kebab or camel case name; 0.1 for a leading `_`; 0.1
//!   when `d > 5`), times 0.25 when the file's imports resolve elsewhere
//!   (what it does not import is a global, a method or a re-export).
//! - `R(p)` counts each referencing file once (a resolved reference 1 / `m`
//!   for each of its `m` definers, an unresolved one 1 / `d`), so twenty
//!   files naming a definition once outweigh one file naming it fifty times.
//! - Import edge, to each imported file `g`: `sqrt(I(g))` (a Go package's
//!   files share one import), re-exports (`export … from`) included. What
//!   flows along import edges into a file is shared among its definitions in
//!   proportion to the rest of their scores.
//! - A file using fewer than 3 other files passes on only that fraction of
//!   its rank (the rest teleports): one central importer does not make a
//!   leaf central.
//! - A definition no other file references gets a self-edge of weight
//!   `0.1 * (1 + ln(1 + internal references))` times the name's factors; it
//!   only orders definitions within the file, its share of the file's rank
//!   teleports. A file in focus references its own definitions (a self-edge
//!   of weight 1, times the factors) and keeps that share, so its own
//!   outline ranks with its neighbours'.
//! - Personalisation: 1 for each focus file, 0.5 for a file that defines a
//!   focus symbol (when at most 5 files do) or whose path has a component
//!   named like one, 0.25 for a recently changed file; normalised, then
//!   mixed with 10% uniform so that files out of the focus' reach are still
//!   ordered by their global importance. No focus at all: uniform.
//! - PageRank: damping 0.85, dangling files (and the shares above that
//!   teleport) redistributed by the personalisation, up to 100 iterations or
//!   until the L1 change is below `1e-6` per file. Unresolved edges to all
//!   definers of a name are not materialised: the flow into a name is summed
//!   once and handed to each definer times its `sqrt(R(p))`, so an iteration
//!   is linear in references plus definitions.
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

use crate::{Def, FileIndex, Index, Lang, tokens};

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
/// An import counts as much as one reference to a name, before popularity.
const MODULE_EDGE: f64 = 1.0;
/// A file passes on all of its rank only when it uses at least this many files.
const MIN_TARGETS: usize = 3;
/// A reference to a name that no import of its file resolves, from a file with resolved imports.
const UNIMPORTED: f64 = 0.25;
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
///
/// Three kinds of edges leave a file: to a name (and so to every definer of
/// it) when no file it imports defines the name; to pairs, when its imports
/// resolve the name to them; and to the files it imports.
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
    /// Unresolved references of file `f`: `ref_start[f]..ref_start[f + 1]`, each
    /// with its weight normalised by the file's out-weight; a definer `p` of the
    /// name receives that weight times `pair_pop[p]`.
    ref_start: Vec<usize>,
    ref_name: Vec<usize>,
    ref_weight: Vec<f64>,
    /// Each pair's popularity: the square root of its distinct referencing files.
    pair_pop: Vec<f64>,
    /// References resolved through imports: `link_start[f]..link_start[f + 1]`.
    link_start: Vec<usize>,
    link_pair: Vec<usize>,
    link_weight: Vec<f64>,
    /// Imported files: `module_start[f]..module_start[f + 1]`.
    module_start: Vec<usize>,
    module_file: Vec<usize>,
    module_weight: Vec<f64>,
    /// Each pair's self-edge weight, normalised by its file's out-weight.
    self_weight: Vec<f64>,
    /// Per file: the share of its rank it keeps (focus self-edges), the share
    /// that goes back to the teleport (the other self-edges, which only rank
    /// definitions within the file), and whether it has no out-edges.
    self_share: Vec<f64>,
    leak_share: Vec<f64>,
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
        let definers = |k: usize| &definer_pair[definer_start[k]..definer_start[k + 1]];
        let pair_of = |f: usize, k: usize| -> Option<usize> {
            let own = &pair_name[pair_start[f]..pair_start[f + 1]];
            own.binary_search(&k).ok().map(|i| pair_start[f] + i)
        };

        // Imports, resolved to files.
        let resolver = Resolver::new(files);
        let mut module_start = Vec::with_capacity(n + 1);
        let mut module_file: Vec<usize> = Vec::new();
        let mut module_weight: Vec<f64> = Vec::new();
        let mut importers = vec![0usize; n];
        for (f, file) in files.iter().enumerate() {
            module_start.push(module_file.len());
            let from = module_file.len();
            for spec in &file.imports {
                let targets = resolver.resolve(f, spec);
                let share = 1.0 / targets.len().max(1) as f64;
                for g in targets.into_iter().filter(|&g| g != f) {
                    module_file.push(g);
                    module_weight.push(share);
                }
            }
            // One edge per imported file (a file imported twice, as `import type`
            // and `import`, counts once, at its larger share).
            let mut edges: Vec<(usize, f64)> =
                module_file[from..].iter().copied().zip(module_weight[from..].iter().copied()).collect();
            edges.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            edges.dedup_by_key(|e| e.0);
            module_file.truncate(from);
            module_weight.truncate(from);
            for (g, w) in edges {
                importers[g] += 1;
                module_file.push(g);
                module_weight.push(w);
            }
        }
        module_start.push(module_file.len());

        // References to defined names, counted per file; a file's references
        // to its own definitions are internal and make no edge.
        struct Use {
            file: usize,
            name: usize,
            count: usize,
            /// Resolved: the definers among the file's imports.
            resolved: bool,
        }
        let mut uses: Vec<Use> = Vec::new();
        let mut internal = vec![0usize; pairs];
        let mut scratch: Vec<(usize, usize)> = Vec::new();
        for (f, file) in files.iter().enumerate() {
            scratch.clear();
            if file.ref_counts.is_empty() {
                let mut ids: Vec<usize> =
                    file.refs.iter().filter_map(|r| name_id.get(r.name.as_str()).copied()).collect();
                ids.sort_unstable();
                scratch.extend(ids.chunk_by(|a, b| a == b).map(|run| (run[0], run.len())));
            } else {
                // The parser counted each distinct name: one lookup per name.
                scratch.extend(
                    file.ref_counts
                        .iter()
                        .filter_map(|(name, count)| name_id.get(name.as_str()).map(|&k| (k, *count as usize))),
                );
                // Same order as the fallback (by name id), so results do not depend on the path taken.
                scratch.sort_unstable();
            }
            let imports = &module_file[module_start[f]..module_start[f + 1]];
            for &(k, count) in &scratch {
                if let Some(own) = pair_of(f, k) {
                    internal[own] += count;
                    continue;
                }
                let resolved = definers(k).iter().any(|&p| imports.binary_search(&pair_file[p]).is_ok());
                uses.push(Use { file: f, name: k, count, resolved });
            }
        }
        // Files whose imports resolve: their other references are to globals,
        // methods of objects or re-exported names.
        let resolves: Vec<bool> =
            (0..n).map(|f| module_start[f + 1] > module_start[f] && lang_of(files[f]) != Some(Lang::Go)).collect();
        let imported_by =
            |f: usize, p: usize| module_file[module_start[f]..module_start[f + 1]].binary_search(&pair_file[p]).is_ok();

        // Distinct referencing files of each pair: a reference to a name some
        // import resolves counts 1 for each such definer, divided by their
        // number; an unresolved one counts 1 / definers for every definer.
        let mut referrers = vec![0.0f64; pairs];
        for u in &uses {
            let candidates = definers(u.name).iter().filter(|&&p| !u.resolved || imported_by(u.file, p));
            let count = candidates.clone().count();
            for &p in candidates {
                referrers[p] += 1.0 / count as f64;
            }
        }
        let pair_pop: Vec<f64> = referrers.iter().map(|r| r.sqrt()).collect();
        let module_pop: Vec<f64> = importers.iter().map(|&i| (i as f64).sqrt()).collect();

        // Weights.
        let plain: Vec<f64> =
            names.iter().map(|name| resolved_multiplier(name, focus_symbols.contains(name))).collect();
        let multiplier: Vec<f64> = names
            .iter()
            .enumerate()
            .map(|(k, name)| name_multiplier(name, definers(k).len(), focus_symbols.contains(name)))
            .collect();
        let mut ref_start = Vec::with_capacity(n + 1);
        let mut ref_name: Vec<usize> = Vec::new();
        let mut ref_weight: Vec<f64> = Vec::new();
        let mut link_start = Vec::with_capacity(n + 1);
        let mut link_pair: Vec<usize> = Vec::new();
        let mut link_weight: Vec<f64> = Vec::new();
        let mut uses = uses.iter().peekable();
        for (f, &resolving) in resolves.iter().enumerate() {
            ref_start.push(ref_name.len());
            link_start.push(link_pair.len());
            while let Some(u) = uses.next_if(|u| u.file == f) {
                let k = u.name;
                if u.resolved {
                    let targets: Vec<usize> = definers(k).iter().copied().filter(|&p| imported_by(f, p)).collect();
                    let w = plain[k] * use_weight(u.count) / (targets.len() as f64).sqrt();
                    for p in targets {
                        link_pair.push(p);
                        link_weight.push(w * pair_pop[p]);
                    }
                } else {
                    let d = definers(k).len() as f64;
                    let scoped = if resolving { UNIMPORTED } else { 1.0 };
                    ref_name.push(k);
                    ref_weight.push(scoped * multiplier[k] * use_weight(u.count) / d.sqrt());
                }
            }
        }
        ref_start.push(ref_name.len());
        link_start.push(link_pair.len());
        let name_pop: Vec<f64> = (0..names.len()).map(|k| definers(k).iter().map(|&p| pair_pop[p]).sum()).collect();
        for (w, &g) in module_weight.iter_mut().zip(&module_file) {
            *w *= MODULE_EDGE * module_pop[g];
        }
        let mut self_weight = vec![0.0f64; pairs];
        let mut kept = vec![0.0f64; pairs];
        for (pair, &k) in pair_name.iter().enumerate() {
            if referrers[pair] == 0.0 {
                self_weight[pair] += UNREFERENCED_SELF_EDGE * multiplier[k] * use_weight(internal[pair] + 1);
            }
            if in_focus[pair_file[pair]] {
                kept[pair] = FOCUS_SELF_EDGE * multiplier[k];
                self_weight[pair] += kept[pair];
            }
        }
        // Normalise by each file's out-weight: its references (an unresolved
        // one to every definer of the name), imports and self-edges.
        let mut self_share = vec![0.0f64; n];
        let mut leak_share = vec![0.0f64; n];
        let mut dangling = vec![false; n];
        for f in 0..n {
            let refs = ref_start[f]..ref_start[f + 1];
            let links = link_start[f]..link_start[f + 1];
            let modules = module_start[f]..module_start[f + 1];
            let own = pair_start[f]..pair_start[f + 1];
            let edges = refs.clone().map(|i| ref_weight[i] * name_pop[ref_name[i]]).sum::<f64>()
                + link_weight[links.clone()].iter().sum::<f64>()
                + module_weight[modules.clone()].iter().sum::<f64>();
            let selves = self_weight[own.clone()].iter().sum::<f64>();
            // A file that uses fewer than `MIN_TARGETS` other files passes on
            // only that fraction of its rank: one importer, however central,
            // does not make a module central.
            let mut targets: Vec<usize> = link_pair[links.clone()].iter().map(|&p| pair_file[p]).collect();
            targets.extend_from_slice(&module_file[modules.clone()]);
            targets.sort_unstable();
            targets.dedup();
            let reach = targets.len() + refs.clone().map(|i| definers(ref_name[i]).len()).sum::<usize>();
            let spread =
                if reach > 0 && reach < MIN_TARGETS { edges * (MIN_TARGETS as f64 / reach as f64 - 1.0) } else { 0.0 };
            let out = edges + selves + spread;
            if edges > 0.0 || kept[own.clone()].iter().any(|&w| w > 0.0) {
                ref_weight[refs].iter_mut().for_each(|w| *w /= out);
                link_weight[links].iter_mut().for_each(|w| *w /= out);
                module_weight[modules].iter_mut().for_each(|w| *w /= out);
                self_weight[own.clone()].iter_mut().for_each(|w| *w /= out);
                self_share[f] = kept[own].iter().sum::<f64>() / out;
                leak_share[f] = (selves + spread) / out - self_share[f];
            } else {
                // Only definitions nobody uses: its rank teleports, and its
                // self-edges still order its definitions.
                if selves > 0.0 {
                    self_weight[own].iter_mut().for_each(|w| *w /= selves);
                }
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
            pair_pop,
            link_start,
            link_pair,
            link_weight,
            module_start,
            module_file,
            module_weight,
            self_weight,
            self_share,
            leak_share,
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

    /// The flow along unresolved reference edges into each name, from ranks
    /// `rank`. Every definer `p` of a name receives `pair_pop[p]` times it:
    /// the edges to each definer differ only by that factor, so they are
    /// summed once, not stored.
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

    /// Adds the flow along reference edges (unresolved and resolved) into each pair.
    fn pair_flow(&self, rank: &[f64], flow: &mut [f64], into: &mut [f64]) {
        self.name_flow(rank, flow);
        for (k, &x) in flow.iter().enumerate() {
            if x > 0.0 {
                for &pair in &self.definer_pair[self.definer_start[k]..self.definer_start[k + 1]] {
                    into[pair] += x * self.pair_pop[pair];
                }
            }
        }
        for (f, &r) in rank.iter().enumerate() {
            if self.dangling[f] {
                continue;
            }
            for i in self.link_start[f]..self.link_start[f + 1] {
                into[self.link_pair[i]] += r * self.link_weight[i];
            }
        }
    }

    /// The flow along import edges into each file.
    fn module_flow(&self, rank: &[f64], into: &mut [f64]) {
        for (f, &r) in rank.iter().enumerate() {
            if self.dangling[f] {
                continue;
            }
            for i in self.module_start[f]..self.module_start[f + 1] {
                into[self.module_file[i]] += r * self.module_weight[i];
            }
        }
    }

    /// Personalised PageRank by power iteration.
    fn pagerank(&self, personalization: &[f64]) -> Vec<f64> {
        let n = self.files();
        let mut rank = vec![1.0 / n as f64; n];
        let mut next = vec![0.0f64; n];
        let mut flow = vec![0.0f64; self.names.len()];
        let mut into = vec![0.0f64; self.pair_name.len()];
        for _ in 0..MAX_ITERATIONS {
            let mut lost = 0.0;
            for f in 0..n {
                lost += rank[f] * if self.dangling[f] { 1.0 } else { self.leak_share[f] };
                next[f] = 0.0;
            }
            into.iter_mut().for_each(|x| *x = 0.0);
            self.pair_flow(&rank, &mut flow, &mut into);
            self.module_flow(&rank, &mut next);
            for (pair, &x) in into.iter().enumerate() {
                next[self.pair_file[pair]] += x;
            }
            let teleport = DAMPING * lost + (1.0 - DAMPING);
            let mut change = 0.0;
            for f in 0..n {
                next[f] = DAMPING * (next[f] + rank[f] * self.self_share[f]) + teleport * personalization[f];
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
    /// through its self-edge), plus a share of what flows into its file
    /// along import edges, in proportion to the rest of its score.
    fn pair_scores(&self, rank: &[f64]) -> Vec<f64> {
        let mut flow = vec![0.0f64; self.names.len()];
        let mut score = vec![0.0f64; self.pair_name.len()];
        self.pair_flow(rank, &mut flow, &mut score);
        for (pair, s) in score.iter_mut().enumerate() {
            *s += rank[self.pair_file[pair]] * self.self_weight[pair];
        }
        let mut imported = vec![0.0f64; self.files()];
        self.module_flow(rank, &mut imported);
        for (f, &m) in imported.iter().enumerate() {
            let own = &mut score[self.pair_start[f]..self.pair_start[f + 1]];
            if m <= 0.0 || own.is_empty() {
                continue;
            }
            let total: f64 = own.iter().sum();
            let even = 1.0 / own.len() as f64;
            for s in own.iter_mut() {
                *s += m * if total > 0.0 { *s / total } else { even };
            }
        }
        score
    }
}

/// How much a file's `count` references to one name weigh: `1 + ln(count)`,
/// so that one file naming a symbol often counts for little more than once.
fn use_weight(count: usize) -> f64 {
    1.0 + (count.max(1) as f64).ln()
}

/// Resolves import specifiers, as the parser records them, to indexed files:
/// relative JavaScript/TypeScript specifiers (`./context`, `../types.js`,
/// `./router` for `./router/index.ts`); Rust `crate::`, `self::` and
/// `super::` paths and `mod` declarations (the longest prefix that is a
/// module file); Python modules, relative (`.context`) or from the root or
/// any folder above the importer; Go import paths, to every file of the
/// folder that ends the path (two components at least). Packages outside the
/// workspace resolve to nothing.
struct Resolver<'a> {
    files: &'a [&'a FileIndex],
    by_path: HashMap<&'a str, usize>,
    /// Go files by folder.
    by_dir: HashMap<&'a str, Vec<usize>>,
}

const JS_EXTENSIONS: &[&str] = &[".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];

impl<'a> Resolver<'a> {
    fn new(files: &'a [&'a FileIndex]) -> Self {
        let by_path = files.iter().enumerate().map(|(i, f)| (f.path.as_str(), i)).collect();
        let mut by_dir: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, f) in files.iter().enumerate() {
            if lang_of(f) == Some(Lang::Go) {
                by_dir.entry(parent(&f.path)).or_default().push(i);
            }
        }
        Self { files, by_path, by_dir }
    }

    /// The files `spec`, imported by file `f`, names (several for a Go package).
    fn resolve(&self, f: usize, spec: &str) -> Vec<usize> {
        let path = self.files[f].path.as_str();
        let found = match lang_of(self.files[f]) {
            Some(Lang::TypeScript | Lang::Tsx | Lang::JavaScript) => self.javascript(path, spec),
            Some(Lang::Rust) => self.rust(path, spec),
            Some(Lang::Python) => self.python(path, spec),
            Some(Lang::Go) => return self.go(spec),
            None => None,
        };
        found.into_iter().collect()
    }

    fn first(&self, candidates: impl IntoIterator<Item = String>) -> Option<usize> {
        candidates.into_iter().find_map(|c| self.by_path.get(c.as_str()).copied())
    }

    fn javascript(&self, path: &str, spec: &str) -> Option<usize> {
        if !(spec == "." || spec == ".." || spec.starts_with("./") || spec.starts_with("../")) {
            return None;
        }
        let base = join(parent(path), spec)?;
        // TypeScript sources are imported by their output's name: `./context.js` is `./context.ts`.
        for (js, sources) in
            [(".js", &[".ts", ".tsx"][..]), (".jsx", &[".tsx"]), (".mjs", &[".mts"]), (".cjs", &[".cts"])]
        {
            if let Some(stem) = base.strip_suffix(js)
                && let Some(found) = self.first(sources.iter().map(|ext| format!("{stem}{ext}")))
            {
                return Some(found);
            }
        }
        self.first(
            std::iter::once(base.clone())
                .chain(JS_EXTENSIONS.iter().map(|ext| format!("{base}{ext}")))
                .chain(JS_EXTENSIONS.iter().map(|ext| format!("{base}/index{ext}"))),
        )
    }

    fn rust(&self, path: &str, spec: &str) -> Option<usize> {
        let segments: Vec<&str> = spec.split("::").map(str::trim).collect();
        let dir = parent(path);
        let stem = file_name(path).split('.').next().unwrap_or_default();
        // The folder of this file's submodules.
        let own = if matches!(stem, "mod" | "lib" | "main") { dir.to_string() } else { join_dir(dir, stem) };
        let (mut base, mut rest) = match segments[0] {
            "crate" => (crate_root(path).to_string(), &segments[1..]),
            "self" => (own, &segments[1..]),
            "super" => (own, &segments[..]),
            // `mod db;`, or a path from the crate root (2018 edition).
            _ if segments.len() == 1 => (own, &segments[..]),
            _ => (crate_root(path).to_string(), &segments[..]),
        };
        while rest.first() == Some(&"super") {
            base = parent(&base).to_string();
            rest = &rest[1..];
        }
        (1..=rest.len()).rev().find_map(|i| {
            let module = join_dir(&base, &rest[..i].join("/"));
            self.first([format!("{module}.rs"), format!("{module}/mod.rs")])
        })
    }

    fn python(&self, path: &str, spec: &str) -> Option<usize> {
        let module_files = |base: &str, dotted: &str| {
            let module = if dotted.is_empty() { base.to_string() } else { join_dir(base, &dotted.replace('.', "/")) };
            let init = join_dir(&module, "__init__.py");
            [format!("{module}.py"), format!("{module}.pyi"), init]
        };
        let dots = spec.len() - spec.trim_start_matches('.').len();
        if dots > 0 {
            let mut base = parent(path).to_string();
            for _ in 1..dots {
                base = parent(&base).to_string();
            }
            return self.first(module_files(&base, &spec[dots..]));
        }
        // From the root, then from each folder above the importer (`src/`, a package's parent).
        let mut bases = vec![""];
        let dir = parent(path);
        bases.extend(dir.match_indices('/').map(|(i, _)| &dir[..i]));
        if !dir.is_empty() {
            bases.push(dir);
        }
        bases.into_iter().find_map(|base| self.first(module_files(base, spec)))
    }

    fn go(&self, spec: &str) -> Vec<usize> {
        let segments: Vec<&str> = spec.split('/').collect();
        (0..segments.len())
            .filter(|&i| i == 0 || segments.len() - i >= 2)
            .find_map(|i| self.by_dir.get(segments[i..].join("/").as_str()))
            .cloned()
            .unwrap_or_default()
    }
}

fn lang_of(file: &FileIndex) -> Option<Lang> {
    file.lang.or_else(|| Lang::of(std::path::Path::new(&file.path)))
}

/// The folder of a `/`-separated path (`""` at the root).
fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn join_dir(dir: &str, rest: &str) -> String {
    if dir.is_empty() { rest.to_string() } else { format!("{dir}/{rest}") }
}

/// `dir` joined with a relative path, `.` and `..` resolved; `None` above the root.
fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The folder a Rust file's `crate::` paths start from: up to its last `src`
/// folder, else its own folder.
fn crate_root(path: &str) -> &str {
    let dir = parent(path);
    let (mut end, mut at) = (None, 0);
    for part in dir.split('/') {
        if part == "src" {
            end = Some(at + part.len());
        }
        at += part.len() + 1;
    }
    end.map_or(dir, |e| &dir[..e])
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

/// The weight of a name an import resolves: mentioned names count more,
/// private names less. The long-name and many-definers factors of
/// [`name_multiplier`] stand in for how likely a bare name is to mean the
/// definition at hand; an import says which it means.
fn resolved_multiplier(name: &str, in_focus: bool) -> f64 {
    let mut m = if in_focus { 10.0 } else { 1.0 };
    if name.starts_with('_') {
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
    fn imports_resolve_to_workspace_files() {
        let paths = [
            "src/context.ts",
            "src/router/index.ts",
            "src/handlers/users.ts",
            "server/index/src/lib.rs",
            "server/index/src/map.rs",
            "server/index/src/map/graph.rs",
            "server/index/src/parse/mod.rs",
            "app/models/__init__.py",
            "app/models/user.py",
            "app/views.py",
            "pkg/store/db.go",
            "pkg/store/cache.go",
            "cmd/main.go",
        ];
        let owned: Vec<FileIndex> =
            paths.iter().map(|p| FileIndex { path: p.to_string(), ..FileIndex::default() }).collect();
        let files: Vec<&FileIndex> = owned.iter().collect();
        let resolver = Resolver::new(&files);
        let at = |path: &str| paths.iter().position(|p| *p == path).expect("known path");
        let resolve = |from: &str, spec: &str| -> Vec<&str> {
            resolver.resolve(at(from), spec).into_iter().map(|i| paths[i]).collect()
        };
        assert_eq!(resolve("src/handlers/users.ts", "../context.js"), ["src/context.ts"]);
        assert_eq!(resolve("src/handlers/users.ts", "../context"), ["src/context.ts"]);
        assert_eq!(resolve("src/handlers/users.ts", "../router"), ["src/router/index.ts"]);
        assert!(resolve("src/handlers/users.ts", "hono").is_empty());
        assert!(resolve("src/context.ts", "../../../x").is_empty());
        assert_eq!(resolve("server/index/src/lib.rs", "map"), ["server/index/src/map.rs"]);
        assert_eq!(resolve("server/index/src/lib.rs", "parse"), ["server/index/src/parse/mod.rs"]);
        assert_eq!(resolve("server/index/src/map.rs", "crate::parse::Spec"), ["server/index/src/parse/mod.rs"]);
        assert_eq!(resolve("server/index/src/map.rs", "self::graph::Graph"), ["server/index/src/map/graph.rs"]);
        assert_eq!(resolve("server/index/src/map/graph.rs", "super::super::lib"), ["server/index/src/lib.rs"]);
        assert!(resolve("server/index/src/map.rs", "std::collections::HashMap").is_empty());
        assert_eq!(resolve("app/views.py", ".models"), ["app/models/__init__.py"]);
        assert_eq!(resolve("app/views.py", "app.models.user"), ["app/models/user.py"]);
        assert_eq!(resolve("app/models/user.py", ".."), Vec::<&str>::new());
        assert_eq!(resolve("cmd/main.go", "example.com/shop/pkg/store"), ["pkg/store/db.go", "pkg/store/cache.go"]);
        assert!(resolve("cmd/main.go", "fmt").is_empty());
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
