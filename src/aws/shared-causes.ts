import type { SetupCheck } from '../doctor/setup-check';
import { unresolvedHost, unresolvedHostLine } from '../doctor/unresolved-host';
import { networkErrorCode } from '../http/network-errors';
import { NO_AWS_CREDENTIALS, noAwsCredentials } from './no-credentials';

/** Errors by which AWS refuses the process's credentials themselves, whichever service is called. */
const REFUSED_CREDENTIALS = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredTokenException', 'ExpiredToken', 'InvalidSignatureException', 'SignatureDoesNotMatch']);

/**
 * Where a cause is said, for the step after what to check: a setup check's line (the doctor, the
 * Home tab's Setup check) is run again; a start's problems end with the start's own last line
 * ("Fix it, then start Latchkey again": describeStartFailure), so no line of them says a step of its own.
 */
export type SaidIn = 'check' | 'start';

/**
 * What fails every AWS call alike, whichever service it goes to: no credentials, credentials AWS
 * refuses, no usable region, no answer. The checks that meet it (the tables, the AWS directories)
 * give it as their line's cause, and the doctor says it once, with what it affects; so does the
 * start, for its tables (`saidIn`: 'start').
 */
export function awsCause(err: unknown, saidIn: SaidIn = 'check'): SetupCheck['cause'] {
  const e = (err ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (noAwsCredentials(err)) return { name: 'AWS credentials', detail: NO_AWS_CREDENTIALS };
  if (e.name && REFUSED_CREDENTIALS.has(e.name)) {
    return { name: 'AWS credentials', detail: `AWS refused the process's credentials (${e.name}): give it valid ones (a session that expired: sign in again), and check AWS_REGION` };
  }
  const region = regionProblem(e.message);
  if (region) return { name: 'AWS region', detail: `${region}: set AWS_REGION to your AWS region, the one your DynamoDB tables are in (such as eu-west-1)` };
  if (e.$metadata?.httpStatusCode !== undefined) return undefined;
  // No answer at all. A host DNS cannot find is said with its name: two such hosts are two problems.
  const unresolved = unresolvedHost(err);
  if (unresolved) return { name: 'AWS network address', detail: unresolvedHostLine(unresolved, 'the AWS_ENDPOINT_URL_… you set, or the region in AWS_REGION it is made from').detail };
  const code = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'no answer in time' : networkErrorCode(err);
  if (!/ E[A-Z0-9_]+$|no answer in time$/.test(code)) return undefined;
  return {
    name: 'AWS network',
    detail: `AWS did not answer (${code}): check this machine's network path to AWS (a proxy, a firewall, the VPC's endpoints or NAT gateway), AWS_REGION, and any AWS_ENDPOINT_URL_… you set${saidIn === 'check' ? '; then run the check again' : ''}`,
  };
}

/** The SDK's own words for a region it cannot use ("Region is missing"; "Region not accepted: region=\"eu west 1\" is …"). */
function regionProblem(message: string | undefined): string | undefined {
  if (message === 'Region is missing') return 'no AWS region is set';
  const invalid = /^Region not accepted: region="([^"]*)" is not a valid hostname component/.exec(message ?? '');
  if (!invalid) return undefined;
  const region = invalid[1]!;
  return region.trim() === '' ? 'no AWS region is set' : `the AWS region ${JSON.stringify(region.slice(0, 40))} is not the name of one`;
}
