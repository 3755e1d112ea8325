// Turns the server's vp/budget notifications into the status-bar text for the current document: percent of code and data, warning past 80%, error past 100%.

/**
 * The vp/budget notification's parameters, and also what vp.compile answers. The server leaves out codeBytes
 * until the backend has measured the code, and dataBytes while the script has errors.
 */
export interface Budget {
  uri: string;
  codeBytes?: number;
  codeLimit: number;
  dataBytes?: number;
  dataLimit: number;
}

export type Level = 'ok' | 'warning' | 'error';

export interface BudgetStatus {
  text: string;
  tooltip: string;
  level: Level;
}

/**
 * The budget in a notification, or undefined when it is not one (no uri or limits, sizes that are not whole
 * numbers from 0, limits not above 0). A size left out or null is not known yet.
 */
export function parseBudget(params: unknown): Budget | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Record<string, unknown>;
  if (typeof p.uri !== 'string') return undefined;
  const isSize = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!isSize(p.codeLimit) || !isSize(p.dataLimit)) return undefined;
  if (!([p.codeBytes, p.dataBytes].every((n) => n === undefined || n === null || isSize(n)))) return undefined;
  if ((p.codeLimit as number) === 0 || (p.dataLimit as number) === 0) return undefined;
  return { uri: p.uri, ...(isSize(p.codeBytes) ? { codeBytes: p.codeBytes as number } : {}), codeLimit: p.codeLimit as number,
    ...(isSize(p.dataBytes) ? { dataBytes: p.dataBytes as number } : {}), dataLimit: p.dataLimit as number };
}

/** Whole percent, rounded down so that the text never shows a budget as fuller than it is. */
export function percent(used: number, limit: number): number {
  return Math.floor((used * 100) / limit);
}

/** Past 80% is a warning and past 100% an error, the same thresholds as `vp check`; an unknown size is ok. */
export function level(used: number | undefined, limit: number): Level {
  if (used === undefined) return 'ok';
  if (used > limit) return 'error';
  if (used * 5 > limit * 4) return 'warning';
  return 'ok';
}

export function budgetStatus(b: Budget): BudgetStatus {
  const code = level(b.codeBytes, b.codeLimit);
  const data = level(b.dataBytes, b.dataLimit);
  const worst: Level = code === 'error' || data === 'error' ? 'error' : code === 'warning' || data === 'warning' ? 'warning' : 'ok';
  return {
    text: `vp code ${short(b.codeBytes, b.codeLimit)} data ${short(b.dataBytes, b.dataLimit)}`,
    tooltip: `Budget use of this script\ncode: ${describe(b.codeBytes, b.codeLimit)}\ndata: ${describe(b.dataBytes, b.dataLimit)}\n` +
      'Budgets come from #pragma budget and vp.json.',
    level: worst,
  };
}

function short(used: number | undefined, limit: number): string {
  return used === undefined ? '?' : `${percent(used, limit)}%`;
}

export function describe(used: number | undefined, limit: number): string {
  if (used === undefined) return `not known yet (limit ${limit.toLocaleString('en-US')} bytes)`;
  return `${used.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} bytes (${percent(used, limit)}%)`;
}

/** The latest budget of each open document, so the status bar can follow the active editor. */
export class BudgetTracker {
  private readonly byUri = new Map<string, Budget>();

  update(b: Budget): void {
    this.byUri.set(b.uri, b);
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  /** The status for a document, or undefined when the server has not reported one. */
  statusFor(uri: string | undefined): BudgetStatus | undefined {
    const b = uri === undefined ? undefined : this.byUri.get(uri);
    return b === undefined ? undefined : budgetStatus(b);
  }
}
