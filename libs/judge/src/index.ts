export { Judge } from './judge';
export type {
  JudgeConfig,
  MetricSpec,
  CountMetricSpec,
  ScoreMetricSpec,
  IntervalObservation,
  CountObservation,
  ScoreObservation,
  FleetCountsInput,
  Decision,
  DecisionKind,
  MetricReport,
  CountMetricReport,
  ScoreMetricReport,
} from './judge';
export { CountTest, type CountTestOptions, type CountTestState, type FleetCounts } from './count-test';
export { QualityScoreTest, type QualityScoreTestOptions, type QualityScoreState, type ScoreSummary } from './quality-score';
export { ConditionedInterval } from './noncentral-hypergeometric';
export { buildOddsGrid, type OddsGrid, type OddsGridOptions } from './odds-grid';
export type { OddsRatioEstimate } from './confidence-sequence';
export { splitAlpha, type AlphaClaim } from './alpha-budget';
export { latencyThreshold, countSlow, type LatencyThresholdInput } from './latency';
export { planPower, type PowerPlan, type PowerPlanInput } from './power';
export { JudgeInputError, validateJudgeConfig, validateObservation } from './validation';
export { createRng, type Rng } from './random';
