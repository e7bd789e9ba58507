import { DEFAULT_SCHEDULE, parseSchedule, validateSchedule } from '../src';

describe('rollout schedule', () => {
  test('the default schedule is valid', () => {
    expect(validateSchedule(DEFAULT_SCHEDULE)).toBe(DEFAULT_SCHEDULE);
  });

  test('parses what a person types', () => {
    expect(parseSchedule({ steps: '0.1,1,5,25,50', bake: '2m', interval: '60s' })).toEqual({
      steps: [1, 10, 50, 250, 500].map((canaryPerMille) => ({ canaryPerMille, minBakeSeconds: 120 })),
      intervalSeconds: 60,
    });
  });

  test('refuses bad input, naming the field, the value and what is allowed', () => {
    expect(() => parseSchedule({ steps: '5,1' })).toThrow('steps[1] = 1 %: must be larger than steps[0] (5 %); shares only increase');
    expect(() => parseSchedule({ steps: '0.05' })).toThrow('--steps[0] = "0.05": must be a percentage from 0 to 100 with at most one decimal');
    expect(() => parseSchedule({ steps: '5,100' })).toThrow('steps[1] = 100 %: must be a share from 0.1 % to 99.9 % (100 % is the promotion itself');
    expect(() => parseSchedule({ steps: '0' })).toThrow('steps[0] = 0 %: must be a share from 0.1 %');
    expect(() => parseSchedule({ bake: '2 minutes' })).toThrow('--bake = "2 minutes": must be a duration like 90s, 2m or 1h');
    expect(() => parseSchedule({ bake: '25h' })).toThrow('steps[0].minBakeSeconds = 90000: must be a whole number of seconds from 0 to 24h');
    expect(() => parseSchedule({ interval: '20m' })).toThrow('interval = 1200 s: must be a whole number of seconds from 1 to 600');
  });
});
