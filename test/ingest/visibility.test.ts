import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { visibilityOf } from '../../src/ingest/visibility.js';

const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
const FOLLOWERS = 'https://example.social/users/ada/followers';
const actor = fc.webUrl().filter((u) => !u.endsWith('/followers'));

describe('visibilityOf', () => {
  it('follows the four rows of the addressing table', () => {
    expect(visibilityOf([PUBLIC], [FOLLOWERS], FOLLOWERS)).toBe('public');
    expect(visibilityOf([FOLLOWERS], [PUBLIC], FOLLOWERS)).toBe('unlisted');
    expect(visibilityOf([FOLLOWERS], [], FOLLOWERS)).toBe('private');
    expect(visibilityOf(['https://other.example/users/bob'], [], FOLLOWERS)).toBe('direct');
  });

  it('accepts the short public forms and single strings', () => {
    expect(visibilityOf('as:Public', undefined, null)).toBe('public');
    expect(visibilityOf(FOLLOWERS, 'Public', null)).toBe('unlisted');
    expect(visibilityOf(undefined, undefined, null)).toBe('direct');
  });

  it('without a known followers URI, any …/followers address in to is followers-only', () => {
    expect(visibilityOf(['https://example.social/users/ada/followers'], [], null)).toBe('private');
  });

  it('is public whenever Public is in to, whatever else is addressed (property)', () => {
    fc.assert(
      fc.property(fc.array(actor), fc.array(actor), fc.nat(5), (to, cc, at) => {
        const withPublic = [...to.slice(0, at), PUBLIC, ...to.slice(at)];
        expect(visibilityOf(withPublic, [...cc, PUBLIC, FOLLOWERS], FOLLOWERS)).toBe('public');
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('is direct when only actors are addressed (property)', () => {
    fc.assert(
      fc.property(fc.array(actor), fc.array(actor), (to, cc) => {
        expect(visibilityOf(to, cc, FOLLOWERS)).toBe('direct');
      }),
      { seed: 8, numRuns: 200 },
    );
  });

  it('never throws on values of the wrong type (property)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (to, cc) => {
        expect(['public', 'unlisted', 'private', 'direct']).toContain(visibilityOf(to, cc, FOLLOWERS));
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});
