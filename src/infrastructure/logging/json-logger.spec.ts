import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  const capture = (level: 'info' | 'debug' = 'info') => {
    const lines: Record<string, unknown>[] = [];
    return { lines, logger: new JsonLogger(level, (line) => lines.push(JSON.parse(line))) };
  };

  it('writes one JSON object per line with level, context and the fields given', () => {
    const { lines, logger } = capture();
    logger.log({ msg: 'hello', n: 1, request_id: 'req-1' }, 'Ctx');
    expect(lines).toEqual([expect.objectContaining({ level: 'info', context: 'Ctx', msg: 'hello', n: 1, request_id: 'req-1' })]);
  });

  it('drops lines below the configured level', () => {
    const { lines, logger } = capture('info');
    logger.debug('noise');
    logger.warn('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });

  it('masks values under secret-looking keys', () => {
    const { lines, logger } = capture();
    logger.log({ msg: 'x', authorization: 'Bearer abc', password: 'pw', nested: { token: 't' } });
    expect(lines[0]).toMatchObject({ authorization: '[redacted]', password: '[redacted]', nested: { token: '[redacted]' } });
  });
});
