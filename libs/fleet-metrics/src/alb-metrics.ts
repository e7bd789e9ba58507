/**
 * What an Application Load Balancer publishes per target group, exactly as AWS names it
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
 * once a minute, and nothing for a minute without requests.
 */
export const ALB_METRICS = {
  namespace: 'AWS/ApplicationELB',
  periodSeconds: 60,
  /** Dimensions of per-target-group metrics: the ARN suffixes (`app/<name>/<id>`, `targetgroup/<name>/<id>`). */
  dimensions: { loadBalancer: 'LoadBalancer', targetGroup: 'TargetGroup' },
  names: {
    requests: 'RequestCount',
    target5xx: 'HTTPCode_Target_5XX_Count',
    /** Connections the load balancer could not open to a target: a crashed server shows up here, not as 5XX. */
    targetConnectionErrors: 'TargetConnectionErrorCount',
    targetResponseTime: 'TargetResponseTime',
    /** Load-balancer level only (dimension LoadBalancer). */
    elb5xx: 'HTTPCode_ELB_5XX_Count',
  },
} as const;
