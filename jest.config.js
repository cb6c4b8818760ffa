/** @type {import('jest').Config} */
const project = (displayName, testMatch, extra = {}) => ({
	displayName,
	preset: 'ts-jest',
	testEnvironment: 'node',
	testMatch,
	setupFiles: ['<rootDir>/test/jest.setup.js'],
	setupFilesAfterEnv: ['<rootDir>/test/jest.timeout.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	...extra,
});

module.exports = {
	projects: [
		project('sandbox', ['<rootDir>/test/sandbox/**/*.test.ts']),
		project('engine', ['<rootDir>/test/engine/**/*.test.ts']),
		project('package', ['<rootDir>/test/package/**/*.test.ts']),
		// A real n8n per test file, driven over loopback: run in band (npm run test:e2e).
		project('e2e', ['<rootDir>/test/e2e/**/*.e2e.test.js'], {
			globalSetup: '<rootDir>/test/e2e/jest.global-setup.js',
			setupFilesAfterEnv: ['<rootDir>/test/e2e/jest.setup.js'],
		}),
		// The editor in headless Chromium, against a real n8n (npm run test:browser).
		project('browser', ['<rootDir>/test/browser/**/*.browser.test.js'], {
			globalSetup: '<rootDir>/test/browser/jest.global-setup.js',
			setupFilesAfterEnv: ['<rootDir>/test/browser/jest.setup.js'],
		}),
	],
};
