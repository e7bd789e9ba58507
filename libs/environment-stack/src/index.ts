export { EnvironmentStack, ENVIRONMENT_STACK } from './environment-stack';
export { StateBucketStack, type StateBucketStackProps } from './state-bucket-stack';
export { stateKey } from './remote-state';
export { synthEnvironment } from './synth-environment';
export { SECURITY_EXCEPTIONS, type SecurityException } from './security-exceptions';
