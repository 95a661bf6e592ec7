import { compileFilterPattern } from '../../tools/simulate/filter-pattern';

const LINE_37 = '[Worker-0bb8] [2026-11-28T20:04:38.000Z] INFO [orders-cdc|task-0|offsets] WorkerSourceTask{id=orders-cdc-0} Committing offsets for 90 acknowledged messages';

describe('compileFilterPattern (term patterns)', () => {
  test.each([
    { case: 'the guard\'s 3.7.x pattern matches its connector', pattern: '"WorkerSourceTask{id=orders-cdc-" "Committing offsets for"', line: LINE_37, matches: true },
    { case: 'another connector does not match', pattern: '"WorkerSourceTask{id=payments-" "Committing offsets for"', line: LINE_37, matches: false },
    { case: 'every term must appear', pattern: '"orders-cdc" "Finished commitOffsets successfully"', line: LINE_37, matches: false },
    { case: 'unquoted terms', pattern: 'Committing acknowledged', line: LINE_37, matches: true },
    { case: 'case-sensitive', pattern: '"committing offsets"', line: LINE_37, matches: false },
    { case: 'a -"term" excludes lines containing it', pattern: '"WorkerSourceTask{id=orders-" "Committing offsets for" -"WorkerSourceTask{id=orders-cdc-"', line: LINE_37, matches: false },
    { case: 'an exclusion that does not appear changes nothing', pattern: '"WorkerSourceTask{id=orders-cdc-" "Committing offsets for" -"WorkerSourceTask{id=orders-cdc-v2-"', line: LINE_37, matches: true },
    { case: 'unquoted exclusion', pattern: 'Committing -DEBUG', line: LINE_37, matches: true },
    { case: 'empty pattern matches everything', pattern: '', line: 'anything', matches: true },
  ])('$case', ({ pattern, line, matches }) => {
    expect(compileFilterPattern(pattern)(line)).toBe(matches);
  });

  test('JSON, regex and any-term patterns are not modelled', () => {
    expect(() => compileFilterPattern('{ $.level = "ERROR" }')).toThrow('the simulation only models term patterns, got "{ $.level = \\"ERROR\\" }"');
    expect(() => compileFilterPattern('%Commit+%')).toThrow('the simulation only models term patterns');
    expect(() => compileFilterPattern('?Committing ?Finished')).toThrow('the simulation only models term patterns');
    expect(() => compileFilterPattern('"Committing" ?"Finished"')).toThrow('the simulation only models term patterns');
  });
});
