'use strict';

const { ensureChromium } = require('./ensure-chromium');
const e2eSetup = require('../e2e/jest.global-setup');

// Before any test file starts its clock: Chromium and n8n may need installing first.
module.exports = async () => {
	ensureChromium({ quiet: true });
	await e2eSetup();
};
