// A real ACP client (the official TypeScript SDK, @agentclientprotocol/sdk,
// installed into .venv-test/node by scripts/setup-test-tools) driving
// `specwright acp`. It records what it saw and prints it as JSON; the
// assertions are in tests/acp_agent.rs.
//
// usage: node client.mjs SDK_DIR SPECWRIGHT_BIN WORKSPACE
// The agent's environment (the model) comes from this process's.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const [sdkDir, bin, ws] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(path.join(sdkDir, 'package.json'), 'utf8'));
const acp = await import(pathToFileURL(path.join(sdkDir, pkg.exports['.'].import)).href);

// The editor's buffers: calc.py open with an unsaved line.
const buffers = new Map();
const calcPath = path.join(fs.realpathSync(ws), 'calc.py');
buffers.set(calcPath, `${fs.readFileSync(calcPath, 'utf8')}# unsaved in the editor\n`);

/** One connection to a fresh `specwright acp`; `run(agent, state)` drives it. */
async function connect(run, answers) {
  const child = spawn(bin, ['acp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const stream = acp.ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout));
  const state = { updates: [], permissions: [], writes: [], reads: [], terminals: [], answers: [...answers], onUpdate: null };
  const running = new Map();
  const app = acp
    .client({ name: 'specwright-acp-test' })
    .onNotification(acp.methods.client.session.update, ({ params }) => {
      state.updates.push(params.update);
      if (state.onUpdate) state.onUpdate(params);
    })
    .onRequest(acp.methods.client.session.requestPermission, ({ params }) => {
      state.permissions.push(params);
      const kind = state.answers.shift() ?? 'reject_once';
      const option = params.options.find((o) => o.kind === kind);
      return { outcome: { outcome: 'selected', optionId: option.optionId } };
    })
    .onRequest(acp.methods.client.fs.readTextFile, ({ params }) => {
      state.reads.push(params.path);
      // The editor's buffer when it has one (unsaved text), else the disk.
      return { content: buffers.get(params.path) ?? fs.readFileSync(params.path, 'utf8') };
    })
    // The editor's terminal: the command runs here, its output is kept.
    .onRequest(acp.methods.client.terminal.create, ({ params }) => {
      const id = `term-${running.size + 1}`;
      state.terminals.push({ command: params.command, args: params.args, cwd: params.cwd });
      const proc = spawn(params.command, params.args ?? [], { cwd: params.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      const term = { output: '', exit: null };
      term.done = new Promise((resolve) => {
        proc.stdout.on('data', (d) => (term.output += d));
        proc.stderr.on('data', (d) => (term.output += d));
        proc.on('close', (code, signal) => {
          term.exit = { exitCode: code, signal: signal ?? null };
          resolve();
        });
      });
      term.proc = proc;
      running.set(id, term);
      return { terminalId: id };
    })
    .onRequest(acp.methods.client.terminal.waitForExit, async ({ params }) => {
      const term = running.get(params.terminalId);
      await term.done;
      return term.exit;
    })
    .onRequest(acp.methods.client.terminal.output, ({ params }) => {
      const term = running.get(params.terminalId);
      return { output: term.output, truncated: false, exitStatus: term.exit };
    })
    .onRequest(acp.methods.client.terminal.kill, ({ params }) => {
      running.get(params.terminalId)?.proc.kill();
      return {};
    })
    .onRequest(acp.methods.client.terminal.release, () => ({}))
    .onRequest(acp.methods.client.fs.writeTextFile, ({ params }) => {
      // The editor's buffer, saved: what the client was asked to write lands on disk.
      state.writes.push({ path: params.path, content: params.content });
      buffers.set(params.path, params.content);
      fs.mkdirSync(path.dirname(params.path), { recursive: true });
      fs.writeFileSync(params.path, params.content);
      return {};
    });
  try {
    const result = await app.connectWith(stream, async (agent) => {
      const init = await agent.request(acp.methods.agent.initialize, {
        protocolVersion: acp.PROTOCOL_VERSION,
        clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: true },
        clientInfo: { name: 'specwright-acp-test', version: '0.0.1' },
      });
      return run(agent, state, init);
    });
    return { ...result, updates: state.updates, permissions: state.permissions, writes: state.writes, reads: state.reads, terminals: state.terminals };
  } finally {
    child.kill();
  }
}

async function prompt(agent, sessionId, text) {
  const answer = await agent.request(acp.methods.agent.session.prompt, {
    sessionId,
    prompt: [{ type: 'text', text }],
  });
  return answer.stopReason;
}

/** What a turn printed: the agent's text chunks joined. */
function textSince(state, from) {
  return state.updates
    .slice(from)
    .filter((u) => u.sessionUpdate === 'agent_message_chunk' && u.content.type === 'text')
    .map((u) => u.content.text)
    .join('');
}

const first = await connect(
  async (agent, state, init) => {
    const out = { init };
    // The editor hands the session an MCP server of its own.
    const mcpServers = [{ name: 'client-everything', command: 'node', args: [process.env.EVERYTHING, 'stdio'], env: [] }];
    const created = await agent.request(acp.methods.agent.session.new, { cwd: ws, mcpServers });
    out.session = created;
    const sessionId = created.sessionId;
    out.afterNew = state.updates.length;

    let mark = state.updates.length;
    out.specStop = await prompt(agent, sessionId, '/spec');
    out.specText = textSince(state, mark);
    mark = state.updates.length;
    out.checkStop = await prompt(agent, sessionId, '/check');
    out.checkText = textSince(state, mark);

    // Supervised: the edit is asked, allowed once, and written through the client.
    mark = state.updates.length;
    out.fixStop = await prompt(agent, sessionId, 'Fix sub in calc.py for .kiro/specs/calc');
    out.fixText = textSince(state, mark);
    out.fixUpdates = state.updates.slice(mark);

    // Rejected: the file is not written.
    mark = state.updates.length;
    out.rejectStop = await prompt(agent, sessionId, 'Now rewrite calc.py');
    out.rejectText = textSince(state, mark);

    // A command, allowed once, runs in the editor's terminal.
    mark = state.updates.length;
    out.runStop = await prompt(agent, sessionId, 'Say hello in the terminal');
    out.runText = textSince(state, mark);
    out.runUpdates = state.updates.slice(mark);

    out.modeSet = await agent.request(acp.methods.agent.session.setMode, { sessionId, modeId: 'autopilot' });
    out.badMode = await agent
      .request(acp.methods.agent.session.setMode, { sessionId, modeId: 'yolo' })
      .then(() => 'accepted', (e) => String(e.message ?? e));

    // A task run needs the folder trusted (it runs the project's tests).
    mark = state.updates.length;
    out.untrustedStop = await prompt(agent, sessionId, '/task start 2');
    out.untrustedText = textSince(state, mark);
    execFileSync(bin, ['hooks', 'trust', ws], { stdio: 'ignore' });
    mark = state.updates.length;
    out.taskStop = await prompt(agent, sessionId, '/task start 2');
    out.taskText = textSince(state, mark);
    out.taskUpdates = state.updates.slice(mark);
    out.tasksAfter = fs.readFileSync(path.join(ws, '.kiro/specs/calc/tasks.md'), 'utf8');
    mark = state.updates.length;
    out.runAllStop = await prompt(agent, sessionId, '/task runall');
    out.runAllText = textSince(state, mark);

    // The spec workflow: a new spec's requirements, then its design (autopilot: no questions).
    mark = state.updates.length;
    out.specNewStop = await prompt(agent, sessionId, '/spec new notes Short notes users can pin');
    out.specNewText = textSince(state, mark);
    out.specDesignStop = await prompt(agent, sessionId, '/spec design');
    out.specDesignText = textSince(state, mark);

    // Cancelled while the model streams.
    mark = state.updates.length;
    state.onUpdate = (params) => {
      if (params.update.sessionUpdate === 'agent_message_chunk') {
        state.onUpdate = null;
        // A second prompt while the turn runs is refused, not queued.
        busy = agent
          .request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text: 'and another' }] })
          .then(() => 'accepted', (e) => JSON.stringify({ message: e.message, data: e.data ?? null }));
        agent.notify(acp.methods.agent.session.cancel, { sessionId });
      }
    };
    let busy = null;
    out.cancelStop = await prompt(agent, sessionId, 'Count slowly');
    out.busy = await busy;
    out.cancelText = textSince(state, mark);

    out.list = await agent.request(acp.methods.agent.session.list, { cwd: ws });
    out.unknown = await agent
      .request(acp.methods.agent.session.prompt, { sessionId: 'nope', prompt: [{ type: 'text', text: 'hi' }] })
      .then(() => 'accepted', (e) => String(e.message ?? e));
    return out;
  },
  ['allow_once', 'reject_once', 'allow_once', 'allow_once'],
);

// A second client loads the session: its conversation is replayed.
const second = await connect(async (agent, state) => {
  await agent.request(acp.methods.agent.session.load, {
    sessionId: first.session.sessionId,
    cwd: ws,
    mcpServers: [],
  });
  return {
    replayed: state.updates
      .filter((u) => u.sessionUpdate === 'user_message_chunk')
      .map((u) => u.content.text),
  };
}, []);

console.log(JSON.stringify({ first, second }));
