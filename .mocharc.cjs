// Mocha's settings. With files named on the command line (`npx mocha test/unit/x.test.ts`) only those run;
// a `spec` in the config would be added to them and run the whole suite every time.
const named = process.argv.slice(2).some((arg) => !arg.startsWith('-') && /\.(ts|js|mjs|cjs)$|\*/.test(arg));

module.exports = {
  require: ['tsx/cjs'],
  extension: ['ts'],
  ...(named ? {} : { spec: ['test/unit/**/*.test.ts'] }),
  timeout: 60000,
  reporter: 'spec',
};
