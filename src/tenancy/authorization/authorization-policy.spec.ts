import type { Caller } from '../principal';
import type { TokenScope } from '../token-scope';
import { decide, PolicyOptions } from './authorization-policy';

const token = (projectId: string | null, ...scopes: TokenScope[]): Caller => ({ kind: 'token', tokenId: 't', projectId, scopes });
const closed: PolicyOptions = { auditApiOpen: false, provisioningOpen: false };
const outcome = (caller: Caller, permission: Parameters<typeof decide>[1], project: string | null, options = closed) => {
  const d = decide(caller, permission, project, options);
  return d.allowed ? 'allow' : d.status;
};

describe('the authorization policy', () => {
  it("keeps a project's admin token in its own project", () => {
    const admin = token('A', 'admin');
    expect(outcome(admin, 'project.administer', 'A')).toBe('allow');
    expect(outcome(admin, 'events.read', 'A')).toBe('allow');
    expect(outcome(admin, 'events.publish', 'A')).toBe('allow');
    expect(outcome(admin, 'events.seal', 'A')).toBe('allow');
    expect(outcome(admin, 'project.administer', 'B')).toBe(403);
    expect(outcome(admin, 'events.read', 'B')).toBe(403);
    expect(outcome(admin, 'instance.administer', null)).toBe(403);
    expect(outcome(admin, 'events.seal', null)).toBe(403);
    expect(outcome(admin, 'directory.read', null)).toBe(403);
    expect(outcome(admin, 'directory.provision', null)).toBe(403);
  });

  it('gives the instance admin everything, and instance scopes only their own part', () => {
    for (const permission of ['events.publish', 'events.read', 'project.administer', 'instance.administer', 'directory.read', 'directory.provision'] as const) {
      expect(outcome(token(null, 'admin'), permission, permission.startsWith('events') || permission === 'project.administer' ? 'A' : null)).toBe('allow');
    }
    expect(outcome(token(null, 'provision'), 'directory.provision', null)).toBe('allow');
    expect(outcome(token(null, 'provision'), 'directory.read', null)).toBe(403);
    expect(outcome(token(null, 'directory'), 'directory.read', null)).toBe('allow');
    expect(outcome(token(null, 'directory'), 'events.read', 'A')).toBe(403);
    expect(outcome(token(null, 'directory'), 'instance.administer', null)).toBe(403);
  });

  it('reads multi-scope tokens scope by scope (a Retraced API token is publish read)', () => {
    const retraced = token('A', 'publish', 'read');
    expect(outcome(retraced, 'events.publish', 'A')).toBe('allow');
    expect(outcome(retraced, 'events.read', 'A')).toBe('allow');
    expect(outcome(retraced, 'project.administer', 'A')).toBe(403);
    expect(outcome(token('A', 'publish'), 'events.read', 'A')).toBe(403);
  });

  it('answers 401 to nobody and opens only what configuration opens', () => {
    const nobody: Caller = { kind: 'anonymous' };
    expect(outcome(nobody, 'events.read', 'A')).toBe(401);
    expect(outcome(nobody, 'directory.provision', null)).toBe(401);
    expect(outcome(nobody, 'directory.provision', null, { auditApiOpen: false, provisioningOpen: true })).toBe('allow');
    expect(outcome(nobody, 'audit-api.publish', null)).toBe(401);
    expect(outcome(nobody, 'audit-api.publish', null, { auditApiOpen: true, provisioningOpen: false })).toBe('allow');
    expect(outcome({ kind: 'integration' }, 'audit-api.publish', null)).toBe('allow');
    expect(outcome({ kind: 'integration' }, 'events.read', 'A')).toBe(403);
    expect(outcome(token(null, 'admin'), 'audit-api.publish', null)).toBe(403);
  });

  it('lets a console session read, as the person or as the token it signed in with, and nothing more', () => {
    const member: Caller = { kind: 'console', sessionId: 's', person: { guid: 'g', name: 'Ada' } };
    const readA: Caller = { kind: 'console', sessionId: 's', token: { kind: 'token', tokenId: 't', projectId: 'A', scopes: ['read'] } };
    const instance: Caller = { kind: 'console', sessionId: 's', token: { kind: 'token', tokenId: 't', projectId: null, scopes: ['admin'] } };
    expect(outcome(member, 'events.read', 'B')).toBe('allow');
    expect(outcome(member, 'directory.read', null)).toBe('allow');
    expect(outcome(readA, 'events.read', 'A')).toBe('allow');
    expect(outcome(readA, 'events.read', 'B')).toBe(403);
    expect(outcome(readA, 'directory.read', null)).toBe(403);
    expect(outcome(instance, 'directory.read', null)).toBe('allow');
    for (const caller of [member, readA, instance]) {
      expect(outcome(caller, 'console.session', null)).toBe('allow');
      for (const permission of [
        'events.publish',
        'events.seal',
        'viewer.grant',
        'project.administer',
        'instance.administer',
        'directory.provision',
        'audit-api.publish',
      ] as const) {
        expect(
          outcome(
            caller,
            permission,
            permission === 'instance.administer' || permission.startsWith('directory') || permission === 'audit-api.publish' ? null : 'A',
          ),
        ).toBe(403);
      }
    }
    expect(outcome({ kind: 'anonymous' }, 'console.session', null)).toBe(401);
    expect(outcome(token(null, 'admin'), 'console.session', null)).toBe(403);
  });
});
