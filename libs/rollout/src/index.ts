export { DEFAULT_SCHEDULE, BAKE_SECONDS_RANGE, INTERVAL_SECONDS_RANGE, ScheduleError, validateSchedule, parseSchedule, type RolloutSchedule, type RolloutStep } from './schedule';
export { parseDuration, formatDuration } from './duration';
