#!/usr/bin/env node
// The whole test suite, as CI runs it: build, lint, format, then every jest project.
// Prints one line per step and a closing "tests: N passed, N failed" line.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const only = process.argv.slice(2);

const checks = [
	['build', 'npm', ['run', '--silent', 'build']],
	['lint', bin('eslint'), ['package.json', 'nodes', 'credentials']],
	['format', bin('prettier'), ['--check', '--log-level', 'warn', '.']],
];
// Suites that start a real n8n run one file at a time: the machine has two cores.
const suites = ['sandbox', 'engine', 'package', 'e2e', 'browser'];
const inBand = new Set(['e2e', 'browser']);

let passed = 0;
let failed = 0;
const broken = [];

function run(label, command, args) {
	const started = Date.now();
	process.stdout.write(`${label}: running\n`);
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	const ok = result.status === 0;
	process.stdout.write(`${label}: ${ok ? 'ok' : 'FAILED'} in ${seconds} s\n`);
	if (!ok) broken.push(label);
	return ok;
}

for (const [label, command, args] of checks) {
	if (only.length && !only.includes(label)) continue;
	if (!run(label, command, args) && label === 'build') break;
}

if (!broken.includes('build')) {
	for (const suite of suites) {
		if (only.length && !only.includes(suite)) continue;
		const report = path.join(os.tmpdir(), `bik-jest-${process.pid}-${suite}.json`);
		run(`jest ${suite}`, bin('jest'), [
			'--selectProjects',
			suite,
			...(inBand.has(suite) ? ['--runInBand'] : []),
			'--json',
			`--outputFile=${report}`,
		]);
		if (fs.existsSync(report)) {
			const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
			passed += summary.numPassedTests;
			failed += summary.numFailedTests;
			if (summary.numTotalTests === 0) broken.push(`jest ${suite} ran no test`);
			fs.rmSync(report);
		}
	}
}

if (broken.length) process.stderr.write(`failed steps: ${broken.join(', ')}\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
process.exit(broken.length || failed ? 1 : 0);
