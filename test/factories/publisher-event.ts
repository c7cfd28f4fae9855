/** A Retraced publisher event as a client sends it: an action, crud and actor, plus `parts`. */
export function publisherEvent(parts: Record<string, unknown> = {}): Record<string, unknown> {
  return { action: 'document.read', crud: 'r', actor: { id: 'ann', name: 'Ann' }, ...parts };
}

/** The Audit API document's example event, plus `parts`. */
export function auditApiEvent(parts: Record<string, unknown> = {}): Record<string, unknown> {
  return { action: 'user.login.success', description: 'john@example.com logged in', title: 'User Login Success', name: 'login', ...parts };
}
