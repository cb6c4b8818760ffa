const { src, dest, parallel } = require('gulp');

// tsc copies no assets: the icons and the codex file travel beside the compiled code.
function copyIcons() {
	return src('icons/**/*.svg', { base: '.', encoding: false }).pipe(dest('dist'));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

exports['build:icons'] = parallel(copyIcons, copyCodex);
