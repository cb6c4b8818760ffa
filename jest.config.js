/** @type {import('jest').Config} */
const project = (displayName, testMatch, extra = {}) => ({
	displayName,
	preset: 'ts-jest',
	testEnvironment: 'node',
	testMatch,
	setupFiles: ['<rootDir>/test/jest.setup.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	...extra,
});

module.exports = {
	projects: [
		project('sandbox', ['<rootDir>/test/sandbox/**/*.test.ts']),
		project('engine', ['<rootDir>/test/engine/**/*.test.ts']),
		project('package', ['<rootDir>/test/package/**/*.test.ts']),
	],
};
