'use strict';

// Runs wait on a real n8n; a cold start alone can take most of a minute on two cores.
jest.setTimeout(120_000);
