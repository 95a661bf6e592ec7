import { execFile } from 'child_process';
import * as path from 'path';

// A real `npm run simulate` process (ts-node, transpile only).
jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');

function simulate(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'), TS_NODE_TRANSPILE_ONLY: 'true' };
  // The CLI must silence the SDK's Node version warning itself.
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  delete env.NO_COLOR;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', 'ts-node/register', path.join(ROOT, 'tools', 'simulate', 'cli.ts'), ...args], { cwd: ROOT, env, timeout: 50_000 },
      (err, stdout, stderr) => resolve({ status: err ? (err as { code?: number }).code ?? -1 : 0, stdout, stderr }));
  });
}

describe('the CLI process', () => {
  test('--json prints one JSON document on stdout, uncoloured; no SDK warning on stderr', async () => {
    const json = await simulate('--json', '--duration', '60');
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ options: { scenario: 'mixed', seed: 7, durationSeconds: 60, compression: 0 }, exitStatus: 0, interrupted: false });
    expect(doc.incidents).toEqual([expect.objectContaining({ id: 1, outcome: 'recovered' })]);
    expect(json.stdout.endsWith('}\n')).toBe(true);
    expect(json.stdout).not.toContain('\u001b[');
    expect(json.stderr).not.toContain('NodeVersionSupportWarning');
  });
});
