import { useEffect, useRef, useState } from 'preact/hooks';
import { api, Person, queryString } from '../api';
import { navigate, routeHref } from '../route';

/** What a suggestion matched, in words. */
const MATCHED: Record<string, string> = {
  display_name: 'name',
  username: 'username',
  email: 'email',
  upn: 'UPN',
  dn: 'DN',
  guid: 'GUID',
  former_name: 'former name',
};

/**
 * One box to find a person: two typed characters suggest people from the directory, each with
 * enough (names, groups, DN, disabled or deleted) to tell two John Smiths apart; arrow keys move,
 * Enter opens the person. A name the directory does not know opens as a raw actor id.
 */
export function PersonPicker({ directory, keep }: { directory: boolean; keep: Record<string, string | undefined> }) {
  const [text, setText] = useState('');
  const [people, setPeople] = useState<Person[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState('');
  const timer = useRef<number>();
  const latest = useRef(0);

  useEffect(() => {
    window.clearTimeout(timer.current);
    const query = text.trim();
    if (!directory || query.length < 2) {
      setPeople([]);
      setStatus(query.length === 1 && directory ? 'Type one more character for suggestions' : '');
      return;
    }
    const ticket = ++latest.current;
    timer.current = window.setTimeout(async () => {
      try {
        const answer = await api<{ people: Person[] }>(`/identity/v1/people${queryString({ q: query, limit: '8' })}`);
        if (ticket !== latest.current) return;
        setPeople(answer.people);
        setActive(answer.people.length > 0 ? 0 : -1);
        setOpen(true);
        setStatus(
          answer.people.length === 0
            ? `Nobody in the directory is named ${query}; press Enter to search it as an actor id`
            : `${answer.people.length} suggestion${answer.people.length === 1 ? '' : 's'}`,
        );
      } catch (error) {
        if (ticket === latest.current) setStatus(error instanceof Error ? error.message : String(error));
      }
    }, 120);
  }, [text, directory]);

  const choose = (identifier: string) => {
    setOpen(false);
    setText('');
    navigate(routeHref({ page: 'person', person: identifier, params: keep }));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(people.length - 1, i + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (event.key === 'Escape') {
      setOpen(false);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (open && active >= 0 && people[active]) choose(people[active].guid);
      else if (text.trim()) choose(text.trim());
    }
  };

  const listId = 'person-suggestions';
  const expanded = open && people.length > 0;
  return (
    <div class="picker">
      <label for="person-picker" class="visually-hidden">
        Find a person
      </label>
      <input
        id="person-picker"
        type="text"
        role="combobox"
        autocomplete="off"
        spellcheck={false}
        placeholder={directory ? 'Find a person: name, username, email, DOMAIN\\user…' : 'Actor id (as logged)'}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onKeyDown={onKeyDown}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onFocus={() => people.length > 0 && setOpen(true)}
      />
      <span class="visually-hidden" aria-live="polite">
        {status}
      </span>
      <ul id={listId} role="listbox" aria-label="People" hidden={!expanded}>
        {people.map((person, i) => (
          <li
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => {
              e.preventDefault();
              choose(person.guid);
            }}
            onMouseEnter={() => setActive(i)}
          >
            <strong>{person.display_name ?? person.username ?? person.email ?? person.guid}</strong>
            {person.deleted ? <span class="badge deleted">deleted</span> : null}
            {person.disabled ? <span class="badge disabled">disabled</span> : null}
            <div class="names">
              {[person.username, person.email, person.upn].filter(Boolean).join(' · ')}
              {person.matched && person.matched.field === 'former_name' ? ` · formerly ${person.matched.value}` : ''}
            </div>
            {person.dn ? <div class="names">{person.dn}</div> : null}
            {person.groups.length > 0 ? (
              <div class="names">
                Groups: {person.groups.slice(0, 4).join(', ')}
                {person.groups.length > 4 ? ` and ${person.groups.length - 4} more` : ''}
              </div>
            ) : null}
            {person.matched ? <span class="visually-hidden">matched by {MATCHED[person.matched.field] ?? person.matched.field}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
