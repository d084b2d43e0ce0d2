// How a reader is named in messages: one function for the name, one for "name (@username)".
import { describe, expect, it } from 'vitest';
import { displayName, nameWithUsername } from '../../core/kernel/names.js';

describe("a reader's display name", () => {
  it('is the full name, else the email, else #id', () => {
    expect(displayName({ first_name: 'Olena', last_name: 'Koval', email: 'o@example.test', id: 7 })).toBe('Olena Koval');
    expect(displayName({ first_name: 'Olena', last_name: '', email: null, id: 7 })).toBe('Olena');
    expect(displayName({ first_name: ' ', last_name: '', email: 'o@example.test', id: 7 })).toBe('o@example.test');
    expect(displayName({ first_name: '', last_name: '', email: null, id: 7 })).toBe('#7');
  });

  it('adds the Telegram @username when there is one', () => {
    expect(nameWithUsername('Olena Koval', 'olena_reads')).toBe('Olena Koval (@olena_reads)');
    expect(nameWithUsername('Olena Koval', null)).toBe('Olena Koval');
    expect(nameWithUsername('Olena Koval', undefined)).toBe('Olena Koval');
    expect(nameWithUsername('Olena Koval', '')).toBe('Olena Koval');
  });
});
