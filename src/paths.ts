import { fileURLToPath } from 'node:url';

/** The package root: src/ and dist/ both sit one level below it. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates', import.meta.url));
