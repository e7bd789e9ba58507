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
for (const name of ENVIRONMENTS) {
  const { config } = require(path.join(appsDir, name, 'src', 'config.ts')) as { config: EnvironmentConfig };
  const stackDir = path.resolve(app.outdir, 'stacks', `state-${name}`);
  new StateBucketStack(app, `state-${name}`, {
    config,
    localStatePath: path.relative(stackDir, path.join(stateDir, `${name}.tfstate`)),
  });
}
app.synth();
