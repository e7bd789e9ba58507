import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** ALB's cookie for target-group stickiness of a weighted forward. */
export const GROUP_STICKINESS_COOKIE = 'AWSALBTG';

/** How long clients keep the cookie; what binds them is the duration encoded inside it. */
const COOKIE_LIFETIME_SECONDS = 7 * 24 * 3600;

export interface StickyBinding {
  readonly targetGroupArn: string;
  /** Epoch milliseconds at which the binding ends. */
  readonly expiresAt: number;
}

/**
 * Issues and reads group-stickiness cookies. Like ALB's, the value is opaque and signed with a key of
 * this load balancer, so a client cannot choose its group; a cookie it cannot verify counts as none.
 */
export class GroupStickiness {
  private readonly key = randomBytes(32);

  cookie(binding: StickyBinding): string {
    const payload = Buffer.from(JSON.stringify([binding.targetGroupArn, binding.expiresAt])).toString('base64url');
    return `${GROUP_STICKINESS_COOKIE}=${payload}.${this.sign(payload)}; Max-Age=${COOKIE_LIFETIME_SECONDS}; Path=/`;
  }

  /** The binding a request's Cookie header carries, if valid and not expired at `now`. */
  read(cookieHeader: string | undefined, now: number): StickyBinding | undefined {
    const value = cookieHeader
      ?.split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith(`${GROUP_STICKINESS_COOKIE}=`))
      ?.slice(GROUP_STICKINESS_COOKIE.length + 1);
    const [payload, signature] = value?.split('.') ?? [];
    if (!payload || !signature) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const [targetGroupArn, expiresAt] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, number];
    return expiresAt > now ? { targetGroupArn, expiresAt } : undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
