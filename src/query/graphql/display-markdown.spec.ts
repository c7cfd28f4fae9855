import type { AuditEventView } from '../audit-event.view';
import { displayMarkdown, escapeMarkdown } from './retraced-search.schema';

const event = (parts: Partial<AuditEventView>) => ({ action: 'doc.edit', ...parts }) as AuditEventView;

describe("display.markdown, Retraced's default sentence", () => {
  it('names the actor, the action and the item', () => {
    expect(displayMarkdown(event({ actor: { id: 'u1', name: 'Ann' }, target: { id: 'd1', name: 'Q3' } } as never))).toBe(
      '**Ann** performed the action **doc\\.edit** on the item **Q3**.',
    );
  });

  it('says "An unknown actor" without a name, and leaves the item out without one', () => {
    expect(displayMarkdown(event({ actor: { id: 'u1' }, target: { id: 'd1' } } as never))).toBe('**An unknown actor** performed the action **doc\\.edit**.');
    expect(displayMarkdown(event({}))).toBe('**An unknown actor** performed the action **doc\\.edit**.');
  });

  it("prefers the directory's display name of a resolved actor", () => {
    expect(displayMarkdown(event({ actor: { id: 'jdoe', name: 'jdoe' } } as never), 'Jane Doe')).toBe('**Jane Doe** performed the action **doc\\.edit**.');
  });

  it('escapes every character markdown could read as syntax, and line breaks', () => {
    expect(escapeMarkdown('[a](http://x) ![i](y) <b>*_`#|~\n')).toBe('\\[a\\]\\(http\\:\\/\\/x\\) \\!\\[i\\]\\(y\\) \\<b\\>\\*\\_\\`\\#\\|\\~ ');
  });
});
