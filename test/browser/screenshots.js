#!/usr/bin/env node
// Regenerates the README's screenshots of the BIK node in n8n's editor:
// test/browser/screenshots/parameters.png (the filled-in panel) and output.png (after the step ran).
'use strict';

const path = require('node:path');

const editor = require('./editor');

const step = (line) => process.stdout.write(`${line}\n`);

async function main() {
	step('starting the BIK sandbox, n8n and Chromium');
	const session = await editor.startEditor();
	const { page, n8n } = session;
	try {
		await editor.signIn(page, n8n);
		await editor.addBikNode(page, n8n);
		await editor.fillParameters(page);
		await save(page, 'parameters.png');
		await editor.executeStep(page);
		await editor.closeToasts(page);
		await editor.widenOutput(page);
		await save(page, 'output.png');
	} finally {
		await session.stop();
	}
}

async function save(page, file) {
	const target = path.join(editor.SCREENSHOTS, file);
	// Finished transitions: a hover hint fading out would otherwise show half-drawn.
	await page.screenshot({ path: target, animations: 'disabled' });
	step(`saved ${path.relative(process.cwd(), target)}`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exitCode = 1;
});
