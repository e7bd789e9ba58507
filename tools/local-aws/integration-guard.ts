import { motoAvailable, terraformAvailable } from './moto';

/**
 * Integration tests need terraform and moto_server. Under CI=true their absence fails the run;
 * elsewhere the tests are skipped with a loud message so a laptop without them can still run unit tests.
 * Returns whether the tests may run.
 */
export function requireIntegrationTools(suite: string): boolean {
  const missing = [terraformAvailable() ? undefined : 'terraform', motoAvailable() ? undefined : 'moto_server'].filter(Boolean);
  if (missing.length === 0) return true;
  const message = `${suite}: ${missing.join(' and ')} not found on PATH; integration tests need terraform >= 1.10 and moto (pip install 'moto[server]==5.2.1').`;
  if (process.env.CI === 'true') throw new Error(`${message} CI=true, so this is a failure.`);
  process.stderr.write(`\n!!!!!!!!!!\n!!! SKIPPED: ${message}\n!!!!!!!!!!\n\n`);
  return false;
}
