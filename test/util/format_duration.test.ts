// The durations printed in epoch lines, ETAs and the study and time-to-accuracy tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { formatDuration } from '../../src/util/progress_bar.js';

describe('formatDuration', () => {
  it('writes m:ss under an hour and h:mm:ss from an hour on', () => {
    assert.equal(formatDuration(0), '0:00');
    assert.equal(formatDuration(65), '1:05');
    assert.equal(formatDuration(3600), '1:00:00');
    assert.equal(formatDuration(3725), '1:02:05');
  });

  it('rounds to the second before splitting, so 59.6 s past a minute carries into it', () => {
    assert.equal(formatDuration(1259.6), '21:00');
    assert.equal(formatDuration(3599.5), '1:00:00');
  });

  it('writes --:-- when there is no estimate yet', () => {
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '--:--');
    assert.equal(formatDuration(Number.NaN), '--:--');
  });
});
