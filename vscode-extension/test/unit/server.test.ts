// Finding the distribution (setting, then the bundled server) and the java command lines built from it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { expandHome, findDistribution, vpCommand } from '../../src/server';

let root: string;

function dist(dir: string, jars: string[]): string {
  const lib = path.join(root, dir, 'lib');
  fs.mkdirSync(lib, { recursive: true });
  for (const j of jars) fs.writeFileSync(path.join(lib, j), 'PK');
  return path.join(root, dir);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-dist-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('findDistribution', () => {
  it('prefers the vp.distribution setting', () => {
    const d = dist('cli/target/dist', ['vp-cli.jar', 'vp-compiler-0.1.0-SNAPSHOT.jar']);
    dist('ext/server', ['vp-cli.jar']);
    assert.deepEqual(findDistribution(d, path.join(root, 'ext'), '/home/u'), { ok: true, libDir: path.join(d, 'lib'), source: 'setting vp.distribution' });
  });
  it('expands ~ in the setting', () => {
    dist('home/dist', ['vp-cli.jar']);
    const r = findDistribution('~/dist', path.join(root, 'ext'), path.join(root, 'home'));
    assert.equal(r.ok && r.libDir, path.join(root, 'home', 'dist', 'lib'));
  });
  it('falls back to the server bundled in the extension', () => {
    dist('ext/server', ['vp-cli.jar']);
    assert.deepEqual(findDistribution('', path.join(root, 'ext'), '/home/u'), { ok: true, libDir: path.join(root, 'ext', 'server', 'lib'), source: 'bundled' });
  });
  it('says how to build the server when the bundle has no jars', () => {
    fs.mkdirSync(path.join(root, 'ext', 'server', 'lib'), { recursive: true });
    const r = findDistribution('', path.join(root, 'ext'), '/home/u');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /language server is missing: this extension was packaged without it .*vp-cli\.jar/);
    assert.match(!r.ok ? r.message : '', /\.\/bin\/mvn -DskipTests package/);
  });
  it('reports a setting that is no distribution without falling back', () => {
    dist('ext/server', ['vp-cli.jar']);
    dist('wrong', ['other.jar']);
    const r = findDistribution(path.join(root, 'wrong'), path.join(root, 'ext'), '/home/u');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /vp\.distribution is .*wrong, but .*wrong\/lib\/vp-cli\.jar does not exist/);
  });
});

describe('vpCommand', () => {
  it('runs dev.vp.cli.Main with the whole lib directory on the class path, as bin/vp does', () => {
    assert.deepEqual(vpCommand('/jdk/bin/java', '/d/lib', ['lsp']), {
      command: '/jdk/bin/java',
      args: ['--enable-native-access=ALL-UNNAMED', '-cp', '/d/lib/*', 'dev.vp.cli.Main', 'lsp'],
    });
    assert.deepEqual(vpCommand('/j', '/d/lib', ['vmm']).args.slice(-2), ['dev.vp.cli.Main', 'vmm']);
  });
});

describe('expandHome', () => {
  it('expands only a leading ~', () => {
    assert.equal(expandHome('~', '/h'), '/h');
    assert.equal(expandHome('~/x', '/h'), '/h/x');
    assert.equal(expandHome('/a/~/x', '/h'), '/a/~/x');
    assert.equal(expandHome('', '/h'), '');
  });
});
