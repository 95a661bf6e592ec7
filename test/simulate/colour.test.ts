import { colourLine, linePainter } from '../../tools/simulate/colour';

const ALARM = '00:40 [Monitor  ] ALARM! OffsetCommit -> composite alarm -> EventBridge -> Lambda';
const ROW = '#2        failed-task     10 s (1 polls)  NOT RECOVERED    restart  -';
const plain = (s: string) => s.replace(/\u001b\[[\d;]*m/g, '');

describe('colour only on a terminal', () => {
  test.each([
    { case: 'a TTY', isTTY: true, env: {}, coloured: true },
    { case: 'a TTY with NO_COLOR=1', isTTY: true, env: { NO_COLOR: '1' }, coloured: false },
    { case: 'a TTY with NO_COLOR empty (no-color.org: ignored)', isTTY: true, env: { NO_COLOR: '' }, coloured: true },
    { case: 'a pipe', isTTY: false, env: {}, coloured: false },
    { case: 'no isTTY at all (not a terminal stream)', isTTY: undefined, env: {}, coloured: false },
    { case: 'a TTY with --json', isTTY: true, env: {}, json: true, coloured: false },
  ])('$case', ({ isTTY, env, json, coloured }) => {
    const paint = linePainter({ isTTY, env, json });
    expect(paint(ALARM)).toBe(coloured ? `\u001b[1;31m${ALARM}\u001b[0m` : ALARM);
    expect(paint(ROW) !== ROW).toBe(coloured);
  });
});

describe('colourLine', () => {
  test.each([
    { line: ALARM, code: '1;31' },
    { line: '00:50 [Monitor  ] OK -> alarm cleared', code: '32' },
    { line: '00:43 [Summary  ] incident #1 recovered in 13 s (restart)', code: '32' },
    { line: '00:30 [Connector] SILENT FAILURE! stops reading, Connected stays 1, no error logged | API status: RUNNING', code: '33' },
    { line: '01:20 [Connector] TASK FAILED! ErroredTaskCount=1 | API status: RUNNING', code: '33' },
    { line: '00:40 [Lambda   ] RESTART: alarm ALARM with connector RUNNING: restarting in place', code: '36' },
    { line: 'INVARIANT BROKEN: the connector was left deleted', code: '1;31' },
  ])('whole line: $line', ({ line, code }) => {
    expect(colourLine(line)).toBe(`\u001b[${code}m${line}\u001b[0m`);
  });

  test('table cells: only the key words, so the columns stay aligned', () => {
    expect(colourLine(ROW)).toBe(ROW.replace('NOT RECOVERED', '\u001b[1;31mNOT RECOVERED\u001b[0m'));
    const interrupted = '#1        silent-stop     -               in progress (interrupted)  none     -';
    expect(colourLine(interrupted)).toBe(interrupted.replace('in progress (interrupted)', '\u001b[33min progress (interrupted)\u001b[0m'));
    const lost = '#1        silent-stop     1 min  restart  NO (2463 -> 0)  13 min  delete -> create  NO (2463 -> 0)';
    expect(colourLine(lost).match(/\u001b\[31mNO \(2463 -> 0\)\u001b\[0m/g)).toHaveLength(2);
    for (const line of [ROW, interrupted, lost]) {
      expect(plain(colourLine(line))).toBe(line);
    }
  });

  test('everything else is left alone', () => {
    for (const line of [
      '00:00 [Connector] Committing offsets for 499 msgs | Connected: 1 | committed offset 1133',
      '00:50 [SNS      ] [INFO] orders-cdc: connector recovered',
      '#1        silent-stop     10 s (1 polls)  13 s             restart  yes (2463 -> 2567)',
      '3 incident(s), 3 recovered, 0 healed by themselves; 0 alarm(s) without a failure; 0 action(s) outside incidents.',
      '',
    ]) {
      expect(colourLine(line)).toBe(line);
    }
  });
});
