// The client passes through Stopped when it restarts a crashed server: only a stop it does not come back from is a stop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerLifecycle } from '../../src/lifecycle';

describe('ServerLifecycle', () => {
  it('shows a crash the client restarts as restarting, then running again', () => {
    const l = new ServerLifecycle();
    assert.equal(l.changed('starting'), 'unchanged');
    assert.equal(l.changed('running'), 'unchanged');
    l.closed(true);
    assert.equal(l.changed('stopped'), 'restarting');
    assert.equal(l.changed('starting'), 'unchanged');
    assert.equal(l.changed('running'), 'running again');
    assert.equal(l.changed('running'), 'unchanged');
  });
  it('shows a stop as stopped when the client gives up (too many crashes) or never restarts', () => {
    const l = new ServerLifecycle();
    l.changed('running');
    l.closed(false);
    assert.equal(l.changed('stopped'), 'stopped');
    assert.equal(new ServerLifecycle().changed('stopped'), 'stopped');
  });
  it('shows a restart that fails to start as stopped', () => {
    const l = new ServerLifecycle();
    l.changed('running');
    l.closed(true);
    assert.equal(l.changed('stopped'), 'restarting');
    assert.equal(l.changed('starting'), 'unchanged');
    assert.equal(l.changed('stopped'), 'stopped');
    assert.equal(l.changed('running'), 'unchanged');
  });
});
