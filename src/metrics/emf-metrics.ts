import { Metrics as Powertools, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName, Metrics } from '../flows/ports';

/**
 * Lambda's metrics: CloudWatch Embedded Metric Format lines on stdout, which CloudWatch Logs turns
 * into metrics in the `Latchkey` namespace, through Powertools for AWS Lambda. Each is written
 * the moment it happens (a single metric), so nothing waits for the end of the invocation, when
 * Lambda may freeze the process.
 */
export class EmfMetrics implements Metrics {
  private readonly powertools = new Powertools({ namespace: 'Latchkey', serviceName: 'latchkey' });

  count(name: MetricName, dimensions: Readonly<Record<string, string>> = {}): void {
    this.powertools.singleMetric().addDimensions({ ...dimensions }).addMetric(name, MetricUnit.Count, 1);
  }

  duration(name: MetricName, ms: number, dimensions: Readonly<Record<string, string>> = {}): void {
    this.powertools.singleMetric().addDimensions({ ...dimensions }).addMetric(name, MetricUnit.Milliseconds, ms);
  }
}
