import { dependencySteps, percentile, summarize, type TimedCall } from '../../bench/stats';

describe('bench statistics', () => {
  it('percentiles are nearest-rank: always a sample that was really measured', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });

  it('summarize reports n, p50, p95, p99 and max, rounded to 0.1 ms', () => {
    expect(summarize([1.04, 2, 3, 4])).toEqual({ n: 4, p50: 2, p95: 4, p99: 4, max: 4 });
  });

  it('counts dependent calls: a call that started after another answered is a step after it', () => {
    const call = (operation: string, start: number, end: number): TimedCall => ({ service: 's', operation, start, end });
    // PutItem, then the reset, then views.update: three steps.
    const chain = dependencySteps([call('views.update', 100, 150), call('PutItem', 0, 50), call('Reset', 50, 100)]);
    expect(chain.depth).toBe(3);
    expect(chain.steps.map((s) => s.map((c) => c.operation))).toEqual([['PutItem'], ['Reset'], ['views.update']]);
    // Three calls at once, then one that waited for them: two steps.
    const fan = dependencySteps([call('a', 0, 50), call('b', 1, 51), call('c', 2, 52), call('d', 52, 102)]);
    expect(fan.depth).toBe(2);
    expect(fan.steps[0]!.map((c) => c.operation)).toEqual(['a', 'b', 'c']);
    expect(dependencySteps([]).depth).toBe(0);
  });
});
