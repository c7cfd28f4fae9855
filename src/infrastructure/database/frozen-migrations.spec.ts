import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const MIGRATIONS = join(__dirname, 'migrations');

describe('migrations', () => {
  it('are snapshots of their day: they import nothing but TypeORM (no live code of the service, no other migration)', () => {
    const imports: string[] = [];
    for (const dialect of readdirSync(MIGRATIONS)) {
      for (const file of readdirSync(join(MIGRATIONS, dialect))) {
        const source = readFileSync(join(MIGRATIONS, dialect, file), 'utf8');
        for (const match of source.matchAll(/^\s*import\s[^;]*?from\s+'([^']+)'/gm))
          if (match[1] !== 'typeorm') imports.push(`${dialect}/${file}: ${match[1]}`);
        for (const match of source.matchAll(/require\(\s*'([^']+)'\s*\)/g)) imports.push(`${dialect}/${file}: ${match[1]}`);
      }
    }
    expect(imports).toEqual([]);
  });
});
