// Packages the extension as a .vsix with the language server inside: copies ../cli/target/dist/lib/*.jar to server/lib when the distribution is built, then runs vsce offline.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distLib = path.resolve(here, '..', 'cli', 'target', 'dist', 'lib');
const serverLib = path.join(here, 'server', 'lib');
const pkg = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
const vsix = path.join(here, `${pkg.name}-${pkg.version}.vsix`);

fs.rmSync(path.join(here, 'server'), { recursive: true, force: true });
if (fs.existsSync(path.join(distLib, 'vp-cli.jar'))) {
  fs.mkdirSync(serverLib, { recursive: true });
  const jars = fs.readdirSync(distLib).filter((f) => f.endsWith('.jar'));
  for (const jar of jars) fs.copyFileSync(path.join(distLib, jar), path.join(serverLib, jar));
  console.log(`package: bundling the language server (${jars.length} jars from ${distLib})`);
} else {
  console.log(`package: ${distLib}/vp-cli.jar does not exist, so this .vsix has no language server; ` +
    'build it first with ../bin/mvn -q -DskipTests package, or point the vp.distribution setting at one');
}

const vsce = path.join(here, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], { cwd: here, stdio: 'inherit' });
console.log(`package: ${vsix}`);
