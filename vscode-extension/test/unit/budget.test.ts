// Budget status text and thresholds: percent rounded down, warning past 80%, error past 100%, malformed notifications refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Budget, BudgetTracker, budgetStatus, level, parseBudget, percent } from '../../src/budget';

const base: Budget = { uri: 'file:///w/a.emt', codeBytes: 7865, codeLimit: 65536, dataBytes: 31458, dataLimit: 1048576 };

describe('budgetStatus', () => {
  it('shows code and data percent', () => {
    const s = budgetStatus(base);
    assert.equal(s.text, 'vp code 12% data 3%');
    assert.equal(s.level, 'ok');
    assert.match(s.tooltip, /code: 7,865 of 65,536 bytes \(12%\)/);
    assert.match(s.tooltip, /data: 31,458 of 1,048,576 bytes \(3%\)/);
  });
  it('warns past 80% of either budget', () => {
    assert.equal(budgetStatus({ ...base, codeBytes: 80, codeLimit: 100 }).level, 'ok');
    assert.equal(budgetStatus({ ...base, codeBytes: 81, codeLimit: 100 }).level, 'warning');
    const dataHigh = budgetStatus({ ...base, dataBytes: 900, dataLimit: 1000 });
    assert.equal(dataHigh.level, 'warning');
    assert.equal(dataHigh.text, 'vp code 12% data 90%');
  });
  it('is an error past 100%, which outranks a warning', () => {
    const s = budgetStatus({ ...base, codeBytes: 101, codeLimit: 100, dataBytes: 90, dataLimit: 100 });
    assert.equal(s.level, 'error');
    assert.equal(s.text, 'vp code 101% data 90%');
    assert.equal(budgetStatus({ ...base, codeBytes: 100, codeLimit: 100 }).level, 'warning');
  });
});

describe('percent and level', () => {
  it('round down, so a text never shows a budget fuller than it is', () => {
    assert.equal(percent(799, 1000), 79);
    assert.equal(percent(0, 1000), 0);
    assert.equal(percent(65536, 65536), 100);
  });
  it('put the thresholds exactly past 80% and past 100%', () => {
    assert.equal(level(52428, 65536), 'ok');
    assert.equal(level(52429, 65536), 'warning');
    assert.equal(level(65536, 65536), 'warning');
    assert.equal(level(65537, 65536), 'error');
  });
});

describe('parseBudget', () => {
  it('accepts a well-formed notification and drops extra fields', () => {
    assert.deepEqual(parseBudget({ ...base, extra: 1 }), base);
  });
  it('refuses missing fields, strings, negative sizes and zero limits', () => {
    assert.equal(parseBudget(null), undefined);
    assert.equal(parseBudget('x'), undefined);
    assert.equal(parseBudget({ ...base, uri: 3 }), undefined);
    assert.equal(parseBudget({ ...base, codeBytes: '12' }), undefined);
    assert.equal(parseBudget({ ...base, dataBytes: -1 }), undefined);
    assert.equal(parseBudget({ ...base, codeLimit: 0 }), undefined);
    assert.equal(parseBudget({ ...base, dataLimit: 1.5 }), undefined);
    const { dataLimit: _omit, ...partial } = base;
    assert.equal(parseBudget(partial), undefined);
  });
  it('accepts sizes the server does not know yet (left out or null): code before it is measured, data while the script has errors', () => {
    const { codeBytes: _code, ...noCode } = base;
    assert.deepEqual(parseBudget(noCode), noCode);
    assert.deepEqual(parseBudget({ ...base, codeBytes: null, dataBytes: null }), { uri: base.uri, codeLimit: base.codeLimit, dataLimit: base.dataLimit });
    const s = budgetStatus(parseBudget({ ...noCode, dataBytes: base.dataLimit })!);
    assert.equal(s.text, 'vp code ? data 100%');
    assert.equal(s.level, 'warning');
    assert.match(s.tooltip, /code: not known yet \(limit [\d,]+ bytes\)/);
  });
});

describe('BudgetTracker', () => {
  it('keeps the latest budget per document and forgets closed ones', () => {
    const t = new BudgetTracker();
    assert.equal(t.statusFor(base.uri), undefined);
    assert.equal(t.statusFor(undefined), undefined);
    t.update(base);
    t.update({ ...base, uri: 'file:///w/b.emt', codeBytes: 0 });
    t.update({ ...base, codeBytes: 60000 });
    assert.equal(t.statusFor(base.uri)?.text, 'vp code 91% data 3%');
    assert.equal(t.statusFor('file:///w/b.emt')?.text, 'vp code 0% data 3%');
    t.forget(base.uri);
    assert.equal(t.statusFor(base.uri), undefined);
  });
});
