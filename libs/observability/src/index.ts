export { FleetAlarms, FLEET_ALARM_KINDS, type FleetAlarmKind, type FleetAlarmsProps } from './fleet-alarms';
export { FleetDashboard, type FleetDashboardProps } from './fleet-dashboard';
export { AlarmTopic, type AlarmTopicProps } from './alarm-topic';
