import { failed, passed, type SetupCheck } from '../doctor/setup-check';
import { asFailure } from '../flows/failure';
import type { Directory } from '../flows/ports';

/**
 * A credential's check() by the app's own read, for a directory reached with a token of its own
 * (Entra): a lookup of an address nobody has gets a token and proves it, the directory's
 * address and the right to read users, and changes nothing.
 */
export async function lookupCheck(
  directory: Pick<Directory, 'findCandidates'>,
  probe: string,
  what: { name: string; proves: string; fix: string },
): Promise<SetupCheck[]> {
  const { name } = what;
  try {
    await directory.findCandidates(probe);
    return [passed(name, what.proves)];
  } catch (err) {
    const failure = asFailure(err);
    const next = failure.code === 'DIRECTORY_MISCONFIGURED' ? what.fix : 'try again; if it persists, check the network path to the directory';
    return [failed(name, `${failure.detail ?? failure.code}: ${next}`)];
  }
}
