import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { message, setCapped } from '../../src/util';

describe('message', () => {
  it('is an error message, or the thrown value as text', () => {
    assert.equal(message(new Error('boom')), 'boom');
    assert.equal(message('plain'), 'plain');
    assert.equal(message(42), '42');
  });
});

describe('setCapped', () => {
  it('keeps the newest entries, a set again key counting as new', () => {
    const map = new Map<string, number>();
    setCapped(map, 'a', 1, 2);
    setCapped(map, 'b', 2, 2);
    setCapped(map, 'a', 3, 2);
    setCapped(map, 'c', 4, 2);
    assert.deepEqual([...map], [
      ['a', 3],
      ['c', 4],
    ]);
  });
});
