import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findServer } from '../../src/server_path';

describe('findServer', () => {
  it('uses the setting when it names an executable', () => {
    const found = findServer('/opt/sw/specwright', '/usr/bin', (f) => f === '/opt/sw/specwright', 'linux');
    assert.deepEqual(found, { ok: true, path: '/opt/sw/specwright', source: 'setting' });
  });
  it('says so when the setting names no executable, with the install command', () => {
    const found = findServer('/nope/specwright', '/usr/bin', () => false, 'linux');
    assert.equal(found.ok, false);
    assert.ok(!found.ok && found.message.includes('/nope/specwright') && found.message.includes('cargo install'));
  });
  it('searches PATH in order', () => {
    const found = findServer('', '/a::/b:/c', (f) => f === '/b/specwright' || f === '/c/specwright', 'linux');
    assert.deepEqual(found, { ok: true, path: '/b/specwright', source: 'PATH' });
  });
  it('finds specwright.exe on Windows', () => {
    const found = findServer('', 'C:\\bin', (f) => f.endsWith('specwright.exe'), 'win32');
    assert.equal(found.ok && found.source, 'PATH');
  });
  it('explains how to install when nothing is found', () => {
    const found = findServer('  ', '/a:/b', () => false, 'linux');
    assert.ok(!found.ok && /not found on PATH/.test(found.message) && /specwright\.server\.path/.test(found.message));
  });
});
