import { StateBucketStack } from '@canaryfleet/environment-stack';
import type { EnvironmentConfig } from '@canaryfleet/config';
import { ENVIRONMENTS } from '@canaryfleet/environments';
import { App } from 'cdktf';
import path from 'node:path';

// Every environment's config, loaded by path: apps never import apps, and project.json depends on
// every project tagged scope:environment so `nx affected` still sees the link.
const appsDir = path.resolve(__dirname, '..', '..');

// Local state of the bootstrap stacks; tests point it at a temporary folder.
const stateDir = process.env.CANARYFLEET_BOOTSTRAP_STATE_DIR ?? path.join(appsDir, '..', '.local', 'bootstrap');

const app = new App();
// An account has one GitHub OIDC provider: the first environment of each account creates it.
const accountsWithProvider = new Set<string>();
for (const name of ENVIRONMENTS) {
  const { config } = require(path.join(appsDir, name, 'src', 'config.ts')) as { config: EnvironmentConfig };
  const stackDir = path.resolve(app.outdir, 'stacks', `state-${name}`);
  const createOidcProvider = config.github !== undefined && config.account !== undefined && !accountsWithProvider.has(config.account);
  if (createOidcProvider && config.account) accountsWithProvider.add(config.account);
  new StateBucketStack(app, `state-${name}`, {
    config,
    localStatePath: path.relative(stackDir, path.join(stateDir, `${name}.tfstate`)),
    createOidcProvider,
  });
}
app.synth();
