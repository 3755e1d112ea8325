// Locates the vp distribution (setting vp.distribution or the server bundled in the extension) and builds the java command lines that run it.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The jar every distribution has: the vp command itself (dev.vp.cli.Main). */
export const CLI_JAR = 'vp-cli.jar';
export const MAIN_CLASS = 'dev.vp.cli.Main';

export type DistributionResult =
  | { ok: true; libDir: string; source: 'setting vp.distribution' | 'bundled' }
  | { ok: false; message: string };

const BUILD_HINT = 'build it with ./bin/mvn -DskipTests package in the vp project (it lands in cli/target/dist)';

/** The distribution directory holds lib/*.jar; the bundled server lives at <extension>/server/lib. */
export function findDistribution(setting: string, extensionPath: string, home: string): DistributionResult {
  const configured = expandHome(setting.trim(), home);
  if (configured !== '') {
    const libDir = path.join(configured, 'lib');
    if (hasCliJar(libDir)) return { ok: true, libDir, source: 'setting vp.distribution' };
    return {
      ok: false,
      message: `The setting vp.distribution is ${configured}, but ${path.join(libDir, CLI_JAR)} does not exist. ` +
        `Point it at a vp distribution directory (${BUILD_HINT}), or clear it to use the server bundled with the extension.`,
    };
  }
  const libDir = path.join(extensionPath, 'server', 'lib');
  if (hasCliJar(libDir)) return { ok: true, libDir, source: 'bundled' };
  return {
    ok: false,
    message: `The vp language server is missing: this extension was packaged without it (no ${path.join(libDir, CLI_JAR)}). ` +
      `Set vp.distribution to a vp distribution directory (${BUILD_HINT}), or install a .vsix packaged after that build.`,
  };
}

export interface JavaCommand {
  command: string;
  args: string[];
}

/** `java --enable-native-access=ALL-UNNAMED -cp "<lib>/*" dev.vp.cli.Main <verb...>`, as bin/vp runs it. */
export function vpCommand(java: string, libDir: string, verb: string[]): JavaCommand {
  return {
    command: java,
    args: ['--enable-native-access=ALL-UNNAMED', '-cp', path.join(libDir, '*'), MAIN_CLASS, ...verb],
  };
}

export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

function hasCliJar(libDir: string): boolean {
  try {
    return fs.statSync(path.join(libDir, CLI_JAR)).isFile();
  } catch {
    return false;
  }
}
