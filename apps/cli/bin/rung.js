#!/usr/bin/env node
// The `rung` command. The CLI is TypeScript compiled to ../dist; this file only starts it.
let cli;
try {
  cli = await import('../dist/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    console.error('rung: the CLI is not built. Run: npm run build');
    process.exit(1);
  }
  throw err;
}
// Exit explicitly: idle keep-alive sockets of fetch must not hold the process open.
process.exit(await cli.main(process.argv.slice(2)));
