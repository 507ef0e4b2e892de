/** A process that makes a work folder, prints it, then ends the way argv[3] says (for work-folder.test.ts). */
import { createWorkFolder } from '../work-folder.ts';

const [parent, ending] = process.argv.slice(2);
const folder = createWorkFolder(parent, 'glide-serve-');
process.on('SIGTERM', () => process.exit(0));
console.log(folder.dir);
if (ending === 'throw') setTimeout(() => { throw new Error('crash'); }, 50);
else if (ending === 'reject') setTimeout(() => void Promise.reject(new Error('crash')), 50);
else if (ending === 'exit') setTimeout(() => process.exit(3), 50);
else setInterval(() => {}, 1000); // wait for a signal
