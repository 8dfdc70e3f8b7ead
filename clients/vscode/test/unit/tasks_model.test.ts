import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ago, groupCheckpoints } from '../../src/checkpoints_model';
import type { TaskReport } from '../../src/lsp_ext';
import { reportLine, specDirOf, taskDescription, taskIcon, taskKey, taskOf, taskTooltip } from '../../src/tasks_model';

const failed: TaskReport = {
  id: '2.1',
  title: 'Add tokens',
  status: 'evidence-failed',
  tests: { ran: 2, passed: 1, failed: 1, skipped: 0 },
  files: ['src/token.js'],
  checks: [
    { name: 'tests', ok: false, detail: '1 of 2 failed' },
    { name: 'diagnostics', ok: true },
  ],
  testCommand: 'npm test',
  outputTail: 'line 1\nnot ok 2 - signs\n',
  checkpoint: 'cp',
  session: 's',
  answer: '',
};

describe('taskOf', () => {
  it('reads the outline of tasks.md: number, title, status, optional, children', () => {
    const task = taskOf({
      name: '2 Tokens',
      detail: '[-] in progress',
      range: { start: { line: 4 } },
      selectionRange: { start: { line: 5 } },
      children: [{ name: '2.1 Add tokens', detail: '[ ] not started, optional', range: { start: { line: 6 } } }],
    });
    assert.deepEqual(task, {
      id: '2',
      title: 'Tokens',
      status: 'in progress',
      optional: false,
      line: 5,
      children: [{ id: '2.1', title: 'Add tokens', status: 'not started', optional: true, line: 6, children: [] }],
    });
    assert.equal(taskOf({ name: 'Unnumbered', detail: '[x] done', range: { start: { line: 0 } } }).id, undefined);
  });
});

describe('task keys', () => {
  it('name the spec folder whatever document the command names', () => {
    assert.equal(specDirOf('file:///w/.kiro/specs/calc/tasks.md'), 'file:///w/.kiro/specs/calc');
    assert.equal(specDirOf('file:///w/.kiro/specs/calc/'), 'file:///w/.kiro/specs/calc');
    assert.equal(taskKey('file:///w/.kiro/specs/calc/tasks.md', '1'), taskKey('file:///w/.kiro/specs/calc', '1'));
  });
});

describe('task rows', () => {
  const task = taskOf({ name: '2.1 Add tokens', detail: '[-] in progress', range: { start: { line: 3 } } });
  it('spin while running, and while Run all runs an in-progress task', () => {
    assert.equal(taskIcon(task, { state: 'running' }, false).icon, 'loading~spin');
    assert.equal(taskIcon(task, undefined, true).icon, 'loading~spin');
    assert.equal(taskDescription(task, undefined, true), 'running…');
    assert.equal(taskIcon(task, undefined, false).icon, 'circle-large-filled');
  });
  it('show a passed or failed run, with the reason on hover', () => {
    assert.deepEqual(taskIcon(task, { state: 'reported', report: { ...failed, status: 'done' } }, false), {
      icon: 'pass',
      color: 'testing.iconPassed',
    });
    assert.equal(taskDescription(task, { state: 'reported', report: { ...failed, status: 'done' } }, false), 'passed (1 test)');
    assert.deepEqual(taskIcon(task, { state: 'reported', report: failed }, false), { icon: 'error', color: 'testing.iconFailed' });
    assert.equal(taskDescription(task, { state: 'reported', report: failed }, false), 'evidence failed: tests');
    const tip = taskTooltip(task, { state: 'reported', report: failed });
    assert.match(tip, /✗ tests: 1 of 2 failed/);
    assert.match(tip, /✓ diagnostics/);
    assert.match(tip, /not ok 2 - signs/);
    assert.match(taskTooltip(task, { state: 'error', message: 'not trusted' }), /did not start: not trusted/);
  });
  it('say what happened in one line', () => {
    assert.equal(reportLine(failed), 'Task 2.1: evidence failed (tests: 1 of 2 failed)');
    assert.equal(reportLine({ ...failed, status: 'done' }), 'Task 2.1 passed (1 test) and is ticked');
  });
});

describe('checkpoints', () => {
  it('group by session in the order of their newest turn', () => {
    const c = (id: string, session: string | null) => ({ id, label: id, session, created: 0, files: [] });
    const groups = groupCheckpoints([c('3', 'b'), c('2', 'a'), c('1', 'b'), c('0', null)]);
    assert.deepEqual(
      groups.map((g) => [g.session, g.checkpoints.map((x) => x.id)]),
      [
        ['b', ['3', '1']],
        ['a', ['2']],
        [null, ['0']],
      ],
    );
  });
  it('say how long ago', () => {
    assert.equal(ago(5), 'just now');
    assert.equal(ago(125), '2 min ago');
    assert.equal(ago(7200), '2 h ago');
    assert.equal(ago(86400), '1 day ago');
  });
});
