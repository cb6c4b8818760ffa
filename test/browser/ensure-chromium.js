#!/usr/bin/env node
// Installs Debian's Chromium for the browser test when it is missing, with apt-get as root (as CI
// runs) or through sudo. Prints one line.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';

// Debian's launcher script prints a harmless complaint about /dev/shm on machines with more than
// one mount there; the flags we pass already cover what it checks.
function chromiumVersion() {
	return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: 'pipe' }).trim();
}

function aptGet(args) {
	const [command, ...rest] = process.getuid?.() === 0 ? ['apt-get'] : ['sudo', 'apt-get'];
	execFileSync(command, [...rest, ...args], {
		stdio: ['ignore', 'ignore', 'inherit'],
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
}

/** Answers the path of Chromium, installing Debian's package first when it is missing. */
function ensureChromium({ quiet = false } = {}) {
	const say = (line) => quiet || process.stdout.write(`${line}\n`);
	if (fs.existsSync(CHROMIUM)) {
		if (!quiet) say(`Chromium is installed: ${chromiumVersion()}`);
		return CHROMIUM;
	}
	aptGet(['update', '-qq']);
	aptGet(['install', '-y', '-qq', 'chromium']);
	say(`Chromium installed with apt-get: ${chromiumVersion()}`);
	return CHROMIUM;
}

if (require.main === module) {
	try {
		ensureChromium();
	} catch (error) {
		process.stderr.write(`Could not install Chromium: ${error.message}\n`);
		process.exit(1);
	}
}

module.exports = { CHROMIUM, ensureChromium };
