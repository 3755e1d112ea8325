// End-to-end test in a real VS Code: code-server on 127.0.0.1 with throwaway state, the .vsix installed offline, headless Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, '..');
const projectDir = path.resolve(extensionDir, '..');
const artifacts = path.join(here, 'artifacts');
const cache = process.env.VP_E2E_CACHE || path.join(os.homedir(), '.cache', 'vp-e2e');
const nodeDir = path.join(cache, 'node');
const toolsDir = path.join(cache, 'tools');
const codeServerBin = path.join(toolsDir, 'node_modules', '.bin', 'code-server');
const chromium = process.env.VP_E2E_CHROMIUM || '/usr/bin/chromium';
const lspChecks = process.env.VP_E2E_LSP === '1';
const keep = process.env.VP_E2E_KEEP === '1';

// ---------------------------------------------------------------- results

const results = [];
const timings = [];
const started = Date.now();

function log(line) {
  console.log(`e2e: ${line}`);
}

/** Runs one named check; a failure is recorded and the run goes on with the next check. */
async function check(name, body) {
  const t0 = Date.now();
  try {
    await body();
    results.push({ name, status: 'passed' });
    log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, status: 'failed' });
    log(`FAIL ${name}: ${(e && e.message ? e.message : String(e)).split('\n')[0]}`);
    await screenshot(`failed-${slug(name)}`);
  }
}

function skip(name, why) {
  results.push({ name, status: 'skipped' });
  log(`skip ${name}: ${why}`);
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// ---------------------------------------------------------------- processes

/** Process groups this run started; every one is killed at the end, whatever happened. */
const groups = [];
let tmp;
let browser;
let page;

/** Starts a command as the leader of a new session and process group (setsid), logging to a file. */
function startGroup(name, command, args, env) {
  const out = fs.openSync(path.join(artifacts, `${name}.log`), 'w');
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  groups.push({ name, pid: child.pid, child });
  return child;
}

async function killGroups() {
  for (const g of groups.reverse()) {
    try {
      process.kill(-g.pid, 'SIGTERM');
    } catch {
      continue; // the group is already gone
    }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && groupAlive(g.pid)) await sleep(100);
    if (groupAlive(g.pid)) {
      log(`${g.name}: still running 5 s after SIGTERM, sending SIGKILL to its process group`);
      try {
        process.kill(-g.pid, 'SIGKILL');
      } catch {
        // it ended between the check and the kill
      }
    }
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${last.message})` : ''}`);
}

// ---------------------------------------------------------------- the home directory stays clean

/** Names under the home directory (and its usual state folders) that a run could create. */
function homeEntries() {
  const home = os.homedir();
  const names = new Set();
  for (const dir of ['', '.config', '.local', '.local/share', '.local/state', '.cache', '.pki', '.vp']) {
    let entries;
    try {
      entries = fs.readdirSync(path.join(home, dir));
    } catch {
      continue;
    }
    for (const e of entries) names.add(path.join(dir, e));
  }
  return names;
}

// ---------------------------------------------------------------- the workbench

async function screenshot(name) {
  if (!page) return;
  try {
    await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
  } catch {
    // the page may be gone when a check failed because the browser died
  }
}

async function openWorkspace(port, folder) {
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.explorer-folders-view').waitFor({ timeout: 60000 });
}

async function quickOpen(fileName) {
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(fileName);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${fileName}"], .tab.active:has-text("${fileName}")`).first().waitFor({ timeout: 10000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 10000 });
}

/** Opens the command palette on a title and returns the row that is exactly that command. */
async function paletteRow(title) {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }),
  }).first();
  await row.waitFor({ timeout: 10000 });
  return row;
}

async function runCommand(title) {
  await (await paletteRow(title)).click();
}

async function statusItem(text, timeoutMs) {
  const item = page.locator('.statusbar-item', { hasText: text }).first();
  await item.waitFor({ timeout: timeoutMs });
  return item;
}

async function toast(pattern, timeoutMs) {
  return waitFor(`a notification matching ${pattern}`, timeoutMs, async () => {
    const texts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
    return texts.find((t) => pattern.test(t));
  });
}

async function clearToasts() {
  await runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  await sleep(300);
}

/**
 * The CSS class (mtkN) and colour Monaco gave the first token span whose text, without the blanks
 * that Monaco merges into neighbouring spans of the same colour, is this text (or starts with it).
 */
async function tokenStyle(text, prefix = false) {
  try {
    return await waitFor(`a token "${text}" in the editor`, 10000, async () =>
      page.evaluate(([t, p]) => {
        for (const span of document.querySelectorAll('.monaco-editor .view-line span span')) {
          const s = span.textContent.replace(/\s+/g, ' ').trim();
          if (p ? s.startsWith(t) : s === t) return { cls: span.className, color: getComputedStyle(span).color };
        }
        return undefined;
      }, [text, prefix]),
    );
  } catch (e) {
    const spans = await page.evaluate(() => [...document.querySelectorAll('.monaco-editor .view-line span span')].map((s) => s.textContent));
    throw new Error(`${e.message}; the editor's token spans: ${JSON.stringify(spans)}`);
  }
}

// ---------------------------------------------------------------- scripts in the workspaces

const HELLO_EMT = `// Counts ticks; the e2e test checks how this file is shown.
perthread int ticks;
VMM1Hz if (VCPUID == 0) printf("tick %d\\n", ticks++);
GUEST:ENTER:do_syscall(int nr) {
   calls[nr]++;
}
`;

const PROBES_VP = `; The same in VP.
(definteger ticks 0)
(vprobe VMM1Hz (printf "tick %d\\n" ticks))
`;

const BROKEN_EMT = `// An undeclared name that is only read: an error with a code.
VMM1Hz printf("%d\\n", nosuchname);
`;

const FIXED_EMT = `// An undeclared name that is only read: an error with a code.
VMM1Hz printf("%d\\n", VCPUID);
`;

const DEPLOY_EMT = `VMM1Hz if (VCPUID == 0) printf("e2e tick\\n");
`;

const DEPLOY_VP = `; A VP script for Compile and Deploy.
(vprobe VMM1Hz (cond ((== VCPUID 0) (printf "vp tick\\n"))))
`;

function writeWorkspace(dir, files, settings) {
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

// ---------------------------------------------------------------- the checks

async function editorBasics(port) {
  const ws = path.join(tmp, 'ws-basic');
  // A distribution that does not exist: the extension must say so in the status bar.
  writeWorkspace(ws, { 'hello.emt': HELLO_EMT, 'probes.vp': PROBES_VP }, { 'vp.distribution': path.join(tmp, 'no-such-dist') });

  await check('the workbench opens the workspace', async () => {
    const t0 = Date.now();
    await openWorkspace(port, ws);
    timings.push(['workbench ready', Date.now() - t0]);
  });
  await check('an .emt file opens in the Emmett language mode', async () => {
    await quickOpen('hello.emt');
    await page.locator('[id="status.editor.mode"]', { hasText: 'Emmett' }).waitFor({ timeout: 15000 });
  });
  await check('the extension activates and shows in the status bar that the server is missing', async () => {
    const item = await statusItem('vp: server missing', 20000);
    const tip = (await item.getAttribute('aria-label')) ?? '';
    assert(/server missing/.test(tip), `status item label: ${tip}`);
    await toast(/language server|vp\.distribution/, 10000);
  });
  await screenshot('01-emmett-editor');
  await check('Emmett syntax is coloured: keywords, probe names, built-ins and strings get their own token colours', async () => {
    const plain = await tokenStyle('nr');
    const styles = {};
    for (const t of ['if', 'VMM1Hz', 'VCPUID', 'printf', 'perthread', 'ENTER', 'do_syscall', '%d']) styles[t] = await tokenStyle(t);
    for (const [t, s] of Object.entries(styles)) {
      assert(/\bmtk\d+\b/.test(s.cls), `token ${t} has no token class: ${s.cls}`);
      assert(s.color !== plain.color, `token ${t} has the plain text colour ${s.color}`);
    }
    const comment = await tokenStyle('//', true);
    assert(comment.color !== plain.color, 'the comment has the plain text colour');
  });
  await check('the vp commands are in the command palette', async () => {
    for (const title of ['vp: Compile', 'vp: Deploy to VMM', 'vp: Reset VMM', 'vp: Show Probe Points', 'vp: Start a Local VMM']) {
      await paletteRow(title);
      await page.keyboard.press('Escape');
    }
  });
  await check('Compile and Deploy are in the editor title bar', async () => {
    for (const title of ['Compile', 'Deploy to VMM']) {
      await page.locator(`.editor-actions .action-label[aria-label*="${title}"]`).first().waitFor({ timeout: 5000 });
    }
  });
  await check('Compile without a server says why it cannot run', async () => {
    await clearToasts();
    await runCommand('vp: Compile');
    await toast(/compile failed: .*(vp\.distribution|language server)/, 10000);
  });
  await screenshot('02-commands');
  await check('a .vp file opens in the VP language mode with coloured forms', async () => {
    await quickOpen('probes.vp');
    await page.locator('[id="status.editor.mode"]', { hasText: 'VP' }).waitFor({ timeout: 15000 });
    const plain = await tokenStyle('ticks');
    for (const [t, prefix] of [['definteger'], ['vprobe'], ['VMM1Hz'], ['printf'], ['; The same', true]]) {
      const s = await tokenStyle(t, prefix);
      assert(s.color !== plain.color, `VP token ${t} has the plain text colour`);
    }
  });
  await screenshot('03-vp-editor');
}

/** Language-server checks: enabled with VP_E2E_LSP=1 once `vp lsp` exists. */
async function languageServer(port, vmmTokenFile) {
  const ws = path.join(tmp, 'ws-lsp');
  const settings = {
    // Only the language server may offer completions, so the completion check cannot pass on words of the file.
    'editor.wordBasedSuggestions': 'off',
    ...(vmmTokenFile ? { 'vp.vmm.tokenFile': vmmTokenFile } : {}),
    // A distribution to test instead of the server bundled in the .vsix (a development build, say).
    ...(process.env.VP_E2E_DISTRIBUTION ? { 'vp.distribution': process.env.VP_E2E_DISTRIBUTION } : {}),
  };
  writeWorkspace(ws, { 'broken.emt': BROKEN_EMT, 'deploy.emt': DEPLOY_EMT, 'complete.emt': '', 'deploy.vp': DEPLOY_VP }, settings);
  await check('the LSP workspace opens', () => openWorkspace(port, ws));

  await check('an error shows as a squiggle (JVM start included)', async () => {
    const t0 = Date.now();
    await quickOpen('broken.emt');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60000 });
    timings.push(['open file with an error to squiggle', Date.now() - t0]);
  });
  await screenshot('10-squiggle');
  await check('the Problems panel lists it with our code and message', async () => {
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'nosuchname' }).first();
    await row.waitFor({ timeout: 10000 });
    const text = await row.textContent();
    assert(/E\d{4}/.test(text), `no error code in the Problems entry: ${text}`);
  });
  await screenshot('11-problems');
  await check('fixing the text clears the squiggle and the Problems entry', async () => {
    assert(await page.locator('.monaco-editor .squiggly-error').count() > 0, 'there is no squiggle to clear');
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    const t0 = Date.now();
    await page.keyboard.insertText(FIXED_EMT);
    await waitFor('the squiggle to go', 30000, async () => (await page.locator('.monaco-editor .squiggly-error').count()) === 0);
    timings.push(['keystroke to updated diagnostics', Date.now() - t0]);
    await waitFor('the Problems entry to go', 10000, async () =>
      (await page.locator('.markers-panel .monaco-list-row', { hasText: 'nosuchname' }).count()) === 0);
  });
  await check('completion after GUEST:ENTER: offers guest symbols', async () => {
    await quickOpen('complete.emt');
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.type('GUEST:ENTER:');
    await page.keyboard.press('Control+Space');
    // The widget may still show the list it opened after `GUEST:` (`ENTER:` and friends), answered before the
    // server saw the rest of the line: wait for the symbols, asking again every 2 s, rather than read the first list.
    let labels = [];
    let polls = 0;
    const isSymbol = (l) => /^[A-Za-z_][\w.$]*$/.test(l.trim());
    await waitFor('a guest symbol among the suggestions', 20000, async () => {
      labels = await page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();
      if (labels.some(isSymbol)) return true;
      if (++polls % 10 === 0) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+Space');
      }
      return false;
    }).catch((e) => { throw new Error(`no guest symbol among ${JSON.stringify(labels)}: ${e.message}`); });
    await page.keyboard.press('Escape');
  });
  await screenshot('12-completion');
  await check('Compile reports the sizes', async () => {
    await quickOpen('deploy.emt');
    await clearToasts();
    await runCommand('vp: Compile');
    await toast(/Compiled deploy\.emt: code [\d,]+ of [\d,]+ bytes/, 30000);
    await statusItem('vp code', 5000);
  });
  await screenshot('13-compile');
  if (!vmmTokenFile) {
    // Where /dev/kvm exists the harness must run: a missing one is a failure, not a skip (as in the Maven suite).
    if (fs.existsSync('/dev/kvm')) {
      await check('Deploy streams probe output into the "vp" channel', async () => {
        throw new Error('/dev/kvm exists but `vp vmm` did not start (see the vmm log in the artifacts)');
      });
    } else {
      skip('Deploy streams probe output into the "vp" channel', 'no harness: /dev/kvm is missing');
    }
    return;
  }
  await check('Deploy streams probe output into the "vp" channel', async () => {
    await runCommand('vp: Deploy to VMM');
    await waitFor('"e2e tick" in the vp output channel', 30000, async () => {
      const text = await page.locator('.part.panel .monaco-editor .view-lines').allTextContents();
      return text.join(' ').replace(/\s+/g, ' ').includes('e2e tick');
    });
    await runCommand('vp: Reset VMM');
    await toast(/reset the VMM/, 10000);
  });
  await screenshot('14-deploy');
}

/** Compile and Deploy of a script with errors: one message that says what is wrong, not the client's generic one. */
async function scriptWithErrors() {
  await check('Compile of a script with errors says so, with the first error', async () => {
    // Its tab is still open; a click is steadier here than Quick Open with the output panel in front.
    await page.locator('.tab', { hasText: 'complete.emt' }).first().click();
    await page.locator('.tab.active', { hasText: 'complete.emt' }).first().waitFor({ timeout: 10000 });
    await clearToasts();
    await runCommand('vp: Compile');
    await toast(/complete\.emt has \d+ errors? \(see the Problems panel\), so it was not compiled\. The first: .*E\d{4}/, 30000);
  });
  await screenshot('16-compile-errors');
  await check('Deploy of a script with errors fails with one message of ours', async () => {
    await clearToasts();
    await runCommand('vp: Deploy to VMM');
    await toast(/vp: deploy failed: /, 30000);
    await sleep(1000);
    const texts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
    assert(!texts.some((t) => /Request workspace\/executeCommand failed/.test(t)), `a generic notification too: ${JSON.stringify(texts)}`);
  });
  await screenshot('17-deploy-errors');
}

/** Deploy to a harness that is not there, and with a token file that does not match: the server's reason, once. */
async function deployProblems(port) {
  const ws = path.join(tmp, 'ws-lsp');
  const settingsFile = path.join(ws, '.vscode', 'settings.json');
  const original = fs.readFileSync(settingsFile, 'utf8');
  const tryDeploy = async (settings, pattern) => {
    fs.writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(original), ...settings }, null, 2));
    await page.locator('.tab', { hasText: 'deploy.emt' }).first().click();
    // The new settings reach the server through workspace/didChangeConfiguration: ask until its answer says so.
    await waitFor(`a deploy failure matching ${pattern}`, 30000, async () => {
      await clearToasts();
      await runCommand('vp: Deploy to VMM');
      return toast(pattern, 8000).catch(() => false);
    });
    const texts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
    assert(!texts.some((t) => /Request workspace\/executeCommand failed/.test(t)), `a generic notification too: ${JSON.stringify(texts)}`);
  };
  await check('Deploy with no vp vmm at the address says to start one', () =>
    tryDeploy({ 'vp.vmm.address': `127.0.0.1:${port}` }, /vp: deploy failed: cannot reach a harness at 127\.0\.0\.1:\d+ .*start one with `vp vmm`/));
  await screenshot('18-deploy-no-vmm');
  const wrong = path.join(tmp, 'wrong.token');
  fs.writeFileSync(wrong, '0'.repeat(64) + '\n', { mode: 0o600 });
  await check('Deploy with a token file that does not match says so', () =>
    tryDeploy({ 'vp.vmm.tokenFile': wrong }, /vp: deploy failed: .*token/));
  await screenshot('19-deploy-wrong-token');
  fs.writeFileSync(settingsFile, original);
}

/** Compile and Deploy of a VP script, opened from the Explorer (Quick Open is unsteady with the output panel in front). */
async function vpScript() {
  await check('Compile and Deploy of a .vp script', async () => {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'deploy.vp' }).first().click();
    await page.locator('.tab.active', { hasText: 'deploy.vp' }).first().waitFor({ timeout: 10000 });
    await clearToasts();
    await runCommand('vp: Compile');
    await toast(/Compiled deploy\.vp: code [\d,]+ of [\d,]+ bytes/, 30000);
    // The settings were just put back (deployProblems): deploy until the server has them again.
    await waitFor('"vp tick" in the vp output channel', 40000, async () => {
      await clearToasts();
      await runCommand('vp: Deploy to VMM');
      await toast(/deployed deploy\.vp|deploy failed/, 8000);
      await sleep(2000);
      const text = await page.locator('.part.panel .monaco-editor .view-lines').allTextContents();
      return text.join(' ').replace(/\s+/g, ' ').includes('vp tick');
    });
    await runCommand('vp: Reset VMM');
    await toast(/reset the VMM/, 10000);
  });
  await screenshot('20-vp-deploy');
}

/** A new untitled buffer in Emmett mode, with the cursor in it. */
async function newEmmettBuffer() {
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
  await runCommand('File: New Untitled Text File');
  await page.locator('.tab.active', { hasText: 'Untitled' }).first().waitFor({ timeout: 10000 });
  await runCommand('Change Language Mode');
  await page.locator('.quick-input-widget input').fill('Emmett');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Emmett' }).first().click();
  await page.locator('[id="status.editor.mode"]', { hasText: 'Emmett' }).waitFor({ timeout: 10000 });
  await page.locator('.monaco-editor .view-lines').first().click();
}

/** A snippet is offered by its prefix, inserted with its defaults, and what it inserts compiles. */
async function snippetInEditor() {
  await check('the count snippet inserts a script that compiles', async () => {
    await newEmmettBuffer();
    await page.keyboard.type('count');
    await page.keyboard.press('Control+Space');
    const row = page.locator('.suggest-widget .monaco-list-row')
      .filter({ has: page.locator('.codicon-symbol-snippet') }).filter({ hasText: 'count' }).first();
    await waitFor('the snippet among the suggestions', 20000, async () => (await row.count()) > 0);
    await row.click();
    await page.keyboard.press('Escape');
    const text = () => page.locator('.monaco-editor .view-lines').first().innerText();
    await waitFor('the snippet in the editor', 10000, async () => /logaggr\(exits\);/.test((await text()).replace(/\u00a0/g, ' ')));
    await clearToasts();
    await runCommand('vp: Compile');
    await toast(/Compiled Untitled-\d+: code [\d,]+ of [\d,]+ bytes/, 30000);
  });
  await screenshot('22-snippet');
}

/** An untitled buffer switched to Emmett compiles too: the server gets untitled: documents. */
async function untitledScript() {
  await check('Compile of an untitled buffer in Emmett mode', async () => {
    await newEmmettBuffer();
    await page.keyboard.insertText(DEPLOY_EMT);
    await clearToasts();
    await runCommand('vp: Compile');
    await toast(/Compiled Untitled-\d+: code [\d,]+ of [\d,]+ bytes/, 30000);
  });
  await screenshot('21-untitled');
}

/** The language server this run's extension started: a `vp lsp` whose class path lies in this run's directory. */
function serverPids() {
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let argv;
    try {
      argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv.includes('dev.vp.cli.Main') && argv.includes('lsp') && argv.some((a) => a.startsWith(tmp))) pids.push(Number(d));
  }
  return pids;
}

/** A server killed under the editor: the client restarts it and the commands work again. */
async function serverCrash() {
  await check('a killed language server is restarted and Compile works again', async () => {
    const before = serverPids();
    assert(before.length === 1, `expected one vp lsp of this run, found ${JSON.stringify(before)}`);
    process.kill(before[0], 'SIGKILL');
    await waitFor('a new vp lsp', 30000, () => serverPids().some((p) => !before.includes(p)));
    await quickOpen('deploy.emt');
    await waitFor('Compile to answer again', 60000, async () => {
      await clearToasts();
      await runCommand('vp: Compile');
      return toast(/Compiled deploy\.emt/, 10000).catch(() => false);
    });
    const problems = await page.locator('.statusbar-item', { hasText: 'vp: server' }).allTextContents();
    assert(problems.length === 0, `the status bar still shows a server problem: ${problems.join(', ')}`);
  });
  await screenshot('15-restarted');
}

/** A `vp vmm` harness for the Deploy check, with its token in the run's own runtime directory. */
async function startVmm(env) {
  if (!fs.existsSync('/dev/kvm')) return undefined;
  const lib = path.join(projectDir, 'cli', 'target', 'dist', 'lib');
  const java = findJava();
  if (!java || !fs.existsSync(path.join(lib, 'vp-cli.jar'))) return undefined;
  const runtime = path.join(tmp, 'runtime');
  fs.mkdirSync(runtime, { recursive: true, mode: 0o700 });
  const tokenFile = path.join(runtime, 'vp', 'vmm.token');
  startGroup('vmm', java, ['--enable-native-access=ALL-UNNAMED', '-cp', path.join(lib, '*'), 'dev.vp.cli.Main', 'vmm'], { ...env, XDG_RUNTIME_DIR: runtime });
  try {
    await waitFor('the vmm token file', 30000, () => fs.existsSync(tokenFile));
    return tokenFile;
  } catch {
    return undefined;
  }
}

function findJava() {
  const r = spawnSync('bash', ['-c', `source "${path.join(projectDir, 'bin', 'find-jdk')}" >/dev/null && echo "$VP_JAVA"`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

// ---------------------------------------------------------------- main

async function main() {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  for (const [what, p] of [['Node 24', path.join(nodeDir, 'bin', 'node')], ['code-server', codeServerBin], ['Chromium', chromium]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} is not installed at ${p}; run vscode-extension/e2e/setup.sh first`);
  }
  const vsix = process.argv[2] ?? fs.readdirSync(extensionDir).filter((f) => /^vp-.*\.vsix$/.test(f)).map((f) => path.join(extensionDir, f))[0];
  if (!vsix || !fs.existsSync(vsix)) throw new Error('no .vsix to install; run npm run package in vscode-extension first');
  const homeBefore = homeEntries();

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-e2e-'));
  const dirs = {};
  for (const d of ['home', 'user-data', 'extensions', 'xdg-config', 'xdg-data', 'xdg-cache', 'xdg-state', 'chromium']) {
    dirs[d] = path.join(tmp, d);
    fs.mkdirSync(dirs[d], { recursive: true });
  }
  // Every tool gets a throwaway home and XDG directories, so nothing lands in the real ones.
  const env = {
    ...process.env,
    PATH: `${path.join(nodeDir, 'bin')}:${process.env.PATH}`,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs['xdg-config'],
    XDG_DATA_HOME: dirs['xdg-data'],
    XDG_CACHE_HOME: dirs['xdg-cache'],
    XDG_STATE_HOME: dirs['xdg-state'],
  };
  fs.mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs['user-data'], 'User', 'settings.json'), JSON.stringify({
    'chat.disableAIFeatures': true,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }, null, 2));

  const common = ['--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions];
  let t0 = Date.now();
  const install = spawnSync(codeServerBin, ['--install-extension', vsix, ...common], { env, encoding: 'utf8', timeout: 120000 });
  fs.writeFileSync(path.join(artifacts, 'install-extension.log'), `${install.stdout}\n${install.stderr}`);
  await check('the .vsix installs offline into a fresh extensions directory', async () => {
    assert(install.status === 0, `code-server --install-extension exited ${install.status}: ${install.stderr.trim().split('\n').pop()}`);
    assert(fs.readdirSync(dirs.extensions).some((d) => d.startsWith('dev-vp.vp-')), 'the extension is not in the extensions directory');
  });
  timings.push(['install the .vsix', Date.now() - t0]);

  const port = await freePort();
  const config = path.join(tmp, 'code-server.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  t0 = Date.now();
  startGroup('code-server', codeServerBin, [
    '--config', config, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', ...common,
  ], env);
  await waitFor('code-server /healthz', 60000, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok);
  timings.push(['code-server healthy', Date.now() - t0]);

  const require = createRequire(path.join(toolsDir, 'package.json'));
  const { chromium: pw } = require('playwright-core');
  browser = await pw.launchPersistentContext(dirs.chromium, {
    executablePath: chromium,
    headless: true,
    env,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(30000);

  t0 = Date.now();
  await editorBasics(port);
  timings.push(['editor checks', Date.now() - t0]);
  if (lspChecks) {
    t0 = Date.now();
    const token = await startVmm(env);
    await languageServer(port, token);
    await serverCrash();
    await scriptWithErrors();
    if (token) {
      await deployProblems(await freePort());
      await vpScript();
    }
    await untitledScript();
    await snippetInEditor();
    timings.push(['language server checks', Date.now() - t0]);
  } else {
    log('language-server checks are off; VP_E2E_LSP=1 turns them on once `vp lsp` exists');
  }
  return homeBefore;
}

let homeBefore;
let fatal;
try {
  homeBefore = await main();
} catch (e) {
  fatal = e;
} finally {
  if (browser) await browser.close().catch(() => undefined);
  await killGroups();
  if (tmp && !keep) fs.rmSync(tmp, { recursive: true, force: true });
  if (tmp && keep) log(`kept ${tmp}`);
}
if (fatal) {
  results.push({ name: 'setting up the run', status: 'failed' });
  log(`FAIL setting up the run: ${fatal.message}`);
}
if (homeBefore) {
  await check('nothing new in the home directory', async () => {
    const added = [...homeEntries()].filter((e) => !homeBefore.has(e));
    assert(added.length === 0, `the run left ${added.join(', ')} in ${os.homedir()}`);
  });
}
for (const [what, ms] of timings) log(`time: ${what}: ${(ms / 1000).toFixed(1)} s`);
log(`time: whole run: ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots and logs in ${artifacts}`);
const count = (s) => results.filter((r) => r.status === s).length;
const skipped = count('skipped');
console.log(`${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(count('failed') > 0 ? 1 : 0);
