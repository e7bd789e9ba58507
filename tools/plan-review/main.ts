// CLI: node --import tsx tools/plan-review/main.ts <env> [--synth-diff <base-ref>] [--detailed-exitcode]
//
// Exit codes: 0 reviewed (with --detailed-exitcode: 0 no changes, 2 changes, 3 risky changes); 1 error.
// docs/plan-review.md describes the review and the rules.
import { EXIT_CODES } from '@canaryfleet/plan-review';
import { runPlanReview } from './cli';

try {
  process.exitCode = runPlanReview(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`plan-review: ${(error as Error).message}\n`);
  process.exitCode = EXIT_CODES.error;
}
