// Carries TCP connections across a network namespace through Unix sockets, which live in the file
// system and so are reachable from both sides.
'use strict';

const fs = require('node:fs');
const net = require('node:net');

function pipe(client, connectOptions) {
	const upstream = net.connect(connectOptions);
	client.pipe(upstream).pipe(client);
	client.on('error', () => upstream.destroy());
	upstream.on('error', () => client.destroy());
}

function listen(server, ...args) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(...args, () => resolve(server));
	});
}

/** Accepts on 127.0.0.1:port and forwards each connection to the Unix socket. */
function tcpToUnix(port, socketPath) {
	const server = net.createServer((client) => pipe(client, { path: socketPath }));
	return listen(server, port, '127.0.0.1');
}

/** Accepts on the Unix socket and forwards each connection to 127.0.0.1:port. */
function unixToTcp(socketPath, port) {
	fs.rmSync(socketPath, { force: true });
	const server = net.createServer((client) => pipe(client, { host: '127.0.0.1', port }));
	return listen(server, socketPath);
}

module.exports = { tcpToUnix, unixToTcp };
