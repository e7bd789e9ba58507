// The one import of the library from the benchmark. tsx runs from the repo root, where no tsconfig maps
// @canaryfleet/*, so the source is imported by path: the single, deliberate exception to the rule.
// eslint-disable-next-line @nx/enforce-module-boundaries
export * from '../../../libs/judge/src/index';
