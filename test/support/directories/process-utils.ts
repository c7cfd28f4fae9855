/**
 * Process helpers shared by the OpenLDAP and Samba AD harnesses: locating the
 * server binaries, running short-lived commands, supervising the long-running
 * server processes and probing TCP ports / LDAP binds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import * as path from 'node:path';
import { Client } from 'ldapts';

export const INSTALL_HINT = 'Run scripts/install-directory-servers.sh (as root) to install the directory servers used by the e2e tests.';

/** Raised when a server binary is missing; the message tells how to install it. */
export class DirectoryServerNotInstalledError extends Error {
  constructor(missing: string[]) {
    super(`Directory server binaries not found: ${missing.join(', ')}. ${INSTALL_HINT}`);
    this.name = 'DirectoryServerNotInstalledError';
  }
}

// /usr/sbin is not on PATH for every non-root or non-login shell, but that is
// where Debian puts slapd, slapadd and samba.
const EXTRA_BIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/bin', '/bin'];

function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_BIN_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here, keep looking
    }
  }
  return undefined;
}

/** Resolves every binary to an absolute path or throws {@link DirectoryServerNotInstalledError}. */
export function resolveBinaries<T extends string>(names: readonly T[]): Record<T, string> {
  const resolved = {} as Record<T, string>;
  const missing: string[] = [];
  for (const name of names) {
    const found = findBinary(name);
    if (found) resolved[name] = found;
    else missing.push(name);
  }
  if (missing.length > 0) throw new DirectoryServerNotInstalledError(missing);
  return resolved;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin (e.g. LDIF for ldapmodify). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs a command to completion; rejects with stdout/stderr in the message on a non-zero exit. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const { input, env, cwd, timeoutMs = 120_000 } = options;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      if (code === 0) {
        resolve(result);
        return;
      }
      const shownArgs = redactArgs(args).join(' ');
      reject(
        new Error(
          `${path.basename(command)} ${shownArgs} exited with ${code ?? signal}` +
            `\n--- stderr ---\n${tail(result.stderr)}\n--- stdout ---\n${tail(result.stdout)}`,
        ),
      );
    });
    // Ignore EPIPE if the command exits before reading all of its input;
    // the exit code reports the real problem.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Hides passwords (`-w secret`, `-U user%secret`) before a command line goes into an error message. */
function redactArgs(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    if (i > 0 && (args[i - 1] === '-w' || args[i - 1] === '--adminpass')) return '***';
    if (arg.startsWith('--adminpass=')) return '--adminpass=***';
    if (args[i - 1] === '-U' && arg.includes('%')) return `${arg.slice(0, arg.indexOf('%'))}%***`;
    return arg;
  });
}

export function tail(text: string, maxChars = 4000): string {
  return text.length <= maxChars ? text : `...${text.slice(-maxChars)}`;
}

export function readLogTail(file: string, maxChars = 4000): string {
  try {
    return tail(readFileSync(file, 'utf8'), maxChars);
  } catch {
    return '(no log)';
  }
}

// --- supervised server processes -------------------------------------------

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Last line of defence if a test run dies without calling stop(): kill every
 * server process group this module started. 'exit' handlers must be
 * synchronous, which process.kill is.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid = the whole process group (the child was spawned detached,
    // so it leads its own group and any helper it forks is in it too).
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** SIGTERM the process group, wait up to `graceMs`, then SIGKILL and wait again. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnServerOptions {
  /** stdout+stderr of the server are appended to this file. */
  logFile: string;
  /**
   * Keep a pipe on the server's stdin. `samba -i` exits as soon as stdin
   * reaches EOF, so it needs an open pipe; as a bonus, samba then dies by
   * itself if the Jest process is killed.
   */
  keepStdinOpen?: boolean;
  env?: NodeJS.ProcessEnv;
}

export function spawnServer(command: string, args: readonly string[], options: SpawnServerOptions): ServerProcess {
  installExitHook();
  const logFd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      detached: true, // own process group, so stop() can kill helpers too
      env: options.env ?? process.env,
      stdio: [options.keepStdinOpen ? 'pipe' : 'ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd); // the child has its own copy of the descriptor
  }
  liveChildren.add(child);
  child.stdin?.on('error', () => undefined);
  // A server someone forgot to stop must not keep Jest alive ("did not exit
  // one second after the test run"); the exit hook above kills it instead.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();

  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null): void => {
      exitedFlag = true;
      liveChildren.delete(child);
      resolve({ code, signal });
    };
    child.once('exit', done);
    child.once('error', () => done(null, null));
  });

  const waitFor = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void exited.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });

  return {
    child,
    exited,
    hasExited: () => exitedFlag,
    async stop(graceMs = 10_000): Promise<void> {
      if (exitedFlag) return;
      killGroup(child, 'SIGTERM');
      child.stdin?.end();
      if (await waitFor(graceMs)) return;
      killGroup(child, 'SIGKILL');
      if (!(await waitFor(5_000))) {
        throw new Error(`${path.basename(command)} (pid ${child.pid}) did not exit after SIGKILL`);
      }
    },
  };
}

// --- ports and readiness ------------------------------------------------------

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

/** True if something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const finish = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export async function waitForPortClosed(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await isPortOpen(port, host)) {
    if (Date.now() > deadline) throw new Error(`port ${host}:${port} still accepts connections after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** `ss` output describing who listens on a port, for error messages. */
export async function describePortOwner(port: number): Promise<string> {
  try {
    const { stdout } = await run('ss', ['-ltnp', `sport = :${port}`], { timeoutMs: 5000 });
    return stdout.trim();
  } catch {
    return '(ss not available)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One simple bind with ldapts; resolves on success, rejects with the LDAP/socket error. */
export async function tryBind(url: string, bindDn: string, password: string): Promise<void> {
  const client = new Client({ url, connectTimeout: 1000, timeout: 3000 });
  try {
    await client.bind(bindDn, password);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/**
 * Polls until a simple bind succeeds. Fails early, with the server log, if the
 * server process exits in the meantime.
 */
export async function waitForBind(params: {
  url: string;
  bindDn: string;
  password: string;
  server: ServerProcess;
  logFile: string;
  timeoutMs: number;
  name: string;
}): Promise<void> {
  const deadline = Date.now() + params.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (params.server.hasExited()) {
      const { code, signal } = await params.server.exited;
      throw new Error(`${params.name} exited during startup (${code ?? signal}).\n--- log ---\n${readLogTail(params.logFile)}`);
    }
    try {
      await tryBind(params.url, params.bindDn, params.password);
      return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${params.name} did not accept a bind at ${params.url} within ${params.timeoutMs} ms ` +
          `(last error: ${String(lastError)}).\n--- log ---\n${readLogTail(params.logFile)}`,
      );
    }
    await sleep(100);
  }
}
