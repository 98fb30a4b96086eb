/**
 * A throw-away code-server (VS Code 1.100 in the browser, with a real Node extension host): fresh
 * user-data and extensions folders, a private HOME and XDG folders, quiet user settings. It runs in a
 * process group of its own, and `stop()` ends that whole group plus any process that still carries
 * our private HOME (extension hosts and language servers included), each by its process id.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodeServerOptions {
  /** The code-server entry script (out/node/entry.js of the installed package). */
  readonly entry: string;
  /** A fresh folder for everything this instance writes. */
  readonly root: string;
  /** Extra environment (e.g. NODE_OPTIONS) for code-server and its extension hosts. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The user settings that keep the workbench from stealing focus or asking questions mid-test. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'files.hotExit': 'off',
  'editor.hover.delay': 100,
  'workbench.reduceMotion': 'on',
  'window.restoreWindows': 'none',
} as const;

export class CodeServer {
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly home: string;
  private readonly env: NodeJS.ProcessEnv;
  private process: ChildProcess | undefined;
  private output = '';
  private baseUrl: string | undefined;

  constructor(private readonly options: CodeServerOptions) {
    const { root } = options;
    this.userDataDir = join(root, 'user-data');
    this.extensionsDir = join(root, 'extensions');
    this.home = join(root, 'home');
    const xdg = (name: string) => join(this.home, name);
    for (const dir of [this.userDataDir, this.extensionsDir, this.home, join(this.userDataDir, 'User')]) {
      mkdirSync(dir, { recursive: true });
    }
    writeFileSync(
      join(this.userDataDir, 'User', 'settings.json'),
      `${JSON.stringify(QUIET_SETTINGS, null, 2)}\n`,
    );
    this.env = {
      ...process.env,
      ...options.env,
      HOME: this.home,
      XDG_CONFIG_HOME: xdg('.config'),
      XDG_DATA_HOME: xdg('.local/share'),
      XDG_CACHE_HOME: xdg('.cache'),
      XDG_STATE_HOME: xdg('.local/state'),
      XDG_RUNTIME_DIR: xdg('.run'),
      // code-server reads these: keep a developer's own settings out.
      PASSWORD: '',
      VSCODE_PROXY_URI: '',
    };
    mkdirSync(xdg('.run'), { recursive: true, mode: 0o700 });
  }

  private commonArgs(): string[] {
    return [
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      this.userDataDir,
      '--extensions-dir',
      this.extensionsDir,
      '--config',
      join(this.home, 'code-server.yaml'),
    ];
  }

  /** `code-server --install-extension` into this instance's extensions folder; returns its output. */
  installExtension(vsix: string): string {
    writeFileSync(join(this.home, 'code-server.yaml'), 'auth: none\ncert: false\n');
    const result = spawnSync(
      process.execPath,
      [this.options.entry, ...this.commonArgs(), '--install-extension', vsix],
      {
        env: this.env,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    const output = `${result.stdout}${result.stderr}`;
    if (result.status !== 0) throw new Error(`installing ${vsix} failed (exit ${result.status}):\n${output}`);
    return output;
  }

  /** Starts serving on a free loopback port; resolves with the base URL once it listens. */
  async start(timeoutMs = 60_000): Promise<string> {
    writeFileSync(join(this.home, 'code-server.yaml'), 'auth: none\ncert: false\n');
    const child = spawn(
      process.execPath,
      [this.options.entry, ...this.commonArgs(), '--bind-addr', '127.0.0.1:0', '--auth', 'none'],
      { env: this.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process = child;
    this.baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`code-server did not listen within ${timeoutMs} ms:\n${this.output}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(this.output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${this.output}`));
      });
    });
    return this.baseUrl;
  }

  /** The server's log so far (for failure reports). */
  get log(): string {
    return this.output;
  }

  /**
   * The workbench URL for a folder; with `payload`, an extension development window
   * (`extensionDevelopmentPath`, `extensionTestsPath` as absolute paths on this machine).
   */
  workbenchUrl(
    folder: string,
    payload?: { extensionDevelopmentPath: string; extensionTestsPath: string },
  ): string {
    if (!this.baseUrl) throw new Error('code-server is not started');
    const url = new URL(this.baseUrl);
    url.searchParams.set('folder', folder);
    if (payload) {
      const remote = (path: string) => `vscode-remote://${url.host}${path}`;
      url.searchParams.set(
        'payload',
        JSON.stringify([
          ['extensionDevelopmentPath', remote(payload.extensionDevelopmentPath)],
          ['extensionTestsPath', remote(payload.extensionTestsPath)],
        ]),
      );
    }
    return url.toString();
  }

  /**
   * Synchronous last resort for an interrupted run (signal, crash, closed stdout): SIGKILL to the
   * group and to every process with our private HOME.
   */
  killNow(): void {
    const pid = this.process?.pid;
    if (pid) signalGroup(pid, 'SIGKILL');
    for (const other of processesWithHome(this.home)) signal(other, 'SIGKILL');
  }

  /**
   * Ends code-server's process group, then any process left with our private HOME (a process that
   * started a group of its own), each by pid; waits until none is left. Returns the pids it had to
   * end after the group, for the report.
   */
  async stop(timeoutMs = 10_000): Promise<number[]> {
    const child = this.process;
    if (!child?.pid) return [];
    const group = child.pid;
    signalGroup(group, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    const stragglers = new Set<number>();
    for (;;) {
      const left = [...new Set([...processesInGroup(group), ...processesWithHome(this.home)])];
      if (left.length === 0) break;
      if (Date.now() > deadline) {
        for (const pid of left) {
          stragglers.add(pid);
          signal(pid, 'SIGKILL');
        }
        signalGroup(group, 'SIGKILL');
        if (Date.now() > deadline + 5_000)
          throw new Error(`processes left after stopping code-server: ${left.join(', ')}`);
      } else {
        for (const pid of processesWithHome(this.home)) {
          if (!processesInGroup(group).includes(pid)) {
            stragglers.add(pid);
            signal(pid, 'SIGTERM');
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100)); // polling the process table, not a test wait
    }
    this.process = undefined;
    return [...stragglers];
  }
}

function signalGroup(group: number, name: NodeJS.Signals): void {
  try {
    process.kill(-group, name);
  } catch {
    // the group is gone
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone
  }
}

function procEntries(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** Live (not zombie) processes whose process group is `group`. */
function processesInGroup(group: number): number[] {
  return procEntries().filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[0] !== 'Z' && Number(fields[2]) === group;
    } catch {
      return false;
    }
  });
}

/** Live processes whose environment has HOME=`home` (ours: nothing else uses that folder). */
function processesWithHome(home: string): number[] {
  const needle = `\0HOME=${home}\0`;
  return procEntries().filter((pid) => {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')) return false;
      return `\0${readFileSync(`/proc/${pid}/environ`, 'utf8')}`.includes(needle);
    } catch {
      return false;
    }
  });
}
