// Helpers for driving a real VS Code (code-server) in headless Chromium with
// playwright-core. See README.md; setup.sh installs what this needs.
//
// Every process started here runs in its own process group (detached: setsid)
// and is stopped by that group's id; `stopAll()` (also run on exit) ends the
// ones a test forgot.

import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CLIENT_DIR = path.resolve(HERE, '..', '..'); // clients/vscode
export const REPO_ROOT = path.resolve(CLIENT_DIR, '..', '..');
export const ENV_DIR = path.join(HERE, '.env');
export const ARTIFACTS_DIR = path.join(HERE, 'artifacts');
export const CODE_SERVER_BIN = path.join(ENV_DIR, 'node_modules', '.bin', 'code-server');
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Settings that keep the workbench quiet and deterministic. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.editor.enablePreview': false,
};

// ---------------------------------------------------------------- processes

const live = new Set(); // process group ids still running

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(pid, graceMs = 3000) {
  if (!pid) return;
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
  live.delete(pid);
}

/** Stops every process group this module started and that is still running. */
export async function stopAll() {
  await Promise.all([...live].map((pid) => stopGroup(pid, 1000)));
}

process.on('exit', () => {
  for (const pid of live) killGroup(pid, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
    process.exit(130);
  });
}

/** Spawns `cmd` in its own process group, stdout+stderr appended to `logFile`. */
function spawnGroup(cmd, args, { logFile, env, cwd, captureStdout = false } = {}) {
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true, // setsid(): a new process group whose id is child.pid
    stdio: ['ignore', captureStdout ? 'pipe' : out, out],
  });
  if (typeof out === 'number') fs.closeSync(out);
  live.add(child.pid);
  child.on('exit', () => live.delete(child.pid));
  return child;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `fn` until it returns a truthy value; throws `message` after `timeoutMs`. */
export async function waitFor(fn, { timeoutMs = 30000, intervalMs = 250, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}${why}`);
    }
    await sleep(intervalMs);
  }
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function makeTempDir(prefix = 'specwright-it-') {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Writes `files` ({relativePath: content}) under `root`. */
export async function writeTree(root, files) {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, content);
  }
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// ------------------------------------------------------- scripted model server

/**
 * Starts `specwright-model-mock --port 0 --script FILE` with `replies` (a JSON
 * array of Reply values) and waits for its one stdout line.
 * Returns { url, baseUrl (url + '/v1'), pid, stop(), logFile, recordFile }.
 */
export async function startModelMock({ binary, replies, dir, timeoutMs = 15000 }) {
  dir ??= await makeTempDir('specwright-mock-');
  const script = path.join(dir, 'model-script.json');
  const recordFile = path.join(dir, 'model-requests.jsonl');
  const logFile = path.join(dir, 'model-mock.log');
  await fsp.writeFile(script, JSON.stringify(replies, null, 2));
  const child = spawnGroup(binary, ['--port', '0', '--script', script, '--record', recordFile], {
    logFile,
    captureStdout: true,
  });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`model mock printed no URL in ${timeoutMs} ms: ${tail(logFile)}`)), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`model mock exited with ${code}: ${tail(logFile)}`));
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', () => live.delete(child.pid));
  return {
    url,
    baseUrl: `${url}/v1`,
    pid: child.pid,
    logFile,
    recordFile,
    requests: () => tail(recordFile, 1000).split('\n').filter(Boolean).map((l) => JSON.parse(l)),
    stop: () => stopGroup(child.pid),
  };
}

// ------------------------------------------------------------- code-server

/** Installs `vsix` into `extensionsDir` (a throwaway user-data dir is used when none is given). */
export async function installExtension({ vsix, extensionsDir, userDataDir }) {
  userDataDir ??= await makeTempDir('specwright-install-ud-');
  await fsp.mkdir(extensionsDir, { recursive: true });
  const config = path.join(userDataDir, 'code-server-config.yaml');
  await fsp.writeFile(config, 'auth: none\ncert: false\n');
  const { stdout, stderr } = await execFileP(
    CODE_SERVER_BIN,
    ['--config', config, '--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir],
    { timeout: 120000 },
  );
  const out = `${stdout}\n${stderr}`;
  if (!/successfully installed/i.test(out)) {
    throw new Error(`installing ${vsix} failed:\n${out}`);
  }
  return out.trim();
}

/** Writes `<userDataDir>/User/settings.json` (QUIET_SETTINGS merged with `settings`). */
export async function writeUserSettings(userDataDir, settings = {}) {
  const dir = path.join(userDataDir, 'User');
  await fsp.mkdir(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  await fsp.writeFile(file, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  return file;
}

/**
 * Starts code-server on a free loopback port and waits for /healthz.
 * Returns { url, port, pid, logFile, userDataDir, extensionsDir, stop() }.
 */
export async function startCodeServer({ userDataDir, extensionsDir, workspace, dir, env = {}, timeoutMs = 60000 }) {
  dir ??= await makeTempDir('specwright-cs-');
  const port = await freePort();
  const config = path.join(dir, 'code-server-config.yaml');
  await fsp.writeFile(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFile = path.join(dir, 'code-server.log');
  const args = [
    '--config', config,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
  if (workspace) args.push(workspace);
  // Not the test runner's NODE_TEST_CONTEXT: a `node --test` that a task runs in
  // the session would report to it (in V8's serialization) instead of printing TAP.
  const child = spawnGroup(CODE_SERVER_BIN, args, { logFile, env: { NODE_TEST_CONTEXT: undefined, ...env } });
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}): ${tail(logFile)}`);
      const res = await fetch(`${url}/healthz`);
      return res.ok;
    },
    { timeoutMs, intervalMs: 200, message: `code-server on ${url}` },
  ).catch((e) => {
    stopGroup(child.pid);
    throw e;
  });
  return { url, port, pid: child.pid, logFile, userDataDir, extensionsDir, stop: () => stopGroup(child.pid) };
}

// ------------------------------------------------------------------ browser

let playwright;
function loadPlaywright() {
  if (!playwright) {
    const req = createRequire(path.join(ENV_DIR, 'package.json'));
    playwright = req('playwright-core');
  }
  return playwright;
}

/** Launches headless Chromium with a fresh profile; returns { context, page, close() }. */
export async function launchBrowser({ profileDir, viewport = { width: 1440, height: 900 } } = {}) {
  profileDir ??= await makeTempDir('specwright-chromium-');
  const { chromium } = loadPlaywright();
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => context.close().catch(() => {}) };
}

// ---------------------------------------------------------------- workbench

/** Drives one VS Code workbench page. */
export class Workbench {
  constructor(page, { artifactsDir = ARTIFACTS_DIR } = {}) {
    this.page = page;
    this.artifactsDir = artifactsDir;
    this.consoleErrors = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => this.consoleErrors.push(String(err)));
  }

  /** Opens `<url>/?folder=<workspace>` and waits for `.monaco-workbench`. */
  async open(url, workspace, { timeoutMs = 60000 } = {}) {
    const target = workspace ? `${url}/?folder=${encodeURIComponent(workspace)}` : url;
    await this.page.goto(target, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    await this.page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
    // the status bar appears once the workbench has laid itself out
    await this.page.waitForSelector('#workbench\\.parts\\.statusbar', { timeout: timeoutMs });
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => {});
  }

  /** Waits for a status bar entry whose text matches `pattern` (string or RegExp); returns its text. */
  async waitForStatusBar(pattern, { timeoutMs = 30000 } = {}) {
    return waitFor(
      async () => (await this.statusBarItems()).find((t) => match(t, pattern)),
      { timeoutMs, message: `status bar item ${pattern}` },
    ).catch(async (e) => {
      throw new Error(`${e.message}; status bar: ${JSON.stringify(await this.statusBarItems())}`);
    });
  }

  async statusBarItems() {
    return this.page.$$eval('#workbench\\.parts\\.statusbar .statusbar-item', (els) =>
      els.map((el) => (el.innerText || el.getAttribute('aria-label') || '').trim()).filter(Boolean),
    );
  }

  async closeQuickInput() {
    if (await this.page.locator('.quick-input-widget').isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    }
  }

  /** The visible rows of the open quick input (command palette, quick open, quick pick). */
  async quickInputRows() {
    return this.page.$$eval('.quick-input-widget .monaco-list-row', (rows) =>
      rows.map((r) => ({
        label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
        aria: r.getAttribute('aria-label') ?? '',
        focused: r.classList.contains('focused'),
      })),
    );
  }

  /**
   * Runs a command palette command by its full title ("Specwright: Generate Tasks"):
   * F1, type into `.quick-input-widget input`, pick the row whose label is exactly the title.
   */
  async runCommand(title, { timeoutMs = 15000 } = {}) {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.fill(`>${title}`);
    const rows = await waitFor(
      async () => {
        const rows = await this.quickInputRows();
        return rows.some((r) => r.label === title) ? rows : null;
      },
      { timeoutMs, message: `command "${title}" in the palette` },
    ).catch(async (e) => {
      const rows = await this.quickInputRows().catch(() => []);
      await this.closeQuickInput();
      throw new Error(`${e.message}; palette shows: ${JSON.stringify(rows.map((r) => r.label))}`);
    });
    const index = rows.findIndex((r) => r.label === title);
    // select by keyboard: move the focus to the exact row, then Enter
    const focused = rows.findIndex((r) => r.focused);
    const delta = index - (focused < 0 ? 0 : focused);
    for (let i = 0; i < Math.abs(delta); i++) await this.page.keyboard.press(delta > 0 ? 'ArrowDown' : 'ArrowUp');
    await this.page.keyboard.press('Enter');
  }

  /** In an open quick pick, chooses the row whose label is `label` (string or RegExp). */
  async pickQuickInput(label, { timeoutMs = 15000 } = {}) {
    const rows = await waitFor(
      async () => {
        const rows = await this.quickInputRows();
        return rows.some((r) => match(r.label, label)) ? rows : null;
      },
      { timeoutMs, message: `quick pick item ${label}` },
    );
    const index = rows.findIndex((r) => match(r.label, label));
    await this.page.locator('.quick-input-widget .monaco-list-row').nth(index).click();
  }

  /** Texts of the notification toasts currently shown (`.notification-toast`). */
  async notifications() {
    return this.page.$$eval('.notification-toast', (els) =>
      els.map((el) => {
        const message = el.querySelector('.notification-list-item-message')?.textContent ?? el.textContent ?? '';
        const source = el.querySelector('.notification-list-item-source')?.textContent ?? '';
        return { message: message.trim(), source: source.trim() };
      }),
    );
  }

  /** Waits for a toast whose message matches `pattern`; returns the message. */
  async waitForNotification(pattern, { timeoutMs = 15000 } = {}) {
    return waitFor(
      async () => (await this.notifications()).map((n) => n.message).find((m) => match(m, pattern)),
      { timeoutMs, message: `notification ${pattern}` },
    ).catch(async (e) => {
      throw new Error(`${e.message}; toasts: ${JSON.stringify(await this.notifications())}`);
    });
  }

  /**
   * The editor tabs of every editor group: [{ label, active (in its group), dirty,
   * group (index), groupActive (the group has the focus), aria, index (among all tabs) }].
   */
  async tabs() {
    return this.page.$$eval('.tabs-container .tab', (els) => {
      const groups = [...document.querySelectorAll('.editor-group-container')];
      return els.map((el, index) => {
        const group = el.closest('.editor-group-container');
        return {
          label: (el.querySelector('.label-name')?.textContent ?? el.getAttribute('aria-label') ?? '').trim(),
          active: el.classList.contains('active'),
          dirty: el.classList.contains('dirty'),
          group: groups.indexOf(group),
          groupActive: !!group?.classList.contains('active'),
          aria: el.getAttribute('aria-label') ?? '',
          index,
        };
      });
    });
  }

  /** The active tab of the focused editor group. */
  async activeTab() {
    return (await this.tabs()).find((t) => t.active && t.groupActive);
  }

  /** Clicks a tab (which focuses its group); `tab` is an entry of `tabs()`. */
  async clickTab(tab) {
    await this.page.locator('.tabs-container .tab').nth(tab.index).click();
    await waitFor(async () => {
      const t = await this.activeTab();
      return t && t.label === tab.label && t.group === tab.group;
    }, { timeoutMs: 5000, message: `tab "${tab.label}" to be active` });
  }

  /** Waits for an editor tab labelled `name`; `active` also requires it to be the active one. */
  async waitForTab(name, { active = true, timeoutMs = 20000 } = {}) {
    return waitFor(
      async () => (await this.tabs()).find((t) => t.label === name && (!active || t.active)),
      { timeoutMs, message: `${active ? 'active ' : ''}editor tab "${name}"` },
    ).catch(async (e) => {
      throw new Error(`${e.message}; tabs: ${JSON.stringify(await this.tabs())}`);
    });
  }

  /**
   * Opens a workspace file with Quick Open (Ctrl+P): types `relPath`, picks the
   * row whose description (folder) and label (file name) match, waits for its tab.
   */
  async openFile(relPath, { timeoutMs = 20000 } = {}) {
    await this.closeQuickInput();
    const base = path.posix.basename(relPath);
    const folder = path.posix.dirname(relPath);
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.fill(relPath);
    const rows = await waitFor(
      async () => {
        const rows = await this.quickInputRows();
        return rows.some((r) => r.label === base && (folder === '.' || r.description.endsWith(folder))) ? rows : null;
      },
      { timeoutMs, message: `"${relPath}" in quick open` },
    ).catch(async (e) => {
      const rows = await this.quickInputRows().catch(() => []);
      await this.closeQuickInput();
      throw new Error(`${e.message}; quick open shows: ${JSON.stringify(rows)}`);
    });
    const index = rows.findIndex((r) => r.label === base && (folder === '.' || r.description.endsWith(folder)));
    await this.page.locator('.quick-input-widget .monaco-list-row').nth(index).click();
    await this.waitForTab(base, { timeoutMs });
    await this.page.locator('.editor-group-container.active .monaco-editor').first().waitFor({ timeout: timeoutMs });
  }

  /** The text the active editor shows (its rendered lines; enough for short files). */
  async activeEditorText() {
    return this.page.$eval('.editor-group-container.active .monaco-editor .view-lines', (el) =>
      [...el.querySelectorAll('.view-line')]
        .map((line) => ({ top: parseFloat(line.style.top) || 0, text: line.textContent.replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text)
        .join('\n'),
    );
  }

  /** Saves the active editor of the focused group (Ctrl+S) and waits until its tab is no longer dirty. */
  async saveActiveEditor({ timeoutMs = 10000 } = {}) {
    await this.page.locator('.editor-group-container.active .monaco-editor').first().click({ position: { x: 200, y: 50 } });
    await this.page.keyboard.press('Control+S');
    await waitFor(async () => {
      const tab = await this.activeTab();
      return tab && !tab.dirty;
    }, { timeoutMs, message: 'the active editor to be saved' }).catch(async (e) => {
      throw new Error(`${e.message}; tabs: ${JSON.stringify(await this.tabs())}`);
    });
  }

  /** Shows the Problems panel (idempotent: focuses it, does not toggle it away). */
  async showProblems() {
    if (await this.page.locator('.markers-panel').isVisible().catch(() => false)) return;
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)').catch(async () => {
      await this.runCommand('View: Toggle Problems (Errors, Warnings, Infos)');
    });
    await this.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 10000 });
  }

  /**
   * The rows of the Problems panel's markers tree: resource rows ({ kind: 'file' })
   * and marker rows ({ kind: 'marker', severity, message, source, code, text, aria }).
   */
  async problems() {
    await this.showProblems();
    return this.page.$$eval('.markers-panel .monaco-list-row', (rows) =>
      rows.map((r) => {
        const marker = r.querySelector('.marker-message-details, .marker-message');
        const aria = r.getAttribute('aria-label') ?? '';
        if (!marker && r.querySelector('.resource-label, .monaco-icon-label')) {
          return { kind: 'file', text: r.textContent.trim(), aria };
        }
        // the row's aria-label starts with the severity: "Error: <message> at line 1 ..."
        const severity = (/^(Error|Warning|Info|Hint)\b/.exec(aria)?.[1] ?? '').toLowerCase();
        return {
          kind: 'marker',
          severity,
          message: (r.querySelector('.marker-message-line .monaco-highlighted-label, .marker-message')?.textContent ?? '').trim(),
          source: (r.querySelector('.marker-source')?.textContent ?? '').trim(),
          code: (r.querySelector('.marker-code')?.textContent ?? '').trim(),
          text: r.textContent.trim(),
          aria,
        };
      }),
    );
  }

  /** Waits for a Problems row (marker) whose text or aria-label matches `pattern`. */
  async waitForProblem(pattern, { timeoutMs = 30000 } = {}) {
    let last = [];
    return waitFor(
      async () => {
        last = await this.problems();
        return last.find((r) => r.kind === 'marker' && (match(r.text, pattern) || match(r.aria, pattern)));
      },
      { timeoutMs, intervalMs: 500, message: `problem ${pattern}` },
    ).catch((e) => {
      throw new Error(`${e.message}; Problems panel rows: ${JSON.stringify(last, null, 1)}`);
    });
  }

  /**
   * The rows of the tree view titled `viewTitle` (its pane header, or the tree's
   * aria-label when the view is alone in its container and the header is merged):
   * [{ label, description, aria, level, expanded }].
   */
  async treeRows(viewTitle) {
    return this.page.evaluate((title) => {
      const norm = (s) => (s ?? '').trim().toLowerCase();
      let tree = null;
      for (const pane of document.querySelectorAll('.pane')) {
        const header = pane.querySelector('.pane-header .title');
        if (header && norm(header.textContent) === norm(title)) {
          tree = pane.querySelector('.pane-body .monaco-list');
          break;
        }
      }
      if (!tree) {
        tree = [...document.querySelectorAll('.monaco-list')].find((l) => norm(l.getAttribute('aria-label')) === norm(title)) ?? null;
      }
      if (!tree) return null;
      return [...tree.querySelectorAll('.monaco-list-row')]
        .map((r) => ({
          label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
          aria: r.getAttribute('aria-label') ?? '',
          level: Number(r.getAttribute('aria-level') ?? 0),
          expanded: r.getAttribute('aria-expanded'),
          top: parseFloat(r.style.top) || 0,
        }))
        .sort((a, b) => a.top - b.top)
        .map(({ top, ...row }) => row);
    }, viewTitle);
  }

  /** Waits until the tree view `viewTitle` has a row satisfying `predicate`; returns all rows. */
  async waitForTreeRow(viewTitle, predicate, { timeoutMs = 30000, message } = {}) {
    let last = null;
    return waitFor(
      async () => {
        last = await this.treeRows(viewTitle);
        return last && last.some(predicate) ? last : null;
      },
      { timeoutMs, intervalMs: 500, message: message ?? `a row in the "${viewTitle}" view` },
    ).catch((e) => {
      throw new Error(`${e.message}; rows: ${JSON.stringify(last)}`);
    });
  }

  /**
   * The document of the webview view `extensionId` contributes (its inner
   * frame, as a playwright FrameLocator): VS Code nests it in two iframes.
   */
  webview(extensionId = 'specwright.specwright') {
    return this.page
      .frameLocator(`iframe.webview[src*="extensionId=${extensionId}"][src*="purpose=webviewView"]`)
      .frameLocator('#active-frame');
  }

  /** The title of the open quick input, if any. */
  async quickInputTitle() {
    return this.page
      .locator('.quick-input-widget .quick-input-title')
      .textContent({ timeout: 1000 })
      .then((t) => (t ?? '').trim())
      .catch(() => '');
  }

  /** Waits for a quick input whose title matches `pattern`; returns its rows. */
  async waitForQuickInput(pattern, { timeoutMs = 30000 } = {}) {
    return waitFor(
      async () => {
        if (!(await this.page.locator('.quick-input-widget').isVisible())) return null;
        return match(await this.quickInputTitle(), pattern) ? this.quickInputRows() : null;
      },
      { timeoutMs, message: `a quick input titled ${pattern}` },
    ).catch(async (e) => {
      throw new Error(`${e.message}; quick input: ${JSON.stringify(await this.quickInputTitle())}, toasts: ${JSON.stringify(await this.notifications())}`);
    });
  }

  /** Clicks the button `label` of the toast whose message matches `pattern`. */
  async clickNotificationButton(pattern, label, { timeoutMs = 30000 } = {}) {
    await this.waitForNotification(pattern, { timeoutMs });
    const toast = this.page.locator('.notification-toast', { hasText: pattern });
    await toast.locator('.monaco-button', { hasText: label }).first().click();
  }

  /** Saves a full-page screenshot as `<artifacts>/<name>.png`; returns its path. */
  async screenshot(name) {
    await fsp.mkdir(this.artifactsDir, { recursive: true });
    const file = path.join(this.artifactsDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

function match(text, pattern) {
  if (pattern instanceof RegExp) return pattern.test(text ?? '');
  return (text ?? '').includes(pattern);
}

// ------------------------------------------------------------------ session

/**
 * One isolated VS Code session: fresh user-data dir (with `settings`), the given
 * extensions dir, code-server on a free port, Chromium on `workspace`.
 * Runs `fn(session)` and stops everything in a `finally`; on failure it saves
 * `<name>-failure.png` and copies the logs to `artifacts/<name>-logs/`.
 */
export async function withSession({ name, workspace, extensionsDir, settings = {}, env = {} }, fn) {
  const root = await makeTempDir(`specwright-it-${name}-`);
  const userDataDir = path.join(root, 'user-data');
  await writeUserSettings(userDataDir, settings);
  let server;
  let browser;
  let workbench;
  try {
    server = await startCodeServer({ userDataDir, extensionsDir, workspace, dir: root, env });
    browser = await launchBrowser({ profileDir: path.join(root, 'chromium') });
    workbench = new Workbench(browser.page);
    await workbench.open(server.url, workspace);
    return await fn({ workbench, page: browser.page, server, root, userDataDir, workspace });
  } catch (e) {
    if (workbench) {
      const shot = await workbench.screenshot(`${name}-failure`).catch(() => null);
      if (shot) e.message += `\n  screenshot: ${shot}`;
    }
    const logs = path.join(ARTIFACTS_DIR, `${name}-logs`);
    await fsp.rm(logs, { recursive: true, force: true });
    await fsp.mkdir(logs, { recursive: true });
    if (server) await fsp.copyFile(server.logFile, path.join(logs, 'code-server.log')).catch(() => {});
    await fsp.cp(path.join(userDataDir, 'logs'), path.join(logs, 'vscode'), { recursive: true }).catch(() => {});
    if (workbench?.consoleErrors.length) {
      await fsp.writeFile(path.join(logs, 'browser-console-errors.txt'), workbench.consoleErrors.join('\n')).catch(() => {});
    }
    e.message += `\n  logs: ${logs}`;
    throw e;
  } finally {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (!process.env.SPECWRIGHT_IT_KEEP) await fsp.rm(root, { recursive: true, force: true }).catch(() => {});
  }
}
