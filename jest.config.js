// The whole unit suite in one jest run (each project also has its own `nx run <project>:test`).
const { readdirSync, existsSync } = require('node:fs');
const path = require('node:path');

const roots = ['apps', 'libs', 'tools'].flatMap((dir) =>
  readdirSync(path.join(__dirname, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(__dirname, dir, entry.name, 'jest.config.js')))
    .map((entry) => `<rootDir>/${dir}/${entry.name}`),
);

module.exports = { projects: roots };
