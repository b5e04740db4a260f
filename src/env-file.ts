import { existsSync } from 'node:fs';

/**
 * `.env` in the working directory, when there is one, for local runs: npm start, npm run doctor and
 * npm run audit read the same settings from it. A variable the environment already has wins, as
 * with node --env-file (process.loadEnvFile never overwrites one).
 */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
