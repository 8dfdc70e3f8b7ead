import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { withTrust } from '../../src/trust';

describe('withTrust', () => {
  const settings = { specwright: { hooks: { enabled: true, debounceMs: 100 }, model: { provider: 'openai' } } };
  it('keeps the settings of a trusted workspace', () => {
    assert.deepEqual(withTrust(settings, true), settings);
  });
  it('switches hooks off in an untrusted one, keeping everything else', () => {
    assert.deepEqual(withTrust(settings, false), {
      specwright: { hooks: { enabled: false, debounceMs: 100 }, model: { provider: 'openai' } },
    });
    assert.equal(settings.specwright.hooks.enabled, true, 'the input is not changed');
    assert.deepEqual(withTrust({ specwright: {} }, false), { specwright: { hooks: { enabled: false } } });
  });
});
