import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness({ rows: 600 });
});
afterAll(() => t.h.close());

// A site serves at most info.api_max_entities_per_page (500) rows a page (rpc-protocol §0, §2.3).
describe('entities_per_page above api_max_entities_per_page', () => {
  it('serves 500 rows a page and pages on from there', async () => {
    const info = await t.rpc('info', []);
    expect(info['api_max_entities_per_page']).toBe(500);
    const read = (page: number): Promise<any> => t.call('read', t.script, { type: 'Shot', return_fields: ['id'], paging: { entities_per_page: 1000, current_page: page } });
    const p1 = await read(1);
    expect(p1.entities).toHaveLength(500);
    expect(p1.paging_info).toMatchObject({ entities_per_page: 500, has_next_page: true, entity_count: 606, page_count: 2 });
    const p2 = await read(2);
    expect(p2.entities).toHaveLength(106);
    expect(p2.entities[0].id).toBe(p1.entities[499].id + 1);
    expect(p2.paging_info).toMatchObject({ has_next_page: false });
  });
});
