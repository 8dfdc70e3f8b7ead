import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { bundledServer, describeSource, findServer } from '../../src/server_path';

const BUNDLED = '/ext/specwright.specwright-0.1.0-linux-x64/server/specwright';

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
    assert.ok(!found.ok && /not on PATH/.test(found.message) && /specwright\.server\.path/.test(found.message));
    assert.ok(!found.ok && /bundles no server/.test(found.message) && /--target linux-x64/.test(found.message));
  });
});

describe('findServer with a bundled server (setting, then PATH, then bundled)', () => {
  const all = () => true;
  it('prefers the setting to PATH and to the bundled server', () => {
    const found = findServer('/opt/sw/specwright', '/usr/bin', all, 'linux', BUNDLED);
    assert.deepEqual(found, { ok: true, path: '/opt/sw/specwright', source: 'setting' });
  });
  it('prefers PATH to the bundled server', () => {
    const found = findServer('', '/usr/local/bin:/usr/bin', all, 'linux', BUNDLED);
    assert.deepEqual(found, { ok: true, path: '/usr/local/bin/specwright', source: 'PATH' });
  });
  it('uses the bundled server when neither the setting nor PATH provides one', () => {
    const found = findServer('', '/usr/local/bin:/usr/bin', (f) => f === BUNDLED, 'linux', BUNDLED);
    assert.deepEqual(found, { ok: true, path: BUNDLED, source: 'bundled' });
  });
  it('uses the bundled server when PATH is unset', () => {
    const found = findServer('', undefined, (f) => f === BUNDLED, 'linux', BUNDLED);
    assert.deepEqual(found, { ok: true, path: BUNDLED, source: 'bundled' });
  });
  it('does not fall back to the bundled server when the setting is wrong', () => {
    const found = findServer('/nope/specwright', '/usr/bin', (f) => f === BUNDLED, 'linux', BUNDLED);
    assert.ok(!found.ok && found.message.includes('specwright.server.path is set to /nope/specwright'));
  });
  it('names the missing bundled binary of a platform-neutral package', () => {
    const found = findServer('', '/usr/bin', () => false, 'linux', BUNDLED);
    assert.ok(!found.ok && found.message.includes(`no executable ${BUNDLED}`), !found.ok ? found.message : '');
    assert.ok(!found.ok && /platform-neutral/.test(found.message));
  });
  it('asks whether each candidate is executable, in the order setting, PATH, bundled', () => {
    const asked: string[] = [];
    findServer('', '/a:/b', (f) => (asked.push(f), false), 'linux', BUNDLED);
    assert.deepEqual(asked, ['/a/specwright', '/b/specwright', BUNDLED]);
  });
});

describe('bundledServer', () => {
  it('is server/specwright inside the extension', () => {
    assert.equal(bundledServer('/ext/sw', 'linux'), '/ext/sw/server/specwright');
    assert.equal(bundledServer('/ext/sw', 'darwin'), '/ext/sw/server/specwright');
  });
  it('is server/specwright.exe on Windows', () => {
    assert.match(bundledServer('C:\\ext\\sw', 'win32'), /server[\\/]specwright\.exe$/);
  });
  it('is named in the log', () => {
    assert.equal(describeSource('bundled'), 'bundled with the extension');
    assert.equal(describeSource('PATH'), 'found on PATH');
    assert.equal(describeSource('setting'), 'from the specwright.server.path setting');
  });
});
