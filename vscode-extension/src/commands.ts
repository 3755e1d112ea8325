// Shares the command ids vp.compile, vp.deploy and vp.reset with the language client, which registers every command the server advertises under the same id.

export interface Disposable {
  dispose(): void;
}

/** vscode.commands.registerCommand's shape; it throws when the id is taken. */
export type Register = (id: string, run: (...args: unknown[]) => unknown) => Disposable;

/** Commands the extension contributes and the server also executes (workspace/executeCommand). */
export const SHARED_COMMANDS = ['vp.compile', 'vp.deploy', 'vp.reset'] as const;

/**
 * While the client runs, it owns the ids the server advertised and routes them through the
 * executeCommand middleware; the extension registers the remaining ids itself, so that every
 * palette entry works (or says why not) whether or not a server is running.
 */
export class SharedCommandSlots {
  private readonly ours = new Map<string, Disposable>();

  constructor(
    private readonly ids: readonly string[],
    private readonly register: Register,
    private readonly run: (id: string, args: unknown[]) => unknown,
  ) {}

  /** Before the client starts: gives up every id, so the client can register the advertised ones. */
  release(): void {
    for (const d of this.ours.values()) d.dispose();
    this.ours.clear();
  }

  /**
   * After the client started (with what the server advertised) or stopped (nothing): takes every id
   * left free. Returns the ids that were still taken (register threw), which the caller may claim later.
   */
  claim(takenByClient: readonly string[]): string[] {
    const busy: string[] = [];
    for (const id of this.ids) {
      if (takenByClient.includes(id) || this.ours.has(id)) continue;
      try {
        this.ours.set(id, this.register(id, (...args) => this.run(id, args)));
      } catch {
        busy.push(id);
      }
    }
    return busy;
  }

  /** The ids this extension currently registers itself. */
  owned(): string[] {
    return [...this.ours.keys()];
  }
}
