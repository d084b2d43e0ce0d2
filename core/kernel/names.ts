// How a reader is named in messages — staff notices, reports, the bot — in one place.

/** A person's name: the full name, else the email, else `#id`. */
export function displayName(u: { first_name: string; last_name: string; email: string | null; id: number }): string {
  return `${u.first_name} ${u.last_name}`.trim() || u.email || `#${u.id}`;
}

/** `name (@username)` when the reader has a Telegram username (staff find them by it), else the name. */
export function nameWithUsername(name: string, username: string | null | undefined): string {
  return username ? `${name} (@${username})` : name;
}
