// Runs n8n in a network namespace of its own, where only loopback exists and the public npm
// registry's host name points at a local stand-in serving this package. n8n then installs the
// package exactly as it would from npm: it refuses any other registry without a licence, so the
// name has to resolve. Needs root (unshare), `ip`, `mount` and `openssl`.
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { tcpToUnix, unixToTcp } = require('./bridge');
const { startRegistry } = require('./registry');

const REGISTRY_HOST = 'registry.npmjs.org';

/** A throwaway CA and a certificate for the registry's host name signed by it. */
function makeCertificates(dir) {
	const file = (name) => path.join(dir, name);
	const openssl = (...args) => execFileSync('openssl', args, { stdio: 'ignore' });
	openssl(
		...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
		...['-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', '/CN=n8n-nodes-bik e2e CA'],
		...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=keyCertSign'],
	);
	openssl(
		...['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('registry.key')],
		...['-out', file('registry.csr'), '-subj', `/CN=${REGISTRY_HOST}`],
	);
	fs.writeFileSync(file('registry.ext'), `subjectAltName=DNS:${REGISTRY_HOST}\n`);
	openssl(
		...['x509', '-req', '-in', file('registry.csr'), '-CA', file('ca.pem')],
		...['-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2'],
		...['-out', file('registry.pem'), '-extfile', file('registry.ext')],
	);
	return { ca: file('ca.pem'), key: file('registry.key'), cert: file('registry.pem') };
}

/** Packs the repository as `npm publish` would; answers the tarball's path and its manifest. */
function packPackage(repo, dir) {
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
		cwd: repo,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	const [{ filename }] = JSON.parse(out);
	const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
	return { tarball: path.join(dir, path.basename(filename)), manifest };
}

/**
 * Answers a `launch` function for startN8n that starts n8n inside the namespace.
 * @param {{ repo: string, forwardPorts?: number[] }} options ports on this side that n8n may reach
 */
function namespaceLauncher({ repo, forwardPorts = [] }) {
	return async (spawnArgs) => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bik-netns-'));
		const certs = makeCertificates(dir);
		const { tarball, manifest } = packPackage(repo, dir);
		const hosts = path.join(dir, 'hosts');
		fs.writeFileSync(hosts, `127.0.0.1 localhost ${REGISTRY_HOST}\n::1 localhost\n`);
		fs.writeFileSync(path.join(dir, 'npmrc'), '');

		const n8nPort = Number(spawnArgs.env.N8N_PORT);
		const socket = (name) => path.join(dir, `${name}.sock`);
		const config = {
			registry: { tarball, manifest, key: certs.key, cert: certs.cert },
			inbound: [{ socket: socket('n8n'), port: n8nPort }],
			outbound: forwardPorts.map((port) => ({ port, socket: socket(`port-${port}`) })),
			command: spawnArgs.command,
			args: spawnArgs.args,
			cwd: spawnArgs.cwd,
			env: {
				...spawnArgs.env,
				NODE_EXTRA_CA_CERTS: certs.ca,
				NPM_CONFIG_USERCONFIG: path.join(dir, 'npmrc'),
				npm_config_cache: path.join(dir, 'npm-cache'),
			},
		};
		const configFile = path.join(dir, 'config.json');
		fs.writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });

		const outside = [
			await tcpToUnix(n8nPort, socket('n8n')),
			...(await Promise.all(forwardPorts.map((port) => unixToTcp(socket(`port-${port}`), port)))),
		];
		const script = 'ip link set lo up && mount --bind "$0" /etc/hosts && exec "$1" "$2" "$3"';
		const child = spawn(
			'unshare',
			[
				'--net',
				'--mount',
				'--',
				'sh',
				'-c',
				script,
				hosts,
				process.execPath,
				__filename,
				configFile,
			],
			{ detached: true, stdio: spawnArgs.stdio },
		);
		const cleanup = async () => {
			await Promise.all(outside.map((server) => new Promise((done) => server.close(done))));
			fs.rmSync(dir, { recursive: true, force: true });
		};
		return { child, cleanup, tarball };
	};
}

async function insideNamespace(configFile) {
	const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
	const { registry } = config;
	await startRegistry({
		tarball: registry.tarball,
		manifest: registry.manifest,
		key: fs.readFileSync(registry.key),
		cert: fs.readFileSync(registry.cert),
	});
	for (const { socket, port } of config.inbound) await unixToTcp(socket, port);
	for (const { port, socket } of config.outbound) await tcpToUnix(port, socket);

	const n8n = spawn(config.command, config.args, {
		cwd: config.cwd,
		env: config.env,
		stdio: 'inherit',
	});
	n8n.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
	for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => n8n.kill(signal));
}

module.exports = { namespaceLauncher, REGISTRY_HOST };

if (require.main === module) {
	insideNamespace(process.argv[2]).catch((error) => {
		process.stderr.write(`${error.stack}\n`);
		process.exit(1);
	});
}
