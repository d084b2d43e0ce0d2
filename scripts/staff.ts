// npm run staff -- <email> [password] [--promote]: creates a staff account; an email that has an
// account already is refused unless --promote is given (then: a new password, every earlier
// session ended). The rule is core's (core.users.createOrPromoteStaff); this only translates.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { SYSTEM_ACTOR } from '../core/index.js';
import { isDomainError } from '../core/kernel/index.js';
import { fail, openCli } from './cli.js';

const USAGE = `Usage: npm run staff -- <email> [password] [--promote]
  Creates a staff account with the password given ("-" reads it from standard input) or a
  generated one, printed once. An email that already has an account is refused, unless
  --promote is given: then that account becomes staff with the given or a generated password,
  and every earlier session of it ends.`;

let args: ReturnType<
  typeof parseArgs<{
    args: string[];
    options: { promote: { type: 'boolean'; default: false } };
    allowPositionals: true;
    strict: true;
  }>
>;
try {
  args = parseArgs({
    args: process.argv.slice(2),
    options: { promote: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
} catch (e) {
  fail(`${(e as Error).message}\n${USAGE}`);
}
const [email, given, ...extra] = args.positionals;
if (!email || extra.length > 0) fail(USAGE);
const promote = args.values.promote === true;

/** "-": the first line of standard input (so the password stays out of shell history and ps). */
function passwordFrom(value: string | undefined): string | undefined {
  if (value !== '-') return value;
  const line = fs.readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
  if (!line) fail('No password on standard input.');
  return line;
}
const password = passwordFrom(given);

const { core, close } = await openCli();
try {
  const { user, created, promoted, generatedPassword } = await core.users.createOrPromoteStaff(SYSTEM_ACTOR, email, password, {
    promote,
  });
  if (created) console.log(`Created staff account ${user.email} (id ${user.id}).`);
  else {
    console.log(`Promoted the account of ${promoted!.name} (${user.email}, id ${user.id}, created ${promoted!.created_at}).`);
    console.log(`${user.email} is now staff with a new password; every earlier session of it has ended.`);
  }
  if (generatedPassword) console.log(`Password (shown once): ${generatedPassword}`);
} catch (e) {
  if (isDomainError(e) && e.code === 'ACCOUNT_EXISTS') {
    const d = e.details;
    fail(
      `${email.trim().toLowerCase()} already has ${d.is_staff ? 'a staff' : 'a reader'} account: ${d.name}, created ${d.created_at}. Nothing changed.\n` +
        'Whoever registered it chose its password and may be logged in. To make it staff anyway, with a new password\n' +
        'and every earlier session ended, run again with --promote.',
    );
  }
  if (isDomainError(e)) fail(e.message);
  throw e;
} finally {
  await close();
}
