'use strict';

const fs = require('node:fs');
const path = require('node:path');

const installer = require('./install-n8n');

// Before any test file starts its clock: a first install takes minutes, far past a hook's timeout.
module.exports = async () => {
	const node = path.resolve(__dirname, '..', '..', 'dist', 'nodes', 'Bik', 'Bik.node.js');
	if (!fs.existsSync(node)) throw new Error('dist/ has no built node: run `npm run build` first');
	installer.install();
};
