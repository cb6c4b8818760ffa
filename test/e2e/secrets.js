// Looks for a credential's secrets in everything n8n wrote: its user folder (the SQLite database
// and its journal, settings, event logs), its own log file and what it printed.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

function filesUnder(dir) {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return filesUnder(full);
		return entry.isFile() ? [full] : [];
	});
}

/** Answers `file: secret` for every file holding one of the secrets; an empty list is good. */
function findSecrets(n8n, secrets) {
	const files = filesUnder(n8n.userFolder);
	const found = [];
	for (const file of files) {
		const content = fs.readFileSync(file);
		for (const [label, secret] of Object.entries(secrets)) {
			if (content.includes(Buffer.from(secret))) {
				found.push(`${path.relative(n8n.userFolder, file)}: ${label}`);
			}
		}
	}
	return { files: files.map((file) => path.relative(n8n.userFolder, file)), found };
}

module.exports = { findSecrets, filesUnder };
