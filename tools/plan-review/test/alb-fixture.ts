// A small terraform JSON configuration with the resource types plan review cares about, in two versions:
// v1 is applied against moto, v2 is planned on top of it, so the review is tested on a plan terraform made.

type Json = Record<string, unknown>;

const providerBlock: Json = {
  aws: {
    region: 'us-east-1',
    // moto has no account, no metadata API and no virtual-host buckets.
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: 'true',
    s3_use_path_style: true,
  },
};

function targetGroup(name: string, port: number): Json {
  return {
    name,
    port,
    protocol: 'HTTP',
    target_type: 'instance',
    vpc_id: '${aws_vpc.main.id}',
    health_check: [{ path: '/healthz', matcher: '200' }],
  };
}

function listener(stableWeight: number, canaryWeight: number): Json {
  return {
    load_balancer_arn: '${aws_lb.inference.arn}',
    port: 80,
    protocol: 'HTTP',
    default_action: [
      {
        type: 'forward',
        forward: [
          {
            target_group: [
              { arn: '${aws_lb_target_group.stable.arn}', weight: stableWeight },
              { arn: '${aws_lb_target_group.canary.arn}', weight: canaryWeight },
            ],
            stickiness: [{ enabled: true, duration: 3600 }],
          },
        ],
      },
    ],
  };
}

// moto's default account; ARNs are written out so the documents are known at plan time, as in a review.
const ACCOUNT = '123456789012';
const STATE_BUCKET_ARN = 'arn:aws:s3:::review-fixture-state';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:review-fixture-alarms`;

function document(Statement: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement });
}

/** The start script of the fleet, as the launch template's user data carries it (base64). */
function userData(model: string): string {
  return Buffer.from(['#!/bin/bash', 'set -euo pipefail', 'export SERVER_PORT=8080', `export MODEL_VERSION=${model}`, 'exec /opt/inference/server', ''].join('\n')).toString('base64');
}

function policy(actions: string[], resource: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] });
}

/**
 * - `network`: only what the load balancer needs, so the test can create the load balancer itself;
 * - `v1`: everything, importing that load balancer (creating one through terraform costs two fixed 30 s
 *   waits of the provider for "active", which would dominate the test run);
 * - `v2`: updates, replaces, destroys, opens an SG to the world, moves listener weights, widens IAM, a
 *   trust policy and the bucket, key and topic policies, changes the fleet's user data, turns deletion
 *   protection off and changes outputs.
 */
export type FixtureStage = 'network' | 'v1' | 'v2';

export function albFixture(stage: FixtureStage, loadBalancerArn?: string): Json {
  const v2 = stage === 'v2';
  const withLoadBalancer = stage !== 'network';
  if (withLoadBalancer && !loadBalancerArn) throw new Error(`albFixture(${stage}): needs the ARN of the load balancer to import`);
  const resource: Record<string, Record<string, Json>> = {
    aws_vpc: { main: { cidr_block: '10.0.0.0/16', tags: { Name: 'review-fixture' } } },
    aws_subnet: {
      a: { vpc_id: '${aws_vpc.main.id}', cidr_block: '10.0.0.0/24', availability_zone: 'us-east-1a' },
      b: { vpc_id: '${aws_vpc.main.id}', cidr_block: '10.0.1.0/24', availability_zone: 'us-east-1b' },
    },
    aws_security_group: {
      alb: { name: 'review-fixture-alb', description: 'ALB', vpc_id: '${aws_vpc.main.id}' },
    },
    aws_vpc_security_group_ingress_rule: {
      alb_http: {
        security_group_id: '${aws_security_group.alb.id}',
        ip_protocol: 'tcp',
        from_port: 80,
        to_port: 80,
        cidr_ipv4: '10.0.0.0/16',
      },
      ...(v2
        ? {
            alb_https_world: {
              security_group_id: '${aws_security_group.alb.id}',
              ip_protocol: 'tcp',
              from_port: 443,
              to_port: 443,
              cidr_ipv4: '0.0.0.0/0',
            },
          }
        : {}),
    },
    aws_lb_target_group: {
      stable: targetGroup('review-fixture-stable', 8080),
      // A port change forces a new target group.
      canary: targetGroup('review-fixture-canary', v2 ? 8081 : 8080),
    },
    aws_launch_template: {
      fleet: {
        name: v2 ? 'review-fixture-fleet-v2' : 'review-fixture-fleet',
        instance_type: v2 ? 'g5.2xlarge' : 'g5.xlarge',
        user_data: userData(v2 ? 'llama-v2' : 'llama-v1'),
      },
    },
    aws_s3_bucket: {
      state: { bucket: 'review-fixture-state', tags: { Purpose: v2 ? 'terraform-state' : 'state' } },
      ...(v2 ? {} : { logs: { bucket: 'review-fixture-logs' } }),
    },
    aws_ssm_parameter: {
      api_key: { name: '/review-fixture/api-key', type: 'SecureString', value: v2 ? 'second-secret' : 'first-secret' },
    },
    aws_iam_role: {
      fleet: {
        name: 'review-fixture-fleet',
        // v2 also trusts another account's root: anyone there with sts:AssumeRole becomes the fleet.
        assume_role_policy: document([
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ...(v2 ? [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' }] : []),
        ]),
      },
    },
    aws_s3_bucket_policy: {
      // v2 drops the TLS-only Deny and lets anyone read.
      state: {
        bucket: '${aws_s3_bucket.state.id}',
        policy: document([
          ...(v2 ? [] : [{ Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [STATE_BUCKET_ARN, `${STATE_BUCKET_ARN}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]),
          { Sid: 'Read', Effect: 'Allow', Principal: v2 ? '*' : { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: `${STATE_BUCKET_ARN}/*` },
        ]),
      },
    },
    aws_kms_key: {
      // v2 lets CloudWatch use the key.
      alarms: {
        description: 'review-fixture alarms',
        policy: document([
          { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
          ...(v2 ? [{ Sid: 'CloudWatch', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' }] : []),
        ]),
      },
    },
    aws_sns_topic: {
      // v2 drops the confused-deputy guard on CloudWatch's publishing.
      alarms: {
        name: 'review-fixture-alarms',
        policy: document([
          {
            Sid: 'CloudWatchPublishes',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'SNS:Publish',
            Resource: TOPIC_ARN,
            ...(v2 ? {} : { Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }),
          },
        ]),
      },
    },
    aws_iam_role_policy: {
      fleet: {
        name: 'read-models',
        role: '${aws_iam_role.fleet.id}',
        policy: v2 ? policy(['s3:GetObject', 's3:PutObject'], '*') : policy(['s3:GetObject'], 'arn:aws:s3:::review-fixture-state/*'),
      },
    },
  };
  if (withLoadBalancer) {
    resource.aws_lb = {
      inference: {
        name: 'review-fixture',
        load_balancer_type: 'application',
        subnets: ['${aws_subnet.a.id}', '${aws_subnet.b.id}'],
        security_groups: ['${aws_security_group.alb.id}'],
        drop_invalid_header_fields: true,
        enable_deletion_protection: !v2,
      },
    };
    resource.aws_lb_listener = { http: v2 ? listener(90, 10) : listener(100, 0) };
  }
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } },
    provider: providerBlock,
    resource,
    ...(withLoadBalancer ? { import: [{ to: 'aws_lb.inference', id: loadBalancerArn }] } : {}),
    output: {
      subnet_ids: { value: ['${aws_subnet.a.id}', '${aws_subnet.b.id}'] },
      security_group_id: { value: '${aws_security_group.alb.id}' },
      // v2 changes one output, adds one and removes one: tools that read outputs see all three.
      fleet_instance_type: { value: '${aws_launch_template.fleet.instance_type}' },
      ...(v2 ? { alarm_topic_arn: { value: '${aws_sns_topic.alarms.arn}' } } : { logs_bucket: { value: '${aws_s3_bucket.logs.bucket}' } }),
    },
  };
}
