// VS Code glue: starts the vp language server, wires its commands and notifications to the palette, the output channel and the status bar.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorHandler,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { BudgetTracker, parseBudget } from './budget';
import { SHARED_COMMANDS, SharedCommandSlots } from './commands';
import { defaultPlaces, discoverJdk } from './jdk';
import { ServerLifecycle } from './lifecycle';
import { OutputSink, ProbeOutput } from './output';
import { compileSummary, probeItems } from './results';
import { findDistribution, JavaCommand, vpCommand } from './server';
import { didChangeConfigurationParams, LAUNCH_SETTINGS, SERVER_SETTINGS, serverSettings } from './settings';

const LANGUAGES = ['emmett', 'vp'];

/** Why the server is not running, shown in the status bar and when a command needs it. */
interface ServerProblem {
  short: string;
  message: string;
}

/** Everything a started server needs to be launched again. */
interface Launch {
  java: string;
  libDir: string;
}

let extensionPath = '';
let client: LanguageClient | undefined;
let launch: Launch | undefined;
let problem: ServerProblem | undefined;
let serverItem: vscode.StatusBarItem;
let budgetItem: vscode.StatusBarItem;
let probeOutput: ProbeOutput;
let slots: SharedCommandSlots;
const budgets = new BudgetTracker();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  const channel = vscode.window.createOutputChannel('vp');
  probeOutput = new ProbeOutput(channel as OutputSink);
  serverItem = vscode.window.createStatusBarItem('vp.server', vscode.StatusBarAlignment.Left, 0);
  serverItem.name = 'vp language server';
  serverItem.command = 'vp.showServerProblem';
  budgetItem = vscode.window.createStatusBarItem('vp.budget', vscode.StatusBarAlignment.Right, 100);
  budgetItem.name = 'vp budget';
  context.subscriptions.push(channel, serverItem, budgetItem);

  slots = new SharedCommandSlots(SHARED_COMMANDS, (id, run) => vscode.commands.registerCommand(id, run), (id, args) =>
    runShared(id, args, (a) => sendCommand(id, a)),
  );
  slots.claim([]);
  context.subscriptions.push(
    { dispose: () => slots.release() },
    vscode.commands.registerCommand('vp.showProbes', showProbes),
    vscode.commands.registerCommand('vp.startVmm', startVmm),
    vscode.commands.registerCommand('vp.showServerProblem', showServerProblem),
    vscode.commands.registerCommand('vp.restartServer', restartServer),
    vscode.window.onDidChangeActiveTextEditor(showBudget),
    vscode.workspace.onDidCloseTextDocument((d) => budgets.forget(d.uri.toString())),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChange),
  );
  await startServer();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

async function startServer(): Promise<void> {
  const config = vscode.workspace.getConfiguration('vp');
  const jdk = discoverJdk({
    setting: config.get<string>('java.home') ?? '',
    javaHomeEnv: process.env.JAVA_HOME,
    places: defaultPlaces(os.homedir()),
    home: os.homedir(),
  });
  if (!jdk.ok) return reportProblem({ short: 'vp: no JDK 25', message: jdk.message });
  const dist = findDistribution(config.get<string>('distribution') ?? '', extensionPath, os.homedir());
  if (!dist.ok) return reportProblem({ short: 'vp: server missing', message: dist.message });
  launch = { java: jdk.java, libDir: dist.libDir };

  const settings = serverSettings(config, os.homedir());
  if (settings.problem) void vscode.window.showWarningMessage(settings.problem);
  const command: JavaCommand = vpCommand(jdk.java, dist.libDir, ['lsp']);
  const serverOptions: ServerOptions = {
    run: { command: command.command, args: command.args, transport: TransportKind.stdio },
    debug: { command: command.command, args: command.args, transport: TransportKind.stdio },
  };
  // The client restarts a crashed server (up to 5 times in 3 minutes) and passes through Stopped on the way.
  const lifecycle = new ServerLifecycle();
  let defaults: ErrorHandler | undefined;
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [{ language, scheme: 'file' }, { language, scheme: 'untitled' }]),
    initializationOptions: settings.settings,
    outputChannelName: 'vp language server',
    errorHandler: {
      error: (error, message, count) => defaults!.error(error, message, count),
      closed: async () => {
        const r = await defaults!.closed();
        lifecycle.closed(r.action === CloseAction.Restart);
        return r;
      },
    },
    middleware: {
      // Sent directly rather than through next(), whose failure adds the client's generic "Request
      // workspace/executeCommand failed." notification to runShared's own message.
      executeCommand: (id, args, next) =>
        (SHARED_COMMANDS as readonly string[]).includes(id) ? runShared(id, args, (a) => sendCommand(id, a)) : next(id, args),
    },
  };
  const c = new LanguageClient('vp', 'vp', serverOptions, clientOptions);
  defaults = c.createDefaultErrorHandler();
  c.onNotification('vp/output', (params: unknown) => probeOutput.receive(params));
  c.onNotification('vp/budget', (params: unknown) => {
    const b = parseBudget(params);
    if (b === undefined) {
      probeOutput.note(`ignored a malformed vp/budget notification: ${JSON.stringify(params)}`);
      return;
    }
    budgets.update(b);
    showBudget(vscode.window.activeTextEditor);
  });
  c.onDidChangeState((e) => {
    if (client !== c) return;
    const state = e.newState === State.Stopped ? 'stopped' : e.newState === State.Running ? 'running' : 'starting';
    const shown = lifecycle.changed(state);
    if (shown === 'restarting') {
      // The client owns the shared command ids again once the new server is up: leave them free.
      problem = { short: 'vp: server restarting', message: 'The vp language server stopped unexpectedly and is being restarted; ' +
        'its log is in the output channel "vp language server".' };
      probeOutput.note(problem.message);
      setServerItem(`$(sync~spin) ${problem.short}`, problem.message, new vscode.ThemeColor('statusBarItem.warningBackground'));
    } else if (shown === 'running again') {
      problem = undefined;
      probeOutput.note('The vp language server is running again.');
      slots.claim(c.initializeResult?.capabilities.executeCommandProvider?.commands ?? []);
      serverItem.hide();
    } else if (shown === 'stopped') {
      reportProblem({
        short: 'vp: server stopped',
        message: 'The vp language server stopped; its log is in the output channel "vp language server". ' +
          'Run "vp: Restart Language Server" to start it again.',
      }, false);
      setTimeout(() => slots.claim([]), 0);
    }
  });
  client = c;
  problem = undefined;
  setServerItem('$(sync~spin) vp: starting', `Starting the vp language server with Java ${jdk.version} (${jdk.source})`, undefined);
  slots.release();
  try {
    await c.start();
  } catch (e) {
    slots.claim([]);
    return reportProblem({
      short: 'vp: server failed',
      message: `The vp language server did not start: ${errorText(e)}. Its log is in the output channel "vp language server".`,
    });
  }
  slots.claim(c.initializeResult?.capabilities.executeCommandProvider?.commands ?? []);
  serverItem.hide();
  showBudget(vscode.window.activeTextEditor);
}

function reportProblem(p: ServerProblem, notify = true): void {
  problem = p;
  setServerItem(`$(error) ${p.short}`, p.message, new vscode.ThemeColor('statusBarItem.errorBackground'));
  if (notify) void showServerProblem();
}

async function showServerProblem(): Promise<void> {
  if (problem === undefined) return;
  const choice = await vscode.window.showErrorMessage(problem.message, 'Open Settings', 'Restart Server');
  if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'vp.');
  if (choice === 'Restart Server') await restartServer();
}

/** Stops the server, if one runs, and starts it again with the current settings. */
async function restartServer(): Promise<void> {
  const old = client;
  client = undefined;
  launch = undefined;
  await old?.stop().catch(() => undefined);
  slots.claim([]);
  await startServer();
}

function setServerItem(text: string, tooltip: string, background: vscode.ThemeColor | undefined): void {
  serverItem.text = text;
  serverItem.tooltip = tooltip;
  serverItem.backgroundColor = background;
  serverItem.show();
}

async function onConfigurationChange(e: vscode.ConfigurationChangeEvent): Promise<void> {
  if (LAUNCH_SETTINGS.some((s) => e.affectsConfiguration(s))) {
    await restartServer();
    return;
  }
  if (SERVER_SETTINGS.some((s) => e.affectsConfiguration(s)) && client?.isRunning()) {
    const settings = serverSettings(vscode.workspace.getConfiguration('vp'), os.homedir());
    if (settings.problem) void vscode.window.showWarningMessage(settings.problem);
    await client.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(settings.settings));
  }
}

function showBudget(editor: vscode.TextEditor | undefined): void {
  const status = editor && LANGUAGES.includes(editor.document.languageId) ? budgets.statusFor(editor.document.uri.toString()) : undefined;
  if (status === undefined) {
    budgetItem.hide();
    return;
  }
  budgetItem.text = status.text;
  budgetItem.tooltip = status.tooltip;
  budgetItem.backgroundColor = status.level === 'ok' ? undefined
    : new vscode.ThemeColor(status.level === 'warning' ? 'statusBarItem.warningBackground' : 'statusBarItem.errorBackground');
  budgetItem.show();
}

/** A server command sent directly, for the ids the server did not advertise. */
async function sendCommand(id: string, args: unknown[]): Promise<unknown> {
  if (!client?.isRunning()) throw new Error(problem?.message ?? 'The vp language server is not running.');
  return client.sendRequest(ExecuteCommandRequest.type, { command: id, arguments: args });
}

/** vp.compile, vp.deploy, vp.reset: what the editor does around the server's answer. */
async function runShared(id: string, args: unknown[], send: (args: unknown[]) => Promise<unknown>): Promise<void> {
  try {
    if (id === 'vp.reset') {
      await send([]);
      void vscode.window.showInformationMessage(`vp: reset the VMM at ${vmmAddress()}.`);
      return;
    }
    const uri = typeof args[0] === 'string' ? args[0] : activeScript()?.uri.toString();
    if (uri === undefined) {
      void vscode.window.showErrorMessage('vp: open an Emmett (.emt) or VP (.vp) script first.');
      return;
    }
    const name = path.basename(vscode.Uri.parse(uri).fsPath);
    if (id === 'vp.compile') {
      const summary = compileSummary(await send([uri]), name);
      if (!summary.ok) {
        void vscode.window.showErrorMessage(summary.message);
        return;
      }
      budgets.update(summary.budget);
      showBudget(vscode.window.activeTextEditor);
      probeOutput.note(summary.message);
      void vscode.window.showInformationMessage(summary.message);
      return;
    }
    probeOutput.deploying(name, vmmAddress());
    await send([uri]);
    void vscode.window.showInformationMessage(`vp: deployed ${name} to ${vmmAddress()}; its output goes to the "vp" output channel.`);
  } catch (e) {
    probeOutput.note(`${id} failed: ${errorText(e)}`);
    void vscode.window.showErrorMessage(`vp: ${id.slice(3)} failed: ${errorText(e)}`);
  }
}

async function showProbes(): Promise<void> {
  let answer: unknown;
  try {
    answer = await sendCommand('vp.probes', []);
  } catch (e) {
    void vscode.window.showErrorMessage(`vp: could not list the probe points: ${errorText(e)}`);
    return;
  }
  const items = probeItems(answer);
  if (!items.ok) {
    void vscode.window.showErrorMessage(items.message);
    return;
  }
  const picked = await vscode.window.showQuickPick(items.items, { placeHolder: 'Probe points of the target (pick one to insert it)', matchOnDescription: true, matchOnDetail: true });
  const editor = vscode.window.activeTextEditor;
  if (picked === undefined || editor === undefined || !LANGUAGES.includes(editor.document.languageId)) return;
  await editor.edit((edit) => edit.replace(editor.selection, picked.label));
}

function startVmm(): void {
  if (launch === undefined) {
    void showServerProblem();
    return;
  }
  const command = vpCommand(launch.java, launch.libDir, ['vmm']);
  const terminal = vscode.window.createTerminal({ name: 'vp vmm', shellPath: command.command, shellArgs: command.args });
  terminal.show();
}

function activeScript(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && LANGUAGES.includes(doc.languageId) ? doc : undefined;
}

function vmmAddress(): string {
  return serverSettings(vscode.workspace.getConfiguration('vp'), os.homedir()).settings.vmm.address;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
