import { EXIT_CODES, exitCodeOf, renderReview, reviewMarker, reviewPlans, type PlanJson } from '../../src';

const plan = (resource_changes: PlanJson['resource_changes']): PlanJson => ({ format_version: '1.2', resource_changes });

const tagsUpdate = plan([
  {
    address: 'aws_s3_bucket.models',
    mode: 'managed',
    type: 'aws_s3_bucket',
    name: 'models',
    change: { actions: ['update'], before: { bucket: 'm', tags: { Team: 'a' } }, after: { bucket: 'm', tags: { Team: 'b' } } },
  },
  { address: 'data.aws_region.current', mode: 'data', type: 'aws_region', name: 'current', change: { actions: ['read'], before: null, after: {} } },
]);

describe('renderReview', () => {
  it('starts with the hidden marker CI finds its comment by', () => {
    expect(renderReview(reviewPlans('staging', [{ stack: 'inference', plan: tagsUpdate }])).split('\n')[0]).toBe(reviewMarker('staging'));
  });

  it('renders changes that carry no risk', () => {
    const review = reviewPlans('dev', [{ stack: 'inference', plan: tagsUpdate }]);
    expect(review.outcome).toBe('changes');
    expect(renderReview(review)).toMatchSnapshot();
  });

  it('leaves the change list out, with a note, when the review would not fit in a comment', () => {
    const review = reviewPlans('dev', [{ stack: 'inference', plan: tagsUpdate }]);
    const maxLength = renderReview(review).length - 1;
    const markdown = renderReview(review, { maxLength });
    expect(markdown.length).toBeLessThanOrEqual(maxLength);
    expect(markdown).toContain('#### Summary');
    expect(markdown).not.toContain('<details>');
  });
});

describe('reviewPlans', () => {
  it('reports no changes for a plan of no-ops and data reads', () => {
    const review = reviewPlans('dev', [{ stack: 'inference', plan: plan([]) }]);
    expect(review.outcome).toBe('no-changes');
    expect(exitCodeOf(review.outcome)).toBe(EXIT_CODES.noChanges);
  });

  it('refuses an errored plan and an empty plan set', () => {
    expect(() => reviewPlans('dev', [{ stack: 'inference', plan: { ...plan([]), errored: true } }])).toThrow('the plan of stack(s) inference errored');
    expect(() => reviewPlans('dev', [])).toThrow('environment dev: no plans to review');
  });

  it('maps outcomes to exit codes', () => {
    expect([exitCodeOf('no-changes'), exitCodeOf('changes'), exitCodeOf('risky-changes')]).toEqual([0, 2, 3]);
  });
});
