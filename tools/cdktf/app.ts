// The `app` command of the root cdktf.json: runs the CDKTF app named by CANARYFLEET_APP, so
// `cdktf synth|deploy` and the nx `synth` targets all go through the same project file.
import path from 'node:path';
import { WORKSPACE_ROOT } from '../workspace-root';
import { assertCdktfApp } from './apps';

const app = assertCdktfApp(process.env.CANARYFLEET_APP);
require(path.join(WORKSPACE_ROOT, 'apps', app, 'src', 'main.ts'));
