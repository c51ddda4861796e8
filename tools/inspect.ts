// CLI: npm run inspect -- FILE [--json]. See tools/inspectCore.ts for the output and exit codes.
import { inspect } from './inspectCore.ts';

const result = await inspect(process.argv.slice(2));
if (result.code === 0) process.stdout.write(`${result.out}\n`);
else process.stderr.write(`${result.out}\n`);
process.exitCode = result.code;
