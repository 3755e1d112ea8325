// JDK discovery over fake directory trees: order of the places, the release-file check, and the messages when nothing fits.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { defaultPlaces, discoverJdk, expandPlace, inspectJdk } from '../../src/jdk';

let root: string;

/** A fake JDK: a release file with that JAVA_VERSION, and bin/java unless told otherwise. */
function jdk(dir: string, version: string | undefined, withJava = true): string {
  const home = path.join(root, dir);
  fs.mkdirSync(path.join(home, 'bin'), { recursive: true });
  if (version !== undefined) fs.writeFileSync(path.join(home, 'release'), `IMPLEMENTOR="Test"\nJAVA_VERSION="${version}"\nOS_NAME="Linux"\n`);
  if (withJava) fs.writeFileSync(path.join(home, 'bin', 'java'), '#!/bin/sh\n');
  return home;
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-jdk-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('inspectJdk', () => {
  it('accepts JAVA_VERSION 25.x with bin/java', () => {
    const r = inspectJdk(jdk('temurin-25', '25.0.3'));
    assert.deepEqual(r, { ok: true, java: path.join(root, 'temurin-25', 'bin', 'java'), version: '25.0.3' });
  });
  it('accepts a bare "25" and an early-access "25-ea"', () => {
    assert.equal(inspectJdk(jdk('a', '25')).ok, true);
    assert.equal(inspectJdk(jdk('b', '25-ea')).ok, true);
  });
  it('refuses other versions, naming the version found', () => {
    const r = inspectJdk(jdk('j17', '17.0.2'));
    assert.deepEqual(r, { ok: false, why: 'Java 17.0.2, not 25' });
    assert.equal(inspectJdk(jdk('j251', '251.0')).ok, false);
    assert.equal(inspectJdk(jdk('j8', '1.8.0_392')).ok, false);
  });
  it('refuses a directory without a release file or without bin/java', () => {
    assert.deepEqual(inspectJdk(jdk('norelease', undefined)), { ok: false, why: 'no release file, so not a JDK' });
    assert.deepEqual(inspectJdk(jdk('nojava', '25.0.1', false)), { ok: false, why: 'Java 25.0.1 but no bin/java' });
    assert.deepEqual(inspectJdk(path.join(root, 'absent')), { ok: false, why: 'no release file, so not a JDK' });
  });
});

describe('expandPlace', () => {
  it('lists matches of a star pattern, highest version first, directories only', () => {
    jdk('jvm/java-25.0.1', '25.0.1');
    jdk('jvm/java-25.0.10', '25.0.10');
    jdk('jvm/java-17', '17');
    fs.writeFileSync(path.join(root, 'jvm', 'x-25-notes.txt'), '');
    assert.deepEqual(expandPlace(path.join(root, 'jvm', '*25*')).map((p) => path.basename(p)), ['java-25.0.10', 'java-25.0.1']);
  });
  it('keeps a plain directory and drops a missing one', () => {
    fs.mkdirSync(path.join(root, 'opt'));
    assert.deepEqual(expandPlace(path.join(root, 'opt')), [path.join(root, 'opt')]);
    assert.deepEqual(expandPlace(path.join(root, 'nothing')), []);
    assert.deepEqual(expandPlace(path.join(root, 'nothing', '*')), []);
  });
});

describe('discoverJdk', () => {
  it('uses the setting first', () => {
    const home = jdk('mine', '25.0.2');
    jdk('env', '25.0.3');
    const r = discoverJdk({ setting: home, javaHomeEnv: path.join(root, 'env'), places: [] });
    assert.equal(r.ok && r.source, 'setting vp.java.home');
    assert.equal(r.ok && r.home, home);
  });
  it('expands ~/ in the setting, as vp.distribution does', () => {
    const home = jdk('jdks/temurin-25', '25.0.2');
    const r = discoverJdk({ setting: '~/jdks/temurin-25', javaHomeEnv: undefined, places: [], home: root });
    assert.equal(r.ok && r.home, home);
  });
  it('reports a wrong setting instead of silently searching elsewhere', () => {
    const home = jdk('old', '21.0.1');
    jdk('good', '25.0.3');
    const r = discoverJdk({ setting: home, javaHomeEnv: path.join(root, 'good'), places: [] });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /vp\.java\.home is .*old, which is not a JDK 25 \(Java 21\.0\.1, not 25\)/);
  });
  it('then JAVA_HOME, then the places in order', () => {
    jdk('env', '25.0.3');
    jdk('jvm/temurin-25', '25.0.1');
    const viaEnv = discoverJdk({ setting: '', javaHomeEnv: path.join(root, 'env'), places: [path.join(root, 'jvm', '*')] });
    assert.equal(viaEnv.ok && viaEnv.source, 'JAVA_HOME');
    const viaSearch = discoverJdk({ setting: ' ', javaHomeEnv: path.join(root, 'missing'), places: [path.join(root, 'jvm', '*')] });
    assert.equal(viaSearch.ok && viaSearch.source, 'search');
    assert.equal(viaSearch.ok && viaSearch.home, path.join(root, 'jvm', 'temurin-25'));
  });
  it('skips JDKs of other versions in the places', () => {
    jdk('jvm/java-17-openjdk', '17.0.9');
    jdk('jvm/java-21-openjdk', '21.0.4');
    jdk('sdkman/candidates/java/25.0.1-tem', '25.0.1');
    const places = [path.join(root, 'jvm', '*25*'), path.join(root, 'jvm', '*'), path.join(root, 'sdkman/candidates/java/*')];
    const r = discoverJdk({ setting: '', javaHomeEnv: undefined, places });
    assert.equal(r.ok && r.home, path.join(root, 'sdkman/candidates/java/25.0.1-tem'));
  });
  it('lists everything it looked at and says what to install when nothing fits', () => {
    jdk('jvm/java-17-openjdk', '17.0.9');
    const r = discoverJdk({ setting: '', javaHomeEnv: path.join(root, 'nojdk'), places: [path.join(root, 'jvm', '*25*'), path.join(root, 'jvm', '*')] });
    assert.equal(r.ok, false);
    const message = !r.ok ? r.message : '';
    assert.match(message, /needs a JDK 25 .* found none/);
    assert.match(message, /JAVA_HOME=.*nojdk \(no release file/);
    assert.match(message, /java-17-openjdk \(Java 17\.0\.9, not 25\)/);
    assert.match(message, /apt-get install temurin-25-jdk/);
    assert.match(message, /set vp\.java\.home/);
    assert.equal(message.split('java-17-openjdk').length - 1, 1, 'a directory matched by two places is listed once');
  });
  it('says where it looked when the places are empty', () => {
    const r = discoverJdk({ setting: '', javaHomeEnv: undefined, places: [path.join(root, 'jvm', '*')] });
    assert.match(!r.ok ? r.message : '', /Nothing found in JAVA_HOME or .*jvm\/\*/);
  });
});

describe('defaultPlaces', () => {
  it('searches the documented places in order', () => {
    assert.deepEqual(defaultPlaces('/home/u'), [
      '/usr/lib/jvm/*25*', '/usr/lib/jvm/*', '/opt/java', '/opt/java/*', '/home/u/.sdkman/candidates/java/*',
    ]);
  });
});
