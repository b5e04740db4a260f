/**
 * The verifier finds the person's Okta user by the same exact match as every directory (issue 26
 * §2.7): Okta compares case-insensitively, so its search for kim@… also answers the user whose
 * address is spelled with the Kelvin sign (U+212A), which toLowerCase() folds to `k`. A push must
 * never go to a look-alike's phone.
 */
import { startOktaSimulator, type OktaSimulator } from '../../src/credentials/okta-stand-in';
import { httpFetch } from '../../src/http/fetch';
import { OktaVerify } from '../../src/verifiers/okta/okta-verify';

const push = (id: string) => ({ id: `opf${id}`, factorType: 'push', provider: 'OKTA', status: 'ACTIVE' as const });

let okta: OktaSimulator;
afterEach(() => okta?.close());

it('a look-alike spelled with the Kelvin sign is not the person asking', async () => {
  okta = await startOktaSimulator({ users: [{ id: '00ukelvin', email: '\u212Aim@example.com', status: 'ACTIVE', factors: [push('kelvin')] }] });
  const verifier = new OktaVerify(httpFetch(), okta.url, okta.token);
  expect(await verifier.find('kim@example.com')).toBeUndefined();
});

it('the person asking, in another ASCII case, is found with their push factor', async () => {
  okta = await startOktaSimulator({ users: [{ id: '00ukim', email: 'Kim@Example.com', status: 'ACTIVE', factors: [push('kim')] }] });
  const verifier = new OktaVerify(httpFetch(), okta.url, okta.token);
  expect(await verifier.find('kim@example.com')).toEqual({ userId: '00ukim', factorId: 'opfkim', factorType: 'push' });
});
