import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this module that holds package.json (src/, dist/ or dist-bench/src/). */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('countersign: cannot find the package root (package.json)');
    dir = up;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'migrations');
export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');
