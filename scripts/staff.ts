// npm run staff -- <email> [password]: creates a staff account or promotes an existing one.
import crypto from 'node:crypto';
import { openCli, fail } from './cli.js';
import { isDomainError } from '../core/errors.js';

const [email, given] = process.argv.slice(2);
if (!email) fail('Usage: npm run staff -- <email> [password]\n  Creates a staff account (a password is generated and printed if you give none) or promotes an existing account.');

const { core, close } = await openCli();
try {
  const existing = await core.deps.db.selectFrom('users').select('id').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  const password = given ?? (existing ? undefined : crypto.randomBytes(9).toString('base64url'));
  const { user, created } = await core.users.createOrPromoteStaff(email, password);
  console.log(created ? `Created staff account ${user.email} (id ${user.id}).` : `${user.email} (id ${user.id}) is now staff${given ? ' and has the new password' : ''}.`);
  if (created && !given) console.log(`Password (shown once): ${password}`);
} catch (e) {
  if (isDomainError(e)) fail(e.message);
  throw e;
} finally {
  await close();
}
