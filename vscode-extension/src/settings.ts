// Turns the extension's settings into what the language server receives: initializationOptions at start, workspace/didChangeConfiguration later.
import { expandHome } from './server';

export const DEFAULT_VMM_ADDRESS = '127.0.0.1:7311';

/** The settings the server needs; budgets are deliberately absent (they come from scripts and vp.json). */
export interface ServerSettings {
  vmm: {
    address: string;
    /** Empty: the harness's default token file. */
    tokenFile: string;
  };
}

/** A reader over the `vp` configuration section (vscode.WorkspaceConfiguration fits). */
export interface SettingsReader {
  get<T>(key: string): T | undefined;
}

/** The settings to send; `problem` says what was wrong with a setting that was replaced by its default. */
export interface SettingsResult {
  settings: ServerSettings;
  problem?: string;
}

export function serverSettings(config: SettingsReader, home: string): SettingsResult {
  const tokenFile = expandHome((config.get<string>('vmm.tokenFile') ?? '').trim(), home);
  const address = (config.get<string>('vmm.address') ?? '').trim() || DEFAULT_VMM_ADDRESS;
  const wrong = checkAddress(address);
  if (wrong === undefined) return { settings: { vmm: { address, tokenFile } } };
  return {
    settings: { vmm: { address: DEFAULT_VMM_ADDRESS, tokenFile } },
    problem: `The setting vp.vmm.address is "${address}": ${wrong}. Using ${DEFAULT_VMM_ADDRESS} until it is fixed.`,
  };
}

/** The body of workspace/didChangeConfiguration: the same object as the initialization options. */
export function didChangeConfigurationParams(settings: ServerSettings): { settings: ServerSettings } {
  return { settings };
}

/** Why `host:port` is not usable, or undefined when it is; IPv6 hosts go in brackets. */
export function checkAddress(address: string): string | undefined {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:\s[\]]+):(\d+)$/.exec(address);
  if (!m) return 'expected host:port, e.g. 127.0.0.1:7311';
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `port ${m[2]} is outside 1-65535`;
  return undefined;
}

/** Which setting changes need what: the server only sees vmm.*, the launch depends on java.home and distribution. */
export const SERVER_SETTINGS = ['vp.vmm.address', 'vp.vmm.tokenFile'];
export const LAUNCH_SETTINGS = ['vp.java.home', 'vp.distribution'];
