import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import { loadedPackage } from './harness';

const root = join(__dirname, '..', '..');

function load() {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Bik } = require(join(root, 'dist/nodes/Bik/Bik.node.js'));
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { BikApi } = require(join(root, 'dist/credentials/BikApi.credentials.js'));
	return { node: new Bik().description, credential: new BikApi() };
}

describe('What n8n shows of the node and credential', () => {
	test('the node is BIK, declarative, usable as an AI tool, with a subtitle', () => {
		const { node } = load();

		expect(node.displayName).toBe('BIK');
		expect(node.name).toBe('bik');
		expect(node.usableAsTool).toBe(true);
		expect(node.requestDefaults?.baseURL).toContain('$credentials.baseUrl');
		expect(node.subtitle).toContain('$parameter["idType"]');
		expect(node.credentials).toEqual([{ name: 'bikApi', required: true }]);
	});

	test('light and dark icons are two different drawings shipped beside the built code', () => {
		const { node, credential } = load();
		for (const icon of [node.icon, credential.icon]) {
			expect(icon.light).not.toBe(icon.dark);
		}
		const light = join(root, 'dist/nodes/Bik', node.icon.light.replace('file:', ''));
		const dark = join(root, 'dist/nodes/Bik', node.icon.dark.replace('file:', ''));
		expect(readFileSync(light, 'utf8')).toMatch(/^<svg/);
		expect(readFileSync(dark, 'utf8')).not.toBe(readFileSync(light, 'utf8'));
	});

	test('the codex file gives categories and documentation links', () => {
		const codex = JSON.parse(readFileSync(join(root, 'dist/nodes/Bik/Bik.node.json'), 'utf8'));

		expect(codex.node).toBe('n8n-nodes-bik.bik');
		expect(codex.categories.length).toBeGreaterThan(0);
		expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
		expect(codex.resources.credentialDocumentation[0].url).toMatch(/^https:\/\//);
	});

	test('the ID fields take expressions and only the chosen one is shown', () => {
		const { node } = load();
		const byName = (name: string) =>
			node.properties.find((property: INodeProperties) => property.name === name);

		for (const [name, idType] of [
			['partnerCustomerId', 'partnerCustomerId'],
			['bikCustomerId', 'bikCustomerId'],
		]) {
			const field = byName(name);
			expect(field.type).toBe('string');
			expect(field.required).toBe(true);
			expect(field.noDataExpression).toBeUndefined();
			expect(field.displayOptions.show.idType).toEqual([idType]);
		}
		expect(byName('idType').options.map((option: { value: string }) => option.value)).toEqual([
			'bikCustomerId',
			'partnerCustomerId',
		]);
	});

	test('every secret of the credential is a password field', () => {
		const { credential } = load();
		const secrets = credential.properties.filter((property: INodeProperties) =>
			['token', 'apiKey', 'apiSecret'].includes(property.name),
		);

		expect(secrets).toHaveLength(3);
		for (const secret of secrets) expect(secret.typeOptions?.password).toBe(true);
		expect(credential.displayName).toBe('BIK API');
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
	});

	test('a new credential takes a Basic token and points at BIK production', () => {
		const { credential } = load();
		const defaultOf = (name: string) =>
			credential.properties.find((property: INodeProperties) => property.name === name)?.default;

		expect(defaultOf('authentication')).toBe('token');
		expect(defaultOf('baseUrl')).toBe('https://bikapi.bikayi.app');
	});

	test("n8n's loader adds Request Options and resolves the icons for the package", async () => {
		const { nodeTypes } = await loadedPackage();
		const description = nodeTypes.getByName('n8n-nodes-bik.bik').description as {
			properties: INodeProperties[];
		};

		expect(description.properties.map((property) => property.name)).toContain('requestOptions');
		expect(existsSync(join(root, 'dist/icons/bik.svg'))).toBe(true);
	});
});
