import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const DEPLOY = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The object literal sets `alert: true`, itself or in a spread (`...(failure.needsOperator && { alert: true })`). */
function setsAlert(node: ts.Node): boolean {
  if (ts.isPropertyAssignment(node) && node.name.getText() === 'alert' && node.initializer.kind === ts.SyntaxKind.TrueKeyword) return true;
  return ts.forEachChild(node, (child) => (setsAlert(child) ? true : undefined)) ?? false;
}

/**
 * Every log line src/ writes with `alert: true`, by its message (`logger.error({ …, alert: true }, 'message')`):
 * the words an operator paged at night reads. A template message is known by its fixed start.
 */
function alertMessages(): { message: string; where: string; template: boolean }[] {
  const found: { message: string; where: string; template: boolean }[] = [];
  for (const file of tsFiles(join(ROOT, 'src'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments.length >= 2) {
        const [fields, message] = node.arguments;
        if (ts.isObjectLiteralExpression(fields!) && setsAlert(fields)) {
          const where = `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
          if (ts.isStringLiteral(message!) || ts.isNoSubstitutionTemplateLiteral(message!)) found.push({ message: message.text, where, template: false });
          else if (ts.isTemplateExpression(message!)) found.push({ message: message.head.text.trimEnd(), where, template: true });
          else throw new Error(`${where}: an alert line whose message is not written out`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** docs/deploy.md's "Alerts: who gets what", up to the next section: its code spans. */
function runbookSpans(): string[] {
  const start = DEPLOY.indexOf('### Alerts: who gets what');
  const end = DEPLOY.indexOf('\n### ', start + 1);
  return [...DEPLOY.slice(start, end).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
}

describe('the on-call runbook (docs/deploy.md, "Alerts: who gets what")', () => {
  const alerts = alertMessages();

  it('finds the alert lines in src/', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(14);
    expect(alerts.map((a) => a.message)).toContain('reset failed: operator action needed');
  });

  it.each(alerts.map((a) => [a.message, a.where, a.template] as const))('names the alert line "%s" (%s) with its words, as the log writes them', (message, _where, template) => {
    const spans = runbookSpans();
    expect(spans.some((span) => (template ? span.startsWith(message) : span === message))).toBe(true);
  });
});

/** What the stack makes (infra/lib/monitoring.ts): its alarms, and the metrics it derives from log lines. */
const MONITORING = readFileSync(join(ROOT, 'infra', 'lib', 'monitoring.ts'), 'utf8');
const ALARMS = [...MONITORING.matchAll(/\balarm\(\s*'(\w+)'/g)].map((m) => m[1]!);
const LOG_METRICS = [...MONITORING.matchAll(/\bfromLogs\(\s*'\w+',\s*'(\w+)'/g)].map((m) => m[1]!);
const NUMBER_WORDS = ['none', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

describe("docs/deploy.md's count of what the stack makes (it said seven alarms and two log metrics when there were eight and three)", () => {
  it('finds the alarms and log metrics in infra/lib/monitoring.ts', () => {
    expect(ALARMS).toContain('AlertsAlarm');
    expect(LOG_METRICS).toContain('Alerts');
  });

  it.each(ALARMS)('has a runbook row for %s', (alarm) => {
    expect(DEPLOY).toMatch(new RegExp(`^\\| \`${alarm}\` \\|`, 'm'));
  });

  it('counts the alarms in the resource table and in what they cost', () => {
    const n = ALARMS.length;
    const word = NUMBER_WORDS[n]!;
    expect(DEPLOY).toContain(`| Metric filters, ${word} alarms, a dashboard |`);
    expect(DEPLOY).toContain(`| ${word[0]!.toUpperCase()}${word.slice(1)} alarms | ${n} × $0.10 | $${(n * 0.1).toFixed(2)} |`);
  });

  it('counts and names the log-derived metrics in what they cost', () => {
    const n = LOG_METRICS.length;
    const word = NUMBER_WORDS[n]!;
    const names = LOG_METRICS.map((m) => `\`${m}\``).join(', ');
    expect(DEPLOY).toContain(`| ${word[0]!.toUpperCase()}${word.slice(1)} log-derived metrics (${names}) | ${n} × $0.30 | $${(n * 0.3).toFixed(2)} |`);
  });
});
