// Reads the answers of the server's workspace/executeCommand calls (vp.compile, vp.probes) into what the editor shows.
import { Budget, describe, parseBudget } from './budget';

/** vp.compile answers with the budget fields for the document it compiled. */
export type CompileSummary = { ok: true; budget: Budget; message: string } | { ok: false; message: string };

export function compileSummary(answer: unknown, scriptName: string): CompileSummary {
  const a = answer as { ok?: unknown; errors?: unknown; messages?: unknown } | null;
  if (a?.ok === false && typeof a.errors === 'number' && a.errors > 0) {
    const first = Array.isArray(a.messages) && typeof a.messages[0] === 'string' ? ` The first: ${a.messages[0]}` : '';
    return { ok: false, message: `${scriptName} has ${a.errors} error${a.errors === 1 ? '' : 's'} (see the Problems panel), so it was not compiled.${first}` };
  }
  const budget = parseBudget(answer);
  if (budget === undefined) {
    return { ok: false, message: `Compile of ${scriptName}: the language server's answer had no sizes (${JSON.stringify(answer)}).` };
  }
  return {
    ok: true,
    budget,
    message: `Compiled ${scriptName}: code ${describe(budget.codeBytes, budget.codeLimit)}, data ${describe(budget.dataBytes, budget.dataLimit)}.`,
  };
}

/** One entry of vp.probes' answer: a probe point of the target. */
export interface ProbePoint {
  name: string;
  domain?: string;
  detail?: string;
}

export interface PickItem {
  label: string;
  description?: string;
  detail?: string;
}

/** The quick-pick items for vp.probes' answer, or an error message when it is not a list of probe points. */
export function probeItems(answer: unknown): { ok: true; items: PickItem[] } | { ok: false; message: string } {
  const bad = { ok: false as const, message: `The language server's list of probe points is malformed: ${JSON.stringify(answer)}.` };
  if (!Array.isArray(answer)) return bad;
  const items: PickItem[] = [];
  for (const p of answer as unknown[]) {
    const point = p as Partial<ProbePoint> | null;
    if (typeof point?.name !== 'string') return bad;
    items.push({
      label: point.name,
      ...(typeof point.domain === 'string' ? { description: point.domain } : {}),
      ...(typeof point.detail === 'string' ? { detail: point.detail } : {}),
    });
  }
  return { ok: true, items };
}
