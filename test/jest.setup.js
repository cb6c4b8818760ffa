// n8n's logger prints every node failure to the console; the tests assert on those failures.
process.env.N8N_LOG_LEVEL = 'silent';
