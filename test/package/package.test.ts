import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface PackEntry {
	files: Array<{ path: string }>;
}

function packedFiles(): string[] {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	const [entry] = JSON.parse(output) as PackEntry[];
	return entry.files.map((file) => file.path).sort();
}

describe('What npm publishes', () => {
	const files = packedFiles();

	test('is the built node only: dist, index.js, README, LICENSE and package.json', () => {
		const outside = files.filter(
			(file) =>
				!file.startsWith('dist/') &&
				!['index.js', 'README.md', 'LICENSE', 'package.json'].includes(file),
		);
		expect(outside).toEqual([]);
		for (const required of [
			'dist/nodes/Bik/Bik.node.js',
			'dist/nodes/Bik/Bik.node.json',
			'dist/credentials/BikApi.credentials.js',
			'dist/icons/bik.svg',
			'dist/icons/bik.dark.svg',
			'index.js',
			'README.md',
			'LICENSE',
		]) {
			expect(files).toContain(required);
		}
	});

	test('holds no TypeScript sources, tests, maps or build caches', () => {
		expect(
			files.filter((file) => /\.(ts|map|tsbuildinfo)$/.test(file) && !file.endsWith('.d.ts')),
		).toEqual([]);
		expect(files.filter((file) => /(^|\/)(test|tests|__tests__)\//.test(file))).toEqual([]);
	});

	test('every path in the n8n section is packed', () => {
		for (const path of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
			expect(files).toContain(path);
		}
	});
});

describe('package.json follows the community package rules', () => {
	test('has no runtime dependencies and n8n-workflow only as a peer', () => {
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	test('is named n8n-nodes-*, MIT licensed and keyworded for n8n to find it', () => {
		expect(manifest.name).toMatch(/^n8n-nodes-/);
		expect(manifest.license).toBe('MIT');
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(existsSync(join(root, 'LICENSE'))).toBe(true);
	});

	test('runs no script on install', () => {
		for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
			expect(manifest.scripts?.[hook]).toBeUndefined();
		}
	});
});

describe('Requiring the package', () => {
	test('gives the built node and credential classes', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const pkg = require(root);

		expect(new pkg.Bik().description.name).toBe('bik');
		expect(new pkg.BikApi().name).toBe('bikApi');
		expect(pkg.nodes).toEqual([pkg.Bik]);
		expect(pkg.credentials).toEqual([pkg.BikApi]);
	});
});
