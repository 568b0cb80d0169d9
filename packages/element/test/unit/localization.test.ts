import { describe, expect, it } from 'vitest';
import { allLocales, matchLocale } from '../../src/localization.js';

describe('matchLocale', () => {
  it('ships English, French and German', () => {
    expect([...allLocales].sort()).toEqual(['de', 'en', 'fr']);
  });

  it('takes the first wanted locale it has, by exact tag then by language', () => {
    expect(matchLocale(['fr-CA', 'de'])).toBe('fr');
    expect(matchLocale([undefined, null, 'DE-at'])).toBe('de');
    expect(matchLocale(['ja', 'es-419'])).toBe('en');
    expect(matchLocale([])).toBe('en');
  });
});
