import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  Transcript,
  attachCheckpoints,
  chatMarkdown,
  completeKinds,
  contextTokens,
  historyTurns,
  isSafeLink,
  renderTranscript,
  sameContext,
  toolSummary,
} from '../../src/chat_model';
import type { ChatEvent, TaskReport } from '../../src/lsp_ext';

const md = chatMarkdown();
const rel = (uri: string) => uri.replace('file:///w/', '');
const ev = (e: Partial<ChatEvent> & { kind: ChatEvent['kind'] }): ChatEvent => ({ session: 's1', turn: 1, ...e });
const chats = new Set(['s1']);

function report(overrides: Partial<TaskReport> = {}): TaskReport {
  return {
    id: '1',
    title: 'Implement add',
    status: 'done',
    tests: { ran: 1, passed: 1, failed: 0, skipped: 0 },
    files: ['calc.js'],
    checks: [{ name: 'tests', ok: true, detail: '1 passed' }],
    testCommand: 'node --test',
    outputTail: '',
    checkpoint: 'cp1',
    session: 'task-s',
    answer: 'Implemented.',
    ...overrides,
  };
}

describe('Transcript', () => {
  it('builds a chat turn from streamed events', () => {
    const t = new Transcript();
    const turn = t.beginChat('s1', 'fix a', ['#file:a.ts']);
    t.apply(ev({ kind: 'text', text: 'Let me ' }), chats, false);
    t.apply(ev({ kind: 'text', text: 'look.' }), chats, false);
    t.apply(ev({ kind: 'toolCall', name: 'edit_file', input: { path: 'a.ts', old_str: 'x', new_str: 'y' } }), chats, false);
    t.apply(ev({ kind: 'toolResult', name: 'edit_file', ok: true, output: 'edited a.ts' }), chats, false);
    t.apply(ev({ kind: 'edit', uri: 'file:///w/a.ts', action: 'change' }), chats, false);
    t.apply(ev({ kind: 'edit', uri: 'file:///w/a.ts', action: 'change' }), chats, false);
    t.apply(ev({ kind: 'text', text: 'Done.' }), chats, false);
    assert.equal(turn.turn, 1);
    assert.equal(turn.running, true);
    t.apply(ev({ kind: 'done', text: 'endTurn' }), chats, false);
    assert.equal(turn.running, false);
    t.finishChat(turn, 'endTurn', 'cp9');
    assert.deepEqual(
      turn.blocks.map((b) => b.kind),
      ['user', 'text', 'tool', 'text'],
    );
    assert.deepEqual(turn.blocks[1], { kind: 'text', text: 'Let me look.' });
    assert.deepEqual(turn.blocks[2], {
      kind: 'tool',
      name: 'edit_file',
      input: { path: 'a.ts', old_str: 'x', new_str: 'y' },
      ok: true,
      output: 'edited a.ts',
    });
    assert.deepEqual(turn.edits, [{ uri: 'file:///w/a.ts', action: 'change' }], 'one row per file');
    assert.equal(turn.checkpoint, 'cp9');
  });

  it('gives results to their calls in order', () => {
    const t = new Transcript();
    const turn = t.beginChat('s1', 'read both', []);
    t.apply(ev({ kind: 'toolCall', name: 'read_file', input: { path: 'a' } }), chats, false);
    t.apply(ev({ kind: 'toolCall', name: 'read_file', input: { path: 'b' } }), chats, false);
    t.apply(ev({ kind: 'toolResult', name: 'read_file', ok: true, output: 'A' }), chats, false);
    t.apply(ev({ kind: 'toolResult', name: 'read_file', ok: false, output: 'B' }), chats, false);
    assert.deepEqual(
      turn.blocks.filter((b) => b.kind === 'tool').map((b) => b.kind === 'tool' && [toolSummary(b.input), b.output]),
      [
        ['a', 'A'],
        ['b', 'B'],
      ],
    );
  });

  it('ignores events of other sessions unless a task runs', () => {
    const t = new Transcript();
    assert.equal(t.apply(ev({ session: 'other', kind: 'text', text: 'x' }), chats, false), undefined);
    assert.equal(t.turns.length, 0);
  });

  it('gives a started task run the first events of an unknown session, and its report', () => {
    const t = new Transcript();
    const task = t.beginTask('Task 1');
    t.apply(ev({ session: 'task-s', kind: 'toolCall', name: 'edit_file', input: { path: 'calc.js' } }), chats, true);
    t.apply(ev({ session: 'task-s', kind: 'done', text: 'endTurn' }), chats, true);
    assert.equal(task.session, 'task-s');
    assert.equal(task.running, true, 'a task run goes on after its turn (the tests)');
    t.finishTask(task, report());
    assert.equal(task.running, false);
    assert.equal(task.title, 'Task 1: Implement add');
    assert.equal(task.checkpoint, 'cp1');
  });

  it('shows no changed files (and no Restore) for a run that changed none', () => {
    const t = new Transcript();
    const task = t.beginTask('Task 1');
    t.finishTask(task, report({ status: 'evidence-failed', files: [] }));
    assert.doesNotMatch(renderTranscript(t.turns, md, rel), /files? changed|Restore/);
  });

  it('adds the runs of Run all as they come and finishes them with their reports', () => {
    const t = new Transcript();
    t.apply(ev({ session: 'r1', kind: 'text', text: 'one' }), chats, true);
    t.apply(ev({ session: 'r2', kind: 'text', text: 'two' }), chats, true);
    assert.equal(t.turns.length, 2);
    t.finishRunAll([report({ id: '1', session: 'r1' }), report({ id: '2', session: 'r2', status: 'evidence-failed' })]);
    assert.deepEqual(
      t.turns.map((x) => [x.title, x.running, x.report?.status]),
      [
        ['Task 1: Implement add', false, 'done'],
        ['Task 2: Implement add', false, 'evidence-failed'],
      ],
    );
  });
});

describe('renderTranscript', () => {
  it('renders markdown with raw HTML escaped, tool rows, edits and the restore button', () => {
    const t = new Transcript();
    const turn = t.beginChat('s1', 'hi <b>', []);
    t.apply(ev({ kind: 'text', text: '**bold** <script>alert(1)</script>\n\n```ts\nconst a = 1;\n```\n' }), chats, false);
    t.apply(ev({ kind: 'toolCall', name: 'run_command', input: { command: 'npm test' } }), chats, false);
    t.apply(ev({ kind: 'toolResult', name: 'run_command', ok: false, output: 'exit 1' }), chats, false);
    t.apply(ev({ kind: 'edit', uri: 'file:///w/src/a.ts', action: 'write' }), chats, false);
    t.finishChat(turn, 'endTurn', 'cp1');
    const html = renderTranscript(t.turns, md, rel);
    assert.match(html, /<div class="user-text">hi &lt;b&gt;<\/div>/);
    assert.match(html, /<strong>bold<\/strong> &lt;script&gt;/);
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /<code class="language-ts">const a = 1;/);
    assert.match(html, /<details class="tool tool-failed" data-id="t1:2"><summary><span class="tool-icon">✗<\/span> <span class="tool-name">run_command<\/span> <code>npm test<\/code>/);
    assert.match(html, /1 file changed/);
    assert.match(html, /data-action="diff" data-turn="t1" data-uri="file:\/\/\/w\/src\/a.ts"[^>]*>src\/a.ts <span class="verb">written/);
    assert.match(html, /data-action="restore" data-checkpoint="cp1"/);
  });
  it('turns mermaid fences into blocks the webview draws', () => {
    const t = new Transcript();
    t.beginChat('s1', 'draw', []);
    t.apply(ev({ kind: 'text', text: '```mermaid\nflowchart TD\n  A --> B\n```\n' }), chats, false);
    assert.match(renderTranscript(t.turns, md, rel), /<pre class="mermaid specwright-mermaid">flowchart TD\n {2}A --&gt; B\n<\/pre>/);
  });
  it('shows a task report: why the evidence failed and the end of the output', () => {
    const t = new Transcript();
    const task = t.beginTask('Task 1');
    t.finishTask(
      task,
      report({
        status: 'evidence-failed',
        tests: { ran: 1, passed: 0, failed: 1, skipped: 0 },
        checks: [{ name: 'tests', ok: false, detail: '1 failed' }],
        outputTail: 'AssertionError: 0 == 5',
      }),
    );
    const html = renderTranscript(t.turns, md, rel);
    assert.match(html, /evidence failed: the task stays in progress/);
    assert.match(html, /1 file changed<\/div><span class="file">calc.js<\/span>/, 'the report names its files');
    assert.match(html, /<li class="failed">✗ tests: 1 failed<\/li>/);
    assert.match(html, /AssertionError: 0 == 5/);
  });
  it('shows an odd report without failing: an unknown status, no checks, no output', () => {
    const t = new Transcript();
    const task = t.beginTask('Task 1');
    const odd = { ...report({ status: 'timed-out' as TaskReport['status'], tests: null }) } as Partial<TaskReport>;
    delete odd.checks;
    delete odd.outputTail;
    t.finishTask(task, odd as TaskReport);
    const other = t.beginTask('Task 2');
    t.finishTask(other, report({ status: undefined as unknown as TaskReport['status'], checks: [{ ok: true } as never], tests: null }));
    const html = renderTranscript(t.turns, md, rel);
    assert.match(html, /<div class="report report-failed"><div class="report-status">✗ timed-out<\/div><\/div>/);
    assert.match(html, /✗ unknown<\/div><ul class="checks"><li class="ok">✓ check<\/li><\/ul>/);
    assert.doesNotMatch(html, /undefined/);
  });
});

describe('chat markdown links', () => {
  const render = (text: string) => md.render(text).trim();
  it('keeps web and mail links and anchors', () => {
    assert.equal(render('[docs](https://example.com/a)'), '<p><a href="https://example.com/a">docs</a></p>');
    assert.equal(render('[site](HTTP://example.com)'), '<p><a href="HTTP://example.com">site</a></p>');
    assert.equal(render('[me](mailto:a@example.com)'), '<p><a href="mailto:a@example.com">me</a></p>');
    assert.equal(render('[up](#top)'), '<p><a href="#top">up</a></p>');
    assert.equal(render('see https://example.com/x'), '<p>see <a href="https://example.com/x">https://example.com/x</a></p>');
  });
  it('does not link commands, files, scripts, data or relative paths', () => {
    for (const url of [
      'command:workbench.action.terminal.new',
      'command:specwright.runHook?%5B%22x%22%5D',
      'vscode://settings',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html;base64,PHNjcmlwdD4=',
      'src/a.ts',
    ]) {
      const html = render(`[x](${url}) <${url}>`);
      assert.doesNotMatch(html, /<a /, `${url}: ${html}`);
      assert.doesNotMatch(render(`![img](${url})`), /<img /, url);
    }
  });
  it('is an allow-list', () => {
    assert.ok(isSafeLink('https://x'));
    assert.ok(isSafeLink('#a'));
    assert.ok(!isSafeLink(' https://x'));
    assert.ok(!isSafeLink('ftp://x'));
    assert.ok(!isSafeLink(''));
  });
});

describe('context tokens', () => {
  it('finds #kind and #kind:arg tokens, in order, once each', () => {
    assert.deepEqual(contextTokens('see #file:src/a.ts and #codebase, #codebase #gitDiff\n#spec:auth'), [
      { kind: 'file', arg: 'src/a.ts' },
      { kind: 'codebase' },
      { kind: 'gitDiff' },
      { kind: 'spec', arg: 'auth' },
    ]);
  });
  it('finds #mcp tokens with their server and resource URI', () => {
    assert.deepEqual(contextTokens('read #mcp:everything/demo://resource/static/document/architecture.md and #mcp'), [
      { kind: 'mcp', arg: 'everything/demo://resource/static/document/architecture.md' },
      { kind: 'mcp' },
    ]);
  });
  it('tells context items apart by kind, URI and MCP server', () => {
    assert.ok(sameContext({ kind: 'file', uri: 'file:///a' }, { kind: 'file', uri: 'file:///a' }));
    assert.ok(sameContext({ kind: 'codebase' }, { kind: 'codebase', uri: null }));
    assert.ok(!sameContext({ kind: 'file', uri: 'file:///a' }, { kind: 'folder', uri: 'file:///a' }));
    assert.ok(!sameContext({ kind: 'mcp', server: 'a', uri: 'demo://1' }, { kind: 'mcp', server: 'b', uri: 'demo://1' }));
    assert.ok(sameContext({ kind: 'mcp', server: 'a', uri: 'demo://1' }, { kind: 'mcp', server: 'a', uri: 'demo://1' }));
  });
  it('ignores unknown kinds and words that only contain a hash', () => {
    assert.deepEqual(contextTokens('issue #12 and a#file and #files'), []);
  });
  it('completes kinds by prefix', () => {
    assert.deepEqual(completeKinds('f'), ['file', 'folder']);
    assert.deepEqual(completeKinds('GIT'), ['gitDiff']);
    assert.deepEqual(completeKinds('m'), ['mcp']);
    assert.equal(completeKinds('').length, 8);
  });
});

describe('historyTurns', () => {
  it('makes a turn per user message, with tool calls and their results', () => {
    const turns = historyTurns('s1', [
      { role: 'user', content: [{ type: 'text', text: 'fix a\n\nAttached file `a.ts`:\n```\nx\n```' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Looking.' },
          { type: 'tool_use', id: 'c1', name: 'read_file', input: { path: 'a.ts' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: 'x', is_error: false }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
      { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
    ]);
    assert.equal(turns.length, 2);
    assert.deepEqual(
      turns[0].blocks.map((b) => b.kind),
      ['user', 'text', 'tool', 'text'],
    );
    const tool = turns[0].blocks[2];
    assert.ok(tool.kind === 'tool' && tool.ok === true && tool.output === 'x');
    const html = renderTranscript(turns, md, rel);
    assert.match(html, /<div class="user-text">fix a<\/div>/);
    assert.match(html, /<summary>attached context<\/summary>/);
  });
});

describe('attachCheckpoints', () => {
  it('gives each saved turn the checkpoint labelled with its first line, in order, and its files', () => {
    const turns = historyTurns('s1', [
      { role: 'user', content: [{ type: 'text', text: 'fix it\n\nmore' }] },
      { role: 'user', content: [{ type: 'text', text: 'explain' }] },
      { role: 'user', content: [{ type: 'text', text: 'fix it' }] },
    ]);
    attachCheckpoints(
      turns,
      [
        { id: 'c2', label: 'chat: fix it', session: 's1', created: 2, files: ['b.ts'] },
        { id: 'c1', label: 'chat: fix it', session: 's1', created: 1, files: ['src/a b.ts'] },
      ],
      'file:///w',
    );
    assert.deepEqual(
      turns.map((t) => [t.checkpoint, t.edits.map((e) => e.uri)]),
      [
        ['c1', ['file:///w/src/a%20b.ts']],
        [undefined, []],
        ['c2', ['file:///w/b.ts']],
      ],
    );
  });
});

describe('toolSummary', () => {
  it('shows the path, command or query of a call', () => {
    assert.equal(toolSummary({ path: 'a.ts', old_str: 'x' }), 'a.ts');
    assert.equal(toolSummary({ command: 'npm test' }), 'npm test');
    assert.equal(toolSummary(null), '');
  });
});
