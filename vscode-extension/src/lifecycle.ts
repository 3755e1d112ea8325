// Tells a server crash that the language client is restarting from a stop for good: on its way to a restart the client passes through Stopped too.

/** What the editor shows after a state change of the client. */
export type Shown = 'restarting' | 'stopped' | 'running again' | 'unchanged';

export class ServerLifecycle {
  /** The error handler chose to restart the server after its connection closed; the next Stopped is part of that. */
  private restartNext = false;
  private restarting = false;

  /** The error handler's decision when the server's connection closed. */
  closed(restart: boolean): void {
    this.restartNext = restart;
  }

  /** A state change of the client (its public State: starting, running, stopped). */
  changed(state: 'starting' | 'running' | 'stopped'): Shown {
    if (state === 'stopped') {
      const restart = this.restartNext;
      this.restartNext = false;
      this.restarting = restart;
      return restart ? 'restarting' : 'stopped';
    }
    if (state === 'running' && this.restarting) {
      this.restarting = false;
      return 'running again';
    }
    return 'unchanged';
  }
}
