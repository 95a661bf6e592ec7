import * as path from 'path';
import { readTrace, type Trace } from '../../tools/record-traces/trace-file';

export { countedLines, replay } from '../../tools/simulate/trace-replay';

export const TRACES = path.join(__dirname, '..', 'fixtures', 'traces');
export const S = 1000;
export const MIN = 60 * S;

export function loadTrace(version: string, scenario: string): Trace {
  return readTrace(path.join(TRACES, version, scenario));
}
