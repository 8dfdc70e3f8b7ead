// Integration tests of the Specwright extension in a real VS Code (code-server)
// driven through headless Chromium. Run from the repository root:
//
//   clients/vscode/test/integration/setup.sh
//   node --test clients/vscode/test/integration/run.mjs
//
// Needs the platform package clients/vscode/specwright-linux-x64-<version>.vsix
// (`npm run package -- --target linux-x64`, which bundles the release server)
// and target/debug/specwright-model-mock; it fails (does not skip) without them.
// Every test runs the server bundled in the installed package: no
// specwright.server.path setting, and no `specwright` on code-server's PATH.
// Overrides: SPECWRIGHT_VSIX, SPECWRIGHT_MODEL_MOCK;
// SPECWRIGHT_IT_KEEP=1 keeps the temporary folders.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

import {
  ARTIFACTS_DIR,
  CLIENT_DIR,
  CODE_SERVER_BIN,
  CHROMIUM_BIN,
  ENV_DIR,
  REPO_ROOT,
  installExtension,
  makeTempDir,
  startModelMock,
  stopAll,
  waitFor,
  withSession,
  writeTree,
} from './harness.mjs';

const execFileP = promisify(execFile);

const VERSION = JSON.parse(fs.readFileSync(path.join(CLIENT_DIR, 'package.json'), 'utf8')).version;
const PLATFORM = `${process.platform}-${process.arch}`; // vsce's target: linux-x64
const VSIX = process.env.SPECWRIGHT_VSIX || path.join(CLIENT_DIR, `specwright-${PLATFORM}-${VERSION}.vsix`);
const MODEL_MOCK = process.env.SPECWRIGHT_MODEL_MOCK || path.join(REPO_ROOT, 'target', 'debug', 'specwright-model-mock');
const EXTENSION_ID = 'specwright.specwright';

const TEST_TIMEOUT = 150_000;

// ------------------------------------------------------------------ fixture

const DEMO_REQUIREMENTS = `# Requirements Document

## Introduction

Users register with an email and a password and receive signed tokens to call the API.

## Glossary

- **Auth_Service**: The service that registers users and issues tokens.

## Requirements

### Requirement 1: User registration

**User Story:** As a visitor, I want to create an account, so that I can use the API.

#### Acceptance Criteria

1. WHEN a visitor submits a valid email and password, THE Auth_Service SHALL create a user account and respond with HTTP 201.
2. IF the email is already registered, THEN THE Auth_Service SHALL respond with HTTP 409.

### Requirement 2: Token issuance

**User Story:** As a registered user, I want to receive a token when I log in, so that I can make authenticated requests.

#### Acceptance Criteria

1. WHEN a registered user submits the matching password, THE Auth_Service SHALL respond with a signed access token.
`;

const DEMO_DESIGN = `# Design Document

## Overview

An Express router with a user store and a token signer.

## Architecture

- \`UserStore\`: keeps accounts keyed by normalized email.
- \`TokenSigner\`: signs HS256 access tokens.

## Components and Interfaces

- \`POST /auth/register\` creates an account (Requirement 1).
- \`POST /auth/login\` returns a signed token (Requirement 2).

## Error Handling

Duplicate emails map to HTTP 409.

## Testing Strategy

Unit tests for the store and the signer; one end-to-end test per endpoint.
`;

const LEDGER_REQUIREMENTS = `# Requirements Document

## Introduction

A ledger records money movements.

## Requirements

### Requirement 1: Entries

**User Story:** As an accountant, I want to record entries, so that balances are traceable.

#### Acceptance Criteria

1. WHEN an accountant posts an entry, THE Ledger_Service SHALL store it with a timestamp.
2. THE Ledger_Service SHALL reject an entry whose amount is zero.
`;

const LEDGER_DESIGN = `# Design Document

## Overview

One table of entries and a service that validates and stores them.
`;

// 3 tasks, 1 done; task 3 cites 1.9, which the requirements do not define.
const LEDGER_TASKS = `# Implementation Plan

- [x] 1. Create the entries table
  - _Requirements: 1.1_

- [ ] 2. Reject zero amounts
  - _Requirements: 1.2_

- [ ] 3. Reconcile the balances
  - _Requirements: 1.9_
`;

// A legacy hook with one unknown key ("whenn") next to a valid hook body.
const BAD_HOOK = `{
  "enabled": true,
  "name": "Lint on save",
  "description": "Asks the agent to lint edited TypeScript files.",
  "version": "1",
  "when": {
    "type": "fileEdited",
    "patterns": ["src/**/*.ts"]
  },
  "whenn": {
    "type": "fileEdited"
  },
  "then": {
    "type": "askAgent",
    "prompt": "Lint the edited file."
  }
}
`;

const TASKS_REPLY = JSON.stringify({
  tasks: [
    { title: 'Create the user store', details: [], requirements: ['1.1', '1.2'], subtasks: [] },
    { title: 'Issue signed tokens', details: [], requirements: ['2.1'], subtasks: [] },
  ],
});

async function makeWorkspace() {
  const ws = await makeTempDir('specwright-it-ws-');
  await writeTree(ws, {
    '.kiro/specs/demo/requirements.md': DEMO_REQUIREMENTS,
    '.kiro/specs/demo/design.md': DEMO_DESIGN,
    '.kiro/specs/ledger/requirements.md': LEDGER_REQUIREMENTS,
    '.kiro/specs/ledger/design.md': LEDGER_DESIGN,
    '.kiro/specs/ledger/tasks.md': LEDGER_TASKS,
    '.kiro/hooks/bad.kiro.hook': BAD_HOOK,
    'README.md': '# Fixture workspace for the Specwright VS Code integration tests\n',
  });
  return ws;
}

// -------------------------------------------------------------- test setup

const state = { extensionsDir: null, extensionDir: null, bundled: null, sessionPath: null, workspaces: [] };

// No specwright.server.path: the extension must find the server itself.
function baseSettings(extra = {}) {
  return {
    'specwright.trace.server': 'messages',
    ...extra,
  };
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * code-server's PATH: this one without the folders that hold a `specwright`,
 * after a folder with only `node` (code-server's launcher needs it), so that
 * the extension cannot find a server on PATH.
 */
async function pathWithoutServer() {
  const bin = await makeTempDir('specwright-it-bin-');
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  const dirs = (process.env.PATH ?? '').split(':').filter((d) => d !== '');
  const dropped = dirs.filter((d) => isExecutable(path.join(d, 'specwright')));
  if (dropped.length) console.log(`# left out of code-server's PATH (they hold a specwright): ${dropped.join(', ')}`);
  const kept = [bin, ...dirs.filter((d) => !dropped.includes(d))];
  assert.ok(!kept.some((d) => isExecutable(path.join(d, 'specwright'))));
  return { PATH: kept.join(':'), bin };
}

/**
 * Checks the prerequisites and installs the .vsix once. Every test awaits it, so
 * a missing prerequisite fails each test (rather than cancelling or skipping them).
 */
let prepared;
function prepare() {
  prepared ??= (async () => {
    const missing = [];
    if (!fs.existsSync(VSIX)) {
      missing.push(`the extension package ${VSIX} (run \`npm run package -- --target ${PLATFORM}\` in clients/vscode)`);
    }
    if (!fs.existsSync(MODEL_MOCK)) missing.push(`the model mock ${MODEL_MOCK} (run \`cargo build --bin specwright-model-mock\`)`);
    if (!fs.existsSync(CODE_SERVER_BIN)) missing.push(`code-server in ${ENV_DIR} (run clients/vscode/test/integration/setup.sh)`);
    if (!fs.existsSync(CHROMIUM_BIN)) missing.push(`Chromium at ${CHROMIUM_BIN} (run clients/vscode/test/integration/setup.sh)`);
    if (missing.length) throw new Error(`cannot run the integration tests; missing:\n  - ${missing.join('\n  - ')}`);

    await fsp.mkdir(ARTIFACTS_DIR, { recursive: true });
    state.extensionsDir = await makeTempDir('specwright-it-extensions-');
    const t0 = Date.now();
    const out = await installExtension({ vsix: VSIX, extensionsDir: state.extensionsDir });
    const installed = fs.readdirSync(state.extensionsDir).filter((d) => d.startsWith(`${EXTENSION_ID}-`));
    assert.equal(installed.length, 1, `expected ${EXTENSION_ID} in ${state.extensionsDir}; install said:\n${out}`);
    state.extensionDir = fs.realpathSync(path.join(state.extensionsDir, installed[0]));
    state.bundled = path.join(state.extensionDir, 'server', 'specwright');
    assert.ok(isExecutable(state.bundled), `the installed package has no executable ${state.bundled}: is ${VSIX} a platform package?`);
    state.sessionPath = await pathWithoutServer();
    console.log(`# installed ${installed[0]} in ${Date.now() - t0} ms; bundled server ${fs.statSync(state.bundled).size} bytes`);
  })();
  return prepared;
}

/** The files called `name` under `dir`, at any depth. */
function findFiles(dir, name) {
  try {
    return fs
      .readdirSync(dir, { recursive: true })
      .filter((f) => path.basename(f) === name)
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/**
 * The Specwright processes of the session `sid` (code-server's process group and
 * session id; the extension host and the server it starts stay in it):
 * [{ pid, exe, argv }] for every process whose executable is called specwright.
 */
function serverProcesses(sid) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp session ...": the fields after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[3]) !== sid) continue;
      const exe = fs.readlinkSync(`/proc/${pid}/exe`);
      if (path.basename(exe) !== 'specwright') continue;
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      found.push({ pid: Number(pid), exe, argv });
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/**
 * The server the extension started is the package's own: the Specwright output
 * says so, and the one `specwright lsp` process of the session runs that binary.
 */
async function assertBundledServerRuns({ server, userDataDir }) {
  const logsDir = path.join(userDataDir, 'logs');
  const line = await waitFor(
    () =>
      findFiles(logsDir, 'Specwright.log')
        .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'))
        .find((l) => l.includes('Starting ')),
    { timeoutMs: 30_000, message: `"Starting …" in the Specwright output (Specwright.log under ${logsDir})` },
  );
  assert.ok(
    line.includes(`Starting ${state.bundled} (bundled with the extension)`),
    `the extension did not start the bundled server ${state.bundled}: ${line}`,
  );
  const processes = await waitFor(() => {
    const p = serverProcesses(server.pid);
    return p.length ? p : null;
  }, { timeoutMs: 30_000, message: `a specwright process in code-server's session ${server.pid}` });
  assert.deepEqual(
    processes.map((p) => [p.exe, p.argv]),
    [[state.bundled, [state.bundled, 'lsp']]],
    `the session's specwright processes: ${JSON.stringify(processes)}`,
  );
  return { line: line.trim(), processes };
}

async function session(name, settings, fn) {
  await prepare();
  const workspace = await makeWorkspace();
  state.workspaces.push(workspace);
  const env = { PATH: state.sessionPath.PATH };
  return withSession({ name, workspace, extensionsDir: state.extensionsDir, settings, env }, async (s) => {
    // the extension activates on `.kiro`: wait for its status bar item
    await s.workbench.waitForStatusBar(/Specwright/, { timeoutMs: 45_000 });
    const bundled = await assertBundledServerRuns(s);
    return fn({ ...s, bundled });
  });
}

/** Problems rows grouped as [{ file, folder, markers: [...] }] (file rows precede their markers). */
function groupProblems(rows) {
  const groups = [];
  for (const row of rows) {
    if (row.kind === 'file') {
      const m = /problems? in file (.+?) of folder (.*)$/.exec(row.aria);
      groups.push({ file: m ? m[1] : row.text, folder: m ? m[2] : '', markers: [] });
    } else if (groups.length) {
      groups.at(-1).markers.push(row);
    }
  }
  return groups;
}

describe('Specwright in VS Code (code-server)', { timeout: 20 * 60_000 }, () => {

  after(async () => {
    await stopAll();
    if (!process.env.SPECWRIGHT_IT_KEEP) {
      for (const dir of [state.extensionsDir, state.sessionPath?.bin, ...state.workspaces]) {
        if (dir) await fsp.rm(dir, { recursive: true, force: true }).catch(() => {});
      }
    }
  });

  it('(a) the Spec Explorer lists the specs with their progress', { timeout: TEST_TIMEOUT }, async () => {
    await session('a-spec-explorer', baseSettings(), async ({ workbench: wb }) => {
      await wb.runCommand('Specwright: Focus on Spec Explorer View');
      const rows = await wb.waitForTreeRow('Spec Explorer', (r) => r.label === 'ledger' && /tasks/.test(r.description), {
        timeoutMs: 30_000,
        message: 'the spec "ledger" with its progress in the Spec Explorer',
      });
      const ledger = rows.find((r) => r.label === 'ledger');
      const demo = rows.find((r) => r.label === 'demo');
      assert.ok(demo, `the spec "demo" is not listed; rows: ${JSON.stringify(rows)}`);
      // ledger: 3 tasks, 1 done, every requirement cited (1.1, 1.2)
      assert.equal(ledger.description, '1/3 tasks', `ledger row: ${JSON.stringify(ledger)}`);
      assert.match(demo.description, /^\d+\/\d+ tasks( · \d+ uncovered)?$/, `demo row: ${JSON.stringify(demo)}`);

      // expanding a spec shows its documents
      await wb.page.locator('.monaco-list-row[aria-label^="ledger"]').first().click();
      const expanded = await wb.waitForTreeRow('Spec Explorer', (r) => r.label === 'tasks.md', {
        message: 'the documents of "ledger" after expanding it',
      });
      const ledgerIndex = expanded.findIndex((r) => r.label === 'ledger');
      const children = expanded.slice(ledgerIndex + 1, ledgerIndex + 4).map((r) => r.label);
      assert.deepEqual(children, ['requirements.md', 'design.md', 'tasks.md'], `rows: ${JSON.stringify(expanded)}`);
      console.log(`# Spec Explorer rows: ${JSON.stringify(expanded.map((r) => [r.label, r.description]))}`);
      await wb.screenshot('a-spec-explorer');
    });
  });

  it('(b) a dangling requirement reference reaches the Problems panel', { timeout: TEST_TIMEOUT }, async () => {
    await session('b-problems', baseSettings(), async ({ workbench: wb }) => {
      // published for every spec document at start-up: no editor needs to be open
      const marker = await wb.waitForProblem(/1\.9 does not exist/, { timeoutMs: 45_000 });
      const groups = groupProblems(await wb.problems());
      const group = groups.find((g) => g.markers.some((m) => m.aria === marker.aria));
      assert.ok(group, `no file row above the marker; rows: ${JSON.stringify(groups)}`);
      assert.equal(group.file, 'tasks.md', `the problem is not on tasks.md: ${JSON.stringify(group)}`);
      assert.equal(group.folder, '.kiro/specs/ledger', `the problem is not on ledger's tasks.md: ${JSON.stringify(group)}`);
      assert.equal(marker.severity, 'error', `marker: ${JSON.stringify(marker)}`);
      assert.equal(marker.source, 'specwright', `marker: ${JSON.stringify(marker)}`);
      assert.equal(marker.code, 'dangling-reference', `marker: ${JSON.stringify(marker)}`);
      console.log(`# problem: ${marker.aria}`);
      await wb.screenshot('b-problems');
    });
  });

  it('(c) "Generate Tasks" against the scripted model writes tasks.md and opens it', { timeout: TEST_TIMEOUT }, async () => {
    await prepare();
    const mock = await startModelMock({
      binary: MODEL_MOCK,
      replies: [{ text: { chunks: [TASKS_REPLY], delay_ms: 0 } }],
    });
    try {
      const settings = baseSettings({
        'specwright.model.provider': 'openai',
        'specwright.model.baseUrl': mock.baseUrl,
        'specwright.model.model': 'test-model',
        'specwright.model.maxRetries': 0,
      });
      await session('c-generate-tasks', settings, async ({ workbench: wb, workspace }) => {
        await wb.openFile('.kiro/specs/demo/requirements.md');
        await wb.runCommand('Specwright: Generate Tasks');
        const seen = new Set();
        const tab = await waitFor(
          async () => {
            for (const n of await wb.notifications()) seen.add(n.message);
            return (await wb.tabs()).find((t) => t.label === 'tasks.md' && t.active);
          },
          { timeoutMs: 60_000, message: 'tasks.md to open in the active editor tab' },
        ).catch(async (e) => {
          throw new Error(
            `${e.message}\n  tabs: ${JSON.stringify(await wb.tabs())}\n  notifications: ${JSON.stringify([...seen])}` +
              `\n  quick input: ${JSON.stringify(await wb.quickInputRows().catch(() => []))}` +
              `\n  model requests: ${mock.requests().length}`,
          );
        });
        console.log(`# notifications during generation: ${JSON.stringify([...seen])}`);

        // the editor shows the generated plan (maybe in a dirty buffer) ...
        const text = await waitFor(
          async () => {
            const t = await wb.activeEditorText();
            return t.includes('Issue signed tokens') ? t : null;
          },
          { timeoutMs: 15_000, message: '"Issue signed tokens" in the tasks.md editor' },
        ).catch(async (e) => {
          throw new Error(`${e.message}; editor shows:\n${await wb.activeEditorText().catch(() => '?')}`);
        });
        assert.match(text, /Create the user store/);
        await wb.screenshot('c-generate-tasks');

        // ... and, once saved, on disk
        const file = path.join(workspace, '.kiro/specs/demo/tasks.md');
        // the tab of the file (the extension may show a live preview of the generation in
        // another group, also labelled tasks.md): the dirty one, else the first
        const tabs = (await wb.tabs()).filter((t) => t.label === 'tasks.md');
        const fileTab = tabs.find((t) => t.dirty) ?? tab;
        if (fileTab.dirty) {
          await wb.clickTab(fileTab);
          await wb.saveActiveEditor();
        }
        console.log(`# tasks.md tabs: ${JSON.stringify(tabs)}`);
        const disk = await waitFor(
          async () => {
            const t = await fsp.readFile(file, 'utf8').catch(() => '');
            return t.includes('Issue signed tokens') ? t : null;
          },
          { timeoutMs: 10_000, message: `"Issue signed tokens" in ${file}` },
        );
        assert.match(disk, /Create the user store/);
        assert.match(disk, /_Requirements: 2\.1_/, `tasks.md on disk:\n${disk}`);

        const requests = mock.requests();
        assert.equal(requests.length, 1, `expected one model request, got ${requests.length}`);
        assert.match(requests[0].path, /^\/v1\/chat\/completions/);
        assert.equal(requests[0].body?.model, 'test-model');
      });
    } finally {
      await mock.stop();
    }
  });

  it('(d) the hook file shows a schema error for an unknown key', { timeout: TEST_TIMEOUT }, async () => {
    await session('d-hook-schema', baseSettings(), async ({ workbench: wb }) => {
      // VS Code's JSON language service validates open documents only
      await wb.openFile('.kiro/hooks/bad.kiro.hook');
      const marker = await wb.waitForProblem(/Property whenn is not allowed/, { timeoutMs: 30_000 });
      const groups = groupProblems(await wb.problems());
      const group = groups.find((g) => g.markers.some((m) => m.aria === marker.aria));
      assert.equal(group?.file, 'bad.kiro.hook', `groups: ${JSON.stringify(groups)}`);
      assert.match(marker.text, /\[Ln 10, Col 3\]/, `marker: ${JSON.stringify(marker)}`);
      console.log(`# problem: ${marker.aria}`);
      await wb.screenshot('d-hook-schema');
    });
  });

  it('(e) the server that runs is the stripped one bundled in the platform .vsix', { timeout: TEST_TIMEOUT }, async () => {
    await session('e-bundled-server', baseSettings(), async ({ workbench: wb, bundled }) => {
      // session() already checked the output line and the process; the server also answers
      await wb.waitForStatusBar(/Specwright: ready/, { timeoutMs: 30_000 });
      console.log(`# ${bundled.line}`);
      console.log(`# server processes: ${JSON.stringify(bundled.processes)}`);
      // the packaged copy has no DWARF (strip --strip-debug), but keeps its symbols (and the
      // 34-byte .debug_gdb_scripts, which is loaded at run time and so not debug info to strip)
      const { stdout } = await execFileP('readelf', ['--section-headers', '--wide', state.bundled]);
      const debug = stdout.split('\n').filter((l) => /\s\.debug_(info|line|str|abbrev|ranges|rnglists|loc|loclists|aranges)\s/.test(l));
      assert.deepEqual(debug, [], `the bundled server still has debug sections:\n${debug.join('\n')}`);
      assert.match(stdout, /\s\.symtab\s/, 'strip --strip-debug keeps the symbol table');
      const { stdout: version } = await execFileP(state.bundled, ['--version']);
      console.log(`# bundled: ${version.trim()}, ${fs.statSync(state.bundled).size} bytes`);
      await wb.screenshot('e-bundled-server');
    });
  });
});
