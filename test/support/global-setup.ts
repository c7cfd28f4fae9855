import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Process-level tests run the built service exactly as `npm start` does, so build it once first. */
export default function globalSetup(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], {
    cwd: join(__dirname, '..', '..'),
    stdio: 'inherit',
  });
}
