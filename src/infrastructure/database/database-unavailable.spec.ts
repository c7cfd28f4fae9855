import { isDatabaseUnavailable } from './database-unavailable';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', coded('ECONNREFUSED')],
    ['a database refusing connections (ALLOW_CONNECTIONS false)', coded('55000', 'database "x" is not currently accepting connections')],
    ['a terminated backend', coded('57P01', 'terminating connection due to administrator command')],
    ['a connection exception class', coded('08006')],
    ['too many connections', coded('53300')],
    ['an exhausted pool', new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a busy SQLite file', coded('SQLITE_BUSY')],
    ['a SQLite I/O error', coded('SQLITE_IOERR_WRITE')],
    ['a wrapped driver error', Object.assign(new Error('query failed'), { driverError: coded('57P03') })],
    ['a cause chain', new Error('outer', { cause: coded('ECONNRESET') })],
  ])('%s is unavailability', (_name, error) => expect(isDatabaseUnavailable(error)).toBe(true));

  it.each([
    ['invalid text (NUL)', coded('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['a unique violation', coded('23505')],
    ['a syntax error', coded('42601')],
    ['a SQLite constraint', coded('SQLITE_CONSTRAINT_UNIQUE')],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
    ['not an error', 'text'],
  ])('%s is not', (_name, error) => expect(isDatabaseUnavailable(error)).toBe(false));
});
