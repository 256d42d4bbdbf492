import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
let budget: string;
let length: string;
beforeAll(async () => {
  t = await startHarness();
  budget = await t.call('schema_field_create', t.script, { type: 'Shot', data_type: 'currency', properties: [{ property_name: 'name', value: 'Budget' }] });
  length = await t.call('schema_field_create', t.script, { type: 'Shot', data_type: 'footage', properties: [{ property_name: 'name', value: 'Length' }] });
});
afterAll(() => t.h.close());

const update = (type: string, id: number, field: string, value: unknown): Promise<Record<string, unknown>> =>
  t.call('update', t.script, { type, id, fields: [{ field_name: field, value }] });
const refused = (type: string, id: number, field: string, value: unknown): Promise<{ code: number; message: string }> =>
  t.fault('update', t.script, { type, id, fields: [{ field_name: field, value }] });
const readField = async (type: string, id: number, field: string): Promise<unknown> =>
  (await t.call('read', t.script, { type, return_fields: [field], filters: where(['id', 'is', id]) })).entities[0][field];

describe('numeric ranges (rpc-protocol §1.8)', () => {
  it('takes both ends of the int32 range for number and duration fields, INT32_MIN included', async () => {
    for (const [type, field] of [['Shot', 'cut_in'], ['Task', 'duration']] as const) {
      for (const value of [-2147483648, 2147483647]) {
        expect(await update(type, 1, field, value)).toMatchObject({ [field]: value });
        expect(await readField(type, 1, field)).toBe(value);
      }
    }
  });

  it('refuses integers just outside the int32 range, naming the field and the range', async () => {
    for (const value of [-2147483649, 2147483648]) {
      const f = await refused('Shot', 1, 'cut_in', value);
      expect(f.code).toBe(103);
      expect(f.message).toContain('Shot.cut_in');
      expect(f.message).toContain('-2147483648');
      expect(f.message).toContain('2147483647');
    }
  });

  it('keeps currency within ±9999999999999.99 and refuses what lies beyond, naming the field and the range', async () => {
    for (const value of [9999999999999.99, -9999999999999.99, 12.5]) {
      await update('Shot', 1, budget, value);
      expect(await readField('Shot', 1, budget)).toBe(value);
    }
    for (const value of [1e20, -1e20, 10000000000000]) {
      const f = await refused('Shot', 1, budget, value);
      expect(f.code).toBe(103);
      expect(f.message).toContain(`Shot.${budget}`);
      expect(f.message).toContain('9999999999999.99');
    }
    expect(await readField('Shot', 1, budget)).toBe(12.5);
  });

  it('keeps float within ±999999999.999999 and refuses what lies beyond, naming the field and the range', async () => {
    for (const value of [999999999.999999, -999999999.999999, 1.7778]) {
      await update('Version', 1, 'sg_movie_aspect_ratio', value);
      expect(await readField('Version', 1, 'sg_movie_aspect_ratio')).toBe(value);
    }
    for (const value of [1e300, -1e300, 1000000000]) {
      const f = await refused('Version', 1, 'sg_movie_aspect_ratio', value);
      expect(f.code).toBe(103);
      expect(f.message).toContain('Version.sg_movie_aspect_ratio');
      expect(f.message).toContain('999999999.999999');
    }
    expect(await readField('Version', 1, 'sg_movie_aspect_ratio')).toBe(1.7778);
  });
});

describe('footage and color forms (rpc-protocol §1.8)', () => {
  it("takes footage as 'FF-ff' and refuses any other string", async () => {
    await update('Shot', 1, length, '12-04');
    expect(await readField('Shot', 1, length)).toBe('12-04');
    for (const value of ['abc', '12', '12-', '-04', '12-04-1', ' 12-04']) {
      const f = await refused('Shot', 1, length, value);
      expect(f.code).toBe(103);
      expect(f.message).toContain(`Shot.${length}`);
      expect(f.message).toContain("'FF-ff'");
    }
    expect(await readField('Shot', 1, length)).toBe('12-04');
  });

  it("takes color as 'R,G,B' (0–255 each) or 'pipeline_step' and refuses any other string", async () => {
    for (const value of ['255,0,0', '0,0,0', 'pipeline_step']) {
      await update('Task', 1, 'color', value);
      expect(await readField('Task', 1, 'color')).toBe(value);
    }
    for (const value of ['red', '256,0,0', '1,2', '1,2,3,4', '-1,0,0', '1, 2, 3']) {
      const f = await refused('Task', 1, 'color', value);
      expect(f.code).toBe(103);
      expect(f.message).toContain('Task.color');
      expect(f.message).toContain("'pipeline_step'");
    }
    expect(await readField('Task', 1, 'color')).toBe('pipeline_step');
  });
});
