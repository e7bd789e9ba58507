import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../workspace-root';

// Kernel filesystems hold no mirror and are slow or unsafe to walk.
const SKIP = new Set(['proc', 'sys', 'dev']);

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(dir, entry.name));
  } catch {
    return [];
  }
}

/**
 * Finds an offline provider mirror: the parent of a `registry.terraform.io` folder at most three levels
 * below `/` (machines of this project ship one), or CANARYFLEET_TF_MIRROR when set.
 */
export function findProviderMirror(): string | undefined {
  const fromEnv = process.env.CANARYFLEET_TF_MIRROR;
  if (fromEnv) return existsSync(path.join(fromEnv, 'registry.terraform.io')) ? fromEnv : undefined;
  let level = subdirectories('/').filter((dir) => !SKIP.has(path.basename(dir)));
  for (let depth = 1; depth <= 3; depth += 1) {
    const hit = level.find((dir) => path.basename(dir) === 'registry.terraform.io');
    if (hit) return path.dirname(hit);
    level = level.flatMap(subdirectories).filter((dir) => !dir.includes('/node_modules'));
  }
  return undefined;
}

export function renderCliConfig(mirror: string | undefined): string {
  if (!mirror) {
    return '# No offline provider mirror on this machine: providers come from registry.terraform.io.\n';
  }
  return [
    `# Written by tools/terraform/cli-config.ts: providers come from the offline mirror found on this machine.`,
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/*/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Writes the project's own terraform CLI config (never the user's ~/.terraformrc) and returns its path. */
export function writeCliConfig(): string {
  const file = path.join(WORKSPACE_ROOT, '.local', 'terraform', 'terraformrc');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderCliConfig(findProviderMirror()));
  return file;
}
