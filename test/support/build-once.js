// Jest's globalSetup: builds dist/ as `npm start` would (only when stale), once before every test
// file, so the tests that run Latchkey as a process run what ships, not the sources through tsx.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async () => {
  execFileSync('sh', [join(__dirname, '..', '..', 'scripts', 'build-if-stale.sh')], { stdio: 'inherit' });
};
