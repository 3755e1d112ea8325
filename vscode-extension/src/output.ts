// Carries probe output from the server's vp/output notifications into the "vp" output channel.

/** The part of vscode.OutputChannel this needs, so tests can pass a fake. */
export interface OutputSink {
  append(text: string): void;
  appendLine(text: string): void;
  show(preserveFocus: boolean): void;
}

export class ProbeOutput {
  /** Set by a deploy, so the channel comes forward with the first output that follows it. */
  private revealOnNext = false;

  constructor(private readonly sink: OutputSink) {}

  /** Marks the start of a deployment in the channel. */
  deploying(script: string, address: string): void {
    this.sink.appendLine(`--- deploying ${script} to ${address} ---`);
    this.revealOnNext = true;
  }

  /** Handles one vp/output notification; text arrives in chunks and is appended exactly as sent. */
  receive(params: unknown): void {
    const text = (params as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') {
      this.sink.appendLine(`[vp: ignored a vp/output notification without text: ${JSON.stringify(params)}]`);
      return;
    }
    this.sink.append(text);
    if (this.revealOnNext) {
      this.revealOnNext = false;
      this.sink.show(true);
    }
  }

  /** A line from the extension itself (command results, errors), kept apart from probe output by its prefix. */
  note(line: string): void {
    this.sink.appendLine(`[vp] ${line}`);
  }
}
