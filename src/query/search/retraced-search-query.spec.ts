import { InvalidInputException } from '../../infrastructure/http/api-error';
import { parseRetracedSearch } from './retraced-search-query';

describe('parseRetracedSearch', () => {
  it('reads what the official client writes for a structured query', () => {
    expect(
      parseRetracedSearch(
        'action:"user.*" crud:c received:2017-06-01T00:00:00.000Z,2017-07-01T00:00:00.000Z actor.name:"Some Actor" actor.id:user@domain.xyz description:"web login"',
      ),
    ).toEqual({
      action: { value: 'user.', prefix: true },
      crud: ['c'],
      received: { from: Date.parse('2017-06-01T00:00:00.000Z'), to: Date.parse('2017-07-01T00:00:00.000Z') },
      actorName: 'Some Actor',
      actorId: 'user@domain.xyz',
      description: 'web login',
    });
  });

  it('takes bare and quoted exact actions, crud lists, open-ended ranges, external_id and free text', () => {
    expect(parseRetracedSearch('action:user.login crud:c,u created:,2020-01-01 external_id:"inv 1" alpha "two words"')).toEqual({
      action: { value: 'user.login', prefix: false },
      crud: ['c', 'u'],
      created: { from: undefined, to: Date.parse('2020-01-01') },
      externalId: 'inv 1',
      text: ['alpha', 'two words'],
    });
    expect(parseRetracedSearch('received:2020-01-01,')).toEqual({ received: { from: Date.parse('2020-01-01'), to: undefined } });
    expect(parseRetracedSearch('   ')).toEqual({});
  });

  it.each([
    ['crud:x', /crud/],
    ['crud:', /crud/],
    ['received:2020-01-01', /received: needs a range/],
    ['created:yesterday,today', /created: cannot parse start/],
    ['received:2021-01-01,2020-01-01', /received: the end of the range must be later than its start/],
    ['created:2020-01-01T00:00:00Z,2020-01-01T00:00:00Z', /created: the end of the range must be later/],
    ['location:"Berlin"', /unknown search keyword "location:"/],
  ])('refuses %p naming the problem', (query, message) => {
    expect(() => parseRetracedSearch(query)).toThrow(InvalidInputException);
    expect(() => parseRetracedSearch(query)).toThrow(message);
  });
});
