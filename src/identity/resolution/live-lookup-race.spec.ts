import { Logger } from '@nestjs/common';
import type { DirectoryPerson } from '../directory-person';
import { DirectoryMirror } from '../mirror/directory-mirror.service';
import type { DirectoryMirrorRepository } from '../mirror/directory-mirror.repository';
import { DirectoryIdentityResolver } from './directory-identity.resolver';
import type { IdentitySource } from './identity-resolver';

const GUID = '6f1c2a9e-0b7d-4c1e-9a51-2f3b4c5d6e7f';

function person(username: string, extra: Partial<DirectoryPerson> = {}): DirectoryPerson {
  return { guid: GUID, source: 'ldap', username, email: `${username}@example.com`, groups: [], disabled: false, deleted: false, ...extra };
}

/** Stores nothing; the mirror's own in-memory ordering is what is under test. */
const repository = {
  savePeople: async () => undefined,
  touch: async () => undefined,
  markDeleted: async () => undefined,
} as unknown as DirectoryMirrorRepository;

/** A mirror, and a resolver whose only source answers when the test says so. */
function setUp() {
  const clock = { now: () => Date.now() };
  const mirror = new DirectoryMirror(repository, clock);
  const answers: ((p: DirectoryPerson | null) => void)[] = [];
  const source: IdentitySource = { name: 'ldap', lookup: () => new Promise((resolve) => answers.push(resolve)) };
  const discovery = { getProviders: () => [{ instance: source }], getMetadataByDecorator: () => ({ order: 1 }) };
  const config = { identity: { missTtlMs: 60_000 } };
  const resolver = new DirectoryIdentityResolver(config as never, null, mirror, discovery as never, clock);
  resolver.onModuleInit();
  return { mirror, resolver, answers };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a live lookup racing other writes to the mirror', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('does not overwrite a person a sync wrote while the lookup was running', async () => {
    const { mirror, resolver, answers } = setUp();
    const lookup = resolver.resolve('jdoe@example.com');
    await settle();
    // The sync reads the directory after the rename; the lookup read it before.
    await mirror.apply([person('jsmith')], { touch: true });
    answers[0](person('jdoe'));
    const resolution = await lookup;
    expect(mirror.get(GUID)?.username).toBe('jsmith');
    expect(resolution).toMatchObject({ status: 'resolved', person: { guid: GUID, username: 'jsmith' } });
  });

  it('does not bring back a person marked deleted while the lookup was running', async () => {
    const { mirror, resolver, answers } = setUp();
    await mirror.apply([person('jdoe')]);
    const lookup = resolver.resolve('jdoe-old-name');
    await settle();
    await mirror.markDeleted([GUID]);
    answers[0](person('jdoe'));
    await lookup;
    expect(mirror.get(GUID)?.deleted).toBe(true);
  });

  it('stores what it found when nothing wrote the person meanwhile, also after earlier writes', async () => {
    const { mirror, resolver, answers } = setUp();
    await mirror.apply([person('jdoe')]);
    const lookup = resolver.resolve('jdoe-new-name');
    await settle();
    // Another person written meanwhile does not hold this one back.
    await mirror.apply([{ ...person('other'), guid: '00000000-0000-4000-8000-000000000001' }]);
    answers[0](person('jdoe-new-name'));
    expect(await lookup).toMatchObject({ status: 'resolved', person: { username: 'jdoe-new-name' } });
    expect(mirror.get(GUID)?.username).toBe('jdoe-new-name');
  });

  it('counts what it left alone', async () => {
    const { mirror } = setUp();
    const mark = mirror.writeMark();
    await mirror.apply([person('jsmith')]);
    expect(await mirror.apply([person('jdoe')], { unlessWrittenSince: mark })).toEqual({ created: 0, updated: 0, unchanged: 0, superseded: 1 });
    expect(await mirror.apply([person('jdoe')], { unlessWrittenSince: mirror.writeMark() })).toEqual({ created: 0, updated: 1, unchanged: 0, superseded: 0 });
  });
});
