import { runProcess } from '@conclave/bootstrap';
import { createWorkerApp } from './worker-app';

/** `npm run start:worker`: executes queued runs (queue mode: REDIS_URL + DATABASE_URL). */
runProcess({
  service: 'worker',
  name: 'Conclave worker',
  stopping: 'finishing current steps, releasing runs',
  async start(config, pino) {
    const worker = await createWorkerApp(config, pino);
    // Always printed (whatever LOG_LEVEL): scripts and tests wait for this line.
    process.stdout.write(
      `Conclave worker ready (pid ${process.pid}, concurrency ${config.workerConcurrency}, queue prefix ${config.queuePrefix})\n`,
    );
    return worker;
  },
});
