// A stand-in for the npm registry that knows one package: the tarball `npm pack` made of this
// repository. It answers under the public registry's host name, so it has to run where that name
// points at loopback (see netns.js).
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');

const PUBLIC_REGISTRY = 'https://registry.npmjs.org';

function packument(manifest, tarballFile) {
	const tarball = fs.readFileSync(tarballFile);
	const fileName = `${manifest.name}-${manifest.version}.tgz`;
	const version = {
		...manifest,
		_id: `${manifest.name}@${manifest.version}`,
		dist: {
			tarball: `${PUBLIC_REGISTRY}/${manifest.name}/-/${fileName}`,
			shasum: crypto.createHash('sha1').update(tarball).digest('hex'),
			integrity: `sha512-${crypto.createHash('sha512').update(tarball).digest('base64')}`,
		},
	};
	return {
		tarball,
		fileName,
		version,
		document: {
			_id: manifest.name,
			name: manifest.name,
			'dist-tags': { latest: manifest.version },
			versions: { [manifest.version]: version },
			time: { [manifest.version]: new Date().toISOString() },
		},
	};
}

/**
 * Serves the packed package over HTTPS on `port` of 127.0.0.1.
 * @param {{ tarball: string, manifest: object, key: string, cert: string, port?: number }} options
 */
function startRegistry({ tarball, manifest, key, cert, port = 443 }) {
	const pkg = packument(manifest, tarball);
	const base = `/${manifest.name}`;
	const server = https.createServer({ key, cert }, (req, res) => {
		const url = decodeURIComponent(new URL(req.url, PUBLIC_REGISTRY).pathname);
		const json = (status, body) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'read only' });
		if (url === base) return json(200, pkg.document);
		if (url === `${base}/${manifest.version}` || url === `${base}/latest`) {
			return json(200, pkg.version);
		}
		if (url === `${base}/-/${pkg.fileName}`) {
			res.writeHead(200, { 'content-type': 'application/octet-stream' });
			return res.end(pkg.tarball);
		}
		return json(404, { error: 'Not found' });
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve(server));
	});
}

module.exports = { startRegistry, PUBLIC_REGISTRY };
