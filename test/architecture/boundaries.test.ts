/**
 * The folders and what may import what (README, "Architecture"), held by reading every import of
 * every source file. A boundary crossed here is a design change: change the README with it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** Every tracked TypeScript file under `dir`, and what each imports (module specifiers, relative ones resolved to repository paths). */
function imports(dir: string): Map<string, string[]> {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', `${dir}/**.ts`, `${dir}/*.ts`], { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter((f) => f.endsWith('.ts') && fs.existsSync(path.join(ROOT, f)));
  const found = new Map<string, string[]>();
  for (const file of [...new Set(files)]) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|require\('([^']+)'\)/gm)]
      .map((m) => m[1] ?? m[2] ?? m[3])
      .map((s) => (s.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), s)) : s));
    found.set(file, specifiers);
  }
  return found;
}

/** The files of `files` that import a module matching `forbidden`, as `file -> module` lines. */
function crossings(files: Map<string, string[]>, include: (file: string) => boolean, forbidden: RegExp): string[] {
  return [...files].filter(([file]) => include(file)).flatMap(([file, specs]) => specs.filter((s) => forbidden.test(s)).map((s) => `${file} -> ${s}`));
}

const SRC = imports('src');

/** The recovery function's own code: bundled into the Lambda asset, never loaded by the construct. */
const HANDLER = (f: string) => f.startsWith('src/recovery/') && !CONSTRUCT_SIDE_OF_RECOVERY.includes(f);
/** Files in src/recovery/ that the construct loads: the names both sides share. */
const CONSTRUCT_SIDE_OF_RECOVERY = ['src/recovery/constants.ts'];
/** The decision core: the policy and the pure checks it decides on. */
const CORE = (f: string) => /^src\/recovery\/(decide(\/.*)?|model|json|notices|duration|request-drift|stored-request|backoff|render-notice|safe-error|handler-config|invocation)\.ts$/.test(f);

describe('architecture: what may import what', () => {
  test('the imports are read as they are (so that the rules below can fail)', () => {
    expect(SRC.get('src/recovery/aws.lambda-shared.ts')).toContain('@aws-sdk/client-kafkaconnect');
    expect(SRC.get('src/guard.ts')).toEqual(expect.arrayContaining(['aws-cdk-lib', 'src/recovery/constants', 'src/recovery-function/recovery-function']));
    expect(SRC.get('src/recovery/decide.ts')).toContain('src/recovery/decide/idle');
    expect(crossings(SRC, HANDLER, /^@aws-sdk\//)).not.toEqual([]);
  });

  test('the decision core imports no AWS SDK, no CDK, no Powertools: it is pure, tested as tables', () => {
    expect(crossings(SRC, CORE, /^(@aws-sdk\/|aws-cdk-lib|constructs|@aws-lambda-powertools\/)/)).toEqual([]);
  });

  test('the handler never imports aws-cdk-lib or constructs (they would be bundled into the function)', () => {
    expect(crossings(SRC, HANDLER, /^(aws-cdk-lib|constructs)(\/|$)/)).toEqual([]);
  });

  test('the construct never imports SDK clients or Powertools, nor the handler\'s modules', () => {
    const construct = (f: string) => f.startsWith('src/') && !f.startsWith('src/recovery/');
    expect(crossings(SRC, construct, /^(@aws-sdk\/|@aws-lambda-powertools\/)/)).toEqual([]);
    const handlerModules = crossings(SRC, construct, /^src\/recovery\//).filter((line) => !CONSTRUCT_SIDE_OF_RECOVERY.some((f) => line.endsWith(f.replace(/\.ts$/, ''))));
    expect(handlerModules).toEqual([]);
  });

  test('the names both sides share import nothing, so that either side may load them', () => {
    expect(CONSTRUCT_SIDE_OF_RECOVERY.map((f) => SRC.get(f))).toEqual([[]]);
  });

  test('the package\'s source never imports the test double, the simulation or the tests', () => {
    expect(crossings(SRC, () => true, /^(tools|test)\//)).toEqual([]);
  });
});
