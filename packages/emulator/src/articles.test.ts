import { describe, expect, it } from 'vitest';
import { withArticle } from './articles.js';

describe('withArticle', () => {
  it('chooses "an" before a vowel sound and "a" before a consonant sound', () => {
    expect(['entity', 'image', 'object', 'array', 'undefined', 'Asset', 'HumanUser', 'text', 'number', 'list'].map(withArticle)).toEqual([
      'an entity', 'an image', 'an object', 'an array', 'an undefined', 'an Asset', 'a HumanUser', 'a text', 'a number', 'a list',
    ]);
  });

  it('says "a" before a u or o that sounds like a consonant (url, user, unique, one)', () => {
    expect(['url', 'user', 'UserGroup', 'unique', 'uuid', 'one'].map(withArticle)).toEqual(['a url', 'a user', 'a UserGroup', 'a unique', 'a uuid', 'a one']);
  });
});
