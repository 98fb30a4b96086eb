#!/usr/bin/env node
// @ts-check
/**
 * Installs a pinned code-server (VS Code in a browser, with a real Node extension host) for the
 * end-to-end tests, from the npm registry only, into a cache folder outside the repository:
 *
 *   ${NETPOL_SCOPE_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-~/.cache}/netpol-scope/code-server-4.100.3}
 *
 *   node scripts/install-code-server.mjs              install (skipped when installed and working)
 *   node scripts/install-code-server.mjs --print-dir  print the install folder and exit
 *   node scripts/install-code-server.mjs --force      reinstall
 *
 * code-server 4.100.3 bundles VS Code 1.100.3 and is the last line that runs on Node 20. Installing it
 * without network access beyond the registry needs (see shared/notes/vscode-e2e.md):
 *  1. npm_config_unsafe_perm=true: its postinstall refuses to run as root otherwise;
 *  2. npm_config_yes=true: node-pty's install runs `npx node-gyp`;
 *  3. @vscode/ripgrep's postinstall downloads `rg` from GitHub unless its archive is already in its
 *     cache folder ($TMPDIR/vscode-ripgrep-cache-<package version>/ripgrep-<VERSION>-<target>.tar.gz):
 *     we read both versions from the packages themselves and put Debian's `rg` there;
 *  4. libkrb5-dev: the `kerberos` module is built from source.
 * npm 11 also runs dependency install scripts only when allowed: the packages that have one are read
 * from code-server's shrinkwraps and allowed by name in `allowScripts` (ours and code-server's nested
 * package.json files, since npm refuses allow-scripts from the environment in project installs).
 *
 * The install goes to a temporary sibling folder that is renamed into place only once
 * `code-server --version` works, so a failed or interrupted install never looks installed.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  openSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { arch, homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const VSCODE_VERSION = '1.100.3';

/** Where code-server is (or will be) installed. */
export function codeServerDir() {
  const override = process.env.NETPOL_SCOPE_CODE_SERVER_DIR;
  if (override) return override;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'netpol-scope', `code-server-${CODE_SERVER_VERSION}`);
}

/** The code-server entry point inside an install folder (run it with `node`). */
export function codeServerEntry(dir = codeServerDir()) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

const log = (/** @type {string} */ message) => console.log(`[install-code-server] ${message}`);

class InstallError extends Error {}

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  throw new InstallError(message);
}

/** @param {string} command */
function onPath(command) {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, command))
    .find((file) => existsSync(file));
}

/**
 * Runs a command and fails with its exit status. Its output is captured (and returned), or appended
 * to a log file whose end is shown on failure.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, logFile?: string, what: string }} options
 */
function run(command, args, options) {
  const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  try {
    const result = spawnSync(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) fail(`${options.what}: could not run ${command}: ${result.error.message}`);
    if (result.status !== 0) {
      const output = options.logFile
        ? `\n--- last lines of ${options.logFile} ---\n${tail(options.logFile, 40)}`
        : `\n${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd();
      fail(`${options.what} failed (${command} ${args.join(' ')} exited with ${result.status})${output}`);
    }
    return result.stdout ?? '';
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
}

/** @param {string} file @param {number} lines */
function tail(file, lines) {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** `code-server --version` of an install folder, or undefined when it does not run. */
function installedVersion(/** @type {string} */ dir) {
  const entry = codeServerEntry(dir);
  if (!existsSync(entry)) return undefined;
  // A throw-away HOME: code-server writes a default config there.
  const home = mkdtempSync(join(tmpdir(), 'netpol-cs-home-'));
  const result = spawnSync(process.execPath, [entry, '--version'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.data'),
    },
  });
  rmSync(home, { recursive: true, force: true });
  if (result.status !== 0) return undefined;
  return result.stdout.trim().split('\n').pop();
}

function checkPrerequisites() {
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor !== 20) {
    fail(
      `code-server ${CODE_SERVER_VERSION} needs Node.js 20 (its postinstall checks), this is ${process.version}.`,
    );
  }
  if (process.platform !== 'linux') fail(`this installer supports Linux only (found ${process.platform}).`);
  /** @type {string[]} */
  const missing = [];
  if (!onPath('rg')) missing.push('ripgrep (`rg`, used instead of the download of @vscode/ripgrep)');
  if (!onPath('krb5-config') && !existsSync('/usr/include/gssapi/gssapi.h')) {
    missing.push('libkrb5-dev (the kerberos module is built from source)');
  }
  for (const tool of ['make', 'g++', 'python3', 'tar']) {
    if (!onPath(tool)) missing.push(`${tool} (native modules are built with node-gyp)`);
  }
  if (missing.length > 0) {
    fail(
      `missing prerequisites:\n  - ${missing.join('\n  - ')}\n` +
        'On Debian/Ubuntu: apt-get install -y ripgrep libkrb5-dev build-essential python3',
    );
  }
}

/**
 * Downloads a registry package tarball (`npm pack`) and extracts the listed files from it.
 * @param {string} spec
 * @param {string} into
 * @param {string[]} files paths inside the package, without the leading `package/`
 */
function packageFiles(spec, into, files) {
  mkdirSync(into, { recursive: true });
  const out = run('npm', ['pack', spec, '--pack-destination', into, '--silent', '--json'], {
    what: `npm pack ${spec}`,
  });
  /** @type {Array<{ filename: string }>} */
  const packed = JSON.parse(out.slice(out.indexOf('[')));
  const tarball = join(into, packed[0]?.filename ?? fail(`npm pack ${spec} printed no file name`));
  run('tar', ['-xzf', tarball, '-C', into, ...files.map((f) => `package/${f}`)], {
    what: `extracting ${files.join(', ')} from ${spec}`,
  });
  return join(into, 'package');
}

/**
 * Packages with an install script in a shrinkwrap (`hasInstallScript`), by name.
 * @param {string} file
 */
function installScriptPackages(file) {
  /** @type {{ packages?: Record<string, { hasInstallScript?: boolean, version?: string }> }} */
  const shrinkwrap = JSON.parse(readFileSync(file, 'utf8'));
  return Object.entries(shrinkwrap.packages ?? {})
    .filter(([path, info]) => path !== '' && info.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
}

/** The `rg` target name @vscode/ripgrep's postinstall uses on this machine. */
function ripgrepTarget() {
  switch (arch()) {
    case 'x64':
      return 'x86_64-unknown-linux-musl';
    case 'arm64':
      return 'aarch64-unknown-linux-musl';
    default:
      return fail(`no known @vscode/ripgrep target for architecture ${arch()}`);
  }
}

/**
 * Puts Debian's `rg` where @vscode/ripgrep's postinstall looks for a cached download.
 * @param {string} work scratch folder
 * @param {string} npmTmp the TMPDIR that npm's scripts will see
 * @param {string} vscodeShrinkwrap lib/vscode/npm-shrinkwrap.json of code-server
 */
function seedRipgrepCache(work, npmTmp, vscodeShrinkwrap) {
  /** @type {{ packages: Record<string, { version?: string }> }} */
  const shrinkwrap = JSON.parse(readFileSync(vscodeShrinkwrap, 'utf8'));
  const pkgVersion =
    shrinkwrap.packages['node_modules/@vscode/ripgrep']?.version ??
    fail('code-server no longer depends on @vscode/ripgrep: update scripts/install-code-server.mjs');
  const pkg = packageFiles(`@vscode/ripgrep@${pkgVersion}`, join(work, 'ripgrep'), ['lib/postinstall.js']);
  const postinstall = readFileSync(join(pkg, 'lib', 'postinstall.js'), 'utf8');
  const version =
    /const VERSION = '([^']+)'/.exec(postinstall)?.[1] ??
    fail(`cannot read VERSION from @vscode/ripgrep@${pkgVersion}/lib/postinstall.js`);
  const asset = `ripgrep-${version}-${ripgrepTarget()}.tar.gz`;
  const cacheDir = join(npmTmp, `vscode-ripgrep-cache-${pkgVersion}`);
  mkdirSync(cacheDir, { recursive: true });
  const staging = join(work, 'rg-archive');
  mkdirSync(staging, { recursive: true });
  const rg = onPath('rg') ?? fail('rg is not on PATH');
  copyFileSync(rg, join(staging, 'rg'));
  chmodSync(join(staging, 'rg'), 0o755);
  run('tar', ['-czf', join(cacheDir, asset), '-C', staging, 'rg'], { what: 'packing rg' });
  log(`@vscode/ripgrep ${pkgVersion} wants ${asset}: seeded it with ${rg}`);
}

export function install({ force = false } = {}) {
  const dir = codeServerDir();
  const started = Date.now();
  if (!force) {
    const version = installedVersion(dir);
    if (version?.startsWith(CODE_SERVER_VERSION)) {
      log(`code-server ${CODE_SERVER_VERSION} is installed in ${dir} (${version}): nothing to do.`);
      return dir;
    }
    if (existsSync(dir)) log(`${dir} exists but code-server does not run there: reinstalling.`);
  }
  checkPrerequisites();
  log(`installing code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) into ${dir}`);

  mkdirSync(dirname(dir), { recursive: true });
  const staging = `${dir}.partial-${process.pid}`;
  const work = mkdtempSync(join(tmpdir(), 'netpol-cs-install-'));
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const npmTmp = join(work, 'tmp');
    mkdirSync(npmTmp);
    const logFile = `${dir}.install.log`;
    writeFileSync(
      logFile,
      `install of code-server ${CODE_SERVER_VERSION} started ${new Date().toISOString()}\n`,
    );

    log('1/4 reading code-server and @vscode/ripgrep from the npm registry');
    const shrinkwraps = [
      'npm-shrinkwrap.json',
      'lib/vscode/npm-shrinkwrap.json',
      'lib/vscode/extensions/npm-shrinkwrap.json',
    ];
    const cs = packageFiles(`code-server@${CODE_SERVER_VERSION}`, join(work, 'code-server'), shrinkwraps);
    const allowed = [
      'code-server',
      ...new Set(shrinkwraps.flatMap((file) => installScriptPackages(join(cs, file)))),
    ];
    log(`install scripts allowed for: ${allowed.join(', ')}`);

    log('2/4 seeding the @vscode/ripgrep download cache with the system rg');
    seedRipgrepCache(work, npmTmp, join(cs, 'lib/vscode/npm-shrinkwrap.json'));

    log(`3/4 npm install (builds native modules; about a minute; output in ${logFile})`);
    writeFileSync(
      join(staging, 'package.json'),
      `${JSON.stringify(
        {
          name: 'netpol-scope-code-server',
          private: true,
          description: 'code-server for the netpol-scope end-to-end tests (scripts/install-code-server.mjs)',
          allowScripts: Object.fromEntries(allowed.map((name) => [name, true])),
        },
        null,
        2,
      )}\n`,
    );
    const npmEnv = {
      ...process.env,
      TMPDIR: npmTmp,
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
      npm_config_update_notifier: 'false',
    };
    run(
      'npm',
      [
        'install',
        `code-server@${CODE_SERVER_VERSION}`,
        '--ignore-scripts',
        '--save-exact',
        '--no-audit',
        '--no-fund',
      ],
      { cwd: staging, env: npmEnv, logFile, what: 'npm install code-server (files only)' },
    );
    // code-server's postinstall runs `npm install` in lib/vscode and lib/vscode/extensions, whose
    // package.json have no allowScripts; npm 11 refuses allow-scripts from the command line or the
    // environment there, so the approvals go into those package.json files before the scripts run.
    const csRoot = join(staging, 'node_modules', 'code-server');
    for (const folder of ['lib/vscode', 'lib/vscode/extensions']) {
      const file = join(csRoot, folder, 'package.json');
      /** @type {Record<string, unknown>} */
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      manifest.allowScripts = Object.fromEntries(allowed.map((name) => [name, true]));
      writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    log('    running the install scripts (native modules, VS Code dependencies)');
    run('npm', ['rebuild', 'code-server', 'argon2', '--foreground-scripts'], {
      cwd: staging,
      env: npmEnv,
      logFile,
      what: "code-server's postinstall",
    });
    for (const required of [
      'lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
      'lib/vscode/node_modules.asar',
    ]) {
      if (!existsSync(join(staging, 'node_modules/code-server', required))) {
        fail(`npm install finished but ${required} is missing: code-server's postinstall did not run fully`);
      }
    }

    log('4/4 checking that code-server runs');
    const version = installedVersion(staging);
    if (!version?.startsWith(CODE_SERVER_VERSION)) {
      fail(
        `the installed code-server does not run (\`code-server --version\` printed ${version ?? 'nothing'})`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    log(`installed ${version} in ${Math.round((Date.now() - started) / 1000)} s: ${dir}`);
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--print-dir')) {
    console.log(codeServerDir());
  } else {
    try {
      install({ force: process.argv.includes('--force') });
    } catch (error) {
      if (!(error instanceof InstallError)) throw error;
      console.error(`[install-code-server] ERROR: ${error.message}`);
      process.exit(1);
    }
  }
}
