// Spot checks of the scopes that matter most, independent of the snapshots: a wrong snapshot accepted by mistake still fails here.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = path.resolve(__dirname, '../../..');
let emmett: textmate.IGrammar;
let vp: textmate.IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const reg = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => {
      const file = path.join(root, 'syntaxes', scope === 'source.emmett' ? 'emmett.tmLanguage.json' : 'vp.tmLanguage.json');
      return textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  emmett = (await reg.loadGrammar('source.emmett'))!;
  vp = (await reg.loadGrammar('source.vp'))!;
});

/** The innermost scope of each token whose text is `piece` on a one-line input. */
function scopeOf(grammar: textmate.IGrammar, line: string, piece: string): string {
  const tokens = grammar.tokenizeLine(line, textmate.INITIAL).tokens;
  const t = tokens.find((x) => line.substring(x.startIndex, x.endIndex) === piece);
  assert.ok(t, `no token ${JSON.stringify(piece)} in ${JSON.stringify(line)}: ${JSON.stringify(tokens.map((x) => line.substring(x.startIndex, x.endIndex)))}`);
  return t.scopes[t.scopes.length - 1];
}

describe('Emmett scopes', () => {
  it('splits a probe specification into domain, kind and guest symbol', () => {
    const line = 'GUEST:ENTER:do_syscall(int nr) {';
    assert.equal(scopeOf(emmett, line, 'GUEST'), 'keyword.other.probe-domain.emmett');
    assert.equal(scopeOf(emmett, line, 'ENTER'), 'keyword.other.probe-kind.emmett');
    assert.equal(scopeOf(emmett, line, 'do_syscall'), 'entity.name.function.guest-symbol.emmett');
    assert.equal(scopeOf(emmett, line, 'int'), 'storage.type.emmett');
  });
  it('knows static probes and timers with units', () => {
    assert.equal(scopeOf(emmett, 'VMM1Hz printf("x");', 'VMM1Hz'), 'support.function.probe.emmett');
    assert.equal(scopeOf(emmett, 'TIMER:10msec count++;', 'msec'), 'keyword.other.unit.emmett');
    assert.equal(scopeOf(emmett, 'TIMER:10msec count++;', '10'), 'constant.numeric.emmett');
  });
  it('highlights escapes and printf conversions inside strings', () => {
    const line = 'VMM1Hz printf("%-8s\\n%%", PROBENAME);';
    assert.equal(scopeOf(emmett, line, '%-8s'), 'constant.other.placeholder.emmett');
    assert.equal(scopeOf(emmett, line, '\\n'), 'constant.character.escape.emmett');
    assert.equal(scopeOf(emmett, line, '%%'), 'constant.other.placeholder.emmett');
    assert.equal(scopeOf(emmett, line, 'PROBENAME'), 'variable.language.builtin.emmett');
    assert.equal(scopeOf(emmett, line, 'printf'), 'support.function.builtin.emmett');
  });
  it('tells directives from legacy # comments', () => {
    assert.equal(scopeOf(emmett, '#pragma budget code 4096', 'budget'), 'keyword.other.pragma.budget.emmett');
    assert.equal(scopeOf(emmett, '# old comment', ' old comment'), 'comment.line.number-sign.legacy.emmett');
    assert.equal(scopeOf(emmett, '#warning no', '#warning no'), 'invalid.illegal.unsupported-directive.emmett');
  });
  it('marks storage classes and numbers', () => {
    assert.equal(scopeOf(emmett, 'pervm int x = 0x1F;', 'pervm'), 'storage.modifier.emmett');
    assert.equal(scopeOf(emmett, 'pervm int x = 0x1F;', '0x1F'), 'constant.numeric.hex.emmett');
    assert.equal(scopeOf(emmett, 'int y = 017;', '017'), 'constant.numeric.octal.emmett');
  });
});

describe('VP scopes', () => {
  it('knows forms, probe specifications, built-ins, comments', () => {
    assert.equal(scopeOf(vp, '(defun f (n) n)', 'defun'), 'storage.type.function.vp');
    assert.equal(scopeOf(vp, '(defun f (n) n)', 'f'), 'entity.name.function.vp');
    assert.equal(scopeOf(vp, '(vprobe GUEST:ENTER:do_fork (exit))', 'do_fork'), 'entity.name.function.guest-symbol.vp');
    assert.equal(scopeOf(vp, '(vprobe VMM1Hz (logint TSC))', 'VMM1Hz'), 'support.function.probe.vp');
    assert.equal(scopeOf(vp, '(vprobe VMM1Hz (logint TSC))', 'logint'), 'support.function.builtin.vp');
    assert.equal(scopeOf(vp, '(vprobe VMM1Hz (logint TSC))', 'TSC'), 'variable.language.builtin.vp');
    assert.equal(scopeOf(vp, '(+ a 0x10) ; sum', ' sum'), 'comment.line.semicolon.vp');
    assert.equal(scopeOf(vp, '(+ a 0x10) ; sum', '0x10'), 'constant.numeric.hex.vp');
    assert.equal(scopeOf(vp, '(printf "%d\\n" x)', '%d'), 'constant.other.placeholder.vp');
  });
  it('knows preprocessor directives, which VP scripts go through as Emmett does', () => {
    assert.equal(scopeOf(vp, '#pragma budget code 4096', 'pragma'), 'keyword.control.directive.pragma.vp');
    assert.equal(scopeOf(vp, '#pragma budget code 4096', 'budget'), 'keyword.other.pragma.budget.vp');
    assert.equal(scopeOf(vp, '#pragma budget code 4096', '4096'), 'constant.numeric.vp');
    assert.equal(scopeOf(vp, '#include "common.vp"', 'include'), 'keyword.control.directive.include.vp');
    assert.equal(scopeOf(vp, '  #ifdef DEBUG', 'DEBUG'), 'entity.name.constant.preprocessor.vp');
    assert.equal(scopeOf(vp, '# an old comment', ' an old comment'), 'comment.line.number-sign.legacy.vp');
    assert.equal(scopeOf(vp, '(printf "#pragma") ; #if', '#pragma'), 'string.quoted.double.vp');
  });
  it('knows the probe specification of a clause with parameters', () => {
    const line = '(vprobe (GUEST:ENTER:do_sys_openat2 dfd name) (logint dfd))';
    assert.equal(scopeOf(vp, line, 'GUEST'), 'keyword.other.probe-domain.vp');
    assert.equal(scopeOf(vp, line, 'do_sys_openat2'), 'entity.name.function.guest-symbol.vp');
    assert.equal(scopeOf(vp, line, 'dfd'), 'variable.other.symbol.vp');
    assert.equal(scopeOf(vp, '(vprobe (VMM:HV_Exit) (exit))', 'HV_Exit'), 'support.function.probe.vp');
  });
});
