export { Judge } from './judge';
export type {
  JudgeConfig,
  MetricSpec,
  CountMetricSpec,
  ScoreMetricSpec,
  IntervalObservation,
  LateObservation,
  MetricObservations,
  CountObservation,
  ScoreObservation,
  FleetCountsInput,
  Decision,
  DecisionKind,
  MetricReport,
  CountMetricReport,
  ScoreMetricReport,
  ForecastTraffic,
  DecisionForecast,
} from './judge';
export { CountTest, DEFAULT_MARGIN, type CountTestOptions, type CountTestState, type FleetCounts } from './count-test';
export { QualityScoreTest, type QualityScoreTestOptions, type QualityScoreState, type ScoreSummary } from './quality-score';
export { type ClientMixOptions, type ClientTotals, effectiveClientsOf, DEFAULT_STICKINESS_SECONDS, DEFAULT_EFFECTIVE_CLIENTS, MAX_STICKINESS_SECONDS } from './client-mix';
export { ConditionedInterval } from './noncentral-hypergeometric';
export { buildOddsGrid, type OddsGrid, type OddsGridOptions } from './odds-grid';
export type { OddsRatioEstimate } from './confidence-sequence';
export { splitAlpha, type AlphaClaim } from './alpha-budget';
export { latencyThreshold, countSlow, type LatencyThresholdInput } from './latency';
export { planPower, type PowerPlan, type PowerPlanInput } from './power';
export { planSchedule, type PlannedStep, type PlannedStepTiming, type SchedulePlan, type SchedulePlanInput } from './schedule-plan';
export { JudgeInputError, validateJudgeConfig, validateObservation } from './validation';
export { createRng, type Rng } from './random';
export { normalCdf, logNormalCdf, normalQuantile } from './normal';
