import { InvalidInputException } from '../infrastructure/http/api-error';
import { decodeCursor, encodeCursor } from './page-cursor';

describe('page cursor', () => {
  it('round-trips a sequence number through an opaque string', () => {
    const cursor = encodeCursor(12345);
    expect(cursor).not.toContain('12345');
    expect(decodeCursor(cursor)).toBe(12345);
  });

  it.each(['', 'garbage', Buffer.from('{"s":-1}').toString('base64url'), Buffer.from('{"s":"1"}').toString('base64url')])(
    'refuses %p naming the field',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(InvalidInputException);
      try {
        decodeCursor(cursor);
      } catch (error) {
        expect((error as InvalidInputException).fieldErrors[0].field).toBe('cursor');
      }
    },
  );
});
