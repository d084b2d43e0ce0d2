// npm run staff -- <email> [password]: creates a staff account or promotes an existing one.
import { openCli, fail } from './cli.js';
import { isDomainError } from '../core/errors.js';
import { SYSTEM_ACTOR } from '../core/index.js';

const [email, given] = process.argv.slice(2);
if (!email) fail('Usage: npm run staff -- <email> [password]\n  Creates a staff account (a password is generated and printed if you give none) or promotes an existing account.');

const { core, close } = await openCli();
try {
  const { user, created, generatedPassword } = await core.users.createOrPromoteStaff(SYSTEM_ACTOR, email, given);
  console.log(created ? `Created staff account ${user.email} (id ${user.id}).` : `${user.email} (id ${user.id}) is now staff${given ? ' and has the new password' : ''}.`);
  if (generatedPassword) console.log(`Password (shown once): ${generatedPassword}`);
} catch (e) {
  if (isDomainError(e)) fail(e.message);
  throw e;
} finally {
  await close();
}
