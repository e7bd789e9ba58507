import nx from '@nx/eslint-plugin';

// One lint policy for the whole workspace. Two rules carry design decisions:
// - enforce-module-boundaries: apps may import libs, libs never apps; construct libs never the CLI.
// - no-restricted-imports: the @cdktf/provider-aws barrel makes a synth ~7x slower (DESIGN.md #2).
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '**/.nx', '**/cdktf.out', 'bench/results'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // type:contract (libs/traffic-state) is the traffic contract every side speaks; it depends on nothing.
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:stack', 'type:construct', 'type:config', 'type:contract', 'type:lib', 'type:tool'] },
            { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:config', 'type:contract', 'type:lib', 'type:tool'] },
            { sourceTag: 'type:stack', onlyDependOnLibsWithTags: ['type:construct', 'type:config', 'type:contract'] },
            { sourceTag: 'type:construct', onlyDependOnLibsWithTags: ['type:construct', 'type:config', 'type:contract'] },
            { sourceTag: 'type:config', onlyDependOnLibsWithTags: ['type:config', 'type:contract'] },
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:config', 'type:contract'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:tool', 'type:config', 'type:contract', 'type:lib'] },
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@cdktf/provider-aws', message: 'Import the resource module instead, e.g. @cdktf/provider-aws/lib/lb: the barrel makes synth ~7x slower (DESIGN.md #2).' },
            { name: '@cdktf/provider-aws/lib', message: 'Import the resource module instead, e.g. @cdktf/provider-aws/lib/lb: the barrel makes synth ~7x slower (DESIGN.md #2).' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@cdktf/provider-aws', message: 'Import the resource module instead, e.g. @cdktf/provider-aws/lib/lb: the barrel makes synth ~7x slower (DESIGN.md #2).' },
            { name: '@cdktf/provider-aws/lib', message: 'Import the resource module instead, e.g. @cdktf/provider-aws/lib/lb: the barrel makes synth ~7x slower (DESIGN.md #2).' },
            { name: 'cdktf-cli', message: 'Libraries never import the CLI; only apps and tools run it.' },
          ],
          patterns: [{ group: ['cdktf-cli/*', '@cdktf/cli-core', '@cdktf/cli-core/*'], message: 'Libraries never import the CLI; only apps and tools run it.' }],
        },
      ],
    },
  },
];
