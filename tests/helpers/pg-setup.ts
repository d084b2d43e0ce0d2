// Setup file of the PostgreSQL project: the file's server (PGlite or a throwaway database) ends
// after the file's last test, whatever opened it.
import { afterAll } from 'vitest';
import { closePostgresWorlds } from './pg-worlds.js';

afterAll(closePostgresWorlds);
