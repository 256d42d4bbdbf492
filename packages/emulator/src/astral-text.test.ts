// Characters outside the Basic Multilingual Plane (emoji, rarer CJK) are two UTF-16 units in JavaScript and one
// character on a site (its server counts and cuts code points): groupings, lengths and cut messages take them whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness({ fixtures: 'empty' });
});
afterAll(() => t.h.close());

/** Whether `text` holds no lone half of a surrogate pair (it could not be written as UTF-8). */
const wellFormed = (text: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('characters outside the BMP', () => {
  it("firstletter groups by the whole first character: two emoji are two groups, not one lone half", async () => {
    for (const code of ['🐍 snake', '🐉 dragon', '𠮷野家', '🐍 python']) await t.call('create', t.script, { type: 'Asset', fields: [{ field_name: 'code', value: code }] });
    const r = await t.call('summarize', t.script, { type: 'Asset', filters: where(), summaries: [{ field: 'id', type: 'count' }], grouping: [{ field: 'code', type: 'firstletter' }] });
    const groups = r.groups.map((g: { group_name: string; summaries: { id: number } }) => [g.group_name, g.summaries.id]);
    expect(groups.map(([name]: [string]) => wellFormed(name))).toEqual([true, true, true]);
    expect(Object.fromEntries(groups)).toEqual({ '🐍': 2, '🐉': 1, '𠮷': 1 });
  });

  it('text_search counts characters, not UTF-16 units: two emoji are too short, three characters are enough', async () => {
    const search = (text: string): Promise<unknown> => t.call('query_display_name_cache', t.script, { text, entity_types: { Asset: where() }, project_ids: [], max_results: null });
    expect((await t.fault('query_display_name_cache', t.script, { text: '🐍🐍', entity_types: { Asset: where() }, project_ids: [], max_results: null })).code).toBe(103);
    await expect(search('🐍 s')).resolves.toBeDefined();
  });

  it('a refusal quoting a long filter is not cut between the two halves of an emoji', async () => {
    for (const pad of ['', 'x']) {
      const f = await t.fault('read', t.script, { type: 'Asset', filters: [['code', 'is', `${pad}${'👍'.repeat(200)}`]], return_fields: ['id'], paging: { entities_per_page: 1, current_page: 1 } });
      expect(f.code).toBe(103);
      expect(f.message).toContain('…');
      expect(wellFormed(f.message)).toBe(true);
    }
  });
});
