import { MaxLength as ClassValidatorMaxLength, validateSync } from 'class-validator';
import { MaxLength } from './max-length';

class Ours {
  @MaxLength(4) value: unknown;
}
class Theirs {
  @ClassValidatorMaxLength(4) value: unknown;
}

const errors = (cls: new () => { value: unknown }, value: unknown) => {
  const instance = new cls();
  instance.value = value;
  return validateSync(instance).map((e) => e.constraints);
};

describe('MaxLength: class-validator’s rule, with a fast path', () => {
  it('answers as class-validator’s MaxLength does, with the same rule name and message', () => {
    const pieces = ['a', 'é', '🚀', '\ufe0f', 'a\ufe0f', '\ud800', '\udc00', ' ', ''];
    const values: unknown[] = [undefined, null, 3, true, {}, ['abc'], 'abcd', 'abcde'];
    for (const a of pieces) for (const b of pieces) for (const c of pieces) values.push(`${a}${b}${c}`, `${a}${b}${c}${a}${b}`);
    let refused = 0;
    for (const value of values) {
      const theirs = errors(Theirs, value);
      expect([value, errors(Ours, value)]).toEqual([value, theirs]);
      if (theirs.length > 0) refused++;
    }
    // Both answers occur, including strings longer than 4 code units that still pass (surrogate pairs).
    expect(refused).toBeGreaterThan(10);
    expect(errors(Ours, '🚀🚀🚀🚀')).toEqual([]);
    expect(errors(Ours, 'abcde')).toEqual([{ maxLength: 'value must be shorter than or equal to 4 characters' }]);
  });
});
