import { createHash } from 'node:crypto';
import { formatDateTime } from './clock.js';
import { refOf } from './link-refs.js';
import type { Schema } from './schema.js';
import type { LinkRef, Row, Store } from './store.js';
import type { PatState, SiteCardProject, SiteCardScript, SiteCardUser } from './types.js';

/** Credentials of a HumanUser as the emulator keeps them (outside the entity rows). */
export interface UserCredential {
  login: string;
  password: string | null;
  admin: boolean;
  pat: PatState;
  /** Emulator-clock ms of the last successful PAT exchange, or null. */
  patExchangedAt: number | null;
  /** Whether logins need a one-time code (`auth_token`), issued by `issueTwoFactorCode`. */
  twoFactor: boolean;
}

/** Credentials of a script. */
export interface ScriptCredential {
  name: string;
  key: string;
  id: number;
}

/** What seeding returns: the credentials and the projects of the site card. */
export interface SeedResult {
  scripts: ScriptCredential[];
  users: UserCredential[];
  projects: SiteCardProject[];
}

const BASE_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);

/** The demo script key: a fixed 64-hex string. */
export const DEMO_SCRIPT_KEY: string = createHash('sha256').update('sg-emulator demo script key').digest('hex');

interface UserSpec {
  login: string;
  first: string;
  last: string;
  password: string | null;
  admin: boolean;
  pat: PatState;
  twoFactor: boolean;
  active: boolean;
  canBeImpersonated: boolean;
}

/** The demo users, one per auth situation (see README "Fixture users"). */
const USERS: UserSpec[] = [
  { login: 'admin', first: 'Ada', last: 'Admin', password: 'admin-pass-1', admin: true, pat: 'valid', twoFactor: false, active: true, canBeImpersonated: true },
  { login: 'artist', first: 'Arti', last: 'Twofactor', password: 'artist-pass-1', admin: false, pat: 'valid', twoFactor: true, active: true, canBeImpersonated: true },
  { login: 'coord', first: 'Cora', last: 'Coordinator', password: 'coord-pass-1', admin: false, pat: 'valid', twoFactor: false, active: true, canBeImpersonated: true },
  { login: 'nopat', first: 'Noah', last: 'Nopat', password: 'nopat-pass-1', admin: false, pat: 'missing', twoFactor: false, active: true, canBeImpersonated: true },
  { login: 'revoked', first: 'Reva', last: 'Revoked', password: 'revoked-pass-1', admin: false, pat: 'revoked', twoFactor: false, active: true, canBeImpersonated: true },
  { login: 'nopass', first: 'Nell', last: 'Nopassphrase', password: null, admin: false, pat: 'missing', twoFactor: false, active: true, canBeImpersonated: true },
  { login: 'inactive', first: 'Ines', last: 'Inactive', password: 'inactive-pass-1', admin: false, pat: 'valid', twoFactor: false, active: false, canBeImpersonated: true },
  { login: 'private', first: 'Priya', last: 'Private', password: 'private-pass-1', admin: false, pat: 'valid', twoFactor: false, active: true, canBeImpersonated: false },
];

/** Site-card view of the credentials. */
export function cardUsers(users: readonly UserCredential[], store: Store): SiteCardUser[] {
  return users.map((u) => {
    const row = store.all('HumanUser').find((r) => r.f['login'] === u.login);
    const card: SiteCardUser = {
      login: u.login,
      password: u.password,
      admin: u.admin,
      pat: u.pat,
      twoFactor: u.twoFactor,
      active: row?.f['sg_status_list'] === 'act',
    };
    if (row?.f['can_impersonate_this_user'] === false) card.canBeImpersonated = false;
    return card;
  });
}

/** Site-card view of the scripts. */
export function cardScripts(scripts: readonly ScriptCredential[]): SiteCardScript[] {
  return scripts.map((s) => ({ name: s.name, key: s.key }));
}

/** Deterministic pseudo-random numbers (LCG). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

class Seeder {
  private tick = 0;
  constructor(private readonly store: Store, private readonly schema: Schema, private readonly creator: LinkRef) {}

  /** Inserts a row with schema defaults, timestamps and the creator. */
  add(type: string, fields: Record<string, unknown>): Row {
    const at = formatDateTime(BASE_TIME + this.tick++ * 60_000);
    const row: Record<string, unknown> = {};
    for (const name of this.schema.fieldNames(type)) {
      const dt = this.schema.field(type, name)?.data_type.value;
      if (dt === 'checkbox' && this.schema.defaultValue(type, name) === true) row[name] = true;
      else if ((dt === 'status_list' || dt === 'list') && this.schema.defaultValue(type, name) !== null) row[name] = this.schema.defaultValue(type, name);
    }
    if (this.schema.field(type, 'created_at')) row['created_at'] = at;
    if (this.schema.field(type, 'updated_at')) row['updated_at'] = at;
    if (this.schema.field(type, 'created_by')) row['created_by'] = this.creator;
    if (this.schema.field(type, 'updated_by')) row['updated_by'] = this.creator;
    Object.assign(row, fields);
    return this.store.insert(type, row);
  }
}

const link = refOf;

/** Inserts the ApiUser of a script (its name is the row's `firstname`) created at `at` (epoch ms), and returns its credential. */
export function addScript(store: Store, name: string, key: string, description: string, at: number): ScriptCredential {
  const row = store.insert('ApiUser', { firstname: name, lastname: null, description, generate_event_log_entries: true, created_at: formatDateTime(at), updated_at: formatDateTime(at) });
  return { name, key, id: row.id };
}

/**
 * Seeds the store. `empty` creates only the scripts and the users (the site card's credentials) and one
 * LocalStorage; `demo` adds the demo and archived projects with their shots, assets, tasks, versions, notes.
 * `scripts` (the `scripts` start option) are added after the emulator's own.
 */
export function seed(store: Store, schema: Schema, fixtures: 'demo' | 'empty', rows: number, scripts: readonly SiteCardScript[] = []): SeedResult {
  const own = addScript(store, 'emulator_script', DEMO_SCRIPT_KEY, 'Demo script of the emulator', BASE_TIME);
  const script = store.get('ApiUser', own.id) as Row;
  const added = scripts.map((s) => addScript(store, s.name, s.key, 'Script given to the emulator at start', BASE_TIME));
  const s = new Seeder(store, schema, link(script));
  const users: UserCredential[] = [];
  const userRows: Row[] = [];
  for (const u of USERS) {
    const row = s.add('HumanUser', {
      login: u.login, firstname: u.first, lastname: u.last, name: `${u.first} ${u.last}`, email: `${u.login}@example.com`,
      sg_status_list: u.active ? 'act' : 'dis', can_impersonate_this_user: u.canBeImpersonated,
    });
    userRows.push(row);
    users.push({ login: u.login, password: u.password, admin: u.admin, pat: u.pat, patExchangedAt: null, twoFactor: u.twoFactor });
  }
  s.add('LocalStorage', { code: 'primary', linux_path: '/mnt/projects', mac_path: '/Volumes/projects', windows_path: 'P:\\projects' });
  const result: SeedResult = { scripts: [own, ...added], users, projects: [] };
  if (fixtures === 'empty') return result;

  const project = s.add('Project', { name: 'Demo Project', tank_name: 'demo', sg_status: 'Active', archived: false, users: userRows.map(link), sg_description: 'The demo project of sg-emulator' });
  const archived = s.add('Project', { name: 'Archived Project', tank_name: 'archived', sg_status: 'Active', archived: true, users: [link(userRows[0] as Row)] });
  result.projects = [
    { type: 'Project', id: project.id, name: 'Demo Project' },
    { type: 'Project', id: archived.id, name: 'Archived Project' },
  ];
  const p = link(project);
  const steps: Record<string, Row> = {};
  const stepSpecs: [string, string, string][] = [
    ['Layout', 'LAY', 'Shot'], ['Animation', 'ANM', 'Shot'], ['Lighting', 'LGT', 'Shot'], ['Comp', 'CMP', 'Shot'],
    ['Model', 'MOD', 'Asset'], ['Rig', 'RIG', 'Asset'], ['Surface', 'SRF', 'Asset'],
  ];
  stepSpecs.forEach(([code, short, et], i) => {
    steps[code] = s.add('Step', { code, short_name: short, entity_type: et, list_order: i + 1, color: '50,149,253' });
  });
  const step = (code: string): LinkRef => link(steps[code] as Row);
  const artist = link(userRows[1] as Row);
  const coord = link(userRows[2] as Row);
  const sequences = ['SQ010', 'SQ020'].map((code) => s.add('Sequence', { code, project: p, sg_status_list: 'ip', description: `Sequence ${code}` }));
  const assetSpecs: [string, string][] = [['hero', 'Character'], ['sidekick', 'Character'], ['sword', 'Prop'], ['forest', 'Environment']];
  const assets = assetSpecs.map(([code, kind], i) => s.add('Asset', { code, sg_asset_type: kind, project: p, sg_status_list: ['ip', 'fin', 'wtg', 'rdy'][i], description: `${kind} ${code}` }));
  const shotStatuses = ['ip', 'fin', 'wtg', 'ip', 'rdy', 'hld'];
  const shots = shotStatuses.map((status, i) => {
    const seq = sequences[i < 3 ? 0 : 1] as Row;
    return s.add('Shot', {
      code: `${String(seq.f['code'])}_${String((i % 3 + 1) * 10).padStart(4, '0')}`, project: p, sg_sequence: link(seq), sg_status_list: status,
      sg_cut_in: 1001, sg_cut_out: 1001 + 24 * (i + 2), sg_cut_duration: 24 * (i + 2) + 1, description: `Shot ${i + 1} of the demo`,
      assets: [link(assets[i % 2] as Row), link(assets[2 + (i % 2)] as Row)],
    });
  });
  const tasks: Row[] = [];
  for (const shot of shots) {
    for (const [j, code] of ['Layout', 'Animation', 'Comp'].entries()) {
      tasks.push(s.add('Task', {
        content: code, entity: link(shot), project: p, step: step(code), sg_status_list: j === 0 ? 'fin' : shot.f['sg_status_list'] === 'fin' ? 'fin' : 'ip',
        task_assignees: [j === 2 ? coord : artist], start_date: `2026-01-${String(5 + j * 5).padStart(2, '0')}`, due_date: `2026-01-${String(9 + j * 5).padStart(2, '0')}`, duration: 2400,
      }));
    }
  }
  for (const asset of assets) {
    for (const code of ['Model', 'Rig']) {
      tasks.push(s.add('Task', { content: code, entity: link(asset), project: p, step: step(code), sg_status_list: 'ip', task_assignees: [artist], duration: 4800 }));
    }
  }
  const versions = shots.map((shot, i) => s.add('Version', {
    code: `${String(shot.f['code'])}_anim_v00${(i % 3) + 1}`, entity: link(shot), project: p, sg_status_list: i % 2 ? 'rev' : 'na',
    sg_task: link(tasks[i * 3 + 1] as Row), user: artist, description: 'Animation pass', sg_first_frame: 1001, sg_last_frame: 1001 + 24 * (i + 2), frame_count: 24 * (i + 2) + 1,
    sg_path_to_movie: `/mnt/projects/demo/${String(shot.f['code'])}/anim_v00${(i % 3) + 1}.mov`,
  }));
  const note1 = s.add('Note', { subject: 'Timing on SQ010_0010', content: 'The hero arrives two frames early.', project: p, note_links: [link(shots[0] as Row), link(versions[0] as Row)], user: coord, addressings_to: [artist], sg_status_list: 'opn' });
  s.add('Note', { subject: 'Lighting direction', content: 'Key light should come from screen left.', project: p, note_links: [link(shots[1] as Row)], user: coord, addressings_to: [artist], sg_status_list: 'opn' });
  s.add('Reply', { entity: link(note1), content: 'Fixed in v002.', user: artist });
  s.add('Page', { name: 'Shots', page_type: 'entity', entity_type: 'Shot', project: p, shared: true, ui_category: 'api_exportable' });

  if (rows > 0) addRows(s, p, sequences.map(link), Object.values(steps).map(link), artist, rows);
  return result;
}

/** `--rows N`: N Shots plus N/10 Assets, N Tasks and N/2 Versions, deterministic. */
function addRows(s: Seeder, p: LinkRef, sequences: LinkRef[], steps: LinkRef[], artist: LinkRef, n: number): void {
  const rand = rng(42);
  const statuses = ['wtg', 'rdy', 'ip', 'hld', 'fin', 'cbb', 'omt'];
  const assetTypes = ['Character', 'Prop', 'Environment', 'Vehicle'];
  for (let i = 0; i < Math.floor(n / 10); i++) {
    s.add('Asset', { code: `asset_${String(i + 1).padStart(5, '0')}`, project: p, sg_asset_type: assetTypes[i % 4], sg_status_list: statuses[Math.floor(rand() * 4)] });
  }
  for (let i = 0; i < n; i++) {
    const shot = s.add('Shot', {
      code: `R${String(i + 1).padStart(6, '0')}`, project: p, sg_sequence: sequences[i % sequences.length], sg_status_list: statuses[Math.floor(rand() * statuses.length)],
      sg_cut_in: 1001, sg_cut_out: 1001 + Math.floor(rand() * 200), sg_cut_duration: 1 + Math.floor(rand() * 200), description: `Generated shot ${i + 1}`,
    });
    const sl = { type: shot.type, id: shot.id };
    const task = s.add('Task', { content: 'Animation', entity: sl, project: p, step: steps[1], sg_status_list: statuses[Math.floor(rand() * 3) + 1], task_assignees: [artist] });
    if (i % 2 === 0) {
      s.add('Version', { code: `R${String(i + 1).padStart(6, '0')}_v001`, entity: sl, project: p, sg_task: { type: task.type, id: task.id }, user: artist, sg_status_list: 'na' });
    }
  }
}
