/** Process entry point (bin/homeroom.js): runs the command line and sets the exit code. */
import { main } from './cli.ts';

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
