import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'recovery', 'recovery.lambda', 'index.js');

describe('the bundled recovery function, as the package ships it', () => {
  test('loads in a bare directory, with no node_modules anywhere above it', () => {
    // GIVEN only the bundle, copied where no node_modules can be found (os.tmpdir() has none)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-bundle-'));
    fs.copyFileSync(BUNDLE, path.join(dir, 'index.js'));
    const ancestors = dir.split(path.sep).map((_, i, parts) => parts.slice(0, i + 1).join(path.sep) || path.sep);
    expect(ancestors.filter((d) => fs.existsSync(path.join(d, 'node_modules')))).toEqual([]);
    // WHEN a fresh node process requires it, as the Lambda runtime does, without the repository's environment
    const out = execFileSync(process.execPath, ['-e', 'const m = require("./index.js"); process.stdout.write(typeof m.handler)'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    // THEN it exports the handler the construct names (index.handler)
    expect(out).toBe('function');
  });
});
