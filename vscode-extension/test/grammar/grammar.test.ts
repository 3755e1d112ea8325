// Grammar snapshots: tokenises the fixtures with vscode-textmate and Oniguruma, as VS Code does, and compares with the committed snapshots (VP_UPDATE_SNAPSHOTS=1 rewrites them).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = path.resolve(__dirname, '../../..');
const fixtures = path.join(root, 'test', 'grammar', 'fixtures');
const snapshots = path.join(root, 'test', 'grammar', 'snapshots');
const update = process.env.VP_UPDATE_SNAPSHOTS === '1';

const grammarFiles: Record<string, string> = {
  'source.emmett': path.join(root, 'syntaxes', 'emmett.tmLanguage.json'),
  'source.vp': path.join(root, 'syntaxes', 'vp.tmLanguage.json'),
};

async function registry(): Promise<textmate.Registry> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = grammarFiles[scopeName];
      return file === undefined ? null : textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
}

/** Each source line, then one line per token: its text in JSON and its scopes below the root. */
export function snapshot(grammar: textmate.IGrammar, text: string): string {
  let state = textmate.INITIAL;
  const out: string[] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    out.push(`> ${line}`);
    for (const t of r.tokens) {
      const piece = line.substring(t.startIndex, t.endIndex);
      if (piece.trim() === '' && t.scopes.length === 1) continue;
      const scopes = t.scopes.slice(1).join(' ');
      out.push(`  ${JSON.stringify(piece)} ${scopes === '' ? '-' : scopes}`);
    }
    state = r.ruleStack;
  }
  return out.join('\n') + '\n';
}

const cases: [string, string][] = [
  ['probes.emt', 'source.emmett'],
  ['language.emt', 'source.emmett'],
  ['syntax.vp', 'source.vp'],
];

describe('grammar snapshots', () => {
  for (const [fixture, scope] of cases) {
    it(`${fixture} tokenises as its snapshot`, async () => {
      const grammar = await (await registry()).loadGrammar(scope);
      assert.ok(grammar, `grammar ${scope} did not load`);
      const actual = snapshot(grammar, fs.readFileSync(path.join(fixtures, fixture), 'utf8'));
      const file = path.join(snapshots, `${fixture}.snap`);
      if (update || !fs.existsSync(file)) {
        assert.ok(update, `no snapshot ${file}: run npm run snapshots:update and review it`);
        fs.writeFileSync(file, actual);
        return;
      }
      assert.equal(actual, fs.readFileSync(file, 'utf8'), `${fixture} no longer tokenises as ${file}; if the change is intended, run npm run snapshots:update and review the diff`);
    });
  }
});
