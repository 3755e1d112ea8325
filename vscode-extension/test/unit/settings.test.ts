// Settings to initializationOptions and didChangeConfiguration: defaults, ~ expansion, and a bad address replaced with a message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAddress, didChangeConfigurationParams, serverSettings, SettingsReader } from '../../src/settings';

function reader(values: Record<string, unknown>): SettingsReader {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

describe('serverSettings', () => {
  it('sends the defaults when nothing is set', () => {
    assert.deepEqual(serverSettings(reader({}), '/home/u'), { settings: { vmm: { address: '127.0.0.1:7311', tokenFile: '' } } });
  });
  it('sends the address and token file, with ~ expanded', () => {
    const r = serverSettings(reader({ 'vmm.address': ' 127.0.0.1:9000 ', 'vmm.tokenFile': '~/.vp/vmm.token' }), '/home/u');
    assert.deepEqual(r, { settings: { vmm: { address: '127.0.0.1:9000', tokenFile: '/home/u/.vp/vmm.token' } } });
  });
  it('never sends budgets or launch settings, whatever the configuration holds', () => {
    const r = serverSettings(reader({ 'java.home': '/jdk', distribution: '/d', 'budget.code': 1 }), '/home/u');
    assert.deepEqual(Object.keys(r.settings), ['vmm']);
    assert.deepEqual(Object.keys(r.settings.vmm).sort(), ['address', 'tokenFile']);
  });
  it('replaces a malformed address with the default and says so', () => {
    const r = serverSettings(reader({ 'vmm.address': 'localhost' }), '/home/u');
    assert.equal(r.settings.vmm.address, '127.0.0.1:7311');
    assert.equal(r.problem, 'The setting vp.vmm.address is "localhost": expected host:port, e.g. 127.0.0.1:7311. Using 127.0.0.1:7311 until it is fixed.');
  });
  it('wraps the same object for workspace/didChangeConfiguration', () => {
    const { settings } = serverSettings(reader({ 'vmm.tokenFile': '/t' }), '/h');
    assert.deepEqual(didChangeConfigurationParams(settings), { settings: { vmm: { address: '127.0.0.1:7311', tokenFile: '/t' } } });
  });
});

describe('checkAddress', () => {
  it('accepts host:port, names and bracketed IPv6', () => {
    for (const ok of ['127.0.0.1:7311', 'localhost:1', '[::1]:65535', 'vmm.example:80']) assert.equal(checkAddress(ok), undefined, ok);
  });
  it('refuses missing ports, ports out of range and bare IPv6', () => {
    assert.match(checkAddress('127.0.0.1') ?? '', /expected host:port/);
    assert.match(checkAddress('127.0.0.1:0') ?? '', /port 0 is outside 1-65535/);
    assert.match(checkAddress('h:70000') ?? '', /port 70000/);
    assert.match(checkAddress('::1:7311') ?? '', /expected host:port/);
    assert.match(checkAddress('h :1') ?? '', /expected host:port/);
  });
});
