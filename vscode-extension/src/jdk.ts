// Finds a JDK 25 to run the language server: the vp.java.home setting, then JAVA_HOME, then the usual install places.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandHome } from './server';

export type JdkSource = 'setting vp.java.home' | 'JAVA_HOME' | 'search';

export type JdkResult =
  | { ok: true; home: string; java: string; version: string; source: JdkSource }
  | { ok: false; message: string };

export interface JdkQuery {
  /** The vp.java.home setting; empty when unset. */
  setting: string;
  /** The JAVA_HOME environment variable, if any. */
  javaHomeEnv: string | undefined;
  /** Directories or one-level patterns (`*` in the last component only), searched in order. */
  places: string[];
  /** The home directory, for a setting that starts with `~/` (as vp.distribution and vp.vmm.tokenFile may). */
  home?: string;
}

export const REQUIRED_MAJOR = 25;

/** The install places searched after the setting and JAVA_HOME, in order. */
export function defaultPlaces(home: string): string[] {
  return [
    '/usr/lib/jvm/*25*',
    '/usr/lib/jvm/*',
    '/opt/java',
    '/opt/java/*',
    path.join(home, '.sdkman/candidates/java/*'),
  ];
}

/** What a directory is, as far as running the server goes: a JDK 25, or why not. */
type Inspection = { ok: true; java: string; version: string } | { ok: false; why: string };

/** Reads `release` (JAVA_VERSION="25...") and checks for bin/java; never throws. */
export function inspectJdk(home: string): Inspection {
  let release: string;
  try {
    release = fs.readFileSync(path.join(home, 'release'), 'utf8');
  } catch {
    return { ok: false, why: 'no release file, so not a JDK' };
  }
  const m = /^JAVA_VERSION="([^"]*)"/m.exec(release);
  if (!m) return { ok: false, why: 'its release file has no JAVA_VERSION' };
  const version = m[1];
  const major = Number(/^(?:1\.)?(\d+)/.exec(version)?.[1] ?? NaN);
  if (major !== REQUIRED_MAJOR) return { ok: false, why: `Java ${version}, not ${REQUIRED_MAJOR}` };
  const java = path.join(home, 'bin', 'java');
  if (!isFile(java)) return { ok: false, why: `Java ${version} but no bin/java` };
  return { ok: true, java, version };
}

/** Expands a place: a plain directory stays itself; `*` in the last component lists matches, newest-looking first. */
export function expandPlace(place: string): string[] {
  const base = path.basename(place);
  if (!base.includes('*')) return isDirectory(place) ? [place] : [];
  const dir = path.dirname(place);
  const pattern = new RegExp('^' + base.split('*').map(escapeRegExp).join('.*') + '$');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => pattern.test(n))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
    .map((n) => path.join(dir, n))
    .filter(isDirectory);
}

export function discoverJdk(q: JdkQuery): JdkResult {
  const setting = q.home === undefined ? q.setting.trim() : expandHome(q.setting.trim(), q.home);
  if (setting !== '') {
    const r = inspectJdk(setting);
    if (r.ok) return { ok: true, home: setting, java: r.java, version: r.version, source: 'setting vp.java.home' };
    return {
      ok: false,
      message: `The setting vp.java.home is ${setting}, which is not a JDK ${REQUIRED_MAJOR} (${r.why}). ` +
        `Point it at a JDK ${REQUIRED_MAJOR} home directory, or clear it to search JAVA_HOME and the usual places.`,
    };
  }
  const tried: string[] = [];
  const env = q.javaHomeEnv?.trim();
  if (env) {
    const r = inspectJdk(env);
    if (r.ok) return { ok: true, home: env, java: r.java, version: r.version, source: 'JAVA_HOME' };
    tried.push(`JAVA_HOME=${env} (${r.why})`);
  }
  const seen = new Set<string>();
  for (const place of q.places) {
    for (const dir of expandPlace(place)) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      const r = inspectJdk(dir);
      if (r.ok) return { ok: true, home: dir, java: r.java, version: r.version, source: 'search' };
      tried.push(`${dir} (${r.why})`);
    }
  }
  const looked = tried.length > 0 ? `Looked at: ${tried.join('; ')}.` : `Nothing found in JAVA_HOME or ${q.places.join(', ')}.`;
  return {
    ok: false,
    message: `vp needs a JDK ${REQUIRED_MAJOR} to run its language server and found none. ${looked} ` +
      `Install one (on Debian or Ubuntu: apt-get install temurin-${REQUIRED_MAJOR}-jdk from the Adoptium repository, ` +
      `or unpack a JDK ${REQUIRED_MAJOR} anywhere) and set vp.java.home to its directory.`,
  };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
