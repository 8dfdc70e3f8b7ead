#!/usr/bin/env python3
"""The modules most imported by other files, and how many of them a repository map includes.

Independent of both tools compared by scripts/bench-repomap: a plain scan of the
JavaScript/TypeScript import statements of a tree (regular expressions, no parser),
resolving relative specifiers (`./context`, `../types.js`, `./router/index`) to files.

    bench_repomap_imports.py TREE [--top N] [MAP_FILE ...]

Prints the N (default 6) modules imported by the most distinct other files, with that
count, then for each map file how many of them it includes: a module is included when
its path, relative to TREE, is a line of the map on its own (`path:` before an outline,
or a bare `path`, as aider lists a file without tags). With --json, prints one JSON object.
"""

import json
import os
import re
import sys

EXTENSIONS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# Folders neither tool maps as source: dependencies, build output, VCS.
SKIP_DIRS = {"node_modules", "dist", "build", "target", "vendor", ".git", "coverage"}
SPECIFIER = re.compile(
    r"""(?:\bimport\b[^'";]*?\bfrom\s*|\bexport\b[^'";]*?\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)"""
    r"""(['"])(\.{1,2}/[^'"]*|\.{1,2})\1"""
)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def source_files(tree):
    out = []
    for root, dirs, files in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(EXTENSIONS):
                out.append(os.path.relpath(os.path.join(root, name), tree).replace(os.sep, "/"))
    return out


def resolve(importer, specifier, known):
    base = os.path.normpath(os.path.join(os.path.dirname(importer), specifier)).replace(os.sep, "/")
    # TypeScript sources are imported by their output's name: `./context.js` is `./context.ts`.
    for js, sources in ((".js", (".ts", ".tsx")), (".jsx", (".tsx",)), (".mjs", (".mts",)), (".cjs", (".cts",))):
        if base.endswith(js):
            for ext in sources:
                if base[: -len(js)] + ext in known:
                    return base[: -len(js)] + ext
    candidates = [base] + [base + ext for ext in EXTENSIONS] + [base + "/index" + ext for ext in EXTENSIONS]
    for candidate in candidates:
        if candidate in known:
            return candidate
    return None


def importers(tree):
    files = source_files(tree)
    known = set(files)
    by_module = {}
    for path in files:
        try:
            with open(os.path.join(tree, path), encoding="utf-8", errors="replace") as f:
                text = COMMENT.sub("", f.read())
        except OSError:
            continue
        for match in SPECIFIER.finditer(text):
            target = resolve(path, match.group(2), known)
            if target and target != path:
                by_module.setdefault(target, set()).add(path)
    return by_module


def top_modules(tree, n):
    counts = sorted(((len(v), k) for k, v in importers(tree).items()), key=lambda c: (-c[0], c[1]))
    return [(path, count) for count, path in counts[:n]]


def listed(map_text):
    paths = set()
    for line in map_text.splitlines():
        line = line.strip()
        if line and not line.startswith(("│", "⋮", "|")):
            paths.add(line[:-1] if line.endswith(":") else line)
    return paths


def main(argv):
    args = list(argv)
    as_json = "--json" in args
    if as_json:
        args.remove("--json")
    n = 6
    if "--top" in args:
        i = args.index("--top")
        n = int(args[i + 1])
        del args[i : i + 2]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    tree, maps = args[0], args[1:]
    top = top_modules(tree, n)
    result = {"top": [{"path": p, "importers": c} for p, c in top], "maps": {}}
    for map_file in maps:
        with open(map_file, encoding="utf-8", errors="replace") as f:
            shown = listed(f.read())
        result["maps"][map_file] = [p for p, _ in top if p in shown]
    if as_json:
        print(json.dumps(result))
        return 0
    print(f"the {len(top)} modules most imported by other files:")
    for p, c in top:
        print(f"  {c:4d}  {p}")
    for map_file, included in result["maps"].items():
        print(f"{map_file}: includes {len(included)} of {len(top)}: {', '.join(included) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
