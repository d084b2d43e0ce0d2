// npm run bench [-- --only api,flood,bot,jobs,holds,pg,memory] [--fresh] [--duration 8] [--connections 10]
// Repeatable benchmarks. Each section prints a table whose ratios compare against a baseline
// measured in the same run (machines are noisy: compare ratios, not absolute times).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnvFileOrExit } from '../config.js';
import { runApiBench } from './api.js';
import { runBotBench } from './bot.js';
import { runEnginesBench } from './engines.js';
import { runFloodBench } from './flood.js';
import { runHoldsBench } from './holds.js';
import { runJobsBench } from './jobs.js';
import { args, BENCH_DIR } from './lib.js';
import { runMemoryBench } from './memory.js';

loadEnvFileOrExit();

const sections = new Set(String(args.only).split(','));
const out: string[] = [
  `Benchmarks run ${new Date().toISOString()} on ${process.platform} ${process.arch}, Node ${process.version}, ${os.cpus().length} cores.`,
];
if (sections.has('api')) out.push(await runApiBench());
if (sections.has('flood')) out.push(await runFloodBench());
if (sections.has('bot')) out.push(await runBotBench());
if (sections.has('jobs')) out.push(await runJobsBench());
if (sections.has('holds')) out.push(await runHoldsBench());
if (sections.has('pg')) out.push(await runEnginesBench());
if (sections.has('memory')) out.push(await runMemoryBench());
const report = out.join('\n\n');
console.log(`\n${report}\n`);
fs.mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
fs.writeFileSync(path.join(BENCH_DIR, 'results', 'latest.md'), `${report}\n`);
console.log('(also written to bench/results/latest.md)');
