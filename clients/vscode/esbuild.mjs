// Bundles the extension (dist/main.js, with vscode-languageclient inside),
// the Markdown preview's Mermaid renderer (dist/mermaid_preview.js), the chat
// view's webview script (dist/chat_webview.js), copies
// the hook schemas the extension contributes, and (--tests) the unit tests.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');

mkdirSync('schemas', { recursive: true });
mkdirSync('dist', { recursive: true });
// Mermaid's own prebuilt browser bundle: the preview loads it before ours.
copyFileSync('node_modules/mermaid/dist/mermaid.min.js', 'dist/mermaid.min.js');
for (const name of ['hook-legacy.schema.json', 'hook-v1.schema.json', 'mcp.schema.json']) {
  copyFileSync(`../../schemas/${name}`, `schemas/${name}`);
}

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
await esbuild.build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
});
// The chat view's webview script (the webview loads dist/mermaid.min.js itself when needed).
await esbuild.build({
  ...common,
  entryPoints: ['src/chat/webview.ts'],
  outfile: 'dist/chat_webview.js',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
});
await esbuild.build({
  ...common,
  entryPoints: ['src/preview/mermaid_preview.ts'],
  outfile: 'dist/mermaid_preview.js',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
});
if (tests) {
  const entryPoints = readdirSync('test/unit')
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `test/unit/${f}`);
  await esbuild.build({
    bundle: true,
    entryPoints,
    outdir: 'out-test',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    packages: 'external',
    logLevel: 'warning',
  });
}
