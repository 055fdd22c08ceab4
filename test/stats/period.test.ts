import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { ALL_TIME, monthRange, parsePeriod, periodMonths, periodParams, stepPeriod, yearPeriod } from '../../src/stats/period.js';

describe('parsePeriod', () => {
  it('reads all time, a year, a month and a day', () => {
    expect(parsePeriod(undefined)).toEqual(ALL_TIME);
    expect(parsePeriod('')).toEqual(ALL_TIME);
    expect(parsePeriod('ALL')).toEqual(ALL_TIME);
    expect(parsePeriod('..')).toEqual(ALL_TIME);
    expect(parsePeriod('2024')).toMatchObject({ kind: 'year', spec: '2024', label: '2024', from: '2024-01-01', to: '2025-01-01' });
    expect(parsePeriod('2024-02')).toMatchObject({ kind: 'month', label: 'February 2024', from: '2024-02-01', to: '2024-03-01' });
    expect(parsePeriod('2024-12')).toMatchObject({ from: '2024-12-01', to: '2025-01-01' });
    expect(parsePeriod('2024-02-29')).toMatchObject({ kind: 'day', from: '2024-02-29', to: '2024-03-01' });
    expect(parsePeriod('2023-12-31')).toMatchObject({ from: '2023-12-31', to: '2024-01-01' });
  });

  it('reads ranges, both ends included, either end open', () => {
    expect(parsePeriod('2023-03..2024-02')).toMatchObject({
      kind: 'range',
      spec: '2023-03..2024-02',
      label: '2023-03 – 2024-02',
      from: '2023-03-01',
      to: '2024-03-01',
    });
    expect(parsePeriod('2022..2023')).toMatchObject({ from: '2022-01-01', to: '2024-01-01' });
    expect(parsePeriod('2024-01-15..2024-02-10')).toMatchObject({ from: '2024-01-15', to: '2024-02-11' });
    expect(parsePeriod('2023..')).toMatchObject({ label: 'since 2023', from: '2023-01-01', to: null });
    expect(parsePeriod('..2022-06')).toMatchObject({ label: 'until 2022-06', from: null, to: '2022-07-01' });
    expect(parsePeriod('2024..2024')).toMatchObject({ from: '2024-01-01', to: '2025-01-01' });
  });

  it('refuses what is not a period, with a usage error naming the flag', () => {
    for (const bad of ['24', '2024-13', '2024-02-30', 'last year', '2024-1', '2024...2025', '2025..2024', '2024-03..2024-02', '0000']) {
      let error: unknown;
      try {
        parsePeriod(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      expect((error as UserError).message).toMatch(/^--period: /);
    }
  });

  it('gives the query parameters, open ends as infinity', () => {
    expect(periodParams(ALL_TIME)).toEqual({ from: '-infinity', to: 'infinity' });
    expect(periodParams(parsePeriod('2024'))).toEqual({ from: '2024-01-01', to: '2025-01-01' });
  });
});

describe('period helpers', () => {
  it('lists months', () => {
    expect(monthRange('2023-11', '2024-02')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(monthRange('2024-02', '2024-01')).toEqual([]);
    expect(periodMonths(parsePeriod('2024'))).toHaveLength(12);
    expect(periodMonths(parsePeriod('2024-01-15..2024-02-10'))).toEqual(['2024-01', '2024-02']);
    expect(periodMonths(parsePeriod('2024-03'))).toEqual(['2024-03']);
    expect(periodMonths(ALL_TIME)).toBeUndefined();
  });

  it('steps through all time and the years with activity, wrapping around', () => {
    const years = [2023, 2021, 2022];
    expect(stepPeriod(ALL_TIME, 1, years).spec).toBe('2021');
    expect(stepPeriod(yearPeriod(2021), 1, years).spec).toBe('2022');
    expect(stepPeriod(yearPeriod(2023), 1, years)).toEqual(ALL_TIME);
    expect(stepPeriod(ALL_TIME, -1, years).spec).toBe('2023');
    expect(stepPeriod(yearPeriod(2021), -1, years)).toEqual(ALL_TIME);
    expect(stepPeriod(ALL_TIME, 1, [])).toEqual(ALL_TIME);
    // A month or range steps to its own year first.
    expect(stepPeriod(parsePeriod('2022-05'), 1, years).spec).toBe('2022');
    expect(stepPeriod(parsePeriod('2019..2020'), 1, years).spec).toBe('2021');
  });
});
