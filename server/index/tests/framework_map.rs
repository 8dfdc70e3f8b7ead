//! The repository map of a project shaped like a TypeScript web framework
//! (issue 14): a request context that most files import, and folders of leaf
//! type aliases that one or two files each use. Parsed for real, ranked and
//! rendered under a small budget.

use std::collections::{BTreeMap, BTreeSet};

use specwright_index::map::{Focus, rank, repo_map};
use specwright_index::{FileIndex, Index, Lang, parse_file};

/// The project's files: `(path, text)`.
fn framework() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut add = |path: &str, text: String| files.push((path.to_string(), text));

    // Leaf type aliases: long compound names that refer to each other inside
    // their file, each file used by one or two others.
    let topics = ["headers", "cookies", "status", "mime", "jsonSchema", "routing", "validation", "streaming"];
    for topic in topics {
        let cap = format!("{}{}", topic[..1].to_uppercase(), &topic[1..]);
        let mut text = String::new();
        for i in 0..12 {
            let prev = if i == 0 { "string".to_string() } else { format!("{cap}ShapeVariant{}", i - 1) };
            text.push_str(&format!(
                "export type {cap}ShapeVariant{i} = {{ kind: '{topic}{i}'; value: {prev}; next?: {cap}ShapeVariant{i}; list: {prev}[] }};\n"
            ));
        }
        text.push_str(&format!(
            "export type {cap}Options = {cap}ShapeVariant0 | {cap}ShapeVariant5 | {cap}ShapeVariant11;\n\
             export interface {cap}Descriptor {{ name: {cap}ShapeVariant3; options: {cap}Options; extra: {cap}ShapeVariant7 }}\n"
        ));
        add(&format!("src/types/{topic}.ts"), text);
    }

    add(
        "src/context.ts",
        "import type { HeadersOptions } from './types/headers';\n\
         export type Next = () => Promise<void>;\n\
         export class Context {\n\
         \x20 constructor(readonly req: Request) {}\n\
         \x20 header(name: string, value?: string): string | undefined { return value ?? name; }\n\
         \x20 status(code: number): this { return this; }\n\
         \x20 json(body: unknown, init?: number): Response { return new Response(JSON.stringify(body)); }\n\
         \x20 text(body: string): Response { return new Response(body); }\n\
         \x20 redirect(location: string): Response { return new Response(location); }\n\
         \x20 get(key: string): unknown { return key; }\n\
         \x20 set(key: string, value: unknown): void {}\n\
         \x20 options(): HeadersOptions | undefined { return undefined; }\n\
         }\n"
        .to_string(),
    );
    add(
        "src/http.ts",
        "import type { StatusOptions } from './types/status';\n\
         export class HttpError extends Error { constructor(readonly code: number, readonly options?: StatusOptions) { super(); } }\n\
         export function notFound(): HttpError { return new HttpError(404); }\n"
            .to_string(),
    );
    add(
        "src/utils/url.ts",
        "export function getPath(url: string): string { return url; }\n\
         export function mergePath(base: string, sub: string): string { return base + sub; }\n"
            .to_string(),
    );
    add(
        "src/router.ts",
        "import { Context, type Next } from './context';\n\
         import { getPath } from './utils/url';\n\
         import type { RoutingOptions, RoutingDescriptor } from './types/routing';\n\
         import { notFound } from './http';\n\
         export type Handler = (c: Context, next: Next) => Promise<Response>;\n\
         export class Router {\n\
         \x20 add(method: string, path: string, handler: Handler, options?: RoutingOptions): void {}\n\
         \x20 match(method: string, path: string): RoutingDescriptor | undefined { notFound(); return undefined; }\n\
         }\n"
        .to_string(),
    );
    add(
        "src/compose.ts",
        "import type { Context, Next } from './context.js';\n\
         import type { Handler } from './router.js';\n\
         export function compose(handlers: Handler[]): (c: Context, next: Next) => Promise<void> {\n\
         \x20 return async (c, next) => { for (const h of handlers) await h(c, next); };\n\
         }\n"
        .to_string(),
    );
    add(
        "src/app.ts",
        "import { Router, type Handler } from './router';\n\
         import { compose } from './compose';\n\
         import { mergePath } from './utils/url';\n\
         import { Context } from './context';\n\
         export class App {\n\
         \x20 router = new Router();\n\
         \x20 get(path: string, handler: Handler): this { this.router.add('GET', path, handler); return this; }\n\
         \x20 fetch(req: Request): Promise<Response> { const c = new Context(req); compose([]); return c.json(null) as any; }\n\
         }\n"
            .to_string(),
    );
    add(
        "src/index.ts",
        "export * from './context';\nexport { Router } from './router';\nexport { App } from './app';\nexport { compose } from './compose';\n".to_string(),
    );

    let middleware = [
        ("cors", "headers"),
        ("logger", ""),
        ("etag", "headers"),
        ("auth", "cookies"),
        ("timing", ""),
        ("compress", "mime"),
        ("validator", "validation"),
    ];
    for (name, types) in middleware {
        let mut text = String::from("import type { Context, Next } from '../context';\n");
        if matches!(name, "cors" | "logger" | "timing") {
            text.push_str("import { getPath } from '../utils/url';\n");
        }
        if matches!(name, "auth" | "validator") {
            text.push_str("import { compose } from '../compose';\n");
        }
        let mut extra = String::new();
        if !types.is_empty() {
            let cap = format!("{}{}", types[..1].to_uppercase(), &types[1..]);
            text.push_str(&format!("import type {{ {cap}Options }} from '../types/{types}';\n"));
            extra = format!(", options?: {cap}Options");
        }
        text.push_str(&format!(
            "export function {name}(config?: string{extra}) {{\n\
             \x20 return async (c: Context, next: Next) => {{ c.header('x-{name}', config); await next(); c.status(200); }};\n\
             }}\n"
        ));
        add(&format!("src/middleware/{name}.ts"), text);
    }

    let handlers = ["users", "posts", "comments", "sessions", "health", "uploads", "search", "admin", "feeds"];
    for (i, name) in handlers.iter().enumerate() {
        let mut text = String::new();
        if i % 3 == 0 {
            text.push_str("import * as ctx from '../context';\n");
        } else {
            text.push_str("import { Context } from '../context';\n");
        }
        text.push_str("import { notFound } from '../http';\n");
        if i % 2 == 0 {
            text.push_str("import type { Handler } from '../router';\n");
        }
        if i == 4 {
            text.push_str("import type { StreamingOptions } from '../types/streaming';\n");
        }
        if i == 6 {
            text.push_str("import type { JsonSchemaOptions } from '../types/jsonSchema';\n");
        }
        let param = if i % 3 == 0 { "ctx.Context" } else { "Context" };
        text.push_str(&format!(
            "export async function list{0}(c: {param}): Promise<Response> {{ return c.json([]); }}\n\
             export async function get{0}(c: {param}): Promise<Response> {{ const id = c.get('id'); if (!id) throw notFound(); return c.json({{ id }}); }}\n\
             export async function create{0}(c: {param}): Promise<Response> {{ c.status(201); return c.text('created'); }}\n",
            name[..1].to_uppercase() + &name[1..]
        ));
        add(&format!("src/handlers/{name}.ts"), text);
    }
    files
}

fn index_of(files: &[(String, String)]) -> Index {
    let parsed: Vec<FileIndex> = files.iter().map(|(path, text)| parse_file(path, text, Lang::TypeScript)).collect();
    Index { root: "/fixture".into(), files: parsed.into_iter().map(|f| (f.path.clone(), f)).collect() }
}

/// The modules imported by the most distinct other files, found with a plain
/// scan of the source text (not the index): `from '…'` specifiers, resolved
/// relative to the importer.
fn most_imported(files: &[(String, String)], n: usize) -> Vec<(String, usize)> {
    let known: BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let mut importers: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for (path, text) in files {
        for line in text.lines() {
            let Some(rest) = line.split(" from '").nth(1) else { continue };
            let spec = rest.split('\'').next().unwrap_or_default();
            let mut parts: Vec<&str> = path.split('/').collect();
            parts.pop();
            for part in spec.split('/') {
                match part {
                    "." => {}
                    ".." => {
                        parts.pop();
                    }
                    _ => parts.push(part),
                }
            }
            let base = parts.join("/");
            let base = base.strip_suffix(".js").unwrap_or(&base);
            let target =
                [format!("{base}.ts"), format!("{base}/index.ts")].into_iter().find(|c| known.contains(c.as_str()));
            if let Some(target) = target.filter(|t| t != path) {
                importers.entry(target).or_default().insert(path);
            }
        }
    }
    let mut counts: Vec<(String, usize)> = importers.into_iter().map(|(p, s)| (p, s.len())).collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(n);
    counts
}

fn listed(map: &str) -> Vec<&str> {
    map.lines().filter_map(|l| l.strip_suffix(':')).filter(|l| !l.starts_with('│')).collect()
}

#[test]
fn the_request_context_leads_the_map_ahead_of_leaf_type_aliases() {
    let files = framework();
    let index = index_of(&files);
    let ranking = rank(&index, &Focus::default());
    let position = |path: &str| ranking.files.iter().position(|(p, _)| p == path).expect("ranked");
    let context = position("src/context.ts");
    for (path, _) in files.iter().filter(|(p, _)| p.starts_with("src/types/")) {
        assert!(context < position(path), "context.ts at {context}, {path} at {}: {:?}", position(path), ranking.files);
    }
    assert_eq!(ranking.files[0].0, "src/context.ts", "{:?}", &ranking.files[..6]);
    assert_eq!(
        (ranking.defs[0].0.as_str(), ranking.defs[0].1.as_str()),
        ("src/context.ts", "Context"),
        "{:?}",
        &ranking.defs[..8]
    );

    // A budget that holds a fraction of the project's outline.
    let everything = repo_map(&index, &Focus::default(), 1_000_000);
    let map = repo_map(&index, &Focus::default(), 512);
    assert!(map.symbols * 3 < everything.symbols, "{} of {} symbols", map.symbols, everything.symbols);
    let shown = listed(&map.text);
    assert_eq!(shown.first(), Some(&"src/context.ts"), "{}", map.text);
    let first_types = shown.iter().position(|p| p.starts_with("src/types/"));
    assert!(first_types.is_none_or(|t| t > 0), "{}", map.text);
}

#[test]
fn the_map_includes_the_most_imported_modules() {
    let files = framework();
    let index = index_of(&files);
    let top = most_imported(&files, 6);
    let expected = [
        ("src/context.ts", 20),
        ("src/http.ts", 10),
        ("src/router.ts", 8),
        ("src/utils/url.ts", 5),
        ("src/compose.ts", 4),
        ("src/types/headers.ts", 3),
    ];
    assert_eq!(top, expected.map(|(p, n)| (p.to_string(), n)));
    for budget in [512, 1024] {
        let map = repo_map(&index, &Focus::default(), budget);
        let shown = listed(&map.text);
        let included: Vec<&str> = top.iter().map(|(p, _)| p.as_str()).filter(|p| shown.contains(p)).collect();
        eprintln!("{budget} tokens: {} of {} most imported modules: {included:?}", included.len(), top.len());
        assert!(included.len() >= 5, "{budget} tokens: {included:?} of {top:?}\n{}", map.text);
    }
}

#[test]
fn twenty_importers_outweigh_one_file_naming_a_symbol_fifty_times() {
    // `src/hot.ts` names `churnHelper` on 50 lines; 20 files import `Context` once each.
    let mut files = framework();
    files.push(("src/churn.ts".into(), "export function churnHelper(): void {}\n".into()));
    let calls: String = (0..50).map(|i| format!("churnHelper(); // {i}\n")).collect();
    files.push(("src/hot.ts".into(), format!("import {{ churnHelper }} from './churn';\n{calls}")));
    let ranking = rank(&index_of(&files), &Focus::default());
    let position = |path: &str| ranking.files.iter().position(|(p, _)| p == path).expect("ranked");
    assert!(position("src/context.ts") < position("src/churn.ts"), "{:?}", ranking.files);
}
