// The manifest agrees with the code: the $vp problem matcher reads `vp check` lines, and contributed commands and defaults match what the extension uses.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SHARED_COMMANDS } from '../../src/commands';
import { DEFAULT_VMM_ADDRESS, LAUNCH_SETTINGS, SERVER_SETTINGS } from '../../src/settings';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

describe('the $vp problem matcher', () => {
  const matcher = manifest.contributes.problemMatchers.find((m: { name: string }) => m.name === 'vp');
  const re = new RegExp(matcher.pattern.regexp);
  const at = (line: string, group: string) => re.exec(line)?.[matcher.pattern[group]];

  it('reads errors and warnings of vp check, with file, position, code and message', () => {
    const line = 'scripts/hello.emt:12:5: error[E0123]: `nosuchname` is read but never assigned';
    assert.equal(at(line, 'file'), 'scripts/hello.emt');
    assert.equal(at(line, 'line'), '12');
    assert.equal(at(line, 'column'), '5');
    assert.equal(at(line, 'severity'), 'error');
    assert.equal(at(line, 'code'), 'E0123');
    assert.equal(at(line, 'message'), '`nosuchname` is read but never assigned');
    assert.equal(at('/abs/dir:x/a.vp:1:1: warning[W0101]: old `#` comment: use //', 'file'), '/abs/dir:x/a.vp');
    assert.equal(at('a.emt:1:1: warning[W0101]: m', 'severity'), 'warning');
  });
  it('ignores the snippet, note and summary lines around them', () => {
    for (const line of ['  3 | VMM1Hz printf("%d\\n", x);', '    |                        ^', 'note: a.emt:1:1: declared here',
      'help: replace with //', '1 error, 0 warnings']) {
      assert.equal(re.test(line), false, line);
    }
  });
});

describe('contributions', () => {
  it('contribute every command the extension registers or shares with the server', () => {
    const ids = manifest.contributes.commands.map((c: { command: string }) => c.command);
    for (const id of [...SHARED_COMMANDS, 'vp.showProbes', 'vp.startVmm', 'vp.restartServer']) assert.ok(ids.includes(id), id);
    const title = manifest.contributes.menus['editor/title'].map((c: { command: string }) => c.command);
    assert.ok(title.includes('vp.compile') && title.includes('vp.deploy'));
  });
  it('declare the settings the code reads, with the same defaults, and no budget setting', () => {
    const props = manifest.contributes.configuration.properties;
    for (const key of [...SERVER_SETTINGS, ...LAUNCH_SETTINGS]) assert.ok(key in props, key);
    assert.equal(props['vp.vmm.address'].default, DEFAULT_VMM_ADDRESS);
    assert.deepEqual(Object.keys(props).filter((k) => /budget/i.test(k)), []);
  });
});
