import { initialTrafficState, type Release, type RoutingPolicy, type RoutingTargets, type Writer } from '../src';

export const V1: Release = { modelVersion: 'tiny-llm-v1', serverImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2', amiId: 'ami-0123456789abcdef0' };
export const V2: Release = { ...V1, modelVersion: 'tiny-llm-v2' };

export const TARGETS: RoutingTargets = {
  weighted: {
    blue: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cf-dev-blue/0000000000000001',
    green: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cf-dev-green/0000000000000002',
  },
  pinned: {
    blue: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cf-dev-blue-pin/0000000000000003',
    green: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cf-dev-green-pin/0000000000000004',
  },
};

export const POLICY: RoutingPolicy = { environment: 'dev', stickinessSeconds: 300, header: { name: 'X-Canary', canaryValue: 'always' } };

let clock = Date.parse('2026-11-29T12:00:00Z');
export function writer(): Writer {
  clock += 1000;
  return { at: new Date(clock), by: 'test' };
}

export const idle = () => initialTrafficState(V1);
