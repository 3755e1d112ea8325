// Reading the server's answers to vp.compile and vp.probes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSummary, probeItems } from '../../src/results';

describe('compileSummary', () => {
  it('reports the sizes and keeps the budget for the status bar', () => {
    const answer = { uri: 'file:///w/a.emt', codeBytes: 1234, codeLimit: 65536, dataBytes: 512, dataLimit: 1048576 };
    const s = compileSummary(answer, 'a.emt');
    assert.equal(s.ok, true);
    assert.equal(s.message, 'Compiled a.emt: code 1,234 of 65,536 bytes (1%), data 512 of 1,048,576 bytes (0%).');
    assert.deepEqual(s.ok && s.budget, answer);
  });
  it('says so when the answer has no sizes', () => {
    const s = compileSummary({ ok: true }, 'a.emt');
    assert.deepEqual(s, { ok: false, message: 'Compile of a.emt: the language server\'s answer had no sizes ({"ok":true}).' });
    assert.equal(compileSummary(null, 'a.emt').ok, false);
  });
  it('says that a script with errors was not compiled, with the first error, not the raw answer', () => {
    const answer = { uri: 'file:///w/a.emt', ok: false, errors: 2, warnings: 0, messages: ['a.emt:1:20: error[E0300]: `x` is not declared', 'b'],
      codeLimit: 65536, dataLimit: 1048576 };
    assert.deepEqual(compileSummary(answer, 'a.emt'), { ok: false,
      message: 'a.emt has 2 errors (see the Problems panel), so it was not compiled. The first: a.emt:1:20: error[E0300]: `x` is not declared' });
  });
  it('reports a compile whose code size is not measured', () => {
    const s = compileSummary({ uri: 'file:///w/a.emt', ok: true, codeLimit: 65536, dataBytes: 8, dataLimit: 1048576 }, 'a.emt');
    assert.equal(s.message, 'Compiled a.emt: code not known yet (limit 65,536 bytes), data 8 of 1,048,576 bytes (0%).');
  });
});

describe('probeItems', () => {
  it('turns probe points into quick-pick items', () => {
    const r = probeItems([{ name: 'VMM1Hz', domain: 'VMM', detail: 'once a second on every vCPU' }, { name: 'GUEST:ENTER:do_syscall' }]);
    assert.deepEqual(r, { ok: true, items: [
      { label: 'VMM1Hz', description: 'VMM', detail: 'once a second on every vCPU' },
      { label: 'GUEST:ENTER:do_syscall' },
    ] });
    assert.deepEqual(probeItems([]), { ok: true, items: [] });
  });
  it('refuses anything but a list of named points', () => {
    assert.equal(probeItems({ name: 'x' }).ok, false);
    assert.equal(probeItems([{ name: 'a' }, 'b']).ok, false);
    assert.match(!probeItems([{ domain: 'VMM' }]).ok ? (probeItems([{ domain: 'VMM' }]) as { message: string }).message : '', /malformed: \[\{"domain":"VMM"\}\]/);
  });
});
