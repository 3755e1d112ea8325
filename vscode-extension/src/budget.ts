// Turns the server's vp/budget notifications into the status-bar text for the current document: percent of code and data, warning past 80%, error past 100%.

/** The vp/budget notification's parameters, and also what vp.compile answers. */
export interface Budget {
  uri: string;
  codeBytes: number;
  codeLimit: number;
  dataBytes: number;
  dataLimit: number;
}

export type Level = 'ok' | 'warning' | 'error';

export interface BudgetStatus {
  text: string;
  tooltip: string;
  level: Level;
}

/** The budget in a notification, or undefined when it is not one (missing fields, negative sizes, limits not above 0). */
export function parseBudget(params: unknown): Budget | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Record<string, unknown>;
  if (typeof p.uri !== 'string') return undefined;
  const sizes = [p.codeBytes, p.codeLimit, p.dataBytes, p.dataLimit];
  if (!sizes.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) return undefined;
  if ((p.codeLimit as number) === 0 || (p.dataLimit as number) === 0) return undefined;
  return { uri: p.uri, codeBytes: p.codeBytes as number, codeLimit: p.codeLimit as number,
    dataBytes: p.dataBytes as number, dataLimit: p.dataLimit as number };
}

/** Whole percent, rounded down so that the text never shows a budget as fuller than it is. */
export function percent(used: number, limit: number): number {
  return Math.floor((used * 100) / limit);
}

/** Past 80% is a warning and past 100% an error, the same thresholds as `vp check`. */
export function level(used: number, limit: number): Level {
  if (used > limit) return 'error';
  if (used * 5 > limit * 4) return 'warning';
  return 'ok';
}

export function budgetStatus(b: Budget): BudgetStatus {
  const code = level(b.codeBytes, b.codeLimit);
  const data = level(b.dataBytes, b.dataLimit);
  const worst: Level = code === 'error' || data === 'error' ? 'error' : code === 'warning' || data === 'warning' ? 'warning' : 'ok';
  return {
    text: `vp code ${percent(b.codeBytes, b.codeLimit)}% data ${percent(b.dataBytes, b.dataLimit)}%`,
    tooltip: `Budget use of this script\ncode: ${describe(b.codeBytes, b.codeLimit)}\ndata: ${describe(b.dataBytes, b.dataLimit)}\n` +
      'Budgets come from #pragma budget and vp.json.',
    level: worst,
  };
}

export function describe(used: number, limit: number): string {
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
