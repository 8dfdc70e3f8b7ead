//! `parse_file`: a small source in, its definitions, references and imports
//! out, one fixture per language.

use specwright_index::{FileIndex, Lang, parse_file};

/// One definition per line: `Kind Container::name line:column-end | signature`.
fn render_defs(file: &FileIndex) -> String {
    file.defs
        .iter()
        .map(|d| {
            let container = d.container.as_deref().map(|c| format!("{c}::")).unwrap_or_default();
            format!("{:?} {container}{} {}:{}-{} | {}", d.kind, d.name, d.line, d.column, d.end_column, d.signature)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_defs(lang: Lang, src: &str, expected: &str) -> FileIndex {
    let file = parse_file("fixture", src, lang);
    let expected: Vec<&str> = expected.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(render_defs(&file), expected.join("\n"), "definitions of:\n{src}");
    file
}

fn ref_names(file: &FileIndex) -> Vec<&str> {
    file.refs.iter().map(|r| r.name.as_str()).collect()
}

fn assert_refs(file: &FileIndex, present: &[&str], absent: &[&str]) {
    let names = ref_names(file);
    for name in present {
        assert!(names.contains(name), "missing reference {name}: {names:?}");
    }
    for name in absent {
        assert!(!names.contains(name), "unexpected reference {name}: {names:?}");
    }
}

#[test]
fn typescript_definitions() {
    let src = r#"import { login, Token } from "./auth";
import type { Session } from '../session';

export async function main(email: string,
                           password: string): Promise<Token> {
  const local = () => 1;
  return login(email, password);
}

@Injectable()
export class AuthService extends BaseService implements Disposable {
  private cache: Map<string, Token> = new Map()
  onChange = (t: Token) => {};
  constructor(private readonly http: Http) { super(); }
  async refresh(token: Token): Promise<Session> { return this.http.post(token); }
  static create(): AuthService { return new AuthService(new Http()); }
}

export interface Credentials { email: string; check(): boolean }
export type UserId = string;
export enum Role { Admin, User }
export const MAX_RETRIES = 3;
export let counter = 0;
export const handler = async (req: Request) => { return respond(req); };
const helper = function () {};
const notExported = 5;
export default function () {}
namespace Internal { export function util(): void {} }
declare function overload(a: string): void;
abstract class Shape { abstract area(): number; }
"#;
    let file = check_defs(
        Lang::TypeScript,
        src,
        "
        Function main 3:22-26 | export async function main(email: string, password: string): Promise<Token>
        Class AuthService 10:13-24 | export class AuthService extends BaseService implements Disposable
        Field AuthService::cache 11:10-15 | private cache: Map<string, Token> = new Map()
        Method AuthService::onChange 12:2-10 | onChange = (t: Token) =>
        Method AuthService::refresh 14:8-15 | async refresh(token: Token): Promise<Session>
        Method AuthService::create 15:9-15 | static create(): AuthService
        Interface Credentials 18:17-28 | export interface Credentials
        Field Credentials::email 18:31-36 | email: string
        Method Credentials::check 18:46-51 | check(): boolean
        Type UserId 19:12-18 | export type UserId = string
        Enum Role 20:12-16 | export enum Role
        Constant MAX_RETRIES 21:13-24 | export const MAX_RETRIES = 3
        Variable counter 22:11-18 | export let counter = 0
        Function handler 23:13-20 | export const handler = async (req: Request) =>
        Function helper 24:6-12 | const helper = function ()
        Module Internal 27:10-18 | namespace Internal
        Function Internal::util 27:37-41 | export function util(): void
        Function overload 28:17-25 | declare function overload(a: string): void
        Class Shape 29:15-20 | abstract class Shape
        Method Shape::area 29:32-36 | abstract area(): number
        ",
    );
    assert_eq!(file.imports, ["./auth", "../session"]);
    assert_eq!(file.lang, Some(Lang::TypeScript));
}

#[test]
fn typescript_references() {
    let src = r#"import { login, Token } from "./auth";
export async function main(): Promise<Token> {
  const t: Token = await login("a", "b");
  const s = new SessionStore(t);
  s.persist(t);
  return api.client.refresh(t);
}
class Child extends Parent implements Listener {}
"#;
    let file = parse_file("src/main.ts", src, Lang::TypeScript);
    assert_refs(
        &file,
        &["login", "Token", "SessionStore", "persist", "refresh", "Parent", "Listener"],
        // Locals used as values, single letters, builtins, the file's own names.
        &["t", "s", "api", "client", "Promise", "main", "Child"],
    );
    // Lines are 0-based; each name once per line.
    let lines: Vec<u32> = file.refs.iter().filter(|r| r.name == "Token").map(|r| r.line).collect();
    assert_eq!(lines, [0, 1, 2]);
    let login: Vec<u32> = file.refs.iter().filter(|r| r.name == "login").map(|r| r.line).collect();
    assert_eq!(login, [0, 2]);
}

#[test]
fn tsx_components() {
    let src = r#"import React from "react";
import { Button } from "@/components/button";

export function LoginPage({ onSubmit }: Props) {
  return (
    <Layout title="Login">
      <Form.Field name="email" />
      <Button onClick={() => onSubmit()}>Sign in</Button>
      <div className="hint" />
    </Layout>
  );
}

export const Header = () => <header><Logo /></header>;
"#;
    let file = check_defs(
        Lang::Tsx,
        src,
        "
        Function LoginPage 3:16-25 | export function LoginPage({ onSubmit }: Props)
        Function Header 13:13-19 | export const Header = () =>
        ",
    );
    assert_refs(
        &file,
        &["Layout", "Field", "Button", "Logo", "Props", "onSubmit", "React"],
        &["div", "header", "Form"],
    );
    assert_eq!(file.imports, ["react", "@/components/button"]);
}

#[test]
fn javascript_definitions_and_requires() {
    let src = r#"const fs = require("fs");
const { join } = require('node:path');
import("./lazy.js").then(load);

class Cache extends Store {
  size = 0;
  get(key) { return this.map.get(key); }
  #secret() {}
}
function* ids() {}
export function makeCache() { return new Cache(); }
export const VERSION = "1.0";
const api = { method() {} };
module.exports = { makeCache };
"#;
    let file = check_defs(
        Lang::JavaScript,
        src,
        "
        Class Cache 4:6-11 | class Cache extends Store
        Field Cache::size 5:2-6 | size = 0
        Method Cache::get 6:2-5 | get(key)
        Function ids 9:10-13 | function* ids()
        Function makeCache 10:16-25 | export function makeCache()
        Constant VERSION 11:13-20 | export const VERSION = \"1.0\"
        ",
    );
    assert_eq!(file.imports, ["fs", "node:path", "./lazy.js"]);
    assert_refs(&file, &["Store", "then", "Cache", "get"], &["require", "fs"]);
}

#[test]
fn rust_definitions() {
    let src = r#"use crate::db::{Pool, connect as open};
use std::collections::HashMap;
use super::*;
mod parse;
extern crate serde;

/// A user.
#[derive(Debug)]
pub struct User<T> where T: Clone { name: T }
pub struct Id(u32);
pub enum Role { Admin }
pub union Bits { a: u32 }
pub trait Store {
    type Item;
    fn get(&self, id: Id) -> Option<User<String>>;
    fn count(&self) -> usize { 0 }
}
impl<T: Clone> User<T> {
    pub const LIMIT: usize = 3;
    pub fn new(name: T) -> Self { let p = Pool::default(); User { name } }
}
impl Store for &mut User<String> {
    fn get(&self, id: Id) -> Option<User<String>> { fetch(id) }
}
pub type Map = HashMap<String, User<String>>;
pub const MAX: u32 = 10;
static NAME: &str = "x";
static mut COUNTER: u32 = 0;
macro_rules! make {
    ($x:expr) => { $x };
}
pub(crate) async fn run(pool: &Pool) -> anyhow::Result<()> {
    fn local() {}
    open().await
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn works() { make!(1); assert_eq!(1, 1); }
}
"#;
    let file = check_defs(
        Lang::Rust,
        src,
        "
        Module parse 3:4-9 | mod parse
        Struct User 8:11-15 | pub struct User<T> where T: Clone
        Struct Id 9:11-13 | pub struct Id(u32)
        Enum Role 10:9-13 | pub enum Role
        Struct Bits 11:10-14 | pub union Bits
        Trait Store 12:10-15 | pub trait Store
        Method Store::get 14:7-10 | fn get(&self, id: Id) -> Option<User<String>>
        Method Store::count 15:7-12 | fn count(&self) -> usize
        Constant User::LIMIT 18:14-19 | pub const LIMIT: usize = 3
        Method User::new 19:11-14 | pub fn new(name: T) -> Self
        Method User::get 22:7-10 | fn get(&self, id: Id) -> Option<User<String>>
        Type Map 24:9-12 | pub type Map = HashMap<String, User<String>>
        Constant MAX 25:10-13 | pub const MAX: u32 = 10
        Constant NAME 26:7-11 | static NAME: &str = \"x\"
        Variable COUNTER 27:11-18 | static mut COUNTER: u32 = 0
        Function make 28:13-17 | macro_rules! make
        Function run 31:20-23 | pub(crate) async fn run(pool: &Pool) -> anyhow::Result<()>
        Module tests 36:4-9 | mod tests
        Function tests::works 39:7-12 | fn works()
        ",
    );
    assert_eq!(file.imports, ["crate::db", "std::collections::HashMap", "super", "parse", "serde"]);
    assert_refs(
        &file,
        &["Pool", "connect", "HashMap", "Id", "User", "Store", "fetch", "default", "make", "Clone"],
        // `open` is an alias; builtins and std macros are noise.
        &["Option", "String", "Self", "assert_eq", "T"],
    );
}

#[test]
fn python_definitions() {
    let src = r#"import os.path
import numpy as np
from .auth import login, Token as T
from . import models
from __future__ import annotations

MAX_RETRIES = 3
DEFAULT_NAME: str = "x"
lowercase = 1
a, B = 1, 2

class User(BaseModel, metaclass=Meta):
    LIMIT = 5
    def save(self, token: Optional[Token] = None) -> "Result":
        def inner(): pass
        return login(token)

    @property
    async def name(self) -> str:
        return self.repo.lookup()

    class Config:
        orm_mode = True

@app.route("/")
def index(request: Request,
          user: models.User) -> Response:
    return render(request)

type Alias = list[int]
"#;
    let file = check_defs(
        Lang::Python,
        src,
        "
        Constant MAX_RETRIES 6:0-11 | MAX_RETRIES = 3
        Constant DEFAULT_NAME 7:0-12 | DEFAULT_NAME: str = \"x\"
        Class User 11:6-10 | class User(BaseModel, metaclass=Meta)
        Method User::save 13:8-12 | def save(self, token: Optional[Token] = None) -> \"Result\"
        Method User::name 18:14-18 | async def name(self) -> str
        Class User::Config 21:10-16 | class Config
        Function index 25:4-9 | def index(request: Request, user: models.User) -> Response
        Type Alias 29:5-10 | type Alias = list[int]
        ",
    );
    assert_eq!(file.imports, ["os.path", "numpy", ".auth", "."]);
    assert_refs(
        &file,
        &[
            "login",
            "Token",
            "models",
            "BaseModel",
            "Meta",
            "Optional",
            "lookup",
            "route",
            "property",
            "Request",
            "User",
            "Response",
            "render",
        ],
        &["self", "isinstance", "np", "os", "str"],
    );
}

#[test]
fn go_definitions() {
    let src = r#"package server

import (
	"fmt"
	db "github.com/acme/db"
)
import "net/http"

// Server serves.
type Server struct {
	pool *db.Pool
}

type Handler interface {
	Serve(w http.ResponseWriter, r *Request) error
}

type (
	ID    = string
	Count int
)

const Version = "1"

const (
	MaxConn = 10
	minConn = 1
)

var ErrClosed = fmt.Errorf("closed")

func (s *Server) Start(ctx Context) error {
	const local = 1
	return s.pool.Open(ctx)
}

func (c Cache[K]) Get(key K) {}

func NewServer(pool *db.Pool) *Server {
	return &Server{pool: pool}
}
"#;
    let file = check_defs(
        Lang::Go,
        src,
        "
        Struct Server 9:5-11 | type Server struct
        Interface Handler 13:5-12 | type Handler interface
        Method Handler::Serve 14:1-6 | Serve(w http.ResponseWriter, r *Request) error
        Type ID 18:1-3 | type ID = string
        Type Count 19:1-6 | type Count int
        Constant Version 22:6-13 | const Version = \"1\"
        Constant MaxConn 25:1-8 | const MaxConn = 10
        Constant minConn 26:1-8 | const minConn = 1
        Variable ErrClosed 29:4-13 | var ErrClosed = fmt.Errorf(\"closed\")
        Method Server::Start 31:17-22 | func (s *Server) Start(ctx Context) error
        Method Cache::Get 36:18-21 | func (c Cache[K]) Get(key K)
        Function NewServer 38:5-14 | func NewServer(pool *db.Pool) *Server
        ",
    );
    assert_eq!(file.imports, ["fmt", "github.com/acme/db", "net/http"]);
    assert_refs(
        &file,
        &["Pool", "ResponseWriter", "Request", "Errorf", "Open", "Context", "Server"],
        &["error", "string", "int", "local"],
    );
}

#[test]
fn columns_are_utf16() {
    // `é` is one UTF-16 unit and two bytes; `😀` two units and four bytes.
    let src = "/* é😀 */ export function naïve() {}\n";
    let file = parse_file("a.ts", src, Lang::TypeScript);
    let def = &file.defs[0];
    assert_eq!(def.name, "naïve");
    let prefix = &src[..src.find("naïve").unwrap()];
    assert_eq!(def.column as usize, prefix.encode_utf16().count());
    assert_eq!(def.column, 26);
    assert_eq!(def.end_column, 31);
}

#[test]
fn long_signatures_are_bounded() {
    let params: Vec<String> = (0..60).map(|i| format!("argument{i}: number")).collect();
    let src = format!("export function wide({}) {{}}\n", params.join(", "));
    let file = parse_file("a.ts", &src, Lang::TypeScript);
    let sig = &file.defs[0].signature;
    assert!(sig.chars().count() <= 160, "{sig}");
    assert!(sig.starts_with("export function wide(argument0: number"));
    assert!(sig.ends_with('…'));
}

#[test]
fn invalid_syntax_keeps_the_valid_parts() {
    let cases: &[(Lang, &str, &[&str])] = &[
        (
            Lang::TypeScript,
            "export function ok(a: string) { return a; }\nfunction broken( {\n\nexport class Later { run() {} }\n",
            &["ok"],
        ),
        (Lang::Rust, "pub fn ok() {}\nfn broken( -> {\npub struct After;\n", &["ok"]),
        (
            Lang::Python,
            "def ok():\n    return 1\n\ndef broken(:\n    pass\n\nclass After:\n    pass\n",
            &["ok", "After"],
        ),
        (Lang::Go, "package x\nfunc Ok() {}\nfunc broken( {\n", &["Ok"]),
        (Lang::JavaScript, "function ok() {}\nclass { \n", &["ok"]),
        (Lang::Tsx, "export function Ok() { return <div>; }\nexport const Fine = 1;\n", &["Ok"]),
    ];
    for (lang, src, expected) in cases {
        let file = parse_file("broken", src, *lang);
        let names: Vec<&str> = file.defs.iter().map(|d| d.name.as_str()).collect();
        for name in *expected {
            assert!(names.contains(name), "{lang:?}: {name} missing from {names:?}");
        }
    }
}

#[test]
fn hostile_inputs_do_not_panic() {
    let long_line = format!("export const X = [{}];", "1, ".repeat(20_000));
    let nested = "(".repeat(2_000);
    let binary: String = (0u8..=255).map(char::from).cycle().take(10_000).collect();
    let many_defs = "function f(){}".repeat(2_000);
    // The long line comes last, and Go is the last language.
    for text in [&nested, &binary, &many_defs, "", "\0\0\0", "\u{feff}", &long_line] {
        for lang in LANGS {
            let _ = parse_file("x", text, lang);
        }
    }
    // Go's error recovery on the long line runs out of time; the parser
    // that gave up starts afresh on the next file.
    let file = parse_file("ok.go", "package ok\nfunc Fine() {}\n", Lang::Go);
    assert_eq!(file.defs.len(), 1);
    assert_eq!((file.defs[0].name.as_str(), file.defs[0].line), ("Fine", 1));
    // Many definitions along one minified line: columns stay exact.
    let file = parse_file("min.js", &many_defs, Lang::JavaScript);
    assert_eq!(file.defs.len(), 2_000);
    let last = &file.defs[1_999];
    assert_eq!((last.line, last.column, last.end_column), (0, 14 * 1_999 + 9, 14 * 1_999 + 10));
}

const LANGS: [Lang; 6] = [Lang::TypeScript, Lang::Tsx, Lang::JavaScript, Lang::Rust, Lang::Python, Lang::Go];
