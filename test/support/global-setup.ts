import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Process-level tests run the built service exactly as `npm start` does (console included), so build it once first. */
export default function globalSetup(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [join(ROOT, 'console', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
}
