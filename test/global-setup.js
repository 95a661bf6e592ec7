// Rebuilds the recovery function's bundle before any test runs, with exactly the command projen's
// bundle task runs (read from .projen/tasks.json, so the options exist in one place): the
// end-to-end tests, the simulation and the asset tests run that bundle, and a direct `npx jest`
// after a change to src/recovery would otherwise test the previous build. esbuild takes well under a second.
const { execFileSync } = require('child_process');
const path = require('path');

module.exports = () => {
  const root = path.join(__dirname, '..');
  const tasks = require(path.join(root, '.projen', 'tasks.json')).tasks;
  const [step] = tasks['bundle:recovery/recovery.lambda'].steps;
  const [command, ...args] = step.execArgs;
  execFileSync(path.join(root, 'node_modules', '.bin', command), args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
};
