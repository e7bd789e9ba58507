// NVIDIA GPU instance families: these boot the Deep Learning AMI and start the container with GPUs.
const GPU_FAMILIES = new Set(['g4dn', 'g5', 'g6', 'g6e', 'gr6', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en']);

export const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

export function isGpuInstanceType(instanceType: string): boolean {
  return GPU_FAMILIES.has(instanceType.split('.')[0]);
}
