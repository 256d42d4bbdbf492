/**
 * Words that start with a vowel letter but a consonant sound ("a url", "a user", "a one-off"), matched on their
 * start, case-insensitively. Enough for the data types, entity types and JavaScript kinds the emulator's messages name.
 */
const CONSONANT_SOUND = /^(?:u(?:rl|ri|uid|ser|su|ni(?!n)|ti)|one\b|once)/i;

/** `word` with the indefinite article its sound takes: `an entity`, `an object`, `a text`, `a url`. */
export function withArticle(word: string): string {
  const vowel = /^[aeiou]/i.test(word) && !CONSONANT_SOUND.test(word);
  return `${vowel ? 'an' : 'a'} ${word}`;
}
