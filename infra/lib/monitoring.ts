import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Where the app's own metrics go: src/metrics/emf-metrics.ts. */
export const APP_NAMESPACE = 'Latchkey';
/** Where the log-derived metrics go (the metric filters below). */
export const LOG_NAMESPACE = 'Latchkey/Logs';

/** Said by `cdk synth` and `cdk deploy` when no -c alarmEmail subscribes anyone to the alerts topic. */
export const NO_ALARM_SUBSCRIBER =
  'No -c alarmEmail: every alarm notifies the alerts topic, which has no subscriber, so no alarm reaches anyone until one is added. ' +
  'Deploy again with -c alarmEmail=<address>, or subscribe your pager or chat channel to the AlertsTopicArn output (docs/deploy.md, "Alerts: who gets what").';

export interface MonitoringProps {
  readonly logGroup: logs.LogGroup;
  readonly handler: lambda.Function;
  readonly failedWork: sqs.Queue;
  readonly failedWorkDeadLetters: sqs.Queue;
  /** Subscribed to the topic by email, when given (-c alarmEmail=…). */
  readonly alarmEmail?: string;
  /** The credentials deployed, for the dashboard's rows. */
  readonly credentials: readonly string[];
}

/**
 * What reaches a person when something is wrong: one SNS topic that every alarm notifies, and a
 * dashboard of the app's metrics with the alarms' state.
 *
 * - `alert: true` log lines (an operator must act: a misconfigured directory, the audit log failing,
 *   a work order that crashed) and `fatal` lines, counted by metric filters;
 * - the function's Errors, Throttles and AsyncEventsDropped;
 * - work orders that failed (FailedWork received one), and failures nobody could be told of (the
 *   dead-letter queue holds one).
 *
 * Each alarm fires on a single occurrence in five minutes and treats no data as fine: Latchkey is
 * quiet most of the day, and one of these is worth a look.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    // CloudWatch alarms can publish to an encrypted topic only with a customer managed key whose
    // policy lets CloudWatch use it: the AWS managed aws/sns key does not.
    const key = new kms.Key(this, 'AlertsKey', {
      description: 'Latchkey: encrypts the alerts topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Alerts', { displayName: 'Latchkey alerts', masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    // A pager or a Slack channel is subscribed outside the stack, so no subscriber is no error; but
    // a deploy whose alarms reach nobody should not look like one that pages the on-call.
    else Annotations.of(this).addWarningV2('latchkey:alarms-reach-nobody', NO_ALARM_SUBSCRIBER);

    const fromLogs = (logicalId: string, metricName: string, pattern: logs.IFilterPattern) => {
      new logs.MetricFilter(this, logicalId, {
        logGroup: props.logGroup,
        filterPattern: pattern,
        metricNamespace: LOG_NAMESPACE,
        metricName,
        metricValue: '1',
        defaultValue: 0,
      });
      return new cloudwatch.Metric({ namespace: LOG_NAMESPACE, metricName, statistic: 'Sum', period: Duration.minutes(5) });
    };
    const alerts = fromLogs('AlertLines', 'Alerts', logs.FilterPattern.booleanValue('$.alert', true));
    const fatal = fromLogs('FatalLines', 'Fatal', logs.FilterPattern.stringValue('$.level', '=', 'fatal'));
    // A security event, not a fault: someone may be using a person's Slack session. Its own alarm,
    // apart from the alert:true one, so that whoever watches for intrusions gets it.
    const pushRejected = fromLogs('PushRejectedLines', 'PushRejected', logs.FilterPattern.stringValue('$.securityEvent', '=', 'push_rejected'));
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    const asyncDropped = new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'AsyncEventsDropped',
      dimensionsMap: { FunctionName: props.handler.functionName },
      ...fiveMinutes,
    });

    const alarm = (logicalId: string, metric: cloudwatch.IMetric, description: string) => {
      const created = new cloudwatch.Alarm(this, logicalId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(created);
      return created;
    };
    alarm('AlertsAlarm', alerts, 'Latchkey logged an alert: an operator must act (the log line says what; docs/deploy.md, "Alerts").');
    alarm('FatalAlarm', fatal, 'Latchkey could not start: its secrets or configuration (the fatal log line says which).');
    alarm(
      'PushRejectedAlarm',
      pushRejected,
      'A push to a person\'s phone (the verify policy) was rejected: someone else may be using their Slack session. The log line (securityEvent push_rejected) names the Slack user; the person was told by DM (docs/deploy.md, "Alerts").',
    );
    alarm('ErrorsAlarm', props.handler.metricErrors(fiveMinutes), 'The Latchkey function failed an invocation.');
    alarm('ThrottlesAlarm', props.handler.metricThrottles(fiveMinutes), 'Lambda throttled Latchkey: its reserved concurrency was reached, and requests were refused.');
    alarm('AsyncEventsDroppedAlarm', asyncDropped, 'Lambda dropped a work order it could not run in time: someone may not have been told.');
    alarm('FailedWorkAlarm', props.failedWork.metricNumberOfMessagesSent(fiveMinutes), 'A work order failed (a crash, a timeout, or an instance that could not start); its person was told what happened (docs/deploy.md, "Failed work").');
    alarm(
      'FailedWorkDeadLettersAlarm',
      props.failedWorkDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      'A failed work order could not even be reported to its person: look at the dead-letter queue.',
    );

    const app = (metricName: string, dimensions: string[], label: string, statistic = 'Sum') =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${APP_NAMESPACE},${['service', ...dimensions].join(',')}} MetricName="${metricName}"', '${statistic}', 300)`,
        label,
        usingMetrics: {},
        period: Duration.minutes(5),
      });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
      new cloudwatch.GraphWidget({
        title: `Resets by credential (${props.credentials.join(', ')})`,
        left: [app('reset_started', ['credential'], 'started'), app('reset_succeeded', ['credential'], 'succeeded')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Reset failures by code', left: [app('reset_failed', ['code', 'credential'], 'failed')], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Refusals by code', left: [app('request_refused', ['action', 'code'], 'refused')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Limits reached', left: [app('limit_reached', ['credential', 'limit'], 'limit reached'), app('limit_reached', ['limit'], 'license limit')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'License decisions', left: [app('license_decision', ['decision'], 'decided')], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Pushes to phones (verify policy)',
        left: [
          app('push_sent', ['credential', 'verifier'], 'sent'),
          app('push_result', ['credential', 'result', 'verifier'], 'ended'),
          app('push_rejected', ['credential', 'verifier'], 'rejected'),
          pushRejected,
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Directory call latency (p99, ms)',
        left: [app('directory_call', ['credential', 'operation', 'outcome'], 'p99', 'p99')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Commands waiting for a place to be worked (p99, ms)',
        left: [app('work_queue_wait', [], 'p99', 'p99')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Triggers too old, work failed, alerts',
        left: [app('trigger_too_old', ['reason'], 'trigger too old'), app('work_failed', ['condition'], 'work failed'), alerts],
        width: 12,
      }),
    );
  }
}
