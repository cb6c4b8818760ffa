'use strict';

// n8n finds the node and credential through the "n8n" section of package.json; requiring the
// package gives the same classes to code that wants them directly.
const { Bik } = require('./dist/nodes/Bik/Bik.node.js');
const { BikApi } = require('./dist/credentials/BikApi.credentials.js');

module.exports = { Bik, BikApi, nodes: [Bik], credentials: [BikApi] };
