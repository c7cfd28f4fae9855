import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { Transform, Type } from 'class-transformer';
import { ProvisioningUserDto } from './identity/api/provisioning-user.dto';
import { AuditApiEventDto } from './ingestion/dto/audit-api-event.dto';
import { PublisherEventDto } from './publisher/dto/publisher-event.dto';
import { ExportEventsQueryDto } from './query/dto/list-events.query';
import { CreateProjectDto, CreateTokenDto } from './administration/admin.dto';
import { fieldErrors } from './infrastructure/http/validate-body';
import { dtoAcceptor } from './infrastructure/validation/dto-acceptor';

/** What class-validator says, the way validateBody asks it. */
function validByClassValidator(dto: new () => object, body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  return fieldErrors(plainToInstance(dto, body)).length === 0;
}

/** A small deterministic PRNG, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DELETE = Symbol('delete');
const VALUES: unknown[] = [
  DELETE,
  null,
  true,
  false,
  0,
  1.5,
  '',
  ' ',
  'x',
  'a'.repeat(257),
  'a'.repeat(1025),
  'a'.repeat(2049),
  '192.30.252.12',
  '2600:1900:0:2107::',
  '::1',
  '1.2.3',
  '256.1.1.1',
  'c',
  'r',
  'u',
  'd',
  'x',
  'publish',
  'read',
  'admin',
  '2020-01-01T00:00:00Z',
  '2020-01-01T00:00:00.123+02:00',
  '2020-13-01',
  '2020-02-30T00:00:00Z',
  'héllo 東京',
  [],
  ['a'],
  [1],
  {},
  { a: 'b' },
  { a: 1 },
  { a: null },
  { id: 'x' },
  { id: '' },
  { id: 1 },
  { id: 'x', name: 'n' },
  { id: 'x', name: 'n', extra: 1 },
  { id: 'x', fields: { k: 'v' } },
  { id: 'x', fields: { k: 2 } },
  { id: 'x', type: 'a'.repeat(257) },
  Object.assign(Object.create(null), { id: 'x' }),
];

/** A copy, so mutations never reach the shared pool (or make cycles). */
function fresh(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const copy: unknown = JSON.parse(JSON.stringify(value));
  return Object.getPrototypeOf(value) === null ? Object.assign(Object.create(null), copy) : copy;
}

function mutate(body: Record<string, unknown>, next: () => number, names: string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(body));
  const mutations = 1 + Math.floor(next() * 3);
  for (let m = 0; m < mutations; m++) {
    const keys = [...new Set([...Object.keys(copy), ...names, 'unknown_field'])];
    const key = keys[Math.floor(next() * keys.length)];
    const value = fresh(VALUES[Math.floor(next() * VALUES.length)]);
    const nestedTarget = copy[key];
    if (nestedTarget && typeof nestedTarget === 'object' && !Array.isArray(nestedTarget) && next() < 0.5) {
      const inner = nestedTarget as Record<string, unknown>;
      const innerKeys = [...Object.keys(inner), 'id', 'name', 'type', 'href', 'fields', 'extra'];
      const innerKey = innerKeys[Math.floor(next() * innerKeys.length)];
      if (value === DELETE) delete inner[innerKey];
      else inner[innerKey] = value;
    } else if (value === DELETE) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}

const retraced = {
  action: 'document.share',
  crud: 'u',
  group: { id: 'acme', name: 'Acme' },
  actor: { id: 'jdoe@corp.example.com', name: 'J. Doe', href: 'https://x', fields: { dept: 'eng' } },
  target: { id: 'doc-1', name: 'Report', type: 'document', fields: { size: '1' } },
  source_ip: '2600:1900:0:2107::',
  description: 'shared',
  fields: { permission: 'view' },
  metadata: { 'ké:y': 'v=1;%' },
  created: '2026-11-25T10:00:00Z',
  is_failure: false,
  is_anonymous: false,
  component: 'web',
  version: '1.2',
  external_id: 'ext-1',
};
const seed = {
  name: 'user.login',
  description: 'john@example.com logged in successfully',
  title: 'User Login Success',
  action: 'user.login.success',
  ip_address: '192.30.252.12',
};

const CASES: [string, new () => object, Record<string, unknown>[]][] = [
  [
    'AuditApiEventDto',
    AuditApiEventDto,
    [seed, { ...seed, crud: 'c', actor: { id: 'jdoe' }, target: { id: 't' }, group: { id: 'g' }, fields: {}, external_id: 'e' }],
  ],
  ['PublisherEventDto', PublisherEventDto, [retraced, { action: 'a', crud: 'c', is_anonymous: true }, { action: 'a', crud: 'r', actor: { id: 'x' } }]],
  ['CreateProjectDto', CreateProjectDto, [{ name: 'crm' }]],
  ['CreateTokenDto', CreateTokenDto, [{ name: 'crm', scope: 'publish' }]],
  ['ProvisioningUserDto', ProvisioningUserDto, [{ uuid: 'u1', username: 'jdoe', groups: ['a'] }]],
  ['ExportEventsQueryDto', ExportEventsQueryDto, [{ format: 'csv', actor: 'jdoe', action: 'user.*', ip: '::1', since: '2026-01-01T00:00:00Z', q: 'word' }]],
];

describe('dtoAcceptor: the compiled accept path agrees with class-validator', () => {
  it.each(CASES)('%s: accepts exactly what class-validator accepts, on generated bodies', (name, dto, bases) => {
    const accept = dtoAcceptor(dto);
    if (name === 'ProvisioningUserDto') {
      expect(accept).toBeUndefined(); // `each` validators are not compiled: the full path always runs
      return;
    }
    expect(accept).toBeDefined();
    for (const base of bases) expect([accept!(base), validByClassValidator(dto, base)]).toEqual([true, true]);
    const next = random(name.length * 7919);
    const names = Object.keys(bases[0]).concat(['actor', 'target', 'group', 'crud', 'is_anonymous', 'fields']);
    let accepted = 0;
    const disagreements: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      const body = mutate(bases[i % bases.length], next, names);
      const fast = accept!(body);
      if (fast !== validByClassValidator(dto, body)) disagreements.push(body);
      if (fast) accepted++;
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(50);
    expect(accepted).toBeLessThan(2900);
  });

  it('compiles property names as data: quotes, backslashes, line separators and code-like names', () => {
    class Odd {}
    const names = ['we"ird', 'back\\slash', 'line\u2028sep', '"); throw new Error("x"); ("', '${1}'];
    for (const name of names) {
      IsOptional()(Odd.prototype, name);
      IsString()(Odd.prototype, name);
    }
    const accept = dtoAcceptor(Odd)!;
    expect(accept).toBeDefined();
    const body = Object.fromEntries(names.map((name) => [name, 'x']));
    expect(accept(body)).toBe(true);
    for (const name of names) {
      expect(accept({ ...body, [name]: 1 })).toBe(false);
      expect(validByClassValidator(Odd as new () => object, { ...body, [name]: 1 })).toBe(false);
    }
    expect(accept({ ...body, other: 'x' })).toBe(false);
  });

  it('refuses what is not a plain object, as validateBody does', () => {
    const accept = dtoAcceptor(PublisherEventDto)!;
    for (const body of [null, undefined, 'x', 1, [], [retraced]]) expect(accept(body)).toBe(false);
  });

  it('compiles no accept path for DTOs whose values class-transformer converts', () => {
    class Transformed {
      @IsString() @Transform(({ value }) => String(value).trim()) name: string;
    }
    class Inner {
      @IsString() id: string;
    }
    class UntypedNested {
      @IsOptional() @ValidateNested() inner?: Inner;
    }
    class Defaulted {
      @IsOptional() @IsString() name?: string = 'x';
    }
    class Typed {
      @IsOptional() @ValidateNested() @Type(() => Inner) inner?: Inner;
    }
    expect(dtoAcceptor(Transformed)).toBeUndefined();
    expect(dtoAcceptor(UntypedNested)).toBeUndefined();
    expect(dtoAcceptor(Defaulted)).toBeUndefined();
    expect(dtoAcceptor(Typed)).toBeDefined();
    expect(dtoAcceptor(Typed)!({ inner: { id: 'a' } })).toBe(true);
    expect(dtoAcceptor(Typed)!({ inner: { id: 1 } })).toBe(false);
  });
});
