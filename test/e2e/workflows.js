// Builds the workflows the end-to-end tests run, and loads the example workflows.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES = path.resolve(__dirname, '..', 'examples');
const PACKAGE_PREFIX = 'n8n-nodes-bik.';
const EXAMPLE_CREDENTIAL = 'BIK sandbox';

const node = (name, type, parameters = {}, extra = {}) => ({
	id: crypto.randomUUID(),
	name,
	type,
	typeVersion: 1,
	position: [0, 0],
	parameters,
	...extra,
});

const manualTrigger = () => node('Manual Trigger', 'n8n-nodes-base.manualTrigger');

/** A Code node that outputs one item per object. */
function itemsNode(name, objects) {
	const jsCode = `return ${JSON.stringify(objects)}.map((json) => ({ json }));`;
	return node(name, 'n8n-nodes-base.code', { jsCode }, { typeVersion: 2 });
}

/** A BIK node of the given type with its credential. */
function bikNode({ type, credential, name = 'BIK', parameters, settings = {} }) {
	return node(name, type, parameters, {
		credentials: { bikApi: { id: credential.id, name: credential.name } },
		...settings,
	});
}

/** Manual Trigger, then each node in turn, first output to first input. */
function chain(name, nodes) {
	const all = [manualTrigger(), ...nodes];
	all.forEach((entry, index) => (entry.position = [index * 220, 0]));
	const connections = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes: all, connections, settings: { executionOrder: 'v1' } };
}

/**
 * An example workflow as a user imports it: its credential is named, not numbered, and n8n finds
 * it by that name. For a custom-extension n8n the node types are renamed.
 */
function loadExample(file, { typePrefix = PACKAGE_PREFIX } = {}) {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
	for (const entry of workflow.nodes) {
		if (entry.type.startsWith(PACKAGE_PREFIX)) {
			entry.type = typePrefix + entry.type.slice(PACKAGE_PREFIX.length);
		}
	}
	return workflow;
}

const exampleFiles = () => fs.readdirSync(EXAMPLES).filter((file) => file.endsWith('.json'));

module.exports = {
	EXAMPLE_CREDENTIAL,
	EXAMPLES,
	bikNode,
	chain,
	exampleFiles,
	itemsNode,
	loadExample,
	node,
};
