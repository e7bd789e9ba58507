import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '../arguments';
import { openEnvironment } from '../environment-context';
import { EXIT } from '../exit-codes';
import { UsageError, type CliIo } from '../io';
import { reportHtml } from '../report/report-html';
import { selectRollout } from './status';

/** `canary report <env> [--rollout ID] --out report.html`. */
export async function reportCommand(io: CliIo, args: readonly string[]): Promise<number> {
  const { positionals, values } = parse('report', args, { rollout: { type: 'string' }, out: { type: 'string' } });
  if (!values.out) throw new UsageError('canary report: --out FILE is required (the HTML file to write)');
  const ctx = await openEnvironment(io, positionals[0], values);
  try {
    const stored = await selectRollout(ctx.ports, ctx.environment.name, values.rollout);
    const [intervals, events] = await Promise.all([ctx.ports.store.intervals(stored.spec.rolloutId), ctx.ports.store.events(stored.spec.rolloutId)]);
    const file = path.resolve(values.out);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, reportHtml({ spec: stored.spec, record: stored.record, intervals, events }));
    io.stdout.write(`${file}\n`);
    return EXIT.ok;
  } finally {
    ctx.close();
  }
}
