import { ConditionalCheckFailedException, ResourceNotFoundException, TransactionCanceledException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command, CommandKind, JudgedInterval, RolloutEvent, RolloutRecord, RolloutSpec } from '@canaryfleet/rollout';

/** Journal items live this long (DynamoDB TTL on `expiresAt`); the lease item never expires (its token must only grow). */
const RETENTION_SECONDS = 400 * 24 * 3600;
/** TransactWriteItems takes at most 100 items; one is the lease check, one the head. */
const ITEMS_PER_TRANSACTION = 98;

export interface Lease {
  readonly environment: string;
  readonly rolloutId: string;
  readonly holder: string;
  /** The fencing token: every journal write is conditioned on the lease still carrying it. */
  readonly token: number;
}

/** The lease item as read: who runs the environment's rollout, since when, until when. */
export interface LeaseView {
  readonly activeRollout: string | null;
  readonly holder: string | null;
  readonly token: number;
  readonly acquiredAt: string | null;
  readonly leaseUntil: string | null;
}

export interface StoredRollout {
  readonly spec: RolloutSpec;
  readonly record: RolloutRecord;
  /** Journal version of the head (optimistic check on every commit). */
  readonly version: number;
  readonly eventCount: number;
}

export interface RolloutSummary {
  readonly rolloutId: string;
  readonly modelVersion: string;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly stage: RolloutRecord['stage'];
  readonly outcome: RolloutRecord['outcome'];
}

/**
 * The table's keys as CreateTable takes them: what Terraform creates (with on-demand billing,
 * encryption, point-in-time recovery and TTL on `expiresAt`), and what tests create on moto.
 */
export const ROLLOUT_TABLE_KEYS: Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema'> = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
};

/** A second writer is refused, naming who holds the environment and since when (safety rule 5). */
export class LeaseHeldError extends Error {
  constructor(
    readonly environment: string,
    readonly lease: LeaseView,
    what: string,
  ) {
    super(
      `${environment}: ${what}: rollout ${lease.activeRollout} runs here, held by ${lease.holder} since ${lease.acquiredAt} (lease until ${lease.leaseUntil}, token ${lease.token}). ` +
        `Watch it with \`canary status ${environment}\`, stop it with \`canary abort ${environment}\`, or resume a dead one after its lease ends with \`canary resume ${environment}\`.`,
    );
    this.name = 'LeaseHeldError';
  }
}

/** This process no longer holds the lease: another took it with a higher token (abort, resume). Nothing was written. */
export class LeaseLostError extends Error {
  constructor(lease: Lease) {
    super(`${lease.environment}: the lease of rollout ${lease.rolloutId} moved past token ${lease.token} (an abort or a resume elsewhere took it); this process stops without writing`);
    this.name = 'LeaseLostError';
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pad = (n: number, width: number) => String(n).padStart(width, '0');

function cancelledByCondition(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));
}

/**
 * The operator's lease and journal in DynamoDB (ADR 0012): table `canaryfleet-<env>-rollouts`, keys
 * `pk`/`sk`, TTL `expiresAt`. Items:
 *   ENV#<env>      LEASE                 holder, token (only grows), activeRollout, acquiredAt, leaseUntil
 *   ENV#<env>      ROLLOUT#<rolloutId>   spec, record (JSON), version, eventCount: the journal's head
 *   ROLLOUT#<id>   EVENT#<seq>           one event
 *   ROLLOUT#<id>   INTERVAL#<t>          one judged interval (replayed into the judge on resume)
 *   ROLLOUT#<id>   COMMANDS              the command counter
 *   ROLLOUT#<id>   COMMAND#<seq>         one person's request (pause, resume, promote, abort)
 *   ENV#<env>      ADOPTION#<revision>   a version-1 traffic state and the document it became (ADR 0007)
 */
export class RolloutStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly environment: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get envKey(): string {
    return `ENV#${this.environment}`;
  }

  private expiresAt(): number {
    return Math.floor(this.now().getTime() / 1000) + RETENTION_SECONDS;
  }

  async readLease(): Promise<LeaseView | null> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { pk: this.envKey, sk: 'LEASE' }, ConsistentRead: true }));
    if (!Item) return null;
    return { activeRollout: Item.activeRollout ?? null, holder: Item.holder ?? null, token: Item.token ?? 0, acquiredAt: Item.acquiredAt ?? null, leaseUntil: Item.leaseUntil ? iso(Item.leaseUntil) : null };
  }

  /** The rollout running in this environment, if any (whether or not its process is alive). */
  async activeRollout(): Promise<LeaseView | null> {
    const lease = await this.readLease();
    return lease?.activeRollout ? lease : null;
  }

  private async takeLease(rolloutId: string, holder: string, leaseSeconds: number, condition: string, values: Record<string, unknown>, what: string): Promise<Lease> {
    const now = this.now().getTime();
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: this.envKey, sk: 'LEASE' },
          UpdateExpression: 'SET activeRollout = :rollout, holder = :holder, acquiredAt = :acquiredAt, leaseUntil = :until, #token = if_not_exists(#token, :zero) + :one',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':rollout': rolloutId, ':holder': holder, ':acquiredAt': iso(now), ':until': now + leaseSeconds * 1000, ':zero': 0, ':one': 1, ...values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { environment: this.environment, rolloutId, holder, token: Attributes?.token as number };
    } catch (error) {
      if (!cancelledByCondition(error)) throw error;
      const lease = await this.readLease();
      throw new LeaseHeldError(this.environment, lease ?? { activeRollout: null, holder: null, token: 0, acquiredAt: null, leaseUntil: null }, what);
    }
  }

  /** For `start`: only when no rollout is active in the environment (safety rule 5). */
  acquireForStart(rolloutId: string, holder: string, leaseSeconds: number): Promise<Lease> {
    return this.takeLease(rolloutId, holder, leaseSeconds, 'attribute_not_exists(activeRollout) OR activeRollout = :none', { ':none': null }, `cannot start rollout ${rolloutId}`);
  }

  /** For `resume` and the watchdog: the active rollout, once its holder's lease has run out. */
  takeOverExpired(rolloutId: string, holder: string, leaseSeconds: number): Promise<Lease> {
    return this.takeLease(rolloutId, holder, leaseSeconds, 'activeRollout = :rollout AND leaseUntil < :now', { ':now': this.now().getTime() }, `cannot resume rollout ${rolloutId} while its holder's lease runs`);
  }

  /** For `abort`: takes the active rollout's lease whoever holds it, with a higher token (break glass). */
  takeOverForAbort(rolloutId: string, holder: string, leaseSeconds: number): Promise<Lease> {
    return this.takeLease(rolloutId, holder, leaseSeconds, 'activeRollout = :rollout', {}, `cannot abort rollout ${rolloutId}: it is not the active rollout`);
  }

  /** Extends the lease; fails with LeaseLostError when another process took it. */
  renew(lease: Lease, leaseSeconds: number): Promise<void> {
    return this.updateHeldLease(lease, 'SET leaseUntil = :until', { ':until': this.now().getTime() + leaseSeconds * 1000 });
  }

  /** Ends the rollout's hold on the environment (it is done); the token stays for the next. */
  release(lease: Lease): Promise<void> {
    return this.updateHeldLease(lease, 'REMOVE activeRollout SET leaseUntil = :zero', { ':zero': 0 });
  }

  /** Updates the lease row only while `lease` still holds it (its token); LeaseLostError otherwise. */
  private async updateHeldLease(lease: Lease, updateExpression: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: this.envKey, sk: 'LEASE' },
          UpdateExpression: updateExpression,
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ...values, ':token': lease.token },
        }),
      );
    } catch (error) {
      if (cancelledByCondition(error)) throw new LeaseLostError(lease);
      throw error;
    }
  }

  private leaseCheck(lease: Lease) {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: { pk: this.envKey, sk: 'LEASE' },
        ConditionExpression: '#token = :token AND activeRollout = :rollout',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': lease.token, ':rollout': lease.rolloutId },
      },
    };
  }

  private head(spec: RolloutSpec, record: RolloutRecord, version: number, eventCount: number) {
    return {
      pk: this.envKey,
      sk: `ROLLOUT#${spec.rolloutId}`,
      rolloutId: spec.rolloutId,
      spec: JSON.stringify(spec),
      record: JSON.stringify(record),
      stage: record.stage,
      version,
      eventCount,
      updatedAt: iso(this.now().getTime()),
      expiresAt: this.expiresAt(),
    };
  }

  /** Writes the journal's first head for a rollout that holds the lease. */
  async create(lease: Lease, spec: RolloutSpec, record: RolloutRecord): Promise<StoredRollout> {
    await this.transact([this.leaseCheck(lease), { Put: { TableName: this.tableName, Item: this.head(spec, record, 1, 0), ConditionExpression: 'attribute_not_exists(pk)' } }], lease);
    return { spec, record, version: 1, eventCount: 0 };
  }

  /**
   * Journals a reconcile step, fenced by the lease token (safety rules 1 and 5): the intervals, the
   * events, and the new head, or nothing (LeaseLostError). Called before any action of the step runs.
   */
  async commit(lease: Lease, previous: StoredRollout, change: { record: RolloutRecord; events: readonly RolloutEvent[]; intervals: readonly JudgedInterval[] }): Promise<StoredRollout> {
    const rolloutKey = `ROLLOUT#${previous.spec.rolloutId}`;
    const items = [
      ...change.intervals.map((interval) => ({ pk: rolloutKey, sk: `INTERVAL#${pad(interval.observation.t, 10)}`, interval: JSON.stringify(interval), expiresAt: this.expiresAt() })),
      ...change.events.map((event, i) => ({ pk: rolloutKey, sk: `EVENT#${pad(previous.eventCount + i + 1, 8)}`, event: JSON.stringify(event), reason: event.reason, expiresAt: this.expiresAt() })),
    ];
    // Large catch-ups (many intervals after an outage) go in several transactions; the head moves last.
    const chunks: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += ITEMS_PER_TRANSACTION) chunks.push(items.slice(i, i + ITEMS_PER_TRANSACTION));
    const rest = chunks.pop() ?? [];
    for (const chunk of chunks) await this.transact([this.leaseCheck(lease), ...chunk.map((Item) => ({ Put: { TableName: this.tableName, Item } }))], lease);
    const next = { spec: previous.spec, record: change.record, version: previous.version + 1, eventCount: previous.eventCount + change.events.length };
    await this.transact(
      [
        this.leaseCheck(lease),
        ...rest.map((Item) => ({ Put: { TableName: this.tableName, Item } })),
        { Put: { TableName: this.tableName, Item: this.head(next.spec, next.record, next.version, next.eventCount), ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': previous.version } } },
      ],
      lease,
    );
    return next;
  }

  private async transact(items: object[], lease: Lease): Promise<void> {
    try {
      await this.documents.send(new TransactWriteCommand({ TransactItems: items as never }));
    } catch (error) {
      if (cancelledByCondition(error)) throw new LeaseLostError(lease);
      throw error;
    }
  }

  async load(rolloutId: string): Promise<StoredRollout | null> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { pk: this.envKey, sk: `ROLLOUT#${rolloutId}` }, ConsistentRead: true }));
    if (!Item) return null;
    return { spec: JSON.parse(Item.spec), record: JSON.parse(Item.record), version: Item.version, eventCount: Item.eventCount };
  }

  private async queryAll(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  async intervals(rolloutId: string): Promise<JudgedInterval[]> {
    return (await this.queryAll(`ROLLOUT#${rolloutId}`, 'INTERVAL#')).map((item) => JSON.parse(item.interval as string));
  }

  async events(rolloutId: string): Promise<RolloutEvent[]> {
    return (await this.queryAll(`ROLLOUT#${rolloutId}`, 'EVENT#')).map((item) => JSON.parse(item.event as string));
  }

  /** Every rollout of the environment, oldest first. */
  async history(): Promise<RolloutSummary[]> {
    return (await this.queryAll(this.envKey, 'ROLLOUT#')).map((item) => {
      const spec = JSON.parse(item.spec as string) as RolloutSpec;
      const record = JSON.parse(item.record as string) as RolloutRecord;
      return { rolloutId: spec.rolloutId, modelVersion: spec.release.modelVersion, startedBy: spec.startedBy, startedAt: spec.startedAt, stage: record.stage, outcome: record.outcome };
    });
  }

  /** Journals the adoption of a version-1 traffic state (ADR 0007) before the adopted document is written. */
  async recordAdoption(legacy: unknown, adopted: { readonly revision: number }, by: string): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: this.envKey, sk: `ADOPTION#${pad(adopted.revision, 10)}`, legacy: JSON.stringify(legacy), adopted: JSON.stringify(adopted), by, at: iso(this.now().getTime()) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** A person's request; anyone may append one (not fenced): the lease holder applies it on its next step. */
  async appendCommand(rolloutId: string, command: { kind: CommandKind; by: string; reason: string; skipAnalysis?: boolean }): Promise<Command> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `ROLLOUT#${rolloutId}`, sk: 'COMMANDS' },
        UpdateExpression: 'SET expiresAt = :expires ADD #seq :one',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':one': 1, ':expires': this.expiresAt() },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const stored: Command = { seq: Attributes?.seq as number, kind: command.kind, by: command.by, reason: command.reason, at: iso(this.now().getTime()), ...(command.skipAnalysis ? { skipAnalysis: true } : {}) };
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { pk: `ROLLOUT#${rolloutId}`, sk: `COMMAND#${pad(stored.seq, 6)}`, command: JSON.stringify(stored), expiresAt: this.expiresAt() } }));
    return stored;
  }

  async commands(rolloutId: string, afterSeq: number): Promise<Command[]> {
    return (await this.queryAll(`ROLLOUT#${rolloutId}`, 'COMMAND#')).map((item) => JSON.parse(item.command as string) as Command).filter((command) => command.seq > afterSeq);
  }
}

/** Whether an error says the table does not exist (an environment deployed before the operator's table). */
export function isMissingTable(error: unknown): boolean {
  return error instanceof ResourceNotFoundException;
}
