import { describe, expect, it } from 'vitest';
import { describeSms, measureSms } from '../../src/engine/segments.js';

describe('measureSms', () => {
  it.each([
    ['', 'GSM-7', 0, 0],
    ['Hello', 'GSM-7', 1, 5],
    ['a'.repeat(160), 'GSM-7', 1, 160],
    ['a'.repeat(161), 'GSM-7', 2, 161],
    ['a'.repeat(306), 'GSM-7', 2, 306],
    ['a'.repeat(307), 'GSM-7', 3, 307],
    ['€'.repeat(80), 'GSM-7', 1, 160], // extension characters take two septets
    ['€'.repeat(81), 'GSM-7', 2, 162],
    ['Grüße, Ñandù! @£$', 'GSM-7', 1, 17],
    ['Ñandú', 'UCS-2', 1, 5], // ú is not in the GSM alphabet (ù is)
    ['a'.repeat(70) + 'ł', 'UCS-2', 2, 71],
    ['ł'.repeat(70), 'UCS-2', 1, 70],
    ['😀', 'UCS-2', 1, 2], // two UTF-16 units
  ])('%j is %s in %i SMS (%i units)', (text, encoding, segments, units) => {
    const size = measureSms(text);
    expect(size).toMatchObject({ encoding, segments, units });
  });

  it('names the first character that forced UCS-2', () => {
    expect(measureSms('We’re open').firstNonGsm).toBe('’');
    expect(describeSms(measureSms('We’re open'))).toBe('1 SMS, UCS-2 because of "’", 10 characters');
    expect(describeSms(measureSms('We are open'))).toBe('1 SMS, GSM-7, 11 characters');
  });
});
