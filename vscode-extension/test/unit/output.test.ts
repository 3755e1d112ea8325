// Output channel plumbing with a fake channel: probe text appended verbatim, the channel revealed once per deploy, malformed notifications reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputSink, ProbeOutput } from '../../src/output';

/** Records what the extension does to the channel, in order. */
class FakeChannel implements OutputSink {
  readonly events: string[] = [];
  text = '';
  append(text: string): void {
    this.text += text;
    this.events.push(`append ${JSON.stringify(text)}`);
  }
  appendLine(text: string): void {
    this.text += text + '\n';
    this.events.push(`line ${JSON.stringify(text)}`);
  }
  show(preserveFocus: boolean): void {
    this.events.push(`show ${preserveFocus}`);
  }
}

describe('ProbeOutput', () => {
  it('appends chunks exactly as sent, so lines split across notifications join up', () => {
    const ch = new FakeChannel();
    const out = new ProbeOutput(ch);
    out.receive({ text: 'tick 1\nti' });
    out.receive({ text: 'ck 2\n' });
    out.receive({ text: '' });
    assert.equal(ch.text, 'tick 1\ntick 2\n');
  });
  it('marks a deployment and reveals the channel, without taking focus, at the first output after it only', () => {
    const ch = new FakeChannel();
    const out = new ProbeOutput(ch);
    out.receive({ text: 'old\n' });
    out.deploying('hello.emt', '127.0.0.1:7311');
    out.receive({ text: 'a\n' });
    out.receive({ text: 'b\n' });
    assert.deepEqual(ch.events, [
      'append "old\\n"',
      'line "--- deploying hello.emt to 127.0.0.1:7311 ---"',
      'append "a\\n"',
      'show true',
      'append "b\\n"',
    ]);
  });
  it('reports a notification without text instead of dropping it silently', () => {
    const ch = new FakeChannel();
    const out = new ProbeOutput(ch);
    out.receive({ txt: 'x' });
    out.receive(null);
    assert.equal(ch.text, '[vp: ignored a vp/output notification without text: {"txt":"x"}]\n[vp: ignored a vp/output notification without text: null]\n');
  });
  it('prefixes the extension\'s own notes', () => {
    const ch = new FakeChannel();
    new ProbeOutput(ch).note('Compiled a.emt');
    assert.equal(ch.text, '[vp] Compiled a.emt\n');
  });
});
