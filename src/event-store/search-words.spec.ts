import { checkSearchText, searchTerms } from './event-search-dialect';
import { MAX_SEARCH_TEXT, MAX_WORD_LENGTH, searchWordsOf, splitWords } from './search-words';

describe('search words', () => {
  it('splits on everything but letters and digits, lower-cased, in any script', () => {
    expect(splitWords('User.Login-Success jdoe@Corp.example.com {"région":"Zürich"} 東京 2600:1900::')).toEqual([
      'user',
      'login',
      'success',
      'jdoe',
      'corp',
      'example',
      'com',
      'région',
      'zürich',
      '東京',
      '2600',
      '1900',
    ]);
    expect(splitWords(' --- ')).toEqual([]);
  });

  it('keeps each word of an event once, in first-seen order, skipping empty parts', () => {
    expect(searchWordsOf(['document.share', null, 'user7@corp.example.com', undefined, '', 'Document', '{"permission":"view"}'])).toBe(
      'document share user7 corp example com permission view',
    );
    expect(searchWordsOf([null, undefined])).toBe('');
  });

  it('leaves out words too long for an index entry and stops at the size cap', () => {
    const blob = 'a'.repeat(MAX_WORD_LENGTH + 1);
    expect(searchWordsOf([`before ${blob} after`])).toBe('before after');
    const many = Array.from({ length: 40_000 }, (_, i) => `w${i}`).join(' ');
    const words = searchWordsOf([many]);
    expect(words.length).toBeLessThanOrEqual(MAX_SEARCH_TEXT);
    expect(words.length).toBeGreaterThan(MAX_SEARCH_TEXT - 10);
    expect(words.startsWith('w0 w1 w2 ')).toBe(true);
  });

  it('refuses a query word too long to be indexed, naming the field, rather than widening the match', () => {
    expect(() => checkSearchText([`Report ${'b'.repeat(MAX_WORD_LENGTH + 1)} Q3`], 'q')).toThrow(/q has a word of 501 characters/);
    expect(() => checkSearchText([`Report ${'b'.repeat(MAX_WORD_LENGTH)} Q3`], 'q')).not.toThrow();
    expect(() => checkSearchText([Array.from({ length: 33 }, (_, i) => `w${i}`).join(' ')], 'query')).toThrow(/query has 33 words/);
  });

  it('makes the last word of a part ending in * a prefix, if it is at least 3 characters', () => {
    const word = (w: string) => ({ word: w, prefix: false });
    const prefix = (w: string) => ({ word: w, prefix: true });
    expect(searchTerms('invoic* Paid')).toEqual([prefix('invoic'), word('paid')]);
    expect(searchTerms('jdoe@corp*')).toEqual([word('jdoe'), prefix('corp')]);
    expect(searchTerms('Zür* q3*')).toEqual([prefix('zür'), word('q3')]);
    expect(searchTerms('* ** inv*oice')).toEqual([word('inv'), word('oice')]);
    expect(searchTerms("') OR 1=1 -- * NEAR(")).toEqual([word('or'), word('1'), word('1'), word('near')]);
  });
});
