// Sharing command ids with the language client, against a fake registry that refuses duplicates as VS Code does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Disposable, SHARED_COMMANDS, SharedCommandSlots } from '../../src/commands';

class FakeRegistry {
  readonly commands = new Map<string, (...args: unknown[]) => unknown>();
  register = (id: string, run: (...args: unknown[]) => unknown): Disposable => {
    if (this.commands.has(id)) throw new Error(`command '${id}' already exists`);
    this.commands.set(id, run);
    return { dispose: () => this.commands.delete(id) };
  };
}

describe('SharedCommandSlots', () => {
  it('registers every shared id while no client runs, routing calls with their arguments', () => {
    const reg = new FakeRegistry();
    const calls: string[] = [];
    const slots = new SharedCommandSlots(SHARED_COMMANDS, reg.register, (id, args) => calls.push(`${id} ${JSON.stringify(args)}`));
    assert.deepEqual(slots.claim([]), []);
    assert.deepEqual([...reg.commands.keys()].sort(), ['vp.compile', 'vp.deploy', 'vp.reset']);
    reg.commands.get('vp.compile')?.('file:///a.emt');
    assert.deepEqual(calls, ['vp.compile ["file:///a.emt"]']);
  });
  it('frees the ids before the client starts and takes back only those the server did not advertise', () => {
    const reg = new FakeRegistry();
    const slots = new SharedCommandSlots(SHARED_COMMANDS, reg.register, () => undefined);
    slots.claim([]);
    slots.release();
    assert.equal(reg.commands.size, 0);
    // The client registers what the server advertised; that must not collide with the extension.
    reg.register('vp.compile', () => 'client');
    reg.register('vp.deploy', () => 'client');
    assert.deepEqual(slots.claim(['vp.compile', 'vp.deploy', 'vp.probes']), []);
    assert.deepEqual(slots.owned(), ['vp.reset']);
    assert.equal(reg.commands.get('vp.compile')?.(), 'client');
  });
  it('returns ids still held elsewhere instead of throwing, and claims each id once', () => {
    const reg = new FakeRegistry();
    reg.register('vp.reset', () => 'stale');
    const slots = new SharedCommandSlots(SHARED_COMMANDS, reg.register, () => undefined);
    assert.deepEqual(slots.claim([]), ['vp.reset']);
    assert.deepEqual(slots.claim([]), ['vp.reset']);
    assert.deepEqual(slots.owned(), ['vp.compile', 'vp.deploy']);
  });
});
