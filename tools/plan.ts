// CLI: npm run plan -- [--files FILE...] [--size N] [--json]. See tools/planCore.ts for the output and exit codes.
import { plan } from './planCore.ts';

const result = await plan(process.argv.slice(2));
if (result.code === 0) process.stdout.write(`${result.out}\n`);
else process.stderr.write(`${result.out}\n`);
process.exitCode = result.code;
